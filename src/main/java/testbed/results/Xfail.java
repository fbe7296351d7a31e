package testbed.results;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import testbed.config.JsonObject;
import testbed.runner.Outcome;
import testbed.runner.TestResult;

/**
 * Known failures: {@code --xfail FILE} lists (group, test, board-variant) whose failures count as xfail, so a lab
 * can stay green while a known bug is open. Every report writes {@code xfail-template.json} with the current
 * failures in the same format, ready to be edited into such a file.
 *
 * <pre>{"xfail": [{"group": "BUILTIN-TESTS_BASICS", "test": "basics/fstring.py", "board_variant": "MICROBIT", "reason": "..."}]}</pre>
 *
 * {@code board_variant} may be {@code "*"} for every board.
 */
public record Xfail(List<Entry> entries) {

    public record Entry(String group, String test, @JsonProperty("board_variant") String boardVariant, String reason) {
        boolean matches(String group, String test, String boardVariant) {
            return this.group.equals(group) && this.test.equals(test) && (this.boardVariant.equals("*") || this.boardVariant.equals(boardVariant));
        }
    }

    public static final Xfail NONE = new Xfail(List.of());

    public static Xfail load(Path file) {
        JsonObject json = JsonObject.read(file);
        List<Entry> entries = new ArrayList<>();
        for (JsonObject e : json.objects("xfail")) {
            entries.add(new Entry(e.string("group"), e.string("test"), e.string("board_variant"), e.string("reason", "")));
            e.rejectUnknownFields();
        }
        json.rejectUnknownFields();
        return new Xfail(entries);
    }

    /** The tests with every listed failure turned into XFAILED (the attempt is classified after this). */
    public List<TestResult> apply(List<TestResult> tests, String group, String boardVariant) {
        if (entries.isEmpty() || tests.stream().noneMatch(t -> t.outcome() == Outcome.FAILED)) {
            return tests;
        }
        List<TestResult> out = new ArrayList<>();
        for (TestResult t : tests) {
            Entry hit = t.outcome() == Outcome.FAILED
                    ? entries.stream().filter(e -> e.matches(group, t.name(), boardVariant)).findFirst().orElse(null)
                    : null;
            out.add(hit == null ? t : new TestResult(t.name(), Outcome.XFAILED, t.durationSeconds(), "xfail: " + hit.reason() + "; " + t.reason()));
        }
        return out;
    }

    /** The current failures of these attempts as entries (deduplicated), for {@code xfail-template.json}. */
    public static List<Entry> template(List<AttemptRecord> attempts, java.util.function.Function<AttemptRecord, String> boardVariant) {
        Map<String, Entry> entries = new java.util.TreeMap<>();
        for (AttemptRecord a : attempts) {
            for (TestResult t : a.tests()) {
                if (t.outcome() == Outcome.FAILED) {
                    String bv = boardVariant.apply(a);
                    entries.putIfAbsent(a.testGroup() + "\t" + t.name() + "\t" + bv, new Entry(a.testGroup(), t.name(), bv, "TODO: why this fails"));
                }
            }
        }
        return List.copyOf(entries.values());
    }
}
