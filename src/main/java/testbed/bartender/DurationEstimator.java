package testbed.bartender;

import java.time.Duration;
import testbed.model.TestRunSpec;
import testbed.model.WorkKey;

/** Expected duration of a spec on a tentacle: the spec's estimate today, the history's statistics once they exist. */
@FunctionalInterface
public interface DurationEstimator {

    Duration estimate(TestRunSpec spec, WorkKey work);

    /** The spec's {@code estimated_duration_s}, else half its timeout. */
    static DurationEstimator fromSpecs() {
        return (spec, work) -> Duration.ofMillis(Math.round(
                1000 * spec.estimatedDurationSeconds().orElse(spec.timeoutSeconds() / 2)));
    }
}
