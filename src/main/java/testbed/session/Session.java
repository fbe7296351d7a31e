package testbed.session;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.ThreadContext;
import testbed.bartender.BartenderConfig;
import testbed.bartender.DurationEstimator;
import testbed.bartender.FirmwareBartender;
import testbed.bartender.Leftover;
import testbed.bartender.RunOutcome;
import testbed.bartender.TestBartender;
import testbed.config.FirmwareLoader;
import testbed.config.Workspace;
import testbed.execution.TentacleLocks;
import testbed.execution.TestRunExecutor;
import testbed.flash.FirmwareBuilder;
import testbed.flash.Flasher;
import testbed.flash.ToolLocator;
import testbed.lab.ConnectedLab;
import testbed.lab.Discovery;
import testbed.lab.Dut;
import testbed.model.BoardVariant;
import testbed.model.Firmware;
import testbed.model.Lab;
import testbed.model.LabException;
import testbed.model.Tentacle;
import testbed.model.TestRun;
import testbed.exec.ShutdownHooks;
import testbed.results.AtomicJson;
import testbed.results.AttemptRecord;
import testbed.results.Xfail;
import testbed.results.ResultsDir;
import testbed.selection.Selection;
import testbed.selection.SelectionRequest;

/**
 * One {@code testbed run}: discover the lab, then the loop — whenever a tentacle is free or a firmware becomes
 * ready, ask the TestBartender for runs and hand them to the workers; book each finished run into the bartender,
 * {@code results/} and {@code session.json}. The loop runs on one thread; only the executors and the builder run
 * on others, and they talk back through one event queue. It ends when nothing runs and nothing can start.
 */
public final class Session {

    private static final Logger LOG = LogManager.getLogger(Session.class);

    /** What the user asked for. */
    public record Request(
            String lab,
            SelectionRequest selection,
            BartenderConfig config,
            int count,
            Optional<Path> results,
            String python,
            List<String> commandLine) {}

    /** How the session ended, for the exit code. */
    public enum Verdict { PASSED, TESTS_FAILED, INFRASTRUCTURE_ERRORS, NOTHING_RAN, INTERRUPTED }

    public record Result(Verdict verdict, SessionRecord record, Path resultsDir) {}

    private sealed interface Event permits RunDone, BuildDone {
        long nanos();
    }

    private record RunDone(TestRunExecutor.RunReport report, long nanos) implements Event {}

    private record BuildDone(Firmware firmware, String problem, long nanos) implements Event {}

    private final Workspace workspace;
    private final SessionRecorder recorder;
    private final java.util.concurrent.ExecutorService historyWriter = java.util.concurrent.Executors.newSingleThreadExecutor(daemon("history"));
    private final Xfail xfail;
    private final DurationEstimator estimator;
    private final Request request;
    private final SessionListener listener;
    private final Clock clock;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final List<SessionRecord.Run> runs = new ArrayList<>();
    private final List<Double> latenciesMs = new ArrayList<>();
    private final Map<String, String> firmwareVersions = new LinkedHashMap<>();
    private final String sessionId;
    private volatile SessionRecord latest;
    /** What runs right now, for the record of an interrupted session ("never finished"). */
    private final Map<String, TestRun> runningNow = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean interrupted;

    public Session(Workspace workspace, Request request, SessionListener listener, Clock clock) {
        this(workspace, request, listener, clock, SessionRecorder.NONE, DurationEstimator.fromSpecs(), Xfail.NONE);
    }

    /**
     * @param recorder receives the record at the start, after every run and at the end (the history)
     * @param estimator expected durations for longest-first and the ETA (from history when it has them)
     * @param xfail known failures, counted as xfail
     */
    public Session(Workspace workspace, Request request, SessionListener listener, Clock clock, SessionRecorder recorder,
            DurationEstimator estimator, Xfail xfail) {
        this.recorder = recorder;
        this.xfail = xfail;
        this.estimator = estimator;
        this.workspace = workspace;
        this.request = request;
        this.listener = listener;
        this.clock = clock;
        this.sessionId = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(clock.instant()) + "-"
                + ProcessHandle.current().pid();
    }

    public Result run() {
        Lab lab = workspace.lab(request.lab());
        Map<BoardVariant, Firmware> catalog = workspace.firmware();
        catalog.values().forEach(FirmwareLoader::verifyImage);
        var allSpecs = workspace.specs();
        // Bad names fail against the inventory before anything is touched: the previous results stay where they are.
        Selection.select(lab.tentacles(), allSpecs, catalog.keySet(), request.selection());
        Path resultsRoot = request.results().orElse(workspace.resultsDir());
        try (ResultsDir results = new ResultsDir(resultsRoot)) {
            Path archived = results.prepare();
            TestRunExecutor.touchLogs(results.root());
            ThreadContext.put("sessionDir", results.root().toString());
            if (archived != null) {
                listener.message("previous results moved to " + archived);
            }
            Instant start = clock.instant();
            try (ConnectedLab connected = ConnectedLab.connect(lab, workspace)) {
                Discovery discovery = connected.discovery();
                discovery.missing().forEach(m -> listener.message("not found: " + m.tentacle().label() + " (" + m.reason() + ")"));
                discovery.unknown().forEach(u -> listener.message("unknown board, not used: " + u));
                Selection selection = Selection.select(discovery.tentacles(), allSpecs, catalog.keySet(), request.selection());
                if (selection.duts().isEmpty()) {
                    throw new LabException("no selected tentacle of lab '" + lab.name() + "' is connected (found "
                            + discovery.found().size() + " of " + lab.tentacles().size() + ")");
                }
                return loop(lab, catalog, connected, selection, results, start);
            }
        } finally {
            flushHistory();
            ThreadContext.remove("sessionDir");
        }
    }

    private Result loop(Lab lab, Map<BoardVariant, Firmware> catalog, ConnectedLab connected, Selection selection, ResultsDir results,
            Instant start) {
        TestBartender bartender = new TestBartender(request.config(), clock, estimator, selection.duts(), selection.referencePool(),
                selection.specs(), catalog.keySet());
        FirmwareBartender firmware = new FirmwareBartender(bartender.neededFirmware(), catalog, request.config().referenceBoards(),
                request.config().policy());
        firmware.readyAtStart().forEach(bartender::firmwareReady);
        Map<String, Dut> duts = new HashMap<>();
        for (Discovery.Found f : connected.discovery().found()) {
            duts.put(f.dut().tentacle().serial(), f.dut());
            f.identity().ifPresent(id -> {
                firmwareVersions.put(f.dut().tentacle().label(), id.firmware());
                catalog.values().stream().filter(fw -> fw.version().equals(id.firmware())).findFirst()
                        .ifPresent(fw -> bartender.firmwareObserved(f.dut().tentacle().serial(), Optional.of(fw.boardVariant())));
            });
        }
        TestRunExecutor executor = new TestRunExecutor(new TestRunExecutor.Settings(request.count(), request.config().flashSkip(),
                request.config().flashForce(), workspace.specsDir(), request.selection().micropythonTests(), request.python(), catalog, sessionId),
                duts, results, TentacleLocks.forHost(), new Flasher(ToolLocator.fromEnvironment()), clock);
        TentacleLocks locks = TentacleLocks.forHost();
        List<Leftover> selectionLeftovers = selection.leftovers();

        int workers = Math.max(1, duts.size());
        ExecutorService pool = Executors.newFixedThreadPool(workers, daemon("run"));
        ExecutorService builder = Executors.newSingleThreadExecutor(daemon("build"));
        Runnable hook = () -> onInterrupt(results);
        ShutdownHooks.add(ShutdownHooks.Phase.RECORD, hook); // before the lab drivers unplug the boards
        listener.started(lab.name(), selection.duts().size(), bartender.totalItems(), results.root().toString());
        int done = 0;
        int failedRuns = 0;
        int errors = 0;
        write(results, lab, start, "running", bartender, selectionLeftovers, null);
        long lastEvent = 0;
        boolean recordPending = false;
        try {
            while (!interrupted) { // after Ctrl-C nothing new starts; what runs is recorded as never finished
                firmware.nextBuild(bartender.buildUrgencyMillis()).ifPresent(fw -> {
                    listener.message("building firmware " + fw.boardVariant().name());
                    builder.submit(() -> events.add(new BuildDone(fw,
                            FirmwareBuilder.build(fw, results.root().resolve("build").resolve(fw.boardVariant().name()).resolve("build_stdout.txt"),
                                    Duration.ofHours(1)), System.nanoTime())));
                });
                boolean first = true;
                for (Optional<TestRun> next = bartender.next(); next.isPresent(); next = bartender.next()) {
                    TestRun run = next.get();
                    if (first && lastEvent > 0) {
                        latenciesMs.add((System.nanoTime() - lastEvent) / 1e6);
                    }
                    first = false;
                    runningNow.put(run.testid(), run);
                    listener.runStarted(run, progress(bartender, done, failedRuns, errors, estimator));
                    String sessionDir = results.root().toString();
                    pool.submit(() -> {
                        ThreadContext.put("sessionDir", sessionDir);
                        TestRunExecutor.RunReport report;
                        try {
                            report = executor.execute(run);
                        } catch (RuntimeException e) {
                            LOG.error("{}: executor failed", run.testid(), e);
                            report = new TestRunExecutor.RunReport(run, new RunOutcome.InfraError(RunOutcome.InfraErrorKind.INTERNAL, Set.of(),
                                    e.toString()), List.of(), Map.of());
                        }
                        events.add(new RunDone(report, System.nanoTime()));
                    });
                }
                if (recordPending) {
                    write(results, lab, start, "running", bartender, selectionLeftovers, null);
                    recordPending = false;
                }
                if (!bartender.isRunning() && !firmware.hasPendingBuilds() && !bartender.waitsForOtherSessions()) {
                    break;
                }
                Event event = events.poll(1, TimeUnit.SECONDS);
                if (event == null) {
                    for (String serial : bartender.heldElsewhere()) {
                        if (locks.isFree(serial)) {
                            bartender.tentacleAvailable(serial);
                        }
                    }
                    continue;
                }
                lastEvent = event.nanos();
                if (event instanceof BuildDone b) {
                    BoardVariant bv = b.firmware().boardVariant();
                    firmware.built(bv, b.problem() == null);
                    if (b.problem() == null) {
                        bartender.firmwareReady(bv);
                        listener.message("firmware " + bv.name() + " built");
                    } else {
                        bartender.firmwareFailed(bv);
                        listener.message("firmware build failed: " + b.problem());
                    }
                } else if (event instanceof RunDone d) {
                    TestRunExecutor.RunReport report = d.report();
                    runningNow.remove(report.run().testid());
                    bartender.completed(report.run(), report.outcome());
                    report.firmware().forEach(bartender::firmwareObserved);
                    if (report.outcome() instanceof RunOutcome.Busy busy) {
                        listener.message(report.run().testid() + ": " + busy.busySerials() + " in use by another testbed session, waiting");
                        continue;
                    }
                    done++;
                    SessionRecord.Run record = runRecord(report);
                    if (report.outcome() instanceof RunOutcome.InfraError) {
                        errors++;
                    } else if (record.outcome().equals("failed")) {
                        failedRuns++;
                    }
                    runs.add(record);
                    // What each board carries now, as it answered after flashing: the session's firmware identity.
                    for (var attempt : report.attempts()) {
                        attempt.firmware().forEach((serial, version) -> {
                            Dut board = duts.get(serial);
                            firmwareVersions.put(board == null ? serial : board.tentacle().label(), version);
                        });
                    }
                    listener.runFinished(report, progress(bartender, done, failedRuns, errors, estimator));
                    recordPending = true; // written once the next runs are dispatched: a freed tentacle must not wait for disk
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            interrupted = true;
        } catch (java.io.IOException e) {
            throw new LabException("tentacle locks: " + e.getMessage(), e);
        } finally {
            pool.shutdownNow();
            builder.shutdownNow();
            ShutdownHooks.remove(hook);
        }
        List<Leftover> leftovers = new ArrayList<>(selectionLeftovers);
        leftovers.addAll(bartender.leftovers());
        Verdict verdict = verdict(leftovers);
        SessionRecord record = write(results, lab, start, interrupted ? "interrupted" : "completed", bartender, selectionLeftovers, verdict);
        listener.finished(record, leftovers);
        return new Result(verdict, record, results.root());
    }

    private Verdict verdict(List<Leftover> leftovers) {
        if (interrupted) {
            return Verdict.INTERRUPTED;
        }
        if (runs.isEmpty()) {
            return Verdict.NOTHING_RAN;
        }
        if (runs.stream().anyMatch(r -> r.outcome().equals("failed"))) {
            return Verdict.TESTS_FAILED;
        }
        boolean infra = leftovers.stream().anyMatch(l -> switch (l.reason()) {
            case INFRA_ERRORS, TENTACLE_QUARANTINED, FIRMWARE_BUILD_FAILED, IN_USE_ELSEWHERE -> true;
            default -> false;
        });
        return infra ? Verdict.INFRASTRUCTURE_ERRORS : Verdict.PASSED;
    }

    private SessionListener.Progress progress(TestBartender bartender, int done, int failed, int errors, DurationEstimator estimator) {
        List<TestRun> running = bartender.runningRuns();
        long work = 0;
        for (TestRun r : running) {
            long elapsed = Duration.between(r.startedAt(), clock.instant()).toMillis();
            work += Math.max(0, r.estimatedDuration().toMillis() - elapsed);
        }
        long open = bartender.waitingWorkMillis().values().stream().mapToLong(Long::longValue).sum();
        long parallel = Math.max(1, request.config().jobs() == 0 ? running.size() + 1 : request.config().jobs());
        long eta = (work + open) / 1000 / parallel;
        return new SessionListener.Progress(done, done + bartender.openItems() + running.size(), running, failed, errors, eta);
    }

    private SessionRecord.Run runRecord(TestRunExecutor.RunReport report) {
        TestRun run = report.run();
        List<AttemptRecord> attempts = report.attempts().stream().map(a -> xfail.apply(a, run.dutFirmware().name())).toList();
        String outcome;
        if (report.outcome() instanceof RunOutcome.InfraError e) {
            outcome = e.kind() == RunOutcome.InfraErrorKind.TIMEOUT ? "timeout" : "error";
        } else if (attempts.stream().allMatch(a -> a.status().equals("skipped"))) {
            outcome = "skipped";
        } else {
            AttemptRecord last = attempts.get(attempts.size() - 1);
            // Failures that are all on the xfail list do not fail the run; a runner that failed without naming a test still does.
            outcome = report.testsFailed() && (last.failures() > 0 || last.tests().isEmpty()) ? "failed" : "passed";
        }
        double duration = attempts.stream().mapToDouble(a -> a.durationSeconds()).sum();
        return new SessionRecord.Run(run.testid(), run.spec().label(), run.tentacles().stream().map(Tentacle::label).toList(),
                run.dutFirmware().name(), outcome, run.startedAt().toString(), duration, attempts);
    }

    private SessionRecord write(ResultsDir results, Lab lab, Instant start, String status, TestBartender bartender, List<Leftover> selectionLeftovers,
            Verdict verdict) {
        if (interrupted) {
            status = "interrupted"; // the shutdown hook said so; the loop must not write "running" over it
        }
        List<Leftover> leftovers = new ArrayList<>(selectionLeftovers);
        if (!status.equals("running")) {
            leftovers.addAll(bartender.leftovers());
        }
        List<SessionRecord.Run> all = interrupted ? withUnfinished(runs) : List.copyOf(runs);
        Instant now = clock.instant();
        SessionRecord record = new SessionRecord(sessionId, lab.name(), lab.file().toString(), host(), System.getProperty("user.name"),
                System.getenv("CI") != null ? "ci" : "manual", request.commandLine(), request.selection().firmware(), new java.util.TreeMap<>(firmwareVersions),
                request.selection().micropythonTests().map(Path::toString).orElse("builtin"), start.toString(),
                status.equals("running") ? "" : now.toString(), Duration.between(start, now).toMillis() / 1000.0, status,
                verdict == null ? "" : verdict.name().toLowerCase(), all, leftovers, List.copyOf(bartender.quarantined()), latency());
        AtomicJson.write(results.root().resolve("session.json"), record);
        latest = record;
        recordSafely(record);
        return record;
    }

    /** The history is worth a warning, never the session: results/ stays the source of truth. */
    private void recordSafely(SessionRecord record) {
        // Off the dispatch path: a database commit must not delay the next run (measured: +50 ms per run on SQLite).
        Runnable task = () -> {
            try {
                recorder.record(record);
            } catch (RuntimeException e) {
                LOG.warn("history: cannot record session {}: {}", record.sessionId(), e.getMessage());
            }
        };
        try {
            historyWriter.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            task.run(); // after the flush (Ctrl-C during shutdown): write it here
        }
    }

    /** Waits until the history has everything this session wrote. */
    private void flushHistory() {
        historyWriter.shutdown();
        try {
            if (!historyWriter.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS)) {
                LOG.warn("history: still writing after 60 s; the last records may be missing");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private SessionRecord.Latency latency() {
        if (latenciesMs.isEmpty()) {
            return new SessionRecord.Latency(0, 0, 0, 0);
        }
        double[] v = latenciesMs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new SessionRecord.Latency(v.length, round(v[v.length / 2]), round(v[(int) Math.min(v.length - 1, Math.floor(0.99 * (v.length - 1)))]),
                round(v[v.length - 1]));
    }

    private static double round(double ms) {
        return Math.round(ms * 1000) / 1000.0;
    }

    /** The finished runs plus those still going, as "never finished" (finished ones are never listed twice). */
    private List<SessionRecord.Run> withUnfinished(List<SessionRecord.Run> finished) {
        List<SessionRecord.Run> all = new ArrayList<>(finished);
        java.util.Set<String> done = new java.util.HashSet<>();
        finished.forEach(r -> done.add(r.testid() + "@" + r.timeStart()));
        for (TestRun r : runningNow.values()) {
            if (!done.contains(r.testid() + "@" + r.startedAt())) {
                all.add(new SessionRecord.Run(r.testid(), r.spec().label(), r.tentacles().stream().map(Tentacle::label).toList(),
                        r.dutFirmware().name(), AttemptRecord.NEVER_FINISHED, r.startedAt().toString(),
                        Duration.between(r.startedAt(), clock.instant()).toMillis() / 1000.0, List.of()));
            }
        }
        return all;
    }

    /** Ctrl-C: say so in session.json; running attempts keep their "never finished" run.json. */
    private void onInterrupt(ResultsDir results) {
        interrupted = true;
        SessionRecord last = latest;
        if (last != null) {
            List<SessionRecord.Run> runs = withUnfinished(last.runs());
            SessionRecord record = new SessionRecord(last.sessionId(), last.lab(), last.labFile(), last.host(),
                    last.user(), last.trigger(), last.commandLine(), last.firmware(), last.firmwareVersions(), last.testsRef(), last.timeStart(),
                    clock.instant().toString(), last.durationSeconds(), "interrupted", "interrupted", runs, last.leftovers(), last.quarantined(),
                    last.dispatchLatency());
            AtomicJson.write(results.root().resolve("session.json"), record);
            recordSafely(record);
            try {
                historyWriter.submit(() -> { }).get(5, java.util.concurrent.TimeUnit.SECONDS); // the JVM is exiting: let it land
            } catch (Exception e) {
                LOG.warn("history: the interrupted session may be incomplete: {}", e.toString());
            }
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "unknown";
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    public String sessionId() {
        return sessionId;
    }

    static List<String> args(String... a) {
        return Arrays.asList(a);
    }
}
