package testbed.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads the {@code _results.json} MicroPython's runners write with {@code --result-dir}. Both formats: the new one
 * ({@code "results": [[name, outcome, reason], ...]}, MicroPython PR 17373) and the old one (lists per outcome:
 * {@code passed_tests}, {@code failed_tests}, {@code skipped_tests}, {@code xfailed_tests}).
 */
public final class ResultsJson {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Outcome> OUTCOMES = Map.of(
            "pass", Outcome.PASSED, "ok", Outcome.PASSED, "fail", Outcome.FAILED, "skip", Outcome.SKIPPED, "ignored", Outcome.IGNORED,
            "xfail", Outcome.XFAILED, "timeout", Outcome.TIMEOUT, "error", Outcome.ERROR);

    private ResultsJson() {}

    public static List<TestResult> parse(Path file) throws IOException {
        JsonNode root = JSON.readTree(file.toFile());
        List<TestResult> tests = new ArrayList<>();
        if (root.has("results")) {
            for (JsonNode r : root.get("results")) {
                String name = r.path(0).asText();
                String raw = r.path(1).asText();
                Outcome outcome = OUTCOMES.get(raw);
                String reason = r.path(2).asText("");
                if (outcome == null) {
                    outcome = Outcome.ERROR;
                    reason = "unknown outcome '" + raw + "' in _results.json";
                }
                tests.add(new TestResult(name, outcome, 0, reason));
            }
            return tests;
        }
        list(root, "passed_tests", Outcome.PASSED, tests);
        list(root, "failed_tests", Outcome.FAILED, tests);
        list(root, "skipped_tests", Outcome.SKIPPED, tests);
        list(root, "xfailed_tests", Outcome.XFAILED, tests);
        return tests;
    }

    /** What a {@code run-tests.py --dry-run} planned: its "found" tests and the ones its feature checks skip. */
    public static List<TestResult> planned(Path file) throws IOException {
        List<TestResult> found = new ArrayList<>();
        for (JsonNode r : JSON.readTree(file.toFile()).path("results")) {
            if (r.path(1).asText().equals("found") || r.path(1).asText().equals("skip")) {
                found.add(new TestResult(r.path(0).asText(), Outcome.NOT_RUN, 0, ""));
            }
        }
        return found;
    }

    private static void list(JsonNode root, String field, Outcome outcome, List<TestResult> into) {
        for (JsonNode n : root.path(field)) {
            into.add(new TestResult(n.asText(), outcome, 0, ""));
        }
    }
}
