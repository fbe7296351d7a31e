package testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import testbed.config.Workspace;
import testbed.history.JdbcHistory;
import testbed.history.PostgresServer;

/**
 * Nothing lost: finished runs reach the history although a second process holds the SQLite database locked, although
 * PostgreSQL restarts mid-session, and, when the database stays away, from the journal in results/ afterwards.
 */
@Timeout(300)
class HistoryDurabilityIT {

    private static final String[] MAIN_JOB = {"run", "--lab", "virtual", "--firmware", "RPI_PICO_W"};

    @TempDir
    Path dir;

    private static CompletableFuture<Cli.Result> inBackground(Workspace ws, String... args) {
        return CompletableFuture.supplyAsync(() -> Cli.run(ws, args));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never happened: " + what);
            }
            Thread.sleep(50);
        }
    }

    private static long journalLines(Workspace ws) {
        try {
            Path runs = ws.resultsDir().resolve("runs.jsonl");
            return Files.exists(runs) ? Files.readAllLines(runs).stream().filter(l -> !l.isBlank()).count() : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static long count(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String sessionStatus(String url) throws Exception {
        try (Connection c = DriverManager.getConnection(url); ResultSet rs = c.createStatement().executeQuery("SELECT status FROM test_session")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void aSecondProcessHoldingTheSqliteLockDelaysTheHistoryButLosesNothing() throws Exception {
        Workspace ws = Cli.copyOfCheckout(dir.resolve("ws"));
        Path db = ws.stateDir().resolve("history.sqlite");
        JdbcHistory.open("jdbc:sqlite:" + db).close();
        CompletableFuture<Cli.Result> session = inBackground(ws, MAIN_JOB);
        await("the session started", () -> Files.exists(ws.resultsDir().resolve("session.json")));

        // python3's sqlite3 takes the write lock and keeps it, longer than the busy timeout, while runs finish.
        Process locker = new ProcessBuilder("python3", "-c", "import sqlite3,sys\nc=sqlite3.connect(sys.argv[1], isolation_level=None)\n"
                + "c.execute('BEGIN EXCLUSIVE')\nprint('locked', flush=True)\nsys.stdin.read()\n", db.toString()).redirectErrorStream(true).start();
        assertThat(new String(locker.getInputStream().readNBytes(6))).isEqualTo("locked");
        await("a run finished under the lock", () -> journalLines(ws) >= 1);
        long firstWrite = System.nanoTime(); // the history is written right after the journal line
        await("two runs finished under the lock", () -> journalLines(ws) >= 2);
        await("a write outlived the busy timeout (5 s)", () -> System.nanoTime() - firstWrite > TimeUnit.SECONDS.toNanos(7));
        locker.getOutputStream().close();
        assertThat(locker.waitFor(10, TimeUnit.SECONDS)).isTrue();

        Cli.Result r = session.get(180, TimeUnit.SECONDS);
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        String url = "jdbc:sqlite:" + db;
        assertThat(count(url, "SELECT COUNT(*) FROM test_run")).isEqualTo(journalLines(ws)).isEqualTo(5);
        assertThat(sessionStatus(url)).isEqualTo("completed");
        assertThat(ws.resultsDir().resolve("logger_20_info.log")).content().contains("cannot record session").contains("trying again");
        assertThat(ws.resultsDir().resolve("history-pending.json")).doesNotExist();
    }

    @Test
    void aReadOnlyHistoryFileLosesNothingEither() throws Exception {
        Workspace ws = Cli.copyOfCheckout(dir.resolve("ws"));
        Path db = ws.stateDir().resolve("history.sqlite");
        JdbcHistory.open("jdbc:sqlite:" + db).close();
        // Immutable, so that even root cannot write it (a plain chmod would not stop root).
        Process chattr = new ProcessBuilder("chattr", "+i", db.toString()).redirectErrorStream(true).start();
        String why = new String(chattr.getInputStream().readAllBytes());
        Assumptions.assumeTrue(chattr.waitFor() == 0, "chattr +i not possible here: " + why);
        Cli.Result r;
        try {
            r = Cli.run(ws, append(MAIN_JOB, "--only-test", "BUILTIN-TESTS_EXTMOD"));
        } finally {
            new ProcessBuilder("chattr", "-i", db.toString()).start().waitFor();
        }
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(ExitCodes.INFRASTRUCTURE);
        assertThat(r.err()).contains("history: 1 run not yet recorded").contains("readonly").contains("journal kept at " + ws.resultsDir());
        assertThat(ws.resultsDir().resolve("logger_20_info.log")).content().contains("cannot record session").contains("trying again in");
        Cli.Result imported = Cli.run(ws, "history", "import", ws.resultsDir().toString());
        assertThat(imported.exitCode()).as(imported.err()).isZero();
        String url = "jdbc:sqlite:" + db;
        assertThat(count(url, "SELECT COUNT(*) FROM test_run")).isEqualTo(1);
        assertThat(sessionStatus(url)).isEqualTo("completed");
        assertThat(ws.resultsDir().resolve("history-pending.json")).doesNotExist();
    }

    @Test
    void postgresRestartingMidSessionLosesNothing() throws Exception {
        try (PostgresServer pg = PostgresServer.start().orElse(null)) {
            Workspace ws = Cli.copyOfCheckout(dir.resolve("ws"));
            CompletableFuture<Cli.Result> session = stopPostgresAfterTheFirstRun(pg, ws);
            Thread.sleep(3000); // down for 3 s, as a restart or a failover would be
            pg.startServer();

            Cli.Result r = session.get(180, TimeUnit.SECONDS);
            assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
            assertThat(count(pg.url(), "SELECT COUNT(*) FROM test_run")).isEqualTo(journalLines(ws)).isEqualTo(5);
            assertThat(sessionStatus(pg.url())).isEqualTo("completed");
            assertThat(ws.resultsDir().resolve("report.html")).exists();
            assertThat(ws.resultsDir().resolve("junit.xml")).exists();
        }
    }

    @Test
    void aHistoryThatStaysAwayIsSaidAndCaughtUpFromTheJournalOnce() throws Exception {
        try (PostgresServer pg = PostgresServer.start().orElse(null)) {
            Workspace ws = Cli.copyOfCheckout(dir.resolve("ws"));
            CompletableFuture<Cli.Result> session = stopPostgresAfterTheFirstRun(pg, ws);
            Cli.Result r = session.get(180, TimeUnit.SECONDS);
            assertThat(r.exitCode()).as("the tests passed, the history is behind: " + r.out() + r.err()).isEqualTo(ExitCodes.INFRASTRUCTURE);
            assertThat(r.err()).containsPattern("history: \\d+ runs? not yet recorded").contains("journal kept at " + ws.resultsDir())
                    .contains("testbed history import");
            assertThat(ws.resultsDir().resolve("history-pending.json")).exists();
            assertThat(ws.resultsDir().resolve("report.html")).as("reports are written whatever the history does").exists();
            assertThat(ws.resultsDir().resolve("junit.xml")).exists();

            pg.startServer();
            // The next session replays the folder before it moves it to the archive.
            Cli.Result next = Cli.run(ws, "run", "--lab", "virtual", "--firmware", "RPI_PICO_W", "--only-test", "BUILTIN-TESTS_EXTMOD", "--history", pg.url());
            assertThat(next.exitCode()).as(next.out() + next.err()).isZero();
            assertThat(next.out()).containsPattern("history: recorded 5 runs of session \\S+ from ");
            assertThat(count(pg.url(), "SELECT COUNT(*) FROM test_session")).isEqualTo(2);
            assertThat(count(pg.url(), "SELECT COUNT(*) FROM test_run")).isEqualTo(6);
            assertThat(count(pg.url(), "SELECT COUNT(*) FROM test_session WHERE status = 'completed'")).isEqualTo(2);
            long attempts = count(pg.url(), "SELECT COUNT(*) FROM attempt");
            long results = count(pg.url(), "SELECT COUNT(*) FROM test_result");

            // By hand, twice, over the whole results folder (the archive included): no duplicate rows.
            for (int i = 0; i < 2; i++) {
                Cli.Result imported = Cli.run(ws, "history", "import", ws.resultsDir().toString(), "--history", pg.url());
                assertThat(imported.exitCode()).as(imported.err()).isZero();
                assertThat(imported.out()).contains("5 runs recorded").contains("1 runs recorded");
            }
            assertThat(count(pg.url(), "SELECT COUNT(*) FROM test_session")).isEqualTo(2);
            assertThat(count(pg.url(), "SELECT COUNT(*) FROM test_run")).isEqualTo(6);
            assertThat(count(pg.url(), "SELECT COUNT(*) FROM attempt")).isEqualTo(attempts);
            assertThat(count(pg.url(), "SELECT COUNT(*) FROM test_result")).isEqualTo(results);
        }
    }

    /** The main job on PostgreSQL, whose server stops once the first run is in the journal (the session goes on). */
    private static CompletableFuture<Cli.Result> stopPostgresAfterTheFirstRun(PostgresServer pg, Workspace ws) throws Exception {
        Assumptions.assumeTrue(pg != null && pg.controllable(), "PostgreSQL (Debian's postgresql) is not installed");
        CompletableFuture<Cli.Result> session = inBackground(ws, append(MAIN_JOB, "--history", pg.url()));
        await("a run finished", () -> journalLines(ws) >= 1);
        pg.stopServer();
        return session;
    }

    private static String[] append(String[] a, String... more) {
        String[] all = java.util.Arrays.copyOf(a, a.length + more.length);
        System.arraycopy(more, 0, all, a.length, more.length);
        return all;
    }
}
