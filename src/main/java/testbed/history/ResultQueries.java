package testbed.history;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import testbed.history.ResultRows.ResultRow;
import testbed.model.BoardVariant;
import testbed.model.Role;

/**
 * Result rows, read failure first: a test that never failed in the sessions looked at neither regressed, was fixed,
 * nor flipped, so the analyses find the failures through their own (partial) index and then read only those tests'
 * outcomes. What they read grows with the failures of the window, not with the tests run or the years recorded.
 */
final class ResultQueries {

    private ResultQueries() {}

    /** A test that failed somewhere in the runs looked at, on one tentacle. */
    record Failing(String testgroup, String tentacle, String test) {}

    private static final String ROW = "SELECT r.session_id, s.time_start, r.testgroup, r.tentacle, r.kind, r.role, r.board, r.variant, g.firmware, r.id, "
            + "a.letter, t.name, t.outcome, CASE WHEN a.id = r.final_attempt THEN 1 ELSE 0 END FROM test_run r JOIN test_session s ON s.id = r.session_id JOIN sut_group g ON g.id = r.sut_id ";

    /** A run looked at: its id and what its results are grouped by. */
    record RunRef(String id, String testgroup, String tentacle) {}

    /** The runs {@code where} picks (by an indexed column: a session, a run id), without their results. */
    static List<RunRef> runs(Sql q, String where, List<?> args) throws SQLException {
        return q.list("SELECT r.id, r.testgroup, r.tentacle FROM test_run r WHERE " + where, args,
                rs -> new RunRef(rs.getString(1), rs.getString(2), rs.getString(3)));
    }

    /** The tests that failed in these runs (every attempt, or each run's final one), found through the failures' index. */
    static Set<Failing> failing(Sql q, List<RunRef> runs, boolean finalOnly) throws SQLException {
        Set<Failing> out = new LinkedHashSet<>();
        for (List<RunRef> chunk : Sql.chunks(runs, 400)) {
            q.each("SELECT DISTINCT r.testgroup, r.tentacle, t.name FROM test_run r JOIN attempt a ON a.run_id = r.id"
                    + (finalOnly ? " AND a.id = r.final_attempt" : "") + " JOIN test_result t ON t.attempt_id = a.id AND t.outcome IN "
                    + RunKeysMigration.FAILURES + " WHERE r.id IN " + ResultRows.placeholders(chunk.size()), chunk.stream().map(RunRef::id).toList(),
                    rs -> out.add(new Failing(rs.getString(1), rs.getString(2), rs.getString(3))));
        }
        return out;
    }

    /**
     * Every outcome of these tests in these runs: per group (any tentacle: a tentacle is compared with its twin when it
     * has no earlier outcome of its own), or per group and tentacle when {@code perTentacle}. The runs are picked by
     * id, so each query is a few index lookups, whatever the history holds.
     */
    static List<ResultRow> outcomesOf(Sql q, Set<Failing> tests, boolean perTentacle, List<RunRef> runs, boolean finalOnly) throws SQLException {
        Map<List<String>, Set<String>> names = new TreeMap<>((x, y) -> String.join("\n", x).compareTo(String.join("\n", y)));
        tests.forEach(f -> names.computeIfAbsent(perTentacle ? List.of(f.testgroup(), f.tentacle()) : List.of(f.testgroup()),
                k -> new LinkedHashSet<>()).add(f.test()));
        List<ResultRow> rows = new ArrayList<>();
        for (var e : names.entrySet()) {
            List<String> ids = runs.stream().filter(r -> r.testgroup().equals(e.getKey().get(0)) && (!perTentacle || r.tentacle().equals(e.getKey().get(1))))
                    .map(RunRef::id).toList();
            for (List<String> idChunk : Sql.chunks(ids, 200)) {
                for (List<String> chunk : Sql.chunks(List.copyOf(e.getValue()), 400)) {
                    List<Object> a = new ArrayList<>(idChunk);
                    a.addAll(chunk);
                    rows.addAll(rows(q, finalOnly, "r.id IN " + ResultRows.placeholders(idChunk.size()) + " AND t.name IN "
                            + ResultRows.placeholders(chunk.size()), a));
                }
            }
        }
        return rows;
    }

    /** Result rows of the runs {@code where} picks; {@code finalOnly}: only each run's last attempt. */
    static List<ResultRow> rows(Sql q, boolean finalOnly, String where, List<?> args) throws SQLException {
        return q.list(ROW + "JOIN attempt a ON a.run_id = r.id" + (finalOnly ? " AND a.id = r.final_attempt" : "")
                + " JOIN test_result t ON t.attempt_id = a.id WHERE " + where, args, rs -> new ResultRow(rs.getString(1), rs.getString(2),
                        rs.getString(3), rs.getString(4), rs.getString(5), Role.of(rs.getString(6)), boardVariant(rs.getString(7), rs.getString(8)),
                        rs.getString(9), rs.getString(10), rs.getString(11), rs.getString(12), ResultRows.outcome(rs.getString(13)), rs.getInt(14) == 1));
    }

    private static final Map<String, BoardVariant> PARSED = new java.util.concurrent.ConcurrentHashMap<>();

    static BoardVariant boardVariant(String board, String variant) {
        String v = variant == null ? "" : variant;
        return PARSED.computeIfAbsent(board + "\n" + v, k -> new BoardVariant(board, v));
    }

    static Optional<String> first(List<String> values) {
        return values.stream().findFirst();
    }
}
