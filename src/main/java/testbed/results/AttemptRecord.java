package testbed.results;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
import testbed.runner.Measurement;
import testbed.runner.Outcome;
import testbed.runner.TestResult;

/**
 * {@code results/<testid>,<letter>/run.json}: one attempt of a TestRun. Written at the start with status
 * {@code never finished}, so a killed session still shows what never ended, and rewritten at the end.
 *
 * @param status never finished, completed, skipped, error, timeout, interrupted (Ctrl-C cut it short)
 */
public record AttemptRecord(
        String testid,
        String attempt,
        String directory,
        @JsonProperty("testgroup") String testGroup,
        String tentacle,
        String serial,
        String board,
        String variant,
        String role,
        String reference,
        @JsonProperty("firmware") Map<String, String> firmware,
        @JsonProperty("flashed") List<String> flashed,
        String runner,
        @JsonProperty("time_start") String timeStart,
        @JsonProperty("time_end") String timeEnd,
        @JsonProperty("duration_s") double durationSeconds,
        String status,
        String error,
        Map<String, Long> counts,
        List<TestResult> tests,
        List<Measurement> measurements) {

    public static final String NEVER_FINISHED = "never finished";

    /** Tests per outcome label, every outcome present: the {@code counts} of a run.json. */
    public static Map<String, Long> countsOf(List<TestResult> tests) {
        Map<String, Long> counts = new java.util.LinkedHashMap<>();
        for (Outcome o : Outcome.values()) {
            counts.put(o.label(), tests.stream().filter(t -> t.outcome() == o).count());
        }
        return counts;
    }

    /** Failed, errored and timed-out tests of this attempt. */
    public long failures() {
        long n = 0;
        for (Outcome o : Outcome.values()) {
            if (o.isFailure()) {
                n += counts.getOrDefault(o.label(), 0L);
            }
        }
        return n;
    }
}
