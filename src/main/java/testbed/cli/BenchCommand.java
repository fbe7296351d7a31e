package testbed.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import testbed.bartender.SchedulingPolicy;
import testbed.bench.DecisionBenchmark;

/** {@code testbed bench}: measurements that must not live in timed unit tests. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks of the scheduler.",
        subcommands = {BenchCommand.Decide.class})
final class BenchCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing benchmark: decide");
    }

    @Command(name = "decide", mixinStandardHelpOptions = true,
            description = "Median and p99 time of one scheduling decision over whole simulated sessions of a synthetic lab.")
    static final class Decide implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--tentacles", defaultValue = "200", description = "Tentacles (default: ${DEFAULT-VALUE}).")
        int tentacles;

        @Option(names = "--specs", defaultValue = "20", description = "Test groups (default: ${DEFAULT-VALUE}).")
        int specs;

        @Option(names = "--variants", defaultValue = "4", description = "Variants per board (default: ${DEFAULT-VALUE}).")
        int variants;

        @Option(names = "--sessions", defaultValue = "5", description = "Measured sessions after 3 warm-up sessions (default: ${DEFAULT-VALUE}).")
        int sessions;

        @Option(names = "--policy", defaultValue = "TESTBED", description = "Scheduling policy: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
        SchedulingPolicy policy;

        @Override
        public Integer call() {
            var r = DecisionBenchmark.run(tentacles, specs, variants, 3, sessions, policy);
            PrintWriter out = spec.commandLine().getOut();
            out.printf("decision time, %d tentacles x %d specs x %d variants, policy %s, %d decisions:%n",
                    r.tentacles(), r.specs(), r.variants(), policy, r.decisions());
            out.printf("  median %.1f us, p99 %.1f us, max %.1f us%n", r.medianMicros(), r.p99Micros(), r.maxMicros());
            return ExitCodes.OK;
        }
    }
}
