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
 * coordinator runs one, and every one reaps: there is no lock another client could hold to stop it. Two reapers never
 * lose one lease twice (a lease already lost no longer matches), and a lease row someone holds locked is skipped for
 * this pass, not waited for.
 */
final class Reaper implements Runnable {

    private static final Logger LOG = LogManager.getLogger(Reaper.class);

    private final QueueDb db;
    private final Duration every;
    private volatile boolean stopped;

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

    /** One pass. Returns how many leases it lost. */
    int reapOnce() throws SQLException {
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
                + "'HH24:MI:SS') FROM queue_host h WHERE h.host = l.host) || ' UTC') WHERE l.id IN (SELECT id FROM queue_lease WHERE " + where
                + " FOR UPDATE SKIP LOCKED) RETURNING l.id, l.session_id, l.testid, l.host")) {
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
