package testbed.session;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.ThreadContext;
import testbed.engine.EngineEvent;
import testbed.engine.LabBackend;
import testbed.flash.FirmwareBuilds;
import testbed.model.Firmware;
import testbed.model.TestRun;
import testbed.results.RunReport;
import testbed.testrun.TentacleLocks;
import testbed.testrun.TestRunExecutor;

/**
 * The real lab behind the engine: each run on a worker thread through the {@link TestRunExecutor}, builds one at a
 * time on their own thread, and their ends back through one queue to the engine's thread.
 */
final class RealLab implements LabBackend, AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(RealLab.class);
    private final TestRunExecutor executor;
    private final TentacleLocks locks;
    private final Path resultsRoot;
    private final Clock clock;
    private final BlockingQueue<EngineEvent> events = new LinkedBlockingQueue<>();
    private final ExecutorService workers;
    private final ExecutorService builder = Executors.newSingleThreadExecutor(daemon("build"));
    /** Looks for tentacles whose device vanished or came back (hot-plug), twice a second. */
    private final java.util.concurrent.ScheduledExecutorService plugWatch = Executors.newSingleThreadScheduledExecutor(daemon("plug-watch"));
    /** Tentacles whose device is gone, as last reported to the engine. */
    private final java.util.Set<String> away = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final java.util.Map<String, testbed.lab.Dut> duts;

    private final FirmwareBuilds builds;

    RealLab(TestRunExecutor executor, TentacleLocks locks, Path resultsRoot, Clock clock, java.util.Map<String, testbed.lab.Dut> duts,
            FirmwareBuilds builds) {
        this.builds = builds;
        this.duts = java.util.Map.copyOf(duts);
        int tentacles = duts.size();
        this.executor = executor;
        this.locks = locks;
        this.resultsRoot = resultsRoot;
        this.clock = clock;
        this.workers = Executors.newFixedThreadPool(Math.max(1, tentacles), daemon("run"));
        // A board not there at the start (one the session awaits) is away from the start: its appearance is the change.
        this.duts.values().stream().filter(d -> !d.present()).forEach(d -> away.add(d.tentacle().serial()));
        plugWatch.scheduleWithFixedDelay(this::watchPlugs, 500, 500, TimeUnit.MILLISECONDS);
    }

    /** A device that vanished or came back is reported once per change. */
    private void watchPlugs() {
        for (testbed.lab.Dut dut : this.duts.values()) {
            notePresence(dut.tentacle().serial(), dut.present());
        }
    }

    private void notePresence(String serial, boolean present) {
        boolean changed = present ? away.remove(serial) : away.add(serial);
        if (changed) {
            LOG.info("{}: {}", serial, present ? "its device is back" : "its device is gone");
            events.add(new EngineEvent.Plugged(serial, present, System.nanoTime()));
        }
    }


    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public void startRun(TestRun run) {
        String sessionDir = resultsRoot.toString();
        workers.submit(() -> {
            ThreadContext.put("sessionDir", sessionDir); // the run's log lines go to the session's logs too
            RunReport report;
            try {
                report = executor.execute(run, () -> events.add(new EngineEvent.RunPrepared(run.testid(), System.nanoTime())));
            } catch (RuntimeException e) {
                LOG.error("{}: executor failed", run.testid(), e);
                report = RunReport.internalError(run, e.toString());
            }
            if (report.outcome() instanceof testbed.bartender.RunOutcome.InfraError) {
                // A board pulled out mid-run: said before the run's end, so the bartender knows it was not the board's fault.
                for (testbed.model.Tentacle t : run.tentacles()) {
                    testbed.lab.Dut dut = duts.get(t.serial());
                    if (dut != null && !dut.present()) {
                        notePresence(t.serial(), false);
                    }
                }
            }
            events.add(new EngineEvent.RunFinished(report, System.nanoTime()));
        });
    }

    @Override
    public void startBuild(Firmware firmware) {
        builder.submit(() -> events.add(new EngineEvent.BuildFinished(firmware, builds.build(firmware), System.nanoTime())));
    }

    /** A health probe on a worker: lock the tentacle (another session may use it), ask MicroPython who it is, release. */
    @Override
    public boolean startProbe(testbed.model.Tentacle tentacle) {
        testbed.lab.Dut dut = duts.get(tentacle.serial());
        if (dut == null) {
            return false;
        }
        workers.submit(() -> {
            boolean answered = true; // held by another session: it is in use, so not ours to judge
            try {
                if (locks.tryLockAll(java.util.List.of(tentacle.serial()), "health probe").isEmpty()) {
                    try {
                        answered = testbed.lab.IdentityProbe.probe(dut, Duration.ofSeconds(3)).isPresent();
                    } finally {
                        locks.unlockAll(java.util.List.of(tentacle.serial()));
                    }
                }
            } catch (IOException | RuntimeException e) {
                answered = false;
            }
            LOG.info("health probe of {}: {}", tentacle.label(), answered ? "answers" : "no answer");
            events.add(new EngineEvent.ProbeFinished(tentacle.serial(), answered, System.nanoTime()));
        });
        return true;
    }

    @Override
    public Optional<EngineEvent> awaitEvent() throws InterruptedException {
        return Optional.ofNullable(events.poll(1, TimeUnit.SECONDS));
    }

    @Override
    public boolean isFreeElsewhere(String serial) {
        try {
            return locks.isFree(serial);
        } catch (IOException e) {
            LOG.warn("tentacle locks: {}", e.getMessage());
            return false;
        }
    }

    /**
     * After the engine stopped: waits up to {@code max} for the runs still going to end (their boards were released,
     * so they end as interrupted) and returns what they reported.
     */
    java.util.List<RunReport> drain(Duration max) {
        plugWatch.shutdownNow();
        workers.shutdown();
        builder.shutdownNow();
        try {
            workers.awaitTermination(max.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        java.util.List<RunReport> reports = new java.util.ArrayList<>();
        for (EngineEvent e; (e = events.poll()) != null; ) {
            if (e instanceof EngineEvent.RunFinished f && !f.report().isBusy()) {
                reports.add(f.report());
            }
        }
        return reports;
    }

    @Override
    public void close() {
        plugWatch.shutdownNow();
        workers.shutdownNow();
        builder.shutdownNow();
    }

    static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
