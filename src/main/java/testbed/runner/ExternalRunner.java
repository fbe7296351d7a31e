package testbed.runner;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import testbed.bartender.RunOutcome;
import testbed.board.BoardIoException;
import testbed.process.ToolRunner;
import testbed.model.RunnerSpec;

/**
 * Runs one of MicroPython's own runners (run-tests.py, run-perfbench.py, run-multitests.py, run-natmodtests.py) the
 * way the anchor does: the boards as {@code port:<tty>} instances, {@code --result-dir} in the attempt folder, the
 * outcomes from its {@code _results.json}. Exit codes 0 and 1 both mean "the tests ran".
 */
public final class ExternalRunner implements TestRunner {

    private final RunnerSpec.External spec;

    public ExternalRunner(RunnerSpec.External spec) {
        this.spec = spec;
    }

    /** The command with placeholders filled and globs expanded; public so the plan can show it. */
    public List<String> command(RunContext ctx) throws BoardIoException {
        Map<String, String> values = new HashMap<>();
        values.put("{python}", ctx.python());
        ctx.micropythonTests().ifPresent(t -> values.put("{tests}", t.toString()));
        values.put("{dut}", ctx.dut().port());
        if (ctx.reference().isPresent()) {
            values.put("{reference}", ctx.reference().get().port());
            values.put("{instance0}", ctx.instancePort(0));
            values.put("{instance1}", ctx.instancePort(1));
        }
        values.put("{resultdir}", ctx.attemptDir().toString());
        List<String> command = new ArrayList<>();
        for (String arg : spec.command()) {
            String filled = arg;
            for (var v : values.entrySet()) {
                filled = filled.replace(v.getKey(), v.getValue());
            }
            command.addAll(glob(filled));
        }
        return command;
    }

    /** An argument with * or ? becomes the sorted matching files; no match leaves it as it is (the tool will say). */
    static List<String> glob(String arg) {
        if (!arg.contains("*") && !arg.contains("?")) {
            return List.of(arg);
        }
        Path pattern = Path.of(arg);
        Path dir = pattern.getParent() == null ? Path.of(".") : pattern.getParent();
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern.getFileName());
        try (Stream<Path> files = Files.isDirectory(dir) ? Files.list(dir) : Stream.empty()) {
            List<String> matches = files.filter(p -> matcher.matches(p.getFileName())).map(Path::toString).sorted().toList();
            return matches.isEmpty() ? List.of(arg) : matches;
        } catch (IOException e) {
            return List.of(arg);
        }
    }

    @Override
    public RunnerResult run(RunContext ctx) throws RunAborted {
        List<String> command;
        try {
            command = command(ctx);
        } catch (BoardIoException e) {
            throw new RunAborted(RunOutcome.InfraErrorKind.BOARD_LOST, Set.of(), e.getMessage());
        }
        Path cwd = ctx.micropythonTests().filter(Files::isDirectory).orElse(ctx.attemptDir());
        Map<String, String> env = new HashMap<>(spec.env());
        env.put("PYTHONUNBUFFERED", "1");
        ToolRunner.Result r;
        try {
            r = ToolRunner.run(command, cwd, env, ctx.remaining(), ctx.logStream());
        } catch (IOException e) {
            return error("cannot run " + command.get(0) + ": " + e.getMessage(), Optional.empty());
        }
        if (r.timedOut()) {
            throw new RunAborted(RunOutcome.InfraErrorKind.TIMEOUT, Set.of(), command.get(0) + " killed after " + ctx.timeout().toSeconds() + " s");
        }
        Path results = ctx.attemptDir().resolve("_results.json");
        if (Files.isRegularFile(results)) {
            // _results.json wins over the exit code: the runners exit 1 when tests fail, and sometimes oddly otherwise.
            try {
                return new RunnerResult(ResultsJson.parse(results), List.of(), Optional.empty(), Optional.of(r.exitCode()));
            } catch (IOException e) {
                return error("unreadable _results.json: " + e.getMessage(), Optional.of(r.exitCode()));
            }
        }
        if (r.exitCode() == 0 || r.exitCode() == 1) {
            return error(command.get(0) + " exited " + r.exitCode() + " without writing _results.json", Optional.of(r.exitCode()));
        }
        return error(command.get(0) + " exited " + r.exitCode() + " (see testresults.txt)", Optional.of(r.exitCode()));
    }

    private RunnerResult error(String why, Optional<Integer> code) {
        return new RunnerResult(List.of(new TestResult("(runner)", Outcome.ERROR, 0, why)), List.of(), Optional.empty(), code);
    }
}
