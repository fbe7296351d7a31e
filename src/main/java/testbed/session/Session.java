package testbed.session;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.logging.log4j.ThreadContext;
import testbed.bartender.BartenderConfig;
import testbed.bartender.DurationEstimator;
import testbed.bartender.Leftover;
import testbed.bartender.TestBartender;
import testbed.config.Settings;
import testbed.config.Workspace;
import testbed.engine.Bartenders;
import testbed.engine.EngineListener;
import testbed.engine.LabBackend;
import testbed.engine.SessionEngine;
import testbed.lab.Discovery;
import testbed.model.LabException;
import testbed.model.Status;
import testbed.process.Interruption;
import testbed.process.ShutdownHooks;
import testbed.results.ResultsDir;
import testbed.results.RecordSink;
import testbed.results.RunReport;
import testbed.results.Xfail;
import testbed.selection.Selection;
import testbed.selection.SelectionRequest;
import testbed.testrun.TestRunExecutor;

/**
 * One {@code testbed run}, read straight through: validate the inputs, move the previous results aside, connect the
 * lab, select what it can test, then let the {@link SessionEngine} drive the real lab while {@link SessionRecords}
 * keeps results/ and the history; the verdict comes from what the runs and leftovers say.
 */
public final class Session {

    /** What the user asked for. */
    public record Request(
            String lab,
            SelectionRequest selection,
            BartenderConfig config,
            int count,
            Optional<Path> results,
            String python,
            List<String> commandLine,
            Duration grace,
            Optional<Duration> reportEvery,
            Optional<Duration> healthEvery,
            Optional<String> queue,
            Duration hostTimeout) {

        /** How long a coordinator waits for a lab host that stopped answering before it gives its tentacles up. */
        public static final Duration DEFAULT_HOST_TIMEOUT = Duration.ofMinutes(10);

        public Request(String lab, SelectionRequest selection, BartenderConfig config, int count, Optional<Path> results, String python,
                List<String> commandLine, Duration grace, Optional<Duration> reportEvery, Optional<Duration> healthEvery, Optional<String> queue) {
            this(lab, selection, config, count, results, python, commandLine, grace, reportEvery, healthEvery, queue, DEFAULT_HOST_TIMEOUT);
        }

        /** A session on this host's own boards. */
        public Request(String lab, SelectionRequest selection, BartenderConfig config, int count, Optional<Path> results, String python,
                List<String> commandLine, Duration grace, Optional<Duration> reportEvery, Optional<Duration> healthEvery) {
            this(lab, selection, config, count, results, python, commandLine, grace, reportEvery, healthEvery, Optional.empty());
        }
    }

    /** @param history what the history lacks of this session, if anything */
    /** @param resultsProblem why results/ could not be written (a full disk): every finished run is in the history all the same */
    public record Result(Verdict verdict, SessionRecord record, Path resultsDir, HistoryStatus history, Optional<String> resultsProblem) {}

    private final Workspace workspace;
    private final Request request;
    private final SessionListener listener;
    private final Clock clock;
    private final SessionRecorder recorder;
    private final DurationEstimator estimator;
    private final Xfail xfail;
    private String sessionId;
    /** The interrupted or killed session this one continues, if any. */
    private Optional<SessionRecord> resumed = Optional.empty();
    private java.util.function.Consumer<SessionRecord> reporter = record -> { };

    /**
     * @param recorder receives the record at the start, after every run and at the end (the history)
     * @param estimator expected durations for the ranking and the ETA (from history when it has them)
     * @param xfail known failures, counted as xfail when each attempt ends
     */
    public Session(Workspace workspace, Request request, SessionListener listener, Clock clock, SessionRecorder recorder,
            DurationEstimator estimator, Xfail xfail) {
        this.workspace = workspace;
        this.request = request;
        this.listener = listener;
        this.clock = clock;
        this.recorder = recorder;
        this.estimator = estimator;
        this.xfail = xfail;
        // The second and later sessions of one process get a sequence number: compare runs two at once, a night one per round.
        int n = SESSIONS_IN_PROCESS.incrementAndGet();
        this.sessionId = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(clock.instant()) + "-"
                + ProcessHandle.current().pid() + (n == 1 ? "" : "-" + n);
    }

    private static final java.util.concurrent.atomic.AtomicInteger SESSIONS_IN_PROCESS = new java.util.concurrent.atomic.AtomicInteger();

    private RecordedRequest recorded;

    /** What session.json keeps of the request, for {@code testbed resume}. */
    public Session recording(RecordedRequest request) {
        this.recorded = request;
        return this;
    }

    /** Rewrites the reports from the record as it stands (for {@code --report-every}). */
    public Session withReporter(java.util.function.Consumer<SessionRecord> reporter) {
        this.reporter = reporter;
        return this;
    }

    /**
     * Continues an interrupted or killed session in its own results folder: the same session id, the runs it finished
     * kept as recorded, the rest run now; a run cut off twice in a row is not tried a third time.
     */
    public Session resuming(SessionRecord previous) {
        this.resumed = Optional.of(previous);
        this.sessionId = previous.sessionId();
        return this;
    }

    /**
     * @param inputs the validated inputs ({@link SessionInputs#load}): bad input has failed before a session exists
     * @param lab connects the lab the app chose (this host's boards, or a queue's agents) once the results folder is ready
     */
    public Result run(SessionInputs inputs, SessionLab.Connector lab) {
        Path root = request.results().orElse(workspace.resultsDir());
        HistoryWriter history = new HistoryWriter(recorder, root);
        Result result;
        try (ResultsDir results = new ResultsDir(root)) {
            Path archived = null;
            if (resumed.isPresent()) {
                results.prepareResume(); // what the interrupted session left stays: this one continues it
                try {
                    java.nio.file.Files.deleteIfExists(results.root().resolve(SessionControl.STOP_FILE)); // the stop it obeyed
                } catch (java.io.IOException e) {
                    throw new LabException("cannot remove " + results.root().resolve(SessionControl.STOP_FILE) + ": " + e.getMessage(), e);
                }
            } else {
                archived = results.prepare();
            }
            TestRunExecutor.touchLogs(results.root());
            ThreadContext.put("sessionDir", results.root().toString());
            if (archived != null) {
                listener.message("previous results moved to " + archived);
            }
            Instant start = resumed.map(r -> Instant.parse(r.timeStart())).orElse(clock.instant());
            try (SessionLab connected = lab.connect()) {
                connected.missing().forEach(m -> listener.message("not found: " + m.tentacle().label() + " (" + m.reason() + ")"));
                connected.unknown().forEach(u -> listener.message("unknown board, not used: " + u));
                List<testbed.model.Tentacle> usable = new ArrayList<>(connected.tentacles());
                usable.addAll(connected.awaited()); // not there yet, but watched: they join once they appear
                connected.awaited().forEach(t -> listener.message("waiting for " + t.label() + " to be plugged in"));
                Selection selection = withOffline(inputs.select(usable), inputs, connected.missing());
                List<Leftover> disabled = inputs.selection().leftovers().stream().filter(l -> l.reason() == Leftover.Reason.DISABLED).toList();
                disabled.forEach(d -> listener.message("not used: " + d.item() + " (" + d.detail() + ")"));
                if (selection.duts().isEmpty() && !disabled.isEmpty() && inputs.selection().duts().isEmpty()) {
                    throw new LabException("every selected tentacle of lab '" + inputs.lab().name() + "' is disabled by hand (" + disabled.get(0).item() + ": "
                            + disabled.get(0).detail() + "): testbed lab enable TENTACLE, or --allow-disabled to use it anyway");
                }
                if (selection.duts().stream().allMatch(t -> connected.awaited().contains(t))) {
                    throw new LabException("no selected tentacle of lab '" + inputs.lab().name() + "' is connected (found "
                            + connected.tentacles().size() + " of " + inputs.lab().tentacles().size() + ")");
                }
                result = execute(inputs, connected, selection, results, history, start);
            }
        } finally {
            history.close();
            ThreadContext.remove("sessionDir");
        }
        HistoryStatus status = history.status();
        if (!status.upToDate()) {
            // The journal stays: results/ has every run; the marker tells testbed history import (and the next session) to replay it.
            testbed.results.AtomicJson.write(result.resultsDir().resolve(HistoryStatus.PENDING_FILE), status);
        }
        return new Result(result.verdict(), result.record(), result.resultsDir(), status, result.resultsProblem());
    }

    private Result execute(SessionInputs inputs, SessionLab lab, Selection selection, ResultsDir results, HistoryWriter history,
            Instant start) {
        inputs = inputs.withSourceBuildsIn(results.root().resolve("build"));
        Bartenders bartenders = Bartenders.of(request.config(), clock, estimator, selection, inputs.catalog());
        TestBartender bartender = bartenders.tests();
        Map<String, String> labels = new HashMap<>();
        lab.tentacles().forEach(t -> labels.put(t.serial(), t.label()));
        Map<String, String> reported = lab.reported();
        SessionFiles files = new SessionFiles(RecordSink.directory(results.root()));
        resumed.ifPresent(previous -> SessionFiles.journalOrphans(results.root(), files, previous.runs()));
        SessionRecords.Header header = header(inputs, start);
        header.firmwareNotFromSource().forEach(line -> listener.message("warning: " + line));
        SessionRecords records = new SessionRecords(header, files, history::record,
                clock, serial -> labels.getOrDefault(serial, serial), () -> List.copyOf(bartender.quarantined()), selection.leftovers(),
                resumed.map(SessionRecord::runs).orElse(List.of()));
        resumed.ifPresent(previous -> Resume.into(bartender, previous, listener));
        lab.awaited().forEach(t -> bartender.unplugged(t.serial()));
        reported.forEach((serial, version) -> records.firmwareFound(labels.get(serial), version));
        ConsoleFeed progress = new ConsoleFeed(listener, bartender, clock, request.config().jobs(), files::writeProgress);
        LabBackend backend = lab.backend(new SessionLab.Context(inputs, request, results, sessionId, xfail, workspace, clock));
        resumed.ifPresent(previous -> lab.adopt(bartender, previous).forEach(run -> {
            records.runStarted(run, clock.instant());
            listener.message("still running on its agent: " + run.testid());
        }));
        java.util.concurrent.atomic.AtomicReference<SessionEngine> self = new java.util.concurrent.atomic.AtomicReference<>();
        SessionControl control = new SessionControl(results.root(), () -> self.get().drain(), () -> self.get().stop(), clock,
                request.reportEvery(), records::current, reporter);
        SessionEngine engine = bartenders.engine(backend, EngineListener.all(records, progress, control));
        self.set(engine);
        records.onResultsFull(engine::stop);
        // A time box: past the deadline plus the grace, what still runs is stopped and recorded as interrupted.
        request.config().deadline().ifPresent(d -> engine.stopAt(d.at().plus(request.grace())));
        request.healthEvery().ifPresent(engine::healthEvery);
        // Ctrl-C / SIGTERM: stop in order (below). The JVM exiting anyway: record what still runs before the boards go.
        Runnable stop = Interruption.onRequest(() -> {
            engine.stop();
            records.markInterrupted();
        });
        Runnable hook = () -> {
            engine.stop();
            records.interrupt();
            history.awaitWritten(5); // the JVM is exiting: let the history take it
        };
        ShutdownHooks.add(ShutdownHooks.Phase.RECORD, hook); // before the lab drivers unplug the boards
        listener.started(inputs.lab().name(), selection.duts().size(), bartender.totalItems(), results.root().toString());
        records.started();
        SessionEngine.Result outcome;
        List<Leftover> cut = new ArrayList<>();
        try {
            outcome = engine.run(Bartenders.carried(inputs.catalog(), reported));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            records.interrupt();
            outcome = new SessionEngine.Result(true, new long[0], new double[0]);
        } finally {
            stop.run();
        }
        if (outcome.deadlineReached() || control.stopNow()) {
            for (RunReport report : lab.stopRuns(true, Duration.ofSeconds(20))) {
                records.runFinished(report, clock.instant());
                if (outcome.deadlineReached()) {
                    cut.add(new Leftover(report.run().spec().label(), report.run().testid(), Leftover.Reason.DEADLINE,
                            "cut at the end of the grace period (" + request.grace().toMinutes() + " min after the deadline)",
                            List.of(report.run().testid())));
                }
            }
        } else if (outcome.stopped() && records.resultsProblem().isPresent()) {
            // results/ is full: what runs may end by itself (boards untouched, nobody blamed), then the session stops.
            lab.awaitRuns(Duration.ofMinutes(10)).forEach(report -> records.runFinished(report, clock.instant()));
        } else if (outcome.stopped()) {
            // Release the boards: what still runs ends now, as interrupted (nobody is blamed), and is recorded with its attempts.
            lab.stopRuns(false, Duration.ofSeconds(20)).forEach(report -> records.runFinished(report, clock.instant()));
        }
        ShutdownHooks.remove(hook);
        List<Leftover> leftovers = new ArrayList<>(selection.leftovers());
        leftovers.addAll(bartender.leftovers());
        leftovers.addAll(cut);
        // A board pulled out and not plugged back by the end needs a person, even when its work ran elsewhere.
        bartender.unpluggedTentacles().stream().sorted().forEach(serial -> leftovers.add(new Leftover("", labels.getOrDefault(serial, serial),
                Leftover.Reason.OFFLINE, "unplugged during the session and not back")));
        boolean interrupted = records.isInterrupted() || control.stopAsked()
                || (outcome.stopped() && !outcome.deadlineReached() && records.resultsProblem().isEmpty());
        Verdict verdict = records.resultsProblem().isPresent() ? Verdict.INFRASTRUCTURE_ERRORS
                : verdict(interrupted, records.runs(), leftovers, bartender.quarantined());
        SessionRecord record = records.finished(verdict, leftovers, new SessionRecords.Latency(outcome.latencyMillis()));
        listener.finished(record, leftovers);
        return new Result(verdict, record, results.root(), HistoryStatus.NONE, records.resultsProblem());
    }

    /**
     * Board kinds the user selected of which no tentacle is connected: their work cannot exist, so they are left over
     * as "not run (offline)" (never as failed). A missing tentacle with an identical one connected loses nothing.
     */
    private static Selection withOffline(Selection connected, SessionInputs inputs, List<Discovery.Missing> missing) {
        java.util.Set<String> kinds = new java.util.HashSet<>();
        connected.duts().forEach(t -> kinds.add(t.tag()));
        Map<String, String> why = new HashMap<>();
        missing.forEach(m -> why.put(m.tentacle().serial(), m.reason()));
        List<Leftover> leftovers = new ArrayList<>(connected.leftovers());
        for (testbed.model.Tentacle t : inputs.selection().duts()) {
            if (!kinds.contains(t.tag())) {
                leftovers.add(new Leftover("", t.label(), Leftover.Reason.OFFLINE, why.getOrDefault(t.serial(), "not found")));
            }
        }
        return new Selection(connected.duts(), connected.referencePool(), connected.specs(), leftovers);
    }

    private SessionRecords.Header header(SessionInputs inputs, Instant start) {
        Settings s = workspace.settings();
        return new SessionRecords.Header(sessionId, inputs.lab().name(), inputs.lab().file().toString(), host(), s.user(), s.trigger(),
                // A database URL's password never reaches session.json, the reports or the history.
                request.commandLine().stream().map(RecordedRequest::redact).toList(), request.selection().firmware(),
                request.selection().micropython().map(testbed.model.MicroPythonSource::summary).orElse("builtin"), start, recorded,
                Provenance.notFromSource(inputs.selection(), inputs.catalog(), request.selection().micropython()));
    }

    /** Tests before the lab: a failing test is news about the firmware; then a lab that needs attention (a quarantined board, lost work). */
    static Verdict verdict(boolean interrupted, List<SessionRecord.Run> runs, List<Leftover> leftovers, java.util.Set<String> quarantined) {
        if (interrupted) {
            return Verdict.INTERRUPTED;
        }
        if (runs.isEmpty()) {
            // Nothing ran because the time box left no room (groups this lab cannot run at all aside): asked for, no lab error.
            boolean timeBox = leftovers.stream().anyMatch(l -> l.reason() == Leftover.Reason.DEADLINE)
                    && leftovers.stream().noneMatch(Leftover::isInfrastructure);
            return timeBox ? Verdict.NOTHING_FIT : Verdict.NOTHING_RAN;
        }
        if (runs.stream().anyMatch(r -> r.status() == Status.FAILED)) {
            return Verdict.TESTS_FAILED;
        }
        if (leftovers.stream().anyMatch(l -> l.reason() == Leftover.Reason.FIRMWARE_BROKEN)) {
            return Verdict.FIRMWARE_FAILED; // news about the firmware, as a failing test is
        }
        return !quarantined.isEmpty() || leftovers.stream().anyMatch(Leftover::isInfrastructure) ? Verdict.INFRASTRUCTURE_ERRORS : Verdict.PASSED;
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "unknown";
        }
    }

    public String sessionId() {
        return sessionId;
    }
}
