package testbed.queue;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import testbed.config.Settings;
import testbed.model.LabException;
import testbed.session.DisabledTentacles.Disabled;

/**
 * Tentacles taken out by hand on a lab of several hosts: kept in the queue's database (table {@code queue_disabled}),
 * so every coordinator sees them, whichever host the person typed {@code testbed lab disable --queue} on.
 */
public final class QueueDisabled {

    private QueueDisabled() {}

    /** Serial → who disabled it. */
    public static Map<String, Disabled> of(String url, Settings settings) {
        return with(url, settings, QueueDisabled::of);
    }

    public static void disable(String url, Settings settings, String serial, Disabled why) {
        with(url, settings, db -> db.tx(c -> {
            try (PreparedStatement st = c.prepareStatement("INSERT INTO queue_disabled (serial, label, by_user, at, reason) VALUES (?, ?, ?, ?, ?) "
                    + "ON CONFLICT (serial) DO UPDATE SET label = excluded.label, by_user = excluded.by_user, at = excluded.at, reason = excluded.reason")) {
                st.setString(1, serial);
                st.setString(2, why.label());
                st.setString(3, why.by());
                st.setString(4, why.at());
                st.setString(5, why.reason());
                st.executeUpdate();
            }
            return null;
        }));
    }

    /** @return who had disabled it, empty when it was not */
    public static Optional<Disabled> enable(String url, Settings settings, String serial) {
        return with(url, settings, db -> db.tx(c -> {
            Disabled was = of(db).get(serial);
            try (PreparedStatement st = c.prepareStatement("DELETE FROM queue_disabled WHERE serial = ?")) {
                st.setString(1, serial);
                st.executeUpdate();
            }
            return Optional.ofNullable(was);
        }));
    }

    /** From an open queue (a view that asks every second keeps one). */
    public static Map<String, Disabled> of(QueueDb db) throws SQLException {
        Map<String, Disabled> out = new TreeMap<>();
        try (PreparedStatement st = db.connection().prepareStatement("SELECT serial, label, by_user, at, reason FROM queue_disabled");
                ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), new Disabled(rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)));
            }
        }
        return out;
    }

    private interface DbWork<T> {
        T in(QueueDb db) throws SQLException;
    }

    private static <T> T with(String url, Settings settings, DbWork<T> work) {
        try (QueueDb db = QueueDb.open(url, settings)) {
            return work.in(db);
        } catch (SQLException e) {
            throw new LabException("queue " + QueueDb.redact(url) + ": " + QueueDb.firstLine(e.getMessage()), e);
        }
    }
}
