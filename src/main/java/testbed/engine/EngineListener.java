package testbed.engine;

import java.time.Instant;
import java.util.Optional;
import testbed.model.Firmware;
import testbed.model.TestRun;
import testbed.results.RunReport;

/** What the engine tells the session around it (records, console, the plan's timeline). Every call is on the engine's thread. */
public interface EngineListener {

    default void runStarted(TestRun run, Instant at) {}

    /** A run ended (not a busy one: see {@link #runBusy}). */
    default void runFinished(RunReport report, Instant at) {}

    /** A run could not start because another session holds one of its tentacles; the bartender waits for it. */
    default void runBusy(RunReport report) {}

    default void buildStarted(Firmware firmware, Instant at) {}

    default void buildFinished(Firmware firmware, Optional<String> problem, Instant at) {}

    /** A health probe changed a tentacle's standing: {@code change} is "quarantined" or "taken back". */
    default void probed(String serial, String change) {}

    /** A tentacle's device vanished ({@code present} false) or came back. */
    default void plugged(String serial, boolean present) {}

    /** Every run that can start now has been started: a good moment for slow work (rewriting records). */
    default void dispatched() {}

    /** Fans one event out to several listeners, in order. */
    static EngineListener all(EngineListener... listeners) {
        return new EngineListener() {
            @Override
            public void runStarted(TestRun run, Instant at) {
                for (EngineListener l : listeners) {
                    l.runStarted(run, at);
                }
            }

            @Override
            public void runFinished(RunReport report, Instant at) {
                for (EngineListener l : listeners) {
                    l.runFinished(report, at);
                }
            }

            @Override
            public void runBusy(RunReport report) {
                for (EngineListener l : listeners) {
                    l.runBusy(report);
                }
            }

            @Override
            public void buildStarted(Firmware firmware, Instant at) {
                for (EngineListener l : listeners) {
                    l.buildStarted(firmware, at);
                }
            }

            @Override
            public void buildFinished(Firmware firmware, Optional<String> problem, Instant at) {
                for (EngineListener l : listeners) {
                    l.buildFinished(firmware, problem, at);
                }
            }

            @Override
            public void plugged(String serial, boolean present) {
                for (EngineListener l : listeners) {
                    l.plugged(serial, present);
                }
            }

            @Override
            public void probed(String serial, String change) {
                for (EngineListener l : listeners) {
                    l.probed(serial, change);
                }
            }

            @Override
            public void dispatched() {
                for (EngineListener l : listeners) {
                    l.dispatched();
                }
            }
        };
    }
}
