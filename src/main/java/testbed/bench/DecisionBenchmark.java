package testbed.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import testbed.bartender.BartenderConfig;
import testbed.bartender.DurationEstimator;
import testbed.bartender.SchedulingPolicy;
import testbed.model.BoardVariant;
import testbed.model.Firmware;
import testbed.simulation.DurationModel;
import testbed.engine.Bartenders;
import testbed.engine.EngineListener;
import testbed.engine.SessionEngine;
import testbed.selection.Selection;
import testbed.simulation.SimulatedLab;
import testbed.simulation.SimClock;

/**
 * Times single scheduling decisions ({@code TestBartender.next()}) over whole simulated sessions of a synthetic lab.
 * Several sessions run first to warm up the JIT; the figures come from the measured ones.
 */
public final class DecisionBenchmark {

    public record Result(int tentacles, int specs, int variants, int decisions, double medianMicros, double p99Micros, double maxMicros) {}

    private DecisionBenchmark() {}

    public static Result run(int tentacles, int specs, int variants, int warmups, int measured, SchedulingPolicy policy) {
        SyntheticLab lab = SyntheticLab.generate(tentacles, 4, specs, variants, 42);
        long[] all = new long[0];
        for (int i = 0; i < warmups + measured; i++) {
            long[] nanos = session(lab, policy).decisionNanos();
            if (i >= warmups) {
                long[] merged = Arrays.copyOf(all, all.length + nanos.length);
                System.arraycopy(nanos, 0, merged, all.length, nanos.length);
                all = merged;
            }
        }
        Arrays.sort(all);
        return new Result(lab.tentacles().size(), specs, variants, all.length, micros(all, 0.5), micros(all, 0.99), all[all.length - 1] / 1000.0);
    }

    static SessionEngine.Result session(SyntheticLab lab, SchedulingPolicy policy) {
        SimClock clock = new SimClock(Instant.EPOCH);
        BartenderConfig config = BartenderConfig.defaults().withJobs(0).withPolicy(policy);
        DurationEstimator estimator = DurationEstimator.fromSpecs();
        Map<BoardVariant, Firmware> catalog = lab.firmware().stream().collect(Collectors.toMap(bv -> bv, bv ->
                new Firmware(bv, bv.name(), java.nio.file.Path.of(bv.name()), java.util.Optional.of("0"), java.util.Optional.empty(),
                        java.nio.file.Path.of("synthetic"))));
        Selection selection = new Selection(lab.tentacles(), lab.tentacles(), lab.specs(), java.util.List.of());
        try {
            return Bartenders.of(config, clock, estimator, selection, catalog)
                    .engine(new SimulatedLab(clock, DurationModel.estimates(estimator, Duration.ofSeconds(30))), new EngineListener() { })
                    .run(Map.of());
        } catch (InterruptedException e) {
            throw new IllegalStateException("a simulation never waits", e);
        }
    }

    /** The quantile of sorted nanosecond timings, in microseconds. */
    static double micros(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.min(sorted.length - 1, Math.floor(quantile * (sorted.length - 1)));
        return sorted[index] / 1000.0;
    }
}
