package testbed.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;
import testbed.config.JsonObject;
import testbed.model.BoardVariant;
import testbed.model.Connection;
import testbed.model.Firmware;
import testbed.model.Fut;
import testbed.model.InvalidInputException;
import testbed.model.Programmer;
import testbed.model.RunnerSpec;
import testbed.model.Tentacle;
import testbed.model.TestRunSpec;

/**
 * A lab for the schedule benchmark: kinds of tentacles with a speed factor, test groups with a base duration,
 * flash time per programmer, build time, spread and error probabilities. The reference labs {@code small},
 * {@code anchor} and {@code large} ship as resources; any file of the same format works.
 *
 * @param speed per tag: how much longer than the base duration a test takes on that board (1.0 = base)
 * @param flashSeconds per programmer name
 * @param buildSeconds per firmware; 0 means prebuilt (ready at the start)
 * @param spread relative spread of every duration: uniform in [1 - spread, 1 + spread]
 * @param pInfra probability that an attempt ends in an infrastructure error (lost board, timeout)
 * @param pFail probability that an attempt has failing tests ({@code --count} then repeats it)
 */
public record LabModel(
        String name,
        String description,
        Set<String> referenceBoards,
        List<Tentacle> tentacles,
        Map<String, Double> speed,
        List<TestRunSpec> specs,
        Map<String, Double> baseSeconds,
        Map<String, Double> flashSeconds,
        double buildSeconds,
        double spread,
        double pInfra,
        double pFail) {

    public static final List<String> REFERENCE_LABS = List.of("small", "anchor", "large");

    /** A reference lab by name, or a model file by path. */
    public static LabModel load(String nameOrPath) {
        if (REFERENCE_LABS.contains(nameOrPath)) {
            String resource = "/testbed/bench/" + nameOrPath + ".json";
            try (InputStream in = LabModel.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + resource);
                }
                return parse(JsonObject.parse(Path.of("bench", nameOrPath + ".json"), new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new IllegalStateException("cannot read resource " + resource, e);
            }
        }
        Path file = Path.of(nameOrPath);
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException("--lab-model: '" + nameOrPath + "' is neither a reference lab (" + String.join(", ", REFERENCE_LABS)
                    + ") nor a file");
        }
        return parse(JsonObject.read(file));
    }

    static LabModel parse(JsonObject json) {
        String name = json.string("name");
        String description = json.string("description", "");
        Set<String> referenceBoards = new TreeSet<>(json.strings("reference_boards", List.of("RPI_PICO_W")));
        Map<String, String> flash = json.stringMap("flash_s");
        Map<String, Double> flashSeconds = new java.util.TreeMap<>();
        flash.forEach((programmer, seconds) -> flashSeconds.put(programmer, number(json, "flash_s." + programmer, seconds)));
        double build = json.number("build_s", 0);
        double spread = json.number("spread", 0);
        double pInfra = json.number("p_infra", 0);
        double pFail = json.number("p_fail", 0);
        int replicate = json.integer("replicate", 1);
        if (spread < 0 || spread >= 1 || pInfra < 0 || pInfra >= 1 || pFail < 0 || pFail >= 1 || replicate < 1) {
            throw json.error("spread, p_infra and p_fail must be in [0, 1), replicate at least 1");
        }
        List<Tentacle> tentacles = new ArrayList<>();
        Map<String, Double> speed = new java.util.TreeMap<>();
        int serial = 0;
        for (int copy = 0; copy < replicate; copy++) {
            for (JsonObject kind : json.objects("kinds")) {
                String baseTag = kind.string("tag");
                String tag = replicate == 1 ? baseTag : baseTag + "_" + (copy + 1);
                String board = kind.string("board", baseTag);
                int count = kind.integer("count", 1);
                Set<Fut> futs = EnumSet.noneOf(Fut.class);
                for (String f : kind.strings("futs")) {
                    futs.add(Fut.parse(f));
                }
                List<String> variants = kind.strings("variants", List.of(""));
                String programmer = kind.string("programmer");
                if (!flashSeconds.containsKey(programmer)) {
                    throw kind.error("programmer", "'" + programmer + "' has no flash time in flash_s (" + String.join(", ", flashSeconds.keySet()) + ")");
                }
                speed.put(tag, kind.number("speed", 1.0));
                kind.rejectUnknownFields();
                for (int i = 0; i < count; i++) {
                    serial++;
                    tentacles.add(new Tentacle(String.format("bench%07x-%04x", serial, serial), tag, board, "sim", futs, variants,
                            new Programmer(programmer, List.of()), 0, Map.of(), new Connection("simulated", Map.of())));
                }
            }
        }
        List<TestRunSpec> specs = new ArrayList<>();
        Map<String, Double> baseSeconds = new java.util.TreeMap<>();
        for (JsonObject s : json.objects("specs")) {
            String label = s.string("label");
            double duration = s.number("duration_s");
            baseSeconds.put(label, duration);
            specs.add(new TestRunSpec(label, "simulated", new RunnerSpec.BuiltinTests("simulated", 60), Fut.parse(s.string("fut")),
                    s.bool("reference", false), duration * 5, s.integer("priority", 0), OptionalDouble.of(duration), Path.of("simulated")));
            s.rejectUnknownFields();
        }
        json.rejectUnknownFields();
        return new LabModel(name, description, referenceBoards, tentacles, speed, specs, baseSeconds, flashSeconds, build, spread, pInfra, pFail);
    }

    private static double number(JsonObject json, String field, String text) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw json.error(field, "expected seconds, got '" + text + "'");
        }
    }

    /** Every board-variant the lab's tentacles need, as buildable firmware (or prebuilt when build_s is 0). */
    public Map<BoardVariant, Firmware> firmware() {
        Map<BoardVariant, Firmware> catalog = new java.util.TreeMap<>();
        for (Tentacle t : tentacles) {
            for (String v : t.variants()) {
                BoardVariant bv = t.boardVariant(v);
                catalog.computeIfAbsent(bv, k -> new Firmware(k, k.name() + ";simulated", Path.of("simulated", k.name()),
                        java.util.Optional.empty(),
                        buildSeconds > 0 ? java.util.Optional.of(new Firmware.Build(List.of("make", "BOARD=" + k.board()), buildSeconds))
                                : java.util.Optional.empty(),
                        Path.of("simulated", k.name(), "firmware.json")));
            }
        }
        return catalog;
    }

    public List<Tentacle> referencePool() {
        return tentacles.stream().filter(t -> referenceBoards.contains(t.board())).toList();
    }
}
