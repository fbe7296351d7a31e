package testbed.engine;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import testbed.bartender.FirmwareBartender;
import testbed.bartender.TestBartender;
import testbed.model.BoardVariant;
import testbed.model.Firmware;
import testbed.model.TestRun;

/**
 * The one session loop, shared by {@code run}, {@code --dry-run} and {@code bench schedule}: whenever a tentacle is
 * free or a firmware becomes ready, start the next build the FirmwareBartender wants and every run the TestBartender
 * can start; then wait for the backend's next event and book it into the bartenders. It ends when nothing runs,
 * nothing is being built and no tentacle is waited for, or when {@link #stop} is called (nothing new starts then).
 */
public final class SessionEngine {

    /**
     * @param decisionNanos time of every {@code bartender.next()} call, for the benchmarks
     * @param latencyMillis from an event (a tentacle freed, a firmware built) to the first run it let start
     */
    public record Result(boolean stopped, long[] decisionNanos, double[] latencyMillis, boolean deadlineReached) {

        public Result(boolean stopped, long[] decisionNanos, double[] latencyMillis) {
            this(stopped, decisionNanos, latencyMillis, false);
        }
    }

    private final TestBartender bartender;
    private final FirmwareBartender firmware;
    private final LabBackend backend;
    private final EngineListener listener;
    private volatile boolean stopped;
    /** Start nothing new; end once what runs has ended (testbed stop). */
    private volatile boolean draining;
    private java.time.Instant stopAt;
    private java.time.Duration healthEvery;
    private java.time.Instant nextHealth;
    private boolean deadlineReached;

    public SessionEngine(TestBartender bartender, FirmwareBartender firmware, LabBackend backend, EngineListener listener) {
        this.bartender = bartender;
        this.firmware = firmware;
        this.backend = backend;
        this.listener = listener;
    }

    /** Nothing new starts after this; runs still going are the caller's to record (the loop returns at its next wake-up). */
    public void stop() {
        stopped = true;
    }

    /** Starts nothing new from now on; the loop ends when the runs going now have ended. */
    public void drain() {
        draining = true;
    }

    public boolean isDraining() {
        return draining;
    }

    /** Probe idle tentacles this often ({@code --health-every}). */
    public void healthEvery(java.time.Duration every) {
        this.healthEvery = every;
    }

    /** A time-boxed session's hard end (deadline plus grace): the loop stops there, with what runs still running. */
    public void stopAt(java.time.Instant at) {
        this.stopAt = at;
    }

    public boolean isStopped() {
        return stopped;
    }

    /**
     * Runs the session to its end.
     *
     * @param carried what each tentacle (by serial) is known to run at the start: discovery's identity, the stored
     *     image of a simulated board, or the last session's record; the bartender prefers such tentacles
     */
    public Result run(Map<String, BoardVariant> carried) throws InterruptedException {
        firmware.readyAtStart().forEach(bartender::firmwareReady);
        carried.forEach((serial, bv) -> bartender.firmwareObserved(serial, Optional.of(bv)));
        Samples decisions = new Samples();
        Samples latency = new Samples();
        long lastEvent = 0;
        while (!stopped) {
            if (!draining) {
                firmware.nextBuild(bartender.buildUrgencyMillis()).ifPresent(fw -> {
                    listener.buildStarted(fw, backend.clock().instant());
                    backend.startBuild(fw);
                });
            }
            boolean first = true;
            while (!stopped && !draining) {
                long t0 = System.nanoTime();
                Optional<TestRun> next = bartender.next();
                long t1 = System.nanoTime();
                decisions.add(t1 - t0);
                if (next.isEmpty()) {
                    break;
                }
                if (first && lastEvent > 0) {
                    latency.add(t1 - lastEvent);
                }
                first = false;
                listener.runStarted(next.get(), backend.clock().instant());
                backend.startRun(next.get());
            }
            listener.dispatched();
            probeIfDue();
            if (stopped || (!bartender.isRunning() && probing == 0
                    && (draining || (!firmware.hasPendingBuilds() && !bartender.waitsForOtherSessions())))) {
                break;
            }
            if (stopAt != null && !backend.clock().instant().isBefore(stopAt) && bartender.isRunning()) {
                deadlineReached = true;
                stopped = true;
                break;
            }
            Optional<EngineEvent> event = backend.awaitEvent();
            if (event.isEmpty()) {
                for (String serial : bartender.heldElsewhere()) {
                    if (backend.isFreeElsewhere(serial)) {
                        bartender.tentacleAvailable(serial);
                    }
                }
                continue;
            }
            lastEvent = event.get().nanos();
            book(event.get());
        }
        return new Result(stopped, decisions.values(), Arrays.stream(latency.values()).mapToDouble(n -> n / 1e6).toArray(), deadlineReached);
    }

    private void probeIfDue() {
        if (healthEvery == null || stopped || draining) {
            return;
        }
        java.time.Instant now = backend.clock().instant();
        if (nextHealth == null) {
            nextHealth = now.plus(healthEvery);
            return;
        }
        if (now.isBefore(nextHealth)) {
            return;
        }
        nextHealth = now.plus(healthEvery);
        for (testbed.model.Tentacle t : bartender.health().probeCandidates()) {
            if (backend.startProbe(t)) {
                bartender.health().probing(t.serial());
                probing++;
            }
        }
    }

    private int probing;

    private void book(EngineEvent event) {
        if (event instanceof EngineEvent.BuildFinished b) {
            Firmware fw = b.firmware();
            firmware.built(fw.boardVariant(), b.problem().isEmpty());
            if (b.problem().isEmpty()) {
                bartender.firmwareReady(fw.boardVariant());
            } else {
                bartender.firmwareFailed(fw.boardVariant());
            }
            listener.buildFinished(fw, b.problem(), backend.clock().instant());
        } else if (event instanceof EngineEvent.Plugged p) {
            if (p.present()) {
                bartender.pluggedIn(p.serial());
            } else {
                bartender.unplugged(p.serial());
            }
            listener.plugged(p.serial(), p.present());
        } else if (event instanceof EngineEvent.RunPrepared p) {
            bartender.prepared(p.testid());
        } else if (event instanceof EngineEvent.ProbeFinished p) {
            probing--;
            String change = bartender.health().probed(p.serial(), p.answered());
            if (!change.isEmpty()) {
                listener.probed(p.serial(), change);
            }
        } else if (event instanceof EngineEvent.RunFinished f) {
            bartender.completed(f.report().run(), f.report().outcome());
            f.report().firmware().forEach(bartender::firmwareObserved);
            if (f.report().isBusy()) {
                listener.runBusy(f.report());
            } else {
                listener.runFinished(f.report(), backend.clock().instant());
            }
        }
    }

    /** A growable array of longs: a session makes tens of thousands of decisions, boxing each would cost more than deciding. */
    private static final class Samples {
        private long[] values = new long[64];
        private int size;

        void add(long v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        long[] values() {
            return Arrays.copyOf(values, size);
        }
    }
}
