package testbed.history;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import testbed.bartender.DurationEstimator;

/**
 * Durations from the history where it has them (the mean of the runs of that group on that board kind), else the
 * spec's estimate: longest-first and the ETA get better with every session.
 */
public final class HistoryEstimator {

    private HistoryEstimator() {}

    public static DurationEstimator of(List<History.DurationStats> stats, DurationEstimator fallback) {
        Map<String, Double> mean = new HashMap<>();
        for (History.DurationStats s : stats) {
            mean.put(s.testgroup() + "\t" + s.tag(), s.meanSeconds());
        }
        return (spec, dut) -> {
            Double seconds = mean.get(spec.label() + "\t" + dut.tag());
            return seconds == null ? fallback.estimate(spec, dut) : Duration.ofMillis(Math.round(seconds * 1000));
        };
    }
}
