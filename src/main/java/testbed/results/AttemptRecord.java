package testbed.results;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
import testbed.runner.Measurement;
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
}
