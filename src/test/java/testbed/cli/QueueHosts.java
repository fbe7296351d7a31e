package testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import testbed.TestWorkspaces;
import testbed.config.Workspace;
import testbed.history.PostgresServer;

/**
 * Several lab hosts on one machine, for QueueIT and QueueTrustIT: a real PostgreSQL started once per class, labs of
 * virtual tentacles per host, {@code testbed agent} and coordinator processes, the queue's rows as SQL sees them.
 */
abstract class QueueHosts {

    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> PICO = List.of("FUT_MCU_ONLY", "FUT_EXTMOD_HARDWARE");
    /** A password given in the database URL: it must never be written anywhere. */
    static final String SECRET = "S3cr3tPW";

    static final String[] GROUPS = {"--only-test", "BUILTIN-TESTS_BASICS", "--only-test", "BUILTIN-TESTS_EXTMOD"};

    static PostgresServer server;

    @TempDir
    Path dir;

    Workspace ws;
    String url;
    final List<Process> processes = new ArrayList<>();

    @BeforeAll
    static void startServer() throws Exception {
        server = PostgresServer.start().orElse(null);
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void stopProcesses() throws InterruptedException {
        for (Process p : processes) {
            p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    void setUp(String db) throws Exception {
        assumeTrue(server != null, "PostgreSQL is not installed (apt-get install postgresql) and $TESTBED_TEST_POSTGRES_URL is not set");
        ws = Cli.copyOfCheckout(dir.resolve("ws"));
        url = server.freshDatabase(db);
    }

    static Map<String, Object> pico(String serial, String tag, String board, List<String> futs, Map<String, Object> faults) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("serial", serial);
        t.put("tag", tag);
        t.put("board", board);
        t.put("port", "rp2");
        t.put("futs", futs);
        t.put("variants", List.of(""));
        t.put("programmer", Map.of("name", "virtual", "args", List.of()));
        t.put("connection", faults.isEmpty() ? Map.of("kind", "virtual") : Map.of("kind", "virtual", "faults", faults));
        return t;
    }

    Path lab(String name, List<Map<String, Object>> tentacles) throws IOException {
        return lab(name, tentacles, Map.of());
    }

    /** @param usbLoad the lab file's usb_load; empty: none */
    Path lab(String name, List<Map<String, Object>> tentacles, Map<String, Object> usbLoad) throws IOException {
        Path file = dir.resolve(name + ".json");
        Map<String, Object> lab = new LinkedHashMap<>(Map.of("name", name, "tentacles", tentacles));
        if (!usbLoad.isEmpty()) {
            lab.put("usb_load", usbLoad);
        }
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), lab);
        return file;
    }

    /** Host A: an RPI_PICO (optionally slow to boot, so a run lasts) and an RPI_PICO_W. */
    Path labA(int slowBootSeconds) throws IOException {
        return labA(slowBootSeconds, Map.of());
    }

    Path labA(int slowBootSeconds, Map<String, Object> usbLoad) throws IOException {
        return lab("host-a", List.of(pico("qA00000pa1", "RPI_PICO", "RPI_PICO", PICO, slowBootSeconds > 0 ? Map.of("slow_boot_s", slowBootSeconds) : Map.of()),
                pico("qA00000wa1", "RPI_PICO_W", "RPI_PICO_W", List.of("FUT_MCU_ONLY", "FUT_WLAN"), Map.of())), usbLoad);
    }

    /** Host B: the other RPI_PICO. */
    Path labB() throws IOException {
        return lab("host-b", List.of(pico("qB00000pb1", "RPI_PICO", "RPI_PICO", PICO, Map.of())));
    }

    /** Host C: an RPI_PICO2. */
    Path labC() throws IOException {
        return lab("host-c", List.of(pico("qC00000qc1", "RPI_PICO2", "RPI_PICO2", PICO, Map.of())));
    }

    Process testbed(String log, String... args) throws IOException {
        return testbed(ws.home(), dir.resolve("ws"), log, args);
    }

    /** A testbed process of its own checkout ({@code home}) and state ({@code state}): another lab host. */
    Process testbed(Path home, Path state, String log, String... args) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("java", "-Dtestbed.home=" + home, "-jar", Path.of("target/testbed.jar").toAbsolutePath().toString());
        pb.command().addAll(List.of(args));
        pb.environment().putAll(TestWorkspaces.environment(state));
        pb.redirectErrorStream(true).redirectOutput(dir.resolve(log + ".txt").toFile());
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    Process agent(String host, Path lab, String... more) throws Exception {
        return agentWith(url, host, lab, more);
    }

    /** @param queue the queue's URL as this agent logs in (another database role, say) */
    Process agentWith(String queue, String host, Path lab, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("agent", "--lab", lab.toString(), "--queue", queue, "--host", host));
        args.addAll(List.of(more));
        Process p = testbed(host + "-" + System.nanoTime(), args.toArray(String[]::new));
        awaitTrue(() -> rows("SELECT 1 FROM queue_host WHERE host = '" + host + "' AND state = 'online' AND pid = " + p.pid()).size() == 1, 90,
                "agent " + host + " registered");
        return p;
    }

    /** An agent on a host of its own: its own checkout (test groups, an empty firmware/) and its own state. */
    Process agentElsewhere(String host, Path home, Path lab, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("agent", "--lab", lab.toString(), "--queue", url, "--host", host));
        args.addAll(List.of(more));
        Process p = testbed(home, home, host + "-" + System.nanoTime(), args.toArray(String[]::new));
        awaitTrue(() -> rows("SELECT 1 FROM queue_host WHERE host = '" + host + "' AND state = 'online' AND pid = " + p.pid()).size() == 1, 90,
                "agent " + host + " registered");
        return p;
    }

    Process coordinator(String log, Path results, String... selection) throws IOException {
        List<String> args = new ArrayList<>(List.of("run", "--queue", url, "--results", results.toString()));
        args.addAll(List.of(selection));
        return testbed(log, args.toArray(String[]::new));
    }

    String log(String name) throws IOException {
        try (var files = Files.list(dir)) {
            StringBuilder all = new StringBuilder();
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith(name)).sorted().toList()) {
                all.append(Files.readString(f));
            }
            return all.toString();
        }
    }

    List<List<String>> rows(String sql) throws Exception {
        List<List<String>> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url + "&currentSchema=testbed_queue,public"); ResultSet rs = c.createStatement().executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                out.add(row);
            }
        } catch (java.sql.SQLException e) {
            if (!String.valueOf(e.getMessage()).contains("does not exist")) {
                throw e;
            }
        }
        return out;
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void awaitTrue(Check check, int seconds, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!check.ok()) {
            assertThat(System.nanoTime()).as("waited " + seconds + " s for: " + what).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    static int exit(Process p, int seconds) throws InterruptedException {
        assertThat(p.waitFor(seconds, TimeUnit.SECONDS)).as("process ended within " + seconds + " s").isTrue();
        return p.exitValue();
    }

    /** Work item (group on board kind) → the status it ended with; each recorded once (never finished and interrupted aside). */
    static Map<String, String> outcomes(Path results) throws IOException {
        Map<String, String> m = new TreeMap<>();
        for (JsonNode run : RunIT.runs(results)) {
            String status = run.get("status").asText();
            String testid = run.get("testid").asText();
            String tentacle = testid.substring(testid.indexOf('@') + 1);
            String item = testid.substring(0, testid.indexOf('@')) + " " + tentacle.substring(tentacle.indexOf('-') + 1);
            if (!status.equals("error") && !status.equals("never finished") && !status.equals("interrupted")) {
                assertThat(m.put(item, status)).as("recorded twice: " + item).isNull();
            }
        }
        return m;
    }

    static void signal(String signal, Process p) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + signal, String.valueOf(p.pid())).inheritIO().start().waitFor()).isZero();
    }

    /** {@code testbed queue init} as the owner, and a login of each role: the queue's URL as that login. */
    Map<String, String> roles(String... logins) throws Exception {
        String test = url.substring(url.lastIndexOf('/') + 1, url.indexOf('?')); // roles are the server's, not the database's: one set per test
        Cli.Result init = Cli.run(ws, "queue", "init", "--queue", url);
        assertThat(init.exitCode()).as(init.out() + init.err()).isZero();
        assertThat(init.out()).contains("GRANT SELECT ON ALL TABLES IN SCHEMA testbed_queue TO testbed_agent;",
                "CREATE POLICY agent_update ON testbed_queue.queue_lease FOR UPDATE TO testbed_agent", "roles testbed_coordinator and testbed_agent granted");
        Map<String, String> urls = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(url)) {
            for (String login : logins) {
                String group = login.startsWith("coord") ? "testbed_coordinator" : "testbed_agent";
                c.createStatement().execute("CREATE ROLE " + test + "_" + login + " LOGIN IN ROLE " + group);
                urls.put(login, url.replace("user=testbed", "user=" + test + "_" + login));
            }
        }
        return urls;
    }

    /** Runs {@code sql} as the login of {@code queue}: the number of rows it changed, or the database's refusal. */
    static String as(String queue, String sql) {
        try (Connection c = DriverManager.getConnection(queue + "&currentSchema=testbed_queue,public")) {
            return "changed " + c.createStatement().executeUpdate(sql);
        } catch (java.sql.SQLException e) {
            return "refused: " + e.getMessage().lines().findFirst().orElse("");
        }
    }

    static String forgedSession(String id, String settings) {
        return "INSERT INTO queue_session (session_id, coordinator, settings, created_at) VALUES ('" + id + "', 'x', '" + settings + "', now())";
    }

    static String forgedLease(String session, String host, String serial) {
        String ticket = "{\"testid\": \"BUILTIN-TESTS_BASICS@0pa1-RPI_PICO\", \"spec\": \"BUILTIN-TESTS_BASICS\", \"dut\": \"" + serial
                + "\", \"variant\": \"\", \"role\": \"single\", \"requeues\": 0, \"started_at\": \"2026-01-01T00:00:00Z\", \"estimated_ms\": 1000}";
        return "INSERT INTO queue_lease (session_id, testid, host, tentacles, run, state, epoch, expires_at, assigned_at) VALUES ('" + session
                + "', 'BUILTIN-TESTS_BASICS@0pa1-RPI_PICO', '" + host + "', '" + serial + "', '" + ticket + "', 'assigned', nextval('queue_epoch'), "
                + "now() + interval '60 seconds', now())";
    }

    static String craftedReport(String testid, String serial, String folder) throws IOException {
        Map<String, Object> attempt = new LinkedHashMap<>();
        attempt.put("testid", testid);
        attempt.put("attempt", "a");
        attempt.put("directory", folder);
        attempt.put("serial", serial);
        attempt.put("tentacle", "0pa1-RPI_PICO");
        attempt.put("kind", "RPI_PICO");
        attempt.put("status", "passed");
        return JSON.writeValueAsString(Map.of("outcome", "ran", "tests_failed", false, "attempts", List.of(attempt), "firmware", Map.of()));
    }

    static byte[] bomb(String entry, int zeros) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(out)) {
            z.setLevel(9);
            z.putNextEntry(new java.util.zip.ZipEntry(entry));
            byte[] mb = new byte[1 << 20];
            for (int i = 0; i < zeros >> 20; i++) {
                z.write(mb);
            }
            z.closeEntry();
        }
        return out.toByteArray();
    }

    static boolean onPath(String tool) {
        return java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }
}
