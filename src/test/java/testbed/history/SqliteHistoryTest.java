package testbed.history;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The history contract on the embedded default. */
class SqliteHistoryTest extends HistoryContract {

    @TempDir
    Path dir;

    @Override
    String url() {
        return "jdbc:sqlite:" + dir.resolve("sub/history.sqlite");
    }
}
