package testbed.runner;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import testbed.bartender.RunOutcome;
import testbed.board.BoardIoException;
import testbed.lab.Dut;
import testbed.model.RunnerSpec;

/**
 * Two-board tests in the spirit of MicroPython's run-multitests.py, with testbed's own protocol. A test file defines
 * {@code instance0()} and {@code instance1()}; each runs on one board (the DUT is instance0 in role instance0, the
 * reference in role instance1). The host injects a {@code multitest} helper and relays between the boards:
 * <ul>
 *   <li>{@code multitest.next()}: a barrier; prints NEXT and waits for the host's GO, sent when every running
 *       instance has reached it (or finished);
 *   <li>{@code multitest.broadcast(msg)} / {@code multitest.wait(msg)}: the host forwards BROADCAST lines;
 *   <li>{@code multitest.globals(k=v)}: the host forwards SET lines, which set globals on the other board;
 *   <li>{@code multitest.skip()}: prints SKIP.
 * </ul>
 * Protocol lines are not part of the output compared with the {@code .exp}, which holds both instances' output under
 * {@code --- instance0 ---} and {@code --- instance1 ---}.
 */
public final class BuiltinMultitestRunner implements TestRunner {

    static final String HELPER = String.join("\n",
            "import sys",
            "class multitest:",
            "    @staticmethod",
            "    def _read():",
            "        line = ''",
            "        while True:",
            "            c = sys.stdin.read(1)",
            "            if c == '\\n' or c == '':",
            "                return line",
            "            if c != '\\r':",
            "                line += c",
            "    @staticmethod",
            "    def _sync(expect):",
            "        while True:",
            "            line = multitest._read()",
            "            if line == expect:",
            "                return",
            "            if line.startswith('SET '):",
            "                k, v = line[4:].split(' = ', 1)",
            "                globals()[k] = eval(v)",
            "    @staticmethod",
            "    def next():",
            "        print('NEXT')",
            "        multitest._sync('GO')",
            "    @staticmethod",
            "    def broadcast(msg):",
            "        print('BROADCAST', msg)",
            "    @staticmethod",
            "    def wait(msg):",
            "        multitest._sync('BROADCAST ' + msg)",
            "    @staticmethod",
            "    def globals(**kw):",
            "        for k in kw:",
            "            print('SET', k, '=', repr(kw[k]))",
            "    @staticmethod",
            "    def skip():",
            "        print('SKIP')",
            "        raise SystemExit",
            "    @staticmethod",
            "    def get_network_ip():",
            "        return '127.0.0.1'",
            "");

    private final RunnerSpec.BuiltinMultitest spec;

    public BuiltinMultitestRunner(RunnerSpec.BuiltinMultitest spec) {
        this.spec = spec;
    }

    @Override
    public RunnerResult run(RunContext ctx) throws RunAborted {
        Path suite = ctx.specsDir().resolve(spec.suite());
        List<Path> scripts = BoardRunner.scripts(suite);
        Dut first = ctx.run().role() == testbed.model.Role.INSTANCE1 ? ctx.reference().orElseThrow() : ctx.dut();
        Dut second = first == ctx.dut() ? ctx.reference().orElseThrow() : ctx.dut();
        ctx.log("builtin-multitest " + spec.suite() + ": " + scripts.size() + " tests, instance0 on " + first.tentacle().label()
                + ", instance1 on " + second.tentacle().label());
        List<TestResult> results = new ArrayList<>();
        Duration perTest = Duration.ofMillis(Math.round(spec.perTestTimeoutSeconds() * 1000));
        try (BoardRunner b0 = new BoardRunner(first); BoardRunner b1 = new BoardRunner(second)) {
            for (Path script : scripts) {
                if (ctx.remaining().isZero()) {
                    throw new RunAborted(RunOutcome.InfraErrorKind.TIMEOUT, Set.of(), "group timeout reached");
                }
                String name = suite.getFileName() + "/" + script.getFileName();
                TestResult r;
                try {
                    r = runOne(ctx, List.of(b0, b1), script, name, BuiltinTestsRunner.min(perTest, ctx.remaining()));
                } catch (RunAborted e) {
                    throw e.during(name);
                }
                results.add(r);
                ctx.log(String.format("%-40s %-7s %.2fs%s", name, r.outcome().label(), r.durationSeconds(),
                        r.reason().isEmpty() ? "" : "  " + r.reason()));
            }
        }
        return new RunnerResult(results, List.of(), Optional.empty(), Optional.empty());
    }

    /** One instance's progress through the exec: stdout until the first 0x04, stderr until the second. */
    private static final class Instance {
        final BoardRunner board;
        final ByteArrayOutputStream line = new ByteArrayOutputStream();
        final StringBuilder output = new StringBuilder();
        final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int sections;
        boolean waiting;

        Instance(BoardRunner board) {
            this.board = board;
        }

        boolean done() {
            return sections >= 2;
        }
    }

    private TestResult runOne(RunContext ctx, List<BoardRunner> boards, Path script, String name, Duration timeout) throws RunAborted {
        String code;
        String expected;
        try {
            code = Files.readString(script);
            expected = Files.readString(script.resolveSibling(script.getFileName().toString().replaceAll("\\.py$", ".exp")));
        } catch (IOException e) {
            return new TestResult(name, Outcome.ERROR, 0, "cannot read " + script.getFileName() + " or its .exp: " + e.getMessage());
        }
        long t0 = System.nanoTime();
        List<Instance> instances = new ArrayList<>();
        for (int i = 0; i < boards.size(); i++) {
            BoardRunner b = boards.get(i);
            try {
                b.session().ensureRawRepl(true);
                b.session().repl().execNoFollow("# test: " + name + "\n" + HELPER + code + "\ninstance" + i + "()\n");
            } catch (BoardIoException.Timeout e) {
                b.recoverFromTimeout(e);
                return new TestResult(name, Outcome.TIMEOUT, 0, "instance" + i + " did not start");
            } catch (BoardIoException e) {
                throw b.lost(e);
            }
            instances.add(new Instance(b));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (instances.stream().anyMatch(x -> !x.done())) {
            if (System.nanoTime() > deadline) {
                for (Instance x : instances) {
                    if (!x.done()) {
                        x.board.recoverFromTimeout(new BoardIoException.Timeout("multitest " + name + " took longer than " + timeout.toSeconds() + " s"));
                    }
                }
                return new TestResult(name, Outcome.TIMEOUT, timeout.toSeconds(), "no result within " + timeout.toSeconds() + " s; interrupted");
            }
            for (int i = 0; i < instances.size(); i++) {
                pump(instances, i);
            }
            release(instances);
        }
        double took = (System.nanoTime() - t0) / 1e9;
        StringBuilder actual = new StringBuilder();
        for (int i = 0; i < instances.size(); i++) {
            Instance x = instances.get(i);
            if (x.output.toString().strip().equals("SKIP")) {
                return new TestResult(name, Outcome.SKIPPED, took, "instance" + i + " printed SKIP");
            }
            actual.append("--- instance").append(i).append(" ---\n").append(BoardRunner.normalize(x.output.toString()))
                    .append(BoardRunner.normalize(x.stderr.toString(StandardCharsets.UTF_8)));
        }
        if (actual.toString().equals(expected)) {
            return new TestResult(name, Outcome.PASSED, took, "");
        }
        try {
            Files.writeString(ctx.attemptDir().resolve(name.replace('/', '_') + ".diff"), Diff.unified(expected, actual.toString(), name + ".exp", name + ".out"));
        } catch (IOException e) {
            // the reason still says what differed
        }
        return new TestResult(name, Outcome.FAILED, took, Diff.firstDifference(expected, actual.toString()));
    }

    /**
     * Reads what one instance printed and relays its protocol lines to the others. A board that fails here is the
     * one blamed: the reference losing its USB must not count against the DUT.
     */
    private static void pump(List<Instance> instances, int index) throws RunAborted {
        Instance x = instances.get(index);
        if (x.done()) {
            return;
        }
        byte[] data;
        try {
            data = x.board.session().repl().readSome(Duration.ofMillis(5));
        } catch (BoardIoException e) {
            throw x.board.lost(e);
        }
        for (byte b : data) {
            if (b == 0x04) {
                x.sections++;
                if (x.line.size() > 0) {
                    x.output.append(x.line.toString(StandardCharsets.UTF_8));
                    x.line.reset();
                }
            } else if (x.sections == 1) {
                x.stderr.write(b);
            } else if (x.sections == 0) {
                x.line.write(b);
                if (b == '\n') {
                    handleLine(instances, x, x.line.toString(StandardCharsets.UTF_8).replace("\r", "").replace("\n", ""));
                    x.line.reset();
                }
            }
            // after the second 0x04 comes the prompt '>', left for the next exec
        }
    }

    private static void handleLine(List<Instance> instances, Instance x, String line) throws RunAborted {
        if (line.equals("NEXT")) {
            x.waiting = true;
        } else if (line.startsWith("BROADCAST ") || line.startsWith("SET ")) {
            for (Instance other : instances) {
                if (other != x && !other.done()) {
                    send(other, line + "\n");
                }
            }
        } else {
            x.output.append(line).append('\n');
        }
    }

    /** The barrier: once every running instance waits at NEXT, all of them get GO. */
    /** Writes to one instance's stdin; if its board fails, that board is blamed. */
    private static void send(Instance to, String text) throws RunAborted {
        try {
            to.board.session().repl().writeStdin(text);
        } catch (BoardIoException e) {
            throw to.board.lost(e);
        }
    }

    private static void release(List<Instance> instances) throws RunAborted {
        boolean anyWaiting = false;
        for (Instance x : instances) {
            if (!x.done() && !x.waiting) {
                return;
            }
            anyWaiting |= x.waiting;
        }
        if (!anyWaiting) {
            return;
        }
        for (Instance x : instances) {
            if (x.waiting) {
                x.waiting = false;
                send(x, "GO\n");
            }
        }
    }
}
