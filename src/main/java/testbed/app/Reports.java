package testbed.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import testbed.config.Workspace;
import testbed.history.JdbcHistory;
import testbed.report.ReportWriter;
import testbed.results.AtomicJson;
import testbed.session.SessionFiles;
import testbed.session.SessionRecord;

/** {@code testbed report [SESSION]}: the reports of the latest or an archived session, from its files. */
public final class Reports {

    public record ReportRequest(Path results, Optional<String> session, Histories.Choice history) {}

    public record Written(SessionRecord session, Path dir) {}

    private Reports() {}

    public static Written write(Workspace workspace, ReportRequest request) {
        Path root = request.results();
        Path dir = root;
        if (request.session().isPresent()) {
            dir = isLatest(root, request.session().get()) ? root : root.resolve("archive").resolve(request.session().get());
        }
        SessionRecord record;
        try {
            record = SessionFiles.read(dir);
        } catch (testbed.model.InvalidInputException e) {
            throw new testbed.model.InvalidInputException(e.getMessage() + (request.session().isEmpty() ? " (run testbed run first)" : ""));
        }
        Optional<JdbcHistory> history = Histories.open(request.history(), workspace.settings());
        try {
            ReportWriter.write(record, dir, history.<testbed.history.History>map(h -> h));
        } finally {
            history.ifPresent(JdbcHistory::close);
        }
        return new Written(record, dir);
    }

    private static boolean isLatest(Path root, String session) {
        Path latest = root.resolve(SessionFiles.SUMMARY);
        try {
            return Files.isRegularFile(latest) && AtomicJson.MAPPER.readTree(latest.toFile()).path("session_id").asText().equals(session);
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
