package testbed.queue;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import testbed.model.Tentacle;

/**
 * The coordinator's side of the queue: which tentacles the live agents offer, leases for runs (a tentacle has at most
 * one, so two coordinators never share a board), and the leases of a session that ended.
 */
public final class Leases {

    /** A tentacle as its agent registered it. */
    public record Offered(String host, Tentacle tentacle, Optional<String> firmware) {}

    /** The answer to an assignment: a lease, or the tentacles someone else holds (or whose host is gone). */
    public sealed interface Assignment {
        record Leased(long id, long epoch, String host) implements Assignment {}

        record Busy(Set<String> serials, String why) implements Assignment {}
    }

    /** A lease of a session: {@code state} assigned, running, done, lost or cancelled. */
    public record Lease(long id, String testid, String host, String state, long epoch, String run, Optional<String> report, byte[] archive,
            Optional<String> error) {}

    /** Live: the agent's last heartbeat is younger than its lease time. */
    static final String LIVE = "h.state = 'online' AND h.last_seen > now() - make_interval(secs => h.lease_seconds)";

    private final QueueDb db;

    public Leases(QueueDb db) {
        this.db = db;
    }

    /** Every tentacle of a live agent, leased or not (a leased one is busy when a run asks for it). */
    public List<Offered> liveTentacles() throws SQLException {
        return db.tx(c -> {
            List<Offered> out = new ArrayList<>();
            try (PreparedStatement st = c.prepareStatement("SELECT t.host, t.tentacle, t.firmware FROM queue_tentacle t "
                    + "JOIN queue_host h ON h.host = t.host WHERE " + LIVE + " ORDER BY t.host, t.serial"); ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    Tentacle t = Wire.read(rs.getString(2), Tentacle.class).withTag(Tentacle.HOST_TAG, rs.getString(1)); // pairs stay on one host
                    out.add(new Offered(rs.getString(1), t, Optional.ofNullable(rs.getString(3))));
                }
            }
            return out;
        });
    }

    /** The lab a coordinator schedules over: every tentacle the live agents registered. */
    public testbed.model.Lab inventory() throws SQLException {
        return new testbed.model.Lab("queue", "the live agents of " + db.url(), java.nio.file.Path.of(db.url()),
                liveTentacles().stream().map(Offered::tentacle).toList(), List.of(), usbLimits());
    }

    /** Each live host's USB limits, from its agent's lab file. */
    private testbed.model.UsbLimits usbLimits() throws SQLException {
        return db.tx(c -> {
            Map<String, testbed.model.UsbLimits> byHost = new java.util.LinkedHashMap<>();
            try (PreparedStatement st = c.prepareStatement("SELECT h.host, h.usb_load FROM queue_host h WHERE " + LIVE + " AND h.usb_load IS NOT NULL");
                    ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    byHost.put(rs.getString(1), Wire.read(rs.getString(2), testbed.model.UsbLimits.class));
                }
            }
            return testbed.model.UsbLimits.ofHosts(byHost);
        });
    }

    /** Runs of the session whose boards an agent has prepared since the last call (lease id → testid), marked as seen. */
    public Map<Long, String> prepared(String session) throws SQLException {
        return db.tx(c -> {
            Map<Long, String> out = new java.util.LinkedHashMap<>();
            try (PreparedStatement st = c.prepareStatement("UPDATE queue_lease SET prepared_seen = TRUE WHERE session_id = ? AND prepared_at IS NOT NULL "
                    + "AND NOT prepared_seen RETURNING id, testid")) {
                st.setString(1, session);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getLong(1), rs.getString(2));
                    }
                }
            }
            return out;
        });
    }

    /**
     * Holds the session for this coordinator while its connection lives (an advisory lock): a second coordinator of
     * the same session is refused until this one is gone, and then continues from the tables.
     */
    public boolean lockSession(String session) throws SQLException {
        try (PreparedStatement st = db.connection().prepareStatement("SELECT pg_try_advisory_lock(hashtext('testbed session ' || ?))")) {
            st.setString(1, session);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** The session's row: what agents read to run its runs. Kept as it is when the session is resumed. */
    public void openSession(String session, String coordinator, String settings) throws SQLException {
        db.tx(c -> {
            try (PreparedStatement st = c.prepareStatement("INSERT INTO queue_session (session_id, coordinator, settings, created_at) "
                    + "VALUES (?, ?, ?, now()) ON CONFLICT (session_id) DO UPDATE SET coordinator = excluded.coordinator")) {
                st.setString(1, session);
                st.setString(2, coordinator);
                st.setString(3, settings);
                st.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Leases a run's tentacles to their host, in one transaction: all of them free, on one live host (a reference
     * and its DUT are wired together), or nothing is written and the answer names the tentacles that are not.
     */
    Assignment assign(String session, Wire.Ticket ticket) throws SQLException {
        return db.tx(c -> {
            List<String> serials = ticket.serials();
            Map<String, String> hostOf = new LinkedHashMap<>();
            Set<String> busy = new HashSet<>();
            String why = "";
            try (PreparedStatement st = c.prepareStatement("SELECT t.serial, t.host, t.lease_id, (" + LIVE + ") FROM queue_tentacle t "
                    + "JOIN queue_host h ON h.host = t.host WHERE t.serial = ANY(?) ORDER BY t.serial FOR UPDATE OF t")) {
                st.setArray(1, c.createArrayOf("text", serials.toArray()));
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        hostOf.put(rs.getString(1), rs.getString(2));
                        rs.getLong(3);
                        if (!rs.wasNull()) {
                            busy.add(rs.getString(1));
                            why = "leased";
                        } else if (!rs.getBoolean(4)) {
                            busy.add(rs.getString(1));
                            why = "its host " + rs.getString(2) + " is not live";
                        }
                    }
                }
            }
            for (String s : serials) {
                if (!hostOf.containsKey(s)) {
                    busy.add(s);
                    why = "not registered by any agent";
                }
            }
            if (new HashSet<>(hostOf.values()).size() > 1) {
                busy.addAll(serials.subList(1, serials.size()));
                why = "DUT and reference are on different hosts";
            }
            if (!busy.isEmpty()) {
                return new Assignment.Busy(busy, why);
            }
            String host = hostOf.get(serials.get(0));
            long id;
            long epoch;
            try (PreparedStatement st = c.prepareStatement("INSERT INTO queue_lease (session_id, testid, host, tentacles, run, state, epoch, "
                    + "expires_at, assigned_at) SELECT ?, ?, ?, ?, ?, 'assigned', nextval('queue_epoch'), now() + make_interval(secs => h.lease_seconds), "
                    + "now() FROM queue_host h WHERE h.host = ? RETURNING id, epoch")) {
                st.setString(1, session);
                st.setString(2, ticket.testid());
                st.setString(3, host);
                st.setString(4, String.join(",", serials));
                st.setString(5, Wire.write(ticket));
                st.setString(6, host);
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                    epoch = rs.getLong(2);
                }
            }
            try (PreparedStatement st = c.prepareStatement("UPDATE queue_tentacle SET lease_id = ? WHERE serial = ANY(?)")) {
                st.setLong(1, id);
                st.setArray(2, c.createArrayOf("text", serials.toArray()));
                st.executeUpdate();
            }
            Notifications.notify(c, Notifications.HOST, host);
            return new Assignment.Leased(id, epoch, host);
        });
    }

    /** The session's leases that ended and are not yet booked, oldest end first. */
    List<Lease> ended(String session) throws SQLException {
        return select(session, "state IN ('done', 'lost', 'cancelled') AND NOT collected ORDER BY ended_at, id");
    }

    /** The session's leases still held, and those that ended but were never booked: what a resumed coordinator takes over. */
    List<Lease> unbooked(String session) throws SQLException {
        return select(session, "NOT collected ORDER BY id");
    }

    private List<Lease> select(String session, String where) throws SQLException {
        return db.tx(c -> {
            List<Lease> out = new ArrayList<>();
            try (PreparedStatement st = c.prepareStatement("SELECT id, testid, host, state, epoch, run, report, archive, error FROM queue_lease "
                    + "WHERE session_id = ? AND " + where)) {
                st.setString(1, session);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Lease(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5), rs.getString(6),
                                Optional.ofNullable(rs.getString(7)), rs.getBytes(8), Optional.ofNullable(rs.getString(9))));
                    }
                }
            }
            return out;
        });
    }

    /** The session booked this lease (its run is in runs.jsonl): a restarted coordinator does not book it again. */
    void collected(long id) throws SQLException {
        db.tx(c -> {
            try (PreparedStatement st = c.prepareStatement("UPDATE queue_lease SET collected = TRUE, archive = NULL WHERE id = ?")) {
                st.setLong(1, id);
                st.executeUpdate();
            }
            return null;
        });
    }

    /** Whether a tentacle is free on a live host (another session let it go, or its host is back). */
    /** The host that registered the tentacle and whether it is live; empty for a serial no host has. */
    Optional<Map.Entry<String, Boolean>> hostOf(String serial) throws SQLException {
        return db.tx(c -> {
            try (PreparedStatement st = c.prepareStatement("SELECT t.host, (" + LIVE + ") FROM queue_tentacle t JOIN queue_host h ON h.host = t.host "
                    + "WHERE t.serial = ?")) {
                st.setString(1, serial);
                try (ResultSet rs = st.executeQuery()) {
                    return rs.next() ? Optional.of(Map.entry(rs.getString(1), rs.getBoolean(2))) : Optional.empty();
                }
            }
        });
    }

    boolean isFree(String serial) throws SQLException {
        return db.tx(c -> {
            try (PreparedStatement st = c.prepareStatement("SELECT 1 FROM queue_tentacle t JOIN queue_host h ON h.host = t.host "
                    + "WHERE t.serial = ? AND t.lease_id IS NULL AND " + LIVE)) {
                st.setString(1, serial);
                try (ResultSet rs = st.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    /**
     * The coordinator stops: every lease of the session still held is cancelled with a new epoch (its agent stops the
     * run at its next heartbeat and ships nothing) and the tentacles are free. Returns the cancelled leases.
     */
    List<Lease> cancel(String session, String why) throws SQLException {
        return cancelWhere("session_id = ?", session, why);
    }

    /** Cancels one lease (a resumed coordinator found its work done before). */
    void cancel(long lease, String why) throws SQLException {
        cancelWhere("id = ?::bigint", String.valueOf(lease), why);
    }

    private List<Lease> cancelWhere(String where, String param, String why) throws SQLException {
        return db.tx(c -> {
            List<Lease> out = new ArrayList<>();
            try (PreparedStatement st = c.prepareStatement("UPDATE queue_lease SET state = 'cancelled', epoch = nextval('queue_epoch'), "
                    + "ended_at = now(), error = ? WHERE " + where + " AND state IN ('assigned', 'running') "
                    + "RETURNING id, testid, host, state, epoch, run")) {
                st.setString(1, why);
                st.setString(2, param);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Lease(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5), rs.getString(6),
                                Optional.empty(), null, Optional.of(why)));
                    }
                }
            }
            free(c, out.stream().map(Lease::id).toList());
            for (String host : out.stream().map(Lease::host).distinct().toList()) {
                Notifications.notify(c, Notifications.HOST, host);
            }
            return out;
        });
    }

    static void free(Connection c, List<Long> leaseIds) throws SQLException {
        if (leaseIds.isEmpty()) {
            return;
        }
        try (PreparedStatement st = c.prepareStatement("UPDATE queue_tentacle SET lease_id = NULL WHERE lease_id = ANY(?)")) {
            Array ids = c.createArrayOf("bigint", leaseIds.toArray());
            st.setArray(1, ids);
            st.executeUpdate();
        }
    }
}
