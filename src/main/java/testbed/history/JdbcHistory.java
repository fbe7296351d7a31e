package testbed.history;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import testbed.history.ResultRows.ResultRow;
import testbed.model.BoardVariant;
import testbed.model.LabException;
import testbed.model.Role;
import testbed.model.WorkKey;
import testbed.session.SessionRecord;
import testbed.session.SessionRecorder;
import testbed.session.SessionState;
import testbed.session.Verdict;

/**
 * The history in a JDBC database: SQLite by default, PostgreSQL for a shared lab. The schema is migrated by Flyway
 * on open, so an old database upgrades itself; a database of a newer schema than this testbed knows is refused. SQL
 * stays portable (upserts with {@code ON CONFLICT}, no vendor functions). Every query is bounded in SQL by the
 * sessions it needs; the shaping runs in Java ({@link Analyses}) so both databases answer identically.
 */
public final class JdbcHistory implements History, SessionRecorder {

    private static final Logger LOG = LogManager.getLogger(JdbcHistory.class);
    /** Sessions whose runs the duration estimates and the dry run's "what the boards carry" read. */
    private static final int RECENT_SESSIONS = 100;

    private final String url;
    private final String user;
    private final String password;
    private Connection connection;
    private JdbcRecorder recorder;
    private Sql sql;

    private JdbcHistory(String url, String user, String password, Connection connection) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.connection = connection;
        this.recorder = new JdbcRecorder(connection);
        this.sql = new Sql(connection, "history " + redact(url));
    }

    /** Opens (creating and migrating) the database at a JDBC URL: {@code jdbc:sqlite:FILE} or {@code jdbc:postgresql://...}. */
    public static JdbcHistory open(String url) {
        return open(url, null, null, null);
    }

    /** With the settings' user and password ($TESTBED_HISTORY_USER/_PASSWORD: they stay out of command lines and records). */
    public static JdbcHistory open(String url, testbed.config.Settings settings) {
        boolean pg = url.startsWith("jdbc:postgresql:");
        return open(url, pg ? settings.historyUser().orElse(null) : null, pg ? settings.historyPassword().orElse(null) : null, null);
    }

    /**
     * @param user, password for PostgreSQL; null when the URL carries them or for SQLite
     * @param target migrate only up to this schema version (tests of upgrades); null for the latest
     */
    public static JdbcHistory open(String url, String user, String password, String target) {
        try {
            if (url.startsWith("jdbc:sqlite:")) {
                Path file = Path.of(url.substring("jdbc:sqlite:".length()));
                if (file.getParent() != null) {
                    Files.createDirectories(file.getParent());
                }
                Connections.checkSqliteHeader(url, file);
            }
            FluentConfiguration config = flyway(url, user, password);
            if (target != null) {
                config.target(target);
            }
            if (url.startsWith("jdbc:sqlite:")) {
                // Two sessions starting at once on a new file would both migrate it (SQLite has no lock Flyway can take): one at a time.
                Path lockFile = Path.of(url.substring("jdbc:sqlite:".length()) + ".migrate.lock");
                testbed.config.FileLocks.exclusive(lockFile, () -> {
                    migrate(config, url);
                    return null;
                });
            } else {
                migrate(config, url); // PostgreSQL: Flyway takes an advisory lock itself
            }
            return new JdbcHistory(url, user, password, Connections.connect(url, user, password));
        } catch (SQLException | org.flywaydb.core.api.FlywayException | java.io.IOException e) {
            throw new LabException("history " + redact(url) + ": " + firstLine(e.getMessage()), e);
        }
    }

    private static FluentConfiguration flyway(String url, String user, String password) {
        return Flyway.configure().dataSource(url, user, password).locations("classpath:db/migration").javaMigrations(new RunKeysMigration())
                .loggers("log4j2");
    }

    /** A database a newer testbed migrated is never written into: its tables may mean something this version does not know. */
    private static void migrate(FluentConfiguration config, String url) {
        Flyway flyway = config.load();
        for (MigrationInfo m : flyway.info().all()) {
            if (m.getState() == MigrationState.FUTURE_SUCCESS || m.getState() == MigrationState.FUTURE_FAILED) {
                throw new LabException("history " + redact(url) + ": schema version " + m.getVersion() + " (" + m.getDescription()
                        + ") is newer than this testbed knows; use a newer testbed or another --history");
            }
        }
        flyway.migrate();
    }

    /** After a failed write: a connection the server dropped (a restart) is replaced, so the next try can succeed. */
    private void reconnectIfBroken() {
        try {
            if (connection.isValid(2)) {
                return;
            }
        } catch (SQLException e) {
            // treat as broken
        }
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.debug("closing a broken history connection: {}", e.getMessage());
        }
        try {
            connection = Connections.connect(url, user, password);
            recorder = new JdbcRecorder(connection);
            sql = new Sql(connection, "history " + redact(url));
            LOG.info("history {}: reconnected", redact(url));
        } catch (SQLException e) {
            LOG.debug("history {}: reconnect failed: {}", redact(url), e.getMessage());
        }
    }

    /** The schema version the database is at. */
    public String schemaVersion() {
        return flyway(url, user, password).load().info().current().getVersion().getVersion();
    }

    static String redact(String url) {
        return url.replaceAll("password=[^&]*", "password=***");
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }

    // ---- recording ----

    @Override
    public synchronized void record(SessionRecord s) {
        try {
            recorder.record(s);
        } catch (AssertionError e) {
            // The PostgreSQL driver asserts on a connection the server dropped (seen with -ea): a broken connection too.
            reconnectIfBroken();
            throw new LabException("history " + redact(url) + ": " + e.getMessage(), e);
        } catch (SQLException e) {
            reconnectIfBroken();
            throw new LabException("history " + redact(url) + ": " + firstLine(e.getMessage()), e);
        }
    }

    // ---- queries: each reads a window of sessions chosen by index ----

    private synchronized <T> T read(Sql.Body<T> body) {
        try {
            return body.run(sql);
        } catch (SQLException e) {
            reconnectIfBroken();
            throw new LabException("history " + redact(url) + ": " + firstLine(e.getMessage()), e);
        }
    }

    @Override
    public List<SessionRow> sessions(SessionFilter filter) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        filter.lab().ifPresent(l -> {
            where.append(" AND s.lab = ?");
            args.add(l);
        });
        filter.since().ifPresent(d -> {
            where.append(" AND s.time_start >= ?");
            args.add(d);
        });
        filter.board().ifPresent(b -> {
            where.append(" AND EXISTS (SELECT 1 FROM test_run x WHERE x.session_id = s.id AND (x.board = ? OR x.kind = ?))");
            args.add(b);
            args.add(b);
        });
        args.add(filter.limit());
        return read(q -> q.list("""
                SELECT s.id, s.lab, s.host, s.trigger_kind, s.time_start, s.duration_s, s.status, s.verdict, s.firmware_ref,
                       (SELECT COUNT(*) FROM test_run r WHERE r.session_id = s.id),
                       (SELECT COUNT(*) FROM test_run r WHERE r.session_id = s.id AND r.outcome = 'failed')
                FROM test_session s""" + where + " ORDER BY s.time_start DESC LIMIT ?", args,
                rs -> new SessionRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getDouble(6),
                        SessionState.of(rs.getString(7)), Verdict.of(rs.getString(8)), rs.getInt(10), rs.getInt(11), rs.getString(9))));
    }

    @Override
    public List<GroupPassRate> passRates(String boardVariant, int lastSessions) {
        BoardVariant wanted = BoardVariant.parse(boardVariant);
        return read(q -> {
            List<String> window = q.column("SELECT s.id FROM test_session s WHERE EXISTS (SELECT 1 FROM test_run r WHERE r.board = ? "
                    + "AND r.session_id = s.id) ORDER BY s.time_start DESC LIMIT ?", List.of(wanted.board(), lastSessions));
            // A board alone means all its variants; BOARD-VARIANT means that one.
            List<Object> args = new ArrayList<>(List.of(wanted.board()));
            args.addAll(window);
            if (!wanted.isDefaultVariant()) {
                args.add(wanted.variant());
            }
            return q.list("SELECT r.testgroup, r.board, r.variant, COUNT(DISTINCT r.session_id), COUNT(*), "
                    + "SUM(CASE WHEN r.outcome IN ('passed', 'xfailed') THEN 1 ELSE 0 END), SUM(r.final_passed + r.final_failed), SUM(r.final_passed) "
                    + "FROM test_run r WHERE r.final_attempt IS NOT NULL AND r.board = ? AND r.session_id IN " + ResultRows.placeholders(window.size())
                    + (wanted.isDefaultVariant() ? "" : " AND r.variant = ?") + " GROUP BY r.testgroup, r.board, r.variant ORDER BY r.testgroup, r.variant",
                    args, rs -> new GroupPassRate(rs.getString(1), boardVariant(rs.getString(2), rs.getString(3)).name(), rs.getInt(4), rs.getInt(5), rs.getInt(6),
                            rs.getLong(7), rs.getLong(8)));
        });
    }

    @Override
    public List<String> outcomesAt(String commit, String test, BoardVariant boardVariant) {
        String prefix = commit.substring(0, Math.min(12, commit.length()));
        if (!prefix.matches("[0-9a-f]{7,12}")) {
            return List.of();
        }
        return read(q -> {
            // Sessions are few next to results: the LIKE scans them; the results are then reached by index.
            List<String> window = q.column("SELECT id FROM test_session WHERE tests_ref LIKE ? ORDER BY time_start DESC LIMIT 20",
                    List.of("%(commit " + prefix + ")%"));
            if (window.isEmpty()) {
                return List.<String>of();
            }
            List<Object> args = new ArrayList<>(window);
            args.addAll(List.of(boardVariant.board(), boardVariant.variant(), test));
            return q.list("SELECT t.outcome FROM test_run r JOIN attempt a ON a.run_id = r.id JOIN test_result t ON t.attempt_id = a.id "
                    + "WHERE r.session_id IN " + ResultRows.placeholders(window.size()) + " AND r.board = ? AND r.variant = ? AND t.name = ?", args,
                    rs -> rs.getString(1));
        });
    }

    @Override
    public List<TentacleRecord> tentacles(int lastSessions) {
        return read(q -> LabQueries.tentacles(q, lastSessions));
    }

    @Override
    public List<FailingTest> failing(int lastSessions) {
        return read(q -> LabQueries.failing(q, lastSessions));
    }

    @Override
    public List<GroupPassRate> passRatesByBoard(int lastSessions) {
        return read(q -> LabQueries.passRatesByBoard(q, lastSessions));
    }

    @Override
    public List<FlakyTest> flaky(int lastSessions) {
        return read(q -> {
            List<String> window = q.column("SELECT id FROM test_session ORDER BY time_start DESC LIMIT ?", List.of(lastSessions));
            List<ResultQueries.RunRef> runs = ResultQueries.runs(q, "r.session_id IN " + ResultRows.placeholders(window.size()), window);
            List<ResultRow> rows = new ArrayList<>(ResultQueries.outcomesOf(q, ResultQueries.failing(q, runs, false), true, runs, false));
            rows.sort(java.util.Comparator.comparing(ResultRow::sessionStart).thenComparing(ResultRow::runId).thenComparing(ResultRow::letter));
            return Analyses.flaky(rows);
        });
    }

    @Override
    public List<Regression> regressions(String from, String to) {
        return read(q -> {
            Map<String, String> firmwareOfSut = new HashMap<>();
            q.each("SELECT id, firmware FROM sut_group", List.of(), rs -> firmwareOfSut.put(rs.getString(1), rs.getString(2)));
            List<ResultQueries.RunRef> fromRuns = latestRuns(q, firmwareOfSut, from);
            List<ResultQueries.RunRef> toRuns = latestRuns(q, firmwareOfSut, to);
            java.util.Set<ResultQueries.Failing> failing = ResultQueries.failing(q, toRuns, true);
            return Analyses.regressions(ResultQueries.outcomesOf(q, failing, false, fromRuns, true), ResultQueries.outcomesOf(q, failing, false, toRuns, true));
        });
    }

    /**
     * The newest earlier session of the lab with a test group in common, looked for among the sessions before it a
     * window at a time (by the lab's time index), so finding last night's costs the same after years of nights.
     */
    private static Optional<String> comparable(Sql q, String lab, String before, java.util.Set<String> groups) throws SQLException {
        String start = before;
        while (true) {
            List<String[]> window = q.list("SELECT id, time_start FROM test_session WHERE lab = ? AND time_start < ? ORDER BY time_start DESC LIMIT 50",
                    List.of(lab, start), rs -> new String[] {rs.getString(1), rs.getString(2)});
            if (window.isEmpty()) {
                return Optional.empty();
            }
            List<String> ids = window.stream().map(w -> w[0]).toList();
            java.util.Set<String> withGroup = new java.util.HashSet<>();
            q.each("SELECT DISTINCT session_id, testgroup FROM test_run WHERE session_id IN " + ResultRows.placeholders(ids.size()), ids, rs -> {
                if (groups.contains(rs.getString(2))) {
                    withGroup.add(rs.getString(1));
                }
            });
            for (String id : ids) {
                if (withGroup.contains(id)) {
                    return Optional.of(id);
                }
            }
            start = window.get(window.size() - 1)[1];
        }
    }

    /** The latest run of each (firmware, group, tentacle, role) whose firmware text contains {@code match}. */
    private static List<ResultQueries.RunRef> latestRuns(Sql q, Map<String, String> firmwareOfSut, String match) throws SQLException {
        List<String> suts = firmwareOfSut.entrySet().stream().filter(e -> e.getValue().contains(match)).map(Map.Entry::getKey).toList();
        Map<String, String[]> latest = new HashMap<>();
        for (List<String> chunk : Sql.chunks(suts, 400)) {
            q.each("SELECT r.id, r.sut_id, r.testgroup, r.tentacle, r.role, r.time_start FROM test_run r WHERE r.final_attempt IS NOT NULL "
                    + "AND r.sut_id IN " + ResultRows.placeholders(chunk.size()), List.copyOf(chunk), rs -> {
                        String[] run = {rs.getString(1), rs.getString(6), rs.getString(3), rs.getString(4)};
                        latest.merge(rs.getString(2) + "\n" + rs.getString(3) + "\n" + rs.getString(4) + "\n" + rs.getString(5), run,
                                (a, b) -> a[1].compareTo(b[1]) >= 0 ? a : b);
                    });
        }
        List<ResultQueries.RunRef> runs = new ArrayList<>();
        for (List<String> chunk : Sql.chunks(latest.values().stream().map(r -> r[0]).sorted().toList(), 400)) {
            runs.addAll(ResultQueries.runs(q, "r.id IN " + ResultRows.placeholders(chunk.size()), chunk));
        }
        return runs;
    }

    @Override
    public List<PerfSeries> perf(Optional<String> boardVariant) {
        return read(q -> PerfQuery.series(q, boardVariant, PERF_POINTS));
    }

    @Override
    public Changes changes(String sessionId) {
        return read(q -> {
            List<String[]> self = q.list("SELECT lab, time_start FROM test_session WHERE id = ?", List.of(sessionId),
                    rs -> new String[] {rs.getString(1), rs.getString(2)});
            if (self.isEmpty()) {
                return new Changes(sessionId, Optional.empty(), List.of(), List.of(), List.of(), List.of());
            }
            List<String> groups = q.column("SELECT DISTINCT testgroup FROM test_run WHERE session_id = ?", List.of(sessionId));
            Optional<String> since = comparable(q, self.get(0)[0], self.get(0)[1], new java.util.HashSet<>(groups));
            // What failed here (any attempt) or in the session compared with (final attempts): only those tests can have changed.
            List<ResultQueries.RunRef> mineRuns = ResultQueries.runs(q, "r.session_id = ?", List.of(sessionId));
            List<ResultQueries.RunRef> beforeRuns = since.isEmpty() ? List.of() : ResultQueries.runs(q, "r.session_id = ?", List.of(since.get()));
            java.util.Set<ResultQueries.Failing> failing = new java.util.LinkedHashSet<>(ResultQueries.failing(q, mineRuns, false));
            failing.addAll(ResultQueries.failing(q, beforeRuns, true));
            List<ResultRow> mine = ResultQueries.outcomesOf(q, failing, false, mineRuns, false);
            List<ResultRow> before = ResultQueries.outcomesOf(q, failing, false, beforeRuns, true);
            return Analyses.changes(sessionId, since, mine, before, PerfQuery.series(q, Optional.empty(), PERF_POINTS));
        });
    }

    static BoardVariant boardVariant(String board, String variant) {
        return ResultQueries.boardVariant(board, variant);
    }

    /**
     * What each tentacle (label) of a lab ran in its latest recorded run as a DUT: the firmware text it reported.
     * The dry run's best guess at what the boards carry when nothing better is known.
     */
    public Map<String, String> lastFirmware(String lab) {
        Map<String, String> latest = new LinkedHashMap<>();
        read(q -> {
            List<Object> args = new ArrayList<>(q.column("SELECT id FROM test_session WHERE lab = ? ORDER BY time_start DESC LIMIT ?",
                    List.of(lab, RECENT_SESSIONS)));
            q.each("SELECT r.tentacle, g.firmware FROM test_run r JOIN sut_group g ON g.id = r.sut_id WHERE g.firmware <> 'unknown' "
                    + "AND r.session_id IN " + ResultRows.placeholders(args.size()) + " ORDER BY r.time_start", args,
                    rs -> latest.put(rs.getString(1), rs.getString(2)));
            return null;
        });
        return latest;
    }

    @Override
    public List<DurationStats> durations() {
        return read(q -> {
            List<String> window = q.column("SELECT id FROM test_session ORDER BY time_start DESC LIMIT ?", List.of(RECENT_SESSIONS));
            Map<WorkKey, List<Double>> byKey = new java.util.TreeMap<>();
            q.each("SELECT testgroup, kind, board, variant, role, duration_s FROM test_run WHERE outcome IN ('passed', 'failed', 'skipped') "
                    + "AND kind IS NOT NULL AND session_id IN " + ResultRows.placeholders(window.size()), window,
                    rs -> byKey.computeIfAbsent(new WorkKey(rs.getString(1), rs.getString(2), boardVariant(rs.getString(3), rs.getString(4)), Role.of(rs.getString(5))), k -> new ArrayList<>()).add(rs.getDouble(6)));
            List<DurationStats> result = new ArrayList<>();
            byKey.forEach((key, values) -> result.add(new DurationStats(key, values.size(), Stats.mean(values), Stats.percentile(values, 0.9))));
            return result;
        });
    }

    @Override
    public List<SessionTrend> trend(String lab, int lastSessions) {
        return read(q -> {
            List<Object> window = new ArrayList<>(q.column("SELECT id FROM test_session WHERE lab = ? ORDER BY time_start DESC LIMIT ?",
                    List.of(lab, lastSessions)));
            return q.list("SELECT s.id, s.time_start, SUM(r.final_passed + r.final_failed), SUM(r.final_passed) FROM test_session s "
                    + "JOIN test_run r ON r.session_id = s.id WHERE r.final_attempt IS NOT NULL AND s.id IN " + ResultRows.placeholders(window.size())
                    + " GROUP BY s.id, s.time_start HAVING SUM(r.final_passed + r.final_failed) > 0 ORDER BY s.time_start", window, rs -> {
                        long tests = rs.getLong(3);
                        long passed = rs.getLong(4);
                        return new SessionTrend(rs.getString(1), rs.getString(2), tests, passed, tests == 0 ? 0 : (double) passed / tests);
                    });
        });
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.debug("closing history: {}", e.getMessage());
        }
    }
}
