package testbed.queue;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * LISTEN on the queue's channels over a connection of its own. {@link #await} returns the payloads that arrived, or
 * nothing after the timeout: the caller then polls the tables anyway, so a lost notification (or a dropped
 * connection, replaced here) costs one poll interval, never a run.
 */
final class Notifications implements AutoCloseable {

    /** A lease was given to a host (payload: the host). */
    static final String HOST = "testbed_host";
    /** A lease of a session ended: done, lost or cancelled (payload: the session id). */
    static final String SESSION = "testbed_session";
    /** Tentacles were freed or a host came (back) online (payload: the host). */
    static final String FREED = "testbed_freed";

    private static final Logger LOG = LogManager.getLogger(Notifications.class);

    private final QueueDb db;
    private final Set<String> channels;
    private boolean listening;

    Notifications(QueueDb db, Set<String> channels) {
        this.db = db;
        this.channels = Set.copyOf(channels);
    }

    /** Payloads per channel, as {@code channel:payload}; empty after {@code timeoutMillis} without any. */
    List<String> await(int timeoutMillis) throws InterruptedException {
        List<String> out = new ArrayList<>();
        try {
            if (!listening) {
                try (var st = db.connection().createStatement()) {
                    for (String channel : channels) {
                        st.execute("LISTEN " + channel);
                    }
                }
                listening = true;
            }
            PGNotification[] got = db.connection().unwrap(PGConnection.class).getNotifications(timeoutMillis);
            if (got != null) {
                for (PGNotification n : got) {
                    out.add(n.getName() + ":" + n.getParameter());
                }
            }
        } catch (SQLException e) {
            listening = false; // a replaced connection listens again
            db.suspect();
            LOG.debug("queue notifications: {}", e.getMessage());
            Thread.sleep(Math.min(timeoutMillis, 1000));
        }
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        return out;
    }

    static void notify(java.sql.Connection c, String channel, String payload) throws SQLException {
        try (var st = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            st.setString(1, channel);
            st.setString(2, payload);
            st.execute();
        }
    }

    @Override
    public void close() {
        db.close();
    }
}
