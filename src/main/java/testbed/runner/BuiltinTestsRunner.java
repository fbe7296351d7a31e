package testbed.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import testbed.bartender.RunOutcome;
import testbed.model.RunnerSpec;

/**
 * Runs every {@code .py} of a suite on the DUT through the raw REPL, each in a fresh interpreter, and compares its
 * output with the {@code .exp} beside it. A test that prints {@code SKIP} is skipped (the board lacks the feature);
 * a mismatch keeps a diff in the attempt folder. No Python is needed on the host.
 */
public final class BuiltinTestsRunner implements TestRunner {

    private final RunnerSpec.BuiltinTests spec;

    public BuiltinTestsRunner(RunnerSpec.BuiltinTests spec) {
        this.spec = spec;
    }

    @Override
    public RunnerResult run(RunContext ctx) throws RunAborted {
        Path suite = ctx.specsDir().resolve(spec.suite());
        List<Path> scripts = BoardRunner.scripts(suite);
        ctx.log("builtin-tests " + spec.suite() + ": " + scripts.size() + " tests on " + ctx.dut().tentacle().label());
        List<TestResult> results = new ArrayList<>();
        Duration perTest = Duration.ofMillis(Math.round(spec.perTestTimeoutSeconds() * 1000));
        try (BoardRunner board = new BoardRunner(ctx.dut())) {
            for (Path script : scripts) {
                if (ctx.remaining().isZero()) {
                    throw new RunAborted(RunOutcome.InfraErrorKind.TIMEOUT, Set.of(), "group timeout of " + ctx.timeout().toSeconds() + " s reached");
                }
                String name = suite.getFileName() + "/" + script.getFileName();
                TestResult r = runOne(ctx, board, script, name, min(perTest, ctx.remaining()));
                results.add(r);
                ctx.log(String.format("%-40s %-7s %.2fs%s", name, r.outcome().label(), r.durationSeconds(),
                        r.reason().isEmpty() ? "" : "  " + r.reason()));
            }
        }
        return new RunnerResult(results, List.of(), Optional.empty(), Optional.empty());
    }

    private TestResult runOne(RunContext ctx, BoardRunner board, Path script, String name, Duration timeout) throws RunAborted {
        String code;
        String expected;
        try {
            code = Files.readString(script);
            Path exp = script.resolveSibling(script.getFileName().toString().replaceAll("\\.py$", ".exp"));
            if (!Files.isRegularFile(exp)) {
                return new TestResult(name, Outcome.ERROR, 0, "no " + exp.getFileName());
            }
            expected = Files.readString(exp);
        } catch (IOException e) {
            return new TestResult(name, Outcome.ERROR, 0, e.getMessage());
        }
        long t0 = System.nanoTime();
        BoardRunner.Exec exec;
        try {
            exec = board.run("# test: " + name + "\n" + code, timeout);
        } catch (RunAborted e) {
            throw e.during(name);
        }
        double took = (System.nanoTime() - t0) / 1e9;
        if (exec.timedOut()) {
            return new TestResult(name, Outcome.TIMEOUT, took, "no output for " + timeout.toSeconds() + " s; interrupted");
        }
        String actual = BoardRunner.normalize(exec.result().stdout() + exec.result().stderr());
        if (actual.strip().equals("SKIP")) {
            return new TestResult(name, Outcome.SKIPPED, took, "the test printed SKIP");
        }
        if (actual.equals(expected)) {
            return new TestResult(name, Outcome.PASSED, took, "");
        }
        String diff = Diff.unified(expected, actual, name + ".exp", name + ".out");
        try {
            Path out = ctx.attemptDir().resolve(name.replace('/', '_') + ".diff");
            Files.writeString(out, diff);
        } catch (IOException e) {
            // the reason below still says what differed
        }
        return new TestResult(name, Outcome.FAILED, took, Diff.firstDifference(expected, actual));
    }

    static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
