package testbed.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
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
import testbed.app.Runs;
import testbed.config.Workspace;

/** {@code testbed run}: options → one {@link Runs.RunRequest}; the session's verdict → an exit code. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {
            "Flash and test the selected firmware on the lab's tentacles.",
            "Whenever a tentacle is free or a firmware becomes ready, the TestBartender starts the most urgent run it can;",
            "results go to results/, the session to the history, and the reports are written at the end.",
        })
final class RunCommand implements Callable<Integer> {

    private final Workspace workspace;

    @Spec
    CommandSpec spec;

    @Mixin
    SessionOptions session;

    @Mixin
    ResultsOptions results;

    @Option(names = "--xfail", paramLabel = "FILE", description = "Known failures (JSON, as results/xfail-template.json): matching failures count as xfail.")
    Path xfail;

    @Option(names = "--dry-run", description = "Print the plan: the runs in the order the bartender would start them with the estimated durations, then what would be left over and why.")
    boolean dryRun;

    @Option(names = "--report-every", paramLabel = "DURATION", description = "Rewrite report.html and summary.json this often while the "
            + "session runs (e.g. 10m), so a browser on the results folder shows progress.")
    String reportEvery;

    @Option(names = "--health-every", paramLabel = "DURATION", description = "Probe each idle tentacle this often (e.g. 30m): one that does not "
            + "answer is quarantined before it eats a run, one that answers again is taken back.")
    String healthEvery;

    @Option(names = "--notify", paramLabel = "CMD", description = "At the end, run this shell command with the path of summary.json appended, "
            + "when something changed since the last comparable session (or a board needs attention).")
    String notify;

    @Option(names = "--notify-always", description = "With --notify: notify after every session, changed or not.")
    boolean notifyAlways;

    @Option(names = "--queue", paramLabel = "JDBC_URL", description = "Coordinate the agents of this queue (jdbc:postgresql://HOST/DB) "
            + "instead of this host's boards: the lab is every tentacle of a live testbed agent.")
    String queue;

    @Option(names = "--host-timeout", paramLabel = "DURATION", defaultValue = "10m",
            description = "With --queue: a lab host silent this long is given up; its tentacles' work moves to identical ones elsewhere or is "
                    + "left over as offline (default: ${DEFAULT-VALUE}).")
    String hostTimeout;

    @Option(names = "--probe", description = "With --dry-run: connect the lab and ask each board what it runs, so the plan starts from the boards' real state.")
    boolean probe;

    /** False when the output is not the user's terminal (tests pass their own writer). */
    boolean interactive = true;

    RunCommand(Workspace workspace) {
        this.workspace = workspace;
    }

    /**
     * The request these options make, without running it: for {@code run} itself, for each round of a nightly plan
     * (checked before the first round starts) and for resuming a session recorded before requests were.
     */
    Runs.RunRequest request(boolean resume) {
        return session.request(workspace, Optional.ofNullable(results.dir), commandLine(), Optional.ofNullable(reportEvery), Optional.ofNullable(healthEvery),
                Optional.ofNullable(queue), Optional.ofNullable(xfail), probe, resume)
                .withHostTimeout(testbed.app.TimeBox.duration("--host-timeout", hostTimeout == null ? "10m" : hostTimeout));
    }

    /** {@code testbed run}'s options parsed from {@code args} (a nightly round's, or an old session's command line): nothing runs. */
    static RunCommand parse(Workspace workspace, List<String> args) {
        picocli.CommandLine cl = new picocli.CommandLine(new RunCommand(workspace), new Testbed.WorkspaceFactory(workspace));
        try {
            cl.parseArgs(args.toArray(String[]::new));
        } catch (picocli.CommandLine.ParameterException e) {
            throw new testbed.model.InvalidInputException(e.getMessage());
        }
        RunCommand run = cl.getCommand();
        run.parsedArgs = List.copyOf(args);
        return run;
    }

    /** The arguments this command was parsed from, when {@link #parse} made it (the spec has none then). */
    private List<String> parsedArgs;

    @Override
    public Integer call() {
        Runs.RunRequest request = request(false);
        PrintWriter out = spec.commandLine().getOut();
        if (dryRun) {
            PlanRenderer.render(Runs.plan(workspace, request), request, out);
            return ExitCodes.OK;
        }
        Runs.RunResult r = Runs.run(workspace, request, new ConsoleProgress(out, interactive && System.console() != null), Clock.systemUTC());
        return finish(r, out, spec.commandLine().getErr());
    }

    /** The end of a session on the console (reports, notify, the history's state) and its exit code: for run, resume and nightly alike. */
    int finish(Runs.RunResult r, PrintWriter out, PrintWriter err) {
        return finish(r, out, err, Optional.ofNullable(notify), notifyAlways);
    }

    static int finish(Runs.RunResult r, PrintWriter out, PrintWriter err, Optional<String> notify, boolean notifyAlways) {
        if (r.session().resultsProblem().isPresent()) {
            // One line, as for every lab error; the runs that finished are in the history.
            err.printf("testbed: lab error: results folder full: %s (%s); %d finished runs recorded in the history%n",
                    r.session().resultsDir(), firstLine(r.session().resultsProblem().get()), r.session().record().runs().size());
            return ExitCodes.INFRASTRUCTURE;
        }
        r.reportProblem().ifPresentOrElse(
                p -> err.println("testbed: warning: cannot write the reports: " + p),
                () -> out.println("reports: " + r.session().resultsDir().resolve("report.html") + " (and report.md, junit.xml, summary.json, timing.txt)"));
        if (notify.isPresent()) {
            var sent = testbed.app.Notify.after(r.session().resultsDir(), notify.get(), notifyAlways);
            out.println("notify: " + sent.why());
        }
        var h = r.session().history();
        if (!h.upToDate()) {
            err.printf("testbed: history: %d run%s not yet recorded (%s); journal kept at %s; replay with: testbed history import %s%n",
                    h.runsBehind(), h.runsBehind() == 1 ? "" : "s", h.lastError(), r.session().resultsDir(), r.session().resultsDir());
        }
        return ExitCodes.of(r.session().verdict(), h.upToDate());
    }

    private static String firstLine(String s) {
        return s.lines().findFirst().orElse("").replaceAll("^.*?: (?=No space left on device)", "");
    }

    private List<String> commandLine() {
        List<String> line = new ArrayList<>();
        line.add("testbed");
        if (parsedArgs != null) {
            line.add("run");
            line.addAll(parsedArgs);
        } else {
            line.addAll(spec.commandLine().getParseResult().originalArgs());
        }
        return line;
    }
}
