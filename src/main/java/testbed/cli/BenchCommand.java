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
        subcommands = {BenchCommand.Decide.class, BenchCommand.Upload.class})
final class BenchCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing benchmark: decide or upload");
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

    @Command(name = "upload", mixinStandardHelpOptions = true,
            description = "Raw-REPL upload rate of a script vs the plain byte rate of the same board (default: 64 KiB on the first answering tentacle).")
    static final class Upload implements Callable<Integer> {
        private final testbed.config.Workspace workspace;

        @Spec
        CommandSpec spec;

        @picocli.CommandLine.Mixin
        LabOptions lab;

        @Option(names = "--tentacle", paramLabel = "LABEL|SERIAL", description = "The board to measure (default: the first that answers).")
        String tentacle;

        @Option(names = "--size", defaultValue = "65536", description = "Bytes per transfer (default: ${DEFAULT-VALUE}).")
        int size;

        @Option(names = "--repeat", defaultValue = "5", description = "Transfers of each kind; the median counts (default: ${DEFAULT-VALUE}).")
        int repeat;

        Upload(testbed.config.Workspace workspace) {
            this.workspace = workspace;
        }

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            try (var connected = testbed.lab.ConnectedLab.connect(workspace.lab(lab.lab), workspace)) {
                var found = connected.discovery().found().stream()
                        .filter(f -> tentacle == null ? f.identity().isPresent()
                                : f.dut().tentacle().label().equals(tentacle) || f.dut().tentacle().serial().equals(tentacle))
                        .findFirst()
                        .orElseThrow(() -> new testbed.model.LabException(tentacle == null ? "no tentacle answers: flash them first (testbed flash)"
                                : "tentacle " + tentacle + " not found"));
                testbed.bench.UploadBenchmark.Result r;
                try {
                    r = testbed.bench.UploadBenchmark.run(found.dut(), size, repeat);
                } catch (testbed.board.BoardIoException e) {
                    throw new testbed.model.LabException(found.dut().tentacle().label() + ": " + e.getMessage(), e);
                }
                out.printf("upload benchmark on %s (%s), %d bytes, median of %d:%n", found.dut().tentacle().label(), found.dut().describe(),
                        r.bytes(), r.repeats());
                out.printf(Double.isNaN(r.plainKiBps()) ? "  plain byte rate        n/a (the board has no sys.stdin)%n" : "  plain byte rate   %8.1f KiB/s%n",
                        r.plainKiBps());
                out.printf("  raw-REPL upload   %8.1f KiB/s (%s)%n", r.rawPasteKiBps(), r.rawPaste() ? "raw-paste" : "standard raw mode");
                if (!Double.isNaN(r.ratio())) {
                    out.printf("  ratio             %8.2f%n", r.ratio());
                }
                return ExitCodes.OK;
            }
        }
    }
}
