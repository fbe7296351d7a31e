package testbed.bench;

import java.time.Duration;
import java.util.Set;
import java.util.SplittableRandom;
import testbed.bartender.DurationEstimator;
import testbed.bartender.RunOutcome;
import testbed.model.Firmware;
import testbed.model.Tentacle;
import testbed.model.TestRun;
import testbed.model.TestRunSpec;
import testbed.model.WorkKey;
import testbed.simulation.DurationModel;

/**
 * The benchmark's simulated lab. Every random draw is a pure function of (seed, what is drawn), never of the order
 * of draws: a work item takes exactly as long under every policy, whichever identical tentacle runs it, so two
 * policies are compared on the same lab and the lower bound can use the same numbers.
 */
final class ModelDurations implements DurationModel {

    private final LabModel lab;
    private final long seed;
    private final int count;

    ModelDurations(LabModel lab, long seed, int count) {
        this.lab = lab;
        this.seed = seed;
        this.count = Math.max(1, count);
    }

    /** What the scheduler knows beforehand: the mean per (group, board kind), as history would tell it. */
    DurationEstimator estimator() {
        return (spec, work) -> seconds(mean(spec, work.kind()));
    }

    double mean(TestRunSpec spec, String kind) {
        return lab.baseSeconds().getOrDefault(spec.label(), spec.estimatedDurationSeconds().orElse(60)) * lab.speed().getOrDefault(kind, 1.0);
    }

    /** Identifies a work item independent of the tentacle that runs it: the draws below are seeded by it. */
    static String itemKey(TestRun run) {
        WorkKey k = run.workKey(); // the same text as ever: every draw, so every benchmarked lab, stays as it was
        return k.testgroup() + "|" + k.kind() + "|" + k.boardVariant().variant() + "|" + k.role().name();
    }

    /** The test time of a run that ran (no infrastructure error): attempts until one passes, at most {@code --count}. */
    double ranSeconds(TestRun run) {
        String key = itemKey(run);
        double total = 0;
        for (int attempt = 0; attempt < count; attempt++) {
            total += mean(run.spec(), run.dut().tag()) * factor(key + "|attempt" + attempt);
            if (!failed(key, attempt)) {
                break;
            }
        }
        return total;
    }

    private boolean failed(String key, int attempt) {
        return uniform(key + "|fail" + attempt) < lab.pFail();
    }

    private boolean infraError(TestRun run) {
        return uniform(itemKey(run) + "|infra" + run.requeues()) < lab.pInfra();
    }

    @Override
    public Duration test(TestRun run) {
        if (infraError(run)) {
            // A lost board or a timeout ends the attempt somewhere in the middle.
            return seconds(mean(run.spec(), run.dut().tag()) * (0.2 + 0.8 * uniform(itemKey(run) + "|infraAt" + run.requeues())));
        }
        return seconds(ranSeconds(run));
    }

    @Override
    public Duration flash(Tentacle tentacle) {
        return seconds(flashSeconds(tentacle) * factor("flash|" + tentacle.serial()));
    }

    double flashSeconds(Tentacle tentacle) {
        return lab.flashSeconds().getOrDefault(tentacle.programmer().name(), 30.0);
    }

    /** The smallest flash time a tentacle of this programmer can have. */
    double minFlashSeconds(Tentacle tentacle) {
        return flashSeconds(tentacle) * (1 - lab.spread());
    }

    @Override
    public Duration build(Firmware firmware) {
        return seconds(buildSeconds(firmware));
    }

    double buildSeconds(Firmware firmware) {
        return firmware.needsBuild() ? firmware.build().orElseThrow().estimatedSeconds() * factor("build|" + firmware.boardVariant().name()) : 0;
    }

    @Override
    public RunOutcome outcome(TestRun run) {
        if (infraError(run)) {
            return new RunOutcome.InfraError(RunOutcome.InfraErrorKind.BOARD_LOST, Set.of(), "simulated infrastructure error");
        }
        String key = itemKey(run);
        int last = 0;
        while (last < count - 1 && failed(key, last)) {
            last++;
        }
        return new RunOutcome.Ran(failed(key, last));
    }

    private double factor(String what) {
        return 1 + lab.spread() * (2 * uniform(what) - 1);
    }

    private double uniform(String what) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ what.hashCode() * 0xC2B2AE3D27D4EB4FL).nextDouble();
    }

    private static Duration seconds(double s) {
        return Duration.ofMillis(Math.round(s * 1000));
    }
}
