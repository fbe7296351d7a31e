package testbed.engine;

import java.time.Clock;
import java.util.Optional;
import testbed.model.Firmware;
import testbed.model.TestRun;

/**
 * Where a session's runs and builds happen. The {@link SessionEngine} decides; a backend carries out: the real lab
 * (worker threads, boards, the wall clock) or a simulated one (a simulated clock, estimated durations). Both report
 * back through {@link #awaitEvent}.
 */
public interface LabBackend {

    /** The clock the bartender schedules by: the wall clock, or the simulation's. */
    Clock clock();

    /** Starts a run; returns at once. Its end arrives later as {@link EngineEvent.RunFinished}. */
    void startRun(TestRun run);

    /** Starts building a firmware; returns at once. Its end arrives later as {@link EngineEvent.BuildFinished}. */
    void startBuild(Firmware firmware);

    /**
     * The next event. Empty when none came within the backend's poll interval (the engine then looks at tentacles
     * held by other sessions) or, for a simulation, when nothing is pending.
     */
    Optional<EngineEvent> awaitEvent() throws InterruptedException;

    /**
     * Starts a health probe of an idle tentacle (does its MicroPython answer?); its end arrives as
     * {@link EngineEvent.ProbeFinished}. False when the backend cannot probe (a simulated lab): nothing was started.
     */
    default boolean startProbe(testbed.model.Tentacle tentacle) {
        return false;
    }

    /** Whether another session has let go of this tentacle (the engine asks after a quiet poll interval). */
    boolean isFreeElsewhere(String serial);
}
