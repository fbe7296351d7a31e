package testbed.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import testbed.model.Fut;
import testbed.model.InvalidInputException;
import testbed.model.RunnerSpec;
import testbed.model.TestRunSpec;

/** Reads {@code testrunspecs/*.json}, one TestRunSpec per file, sorted by label. */
public final class SpecLoader {

    private SpecLoader() {}

    public static List<TestRunSpec> loadAll(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new InvalidInputException(dir + ": test run spec folder not found");
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new InvalidInputException(dir + ": cannot list: " + e.getMessage(), e);
        }
        List<TestRunSpec> specs = new ArrayList<>();
        Map<String, Path> labels = new HashMap<>();
        for (Path file : files) {
            TestRunSpec spec = load(file);
            Path other = labels.putIfAbsent(spec.label(), file);
            if (other != null) {
                throw new InvalidInputException(file + ": field 'label': duplicate label \"" + spec.label() + "\" (also in " + other + ")");
            }
            specs.add(spec);
        }
        specs.sort((a, b) -> a.label().compareTo(b.label()));
        return List.copyOf(specs);
    }

    public static TestRunSpec load(Path file) {
        JsonObject json = JsonObject.read(file);
        String label = json.name("label");
        String description = json.string("description", "");
        RunnerSpec runner = runner(json.object("runner"));
        Fut fut;
        try {
            fut = Fut.parse(json.string("required_fut"));
        } catch (IllegalArgumentException e) {
            throw json.error("required_fut", e.getMessage());
        }
        boolean reference = json.bool("requires_reference", false);
        double timeout = json.number("timeout_s");
        if (timeout <= 0) {
            throw json.error("timeout_s", "expected a number > 0");
        }
        int priority = json.integer("priority", 0);
        var estimate = json.optionalNumber("estimated_duration_s");
        if (runner instanceof RunnerSpec.BuiltinMultitest && !reference) {
            throw json.error("requires_reference", "a builtin-multitest runner needs \"requires_reference\": true");
        }
        json.rejectUnknownFields();
        return new TestRunSpec(label, description, runner, fut, reference, timeout, priority, estimate, file);
    }

    static RunnerSpec runner(JsonObject r) {
        String kind = r.string("kind");
        RunnerSpec spec = switch (kind) {
            case RunnerSpec.External.KIND -> {
                List<String> command = r.strings("command");
                if (command.isEmpty()) {
                    throw r.error("command", "expected a non-empty command");
                }
                List<testbed.model.Requirement> requires = new java.util.ArrayList<>();
                for (String req : r.has("requires") ? r.strings("requires") : List.<String>of()) {
                    try {
                        requires.add(testbed.model.Requirement.parse(req));
                    } catch (IllegalArgumentException e) {
                        throw r.error("requires", e.getMessage());
                    }
                }
                yield new RunnerSpec.External(command, r.stringMap("env"), requires);
            }
            case RunnerSpec.BuiltinTests.KIND -> new RunnerSpec.BuiltinTests(r.string("suite"), r.number("per_test_timeout_s", 10));
            case RunnerSpec.BuiltinPerfbench.KIND -> new RunnerSpec.BuiltinPerfbench(
                    r.string("suite"), Math.max(1, r.integer("repeat", 3)), r.integers("params", List.of()));
            case RunnerSpec.BuiltinMultitest.KIND -> new RunnerSpec.BuiltinMultitest(r.string("suite"), r.number("per_test_timeout_s", 20));
            default -> throw r.error("kind", "unknown runner kind \"" + kind + "\" (valid: external, builtin-tests, builtin-perfbench, builtin-multitest)");
        };
        r.rejectUnknownFields();
        return spec;
    }
}
