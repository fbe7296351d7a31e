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
     * Points that leave the noise band of the points before them (since the last change): mean ± max(3σ, 5 % of
     * the mean), judged once at least 3 earlier points exist. After a change the band starts again from there.
     */
    static List<Integer> changes(List<Double> v) {
        List<Integer> changes = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < v.size(); i++) {
            List<Double> before = v.subList(from, i);
            if (before.size() < 3) {
                continue;
            }
            double m = mean(before);
            double band = Math.max(3 * stddev(before), 0.05 * Math.abs(m));
            if (Math.abs(v.get(i) - m) > band) {
                changes.add(i);
                from = i;
            }
        }
        return changes;
    }
}
