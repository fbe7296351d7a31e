package testbed.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import testbed.bartender.Leftover;
import testbed.engine.EngineListener;
import testbed.model.Status;
import testbed.model.Tentacle;
import testbed.model.TestRun;
import testbed.results.AttemptRecord;
import testbed.results.RunReport;

/**
 * Keeps the session's record while the engine runs: every finished run goes to runs.jsonl at once, the summary and
 * the history are rewritten once the next runs have been dispatched (a freed tentacle must not wait for the disk),
 * and an interrupt turns what still runs into "never finished".
 */
public final class SessionRecords implements EngineListener {

    /** What does not change during a session. */
    public record Header(String sessionId, String lab, String labFile, String host, String user, String trigger, List<String> commandLine,
            List<String> firmware, String testsRef, Instant start, RecordedRequest request, List<String> firmwareNotFromSource) {}

    private final Header header;
    private final SessionFiles files;
    private final SessionRecorder history;
    private final Clock clock;
    private final Function<String, String> labelOfSerial;
    private final Supplier<List<String>> quarantined;
    private final List<Leftover> selectionLeftovers;
    private final List<SessionRecord.Run> runs = new ArrayList<>();
    private final Map<String, String> firmwareVersions = new TreeMap<>();
    private final Map<TestRun, Instant> running = new ConcurrentHashMap<>();
    private volatile SessionRecord latest;
    /** Why results/ cannot be written (a full disk), once it could not; the history still gets everything. */
    private volatile String resultsProblem;
    private Runnable onResultsFull = () -> { };
    private volatile boolean interrupted;
    private boolean pending;
    /** Finished runs not yet in runs.jsonl: appended after the next dispatch, off the path from a free tentacle to its next run. */
    private final List<SessionRecord.Run> unjournaled = new ArrayList<>();

    /**
     * @param labelOfSerial tentacle label by serial, for the firmware each board reports
     * @param quarantined the bartender's quarantined tentacles right now
     */
    public SessionRecords(Header header, SessionFiles files, SessionRecorder history, Clock clock, Function<String, String> labelOfSerial,
            Supplier<List<String>> quarantined, List<Leftover> selectionLeftovers, List<SessionRecord.Run> earlierRuns) {
        this.header = header;
        this.files = files;
        this.history = history;
        this.clock = clock;
        this.labelOfSerial = labelOfSerial;
        this.quarantined = quarantined;
        this.selectionLeftovers = List.copyOf(selectionLeftovers);
        this.runs.addAll(earlierRuns); // a resumed session keeps what it recorded before (already in runs.jsonl)
    }

    /** What a board answered at discovery, before any run. */
    public void firmwareFound(String label, String version) {
        firmwareVersions.put(label, version);
    }

    public SessionRecord started() {
        return write(SessionState.RUNNING, null, selectionLeftovers, Latency.NONE);
    }

    @Override
    public synchronized void buildStarted(testbed.model.Firmware firmware, Instant at) {
        builds.put(firmware.boardVariant().name(), new SessionRecord.Build(firmware.boardVariant().name(), at.toString(), "", 0, ""));
    }

    @Override
    public synchronized void buildFinished(testbed.model.Firmware firmware, java.util.Optional<String> problem, Instant at) {
        SessionRecord.Build started = builds.get(firmware.boardVariant().name());
        Instant start = started == null ? at : Instant.parse(started.timeStart());
        builds.put(firmware.boardVariant().name(), new SessionRecord.Build(firmware.boardVariant().name(), start.toString(), at.toString(),
                Duration.between(start, at).toMillis() / 1000.0, problem.orElse("")));
    }

    private final Map<String, SessionRecord.Build> builds = new java.util.LinkedHashMap<>();

    @Override
    public void runStarted(TestRun run, Instant at) {
        running.put(run, at);
    }

    @Override
    public void runBusy(RunReport report) {
        running.remove(report.run());
    }

    /** What to do when results/ fills up: stop starting runs. */
    public void onResultsFull(Runnable action) {
        this.onResultsFull = action;
    }

    public java.util.Optional<String> resultsProblem() {
        return java.util.Optional.ofNullable(resultsProblem);
    }

    private void resultsFull(String problem) {
        if (resultsProblem == null) {
            resultsProblem = problem;
            onResultsFull.run();
        }
    }

    @Override
    public void runFinished(RunReport report, Instant at) {
        if (report.outcome() instanceof testbed.bartender.RunOutcome.InfraError e
                && e.kind() == testbed.bartender.RunOutcome.InfraErrorKind.RESULTS_UNWRITABLE) {
            running.remove(report.run());
            resultsFull(e.message()); // nothing ran: the work went back to the bartender
            return;
        }
        running.remove(report.run());
        SessionRecord.Run run = runOf(report);
        synchronized (this) {
            runs.add(run);
            // What each board carries now, as it answered after flashing: the session's firmware identity.
            for (AttemptRecord a : report.attempts()) {
                a.firmware().forEach((serial, version) -> firmwareVersions.put(labelOfSerial.apply(serial), version));
            }
            pending = true;
            unjournaled.add(run);
        }
    }

    @Override
    public void dispatched() {
        if (pending && !interrupted) {
            pending = false;
            journal();
            write(SessionState.RUNNING, null, selectionLeftovers, Latency.NONE);
        }
    }

    /** runs.jsonl first (forced to disk), then the summary and the history: the journal is never behind the database. */
    private synchronized void journal() {
        try {
            unjournaled.forEach(files::appendRun);
            unjournaled.clear();
        } catch (java.io.UncheckedIOException e) {
            if (!testbed.results.DiskFull.is(e)) {
                throw e;
            }
            resultsFull(e.getMessage()); // the runs stay in memory, and go to the history below
        }
    }

    /** The end: status completed (or interrupted), the verdict, every leftover. */
    public SessionRecord finished(Verdict verdict, List<Leftover> leftovers, Latency latency) {
        neverFinished();
        journal();
        // Stopped early (Ctrl-C, testbed stop, stop --now) is interrupted whoever asked: testbed resume continues it.
        return write(interrupted || verdict == Verdict.INTERRUPTED ? SessionState.INTERRUPTED : SessionState.COMPLETED, verdict, leftovers, latency);
    }

    /**
     * Ctrl-C or SIGTERM: runs still going are recorded as never finished (their run.json says so too), and the
     * history gets a moment to take it before the JVM exits.
     */
    public SessionRecord interrupt() {
        interrupted = true;
        neverFinished();
        journal();
        SessionRecord last = latest;
        return write(SessionState.INTERRUPTED, Verdict.INTERRUPTED, last == null ? selectionLeftovers : last.leftovers(), Latency.NONE);
    }

    /** Ctrl-C asked the session to stop in order: the summary says so at once (in case the process dies before the end). */
    public void markInterrupted() {
        interrupted = true;
        SessionRecord last = latest;
        write(SessionState.INTERRUPTED, Verdict.INTERRUPTED, last == null ? selectionLeftovers : last.leftovers(), Latency.NONE);
    }

    /** Runs that were still going at the end and never reported: cut off, their end unknown. */
    private void neverFinished() {
        List<SessionRecord.Run> cut = new ArrayList<>();
        running.forEach((run, start) -> cut.add(new SessionRecord.Run(run.testid(), run.spec().label(), run.dut().tag(), run.dutFirmware(),
                run.role(), labels(run), Status.NEVER_FINISHED, start.toString(), Duration.between(start, clock.instant()).toMillis() / 1000.0, List.of())));
        running.clear();
        synchronized (this) {
            runs.addAll(cut);
            unjournaled.addAll(cut);
        }
    }

    /** The record as it stands (the last one written). */
    public SessionRecord current() {
        return latest;
    }

    public boolean isInterrupted() {
        return interrupted;
    }

    public synchronized List<SessionRecord.Run> runs() {
        return List.copyOf(runs);
    }

    private synchronized SessionRecord write(SessionState status, Verdict verdict, List<Leftover> leftovers, Latency latency) {
        Instant now = clock.instant();
        boolean open = status == SessionState.RUNNING;
        SessionRecord record = new SessionRecord(header.sessionId(), header.lab(), header.labFile(), header.host(), header.user(), header.trigger(),
                header.commandLine(), header.firmware(), new TreeMap<>(firmwareVersions), header.testsRef(), header.start().toString(),
                open ? "" : now.toString(), Duration.between(header.start(), now).toMillis() / 1000.0, status, verdict, List.copyOf(runs),
                List.copyOf(leftovers), quarantined.get(), latency.record(), List.copyOf(builds.values()), header.request(),
                header.firmwareNotFromSource());
        try {
            files.writeSummary(record);
        } catch (java.io.UncheckedIOException e) {
            if (!testbed.results.DiskFull.is(e)) {
                throw e;
            }
            resultsFull(e.getMessage());
        }
        latest = record;
        history.record(record); // whatever results/ could take: the history is elsewhere
        return record;
    }

    static SessionRecord.Run runOf(RunReport report) {
        TestRun run = report.run();
        double duration = report.attempts().stream().mapToDouble(AttemptRecord::durationSeconds).sum();
        return new SessionRecord.Run(run.testid(), run.spec().label(), run.dut().tag(), run.dutFirmware(), run.role(), labels(run), report.status(), run.startedAt().toString(),
                duration, report.attempts());
    }

    private static List<String> labels(TestRun run) {
        return run.tentacles().stream().map(Tentacle::label).toList();
    }

    /** Dispatch latency samples in milliseconds, summarised for the record. */
    public record Latency(double[] millis) {
        public static final Latency NONE = new Latency(new double[0]);

        SessionRecord.Latency record() {
            if (millis.length == 0) {
                return new SessionRecord.Latency(0, 0, 0, 0);
            }
            double[] v = millis.clone();
            java.util.Arrays.sort(v);
            return new SessionRecord.Latency(v.length, round(v[v.length / 2]), round(v[(int) Math.min(v.length - 1, Math.floor(0.99 * (v.length - 1)))]),
                    round(v[v.length - 1]));
        }

        private static double round(double ms) {
            return Math.round(ms * 1000) / 1000.0;
        }
    }
}
