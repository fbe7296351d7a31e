package testbed.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import testbed.config.Workspace;
import testbed.history.JdbcHistory;
import testbed.model.InvalidInputException;
import testbed.report.ReportWriter;
import testbed.results.AtomicJson;
import testbed.session.SessionRecord;

/** {@code testbed report [SESSION]}: (re)write the reports of the latest or an archived session. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write report.html, report.md, junit.xml, summary.json, timing.txt and xfail-template.json of a session "
                + "(default: the latest in results/; SESSION: one under results/archive/).")
final class ReportCommand implements Callable<Integer> {

    private final Workspace workspace;

    @Spec
    CommandSpec spec;

    @Mixin
    HistoryOptions history;

    @Parameters(arity = "0..1", paramLabel = "SESSION", description = "A session id, as in results/archive/<id> or testbed history sessions.")
    String session;

    @Option(names = "--results", paramLabel = "DIR", description = "Results folder (default: results/ of the checkout).")
    Path results;

    @Option(names = "--no-history", description = "Reports without trends, without opening the history.")
    boolean noHistory;

    ReportCommand(Workspace workspace) {
        this.workspace = workspace;
    }

    @Override
    public Integer call() throws IOException {
        Path root = results != null ? results : workspace.resultsDir();
        Path dir = root;
        if (session != null) {
            Path latest = root.resolve("session.json");
            boolean isLatest = Files.isRegularFile(latest) && AtomicJson.MAPPER.readTree(latest.toFile()).path("session_id").asText().equals(session);
            dir = isLatest ? root : root.resolve("archive").resolve(session);
        }
        Path file = dir.resolve("session.json");
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException(file + ": no such session record" + (session == null ? " (run testbed run first)" : ""));
        }
        SessionRecord record;
        try {
            record = AtomicJson.MAPPER.readValue(file.toFile(), SessionRecord.class);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new InvalidInputException(file + ": not a session record: " + e.getOriginalMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (noHistory) {
            ReportWriter.write(record, dir, Optional.empty());
        } else {
            try (JdbcHistory h = history.open(workspace)) {
                ReportWriter.write(record, dir, Optional.of(h));
            }
        }
        out.println("reports of session " + record.sessionId() + " written to " + dir + ": " + String.join(", ", ReportWriter.FILES));
        return ExitCodes.OK;
    }
}
