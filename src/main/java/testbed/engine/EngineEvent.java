package testbed.engine;

import java.util.Optional;
import testbed.model.Firmware;
import testbed.results.RunReport;

/** What a backend reports back to the engine. {@code nanos}: when it happened (System.nanoTime), for dispatch latency. */
public sealed interface EngineEvent {

    long nanos();

    record RunFinished(RunReport report, long nanos) implements EngineEvent {}

    /** A run's boards carry their firmware (flashed and verified, or found right): the run's USB-heavy part is over. */
    record RunPrepared(String testid, long nanos) implements EngineEvent {}

    /**
     * A tentacle's device vanished (unplugged, powered off) or came back: its run, if any, ends on its own as a lost
     * board; it gets no work while it is away.
     */
    record Plugged(String serial, boolean present, long nanos) implements EngineEvent {}

    /** A health probe of an idle tentacle ended: did MicroPython answer? */
    record ProbeFinished(String serial, boolean answered, long nanos) implements EngineEvent {}

    /** @param problem why the build failed; empty when it succeeded */
    record BuildFinished(Firmware firmware, Optional<String> problem, long nanos) implements EngineEvent {}
}
