package testbed.history;

import java.util.ArrayList;
import java.util.List;

/** Small statistics for series from the history. */
final class Stats {

    private Stats() {}

    static double mean(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }

    static double stddev(List<Double> v) {
        if (v.size() < 2) {
            return 0;
        }
        double m = mean(v);
        return Math.sqrt(v.stream().mapToDouble(x -> (x - m) * (x - m)).sum() / (v.size() - 1));
    }

    static double percentile(List<Double> v, double p) {
        if (v.isEmpty()) {
            return 0;
        }
        List<Double> sorted = new ArrayList<>(v);
        sorted.sort(null);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1 < 0 ? 0 : (int) Math.ceil(p * sorted.size()) - 1));
    }

    /**
     * Points that leave the noise band of the points before them (since the last change), judged once at least 3
     * earlier points exist. After a change the band starts again from there.
     */
    static List<Integer> changes(List<Double> v) {
        return changes(v, List.of());
    }

    /** @param spreads each point's own noise (relative stddev of its repeats, %); empty when unknown */
    static List<Integer> changes(List<Double> v, List<Double> spreads) {
        List<Integer> changes = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < v.size(); i++) {
            List<Double> before = v.subList(from, i);
            if (before.size() < 3) {
                continue;
            }
            double m = mean(before);
            if (Math.abs(v.get(i) - m) > band(before, spreads.isEmpty() ? List.of() : spreads.subList(from, i + 1))) {
                changes.add(i);
                from = i;
            }
        }
        return changes;
    }

    /**
     * The half-width of the noise band around the mean of {@code values}: the largest of 3σ between the points, 5 % of
     * the mean, and three times the points' own spread (the relative stddev of the repeats each point averages, as
     * run-perfbench.py reports it), so a benchmark that is noisy by nature does not cry wolf.
     */
    static double band(List<Double> values, List<Double> spreads) {
        double m = mean(values);
        double own = spreads.isEmpty() ? 0 : percentile(spreads, 0.5) / 100 * Math.abs(m);
        return Math.max(Math.max(3 * stddev(values), 0.05 * Math.abs(m)), 3 * own);
    }
}
