package testbed.results;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import testbed.config.JsonObject;
import testbed.runner.Outcome;
import testbed.runner.TestResult;

/**
 * Tests known to fail now and then for a reason outside the firmware under test ({@code testrunspecs/flaky/known-flaky.json}):
 * a failure of one is recorded as {@link Outcome#IGNORED} with the reason, as run-tests.py does for its own list since
 * MicroPython v1.28.0. A pass stays a pass; an entry may hold only on one platform (the WebAssembly port's 1 ms clock).
 */
public record KnownFlaky(List<Entry> entries) {

    public static final String FILE = "flaky/known-flaky.json";
    public static final KnownFlaky NONE = new KnownFlaky(List.of());

    public record Entry(Pattern test, Optional<String> platform, String reason) {}

    /** The list of a testrunspecs/ folder; none when it has no such file. Malformed: one line naming the file and field. */
    public static KnownFlaky load(Path specsDir) {
        Path file = specsDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return NONE;
        }
        JsonObject json = JsonObject.read(file);
        json.string("description", "");
        List<Entry> entries = new ArrayList<>();
        for (JsonObject e : json.objects("flaky")) {
            String test = e.string("test");
            Pattern pattern;
            try {
                pattern = Pattern.compile(test);
            } catch (java.util.regex.PatternSyntaxException x) {
                throw e.error("test", "not a regular expression: \"" + test + "\" (" + x.getDescription() + ")");
            }
            Optional<String> platform = e.has("platform") ? Optional.of(e.string("platform")) : Optional.empty();
            String reason = e.string("reason");
            if (reason.isBlank()) {
                throw e.error("reason", "say why this test is flaky");
            }
            e.rejectUnknownFields();
            entries.add(new Entry(pattern, platform, reason));
        }
        json.rejectUnknownFields();
        return new KnownFlaky(List.copyOf(entries));
    }

    /** The tests with each failure of a listed test (on this platform) turned into IGNORED. */
    public List<TestResult> apply(List<TestResult> tests, java.util.function.Supplier<String> platform) {
        if (entries.isEmpty() || tests.stream().noneMatch(t -> t.outcome() == Outcome.FAILED)) {
            return tests;
        }
        List<TestResult> out = new ArrayList<>(tests.size());
        for (TestResult t : tests) {
            Entry hit = t.outcome() != Outcome.FAILED ? null : entries.stream()
                    .filter(e -> e.test().matcher(t.name()).find() && e.platform().map(p -> p.equals(platform.get())).orElse(true))
                    .findFirst().orElse(null);
            out.add(hit == null ? t : new TestResult(t.name(), Outcome.IGNORED, t.durationSeconds(), "known flaky: " + hit.reason()));
        }
        return out;
    }
}
