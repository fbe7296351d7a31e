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
    /** What this attempt needs of the host and the boards, asked once. */
    private final Prerequisites prerequisites;

    public ExternalRunner(RunnerSpec.External spec) {
        this.spec = spec;
        this.prerequisites = new Prerequisites(spec);
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
            if (arg.equals("{perftest_args}")) {
                command.addAll(ctx.dut().tentacle().perftestArgs());
                continue;
            }
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
        Map<String, String> env = new HashMap<>(spec.env());
        env.put("PYTHONUNBUFFERED", "1");
        Optional<String> missing = prerequisites.missing(ctx, env);
        if (missing.isPresent()) {
            ctx.log("skipped: " + missing.get());
            return RunnerResult.skipped(missing.get());
        }
        List<String> command;
        try {
            command = command(ctx);
        } catch (BoardIoException e) {
            throw new RunAborted(RunOutcome.InfraErrorKind.BOARD_LOST, Set.of(), e.getMessage());
        }
        List<TestResult> leftOut = prerequisites.leftOut(ctx, command);
        Path cwd = prerequisites.workDir().orElseGet(() -> ctx.micropythonTests().filter(Files::isDirectory).orElse(ctx.attemptDir()));
        Tail tail = new Tail(ctx.logStream());
        ToolRunner.Result r;
        try {
            r = ToolRunner.run(asOnMicroPythonsCi(command), cwd, env, ctx.remaining(), tail);
        } catch (IOException e) {
            throw new RunAborted(RunOutcome.InfraErrorKind.RUNNER_FAILED, Set.of(), "cannot run " + command.get(0) + ": " + e.getMessage());
        }
        if (r.timedOut()) {
            throw new RunAborted(RunOutcome.InfraErrorKind.TIMEOUT, Set.of(), command.get(0) + " killed after " + ctx.timeout().toSeconds() + " s");
        }
        Path results = ctx.attemptDir().resolve("_results.json");
        if (Files.isRegularFile(results)) {
            // _results.json wins over exit code 1 (the runners exit 1 when tests fail); exit code 2 is the runner's own failure.
            List<TestResult> tests;
            try {
                tests = new ArrayList<>(prerequisites.withNatmodReasons(canonical(ResultsJson.parse(results), ctx)));
            } catch (IOException e) {
                throw new RunAborted(RunOutcome.InfraErrorKind.RUNNER_FAILED, Set.of(), "unreadable _results.json: " + e.getMessage());
            }
            tests.addAll(leftOut);
            if (tail.saw(GaveUp.MARKER)) {
                // run-tests.py stopped on this board part way: what it never reached is listed as not run, never silently missing.
                int reported = tests.size();
                tests.addAll(GaveUp.notRun(command, cwd, env, ctx, tests));
                throw new RunAborted(RunOutcome.InfraErrorKind.BOARD_LOST, Set.of(ctx.dut().tentacle().serial()),
                        "run-tests.py gave up on the board after repeated raw REPL failures: " + (tests.size() - reported) + " of " + tests.size()
                                + " tests not run", tests);
            }
            if (r.exitCode() == 2) {
                throw new RunAborted(RunOutcome.InfraErrorKind.RUNNER_FAILED, Set.of(), runnerName(command) + " exited 2, its own failure: "
                        + tail.lastLine(), tests);
            }
            // run-perfbench.py's numbers are in its output, not in _results.json: they become the run's measurements.
            List<Measurement> measurements = List.of();
            if (command.stream().anyMatch(a -> a.endsWith("run-perfbench.py"))) {
                try {
                    measurements = PerfbenchOutput.parse(ctx.attemptDir().resolve("testresults.txt"));
                } catch (IOException e) {
                    throw new RunAborted(RunOutcome.InfraErrorKind.INTERNAL, Set.of(), "cannot read the benchmark numbers: " + e.getMessage(), tests);
                }
            }
            return new RunnerResult(tests, measurements, Optional.empty(), Optional.of(r.exitCode()));
        }
        // A runner that declines the target says so on its last line (run-natmodtests.py: "Cannot run tests: the target
        // does not support dynamic modules"): the group is skipped with the runner's reason, it did not fail.
        String last = tail.lastLine();
        if (last.startsWith(CANNOT_RUN)) {
            return new RunnerResult(List.of(), List.of(), Optional.of(last.substring(CANNOT_RUN.length()).strip()), Optional.of(r.exitCode()));
        }
        // No results: the runner itself failed (a syntax error in it, a crash, exit code 2), which says nothing of the firmware.
        // The board is blamed only where the runner says it lost it.
        String cause = last.isEmpty() ? "see testresults.txt" : last;
        String why = runnerName(command) + " exited " + r.exitCode() + " without writing _results.json: " + cause;
        if (BOARD_TROUBLE.matcher(tail.text()).find()) {
            throw new RunAborted(RunOutcome.InfraErrorKind.BOARD_LOST, Set.of(), why);
        }
        throw new RunAborted(RunOutcome.InfraErrorKind.RUNNER_FAILED, Set.of(), why);
    }

    /**
     * The runner with at most 1024 open files, as MicroPython's CI runs it ({@code ulimit -n 1024}): a test without an
     * .exp file is compared with CPython's output, and extmod/select_poll_fd.py's expects poll() to fail past that limit.
     */
    static List<String> asOnMicroPythonsCi(List<String> command) {
        if (!Files.isExecutable(Path.of("/bin/sh"))) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("/bin/sh", "-c", "ulimit -n 1024 2>/dev/null; exec \"$@\"", "sh"));
        wrapped.addAll(command);
        return wrapped;
    }

    /** The runner's file name (the script after the interpreter). */
    private static String runnerName(List<String> command) {
        return command.get(command.size() > 1 && command.get(0).contains("python") ? 1 : 0).replaceAll(".*/", "");
    }

    /** What MicroPython's runners print when they lose the board (pyboard.py, pyserial): the board, not the runner, failed. */
    private static final java.util.regex.Pattern BOARD_TROUBLE = java.util.regex.Pattern.compile(
            "could not enter raw repl|PyboardError|SerialException|serial\\.serialutil|device reports readiness to read but returned no data");

    private static final String CANNOT_RUN = "Cannot run tests:";

    /**
     * Test names in the runners' canonical form, as run-tests.py writes them since v1.28.0: relative to the tests folder with
     * forward slashes ({@code basics/int_big.py}). run-multitests.py and v1.27.0's run-tests.py write the path they were given.
     */
    static List<TestResult> canonical(List<TestResult> tests, RunContext ctx) {
        return canonical(tests, ctx.micropythonTests());
    }

    static List<TestResult> canonical(List<TestResult> tests, Optional<Path> testsDir) {
        Optional<String> prefix = testsDir.map(p -> p.toAbsolutePath().normalize().toString().replace('\\', '/') + "/");
        return tests.stream().map(t -> {
            String name = t.name().replace('\\', '/');
            if (prefix.isPresent() && name.startsWith(prefix.get())) {
                name = name.substring(prefix.get().length());
            }
            while (name.startsWith("./")) {
                name = name.substring(2);
            }
            return name.equals(t.name()) ? t : new TestResult(name, t.outcome(), t.durationSeconds(), t.reason());
        }).toList();
    }

    /** Passes the runner's output to the attempt log and keeps its last few kilobytes, for the line that says why it stopped. */
    static final class Tail extends java.io.OutputStream {
        private final java.io.OutputStream out;
        private final byte[] ring = new byte[8192];
        private long written;
        /** The current line, for {@link #saw}: a marker early in a long output is gone from the ring by the end. */
        private final StringBuilder line = new StringBuilder();
        private final Set<String> seen = new java.util.HashSet<>();

        Tail(java.io.OutputStream out) {
            this.out = out;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            keep((byte) b);
            out.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            for (int i = 0; i < len; i++) {
                keep(b[off + i]);
            }
            out.write(b, off, len);
        }

        private void keep(byte b) {
            ring[(int) (written++ % ring.length)] = b;
            if (b == '\n') {
                if (line.indexOf(GaveUp.MARKER) >= 0) {
                    seen.add(GaveUp.MARKER);
                }
                line.setLength(0);
            } else if (line.length() < 512) {
                line.append((char) (b & 0xff));
            }
        }

        /** Whether a whole line of the output contained this marker (one of the markers this class knows). */
        synchronized boolean saw(String marker) {
            return seen.contains(marker);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        /** The kept output. */
        synchronized String text() {
            int n = (int) Math.min(written, ring.length);
            byte[] buf = new byte[n];
            for (int i = 0; i < n; i++) {
                buf[i] = ring[(int) ((written - n + i) % ring.length)];
            }
            return new String(buf, java.nio.charset.StandardCharsets.UTF_8);
        }

        synchronized String lastLine() {
            int n = (int) Math.min(written, ring.length);
            byte[] buf = new byte[n];
            for (int i = 0; i < n; i++) {
                buf[i] = ring[(int) ((written - n + i) % ring.length)];
            }
            String[] lines = new String(buf, java.nio.charset.StandardCharsets.UTF_8).strip().split("\r?\n");
            for (int i = lines.length - 1; i >= 0; i--) {
                String line = lines[i].strip();
                // Past the transcript's trailer (ToolRunner's return code and duration): the tool's own last line.
                if (!line.isEmpty() && !line.matches("returncode=-?\\d+|duration=[0-9.]+s|TIMEOUT after .*")) {
                    return line;
                }
            }
            return "";
        }
    }
}
