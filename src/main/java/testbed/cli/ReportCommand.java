package testbed.cli;

import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import testbed.app.Reports;
import testbed.config.Workspace;
import testbed.report.ReportWriter;

/** {@code testbed report [SESSION]}: (re)write the reports of the latest or an archived session. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write report.html, report.md, junit.xml, summary.json, timing.txt and xfail-template.json of a session "
                + "(default: the latest in results/; SESSION: one under results/archive/).")
final class ReportCommand implements Callable<Integer> {

    private final Workspace workspace;

    @Spec
    CommandSpec spec;

    @Mixin
    OptionalHistoryOptions history;

    @Mixin
    ResultsOptions results;

    @Parameters(arity = "0..1", paramLabel = "SESSION", description = "A session id, as in results/archive/<id> or testbed history sessions.")
    String session;

    ReportCommand(Workspace workspace) {
        this.workspace = workspace;
    }

    @Override
    public Integer call() {
        Reports.Written w = Reports.write(workspace, new Reports.ReportRequest(results.dir(workspace), Optional.ofNullable(session), history.choice()));
        spec.commandLine().getOut().println("reports of session " + w.session().sessionId() + " written to " + w.dir() + ": "
                + String.join(", ", ReportWriter.FILES));
        return ExitCodes.OK;
    }
}
