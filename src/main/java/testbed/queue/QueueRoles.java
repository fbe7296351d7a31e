package testbed.queue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import testbed.model.InvalidInputException;

/**
 * The queue's two kinds of database users, as statements a database owner runs once ({@code testbed queue init}, again
 * after an upgrade adds tables): coordinators read and write the queue and the history; agents read the queue and
 * change only what belongs to a host they registered under their own login (row-level security on
 * {@code queue_host.db_role}): its host row, its tentacles, the run state and report of its leases. An agent cannot
 * open a session, write a lease, point a lease at a command or another host, or touch the history.
 *
 * @param coordinator the group role of coordinators (logins are made members: CREATE ROLE x LOGIN IN ROLE ...)
 * @param agent the group role of agents
 */
public record QueueRoles(String coordinator, String agent) {

    public QueueRoles {
        for (String role : List.of(coordinator, agent)) {
            if (!role.matches("[a-z_][a-z0-9_]{0,62}")) {
                throw new InvalidInputException("queue init: role name '" + role + "' must be lower-case letters, digits and _ (at most 63)");
            }
        }
        if (coordinator.equals(agent)) {
            throw new InvalidInputException("queue init: --coordinator-role and --agent-role must differ (both '" + agent + "')");
        }
    }

    /** A host row this login registered; for the tables that name a host. */
    private static final String OWNED = "EXISTS (SELECT 1 FROM queue_host h WHERE h.host = %s.host AND h.db_role = current_user)";

    /** The statements, in order; each can run again (roles and policies are replaced, grants repeated). */
    public List<String> statements() {
        String q = QueueDb.SCHEMA;
        List<String> s = new ArrayList<>();
        for (String role : List.of(coordinator, agent)) {
            s.add("DO $$ BEGIN CREATE ROLE " + role + " NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
        }
        s.add("GRANT USAGE ON SCHEMA " + q + " TO " + coordinator + ", " + agent);
        s.add("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA " + q + " TO " + coordinator);
        s.add("GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA " + q + " TO " + coordinator);
        s.add("GRANT USAGE ON SCHEMA public TO " + coordinator);
        s.add("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " + coordinator);
        s.add("GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO " + coordinator);
        // Agents: read the queue (sessions, images, other hosts' tentacles for the cross-host checks), write only these columns.
        s.add("REVOKE ALL ON ALL TABLES IN SCHEMA " + q + " FROM " + agent);
        s.add("GRANT SELECT ON ALL TABLES IN SCHEMA " + q + " TO " + agent);
        s.add("GRANT INSERT (host, lab, pid, started_at, last_seen, lease_seconds, state, usb_load), "
                + "UPDATE (lab, pid, started_at, last_seen, lease_seconds, state, usb_load) ON " + q + ".queue_host TO " + agent);
        s.add("GRANT INSERT, UPDATE (host, label, tentacle, firmware, lease_id), DELETE ON " + q + ".queue_tentacle TO " + agent);
        s.add("GRANT UPDATE (state, epoch, expires_at, started_at, ended_at, prepared_at, report, archive, error) ON " + q + ".queue_lease TO " + agent);
        s.add("GRANT USAGE ON SEQUENCE " + q + ".queue_epoch TO " + agent); // a restarted agent fences its own old leases
        for (String table : List.of("queue_host", "queue_tentacle", "queue_lease")) {
            String t = q + "." + table;
            s.add("ALTER TABLE " + t + " ENABLE ROW LEVEL SECURITY");
            for (String p : List.of("coordinator_all", "agent_read", "agent_insert", "agent_update", "agent_delete")) {
                s.add("DROP POLICY IF EXISTS " + p + " ON " + t);
            }
            s.add("CREATE POLICY coordinator_all ON " + t + " TO " + coordinator + " USING (true) WITH CHECK (true)");
            String own = table.equals("queue_host") ? "db_role = current_user" : OWNED.formatted(table);
            // Leases are read only by their own host; hosts and tentacles by every agent (a serial or a tag claimed twice).
            s.add("CREATE POLICY agent_read ON " + t + " FOR SELECT TO " + agent + " USING (" + (table.equals("queue_lease") ? own : "true") + ")");
            s.add("CREATE POLICY agent_update ON " + t + " FOR UPDATE TO " + agent + " USING (" + own + ") WITH CHECK (" + own + ")");
            if (!table.equals("queue_lease")) {
                s.add("CREATE POLICY agent_insert ON " + t + " FOR INSERT TO " + agent + " WITH CHECK (" + own + ")");
                s.add("CREATE POLICY agent_delete ON " + t + " FOR DELETE TO " + agent + " USING (" + own + ")");
            }
        }
        return s;
    }

    /** How a lab makes a login of each kind (shown after init; passwords are the operator's to choose). */
    public List<String> loginExamples() {
        return List.of("CREATE ROLE lab_coordinator LOGIN PASSWORD '...' IN ROLE " + coordinator + ";",
                "CREATE ROLE lab_host_a LOGIN PASSWORD '...' IN ROLE " + agent + ";   -- one login per agent host");
    }

    /** Runs {@link #statements()} in one transaction. */
    public void apply(Connection c) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            for (String sql : statements()) {
                st.execute(sql);
            }
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }
}
