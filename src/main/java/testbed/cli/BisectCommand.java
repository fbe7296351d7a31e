package testbed.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import testbed.app.Bisect;
import testbed.app.Runs;
import testbed.config.Workspace;
import testbed.model.InvalidInputException;

/** {@code testbed bisect}: the first commit where a test fails on a board. */
@Command(name = "bisect", mixinStandardHelpOptions = true,
        description = {
            "Find the first commit between --good and --bad of a MicroPython repository where TEST fails on a board.",
            "Each step is a session on the commit: its tests and, where the board's firmware is built from the source, its firmware",
            "(built in the cache per commit). A commit that does not build is skipped, as git bisect skip does. The test runs",
            "--repeat times per step (a session each); one failure makes the commit bad. Steps are kept in results/bisect-<id>/ and reused",
            "when the same bisect runs again (an interrupted bisect resumes).",
            "Exit code 0 when the first bad commit was found, 1 when skipped commits leave several candidates.",
            "Example: testbed bisect --micropython https://github.com/micropython/micropython --good v1.27.0 --bad master "
                    + "--test basics/string_upperlow.py --board UNIX",
        })
final class BisectCommand implements Callable<Integer> {

    private final Workspace workspace;

    @Spec
    CommandSpec spec;

    @Option(names = "--good", required = true, paramLabel = "REF", description = "A commit, tag or branch where the test passes.")
    String good;

    @Option(names = "--bad", required = true, paramLabel = "REF", description = "A later one where it fails.")
    String bad;

    @Option(names = "--test", required = true, paramLabel = "TEST", description = "The test as results name it, e.g. basics/int_big_add.py.")
    String test;

    @Option(names = "--group", paramLabel = "LABEL", description = "The test group that runs it (default: by its folder: RUN-TESTS_STANDARD, "
            + "RUN-MULTITESTS_MULTINET for multi_net/, RUN-PERFBENCH for perf_bench/).")
    String group;

    @Option(names = "--board", paramLabel = "BOARD[-VARIANT]", description = "The board to bisect on (default: every selected board; one is enough).")
    String board;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "2", description = "Runs of the test per step (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--results", paramLabel = "DIR", description = "Where the bisect folder goes (default: results/ of the checkout).")
    java.nio.file.Path results;

    @Mixin
    SessionOptions session;

    BisectCommand(Workspace workspace) {
        this.workspace = workspace;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (session.selection.micropython == null) {
            throw new InvalidInputException("bisect: --micropython URL missing (the repository: a git URL or a local clone)");
        }
        if (repeat < 1) {
            throw new InvalidInputException("--repeat " + repeat + ": at least 1");
        }
        String remote = session.selection.micropython;
        session.selection.micropython = null;
        if (board != null) {
            session.selection.firmware.add(board);
        }
        List<String> line = new ArrayList<>(List.of("testbed", "bisect"));
        line.addAll(spec.commandLine().getParseResult().originalArgs());
        Runs.RunRequest request = session.request(workspace, Optional.empty(), line, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false, false);
        Bisect.Question q = new Bisect.Question(remote, good, bad, test, group != null ? group : Bisect.groupOf(test), repeat, request);
        java.nio.file.Path dir = Bisect.folder(results != null ? results : workspace.resultsDir(), q);
        Bisect.Result r = Bisect.run(workspace, q, dir, new Bisect.Listener() {
            @Override
            public testbed.session.SessionListener starting(String commit, String subject, int step, int remaining) {
                out.printf("== step %d (about %d left): %s %s ==%n", step, remaining, commit.substring(0, 12), subject);
                return new ConsoleProgress(out, System.console() != null);
            }

            @Override
            public void finished(Bisect.Step s) {
                out.printf(java.util.Locale.ROOT, "step %s %s: %s (%s)%s%n", s.commit().substring(0, 12), s.subject(), s.verdict().label(), s.why(),
                        s.reused() ? ", recorded before" : String.format(java.util.Locale.ROOT, ", %.0f s", s.seconds()));
            }

            @Override
            public void message(String text) {
                out.println("bisect: " + text);
            }
        }, Clock.systemUTC());
        out.println("steps:");
        r.steps().forEach(s -> out.printf("  %s %-4s %s%s%n", s.commit().substring(0, 12), s.verdict().label(), s.subject(), s.reused() ? " (recorded before)" : ""));
        out.println("bisect: " + dir.resolve("bisect.json"));
        if (r.firstBad().isPresent()) {
            Bisect.Step b = r.firstBad().get();
            out.printf("first bad commit: %s%n  %s%n  author: %s%n", b.commit(), b.subject(), b.author());
            return ExitCodes.OK;
        }
        out.println("first bad commit: one of " + String.join(" ", r.candidates()) + " (the others were skipped)");
        return ExitCodes.TESTS_FAILED;
    }
}
