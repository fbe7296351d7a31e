package testbed.session;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
import testbed.bartender.Leftover;
import testbed.model.BoardVariant;
import testbed.model.Role;
import testbed.model.Status;
import testbed.model.WorkKey;
import testbed.results.AttemptRecord;

/**
 * A session as it stands: what {@code results/session.json} summarises, {@code runs.jsonl} lists and the history
 * records. In memory it holds every run with its attempts; on disk the attempts' detail stays in their run.json
 * (see {@link SessionFiles}), so rewriting the summary costs the same after the thousandth run as after the first.
 *
 * @param request what the session was asked to do ({@code testbed resume} continues from it); null in a session.json
 *     written before it was recorded
 * @param firmwareNotFromSource the session's firmware that was not built from the MicroPython source under test, each
 *     in words: its failures may be the difference between the two versions, not a bug
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
        SessionState status,
        Verdict verdict,
        List<Run> runs,
        List<Leftover> leftovers,
        List<String> quarantined,
        @JsonProperty("dispatch_latency_ms") Latency dispatchLatency,
        List<Build> builds,
        RecordedRequest request,
        @JsonProperty("firmware_not_from_source") List<String> firmwareNotFromSource) {

    public SessionRecord {
        builds = builds == null ? List.of() : List.copyOf(builds); // a session.json from before builds were recorded
        firmwareNotFromSource = firmwareNotFromSource == null ? List.of() : List.copyOf(firmwareNotFromSource);
    }

    /** The verdict in words, or the state while there is none (a session still running, or killed). */
    public String outcomeText() {
        return verdict == null ? status.label() : verdict.text();
    }

    /** A firmware build of the session: when, how long, and why it failed if it did. */
    public record Build(
            String firmware,
            @JsonProperty("time_start") String timeStart,
            @JsonProperty("time_end") String timeEnd,
            @JsonProperty("duration_s") double durationSeconds,
            String error) {}

    /**
     * A TestRun and its attempts; {@code status} is its last attempt's (see {@link Status}).
     *
     * @param kind the DUT tentacle's kind (its tag), whose work item the run did
     * @param tentacles the labels of the DUT and, for a multi-board test, the reference
     */
    public record Run(
            String testid,
            String testgroup,
            String kind,
            @JsonProperty("board_variant") BoardVariant boardVariant,
            Role role,
            List<String> tentacles,
            Status status,
            @JsonProperty("time_start") String timeStart,
            @JsonProperty("duration_s") double durationSeconds,
            List<AttemptRecord> attempts) {

        public Run {
            tentacles = List.copyOf(tentacles);
            attempts = List.copyOf(attempts);
        }

        /** The work item this run did. */
        public WorkKey key() {
            return new WorkKey(testgroup, kind, boardVariant, role);
        }
    }

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
                timeEnd, durationSeconds, status, verdict, List.copyOf(newRuns), leftovers, quarantined, dispatchLatency, builds, request, firmwareNotFromSource);
    }

    /** The same session, ended now with this status and verdict. */
    public SessionRecord ended(SessionState newStatus, Verdict newVerdict, String end, double duration) {
        return new SessionRecord(sessionId, lab, labFile, host, user, trigger, commandLine, firmware, firmwareVersions, testsRef, timeStart, end,
                duration, newStatus, newVerdict, runs, leftovers, quarantined, dispatchLatency, builds, request, firmwareNotFromSource);
    }
}
