package testbed.cli;

import picocli.CommandLine.Option;
import testbed.config.Workspace;
import testbed.history.JdbcHistory;

/** Where the history lives: {@code --history URL}, else {@code $TESTBED_HISTORY}, else SQLite in the state folder. */
final class HistoryOptions {

    @Option(names = "--history", paramLabel = "JDBC_URL", defaultValue = "${env:TESTBED_HISTORY}",
            description = "History database: jdbc:sqlite:FILE or jdbc:postgresql://HOST/DB (user and password from $TESTBED_HISTORY_USER "
                    + "and $TESTBED_HISTORY_PASSWORD). Default: $TESTBED_HISTORY, else jdbc:sqlite:<state dir>/history.sqlite.")
    String url;

    String url(Workspace workspace) {
        return url != null && !url.isBlank() ? url : "jdbc:sqlite:" + workspace.stateDir().resolve("history.sqlite");
    }

    JdbcHistory open(Workspace workspace) {
        String u = url(workspace);
        if (!u.startsWith("jdbc:sqlite:") && !u.startsWith("jdbc:postgresql:")) {
            throw new testbed.model.InvalidInputException("--history: '" + u + "' is not a jdbc:sqlite: or jdbc:postgresql: URL");
        }
        return JdbcHistory.open(u);
    }
}
