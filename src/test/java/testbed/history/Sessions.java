package testbed.history;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import testbed.results.AttemptRecord;
import testbed.runner.Measurement;
import testbed.runner.Outcome;
import testbed.runner.TestResult;
import testbed.session.SessionRecord;

/** Constructed sessions for history and report tests: what a real session would have recorded. */
public final class Sessions {

    private Sessions() {}

    public static TestResult t(String name, Outcome outcome) {
        return new TestResult(name, outcome, 0.1, outcome == Outcome.PASSED ? "" : name + " differs\n--- expected\n+++ actual");
    }

    public static AttemptRecord attempt(String testid, String letter, String group, String tentacle, String serial, String board, String variant,
            String firmware, double seconds, List<TestResult> tests, List<Measurement> measurements) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Outcome o : Outcome.values()) {
            counts.put(o.label(), tests.stream().filter(x -> x.outcome() == o).count());
        }
        return new AttemptRecord(testid, letter, testid + "," + letter, group, tentacle, tentacle.substring(tentacle.indexOf('-') + 1), serial, board,
                variant, testbed.model.Role.SINGLE, "", Map.of(serial, firmware),
                List.of(), "builtin-tests", "2026-11-01T10:00:00Z", "2026-11-01T10:00:10Z", seconds,
                tests.stream().anyMatch(t -> t.outcome().isFailure()) ? testbed.model.Status.FAILED : testbed.model.Status.PASSED, "", "", counts, tests,
                measurements);
    }

    public static SessionRecord.Run run(String outcome, AttemptRecord... attempts) {
        AttemptRecord a = attempts[0];
        double seconds = 0;
        for (AttemptRecord x : attempts) {
            seconds += x.durationSeconds();
        }
        return new SessionRecord.Run(a.testid(), a.testGroup(), a.kind(), a.boardVariant(), a.role(), List.of(a.tentacle()),
                testbed.model.Status.of(outcome), a.timeStart(), seconds, List.of(attempts));
    }

    public static SessionRecord session(String id, String start, String lab, SessionRecord.Run... runs) {
        return session(id, start, lab, "builtin", runs);
    }

    /** @param testsRef what was tested, e.g. {@code v1.27.0-3-gabc (commit abc…) from repo@abc} */
    public static SessionRecord session(String id, String start, String lab, String testsRef, SessionRecord.Run... runs) {
        return new SessionRecord(id, lab, "labs/" + lab + ".json", "host1", "tester", "manual", List.of("testbed", "run"), List.of("RPI_PICO"),
                Map.of(), testsRef, start, start.replace("T10:", "T11:"), 3600, testbed.session.SessionState.COMPLETED, testbed.session.Verdict.PASSED, new ArrayList<>(List.of(runs)), List.of(),
                List.of(), new SessionRecord.Latency(0, 0, 0, 0), java.util.List.of(), null, java.util.List.of());
    }
}
