package testbed.history;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import testbed.bartender.DurationEstimator;
import testbed.model.WorkKey;

/**
 * Durations from the history where it has them: the mean of the runs of that work key (group, board kind, variant,
 * role), else of that group on that board kind in any variant and role, else the spec's estimate. Longest-first and
 * the ETA get better with every session.
 */
public final class HistoryEstimator {

    private HistoryEstimator() {}

    public static DurationEstimator of(List<History.DurationStats> stats, DurationEstimator fallback) {
        Map<WorkKey, Double> exact = new HashMap<>();
        Map<WorkKey, double[]> anyVariant = new HashMap<>();
        for (History.DurationStats s : stats) {
            exact.put(s.key(), s.meanSeconds());
            double[] sum = anyVariant.computeIfAbsent(s.key().anyVariant(), k -> new double[2]);
            sum[0] += s.meanSeconds() * s.runs();
            sum[1] += s.runs();
        }
        return (spec, work) -> {
            Double seconds = exact.get(work);
            if (seconds == null) {
                double[] sum = anyVariant.get(work.anyVariant());
                seconds = sum == null || sum[1] == 0 ? null : sum[0] / sum[1];
            }
            return seconds == null ? fallback.estimate(spec, work) : Duration.ofMillis(Math.round(seconds * 1000));
        };
    }
}
