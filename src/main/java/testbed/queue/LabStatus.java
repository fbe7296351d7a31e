package testbed.queue;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import testbed.model.LabException;

/** {@code testbed lab status --queue}: the hosts, their tentacles and the leases held now, as the database has them. */
public final class LabStatus {

    /** @param live heartbeat younger than its lease time; {@code silentSeconds}: since the last heartbeat */
    public record Host(String host, String lab, String state, boolean live, long silentSeconds, int tentacles, int leased) {}

    /** @param board the board and variants as its host's lab file has them; {@code leaseSince} when its lease's run started (or was assigned) */
    public record TentacleRow(String host, String label, String serial, String firmware, String lease, String board, String leaseSince) {}

    public record LeaseRow(long id, String session, String testid, String host, String state, long epoch, long expiresInSeconds) {}

    public record Status(List<Host> hosts, List<TentacleRow> tentacles, List<LeaseRow> leases) {}

    private LabStatus() {}

    public static Status read(String url, testbed.config.Settings settings) {
        try (QueueDb db = QueueDb.open(url, settings)) {
            return read(db);
        }
    }

    /** From an open queue (a view that asks every second keeps one). */
    public static Status read(QueueDb db) {
        try {
            return db.tx(c -> {
                List<Host> hosts = new ArrayList<>();
                try (PreparedStatement st = c.prepareStatement("SELECT h.host, h.lab, h.state, (" + Leases.LIVE + "), "
                        + "extract(epoch FROM now() - h.last_seen)::bigint, (SELECT count(*) FROM queue_tentacle t WHERE t.host = h.host), "
                        + "(SELECT count(*) FROM queue_tentacle t WHERE t.host = h.host AND t.lease_id IS NOT NULL) FROM queue_host h ORDER BY h.host");
                        ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        hosts.add(new Host(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4), rs.getLong(5), rs.getInt(6), rs.getInt(7)));
                    }
                }
                List<TentacleRow> tentacles = new ArrayList<>();
                try (PreparedStatement st = c.prepareStatement("SELECT t.host, t.label, t.serial, coalesce(t.firmware, ''), coalesce(l.testid, ''), t.tentacle, "
                        + "coalesce(to_char(coalesce(l.started_at, l.assigned_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '') "
                        + "FROM queue_tentacle t LEFT JOIN queue_lease l ON l.id = t.lease_id ORDER BY t.host, t.label"); ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        testbed.model.Tentacle t = Wire.read(rs.getString(6), testbed.model.Tentacle.class);
                        String board = t.boardAndVariants();
                        tentacles.add(new TentacleRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), board,
                                rs.getString(7)));
                    }
                }
                List<LeaseRow> leases = new ArrayList<>();
                try (PreparedStatement st = c.prepareStatement("SELECT id, session_id, testid, host, state, epoch, "
                        + "extract(epoch FROM expires_at - now())::bigint FROM queue_lease WHERE state IN ('assigned', 'running') ORDER BY id");
                        ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        leases.add(new LeaseRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getLong(6), rs.getLong(7)));
                    }
                }
                return new Status(hosts, tentacles, leases);
            });
        } catch (SQLException e) {
            throw new LabException("queue " + db.url() + ": " + QueueDb.firstLine(e.getMessage()), e);
        }
    }
}
