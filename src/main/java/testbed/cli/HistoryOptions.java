package testbed.cli;

import java.util.Optional;
import picocli.CommandLine.Option;
import testbed.app.Histories;

/** {@code --history}, declared once: where the history lives. */
final class HistoryOptions {

    @Option(names = "--history", paramLabel = "JDBC_URL",
            description = "History database: jdbc:sqlite:FILE or jdbc:postgresql://HOST/DB (user and password from $TESTBED_HISTORY_USER "
                    + "and $TESTBED_HISTORY_PASSWORD). Default: $TESTBED_HISTORY, else jdbc:sqlite:<state dir>/history.sqlite.")
    String url;

    Histories.Choice choice() {
        return new Histories.Choice(true, Optional.ofNullable(url).filter(u -> !u.isBlank()));
    }
}
