package testbed.simulation;

import java.time.Duration;
import testbed.bartender.DurationEstimator;
import testbed.bartender.RunOutcome;
import testbed.model.Firmware;
import testbed.model.Tentacle;
import testbed.model.TestRun;

/** What the simulated lab does: how long tests, flashes and builds take, and how runs end. */
public interface DurationModel {

    Duration test(TestRun run);

    Duration flash(Tentacle tentacle);

    Duration build(Firmware firmware);

    RunOutcome outcome(TestRun run);

    /** The plan's model: every run takes its estimate, a flash as long as its tentacle's programmer takes, everything succeeds. */
    static DurationModel estimates(DurationEstimator estimator) {
        return estimates(estimator, null);
    }

    /** Every run takes its estimate, every flash {@code flash} (null: as long as the programmer takes), everything succeeds. */
    static DurationModel estimates(DurationEstimator estimator, Duration flash) {
        return new DurationModel() {
            @Override
            public Duration test(TestRun run) {
                return estimator.estimate(run.spec(), run.workKey());
            }

            @Override
            public Duration flash(Tentacle tentacle) {
                return flash != null ? flash : tentacle.programmer().typicalFlash();
            }

            @Override
            public Duration build(Firmware firmware) {
                return Duration.ofMillis(Math.round(firmware.build().map(b -> b.estimatedSeconds()).orElse(0.0) * 1000));
            }

            @Override
            public RunOutcome outcome(TestRun run) {
                return new RunOutcome.Ran(false);
            }
        };
    }
}
