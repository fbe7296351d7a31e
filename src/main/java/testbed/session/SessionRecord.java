package testbed.session;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
import testbed.bartender.Leftover;
import testbed.model.Status;
import testbed.results.AttemptRecord;

/**
 * A session as it stands: what {@code results/session.json} summarises, {@code runs.jsonl} lists and the history
 * records. In memory it holds every run with its attempts; on disk the attempts' detail stays in their run.json
 * (see {@link SessionFiles}), so rewriting the summary costs the same after the thousandth run as after the first.
 */
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
        @JsonProperty("dispatch_latency_ms") Latency dispatchLatency,
        List<Build> builds) {

    public SessionRecord {
        builds = builds == null ? List.of() : List.copyOf(builds); // a session.json from before builds were recorded
    }

    /** A firmware build of the session: when, how long, and why it failed if it did. */
    public record Build(
            String firmware,
            @JsonProperty("time_start") String timeStart,
            @JsonProperty("time_end") String timeEnd,
            @JsonProperty("duration_s") double durationSeconds,
            String error) {}

    /** A TestRun and its attempts; {@code status} is its last attempt's (see {@link Status}). */
    public record Run(
            String testid,
            String testgroup,
            List<String> tentacles,
            String variant,
            Status status,
            @JsonProperty("time_start") String timeStart,
            @JsonProperty("duration_s") double durationSeconds,
            List<AttemptRecord> attempts) {}

    public record Latency(int samples, double median, double p99, double max) {}

    /** Runs per status, every status present: the summary's {@code run_counts}. */
    public Map<String, Long> runCounts() {
        Map<String, Long> counts = new java.util.LinkedHashMap<>();
        for (Status s : Status.values()) {
            counts.put(s.label(), runs.stream().filter(r -> r.status() == s).count());
        }
        return counts;
    }

    public SessionRecord withRuns(List<Run> newRuns) {
        return new SessionRecord(sessionId, lab, labFile, host, user, trigger, commandLine, firmware, firmwareVersions, testsRef, timeStart,
                timeEnd, durationSeconds, status, verdict, List.copyOf(newRuns), leftovers, quarantined, dispatchLatency, builds);
    }

    /** The same session, ended now with this status and verdict. */
    public SessionRecord ended(String newStatus, String newVerdict, String end, double duration) {
        return new SessionRecord(sessionId, lab, labFile, host, user, trigger, commandLine, firmware, firmwareVersions, testsRef, timeStart, end,
                duration, newStatus, newVerdict, runs, leftovers, quarantined, dispatchLatency, builds);
    }
}
