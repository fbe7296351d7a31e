package testbed.history;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import testbed.history.ResultRows.ResultRow;
import testbed.model.BoardVariant;
import testbed.model.Role;

/**
 * Result rows, read failure first and by key: a test that never failed in the sessions looked at neither regressed,
 * was fixed, nor flipped, so the analyses find the failures through their partial index and then read only those
 * tests' outcomes. Every read names its rows (runs by session or id, attempts by run, results by attempt and name),
 * so SQLite and PostgreSQL both answer with index lookups, whatever the statistics, and the cost grows with the
 * failures of the window, never with the years recorded.
 */
final class ResultQueries {

    private ResultQueries() {}

    /** A test that failed somewhere in the runs looked at, on one tentacle. */
    record Failing(String testgroup, String tentacle, String test) {}

    /** A run looked at: everything its results are grouped by. */
    record RunRef(String id, String session, String sessionStart, String testgroup, String tentacle, String kind, Role role, BoardVariant boardVariant,
            String firmware, String finalAttempt) {}

    /** An attempt of a run looked at. */
    private record AttemptRef(String id, RunRef run, String letter) {}

    /** The runs {@code where} picks (by an indexed column: a session, a run id), without their results. */
    static List<RunRef> runs(Sql q, String where, List<?> args) throws SQLException {
        return q.list("SELECT r.id, r.session_id, s.time_start, r.testgroup, r.tentacle, r.kind, r.role, r.board, r.variant, g.firmware, r.final_attempt "
                + "FROM test_run r JOIN test_session s ON s.id = r.session_id JOIN sut_group g ON g.id = r.sut_id WHERE " + where, args,
                rs -> new RunRef(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                        Role.of(rs.getString(7)), boardVariant(rs.getString(8), rs.getString(9)), rs.getString(10), rs.getString(11)));
    }

    /** The attempts of these runs (every one, or each run's final one). */
    private static List<AttemptRef> attempts(Sql q, List<RunRef> runs, boolean finalOnly) throws SQLException {
        Map<String, RunRef> byId = new HashMap<>();
        runs.forEach(r -> byId.put(r.id(), r));
        List<AttemptRef> out = new ArrayList<>();
        for (List<String> chunk : Sql.chunks(List.copyOf(byId.keySet()), 400)) {
            q.each("SELECT id, run_id, letter FROM attempt WHERE run_id IN " + ResultRows.placeholders(chunk.size()), chunk, rs -> {
                RunRef run = byId.get(rs.getString(2));
                if (!finalOnly || rs.getString(1).equals(run.finalAttempt())) {
                    out.add(new AttemptRef(rs.getString(1), run, rs.getString(3)));
                }
            });
        }
        return out;
    }

    /** The tests that failed in these runs (every attempt, or each run's final one), found through the failures' index. */
    static Set<Failing> failing(Sql q, List<RunRef> runs, boolean finalOnly) throws SQLException {
        Map<String, AttemptRef> attempts = new HashMap<>();
        attempts(q, runs, finalOnly).forEach(a -> attempts.put(a.id(), a));
        Set<Failing> out = new LinkedHashSet<>();
        for (List<String> chunk : Sql.chunks(List.copyOf(attempts.keySet()), 400)) {
            q.each("SELECT attempt_id, name FROM test_result WHERE attempt_id IN " + ResultRows.placeholders(chunk.size()) + " AND outcome IN "
                    + RunKeysMigration.FAILURES, chunk, rs -> {
                        RunRef run = attempts.get(rs.getString(1)).run();
                        out.add(new Failing(run.testgroup(), run.tentacle(), rs.getString(2)));
                    });
        }
        return out;
    }

    /**
     * Every outcome of these tests in these runs: per group (any tentacle: a tentacle is compared with its twin when it
     * has no earlier outcome of its own), or per group and tentacle when {@code perTentacle}.
     */
    static List<ResultRow> outcomesOf(Sql q, Set<Failing> tests, boolean perTentacle, List<RunRef> runs, boolean finalOnly) throws SQLException {
        Map<List<String>, Set<String>> names = new HashMap<>();
        tests.forEach(f -> names.computeIfAbsent(perTentacle ? List.of(f.testgroup(), f.tentacle()) : List.of(f.testgroup()),
                k -> new LinkedHashSet<>()).add(f.test()));
        List<RunRef> wanted = runs.stream().filter(r -> names.containsKey(perTentacle ? List.of(r.testgroup(), r.tentacle()) : List.of(r.testgroup())))
                .toList();
        Map<Set<String>, List<AttemptRef>> byNames = new LinkedHashMap<>();
        for (AttemptRef a : attempts(q, wanted, finalOnly)) {
            Set<String> n = names.get(perTentacle ? List.of(a.run().testgroup(), a.run().tentacle()) : List.of(a.run().testgroup()));
            byNames.computeIfAbsent(n, k -> new ArrayList<>()).add(a);
        }
        List<ResultRow> rows = new ArrayList<>();
        for (var e : byNames.entrySet()) {
            Map<String, AttemptRef> byId = new HashMap<>();
            e.getValue().forEach(a -> byId.put(a.id(), a));
            for (List<String> ids : Sql.chunks(List.copyOf(byId.keySet()), 200)) {
                for (List<String> chunk : Sql.chunks(List.copyOf(e.getKey()), 400)) {
                    List<Object> args = new ArrayList<>(ids);
                    args.addAll(chunk);
                    q.each("SELECT attempt_id, name, outcome FROM test_result WHERE attempt_id IN " + ResultRows.placeholders(ids.size())
                            + " AND name IN " + ResultRows.placeholders(chunk.size()), args, rs -> {
                                AttemptRef a = byId.get(rs.getString(1));
                                RunRef r = a.run();
                                rows.add(new ResultRow(r.session(), r.sessionStart(), r.testgroup(), r.tentacle(), r.kind(), r.role(), r.boardVariant(),
                                        r.firmware(), r.id(), a.letter(), rs.getString(2), ResultRows.outcome(rs.getString(3)), a.id().equals(r.finalAttempt())));
                            });
                }
            }
        }
        return rows;
    }

    private static final Map<String, BoardVariant> PARSED = new java.util.concurrent.ConcurrentHashMap<>();

    static BoardVariant boardVariant(String board, String variant) {
        String v = variant == null ? "" : variant;
        return PARSED.computeIfAbsent(board + "\n" + v, k -> new BoardVariant(board, v));
    }
}
