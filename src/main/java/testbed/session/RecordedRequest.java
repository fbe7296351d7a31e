package testbed.session;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import testbed.bartender.BartenderConfig;
import testbed.bartender.Deadline;
import testbed.bartender.SchedulingPolicy;
import testbed.model.MicroPythonSource;
import testbed.selection.SelectionRequest;

/**
 * What a session was asked to do, as {@code session.json} keeps it: {@code testbed resume} continues the session from
 * this (the source pinned to the commit it ran), never from a command line parsed again. No credential is kept: a
 * history URL is recorded without its password.
 */
public record RecordedRequest(
        String lab,
        String queue,
        @JsonProperty("only_tests") List<String> onlyTests,
        @JsonProperty("skip_tests") List<String> skipTests,
        @JsonProperty("only_futs") List<String> onlyFuts,
        @JsonProperty("skip_futs") List<String> skipFuts,
        @JsonProperty("only_boards") List<String> onlyBoards,
        @JsonProperty("skip_boards") List<String> skipBoards,
        @JsonProperty("only_tags") List<String> onlyTags,
        List<String> firmware,
        @JsonProperty("reference_boards") Set<String> referenceBoards,
        Source micropython,
        int jobs,
        int count,
        @JsonProperty("max_requeues") int maxRequeues,
        @JsonProperty("quarantine_after") int quarantineAfter,
        @JsonProperty("flash_skip") boolean flashSkip,
        @JsonProperty("flash_force") boolean flashForce,
        TimeBox deadline,
        @JsonProperty("grace_s") long graceSeconds,
        @JsonProperty("report_every_s") Long reportEverySeconds,
        @JsonProperty("health_every_s") Long healthEverySeconds,
        String python,
        @JsonProperty("use_history") boolean useHistory,
        @JsonProperty("history_url") String historyUrl,
        String xfail) {

    /** The MicroPython under test as the session resolved it: {@code origin} pinned to {@code commit} on resume. */
    public record Source(String origin, String commit, String tests, @JsonProperty("has_root") boolean hasRoot) {}

    public record TimeBox(String at, String label, @JsonProperty("safety_factor") double safetyFactor) {}

    /** @param historyUrl {@code --history} as given; its password is not kept */
    public static RecordedRequest of(Session.Request r, boolean useHistory, Optional<String> historyUrl, Optional<Path> xfail) {
        SelectionRequest s = r.selection();
        BartenderConfig c = r.config();
        return new RecordedRequest(r.lab(), r.queue().map(RecordedRequest::redact).orElse(null), s.onlyTests(), s.skipTests(), s.onlyFuts(),
                s.skipFuts(), s.onlyBoards(), s.skipBoards(), s.onlyTags(), s.firmware(), s.referenceBoards(),
                s.micropython().map(m -> new Source(m.origin(), m.commit().orElse(null), m.tests().toAbsolutePath().toString(), m.root().isPresent()))
                        .orElse(null),
                c.jobs(), r.count(), c.maxRequeues(), c.quarantineAfter(), c.flashSkip(), c.flashForce(),
                c.deadline().map(d -> new TimeBox(d.at().toString(), d.label(), d.safetyFactor())).orElse(null), r.grace().toSeconds(),
                r.reportEvery().map(Duration::toSeconds).orElse(null), r.healthEvery().map(Duration::toSeconds).orElse(null), r.python(), useHistory,
                historyUrl.map(RecordedRequest::redact).orElse(null), xfail.map(p -> p.toAbsolutePath().toString()).orElse(null));
    }

    /**
     * The session's request again, for {@code testbed resume}.
     *
     * @param source resolves the recorded source again (pinned to its commit)
     */
    public Session.Request toRequest(java.util.function.Function<Source, MicroPythonSource> source, List<String> commandLine, Optional<Path> results) {
        SelectionRequest selection = new SelectionRequest(onlyTests, skipTests, onlyFuts, skipFuts, onlyBoards, skipBoards, onlyTags, firmware,
                referenceBoards, Optional.ofNullable(micropython).map(source));
        BartenderConfig config = new BartenderConfig(jobs, selection.effectiveReferenceBoards(), maxRequeues, quarantineAfter, flashSkip, flashForce,
                SchedulingPolicy.TESTBED, Optional.ofNullable(deadline).map(d -> new Deadline(Instant.parse(d.at()), d.label(), d.safetyFactor(),
                        Deadline.DEFAULT_FLASH_ALLOWANCE)));
        return new Session.Request(lab, selection, config, count, results, python, commandLine, Duration.ofSeconds(graceSeconds),
                Optional.ofNullable(reportEverySeconds).map(Duration::ofSeconds), Optional.ofNullable(healthEverySeconds).map(Duration::ofSeconds),
                Optional.ofNullable(queue));
    }

    /** A URL without its password ({@code password=...} in the query, or {@code user:password@} before the host). */
    public static String redact(String url) {
        return url.replaceAll("password=[^&]*", "password=***").replaceAll("(//[^/:@]+):[^/@]*@", "$1:***@");
    }
}
