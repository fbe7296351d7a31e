package testbed.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import testbed.bartender.RunOutcome;
import testbed.model.RunnerSpec;

/**
 * Benchmarks timed on the board: each script defines {@code bench(n)}; the runner calls it between two
 * {@code time.ticks_us()} readings, once per parameter and {@code repeat} times, and records the median as a
 * measurement ({@code <script>:<n>}, microseconds). A script that prints SKIP, or runs out of memory, is skipped.
 */
public final class BuiltinPerfbenchRunner implements TestRunner {

    private static final Pattern TIME = Pattern.compile("TIME (\\d+)");
    private final RunnerSpec.BuiltinPerfbench spec;

    public BuiltinPerfbenchRunner(RunnerSpec.BuiltinPerfbench spec) {
        this.spec = spec;
    }

    @Override
    public RunnerResult run(RunContext ctx) throws RunAborted {
        Path suite = ctx.specsDir().resolve(spec.suite());
        List<Path> scripts = BoardRunner.scripts(suite);
        List<Integer> params = spec.params().isEmpty() ? List.of(100) : spec.params();
        ctx.log("builtin-perfbench " + spec.suite() + ": " + scripts.size() + " benchmarks x " + params + " x " + spec.repeat() + " on "
                + ctx.dut().tentacle().label());
        List<TestResult> tests = new ArrayList<>();
        List<Measurement> measurements = new ArrayList<>();
        try (BoardRunner board = new BoardRunner(ctx.dut())) {
            for (Path script : scripts) {
                String code;
                try {
                    code = Files.readString(script);
                } catch (IOException e) {
                    tests.add(new TestResult(script.getFileName().toString(), Outcome.ERROR, 0, e.getMessage()));
                    continue;
                }
                String base = suite.getFileName() + "/" + script.getFileName();
                for (int n : params) {
                    String name = base + ":" + n;
                    long t0 = System.nanoTime();
                    double[] micros = new double[spec.repeat()];
                    TestResult failure = null;
                    for (int i = 0; i < spec.repeat() && failure == null; i++) {
                        if (ctx.remaining().isZero()) {
                            throw new RunAborted(RunOutcome.InfraErrorKind.TIMEOUT, Set.of(), "group timeout reached");
                        }
                        String program = "# test: " + base + "\n" + code + "\nimport time\n_t0 = time.ticks_us()\nbench(" + n
                                + ")\nprint('TIME', time.ticks_diff(time.ticks_us(), _t0))\n";
                        BoardRunner.Exec exec;
                        try {
                            exec = board.run(program, BuiltinTestsRunner.min(Duration.ofSeconds(60), ctx.remaining()));
                        } catch (RunAborted e) {
                            throw e.during(base);
                        }
                        String out = exec.result().stdout() + exec.result().stderr();
                        Matcher m = TIME.matcher(out);
                        if (exec.timedOut()) {
                            failure = new TestResult(name, Outcome.TIMEOUT, 0, "interrupted after 60 s");
                        } else if (out.strip().startsWith("SKIP") || out.contains("MemoryError")) {
                            failure = new TestResult(name, Outcome.SKIPPED, 0, out.contains("MemoryError") ? "MemoryError" : "the benchmark printed SKIP");
                        } else if (!m.find() || exec.result().raised()) {
                            failure = new TestResult(name, Outcome.FAILED, 0, exec.result().raised() ? exec.result().exceptionLine() : "no TIME line");
                        } else {
                            micros[i] = Double.parseDouble(m.group(1));
                        }
                    }
                    double took = (System.nanoTime() - t0) / 1e9;
                    if (failure != null) {
                        tests.add(new TestResult(name, failure.outcome(), took, failure.reason()));
                        ctx.log(String.format("%-40s %s  %s", name, failure.outcome().label(), failure.reason()));
                        continue;
                    }
                    Arrays.sort(micros);
                    double median = micros[micros.length / 2];
                    measurements.add(new Measurement(name, median, "us"));
                    tests.add(new TestResult(name, Outcome.PASSED, took, ""));
                    ctx.log(String.format("%-40s %10.0f us  (min %.0f, max %.0f, %d runs)", name, median, micros[0], micros[micros.length - 1],
                            micros.length));
                }
            }
        }
        return new RunnerResult(tests, measurements, Optional.empty(), Optional.empty());
    }
}
