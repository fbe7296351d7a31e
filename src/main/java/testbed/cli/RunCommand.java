package testbed.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import testbed.bartender.DurationEstimator;
import testbed.config.Workspace;
import testbed.session.PlanRequest;
import testbed.session.Planner;
import testbed.session.Session;
import testbed.session.SessionRecorder;
import testbed.history.HistoryEstimator;
import testbed.history.JdbcHistory;
import testbed.report.ReportWriter;
import testbed.results.Xfail;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code testbed run}: flash and test the selected firmware on the lab, or print the plan with --dry-run. */
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
    LabOptions lab;

    @Mixin
    SelectionOptions selection;

    @Mixin
    SchedulingOptions scheduling;

    @Option(names = "--results", paramLabel = "DIR", description = "Results folder (default: results/ of the checkout).")
    Path results;

    @Option(names = "--python", paramLabel = "EXE", defaultValue = "${env:TESTBED_PYTHON:-python3}",
            description = "Python for the external runners (default: $TESTBED_PYTHON, else ${DEFAULT-VALUE}).")
    String python;

    /** False when the output is not the user's terminal (tests pass their own writer). */
    boolean interactive = true;

    @Mixin
    HistoryOptions history;

    @Option(names = "--no-history", description = "Do not record this session in the history (reports then show no trends).")
    boolean noHistory;

    @Option(names = "--xfail", paramLabel = "FILE", description = "Known failures (JSON, as results/xfail-template.json): matching failures count as xfail.")
    Path xfail;

    @Option(names = "--dry-run", description = "Print the plan: the runs in the order the bartender would start them with the estimated durations, then what would be left over and why.")
    boolean dryRun;

    RunCommand(Workspace workspace) {
        this.workspace = workspace;
    }

    @Override
    public Integer call() {
        PlanRequest request = new PlanRequest(lab.lab, selection.toRequest(),
                scheduling.toConfig(selection.referenceBoardSet()), PlanRequest.DEFAULT_FLASH_ESTIMATE);
        PrintWriter out = spec.commandLine().getOut();
        if (dryRun) {
            DurationEstimator estimator = estimator(null);
            if (!noHistory) {
                // The plan uses what the history knows about durations, like the real session does.
                try (JdbcHistory db = history.open(workspace)) {
                    estimator = estimator(db);
                } catch (testbed.model.LabException e) {
                    spec.commandLine().getErr().println("testbed: warning: planning with the specs' estimates: " + e.getMessage());
                }
            }
            Planner.Plan plan = Planner.plan(workspace, request, estimator);
            PlanRenderer.render(plan, request, out);
            return ExitCodes.OK;
        }
        Session.Request run = new Session.Request(lab.lab, selection.toRequest(), request.config(), scheduling.count,
                Optional.ofNullable(results), python, commandLine());
        boolean terminal = interactive && System.console() != null;
        Xfail known = xfail == null ? Xfail.NONE : Xfail.load(xfail);
        JdbcHistory db = noHistory ? null : history.open(workspace);
        try {
            Session.Result result = new Session(workspace, run, new ConsoleProgress(out, terminal), Clock.systemUTC(),
                    db == null ? SessionRecorder.NONE : db, estimator(db), known).run();
            try {
                ReportWriter.write(result.record(), result.resultsDir(), Optional.ofNullable(db));
                out.println("reports: " + result.resultsDir().resolve("report.html") + " (and report.md, junit.xml, summary.json, timing.txt)");
            } catch (RuntimeException e) {
                spec.commandLine().getErr().println("testbed: warning: cannot write the reports: " + e.getMessage());
            }
            return switch (result.verdict()) {
                case PASSED -> ExitCodes.OK;
                case TESTS_FAILED -> ExitCodes.TESTS_FAILED;
                case INFRASTRUCTURE_ERRORS, NOTHING_RAN -> ExitCodes.INFRASTRUCTURE;
                case INTERRUPTED -> ExitCodes.INTERRUPTED;
            };
        } finally {
            if (db != null) {
                db.close();
            }
        }
    }

    /** The history's durations where it has them, else the specs' estimates. */
    private static DurationEstimator estimator(JdbcHistory db) {
        return db == null ? DurationEstimator.fromSpecs() : HistoryEstimator.of(db.durations(), DurationEstimator.fromSpecs());
    }

    private List<String> commandLine() {
        List<String> line = new ArrayList<>();
        line.add("testbed");
        line.addAll(spec.commandLine().getParseResult().originalArgs());
        return line;
    }
}
