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
import testbed.model.MicroPythonSource;
import testbed.model.Requirement;
import testbed.board.BoardIdentity;
import testbed.lab.Dut;
import testbed.lab.IdentityProbe;
import testbed.source.MpyCross;

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
        Optional<String> missing = missingRequirement(ctx, env);
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
        List<TestResult> withoutUnittest = withoutUnittest(ctx, command);
        Path cwd = ctx.micropythonTests().filter(Files::isDirectory).orElse(ctx.attemptDir());
        Tail tail = new Tail(ctx.logStream());
        ToolRunner.Result r;
        try {
            r = ToolRunner.run(command, cwd, env, ctx.remaining(), tail);
        } catch (IOException e) {
            throw new RunAborted(RunOutcome.InfraErrorKind.RUNNER_FAILED, Set.of(), "cannot run " + command.get(0) + ": " + e.getMessage());
        }
        if (r.timedOut()) {
            throw new RunAborted(RunOutcome.InfraErrorKind.TIMEOUT, Set.of(), command.get(0) + " killed after " + ctx.timeout().toSeconds() + " s");
        }
        Path results = ctx.attemptDir().resolve("_results.json");
        if (Files.isRegularFile(results)) {
            // _results.json wins over the exit code: the runners exit 1 when tests fail, and sometimes oddly otherwise.
            try {
                List<TestResult> tests = new ArrayList<>(relative(ResultsJson.parse(results), ctx));
                tests.addAll(withoutUnittest);
                return new RunnerResult(tests, List.of(), Optional.empty(), Optional.of(r.exitCode()));
            } catch (IOException e) {
                throw new RunAborted(RunOutcome.InfraErrorKind.RUNNER_FAILED, Set.of(), "unreadable _results.json: " + e.getMessage());
            }
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
        String why = command.get(command.size() > 1 && command.get(0).contains("python") ? 1 : 0).replaceAll(".*/", "") + " exited " + r.exitCode()
                + " without writing _results.json: " + cause;
        if (BOARD_TROUBLE.matcher(tail.text()).find()) {
            throw new RunAborted(RunOutcome.InfraErrorKind.BOARD_LOST, Set.of(), why);
        }
        throw new RunAborted(RunOutcome.InfraErrorKind.RUNNER_FAILED, Set.of(), why);
    }

    /** What MicroPython's runners print when they lose the board (pyboard.py, pyserial): the board, not the runner, failed. */
    private static final java.util.regex.Pattern BOARD_TROUBLE = java.util.regex.Pattern.compile(
            "could not enter raw repl|PyboardError|SerialException|serial\\.serialutil|device reports readiness to read but returned no data");

    private static final String CANNOT_RUN = "Cannot run tests:";

    /** Why this run cannot run here (a requirement of the group that the host or a board lacks), or empty. */
    private Optional<String> missingRequirement(RunContext ctx, Map<String, String> env) {
        if (spec.command().get(0).equals("{python}") && testbed.process.Python.pyserialVersion(ctx.python()).isEmpty()) {
            return Optional.of("host prerequisite: " + ctx.python() + " cannot import serial (pyserial), which MicroPython's runners need: "
                    + "apt-get install python3-serial, or --python / $TESTBED_PYTHON (see testbed doctor)");
        }
        for (Requirement req : spec.requires()) {
            if (req instanceof Requirement.MpyCross) {
                Optional<Path> root = ctx.micropython().flatMap(MicroPythonSource::root);
                if (root.isEmpty()) {
                    return Optional.of("needs mpy-cross: give --micropython SOURCE (mpy-cross is built from it), not only a tests folder");
                }
                try {
                    env.put("MICROPY_MPYCROSS", MpyCross.ensure(root.get(), ctx.cacheDir(), ctx.logStream()).toString());
                } catch (MpyCross.Unavailable e) {
                    return Optional.of(e.getMessage());
                }
            } else if (req instanceof Requirement.NativeEmitter) {
                Optional<BoardIdentity> id = identity(ctx, ctx.dut());
                if (id.isPresent() && id.get().nativeArch().isEmpty()) {
                    return Optional.of("the target has no native code architecture (sys.implementation._mpy = " + id.get().mpy()
                            + "): no native emitter");
                }
            } else if (req instanceof Requirement.MicrosecondClock) {
                Optional<BoardIdentity> id = identity(ctx, ctx.dut());
                if (id.isPresent() && id.get().clockStep().orElse(1) > 100) {
                    return Optional.of("the board's time.ticks_us() moves in steps of " + id.get().clockStepUs() + " us: too coarse to time "
                            + "benchmarks (run-perfbench.py would divide by a zero time)");
                }
            } else if (req instanceof Requirement.Module m) {
                List<Dut> boards = new ArrayList<>(List.of(ctx.dut()));
                ctx.reference().ifPresent(boards::add);
                for (Dut board : boards) {
                    Optional<BoardIdentity> id = identity(ctx, board);
                    if (id.isPresent() && !id.get().modules().contains(m.name())) {
                        return Optional.of("the firmware of " + board.tentacle().label() + " has no '" + m.name() + "' module");
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** Boards asked in this attempt (a runner runs one attempt), so each requirement does not ask again. */
    private final Map<String, Optional<BoardIdentity>> probed = new HashMap<>();

    /** What the board reported when this attempt flashed or verified it; asked now, once, when the attempt did neither (--flash-skip). */
    private Optional<BoardIdentity> identity(RunContext ctx, Dut board) {
        BoardIdentity known = ctx.identities().get(board.tentacle().serial());
        return known != null ? Optional.of(known)
                : probed.computeIfAbsent(board.tentacle().serial(), s -> IdentityProbe.probe(board, java.time.Duration.ofSeconds(3)));
    }

    private static final java.util.regex.Pattern UNITTEST = java.util.regex.Pattern.compile("(?m)^\\s*(import unittest|from unittest )");
    /** The folders run-tests.py runs by default (and ports/ holds port tests that may not be selected): where an excluded test counts. */
    private static final Set<String> DEFAULT_DIRS = Set.of("basics", "micropython", "misc", "extmod", "stress", "float", "unicode", "inlineasm", "thread");

    /**
     * run-tests.py stops the whole run at the first test that imports unittest when the firmware has none ("error: test X
     * requires unittest"), e.g. a build from a source without micropython-lib. On such a board those tests are left out
     * ({@code --exclude}) and recorded as skipped with the reason, so the other tests still run. The command is changed in place.
     */
    private List<TestResult> withoutUnittest(RunContext ctx, List<String> command) {
        Optional<Path> tests = ctx.micropythonTests();
        if (tests.isEmpty() || command.stream().noneMatch(a -> a.endsWith("run-tests.py"))) {
            return List.of();
        }
        Optional<BoardIdentity> id = identity(ctx, ctx.dut());
        if (id.isEmpty() || id.get().modules().contains("unittest")) {
            return List.of();
        }
        Set<String> dirs = command.stream().filter(a -> a.startsWith("--test-dirs=") || a.startsWith("-d="))
                .flatMap(a -> java.util.Arrays.stream(a.substring(a.indexOf('=') + 1).split(","))).collect(java.util.stream.Collectors.toSet());
        List<TestResult> skipped = new ArrayList<>();
        try (Stream<Path> files = Files.walk(tests.get())) {
            for (Path f : files.filter(p -> p.toString().endsWith(".py")).sorted().toList()) {
                String rel = tests.get().relativize(f).toString();
                if (!UNITTEST.matcher(Files.readString(f)).find()) {
                    continue;
                }
                command.add("--exclude=^" + rel.replaceAll("([\\\\.^$*+?()\\[\\]{}|])", "\\\\$1") + "$"); // Python's re: no \\Q..\\E
                String top = rel.contains("/") ? rel.substring(0, rel.indexOf('/')) : rel;
                if (dirs.isEmpty() ? DEFAULT_DIRS.contains(top) : dirs.stream().anyMatch(d -> rel.startsWith(d + "/"))) {
                    skipped.add(new TestResult(rel, Outcome.SKIPPED, 0, "needs unittest, which the firmware lacks (left out: run-tests.py would stop the run)"));
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        ctx.log("the firmware has no unittest: " + skipped.size() + " tests that need it are left out and recorded as skipped");
        return skipped;
    }

    /** Test names relative to the tests folder: run-multitests.py writes absolute paths, run-tests.py relative ones. */
    private static List<TestResult> relative(List<TestResult> tests, RunContext ctx) {
        Optional<String> prefix = ctx.micropythonTests().map(p -> p.toAbsolutePath().normalize() + "/");
        if (prefix.isEmpty()) {
            return tests;
        }
        return tests.stream().map(t -> t.name().startsWith(prefix.get())
                ? new TestResult(t.name().substring(prefix.get().length()), t.outcome(), t.durationSeconds(), t.reason()) : t).toList();
    }

    /** Passes the runner's output to the attempt log and keeps its last few kilobytes, for the line that says why it stopped. */
    static final class Tail extends java.io.OutputStream {
        private final java.io.OutputStream out;
        private final byte[] ring = new byte[8192];
        private long written;

        Tail(java.io.OutputStream out) {
            this.out = out;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            ring[(int) (written++ % ring.length)] = (byte) b;
            out.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            for (int i = 0; i < len; i++) {
                ring[(int) (written++ % ring.length)] = b[off + i];
            }
            out.write(b, off, len);
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
