package testbed.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import testbed.app.Compare;
import testbed.app.Runs;
import testbed.compare.Comparison;
import testbed.config.Workspace;
import testbed.model.InvalidInputException;
import testbed.model.MicroPythonSource;
import testbed.session.Verdict;

/** {@code testbed compare}: two MicroPython versions on the same boards, a report that leads with the difference. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {
            "What does the head change against the base, on the same boards?",
            "  testbed compare --base SOURCE --head SOURCE [run options]",
            "    runs both at once (they take turns on every tentacle), then runs again what newly fails, to confirm it;",
            "  testbed compare BASE_RESULTS HEAD_RESULTS",
            "    compares two recorded sessions' results folders.",
            "SOURCE as for run --micropython; --head URL@pull/N/head alone compares with the PR's merge base on --target.",
            "A newly failing test runs again (up to " + Compare.CONFIRM_RUNS + " times): failing every time it is a confirmed regression, else flaky.",
            "Writes compare.html, compare.md (a PR comment), compare.json, and the sessions base/, head/, confirm/.",
            "Exit code 1 when the head has confirmed regressions.",
            "Examples:",
            "  a PR against master:",
            "    testbed compare --head https://github.com/micropython/micropython@pull/12345/head --firmware UNIX",
            "  last night against tonight:",
            "    testbed compare results/archive/20261202-020000-1234 results",
            "  the commit that broke a test:",
            "    testbed bisect --micropython https://github.com/micropython/micropython --good v1.27.0 --bad master \\",
            "        --test basics/string_upperlow.py --board UNIX",
        })
final class CompareCommand implements Callable<Integer> {

    private final Workspace workspace;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..2", paramLabel = "RESULTS", description = "Two recorded sessions' results folders: base, then head.")
    List<Path> recorded = new ArrayList<>();

    @Option(names = "--base", paramLabel = "SOURCE", description = "The MicroPython to compare against (a checkout, a tarball, URL@REF).")
    String base;

    @Option(names = "--head", paramLabel = "SOURCE", description = "The MicroPython under review.")
    String head;

    @Option(names = "--target", paramLabel = "BRANCH", defaultValue = "master",
            description = "Without --base: the branch whose merge base with --head is the base (default: ${DEFAULT-VALUE}).")
    String target;

    @Option(names = "--results", paramLabel = "DIR", description = "The comparison's folder (default: results/compare-<time>).")
    Path results;

    @Mixin
    SessionOptions session;

    @Option(names = "--xfail", paramLabel = "FILE", description = "Known failures (JSON): matching failures count as xfail on both sides.")
    Path xfail;

    CompareCommand(Workspace workspace) {
        this.workspace = workspace;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Path dir = results != null ? results
                : workspace.resultsDir().resolve("compare-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        if (!recorded.isEmpty()) {
            if (recorded.size() != 2 || base != null || head != null) {
                throw new InvalidInputException("compare: give two results folders (base, head) or --base and --head, not both");
            }
            Compare.Result r = Compare.recorded(recorded.get(0), recorded.get(1), dir);
            return finish(r, out);
        }
        if (head == null) {
            throw new InvalidInputException("compare: --head SOURCE missing (or give two results folders)");
        }
        if (session.selection.micropython != null || session.selection.micropythonTests != null) {
            throw new InvalidInputException("compare: --micropython and --micropython-tests do not apply; the sources are --base and --head");
        }
        String baseSource = base;
        if (baseSource == null) {
            baseSource = testbed.app.MicroPython.mergeBase(head, target, workspace.settings());
            out.println("base: the merge base of " + head + " with " + target + ": " + baseSource);
        }
        List<String> line = new ArrayList<>(List.of("testbed", "compare"));
        line.addAll(spec.commandLine().getParseResult().originalArgs());
        Runs.RunRequest request = session.request(workspace, Optional.empty(), line, Optional.empty(), Optional.empty(), Optional.empty(), Optional.ofNullable(xfail), false, false);
        MicroPythonSource b = testbed.app.MicroPython.source(baseSource, workspace.settings());
        MicroPythonSource h = testbed.app.MicroPython.source(head, workspace.settings());
        Compare.Result r = Compare.run(workspace, request.withMicropython(b), request.withMicropython(h), dir, new Compare.Listener() {
            @Override
            public testbed.session.SessionListener starting(String step, Runs.RunRequest req) {
                out.println("== " + step + ": " + req.session().selection().micropython().map(MicroPythonSource::summary).orElse("") + " ==");
                // Base and head run at once: their lines are told apart by a prefix, and no live status line is shared.
                return new ConsoleProgress(PrefixedLines.of(out, "[" + step + "] "), false);
            }

            @Override
            public void message(String text) {
                out.println(text);
            }
        }, Clock.systemUTC());
        return finish(r, out);
    }

    private int finish(Compare.Result r, PrintWriter out) {
        if (r.comparison() == null) {
            out.println("compare: interrupted before both sides ran; their sessions are in " + r.dir());
            return ExitCodes.INTERRUPTED;
        }
        Comparison c = r.comparison();
        out.println("compare: " + c.verdict());
        for (Comparison.TestChange t : c.regressions()) {
            out.printf("  %-11s %s %s %s: %s -> %s%n", t.confirmation().label(), t.column(), t.testgroup(), t.test(), t.base(), t.head());
        }
        for (Comparison.PerfChange p : c.perf()) {
            out.printf(java.util.Locale.ROOT, "  %-11s %s %s %s: %+.1f%% (±%.1f%%)%n", p.worse() ? "worse" : "better", p.column(), p.name(), p.unit(),
                    p.changePercent(), p.errorPercent());
        }
        out.println("reports: " + r.dir().resolve("compare.html") + " (and compare.md, compare.json)");
        if (!c.confirmedRegressions().isEmpty()) {
            return ExitCodes.TESTS_FAILED;
        }
        boolean lab = r.sessions().stream().map(s -> s.session().verdict())
                .anyMatch(v -> v == Verdict.INFRASTRUCTURE_ERRORS || v == Verdict.NOTHING_RAN);
        return lab ? ExitCodes.INFRASTRUCTURE : ExitCodes.OK;
    }
}
