package testbed.history;

import static testbed.history.ResultRows.decisive;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import testbed.history.ResultRows.ResultRow;

/**
 * The lab's view of the history: each tentacle's recent record, tests that are broken rather than flaky, and pass
 * rates per board. Each reads one window of the newest sessions (by index), so it costs the same after years.
 */
final class LabQueries {

    private LabQueries() {}

    private static List<String> window(Sql q, int lastSessions) throws SQLException {
        return q.column("SELECT id FROM test_session ORDER BY time_start DESC LIMIT ?", List.of(lastSessions));
    }

    static List<History.TentacleRecord> tentacles(Sql q, int lastSessions) throws SQLException {
        List<String> window = window(q, lastSessions);
        if (window.isEmpty()) {
            return List.of();
        }
        String in = ResultRows.placeholders(window.size());
        Map<String, int[]> runs = new LinkedHashMap<>();
        Map<String, String> last = new LinkedHashMap<>();
        q.each("SELECT r.tentacle, COUNT(*), SUM(CASE WHEN r.outcome IN ('passed', 'xfailed') THEN 1 ELSE 0 END), MAX(r.time_start) FROM test_run r "
                + "WHERE r.session_id IN " + in + " GROUP BY r.tentacle", window, rs -> {
                    runs.put(rs.getString(1), new int[] {rs.getInt(2), rs.getInt(3), 0, 0, 0});
                    last.put(rs.getString(1), rs.getString(4));
                });
        q.each("SELECT r.tentacle, COUNT(*), SUM(CASE WHEN a.status IN ('error', 'timeout') THEN 1 ELSE 0 END), "
                + "SUM(CASE WHEN a.error_kind = 'flash_failed' THEN 1 ELSE 0 END) FROM test_run r JOIN attempt a ON a.run_id = r.id "
                + "WHERE r.session_id IN " + in + " GROUP BY r.tentacle", window, rs -> {
                    int[] c = runs.computeIfAbsent(rs.getString(1), k -> new int[5]);
                    c[2] = rs.getInt(2);
                    c[3] = rs.getInt(3);
                    c[4] = rs.getInt(4);
                });
        List<History.TentacleRecord> out = new ArrayList<>();
        runs.forEach((t, c) -> out.add(new History.TentacleRecord(t, c[0], c[1], c[2], c[3], c[4], last.getOrDefault(t, ""))));
        out.sort(Comparator.comparing(History.TentacleRecord::tentacle));
        return out;
    }

    static List<History.FailingTest> failing(Sql q, int lastSessions) throws SQLException {
        List<String> window = window(q, lastSessions);
        if (window.isEmpty()) {
            return List.of();
        }
        List<ResultQueries.RunRef> runs = ResultQueries.runs(q, "r.session_id IN " + ResultRows.placeholders(window.size()), window);
        List<ResultRow> rows = new ArrayList<>(ResultQueries.outcomesOf(q, ResultQueries.failing(q, runs, true), false, runs, true));
        rows.sort(Comparator.comparing(ResultRow::sessionStart).reversed());
        record Key(String group, String test, String boardVariant) {}
        Map<Key, List<ResultRow>> series = new LinkedHashMap<>();
        for (ResultRow r : rows) {
            if (decisive(r.outcome())) {
                series.computeIfAbsent(new Key(r.testgroup(), r.test(), r.boardVariant().name()), k -> new ArrayList<>()).add(r);
            }
        }
        List<History.FailingTest> out = new ArrayList<>();
        series.forEach((k, newestFirst) -> {
            // Its failing streak: every outcome since the last pass (newest first), in at least two sessions.
            List<ResultRow> streak = new ArrayList<>();
            for (ResultRow r : newestFirst) {
                if (!r.outcome().isFailure()) {
                    break;
                }
                streak.add(r);
            }
            List<String> sessions = streak.stream().map(ResultRow::session).distinct().toList();
            if (sessions.size() >= 2) {
                out.add(new History.FailingTest(k.group(), k.test(), k.boardVariant(), streak.size(), sessions));
            }
        });
        out.sort(Comparator.comparing(History.FailingTest::failures).reversed().thenComparing(History.FailingTest::test));
        return out;
    }

    static List<History.GroupPassRate> passRatesByBoard(Sql q, int lastSessions) throws SQLException {
        List<String> window = window(q, lastSessions);
        if (window.isEmpty()) {
            return List.of();
        }
        return q.list("SELECT r.board, r.variant, COUNT(DISTINCT r.session_id), COUNT(*), SUM(CASE WHEN r.outcome IN ('passed', 'xfailed') THEN 1 ELSE 0 END), "
                + "SUM(r.final_passed + r.final_failed), SUM(r.final_passed) FROM test_run r WHERE r.final_attempt IS NOT NULL AND r.session_id IN "
                + ResultRows.placeholders(window.size()) + " GROUP BY r.board, r.variant ORDER BY r.board, r.variant", window,
                rs -> new History.GroupPassRate("", ResultQueries.boardVariant(rs.getString(1), rs.getString(2)).name(), rs.getInt(3), rs.getInt(4),
                        rs.getInt(5), rs.getLong(6), rs.getLong(7)));
    }
}
