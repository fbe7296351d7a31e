package testbed.session;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
import testbed.bartender.Leftover;
import testbed.results.AttemptRecord;

/** {@code results/session.json}: written at the start, after every run and at the end. */
public record SessionRecord(
        @JsonProperty("session_id") String sessionId,
        String lab,
        @JsonProperty("lab_file") String labFile,
        String host,
        String user,
        String trigger,
        @JsonProperty("command_line") List<String> commandLine,
        List<String> firmware,
        @JsonProperty("firmware_versions") Map<String, String> firmwareVersions,
        @JsonProperty("tests_ref") String testsRef,
        @JsonProperty("time_start") String timeStart,
        @JsonProperty("time_end") String timeEnd,
        @JsonProperty("duration_s") double durationSeconds,
        String status,
        String verdict,
        List<Run> runs,
        List<Leftover> leftovers,
        List<String> quarantined,
        @JsonProperty("dispatch_latency_ms") Latency dispatchLatency) {

    /** A TestRun and its attempts. {@code outcome}: passed, failed, skipped, error, timeout, busy, or never finished (interrupted). */
    public record Run(
            String testid,
            String testgroup,
            List<String> tentacles,
            String variant,
            String outcome,
            @JsonProperty("time_start") String timeStart,
            @JsonProperty("duration_s") double durationSeconds,
            List<AttemptRecord> attempts) {}

    public record Latency(int samples, double median, double p99, double max) {}
}
