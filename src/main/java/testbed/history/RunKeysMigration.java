package testbed.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;
import testbed.results.LegacyRecords;

/**
 * Schema 3: every run carries its tentacle kind, its final attempt and whether it measured anything, and sessions are
 * indexed by time, so each analysis reads a bounded window by index instead of sorting every result ever recorded.
 * In Java because the kinds of old runs come out of their tentacle labels (no portable SQL for that).
 */
final class RunKeysMigration implements JavaMigration {

    /** The outcomes that count as a failure (as {@code Outcome.isFailure}), as SQL: the partial index's and its queries' term. */
    static final String FAILURES = "('failed', 'error', 'timeout')";

    @Override
    public MigrationVersion getVersion() {
        return MigrationVersion.fromVersion("3");
    }

    @Override
    public String getDescription() {
        return "run keys and bounded windows";
    }

    @Override
    public Integer getChecksum() {
        return 3_0001;
    }

    @Override
    public boolean canExecuteInTransaction() {
        return true;
    }

    @Override
    public void migrate(Context context) throws SQLException {
        Connection c = context.getConnection();
        try (Statement st = c.createStatement()) {
            st.execute("ALTER TABLE test_run ADD COLUMN kind VARCHAR(200)");
            st.execute("ALTER TABLE test_run ADD COLUMN final_attempt VARCHAR(520)");
            st.execute("ALTER TABLE test_run ADD COLUMN measured INTEGER");
            st.execute("ALTER TABLE test_run ADD COLUMN final_passed INTEGER");
            st.execute("ALTER TABLE test_run ADD COLUMN final_failed INTEGER");
            st.execute("UPDATE test_run SET final_attempt = (SELECT a.id FROM attempt a WHERE a.run_id = test_run.id ORDER BY a.letter DESC LIMIT 1)");
            st.execute("UPDATE test_run SET final_passed = (SELECT COUNT(*) FROM test_result t WHERE t.attempt_id = test_run.final_attempt "
                    + "AND t.outcome = 'passed'), final_failed = (SELECT COUNT(*) FROM test_result t WHERE t.attempt_id = test_run.final_attempt "
                    + "AND t.outcome IN " + FAILURES + ")");
            st.execute("UPDATE test_run SET measured = CASE WHEN EXISTS (SELECT 1 FROM attempt a JOIN measurement m ON m.attempt_id = a.id "
                    + "WHERE a.run_id = test_run.id) THEN 1 ELSE 0 END");
        }
        List<String> labels = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT DISTINCT tentacle FROM test_run")) {
            while (rs.next()) {
                labels.add(rs.getString(1));
            }
        }
        try (PreparedStatement st = c.prepareStatement("UPDATE test_run SET kind = ? WHERE tentacle = ?")) {
            for (String label : labels) {
                st.setString(1, LegacyRecords.kindOfLabel(label));
                st.setString(2, label);
                st.addBatch();
            }
            st.executeBatch();
        }
        try (Statement st = c.createStatement()) {
            st.execute("CREATE INDEX idx_session_time ON test_session(time_start)");
            st.execute("CREATE INDEX idx_session_lab_time ON test_session(lab, time_start)");
            st.execute("CREATE INDEX idx_run_board_session ON test_run(board, session_id)");
            st.execute("CREATE INDEX idx_run_sut ON test_run(sut_id)");
            // Failures are rare: the analyses start from them (a test that never failed neither regressed nor flipped).
            st.execute("CREATE INDEX idx_result_failures ON test_result(attempt_id, name) WHERE outcome IN " + FAILURES);
        }
    }
}
