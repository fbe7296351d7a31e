package testbed.testrun;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.ThreadContext;
import testbed.bartender.RunOutcome;
import testbed.board.BoardIdentity;
import testbed.board.BoardIoException;
import testbed.flash.FlashException;
import testbed.flash.FirmwareInstaller;
import testbed.flash.Flasher;
import testbed.lab.Dut;
import testbed.model.BoardVariant;
import testbed.model.Firmware;
import testbed.model.Tentacle;
import testbed.model.TestRun;
import testbed.results.AtomicJson;
import testbed.model.Status;
import testbed.results.AttemptRecord;
import testbed.results.KnownFlaky;
import testbed.results.DiskFull;
import testbed.results.RunReport;
import testbed.results.Xfail;
import testbed.results.ResultsDir;
import testbed.runner.AttemptLog;
import testbed.runner.Outcome;
import testbed.runner.RunAborted;
import testbed.runner.RunContext;
import testbed.runner.RunnerResult;
import testbed.runner.TestResult;
import testbed.runner.TestRunner;

/**
 * Executes one TestRun on a worker thread: lock its tentacles (across processes), flash what needs flashing and
 * verify it, run the test through its runner, write {@code results/<testid>,<letter>/}, release. With {@code --count}
 * a group with failures runs again (attempts b, c, ...) until it passes or the count is used up. Infrastructure
 * errors end the run and go back to the bartender, which requeues; they never escape as exceptions.
 */
public final class TestRunExecutor {

    private static final Logger LOG = LogManager.getLogger(TestRunExecutor.class);

    /** Settings shared by every run of a session. */
    public record Settings(
            int count,
            boolean flashSkip,
            boolean flashForce,
            Path specsDir,
            Optional<testbed.model.MicroPythonSource> micropython,
            String python,
            Path cacheDir,
            Map<BoardVariant, Firmware> catalog,
            String sessionId,
            Xfail xfail) {}

    private final Settings settings;
    private final Map<String, Dut> duts;
    private final ResultsDir results;
    private final TentacleLocks locks;
    private final FirmwareInstaller flasher;
    private final FlashLedger ledger;
    private final Clock clock;
    private final Set<String> flashedThisSession = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The session cut what still runs (a time box's end): the attempts end as interrupted, the boards are not blamed. */
    private volatile boolean cutShort;

    public void cutShort() {
        cutShort = true;
    }

    /**
     * The one way a host's executor is wired, for a session on this host and for an agent's share of a coordinator's
     * session alike: the host's tentacle locks (shared with every testbed process on it) and its flash tools.
     */
    public static TestRunExecutor onHost(testbed.config.Settings host, Settings run, Map<String, Dut> duts, ResultsDir results, Clock clock) {
        return new TestRunExecutor(run, duts, results, TentacleLocks.in(host.lockDir()), new Flasher(testbed.flash.ToolLocator.onPath(host.path())),
                FlashLedger.in(host.stateDir().resolve("flashed")), clock);
    }

    /** The cross-process tentacle locks runs take (a health probe takes them too). */
    public TentacleLocks locks() {
        return locks;
    }

    public TestRunExecutor(Settings settings, Map<String, Dut> duts, ResultsDir results, TentacleLocks locks, FirmwareInstaller flasher,
            FlashLedger ledger, Clock clock) {
        this.settings = settings;
        this.ledger = ledger;
        this.duts = Map.copyOf(duts);
        this.results = results;
        this.locks = locks;
        this.flasher = flasher;
        this.clock = clock;
    }

    public RunReport execute(TestRun run) {
        return execute(run, () -> {});
    }

    /**
     * Runs {@code run}; {@code prepared} is called once its boards carry their firmware (flashed and verified, or found
     * right), when the USB-heavy part of the run is over.
     */
    public RunReport execute(TestRun run, Runnable prepared) {
        List<String> serials = run.tentacles().stream().map(Tentacle::serial).toList();
        try {
            Set<String> busy = locks.tryLockAll(serials, settings.sessionId() + " " + run.testid());
            if (!busy.isEmpty()) {
                return new RunReport(run, new RunOutcome.Busy(busy), List.of(), Map.of());
            }
        } catch (IOException e) {
            return new RunReport(run, new RunOutcome.InfraError(RunOutcome.InfraErrorKind.INTERNAL, Set.of(), "tentacle locks: " + e.getMessage()),
                    List.of(), Map.of());
        }
        try {
            return attempts(run, prepared);
        } catch (java.io.UncheckedIOException e) {
            if (DiskFull.is(e)) {
                return resultsFull(run, e);
            }
            throw e;
        } finally {
            locks.unlockAll(serials);
        }
    }

    /** The results folder cannot take this run: the host's problem; the boards are not blamed and the work goes back. */
    private static RunReport resultsFull(TestRun run, Exception e) {
        return new RunReport(run, new RunOutcome.InfraError(RunOutcome.InfraErrorKind.RESULTS_UNWRITABLE, Set.of(), "results folder full: "
                + e.getMessage()), List.of(), Map.of());
    }

    private RunReport attempts(TestRun run, Runnable onPrepared) {
        List<AttemptRecord> attempts = new ArrayList<>();
        Map<String, Optional<BoardVariant>> firmware = new HashMap<>();
        boolean prepared = false;
        while (true) {
            Path dir;
            try {
                dir = results.nextAttemptDir(run.testid());
            } catch (java.io.UncheckedIOException e) {
                if (!DiskFull.is(e) || attempts.isEmpty()) {
                    throw e;
                }
                // No room for another attempt: what ran stands (the session records it in the history), nothing more runs.
                AttemptRecord last = attempts.get(attempts.size() - 1);
                return new RunReport(run, new RunOutcome.Ran(last.status() == Status.FAILED), attempts, firmware);
            }
            ThreadContext.put("attemptDir", dir.toString());
            try {
                Attempt attempt = new Attempt(run, dir, !prepared, firmware, onPrepared);
                AttemptRecord record = attempt.execute();
                attempts.add(record);
                prepared = true;
                if (attempt.infra != null) {
                    return new RunReport(run, attempt.infra, attempts, firmware);
                }
                // Known failures (xfail) were applied when the attempt ended: only real failures repeat with --count.
                boolean failed = record.status() == Status.FAILED;
                if (!failed || attempts.size() >= settings.count()) {
                    return new RunReport(run, new RunOutcome.Ran(failed), attempts, firmware);
                }
                LOG.info("{}: failures in attempt {}, repeating ({} of {})", run.testid(), record.attempt(), attempts.size() + 1, settings.count());
            } finally {
                ThreadContext.remove("attemptDir");
            }
        }
    }

    /** One attempt: its folder, log and record. */
    private final class Attempt {
        final TestRun run;
        final Path dir;
        final boolean prepare;
        final Map<String, Optional<BoardVariant>> firmware;
        final Map<String, String> versions = new LinkedHashMap<>();
        final Map<String, BoardIdentity> identities = new LinkedHashMap<>();
        final List<String> flashed = new ArrayList<>();
        /** The recovery ladder's steps after an abort, one line each. */
        final List<String> recovery = new ArrayList<>();
        final Instant start = clock.instant();
        final Runnable onPrepared;
        Instant prepared;
        RunOutcome.InfraError infra;
        RunnerResult result = RunnerResult.skipped("not run");
        Status status = Status.NEVER_FINISHED;
        String error = "";

        Attempt(TestRun run, Path dir, boolean prepare, Map<String, Optional<BoardVariant>> firmware, Runnable onPrepared) {
            this.run = run;
            this.onPrepared = onPrepared;
            this.dir = dir;
            this.prepare = prepare;
            this.firmware = firmware;
        }

        AttemptRecord execute() {
            AtomicJson.write(dir.resolve("run.json"), record(Instant.EPOCH));
            touchLogs(dir);
            Dut dut = duts.get(run.dut().serial());
            Optional<Dut> reference = run.reference().map(r -> duts.get(r.serial()));
            long deadline = System.nanoTime() + Duration.ofMillis(Math.round(run.spec().timeoutSeconds() * 1000)).toNanos();
            try (AttemptLog log = new AttemptLog(dir.resolve("testresults.txt"))) {
                log.line("testid=" + run.testid() + " attempt=" + dir.getFileName());
                log.line("tentacles=" + run.tentacles().stream().map(Tentacle::label).toList() + " firmware=" + run.dutFirmware().name());
                log.line("timeout_s=" + Math.round(run.spec().timeoutSeconds()));
                log.line(AttemptLog.LOG_START);
                long t0 = System.nanoTime();
                try {
                    if (prepare && !settings.flashSkip()) {
                        prepare(dut, run.dutFirmware(), "flashing_stdout.txt", log);
                        if (reference.isPresent()) {
                            prepare(reference.get(), run.referenceFirmware().orElseThrow(), "flashing_stdout_reference.txt", log);
                        }
                    }
                    if (prepare) {
                        prepared = clock.instant();
                        onPrepared.run();
                    }
                    RunContext ctx = new RunContext(run, dut, reference, dir, log, deadline,
                            Duration.ofMillis(Math.round(run.spec().timeoutSeconds() * 1000)), settings.specsDir(), settings.micropython(),
                            settings.python(), settings.cacheDir(), Map.copyOf(identities),
                            Optional.ofNullable(settings.catalog().get(run.dutFirmware())).map(Firmware::leftOut).orElse(List.of()));
                    RunnerResult raw = TestRunner.forSpec(run.spec().runner()).run(ctx);
                    // Known-flaky first (a flaky failure is ignored, whatever the xfail file says), then the lab's own xfail list.
                    List<TestResult> tests = KnownFlaky.load(settings.specsDir()).apply(raw.tests(), () -> platform(dut));
                    result = new RunnerResult(settings.xfail().apply(tests, run.spec().label(), run.dutFirmware().name()),
                            raw.measurements(), raw.skipped(), raw.returnCode());
                    status = AttemptRecord.classify(result);
                    error = status == Status.SKIPPED ? AttemptRecord.skipReason(result) : "";
                } catch (FlashException e) {
                    // Name the board that failed to flash: with a reference, it may not be the DUT.
                    Dut failed = duts.get(flashSerial);
                    infra(new RunOutcome.InfraError(e.kind(), Set.of(flashSerial), (failed == null ? flashSerial : failed.tentacle().label()) + ": "
                            + e.getMessage()));
                } catch (RunAborted e) {
                    infra(new RunOutcome.InfraError(e.kind(), e.blamedSerials(), e.getMessage()));
                    if (!e.reported().isEmpty()) {
                        result = new RunnerResult(e.reported(), List.of(), Optional.empty(), Optional.empty());
                    }
                    if (e.kind() != RunOutcome.InfraErrorKind.RUNNER_FAILED) {
                        resetAfterAbort(dut, reference, e, log); // the runner failing left the boards as they were
                    }
                } catch (RuntimeException e) {
                    LOG.error("{}: internal error", run.testid(), e);
                    infra(new RunOutcome.InfraError(RunOutcome.InfraErrorKind.INTERNAL, Set.of(), e.toString()));
                }
                log.line(AttemptLog.LOG_END);
                if (!error.isEmpty()) {
                    log.line("error=" + error);
                }
                log.line("status=" + status.label());
                log.line(String.format("duration=%.3fs", (System.nanoTime() - t0) / 1e9));
            } catch (IOException e) {
                infra(new RunOutcome.InfraError(DiskFull.is(e) ? RunOutcome.InfraErrorKind.RESULTS_UNWRITABLE : RunOutcome.InfraErrorKind.INTERNAL,
                        Set.of(), "cannot write " + dir + ": " + e.getMessage()));
            }
            if ((cutShort || testbed.process.Interruption.isRequested()) && infra != null) {
                // Ctrl-C pulled the boards away: the attempt was cut short, the board did nothing wrong.
                status = Status.INTERRUPTED;
                error = "the session was interrupted while this attempt ran (" + error + ")";
            }
            if (infra != null) {
                LOG.error("{}: {} ({})", run.testid(), status.label(), error);
            } else {
                LOG.info("{}: {} ({} passed, {} failed, {} skipped)", run.testid(), status.label(), result.count(Outcome.PASSED),
                        result.count(Outcome.FAILED) + result.count(Outcome.ERROR) + result.count(Outcome.TIMEOUT), result.count(Outcome.SKIPPED));
            }
            AttemptRecord record = record(clock.instant());
            try {
                AtomicJson.write(dir.resolve("run.json"), record);
            } catch (java.io.UncheckedIOException e) {
                if (!DiskFull.is(e)) {
                    throw e;
                }
                // The attempt ran: its record lives on in memory (the session's history gets it) though results/ is full.
                LOG.info("{}: {} not written: results folder full", run.testid(), dir.resolve("run.json"));
            }
            return record;
        }

        private String flashSerial = "";

        private void infra(RunOutcome.InfraError e) {
            infra = e;
            status = e.kind() == RunOutcome.InfraErrorKind.TIMEOUT ? Status.TIMEOUT : Status.ERROR;
            error = e.message();
        }

        /** Flash if the board does not run exactly the wanted firmware (or --flash-force, once per board), then verify. */
        private void prepare(Dut board, BoardVariant wanted, String logName, AttemptLog log) throws FlashException {
            String serial = board.tentacle().serial();
            flashSerial = serial;
            Firmware fw = settings.catalog().get(wanted);
            if (fw == null) {
                throw new FlashException(RunOutcome.InfraErrorKind.FLASH_FAILED, "no firmware for " + wanted.name());
            }
            // --flash-force holds until a flash of this board has succeeded and verified: a failed one does not use it up.
            boolean force = settings.flashForce() && !flashedThisSession.contains(serial);
            Optional<BoardIdentity> installed = force ? Optional.empty() : flasher.installed(board);
            boolean rebuilt = ledger.flashedOtherImage(serial, fw);
            if (installed.isPresent() && installed.get().firmware().equals(Flasher.expectedVersion(fw)) && !rebuilt) {
                log.line(board.tentacle().label() + ": runs " + wanted.name() + " already, no flash");
                versions.put(serial, installed.get().firmware());
                identities.put(serial, installed.get());
                firmware.put(serial, Optional.of(wanted));
                return;
            }
            log.line(board.tentacle().label() + ": flashing " + wanted.name() + (force ? " (--flash-force)" : rebuilt && installed.isPresent()
                    ? " (it runs the same version from another image: the image was rebuilt)"
                    : installed.map(id -> " (it runs '" + id.firmware() + "')").orElse(" (no MicroPython answers)")));
            firmware.put(serial, Optional.empty());
            ledger.forget(serial);
            BoardIdentity now = flasher.flash(board, fw, dir.resolve(logName));
            ledger.flashed(serial, fw);
            flashedThisSession.add(serial);
            versions.put(serial, now.firmware());
            identities.put(serial, now);
            firmware.put(serial, Optional.of(wanted));
            flashed.add(board.tentacle().label());
            log.line(board.tentacle().label() + ": flashed and verified " + now.firmware());
        }

        /** The DUT's sys.platform: as it reported it in this attempt, else asked now (only for a failure of a platform's flaky test). */
        private String platform(Dut dut) {
            BoardIdentity known = identities.get(dut.tentacle().serial());
            return known != null ? known.platform() : flasher.installed(dut).map(BoardIdentity::platform).orElse("");
        }

        /**
         * After a timeout or a lost board: the recovery ladder for each board, so they are usable again (each step in
         * the log and the record). A board none of its rungs brings back makes the error one beyond recovery: the
         * bartender quarantines it at once.
         */
        private void resetAfterAbort(Dut dut, Optional<Dut> reference, RunAborted e, AttemptLog log) {
            List<Dut> boards = new ArrayList<>();
            boards.add(dut);
            reference.ifPresent(boards::add);
            Set<String> lost = new java.util.LinkedHashSet<>();
            for (Dut b : boards) {
                String serial = b.tentacle().serial();
                firmware.put(serial, Optional.empty());
                BoardVariant wanted = serial.equals(run.dut().serial()) ? run.dutFirmware() : run.referenceFirmware().orElse(run.dutFirmware());
                Optional<Firmware> lastGood = settings.flashSkip() ? Optional.empty() : Optional.ofNullable(settings.catalog().get(wanted));
                RecoveryLadder.Outcome o = RecoveryLadder.climb(b, lastGood, flasher, dir.resolve("recovery_flashing_" + b.tentacle().label() + ".txt"));
                for (RecoveryLadder.Step step : o.steps()) {
                    log.line(step.line());
                    recovery.add(step.line());
                }
                if (o.reflashed()) {
                    ledger.flashed(serial, lastGood.get());
                    firmware.put(serial, Optional.of(wanted));
                    LOG.warn("{}: came back only after a reflash of {}: have a look at it", b.tentacle().label(), wanted.name());
                }
                if (!o.recovered()) {
                    lost.add(serial);
                }
            }
            // A board whose device is gone was pulled out (the session's plug watch has it); one still there that no rung
            // brought back is beyond recovery. The attempt's status and message stay; the kind has the bartender quarantine it at once.
            List<Dut> dead = boards.stream().filter(b -> lost.contains(b.tentacle().serial()) && b.present()).toList();
            if (!dead.isEmpty() && infra != null) {
                infra = new RunOutcome.InfraError(RunOutcome.InfraErrorKind.BEYOND_RECOVERY,
                        dead.stream().map(b -> b.tentacle().serial()).collect(java.util.stream.Collectors.toSet()),
                        infra.message() + "; beyond recovery: " + String.join(", ", dead.stream().map(b -> b.tentacle().label()).toList()));
            }
        }

        AttemptRecord record(Instant end) {
            Map<String, Long> counts = AttemptRecord.countsOf(result.tests());
            boolean finished = status != Status.NEVER_FINISHED;
            String dirName = dir.getFileName().toString();
            List<TestResult> tests = finished ? result.tests() : List.of();
            return new AttemptRecord(run.testid(), dirName.substring(dirName.lastIndexOf(',') + 1), dirName, run.spec().label(),
                    run.dut().label(), run.dut().tag(), run.dut().serial(), run.dut().board(), run.variant(), run.role(),
                    run.reference().map(Tentacle::label).orElse(""), versions, flashed, run.spec().runner().kind(), start.toString(),
                    finished ? end.toString() : "", finished ? Duration.between(start, end).toMillis() / 1000.0 : 0, status,
                    infra == null ? "" : infra.kind().name().toLowerCase(), finished ? error : "Test never finished...", counts, tests, finished ? result.measurements() : List.of(),
                    prepared == null ? "" : prepared.toString(), prepare ? run.waited() : "", List.copyOf(recovery));
        }
    }

    /** The three log files exist from the start, even when nothing is logged at a level (the error log, usually). */
    public static void touchLogs(Path dir) {
        for (String name : List.of("logger_10_debug.log", "logger_20_info.log", "logger_40_error.log")) {
            try {
                if (!java.nio.file.Files.exists(dir.resolve(name))) {
                    java.nio.file.Files.createFile(dir.resolve(name));
                }
            } catch (IOException e) {
                // the logger creates it on first use anyway
            }
        }
    }

    /** Serials whose firmware the executor changed, for tests. */
    Set<String> flashedThisSession() {
        return new HashSet<>(flashedThisSession);
    }
}
