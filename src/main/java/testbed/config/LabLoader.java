package testbed.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import testbed.model.Connection;
import testbed.model.Fut;
import testbed.model.InvalidInputException;
import testbed.model.Lab;
import testbed.model.Programmer;
import testbed.model.Tentacle;
import testbed.model.UsbLimits;

/**
 * Reads a lab inventory ({@code labs/<name>.json}): the tentacles by serial with their board, FUTs, variants,
 * programmer, port and free-form tags.
 */
public final class LabLoader {

    /** MicroPython's ports (its ports/ folder): a tentacle's port must be one of them. */
    static final List<String> PORTS = List.of("alif", "bare-arm", "cc3200", "embed", "esp32", "esp8266", "mimxrt", "minimal", "nrf", "pic16bit",
            "powerpc", "qemu", "renesas-ra", "rp2", "samd", "stm32", "unix", "webassembly", "windows", "zephyr");


    private LabLoader() {}

    /** Resolves {@code --lab NAME|PATH}: an existing path, else {@code <labsDir>/NAME.json}. */
    public static Path resolve(String nameOrPath, Path labsDir) {
        Path asPath = Path.of(nameOrPath);
        if (nameOrPath.endsWith(".json") || nameOrPath.contains("/")) {
            if (!Files.isRegularFile(asPath)) {
                throw new InvalidInputException("--lab: file not found: " + nameOrPath);
            }
            return asPath;
        }
        Path named = labsDir.resolve(nameOrPath + ".json");
        if (!Files.isRegularFile(named)) {
            throw new InvalidInputException("--lab: unknown lab '" + nameOrPath + "' (known: " + String.join(", ", known(labsDir)) + ")");
        }
        return named;
    }

    /** The names of the labs in a folder. */
    public static List<String> known(Path labsDir) {
        if (!Files.isDirectory(labsDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(labsDir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - 5))
                    .sorted()
                    .toList();
        } catch (java.io.IOException e) {
            return List.of();
        }
    }

    public static Lab load(Path file) {
        JsonObject json = JsonObject.read(file);
        String name = json.name("name");
        String description = json.string("description", "");
        String defaultConnection = json.string("default_connection", Connection.OCTOPROBE);
        if (!Connection.KINDS.contains(defaultConnection)) {
            throw json.error("default_connection", "unknown connection kind '" + defaultConnection + "' (valid: " + String.join(", ", Connection.KINDS) + ")");
        }
        List<Tentacle> tentacles = new ArrayList<>();
        Map<String, Tentacle> bySerial = new HashMap<>();
        Map<String, Tentacle> byTag = new HashMap<>();
        List<JsonObject> entries = json.objects("tentacles");
        if (entries.isEmpty()) {
            throw json.error("tentacles", "the lab has no tentacles");
        }
        for (int i = 0; i < entries.size(); i++) {
            JsonObject entry = entries.get(i);
            Tentacle t = tentacle(entry, defaultConnection);
            Tentacle dup = bySerial.putIfAbsent(t.serial(), t);
            if (dup != null) {
                throw json.error("tentacles[" + i + "].serial", "duplicate serial \"" + t.serial() + "\" (also tentacle " + dup.label() + ")");
            }
            Tentacle sameTag = byTag.putIfAbsent(t.tag(), t);
            if (sameTag != null && !sameTag.sameHardwareAs(t)) {
                throw json.error("tentacles[" + i + "].tag", "tag \"" + t.tag() + "\" is used by " + sameTag.label()
                        + " with other board, FUTs or variants; identical tentacles must share a tag, different ones must not");
            }
            tentacles.add(t);
        }
        List<String> references = json.strings("reference_boards", List.of());
        for (int i = 0; i < references.size(); i++) {
            String ref = references.get(i);
            if (tentacles.stream().noneMatch(t -> t.board().equals(ref))) {
                throw json.error("reference_boards[" + i + "]", "no tentacle of this lab has board '" + ref + "' (boards: "
                        + String.join(", ", tentacles.stream().map(Tentacle::board).distinct().sorted().toList()) + ")");
            }
        }
        UsbLimits usb = json.optionalObject("usb_load").map(u -> usbLimits(u, tentacles)).orElse(UsbLimits.NONE);
        json.rejectUnknownFields();
        return new Lab(name, description, file, tentacles, references, usb);
    }

    /**
     * {@code "usb_load": {"per_host": 4, "per_hub": 2, "hubs": {"hub1": 1}, "quiet_hubs": ["hub1"]}}: flashes at once per
     * host and per hub (a tentacle's hub is its {@code hub} tag), and hubs on which tests never overlap a flash.
     */
    private static UsbLimits usbLimits(JsonObject u, List<Tentacle> tentacles) {
        java.util.Set<String> known = new java.util.TreeSet<>();
        tentacles.forEach(t -> UsbLimits.hubOf(t).ifPresent(known::add));
        int perHost = atLeastZero(u, "per_host", u.integer("per_host", 0));
        int perHub = atLeastZero(u, "per_hub", u.integer("per_hub", 0));
        Map<String, Integer> hubs = new java.util.LinkedHashMap<>();
        u.stringMap("hubs").forEach((hub, text) -> {
            if (!known.contains(hub)) {
                throw u.error("hubs." + hub, "no tentacle has \"hub\": \"" + hub + "\" in its tags (hubs: " + (known.isEmpty() ? "none" : String.join(", ", known)) + ")");
            }
            try {
                hubs.put(hub, atLeastZero(u, "hubs." + hub, Integer.parseInt(text)));
            } catch (NumberFormatException e) {
                throw u.error("hubs." + hub, "expected a number of flashes at once, got \"" + text + "\"");
            }
        });
        List<String> quiet = u.strings("quiet_hubs", List.of());
        for (int i = 0; i < quiet.size(); i++) {
            if (!known.contains(quiet.get(i))) {
                throw u.error("quiet_hubs[" + i + "]", "no tentacle has \"hub\": \"" + quiet.get(i) + "\" in its tags (hubs: "
                        + (known.isEmpty() ? "none" : String.join(", ", known)) + ")");
            }
        }
        u.rejectUnknownFields();
        return new UsbLimits(perHost, perHub, hubs, new java.util.HashSet<>(quiet));
    }

    private static int atLeastZero(JsonObject json, String field, int n) {
        if (n < 0) {
            throw json.error(field, "expected 0 (no limit) or more, got " + n);
        }
        return n;
    }

    private static Tentacle tentacle(JsonObject e, String defaultConnection) {
        String serial = e.name("serial");
        if (serial.length() < 4) {
            throw e.error("serial", "expected at least 4 characters, got \"" + serial + "\"");
        }
        String tag = e.name("tag");
        String board = e.has("board") ? e.name("board") : tag;
        if (board.contains("-")) {
            throw e.error("board", "a board name has no '-' (variants go into 'variants'), got \"" + board + "\"");
        }
        String port = e.name("port");
        if (!PORTS.contains(port)) {
            throw e.error("port", "unknown MicroPython port '" + port + "' (known: " + String.join(", ", PORTS) + ")");
        }
        Set<Fut> futs = EnumSet.noneOf(Fut.class);
        List<String> futNames = e.strings("futs");
        for (int i = 0; i < futNames.size(); i++) {
            try {
                futs.add(Fut.parse(futNames.get(i)));
            } catch (IllegalArgumentException ex) {
                throw e.error("futs[" + i + "]", ex.getMessage());
            }
        }
        List<String> variants = e.strings("variants", List.of(""));
        if (variants.isEmpty()) {
            throw e.error("variants", "expected at least one variant (\"\" is the default variant)");
        }
        if (new LinkedHashSet<>(variants).size() != variants.size()) {
            throw e.error("variants", "duplicate variant in " + variants);
        }
        for (String v : variants) {
            if (!v.matches("[A-Za-z0-9_]*")) {
                throw e.error("variants", "invalid variant \"" + v + "\" (letters, digits and '_' only)");
            }
        }
        JsonObject p = e.object("programmer");
        Programmer programmer = new Programmer(p.name("name"), p.strings("args", List.of()));
        if (!Programmer.KNOWN.contains(programmer.name())) {
            throw p.error("name", "unknown programmer '" + programmer.name() + "' (known: " + String.join(", ", Programmer.KNOWN) + ")");
        }
        p.rejectUnknownFields();
        double delay = e.number("power_on_delay_s", 0);
        Map<String, String> tags = e.stringMap("tags");
        Connection connection = e.optionalObject("connection")
                .map(c -> {
                    String kind = c.name("kind");
                    if (!Connection.KINDS.contains(kind)) {
                        throw c.error("kind", "unknown connection kind '" + kind + "' (valid: " + String.join(", ", Connection.KINDS) + ")");
                    }
                    return new Connection(kind, withoutKind(c.asPlainMap()));
                })
                .orElse(new Connection(defaultConnection, Map.of()));
        List<String> perftest = e.strings("perftest_args", Tentacle.DEFAULT_PERFTEST_ARGS);
        if (perftest.size() != 2 || !perftest.stream().allMatch(a -> a.matches("\\d+"))) {
            throw e.error("perftest_args", "expected two numbers, run-perfbench.py's N and M (e.g. [\"100\", \"100\"]), got " + perftest);
        }
        e.rejectUnknownFields();
        return new Tentacle(serial, tag, board, port, futs, variants, programmer, delay, tags, connection, perftest);
    }

    private static Map<String, Object> withoutKind(Map<String, Object> map) {
        return map.entrySet().stream()
                .filter(en -> !en.getKey().equals("kind") && en.getValue() != null)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

}
