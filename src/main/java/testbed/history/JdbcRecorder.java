package testbed.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import testbed.model.BoardVariant;
import testbed.results.AttemptRecord;
import testbed.runner.TestResult;
import testbed.session.SessionRecord;

/** Writes sessions into the history's tables: idempotent upserts, so the same session can be recorded again as it grows. */
final class JdbcRecorder {

    private static final Logger LOG = LogManager.getLogger(JdbcRecorder.class);

    private final Connection connection;
    /** Runs whose transaction committed: a rolled-back write must be tried again, not skipped. */
    private final Set<String> recordedRuns = new HashSet<>();
    private final Set<String> inThisTransaction = new HashSet<>();

    JdbcRecorder(Connection connection) {
        this.connection = connection;
    }

    /** The session as it is now, in one transaction; runs already committed are skipped. */
    void record(SessionRecord s) throws SQLException {
        inThisTransaction.clear();
        try {
            connection.setAutoCommit(false);
            update("""
                    INSERT INTO test_session (id, lab, host, user_name, trigger_kind, command_line, firmware_ref, tests_ref, time_start,
                                              time_end, duration_s, status, verdict)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET time_end = excluded.time_end, duration_s = excluded.duration_s,
                                                   status = excluded.status, verdict = excluded.verdict""",
                    s.sessionId(), s.lab(), s.host(), s.user() == null ? "" : s.user(), s.trigger(), String.join(" ", s.commandLine()),
                    String.join(",", s.firmware()), s.testsRef(), s.timeStart(), s.timeEnd(), s.durationSeconds(), s.status().label(),
                    s.verdict() == null ? "" : s.verdict().label());
            for (SessionRecord.Run run : s.runs()) {
                if (run.attempts().isEmpty()) {
                    recordUnfinished(s.sessionId(), run);
                } else {
                    recordRun(s.sessionId(), run);
                }
            }
            connection.commit();
            recordedRuns.addAll(inThisTransaction);
        } catch (SQLException e) {
            rollback();
            throw e;
        } finally {
            inThisTransaction.clear();
        }
    }

    private static final String INSERT_SUT = "INSERT INTO sut_group (id, board, variant, firmware) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING";
    private static final String INSERT_RUN = """
            INSERT INTO test_run (id, session_id, sut_id, testid, testgroup, tentacle, reference, role, outcome, time_start, duration_s,
                                  board, variant, kind, final_attempt, measured, final_passed, final_failed)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING""";
    private static final String INSERT_ATTEMPT = """
            INSERT INTO attempt (id, run_id, letter, status, error, directory, time_start, duration_s, error_kind)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING""";
    private static final String INSERT_RESULT = """
            INSERT INTO test_result (attempt_id, name, outcome, duration_s, reason, excerpt) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (attempt_id, name) DO NOTHING""";
    private static final String INSERT_MEASUREMENT = "INSERT INTO measurement (attempt_id, name, value, unit, spread, params) VALUES (?, ?, ?, ?, ?, ?) "
            + "ON CONFLICT (attempt_id, name) DO NOTHING";

    private void recordRun(String session, SessionRecord.Run run) throws SQLException {
        AttemptRecord first = run.attempts().get(0);
        String runId = session + "/" + first.directory();
        if (recordedRuns.contains(runId)) {
            return;
        }
        String firmware = first.firmware().getOrDefault(first.serial(), "unknown");
        BoardVariant bv = run.boardVariant();
        String sut = bv.name() + "|" + firmware;
        AttemptRecord last = run.attempts().get(run.attempts().size() - 1);
        int measured = run.attempts().stream().anyMatch(a -> !a.measurements().isEmpty()) ? 1 : 0;
        update(INSERT_SUT, sut, bv.board(), bv.variant(), firmware);
        update(INSERT_RUN, runId, session, sut, run.testid(), run.testgroup(), first.tentacle(), first.reference(), run.role().label(),
                run.status().label(), run.timeStart(), run.durationSeconds(), bv.board(), bv.variant(), run.kind(), session + "/" + last.directory(), measured,
                (int) last.tests().stream().filter(t -> t.outcome() == testbed.runner.Outcome.PASSED).count(),
                (int) last.tests().stream().filter(t -> t.outcome().isFailure()).count());
        for (AttemptRecord a : run.attempts()) {
            String attemptId = session + "/" + a.directory();
            update(INSERT_ATTEMPT, attemptId, runId, a.attempt(), a.status().label(), a.error(), a.directory(), a.timeStart(), a.durationSeconds(),
                    a.errorKind() == null ? "" : a.errorKind());
            List<Object[]> results = new ArrayList<>();
            for (TestResult t : a.tests()) {
                String reason = t.reason() == null ? "" : t.reason();
                results.add(new Object[] {attemptId, t.name(), t.outcome().label(), t.durationSeconds(),
                    reason.length() > 2000 ? reason.substring(0, 2000) : reason, reason.lines().limit(5).reduce((x, y) -> x + "\n" + y).orElse("")});
            }
            batch(INSERT_RESULT, results);
            batch(INSERT_MEASUREMENT, a.measurements().stream().map(m -> new Object[] {attemptId, m.name(), m.value(), m.unit(), m.spread(), m.params()})
                    .toList());
        }
        inThisTransaction.add(runId);
    }

    /** A run that was still going when the session was killed: it shows up, with no results, as "never finished". */
    private void recordUnfinished(String session, SessionRecord.Run run) throws SQLException {
        String runId = session + "/" + run.testid() + ",unfinished";
        if (recordedRuns.contains(runId)) {
            return;
        }
        BoardVariant bv = run.boardVariant();
        String sut = bv.name() + "|unknown";
        update(INSERT_SUT, sut, bv.board(), bv.variant(), "unknown");
        update(INSERT_RUN, runId, session, sut, run.testid(), run.testgroup(), run.tentacles().isEmpty() ? "" : run.tentacles().get(0),
                run.tentacles().size() > 1 ? run.tentacles().get(1) : "", run.role().label(), run.status().label(), run.timeStart(), run.durationSeconds(),
                bv.board(), bv.variant(), run.kind(), null, 0, 0, 0);
        inThisTransaction.add(runId);
    }

    private void update(String sql, Object... values) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(sql)) {
            bind(st, values);
            st.executeUpdate();
        }
    }

    private void batch(String sql, List<Object[]> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement st = connection.prepareStatement(sql)) {
            for (Object[] row : rows) {
                bind(st, row);
                st.addBatch();
            }
            st.executeBatch();
        }
    }

    /** Strings and numbers only: that is all the schema holds. */
    private static void bind(PreparedStatement st, Object... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            if (values[i] instanceof Double d) {
                st.setDouble(i + 1, d);
            } else if (values[i] instanceof Integer n) {
                st.setInt(i + 1, n);
            } else {
                st.setString(i + 1, (String) values[i]);
            }
        }
    }

    private void rollback() {
        try {
            connection.rollback();
        } catch (SQLException e) {
            LOG.debug("rollback failed: {}", e.getMessage());
        }
    }

}
