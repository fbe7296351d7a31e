package testbed.queue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.flywaydb.core.Flyway;
import testbed.model.InvalidInputException;
import testbed.model.LabException;

/**
 * One connection to the queue database, owned by one thread of work (JDBC connections are not for sharing), with the
 * schema migrated on open and a dropped connection replaced before the next statement.
 */
public final class QueueDb implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(QueueDb.class);

    /** The PostgreSQL schema of the queue's tables, beside the history's. */
    public static final String SCHEMA = "testbed_queue";

    /** A statement sequence run in one transaction. */
    public interface Work<T> {
        T in(Connection c) throws SQLException;
    }

    private final String url;
    private final String user;
    private final String password;
    private Connection connection;
    /** A statement failed: the connection may be gone. */
    private boolean suspect;

    private QueueDb(String url, String user, String password, Connection connection) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.connection = connection;
    }

    /** Opens the queue at {@code url} (jdbc:postgresql only), creating or upgrading its tables. */
    public static QueueDb open(String url, testbed.config.Settings settings) {
        return open(url, settings.historyUser().orElse(null), settings.historyPassword().orElse(null));
    }

    public static QueueDb open(String url, String user, String password) {
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new InvalidInputException("--queue: '" + redact(url) + "' is not a PostgreSQL URL (expected jdbc:postgresql://HOST/DB)");
        }
        try {
            // A schema of its own: the history's migrations own "public" and must not find strange tables there.
            Flyway flyway = Flyway.configure().dataSource(url, user, password).schemas(SCHEMA).locations("classpath:db/queue")
                    .table("queue_schema_history").loggers("log4j2").load();
            // Only the owner can migrate; under separate roles (testbed queue init) coordinators and agents just check.
            if (flyway.info().pending().length > 0) {
                try {
                    flyway.migrate();
                } catch (org.flywaydb.core.api.FlywayException e) {
                    throw new LabException("queue " + redact(url) + ": its tables need an upgrade this login may not make (" + firstLine(e.getMessage())
                            + "): run testbed queue init as the database's owner", e);
                }
            }
            return new QueueDb(url, user, password, connect(url, user, password));
        } catch (SQLException | org.flywaydb.core.api.FlywayException e) {
            throw new LabException("queue " + redact(url) + ": " + firstLine(e.getMessage()), e);
        }
    }

    /** Another connection to the same database (for a listener or a second thread). */
    public QueueDb another() {
        try {
            return new QueueDb(url, user, password, connect(url, user, password));
        } catch (SQLException e) {
            throw new LabException("queue " + redact(url) + ": " + firstLine(e.getMessage()), e);
        }
    }

    private static Connection connect(String url, String user, String password) throws SQLException {
        java.util.Properties p = new java.util.Properties();
        if (user != null) {
            p.setProperty("user", user);
        }
        if (password != null) {
            p.setProperty("password", password);
        }
        p.setProperty("currentSchema", SCHEMA);
        Connection c = DriverManager.getConnection(url, p);
        c.setAutoCommit(true);
        return c;
    }

    /** Runs {@code work} in one transaction; rolled back when it throws. */
    public synchronized <T> T tx(Work<T> work) throws SQLException {
        Connection c = connection();
        c.setAutoCommit(false);
        try {
            T result = work.in(c);
            c.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            if (e instanceof SQLException) {
                suspect = true; // checked before the next statement: a dropped connection is replaced then
            }
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // the connection is gone; the next call replaces it
            }
            throw e;
        } finally {
            try {
                c.setAutoCommit(true);
            } catch (SQLException ignored) {
                // as above
            }
        }
    }

    /** The connection, replaced first when the server dropped it (a restart, a cut network). */
    public synchronized Connection connection() throws SQLException {
        boolean valid;
        try {
            // A round trip to check costs as much as a claim: only after a failure is the connection asked whether it lives.
            valid = connection != null && !connection.isClosed() && (!suspect || connection.isValid(2));
        } catch (SQLException e) {
            valid = false;
        }
        suspect = false;
        if (!valid) {
            try {
                if (connection != null) {
                    connection.close();
                }
            } catch (SQLException e) {
                LOG.debug("closing a broken queue connection: {}", e.getMessage());
            }
            connection = null;
            connection = connect(url, user, password);
            LOG.info("queue {}: connected", redact(url));
        }
        return connection;
    }

    /** The caller saw this connection fail outside {@link #tx}: check it before its next use. */
    synchronized void suspect() {
        suspect = true;
    }

    public String url() {
        return redact(url);
    }

    @Override
    public synchronized void close() {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException e) {
            LOG.debug("closing the queue connection: {}", e.getMessage());
        }
    }

    public static String redact(String url) {
        return url.replaceAll("password=[^&]*", "password=***");
    }

    public static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }
}
