package testbed.history;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import testbed.model.LabException;

/** Opening a history database: what is checked before, and how the connection is set up. */
final class Connections {

    private Connections() {}

    /** Says at once, and in words, that a file is no SQLite database (SQLite itself answers "file is not a database" after Flyway's retries). */
    static void checkSqliteHeader(String url, Path file) throws java.io.IOException {
        if (!Files.isRegularFile(file) || Files.size(file) == 0) {
            return; // a new database
        }
        byte[] head = new byte[16];
        int n;
        try (var in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, 16);
        }
        if (n < 16 || !new String(head, 0, 15, java.nio.charset.StandardCharsets.ISO_8859_1).equals("SQLite format 3")) {
            throw new LabException("history " + JdbcHistory.redact(url) + ": " + file + " is not an SQLite database (corrupt, or another file): "
                    + "move it away to start a new history");
        }
    }

    /**
     * A connection; SQLite in WAL mode with a busy timeout, so a reader never blocks a write and a writer waits for
     * another's lock instead of failing at once.
     */
    static Connection connect(String url, String user, String password) throws SQLException {
        Connection c = DriverManager.getConnection(url, user, password);
        if (url.startsWith("jdbc:sqlite:")) {
            try (var st = c.createStatement()) {
                st.execute("PRAGMA busy_timeout = 5000");
                st.execute("PRAGMA journal_mode = WAL");
            }
        }
        return c;
    }
}
