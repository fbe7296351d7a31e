package testbed.queue;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import testbed.model.Tentacle;

/**
 * An agent's side of the queue: its host and tentacles, the heartbeat that keeps its leases, claiming the runs
 * leased to it, and shipping a run's results. Every write that ends a run names the lease's epoch: a lease the reaper
 * or the coordinator moved on accepts nothing more from this host (fencing).
 */
final class AgentQueue {

    /** A run leased to this host, claimed. */
    record Claim(long lease, long epoch, String session, Wire.Ticket ticket) {}

    private final QueueDb db;
    private final String host;
    private final Duration lease;

    AgentQueue(QueueDb db, String host, Duration lease) {
        this.db = db;
        this.host = host;
        this.lease = lease;
    }

    /**
     * Registers this host and what it found, replacing its earlier registration. Leases an earlier process of this
     * host still held are lost: that process is gone and so are its runs (their sessions hear of it now).
     */
    /**
     * What another live host already holds: a serial is one board on one host (a second claim would let one board
     * hold two leases), and tentacles that share a tag must be the same hardware on every host (else a run meant for
     * one could be flashed onto another). Either is refused with one line naming the other host.
     */
    private void refuseConflicts(java.sql.Connection c, List<Tentacle> tentacles) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT t.host, t.tentacle FROM queue_tentacle t JOIN queue_host h ON h.host = t.host WHERE "
                + Leases.LIVE + " AND t.host <> ? ORDER BY t.host, t.serial")) {
            st.setString(1, host);
            try (java.sql.ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    String other = rs.getString(1);
                    Tentacle theirs = Wire.read(rs.getString(2), Tentacle.class);
                    for (Tentacle ours : tentacles) {
                        if (ours.serial().equals(theirs.serial())) {
                            throw new testbed.model.LabException("queue: tentacle " + ours.label() + " (serial " + ours.serial() + ") is already served by "
                                    + "host " + other + ", which is live: one board, one host (stop that agent, or take the tentacle out of this lab file)");
                        }
                        if (ours.tag().equals(theirs.tag()) && !ours.sameHardwareAs(theirs)) {
                            throw new testbed.model.LabException("queue: tag " + ours.tag() + ": host " + other + "'s " + theirs.label() + " is "
                                    + hardware(theirs) + ", this lab file's " + ours.label() + " is " + hardware(ours)
                                    + ": tentacles that share a tag must be identical on every host");
                        }
                    }
                }
            }
        }
    }

    private static String hardware(Tentacle t) {
        return "board " + t.board() + " (" + t.port() + "), variants " + t.variants().stream().map(v -> v.isEmpty() ? "default" : v).toList()
                + ", " + new java.util.TreeSet<>(t.futs());
    }

    /** The lease's boards carry their firmware (flashed and verified): its flash slot is free for the coordinator's bartender. */
    void prepared(Claim claim) {
        try {
            db.tx(c -> {
                try (PreparedStatement st = c.prepareStatement("UPDATE queue_lease SET prepared_at = now() WHERE id = ? AND epoch = ?")) {
                    st.setLong(1, claim.lease());
                    st.setLong(2, claim.epoch());
                    st.executeUpdate();
                }
                return null;
            });
        } catch (SQLException e) {
            // The slot is given back when the run ends instead: later, never wrong.
            org.apache.logging.log4j.LogManager.getLogger(AgentQueue.class).warn("queue: cannot say lease {} is prepared: {}", claim.lease(), e.getMessage());
        }
    }

    int register(String lab, List<Tentacle> tentacles, Map<String, String> firmware) throws SQLException {
        return register(lab, tentacles, firmware, testbed.model.UsbLimits.NONE);
    }

    /** @param usb the USB limits of this host's lab file, for the coordinator's bartender */
    int register(String lab, List<Tentacle> tentacles, Map<String, String> firmware, testbed.model.UsbLimits usb) throws SQLException {
        return db.tx(c -> {
            refuseConflicts(c, tentacles);
            try (PreparedStatement st = c.prepareStatement("INSERT INTO queue_host (host, lab, pid, started_at, last_seen, lease_seconds, state, usb_load) "
                    + "VALUES (?, ?, ?, now(), now(), ?, 'online', ?) ON CONFLICT (host) DO UPDATE SET lab = excluded.lab, pid = excluded.pid, "
                    + "started_at = now(), last_seen = now(), lease_seconds = excluded.lease_seconds, state = 'online', usb_load = excluded.usb_load")) {
                st.setString(1, host);
                st.setString(2, lab);
                st.setLong(3, ProcessHandle.current().pid());
                st.setInt(4, (int) lease.toSeconds());
                st.setString(5, Wire.write(usb));
                st.executeUpdate();
            }
            int lost = Reaper.lose(c, "host = ? AND state IN ('assigned', 'running')", host, "host " + host + " restarted while it ran");
            try (PreparedStatement st = c.prepareStatement("DELETE FROM queue_tentacle WHERE host = ?")) {
                st.setString(1, host);
                st.executeUpdate();
            }
            try (PreparedStatement st = c.prepareStatement("INSERT INTO queue_tentacle (serial, host, label, tentacle, firmware) VALUES (?, ?, ?, ?, ?) "
                    + "ON CONFLICT (serial) DO UPDATE SET host = excluded.host, label = excluded.label, tentacle = excluded.tentacle, "
                    + "firmware = excluded.firmware, lease_id = NULL")) {
                for (Tentacle t : tentacles) {
                    st.setString(1, t.serial());
                    st.setString(2, host);
                    st.setString(3, t.label());
                    st.setString(4, Wire.write(t));
                    st.setString(5, firmware.get(t.serial()));
                    st.addBatch();
                }
                st.executeBatch();
            }
            Notifications.notify(c, Notifications.FREED, host);
            return lost;
        });
    }

    /**
     * Tells the queue this host is alive and extends the leases it runs. Returns the leases that are no longer this
     * host's (their epoch moved on: the reaper gave them away, or their coordinator cancelled them).
     */
    Set<Long> heartbeat(Map<Long, Long> running) throws SQLException {
        return db.tx(c -> {
            boolean wasLost;
            try (PreparedStatement st = c.prepareStatement("UPDATE queue_host h SET last_seen = now(), state = 'online' FROM "
                    + "(SELECT state FROM queue_host WHERE host = ? FOR UPDATE) old WHERE h.host = ? RETURNING old.state")) {
                st.setString(1, host);
                st.setString(2, host);
                try (ResultSet rs = st.executeQuery()) {
                    wasLost = rs.next() && !rs.getString(1).equals("online");
                }
            }
            Set<Long> fenced = new HashSet<>();
            try (PreparedStatement st = c.prepareStatement("UPDATE queue_lease SET expires_at = now() + make_interval(secs => ?) "
                    + "WHERE id = ? AND epoch = ? AND state = 'running'")) {
                for (var e : running.entrySet()) {
                    st.setLong(1, lease.toSeconds());
                    st.setLong(2, e.getKey());
                    st.setLong(3, e.getValue());
                    if (st.executeUpdate() == 0) {
                        fenced.add(e.getKey());
                    }
                }
            }
            if (wasLost) {
                Notifications.notify(c, Notifications.FREED, host); // back: its idle tentacles are offered again
            }
            return fenced;
        });
    }

    /** Claims every run leased to this host and not yet started. */
    List<Claim> claim() throws SQLException {
        return db.tx(c -> {
            List<Claim> out = new ArrayList<>();
            try (PreparedStatement st = c.prepareStatement("UPDATE queue_lease SET state = 'running', started_at = now(), "
                    + "expires_at = now() + make_interval(secs => ?) WHERE id IN (SELECT id FROM queue_lease WHERE host = ? AND state = 'assigned' "
                    + "ORDER BY id FOR UPDATE SKIP LOCKED) RETURNING id, epoch, session_id, run")) {
                st.setLong(1, lease.toSeconds());
                st.setString(2, host);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Claim(rs.getLong(1), rs.getLong(2), rs.getString(3), Wire.read(rs.getString(4), Wire.Ticket.class)));
                    }
                }
            }
            return out;
        });
    }

    Optional<Wire.SessionSettings> session(String id) throws SQLException {
        return db.tx(c -> {
            try (PreparedStatement st = c.prepareStatement("SELECT settings FROM queue_session WHERE session_id = ?")) {
                st.setString(1, id);
                try (ResultSet rs = st.executeQuery()) {
                    return rs.next() ? Optional.of(Wire.read(rs.getString(1), Wire.SessionSettings.class)) : Optional.empty();
                }
            }
        });
    }

    /**
     * Ships a finished run and frees its tentacles, if the lease is still this host's at this epoch. False when it is
     * not: nothing was written, and the results must be discarded.
     */
    boolean finish(Claim claim, String report, byte[] archive) throws SQLException {
        return finish(claim, report, archive, Map.of());
    }

    /** @param firmware what the run's boards report now (serial → version text): the next session's plan starts from it */
    boolean finish(Claim claim, String report, byte[] archive, Map<String, String> firmware) throws SQLException {
        return db.tx(c -> {
            try (PreparedStatement st = c.prepareStatement("UPDATE queue_lease SET state = 'done', ended_at = now(), report = ?, archive = ? "
                    + "WHERE id = ? AND epoch = ? AND state = 'running'")) {
                st.setString(1, report);
                st.setBytes(2, archive);
                st.setLong(3, claim.lease());
                st.setLong(4, claim.epoch());
                if (st.executeUpdate() == 0) {
                    return false;
                }
            }
            Leases.free(c, List.of(claim.lease()));
            try (PreparedStatement st = c.prepareStatement("UPDATE queue_tentacle SET firmware = ? WHERE serial = ? AND host = ?")) {
                for (var e : firmware.entrySet()) {
                    st.setString(1, e.getValue());
                    st.setString(2, e.getKey());
                    st.setString(3, host);
                    st.addBatch();
                }
                st.executeBatch();
            }
            Notifications.notify(c, Notifications.SESSION, claim.session());
            Notifications.notify(c, Notifications.FREED, host);
            return true;
        });
    }

    /** An orderly exit: the host stops being offered (its leases were ended before). */
    void leave() throws SQLException {
        db.tx(c -> {
            Reaper.lose(c, "host = ? AND state IN ('assigned', 'running')", host, "host " + host + " stopped while it ran");
            try (PreparedStatement st = c.prepareStatement("UPDATE queue_host SET state = 'stopped' WHERE host = ?")) {
                st.setString(1, host);
                st.executeUpdate();
            }
            return null;
        });
    }
}
