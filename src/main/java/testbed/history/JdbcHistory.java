package testbed.history;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
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
import java.util.TreeMap;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.flywaydb.core.Flyway;
import testbed.model.BoardVariant;
import testbed.model.LabException;
import testbed.results.AttemptRecord;
import testbed.runner.Outcome;
import testbed.runner.TestResult;
import testbed.session.SessionRecord;
import testbed.session.SessionRecorder;

/**
 * The history in a JDBC database: SQLite by default, PostgreSQL for a shared lab. The schema is migrated by Flyway
 * on open, so an old database upgrades itself. SQL stays portable (upserts with {@code ON CONFLICT}, no vendor
 * functions); the analyses run in Java over plain rows so both databases answer identically.
 */
public final class JdbcHistory implements History, SessionRecorder {

    private static final Logger LOG = LogManager.getLogger(JdbcHistory.class);

    private final String url;
    private final Connection connection;
    private final Set<String> recordedRuns = new HashSet<>();

    private final String user;
    private final String password;

    private JdbcHistory(String url, String user, String password, Connection connection) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.connection = connection;
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
            }
            var config = Flyway.configure().dataSource(url, user, password).locations("classpath:db/migration")
                    .loggers("log4j2");
            if (target != null) {
                config.target(target);
            }
            config.load().migrate();
            Connection c = DriverManager.getConnection(url, user, password);
            return new JdbcHistory(url, user, password, c);
        } catch (SQLException | org.flywaydb.core.api.FlywayException | java.io.IOException e) {
            throw new LabException("history " + redact(url) + ": " + firstLine(e.getMessage()), e);
        }
    }

    /** The schema version the database is at. */
    public String schemaVersion() {
        return Flyway.configure().dataSource(url, user, password).locations("classpath:db/migration").loggers("log4j2").load()
                .info().current().getVersion().getVersion();
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
            connection.setAutoCommit(false);
            update("""
                    INSERT INTO test_session (id, lab, host, user_name, trigger_kind, command_line, firmware_ref, tests_ref, time_start,
                                              time_end, duration_s, status, verdict)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET time_end = excluded.time_end, duration_s = excluded.duration_s,
                                                   status = excluded.status, verdict = excluded.verdict""",
                    s.sessionId(), s.lab(), s.host(), s.user() == null ? "" : s.user(), s.trigger(), String.join(" ", s.commandLine()),
                    String.join(",", s.firmware()), s.testsRef(), s.timeStart(), s.timeEnd(), s.durationSeconds(), s.status(), s.verdict());
            for (SessionRecord.Run run : s.runs()) {
                if (run.attempts().isEmpty()) {
                    recordUnfinished(s.sessionId(), run);
                } else {
                    recordRun(s.sessionId(), run);
                }
            }
            connection.commit();
        } catch (SQLException e) {
            rollback();
            throw new LabException("history " + redact(url) + ": " + firstLine(e.getMessage()), e);
        }
    }

    private static final String INSERT_SUT = "INSERT INTO sut_group (id, board, variant, firmware) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING";
    private static final String INSERT_RUN = """
            INSERT INTO test_run (id, session_id, sut_id, testid, testgroup, tentacle, reference, role, outcome, time_start, duration_s,
                                  board, variant)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING""";
    private static final String INSERT_ATTEMPT = """
            INSERT INTO attempt (id, run_id, letter, status, error, directory, time_start, duration_s)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING""";
    private static final String INSERT_RESULT = """
            INSERT INTO test_result (attempt_id, name, outcome, duration_s, reason, excerpt) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (attempt_id, name) DO NOTHING""";
    private static final String INSERT_MEASUREMENT =
            "INSERT INTO measurement (attempt_id, name, value, unit) VALUES (?, ?, ?, ?) ON CONFLICT (attempt_id, name) DO NOTHING";

    private void recordRun(String session, SessionRecord.Run run) throws SQLException {
        AttemptRecord first = run.attempts().get(0);
        String runId = session + "/" + first.directory();
        if (recordedRuns.contains(runId)) {
            return;
        }
        String firmware = first.firmware().getOrDefault(first.serial(), "unknown");
        String sut = run.variant() + "|" + firmware;
        update(INSERT_SUT, sut, first.board(), first.variant(), firmware);
        update(INSERT_RUN, runId, session, sut, run.testid(), run.testgroup(), first.tentacle(), first.reference(), first.role(), run.status().label(),
                run.timeStart(), run.durationSeconds(), first.board(), first.variant());
        for (AttemptRecord a : run.attempts()) {
            String attemptId = session + "/" + a.directory();
            update(INSERT_ATTEMPT, attemptId, runId, a.attempt(), a.status().label(), a.error(), a.directory(), a.timeStart(), a.durationSeconds());
            List<Object[]> results = new ArrayList<>();
            for (TestResult t : a.tests()) {
                String reason = t.reason() == null ? "" : t.reason();
                results.add(new Object[] {attemptId, t.name(), t.outcome().label(), t.durationSeconds(),
                    reason.length() > 2000 ? reason.substring(0, 2000) : reason, reason.lines().limit(5).reduce((x, y) -> x + "\n" + y).orElse("")});
            }
            batch(INSERT_RESULT, results);
            batch(INSERT_MEASUREMENT, a.measurements().stream().map(m -> new Object[] {attemptId, m.name(), m.value(), m.unit()}).toList());
        }
        recordedRuns.add(runId);
    }

    /** A run that was still going when the session was killed: it shows up, with no results, as "never finished". */
    private void recordUnfinished(String session, SessionRecord.Run run) throws SQLException {
        String runId = session + "/" + run.testid() + ",unfinished";
        if (recordedRuns.contains(runId)) {
            return;
        }
        BoardVariant bv = BoardVariant.parse(run.variant());
        String sut = run.variant() + "|unknown";
        String role = run.testid().endsWith("-instance0") ? "instance0" : run.testid().endsWith("-instance1") ? "instance1" : "single";
        update(INSERT_SUT, sut, bv.board(), bv.variant(), "unknown");
        update(INSERT_RUN, runId, session, sut, run.testid(), run.testgroup(), run.tentacles().isEmpty() ? "" : run.tentacles().get(0),
                run.tentacles().size() > 1 ? run.tentacles().get(1) : "", role, run.status().label(), run.timeStart(), run.durationSeconds(), bv.board(),
                bv.variant());
        recordedRuns.add(runId);
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

    // ---- queries ----

    /** One test result on the final or an earlier attempt, with everything the analyses group by. */
    record ResultRow(String session, String sessionStart, String lab, String testgroup, String boardVariant, String tag, String firmware,
            String runId, String letter, String test, String outcome) {}

    private List<ResultRow> resultRows(String where, List<String> args) {
        String sql = """
                SELECT s.id, s.time_start, s.lab, r.testgroup, g.board, g.variant, r.tentacle, g.firmware, r.id, a.letter, t.name, t.outcome
                FROM test_result t
                JOIN attempt a ON a.id = t.attempt_id
                JOIN test_run r ON r.id = a.run_id
                JOIN sut_group g ON g.id = r.sut_id
                JOIN test_session s ON s.id = r.session_id
                """ + where + " ORDER BY s.time_start, r.id, a.letter, t.name";
        List<ResultRow> rows = new ArrayList<>();
        query(sql, args, rs -> rows.add(new ResultRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                boardVariant(rs.getString(5), rs.getString(6)), tag(rs.getString(7)), rs.getString(8), rs.getString(9), rs.getString(10),
                rs.getString(11), rs.getString(12))));
        return rows;
    }

    static String boardVariant(String board, String variant) {
        return new BoardVariant(board, variant == null ? "" : variant).name();
    }

    /** {@code 3b01-RPI_PICO_W} → {@code RPI_PICO_W}. */
    static String tag(String tentacleLabel) {
        int dash = tentacleLabel.indexOf('-');
        return dash < 0 ? tentacleLabel : tentacleLabel.substring(dash + 1);
    }

    @FunctionalInterface
    private interface RowReader {
        void read(ResultSet rs) throws SQLException;
    }

    private synchronized void query(String sql, List<String> args, RowReader reader) {
        try (PreparedStatement st = connection.prepareStatement(sql)) {
            for (int i = 0; i < args.size(); i++) {
                st.setString(i + 1, args.get(i));
            }
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    reader.read(rs);
                }
            }
        } catch (SQLException e) {
            throw new LabException("history " + redact(url) + ": " + firstLine(e.getMessage()), e);
        }
    }

    @Override
    public List<SessionRow> sessions(SessionFilter filter) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        List<String> args = new ArrayList<>();
        filter.lab().ifPresent(l -> {
            where.append(" AND s.lab = ?");
            args.add(l);
        });
        filter.since().ifPresent(d -> {
            where.append(" AND s.time_start >= ?");
            args.add(d);
        });
        filter.board().ifPresent(b -> {
            where.append(" AND EXISTS (SELECT 1 FROM test_run x JOIN sut_group y ON y.id = x.sut_id WHERE x.session_id = s.id AND (y.board = ? OR x.tentacle LIKE ?))");
            args.add(b);
            args.add("%-" + b);
        });
        String sql = """
                SELECT s.id, s.lab, s.host, s.trigger_kind, s.time_start, s.duration_s, s.status, s.verdict, s.firmware_ref,
                       COUNT(r.id), SUM(CASE WHEN r.outcome = 'failed' THEN 1 ELSE 0 END)
                FROM test_session s LEFT JOIN test_run r ON r.session_id = s.id
                """ + where + """
                 GROUP BY s.id, s.lab, s.host, s.trigger_kind, s.time_start, s.duration_s, s.status, s.verdict, s.firmware_ref
                ORDER BY s.time_start DESC""";
        List<SessionRow> rows = new ArrayList<>();
        query(sql, args, rs -> {
            if (rows.size() < filter.limit()) {
                rows.add(new SessionRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getDouble(6),
                        rs.getString(7), rs.getString(8), rs.getInt(10), rs.getInt(11), rs.getString(9)));
            }
        });
        return rows;
    }

    /** Keeps, per run, only the results of its last attempt: the run's verdict. */
    private static List<ResultRow> finalAttempts(List<ResultRow> rows) {
        Map<String, String> lastLetter = new java.util.HashMap<>();
        for (ResultRow r : rows) {
            lastLetter.merge(r.runId(), r.letter(), (x, y) -> x.compareTo(y) >= 0 ? x : y);
        }
        return rows.stream().filter(r -> r.letter().equals(lastLetter.get(r.runId()))).toList();
    }

    private static List<String> lastSessions(List<ResultRow> rows, int n) {
        List<String> sessions = rows.stream().map(ResultRow::session).distinct().toList();
        return sessions.subList(Math.max(0, sessions.size() - n), sessions.size());
    }

    static boolean passed(String outcome) {
        return outcome.equals(Outcome.PASSED.label());
    }

    /** Failed, error or timeout, as {@link Outcome#isFailure()} says. */
    static boolean failed(String outcome) {
        for (Outcome o : Outcome.values()) {
            if (o.isFailure() && o.label().equals(outcome)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public List<GroupPassRate> passRates(String boardVariant, int lastSessions) {
        // A board alone means all its variants; BOARD-VARIANT means that one.
        BoardVariant wanted = BoardVariant.parse(boardVariant);
        List<ResultRow> rows = finalAttempts(resultRows("WHERE g.board = ?", List.of(wanted.board()))).stream()
                .filter(r -> wanted.isDefaultVariant() || r.boardVariant().equals(wanted.name())).toList();
        Set<String> keep = new HashSet<>(lastSessions(rows, lastSessions));
        Map<String, long[]> byGroup = new TreeMap<>();
        Map<String, Set<String>> runs = new TreeMap<>();
        Map<String, Set<String>> failedRuns = new TreeMap<>();
        Map<String, Set<String>> sessions = new TreeMap<>();
        for (ResultRow r : rows) {
            if (!keep.contains(r.session())) {
                continue;
            }
            String key = r.testgroup() + "\t" + r.boardVariant();
            long[] c = byGroup.computeIfAbsent(key, k -> new long[2]);
            if (passed(r.outcome()) || failed(r.outcome())) {
                c[0]++;
                c[1] += passed(r.outcome()) ? 1 : 0;
            }
            runs.computeIfAbsent(key, k -> new HashSet<>()).add(r.runId());
            sessions.computeIfAbsent(key, k -> new HashSet<>()).add(r.session());
            if (failed(r.outcome())) {
                failedRuns.computeIfAbsent(key, k -> new HashSet<>()).add(r.runId());
            }
        }
        List<GroupPassRate> result = new ArrayList<>();
        byGroup.forEach((key, c) -> {
            String[] k = key.split("\t");
            int all = runs.get(key).size();
            int failedCount = failedRuns.getOrDefault(key, Set.of()).size();
            result.add(new GroupPassRate(k[0], k[1], sessions.get(key).size(), all, all - failedCount, c[0], c[1]));
        });
        return result;
    }

    @Override
    public List<FlakyTest> flaky(int lastSessions) {
        List<ResultRow> rows = resultRows("", List.of());
        Set<String> keep = new HashSet<>(lastSessions(rows, lastSessions));
        Map<String, List<ResultRow>> series = new LinkedHashMap<>();
        for (ResultRow r : rows) {
            if (keep.contains(r.session()) && (passed(r.outcome()) || failed(r.outcome()))) {
                series.computeIfAbsent(r.testgroup() + "\t" + r.test() + "\t" + r.boardVariant() + "\t" + r.firmware(), k -> new ArrayList<>()).add(r);
            }
        }
        List<FlakyTest> flaky = new ArrayList<>();
        series.forEach((key, list) -> {
            int flips = 0;
            int failures = 0;
            for (int i = 0; i < list.size(); i++) {
                if (failed(list.get(i).outcome())) {
                    failures++;
                }
                if (i > 0 && passed(list.get(i).outcome()) != passed(list.get(i - 1).outcome())) {
                    flips++;
                }
            }
            if (flips > 0) {
                String[] k = key.split("\t", -1);
                flaky.add(new FlakyTest(k[0], k[1], k[2], k[3], list.size(), failures, flips, (double) flips / (list.size() - 1),
                        list.stream().map(ResultRow::session).distinct().toList()));
            }
        });
        flaky.sort(java.util.Comparator.comparingDouble(FlakyTest::flipRate).reversed().thenComparing(FlakyTest::test));
        return flaky;
    }

    @Override
    public List<Regression> regressions(String from, String to) {
        List<ResultRow> rows = finalAttempts(resultRows("", List.of()));
        // Per (board-variant, group, test): the latest outcome on a firmware matching "from" and one matching "to".
        Map<String, ResultRow> onFrom = new TreeMap<>();
        Map<String, ResultRow> onTo = new TreeMap<>();
        for (ResultRow r : rows) {
            String key = r.boardVariant() + "\t" + r.testgroup() + "\t" + r.test();
            if (r.firmware().contains(from)) {
                onFrom.put(key, r);
            }
            if (r.firmware().contains(to)) {
                onTo.put(key, r);
            }
        }
        List<Regression> result = new ArrayList<>();
        onTo.forEach((key, now) -> {
            ResultRow before = onFrom.get(key);
            if (before != null && !before.firmware().equals(now.firmware()) && passed(before.outcome()) && failed(now.outcome())) {
                result.add(new Regression(now.boardVariant(), now.testgroup(), now.test(), before.firmware(), now.firmware(), now.outcome(),
                        now.session()));
            }
        });
        return result;
    }

    @Override
    public List<PerfSeries> perf(Optional<String> boardVariant) {
        String sql = """
                SELECT s.id, g.board, g.variant, g.firmware, m.name, m.unit, m.value
                FROM measurement m
                JOIN attempt a ON a.id = m.attempt_id
                JOIN test_run r ON r.id = a.run_id
                JOIN sut_group g ON g.id = r.sut_id
                JOIN test_session s ON s.id = r.session_id
                ORDER BY s.time_start, a.letter""";
        Map<String, List<Object[]>> series = new LinkedHashMap<>();
        query(sql, List.of(), rs -> {
            String bv = boardVariant(rs.getString(2), rs.getString(3));
            if (boardVariant.isEmpty() || boardVariant.get().equals(bv) || boardVariant.get().equals(rs.getString(2))) {
                series.computeIfAbsent(bv + "\t" + rs.getString(5) + "\t" + rs.getString(6), k -> new ArrayList<>())
                        .add(new Object[] {rs.getString(1), rs.getString(4), rs.getDouble(7)});
            }
        });
        List<PerfSeries> result = new ArrayList<>();
        series.forEach((key, points) -> {
            String[] k = key.split("\t", -1);
            List<Double> values = points.stream().map(p -> (Double) p[2]).toList();
            result.add(new PerfSeries(k[0], k[1], k[2], values, points.stream().map(p -> (String) p[1]).toList(),
                    points.stream().map(p -> (String) p[0]).toList(), Stats.mean(values), Stats.stddev(values), Stats.changes(values)));
        });
        return result;
    }

    /**
     * What each tentacle (label) of a lab ran in its latest recorded run as a DUT: the firmware text it reported.
     * The dry run's best guess at what the boards carry when nothing better is known.
     */
    public Map<String, String> lastFirmware(String lab) {
        Map<String, String> latest = new java.util.LinkedHashMap<>();
        query("""
                SELECT r.tentacle, g.firmware FROM test_run r
                JOIN sut_group g ON g.id = r.sut_id
                JOIN test_session s ON s.id = r.session_id
                WHERE s.lab = ? AND g.firmware <> 'unknown'
                ORDER BY r.time_start""", List.of(lab), rs -> latest.put(rs.getString(1), rs.getString(2)));
        return latest;
    }

    @Override
    public List<DurationStats> durations() {
        Map<String, List<Double>> byKey = new TreeMap<>();
        query("SELECT testgroup, tentacle, duration_s FROM test_run WHERE outcome IN ('passed', 'failed', 'skipped')", List.of(),
                rs -> byKey.computeIfAbsent(rs.getString(1) + "\t" + tag(rs.getString(2)), k -> new ArrayList<>()).add(rs.getDouble(3)));
        List<DurationStats> result = new ArrayList<>();
        byKey.forEach((key, values) -> {
            String[] k = key.split("\t");
            result.add(new DurationStats(k[0], k[1], values.size(), Stats.mean(values), Stats.percentile(values, 0.9)));
        });
        return result;
    }

    @Override
    public List<SessionTrend> trend(String lab, int lastSessions) {
        List<ResultRow> rows = finalAttempts(resultRows("WHERE s.lab = ?", List.of(lab)));
        Set<String> keep = new HashSet<>(lastSessions(rows, lastSessions));
        Map<String, long[]> counts = new LinkedHashMap<>();
        Map<String, String> starts = new LinkedHashMap<>();
        for (ResultRow r : rows) {
            if (!keep.contains(r.session())) {
                continue;
            }
            long[] c = counts.computeIfAbsent(r.session(), k -> new long[2]);
            starts.put(r.session(), r.sessionStart());
            if (passed(r.outcome()) || failed(r.outcome())) {
                c[0]++;
                c[1] += passed(r.outcome()) ? 1 : 0;
            }
        }
        List<SessionTrend> result = new ArrayList<>();
        counts.forEach((s, c) -> result.add(new SessionTrend(s, starts.get(s), c[0], c[1], c[0] == 0 ? 0 : (double) c[1] / c[0])));
        return result;
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
