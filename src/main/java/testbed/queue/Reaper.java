package testbed.queue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Turns expired leases into lost ones: a new epoch (the old host can no longer write), the tentacles freed, the
 * session told, which books an infrastructure error and requeues the work on an identical tentacle. Every
 * coordinator runs one; only the holder of one advisory lock reaps, so two never race for the same lease.
 */
final class Reaper implements Runnable {

    /** pg_advisory_lock key of the reaper: "testbed" and 1. */
    static final long LOCK = 0x7465737462656401L;

    private static final Logger LOG = LogManager.getLogger(Reaper.class);

    private final QueueDb db;
    private final Duration every;
    private volatile boolean stopped;
    private boolean holding;

    Reaper(QueueDb db, Duration every) {
        this.db = db;
        this.every = every;
    }

    @Override
    public void run() {
        while (!stopped) {
            try {
                reapOnce();
            } catch (SQLException e) {
                holding = false; // a replaced connection holds no lock
                db.suspect();
                LOG.debug("reaper: {}", e.getMessage());
            }
            try {
                Thread.sleep(every.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One pass, if this process holds the reaper's lock (taken when free). Returns how many leases it lost. */
    int reapOnce() throws SQLException {
        Connection c = db.connection();
        if (!holding) {
            try (var st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_try_advisory_lock(" + LOCK + ")")) {
                holding = rs.next() && rs.getBoolean(1);
            }
            if (!holding) {
                return 0;
            }
        }
        return db.tx(tx -> {
            int lost = lose(tx, "state IN ('assigned', 'running') AND expires_at < now()", null, null);
            try (PreparedStatement st = tx.prepareStatement("UPDATE queue_host SET state = 'lost' WHERE state = 'online' "
                    + "AND last_seen < now() - make_interval(secs => lease_seconds) RETURNING host")) {
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        LOG.warn("host {} is silent past its lease: its tentacles are not offered until it is back", rs.getString(1));
                    }
                }
            }
            return lost;
        });
    }

    /**
     * Loses the leases {@code where} selects (with {@code param} as its one parameter, if any): state lost, a new
     * epoch, the tentacles freed, their sessions notified. {@code error}: why; null for "expired" with the host's
     * last heartbeat.
     */
    static int lose(Connection c, String where, String param, String error) throws SQLException {
        List<Long> ids = new ArrayList<>();
        Set<String> sessions = new LinkedHashSet<>();
        try (PreparedStatement st = c.prepareStatement("UPDATE queue_lease l SET state = 'lost', epoch = nextval('queue_epoch'), ended_at = now(), "
                + "error = COALESCE(?, 'lease expired: host ' || l.host || ' silent since ' || (SELECT to_char(h.last_seen AT TIME ZONE 'UTC', "
                + "'HH24:MI:SS') FROM queue_host h WHERE h.host = l.host) || ' UTC') WHERE " + where + " RETURNING l.id, l.session_id, l.testid, l.host")) {
            st.setString(1, error);
            if (param != null) {
                st.setString(2, param);
            }
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                    sessions.add(rs.getString(2));
                    LOG.warn("lease {} of {} on host {} lost", rs.getLong(1), rs.getString(3), rs.getString(4));
                }
            }
        }
        Leases.free(c, ids);
        for (String s : sessions) {
            Notifications.notify(c, Notifications.SESSION, s);
        }
        return ids.size();
    }

    void stop() {
        stopped = true;
    }

    void close() {
        db.close();
    }
}
