package testbed.history;

import static testbed.history.ResultRows.boardVariant;
import static testbed.history.ResultRows.failed;
import static testbed.history.ResultRows.finalAttempts;
import static testbed.history.ResultRows.lastSessions;
import static testbed.history.ResultRows.passed;
import static testbed.history.ResultRows.tag;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
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
import testbed.history.ResultRows.ResultRow;
import testbed.model.BoardVariant;
import testbed.model.LabException;
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
    private Connection connection;
    
    private JdbcRecorder recorder;
    private final String user;
    private final String password;

    private JdbcHistory(String url, String user, String password, Connection connection) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.connection = connection;
        this.recorder = new JdbcRecorder(connection);
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
            var config = Flyway.configure().dataSource(url, user, password).locations("classpath:db/migration")
                    .loggers("log4j2");
            if (target != null) {
                config.target(target);
            }
            if (url.startsWith("jdbc:sqlite:")) {
                // Two sessions starting at once on a new file would both migrate it (SQLite has no lock Flyway can take): one at a time.
                Path lockFile = Path.of(url.substring("jdbc:sqlite:".length()) + ".migrate.lock");
                try (var ch = java.nio.channels.FileChannel.open(lockFile, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
                        var lock = ch.lock()) {
                    config.load().migrate();
                }
            } else {
                config.load().migrate(); // PostgreSQL: Flyway takes an advisory lock itself
            }
            return new JdbcHistory(url, user, password, Connections.connect(url, user, password));
        } catch (SQLException | org.flywaydb.core.api.FlywayException | java.io.IOException e) {
            throw new LabException("history " + redact(url) + ": " + firstLine(e.getMessage()), e);
        }
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
            LOG.info("history {}: reconnected", redact(url));
        } catch (SQLException e) {
            LOG.debug("history {}: reconnect failed: {}", redact(url), e.getMessage());
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

    // ---- queries ----

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
            reconnectIfBroken();
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

    @Override
    public List<GroupPassRate> passRates(String boardVariant, int lastSessions) {
        // A board alone means all its variants; BOARD-VARIANT means that one.
        return Analyses.passRates(resultRows("WHERE g.board = ?", List.of(BoardVariant.parse(boardVariant).board())), boardVariant, lastSessions);
    }

    @Override
    public List<FlakyTest> flaky(int lastSessions) {
        return Analyses.flaky(resultRows("", List.of()), lastSessions);
    }

    @Override
    public List<Regression> regressions(String from, String to) {
        return Analyses.regressions(finalAttempts(resultRows("", List.of())), from, to);
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

    @Override
    public Changes changes(String sessionId) {
        return Analyses.changes(resultRows("", List.of()), sessionId, perf(Optional.empty()));
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
