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
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import testbed.TestWorkspaces;
import testbed.config.Workspace;
import testbed.history.PostgresServer;

/**
 * Several lab hosts on one machine: three {@code testbed agent} processes, each owning part of a virtual lab (two of
 * them with an RPI_PICO, the identical board kind), and a coordinator ({@code testbed run --queue}), all on a real
 * PostgreSQL started here. Agents are killed, stopped and restarted as a lab's hosts would be.
 */
@Timeout(900)
class QueueIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PICO = List.of("FUT_MCU_ONLY", "FUT_EXTMOD_HARDWARE");
    /** A password given in the database URL: it must never be written anywhere. */
    private static final String SECRET = "S3cr3tPW";

    private static final String[] GROUPS = {"--only-test", "BUILTIN-TESTS_BASICS", "--only-test", "BUILTIN-TESTS_EXTMOD"};

    private static PostgresServer server;

    @TempDir
    Path dir;

    private Workspace ws;
    private String url;
    private final List<Process> processes = new ArrayList<>();

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

    private void setUp(String db) throws Exception {
        assumeTrue(server != null, "PostgreSQL is not installed (apt-get install postgresql) and $TESTBED_TEST_POSTGRES_URL is not set");
        ws = Cli.copyOfCheckout(dir.resolve("ws"));
        url = server.freshDatabase(db);
    }

    private static Map<String, Object> pico(String serial, String tag, String board, List<String> futs, Map<String, Object> faults) {
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

    private Path lab(String name, List<Map<String, Object>> tentacles) throws IOException {
        return lab(name, tentacles, Map.of());
    }

    /** @param usbLoad the lab file's usb_load; empty: none */
    private Path lab(String name, List<Map<String, Object>> tentacles, Map<String, Object> usbLoad) throws IOException {
        Path file = dir.resolve(name + ".json");
        Map<String, Object> lab = new LinkedHashMap<>(Map.of("name", name, "tentacles", tentacles));
        if (!usbLoad.isEmpty()) {
            lab.put("usb_load", usbLoad);
        }
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), lab);
        return file;
    }

    /** Host A: an RPI_PICO (optionally slow to boot, so a run lasts) and an RPI_PICO_W. */
    private Path labA(int slowBootSeconds) throws IOException {
        return labA(slowBootSeconds, Map.of());
    }

    private Path labA(int slowBootSeconds, Map<String, Object> usbLoad) throws IOException {
        return lab("host-a", List.of(pico("qA00000pa1", "RPI_PICO", "RPI_PICO", PICO, slowBootSeconds > 0 ? Map.of("slow_boot_s", slowBootSeconds) : Map.of()),
                pico("qA00000wa1", "RPI_PICO_W", "RPI_PICO_W", List.of("FUT_MCU_ONLY", "FUT_WLAN"), Map.of())), usbLoad);
    }

    /** Host B: the other RPI_PICO. */
    private Path labB() throws IOException {
        return lab("host-b", List.of(pico("qB00000pb1", "RPI_PICO", "RPI_PICO", PICO, Map.of())));
    }

    /** Host C: an RPI_PICO2. */
    private Path labC() throws IOException {
        return lab("host-c", List.of(pico("qC00000qc1", "RPI_PICO2", "RPI_PICO2", PICO, Map.of())));
    }

    private Process testbed(String log, String... args) throws IOException {
        return testbed(ws.home(), dir.resolve("ws"), log, args);
    }

    /** A testbed process of its own checkout ({@code home}) and state ({@code state}): another lab host. */
    private Process testbed(Path home, Path state, String log, String... args) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("java", "-Dtestbed.home=" + home, "-jar", Path.of("target/testbed.jar").toAbsolutePath().toString());
        pb.command().addAll(List.of(args));
        pb.environment().putAll(TestWorkspaces.environment(state));
        pb.redirectErrorStream(true).redirectOutput(dir.resolve(log + ".txt").toFile());
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private Process agent(String host, Path lab, String... more) throws Exception {
        return agentWith(url, host, lab, more);
    }

    /** @param queue the queue's URL as this agent logs in (another database role, say) */
    private Process agentWith(String queue, String host, Path lab, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("agent", "--lab", lab.toString(), "--queue", queue, "--host", host));
        args.addAll(List.of(more));
        Process p = testbed(host + "-" + System.nanoTime(), args.toArray(String[]::new));
        awaitTrue(() -> rows("SELECT 1 FROM queue_host WHERE host = '" + host + "' AND state = 'online' AND pid = " + p.pid()).size() == 1, 90,
                "agent " + host + " registered");
        return p;
    }

    /** An agent on a host of its own: its own checkout (test groups, an empty firmware/) and its own state. */
    private Process agentElsewhere(String host, Path home, Path lab, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("agent", "--lab", lab.toString(), "--queue", url, "--host", host));
        args.addAll(List.of(more));
        Process p = testbed(home, home, host + "-" + System.nanoTime(), args.toArray(String[]::new));
        awaitTrue(() -> rows("SELECT 1 FROM queue_host WHERE host = '" + host + "' AND state = 'online' AND pid = " + p.pid()).size() == 1, 90,
                "agent " + host + " registered");
        return p;
    }

    private Process coordinator(String log, Path results, String... selection) throws IOException {
        List<String> args = new ArrayList<>(List.of("run", "--queue", url, "--results", results.toString()));
        args.addAll(List.of(selection));
        return testbed(log, args.toArray(String[]::new));
    }

    private String log(String name) throws IOException {
        try (var files = Files.list(dir)) {
            StringBuilder all = new StringBuilder();
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith(name)).sorted().toList()) {
                all.append(Files.readString(f));
            }
            return all.toString();
        }
    }

    private List<List<String>> rows(String sql) throws Exception {
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

    private static void awaitTrue(Check check, int seconds, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!check.ok()) {
            assertThat(System.nanoTime()).as("waited " + seconds + " s for: " + what).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static int exit(Process p, int seconds) throws InterruptedException {
        assertThat(p.waitFor(seconds, TimeUnit.SECONDS)).as("process ended within " + seconds + " s").isTrue();
        return p.exitValue();
    }

    /** Work item (group on board kind) → the status it ended with; each recorded once (never finished and interrupted aside). */
    private static Map<String, String> outcomes(Path results) throws IOException {
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

    @Test
    void threeAgentsRunWhatOneHostRuns() throws Exception {
        setUp("match");
        url = url + "&password=" + SECRET; // every process is given a password in the URL: it must never be written anywhere
        Path a = labA(0, Map.of("per_host", 1)); // host A flashes one board at a time: the coordinator's bartender keeps to it
        Path b = labB();
        Path c = labC();
        agent("agent-a", a);
        agent("agent-b", b);
        agent("agent-c", c);
        Path queued = dir.resolve("queued");
        String[] selection = {"--firmware", "RPI_PICO", "--firmware", "RPI_PICO_W", "--firmware", "RPI_PICO2", GROUPS[0], GROUPS[1], GROUPS[2], GROUPS[3]};
        List<String> withHistory = new ArrayList<>(List.of(selection));
        withHistory.addAll(List.of("--history", url)); // the queue's database is the shared history too
        assertThat(exit(coordinator("coordinator", queued, withHistory.toArray(String[]::new)), 300)).as(log("coordinator")).isZero();
        assertThat(rows("SELECT count(*) FROM test_run").get(0).get(0)).isEqualTo("6");

        List<String> plan = new ArrayList<>(List.of("run", "--queue", url, "--dry-run"));
        plan.addAll(List.of(selection));
        Cli.Result dry = Cli.run(ws, plan.toArray(String[]::new));
        assertThat(dry.exitCode()).as(dry.out() + dry.err()).isZero();
        // What the boards carry now (the agents update it after each run): nothing needs a flash.
        assertThat(dry.out()).contains("BUILTIN-TESTS_BASICS@", "BUILTIN-TESTS_EXTMOD@0qc1-RPI_PICO2", "the agents' discovery").doesNotContain("(flash)");

        Cli.Result status = Cli.run(ws, "lab", "status", "--queue", url);
        assertThat(status.out()).contains("agent-a", "agent-b", "agent-c", "live", "no leases held");

        // Taken out by hand on a lab of several hosts: kept in the queue's tables, so every coordinator leaves it alone.
        Cli.Result off = Cli.run(ws, "lab", "disable", "--queue", url, "0qc1-RPI_PICO2", "--reason", "rewiring the I2C bus");
        assertThat(off.exitCode()).as(off.out() + off.err()).isZero();
        assertThat(rows("SELECT label, reason FROM queue_disabled")).containsExactly(List.of("0qc1-RPI_PICO2", "rewiring the I2C bus"));
        assertThat(Cli.run(ws, "lab", "status", "--queue", url).out()).contains("disabled by", "rewiring the I2C bus");
        Cli.Result without = Cli.run(ws, plan.toArray(String[]::new));
        assertThat(without.exitCode()).as(without.out() + without.err()).isZero();
        assertThat(without.out()).doesNotContain("@0qc1-RPI_PICO2").contains("tentacle disabled by hand", "rewiring the I2C bus");
        Cli.Result on = Cli.run(ws, "lab", "enable", "--queue", url, "0qc1-RPI_PICO2");
        assertThat(on.out()).contains("enabled (it was disabled by");
        assertThat(rows("SELECT count(*) FROM queue_disabled").get(0).get(0)).isEqualTo("0");

        List<Map<String, Object>> all = new ArrayList<>();
        for (Path part : List.of(a, b, c)) {
            for (JsonNode t : JSON.readTree(part.toFile()).get("tentacles")) {
                all.add(JSON.convertValue(t, new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {}));
            }
        }
        for (Process p : processes) {
            p.destroy(); // agents sign off: the same boards serve the one-host session next
            p.waitFor(30, TimeUnit.SECONDS);
        }
        Path oneHost = dir.resolve("one-host");
        List<String> local = new ArrayList<>(List.of("run", "--lab", lab("one-host", all).toString(), "--results", oneHost.toString()));
        local.addAll(List.of(selection));
        Cli.Result r = Cli.run(ws, local.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();

        Map<String, String> expected = outcomes(oneHost);
        assertThat(expected).hasSize(6); // 2 groups on 3 board kinds
        assertThat(outcomes(queued)).isEqualTo(expected);
        // Every run's attempt folder is on the coordinator, as in a local session, and each run was leased once.
        for (JsonNode run : RunIT.runs(queued)) {
            for (JsonNode attempt : run.get("attempts")) {
                assertThat(queued.resolve(attempt.get("directory").asText()).resolve("testresults.txt")).exists();
            }
        }
        assertThat(rows("SELECT testid FROM queue_lease GROUP BY testid HAVING count(*) > 1")).isEmpty();
        // The password given in the URL is in no file of the results, no output and no row of the database.
        try (var files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> f.toFile().length() < 4_000_000).toList()) {
                assertThat(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1)).as(f.toString()).doesNotContain(SECRET);
            }
        }
        for (List<String> table : rows("SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema IN ('public', 'testbed_queue') "
                + "AND table_type = 'BASE TABLE'")) {
            String t = table.get(0) + "." + table.get(1);
            assertThat(rows("SELECT count(*) FROM " + t + " x WHERE x::text LIKE '%" + SECRET + "%'").get(0).get(0)).as(t).isEqualTo("0");
        }
        // Host A's lab file allows one flash at a time: its boards' flashes (start to prepared, as its agent said) never overlap.
        List<java.time.Instant[]> flashesOnA = new ArrayList<>();
        for (JsonNode run : RunIT.runs(queued)) {
            JsonNode first = run.get("attempts").get(0);
            if (first.get("serial").asText().startsWith("qA") && first.get("flashed").size() > 0) {
                assertThat(first.get("time_prepared").asText()).as(run.get("testid").asText()).isNotEmpty();
                flashesOnA.add(new java.time.Instant[] {java.time.Instant.parse(first.get("time_start").asText()),
                        java.time.Instant.parse(first.get("time_prepared").asText())});
            }
        }
        assertThat(flashesOnA).as("both of host A's boards were flashed").hasSizeGreaterThanOrEqualTo(2);
        flashesOnA.sort(java.util.Comparator.comparing(f -> f[0]));
        for (int i = 1; i < flashesOnA.size(); i++) {
            assertThat(flashesOnA.get(i)[0]).as("one flash at a time on host A").isAfterOrEqualTo(flashesOnA.get(i - 1)[1]);
        }
        assertThat(rows("SELECT state, count(*) FROM queue_lease GROUP BY state")).containsExactly(List.of("done", "6"));
    }

    @Test
    void aKilledAgentsRunMovesToTheIdenticalTentacleAndAStoppedAgentCannotRecordItsResult() throws Exception {
        setUp("faults");
        Path a = labA(12); // every flash boots for 12 s: A's runs last long enough to lose the host mid-run
        Process agentA = agent("agent-a", a);
        agent("agent-b", labB());
        agent("agent-c", labC());
        Path first = dir.resolve("killed");
        String[] selection = {"--firmware", "RPI_PICO", "--flash-force", GROUPS[0], GROUPS[1], GROUPS[2], GROUPS[3]};
        Process session = coordinator("coordinator-killed", first, selection);
        awaitTrue(() -> !rows("SELECT 1 FROM queue_lease WHERE host = 'agent-a' AND state = 'running'").isEmpty(), 120, "a run on agent-a");
        String testid = rows("SELECT testid FROM queue_lease WHERE host = 'agent-a' AND state = 'running'").get(0).get(0);
        String group = testid.substring(0, testid.indexOf('@'));
        // Any client that may connect holds the advisory lock the reaper once took turns by (finding 4 of issue 20): reaping goes on.
        double seconds;
        try (Connection blocker = DriverManager.getConnection(url); var st = blocker.createStatement()) {
            st.execute("SELECT pg_advisory_lock(" + 0x7465737462656401L + ")");
            agentA.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            agentA.destroyForcibly(); // kill -9: the host is gone with its boards
            long killedAt = System.nanoTime();
            awaitTrue(() -> !rows("SELECT 1 FROM queue_lease WHERE host = 'agent-b' AND testid LIKE '" + group + "@%' AND state IN ('running', 'done')")
                    .isEmpty(), 90, group + " requeued to agent-b");
            seconds = (System.nanoTime() - killedAt) / 1e9;
        }
        System.out.printf("QueueIT: %s requeued to the identical tentacle on agent-b %.1f s after agent-a was killed%n", group, seconds);
        assertThat(seconds).as("requeued within 60 s of the host's death").isLessThan(60);
        assertThat(exit(session, 300)).as(log("coordinator-killed")).isZero();
        assertThat(outcomes(first)).containsOnly(Map.entry("BUILTIN-TESTS_BASICS RPI_PICO", "passed"), Map.entry("BUILTIN-TESTS_EXTMOD RPI_PICO", "passed"));
        JsonNode lost = RunIT.runs(first).stream().filter(r -> r.get("testid").asText().equals(testid)).findFirst().orElseThrow();
        assertThat(lost.get("status").asText()).isEqualTo("error");
        assertThat(lost.get("attempts").get(0).get("error_kind").asText()).isEqualTo("host_lost");
        assertThat(lost.get("attempts").get(0).get("error").asText()).contains("agent-a");

        // The partition: agent-a is back, its run is under way, and the process stops (SIGSTOP) past its lease.
        Process again = agent("agent-a", a, "--lease", "10s", "--heartbeat", "3s");
        Path second = dir.resolve("stopped");
        Process session2 = coordinator("coordinator-stopped", second, selection);
        awaitTrue(() -> !rows("SELECT 1 FROM queue_lease WHERE host = 'agent-a' AND state = 'running'").isEmpty(), 120, "a run on agent-a again");
        List<String> stale = rows("SELECT id, testid FROM queue_lease WHERE host = 'agent-a' AND state = 'running'").get(0);
        signal("STOP", again);
        try {
            awaitTrue(() -> rows("SELECT state FROM queue_lease WHERE id = " + stale.get(0)).get(0).get(0).equals("lost"), 60, "the stopped agent's lease lost");
        } finally {
            signal("CONT", again);
        }
        assertThat(exit(session2, 300)).as(log("coordinator-stopped")).isZero();
        awaitTrue(() -> log("agent-a").contains("results discarded") || log("agent-a").contains("moved on"), 60, "agent-a noticed its lease moved on");
        assertThat(rows("SELECT state, report IS NULL, archive IS NULL FROM queue_lease WHERE id = " + stale.get(0))).containsExactly(List.of("lost", "t", "t"));
        assertThat(outcomes(second)).containsOnly(Map.entry("BUILTIN-TESTS_BASICS RPI_PICO", "passed"), Map.entry("BUILTIN-TESTS_EXTMOD RPI_PICO", "passed"));
        for (JsonNode run : RunIT.runs(second)) {
            if (run.get("testid").asText().equals(stale.get(1))) {
                assertThat(run.get("status").asText()).as("the stale host's run is recorded as lost, never with its late result").isEqualTo("error");
            }
        }
    }

    @Test
    void aHostThatNeverComesBackIsGivenUpAfterTheHostTimeoutAndTheSessionEnds() throws Exception {
        setUp("gone");
        agent("agent-b", labB());
        // Host C has the only RPI_PICO2, slow to boot so its run is under way when the host dies, and a short lease.
        Path c = lab("host-c", List.of(pico("qC00000qc1", "RPI_PICO2", "RPI_PICO2", PICO, Map.of("slow_boot_s", 12))));
        Process agentC = agent("agent-c", c, "--lease", "10s", "--heartbeat", "3s");
        Path results = dir.resolve("gone");
        Process session = coordinator("coordinator-gone", results, "--firmware", "RPI_PICO", "--firmware", "RPI_PICO2", "--flash-force", GROUPS[0],
                GROUPS[1], GROUPS[2], GROUPS[3], "--host-timeout", "5s");
        awaitTrue(() -> !rows("SELECT 1 FROM queue_lease WHERE host = 'agent-c' AND state = 'running'").isEmpty(), 120, "a run on agent-c");
        agentC.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        agentC.destroyForcibly(); // kill -9, and it never comes back

        int exit = exit(session, 150);
        String out = log("coordinator-gone");
        assertThat(exit).as(out).isEqualTo(ExitCodes.INFRASTRUCTURE);
        assertThat(out).contains("waiting for host agent-c (tentacle qC00000qc1)").contains("host agent-c silent for").contains("given up for this session");
        Map<String, String> outcomes = outcomes(results);
        assertThat(outcomes).containsEntry("BUILTIN-TESTS_BASICS RPI_PICO", "passed").containsEntry("BUILTIN-TESTS_EXTMOD RPI_PICO", "passed");
        JsonNode s = RunIT.json(results.resolve("session.json"));
        assertThat(s.get("leftovers").toString()).contains("RPI_PICO2").contains("OFFLINE").contains("0qc1-RPI_PICO2");
    }

    private static void signal(String signal, Process p) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + signal, String.valueOf(p.pid())).inheritIO().start().waitFor()).isZero();
    }

    @Test
    void aKilledCoordinatorResumedRunsNothingTwice() throws Exception {
        setUp("resume");
        agent("agent-a", labA(6));
        agent("agent-b", labB());
        agent("agent-c", labC());
        Path results = dir.resolve("coordinated");
        String[] selection = {"--firmware", "RPI_PICO", "--firmware", "RPI_PICO_W", "--firmware", "RPI_PICO2", "--flash-force", GROUPS[0], GROUPS[1],
            GROUPS[2], GROUPS[3], "--only-test", "BUILTIN-PERFBENCH"};
        Process first = coordinator("coordinator-first", results, selection);
        awaitTrue(() -> !rows("SELECT 1 FROM queue_lease WHERE state = 'done'").isEmpty()
                && !rows("SELECT 1 FROM queue_lease WHERE state = 'running'").isEmpty(), 180, "one run done and one under way");
        first.destroyForcibly(); // kill -9 of the coordinator; its runs go on at their agents
        assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
        int heldAtKill = rows("SELECT 1 FROM queue_lease WHERE state IN ('assigned', 'running')").size();

        Cli.Result resumed = Cli.run(ws, "resume", "--results", results.toString());
        assertThat(resumed.exitCode()).as(resumed.out() + resumed.err()).isZero();
        if (heldAtKill > 0) {
            assertThat(resumed.out()).contains("still running on its agent");
        }
        Map<String, String> outcomes = outcomes(results);
        assertThat(outcomes).as(Files.readString(results.resolve("runs.jsonl"))).hasSize(9).allSatisfy((item, status) -> assertThat(status).isEqualTo("passed"));
        // Nothing started twice: one lease per run, none cancelled or lost, every one booked.
        assertThat(rows("SELECT testid FROM queue_lease GROUP BY testid HAVING count(*) > 1")).isEmpty();
        assertThat(rows("SELECT state, count(*), bool_and(collected) FROM queue_lease GROUP BY state")).containsExactly(List.of("done", "9", "t"));
        assertThat(Optional.ofNullable(rows("SELECT count(*) FROM queue_session").get(0).get(0))).contains("1");
    }

    @Test
    void aSecondClaimOnABoardOrOtherHardwareUnderASharedTagIsRefusedNamingTheHostThatHasIt() throws Exception {
        setUp("claims");
        agent("agent-a", labA(0));

        // The same serial on another host: one board, one host.
        Path twin = lab("host-x", List.of(pico("qA00000pa1", "RPI_PICO", "RPI_PICO", PICO, Map.of())));
        Process x = testbed("agent-x", "agent", "--lab", twin.toString(), "--queue", url, "--host", "agent-x");
        assertThat(exit(x, 90)).as(log("agent-x")).isNotZero();
        assertThat(log("agent-x")).contains("tentacle 0pa1-RPI_PICO (serial qA00000pa1) is already served by host agent-a").doesNotContain("Exception");

        // Agent A's RPI_PICO tag with another variant list: a run meant for one would be flashed onto the other.
        Map<String, Object> odd = new LinkedHashMap<>(pico("qY00000py1", "RPI_PICO", "RPI_PICO", PICO, Map.of()));
        odd.put("variants", List.of("", "THREAD"));
        Process y = testbed("agent-y", "agent", "--lab", lab("host-y", List.of(odd)).toString(), "--queue", url, "--host", "agent-y");
        assertThat(exit(y, 90)).as(log("agent-y")).isNotZero();
        assertThat(log("agent-y")).contains("tag RPI_PICO: host agent-a's 0pa1-RPI_PICO is board RPI_PICO (rp2), variants [default],",
                "this lab file's 0py1-RPI_PICO is board RPI_PICO (rp2), variants [default, THREAD]",
                "tentacles that share a tag must be identical on every host").doesNotContain("Exception");

        assertThat(rows("SELECT host, serial FROM queue_tentacle ORDER BY serial")).as("nothing of the refused agents was registered")
                .containsExactly(List.of("agent-a", "qA00000pa1"), List.of("agent-a", "qA00000wa1"));
    }

    /** {@code testbed queue init} as the owner, and a login of each role: the queue's URL as that login. */
    private Map<String, String> roles(String... logins) throws Exception {
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
    private static String as(String queue, String sql) {
        try (Connection c = DriverManager.getConnection(queue + "&currentSchema=testbed_queue,public")) {
            return "changed " + c.createStatement().executeUpdate(sql);
        } catch (java.sql.SQLException e) {
            return "refused: " + e.getMessage().lines().findFirst().orElse("");
        }
    }

    private static String forgedSession(String id, String settings) {
        return "INSERT INTO queue_session (session_id, coordinator, settings, created_at) VALUES ('" + id + "', 'x', '" + settings + "', now())";
    }

    private static String forgedLease(String session, String host, String serial) {
        String ticket = "{\"testid\": \"BUILTIN-TESTS_BASICS@0pa1-RPI_PICO\", \"spec\": \"BUILTIN-TESTS_BASICS\", \"dut\": \"" + serial
                + "\", \"variant\": \"\", \"role\": \"single\", \"requeues\": 0, \"started_at\": \"2026-01-01T00:00:00Z\", \"estimated_ms\": 1000}";
        return "INSERT INTO queue_lease (session_id, testid, host, tentacles, run, state, epoch, expires_at, assigned_at) VALUES ('" + session
                + "', 'BUILTIN-TESTS_BASICS@0pa1-RPI_PICO', '" + host + "', '" + serial + "', '" + ticket + "', 'assigned', nextval('queue_epoch'), "
                + "now() + interval '60 seconds', now())";
    }

    @Test
    void theAgentRoleCannotOpenASessionOrWriteALeaseAndNoAgentRunsACommandOrSourceReadFromTheDatabase() throws Exception {
        // Finding 1 of issue 20: with the one database user every host had, two inserts made an agent run a shell command.
        setUp("trust");
        Map<String, String> login = roles("coord_lab", "host_a", "host_b");
        agentWith(login.get("host_a"), "agent-a", labA(0));
        agentWith(login.get("host_b"), "agent-b", labB());
        Path marker = dir.resolve("pwned");
        String commands = "{\"session\": \"evil\", \"count\": 1, \"commands\": {\"BUILTIN-TESTS_BASICS\": \"touch " + marker + "\"}}";

        // The agent's own login: no session, no lease, no other host's rows, no history.
        String a = login.get("host_a");
        assertThat(as(a, forgedSession("evil", commands))).startsWith("refused: ERROR: permission denied for table queue_session");
        assertThat(as(a, forgedLease("evil", "agent-a", "qA00000pa1"))).startsWith("refused: ERROR: permission denied for table queue_lease");
        assertThat(as(a, "UPDATE queue_lease SET run = 'x', host = 'agent-a'")).startsWith("refused: ERROR: permission denied for table queue_lease");
        assertThat(as(a, "UPDATE queue_host SET last_seen = now() WHERE host = 'agent-b'")).as("another host's row").isEqualTo("changed 0");
        assertThat(as(a, "UPDATE queue_tentacle SET host = 'agent-a' WHERE host = 'agent-b'")).isEqualTo("changed 0");
        assertThat(as(a, "UPDATE queue_host SET db_role = 'host_b' WHERE host = 'agent-a'")).startsWith("refused: ERROR: permission denied");
        assertThat(as(a, "INSERT INTO queue_host (host, lab, pid, started_at, last_seen, lease_seconds, state) VALUES ('agent-b', 'x', 1, now(), now(), 30, "
                + "'online') ON CONFLICT (host) DO UPDATE SET state = 'online'")).as("taking over a host another login registered").startsWith("refused:");
        assertThat(as(a, "DELETE FROM queue_session")).startsWith("refused: ERROR: permission denied");
        assertThat(as(a, "DELETE FROM flyway_schema_history")).startsWith("refused: ERROR: permission denied");

        // Even a session and a lease written with the owner's login (a stolen coordinator login, say): the agent refuses
        // a command it was not started to allow, and a source that is not on its own allow-list (a git option for a remote).
        assertThat(as(url, forgedSession("evil", commands))).isEqualTo("changed 1");
        assertThat(as(url, forgedLease("evil", "agent-a", "qA00000pa1"))).isEqualTo("changed 1");
        String source = "{\"session\": \"evil2\", \"count\": 1, \"micropython_origin\": \"--upload-pack=touch " + marker + "@x:y\", "
                + "\"micropython_has_root\": true}";
        assertThat(as(url, forgedSession("evil2", source))).isEqualTo("changed 1");
        assertThat(as(url, forgedLease("evil2", "agent-a", "qA00000pa1"))).isEqualTo("changed 1");
        awaitTrue(() -> rows("SELECT 1 FROM queue_lease WHERE session_id LIKE 'evil%' AND state = 'done'").size() == 2, 60, "both forged leases answered");
        assertThat(rows("SELECT report FROM queue_lease WHERE session_id = 'evil'").get(0).get(0))
                .contains("replaces the runner of BUILTIN-TESTS_BASICS with a command; agent agent-a runs commands only when started with --allow-commands: refused");
        assertThat(rows("SELECT report FROM queue_lease WHERE session_id = 'evil2'").get(0).get(0))
                .contains("asks for MicroPython source '--upload-pack=touch", "which is not in agent agent-a's --allow-source list []: refused");
        assertThat(marker).as("no command ran").doesNotExist();

        // With the coordinator's login, the lab works as before: the roles take away nothing a session needs (history too).
        String c = login.get("coord_lab");
        Path results = dir.resolve("coordinated");
        List<String> args = new ArrayList<>(List.of("run", "--queue", c, "--results", results.toString(), "--history", c, "--firmware", "RPI_PICO",
                "--firmware", "RPI_PICO_W"));
        args.addAll(List.of(GROUPS));
        Process coordinator = testbed("coordinator-role", args.toArray(String[]::new));
        assertThat(exit(coordinator, 300)).as(log("coordinator-role")).isZero();
        assertThat(outcomes(results)).hasSize(4).allSatisfy((item, status) -> assertThat(status).isEqualTo("passed"));
        assertThat(rows("SELECT count(*) FROM test_run").get(0).get(0)).isEqualTo("4");
        assertThat(as(a, "UPDATE test_run SET outcome = 'passed'")).startsWith("refused: ERROR: permission denied for table test_run");
        assertThat(rows("SELECT host, db_role FROM queue_host ORDER BY host")).containsExactly(List.of("agent-a", "trust_host_a"), List.of("agent-b", "trust_host_b"));
    }

    @Test
    void aReportThatDoesNotMatchItsLeaseIsRefusedAndNothingOfItIsBooked() throws Exception {
        // Finding 2 of issue 20: a crafted report moved files from outside into results/, wrote run.json outside it and was
        // booked as passed; a small archive unpacked to a huge file. Here a host's own login crafts its leases' reports.
        setUp("crafted");
        Map<String, String> login = roles("host_a");
        Process agentA = agentWith(login.get("host_a"), "agent-a", labA(0));
        signal("STOP", agentA); // registered, then silent: the test answers its leases with its login instead
        Path victim = dir.resolve("victim");
        Files.createDirectories(victim);
        Files.writeString(victim.resolve("secret.txt"), "not the coordinator's");
        String a = login.get("host_a");
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        List<String> answered = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread forger = new Thread(() -> {
            try (Connection c = DriverManager.getConnection(a + "&currentSchema=testbed_queue")) {
                while (!done.get()) {
                    c.createStatement().executeUpdate("UPDATE queue_host SET last_seen = now() WHERE host = 'agent-a'");
                    ResultSet rs = c.createStatement().executeQuery("SELECT id, testid, tentacles FROM queue_lease WHERE state = 'assigned' ORDER BY id");
                    while (rs.next()) {
                        long id = rs.getLong(1);
                        String testid = rs.getString(2);
                        String serial = rs.getString(3).split(",")[0];
                        boolean first = answered.isEmpty();
                        java.sql.PreparedStatement st = c.prepareStatement("UPDATE queue_lease SET state = 'done', ended_at = now(), report = ?, archive = ? "
                                + "WHERE id = ?");
                        // The first: an attempt folder outside results/; the next: a zip bomb (300 MiB of zeros, ~300 KB packed).
                        st.setString(1, craftedReport(testid, serial, first ? "../../victim" : testid + ",a"));
                        st.setBytes(2, first ? new byte[0] : bomb(testid + ",a/output.txt", 300 << 20));
                        st.setLong(3, id);
                        st.executeUpdate();
                        answered.add(testid);
                    }
                    Thread.sleep(500);
                }
            } catch (Exception e) {
                answered.add("forger failed: " + e);
            }
        });
        forger.start();
        try {
            Path results = dir.resolve("crafted-results");
            Process coordinator = coordinator("coordinator-crafted", results, "--firmware", "RPI_PICO", "--firmware", "RPI_PICO_W", GROUPS[0], GROUPS[1]);
            int exit = exit(coordinator, 240);
            String out = log("coordinator-crafted");
            assertThat(answered).as(out).hasSizeGreaterThanOrEqualTo(2).noneMatch(x -> x.startsWith("forger failed"));
            assertThat(exit).as(out).isEqualTo(ExitCodes.INFRASTRUCTURE);
            assertThat(out).contains("report of host agent-a refused: lease", "attempt folder '../../victim' is not BUILTIN-TESTS_",
                    "report of host agent-a refused: the archive unpacks to more than 256 MiB").doesNotContain("Exception");
            assertThat(victim.resolve("secret.txt")).as("nothing moved from outside").hasContent("not the coordinator's");
            assertThat(victim.resolve("run.json")).as("nothing written outside results/").doesNotExist();
            long bytes;
            try (var files = Files.walk(results)) {
                bytes = files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
            }
            assertThat(bytes).as("the bomb left nothing behind").isLessThan(5L << 20);
            for (JsonNode run : RunIT.runs(results)) {
                assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("error");
                for (JsonNode attempt : run.get("attempts")) {
                    JsonNode record = RunIT.json(results.resolve(attempt.get("directory").asText()).resolve("run.json"));
                    assertThat(record.get("error_kind").asText()).isEqualTo("report_refused");
                }
            }
        } finally {
            done.set(true);
            forger.join(5000);
        }
    }

    private static String craftedReport(String testid, String serial, String folder) throws IOException {
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

    private static byte[] bomb(String entry, int zeros) throws IOException {
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

    @Test
    void benchQueueMeasuresDispatchThroughTheDatabase() throws Exception {
        setUp("bench");
        Cli.Result r = Cli.run(ws, "bench", "queue", "--queue", url, "--agents", "4", "--tentacles", "40", "--runs", "200", "--run-ms", "200");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).containsPattern("4 agents, 40 tentacles, 200 runs of 200 ms")
                .containsPattern("dispatch latency: +median [0-9.]+ ms, p99 [0-9.]+ ms")
                .containsPattern("saturated \\(runs end at once\\): 200 runs in [0-9.]+ s: [0-9]+ claims per second");
        System.out.print("QueueIT: " + r.out());
        // The benchmark leaves nothing behind in the lab's tables.
        assertThat(rows("SELECT count(*) FROM queue_lease").get(0).get(0)).isEqualTo("0");
        assertThat(rows("SELECT count(*) FROM queue_host").get(0).get(0)).isEqualTo("0");
    }

    @Test
    void twoCoordinatorsShareTheAgentsWithoutSharingABoard() throws Exception {
        setUp("two");
        agent("agent-a", labA(0));
        agent("agent-b", labB());
        agent("agent-c", labC());
        String[] selection = {"--firmware", "RPI_PICO", "--firmware", "RPI_PICO_W", "--firmware", "RPI_PICO2", GROUPS[0], GROUPS[1], GROUPS[2], GROUPS[3]};
        Process one = coordinator("coordinator-one", dir.resolve("one"), selection);
        Process two = coordinator("coordinator-two", dir.resolve("two"), selection);
        assertThat(exit(one, 300)).as(log("coordinator-one")).isZero();
        assertThat(exit(two, 300)).as(log("coordinator-two")).isZero();

        Map<String, String> expected = new TreeMap<>();
        for (String group : List.of("BUILTIN-TESTS_BASICS", "BUILTIN-TESTS_EXTMOD")) {
            for (String kind : List.of("RPI_PICO", "RPI_PICO_W", "RPI_PICO2")) {
                expected.put(group + " " + kind, "passed");
            }
        }
        assertThat(outcomes(dir.resolve("one"))).isEqualTo(expected);
        assertThat(outcomes(dir.resolve("two"))).isEqualTo(expected);
        assertThat(rows("SELECT count(*) FROM queue_lease WHERE state = 'done'").get(0).get(0)).isEqualTo("12");
        // No board ever ran two leases at once: on each tentacle, one lease ended before the next was claimed.
        assertThat(rows("SELECT x.testid, y.testid FROM queue_lease x JOIN queue_lease y ON x.id < y.id AND x.tentacles = y.tentacles "
                + "AND x.started_at < y.ended_at AND y.started_at < x.ended_at")).isEmpty();
    }

    @Test
    void anAgentWithItsOwnEmptyFirmwareFolderFlashesTheImageTheCoordinatorBuilt() throws Exception {
        setUp("images");
        Path tarball = MicroPythonSuiteIT.TARBALL.toAbsolutePath();
        assumeTrue(Files.isRegularFile(tarball), "MicroPython's source tarball is not at " + tarball + " (set TESTBED_TEST_MICROPYTHON)");
        assumeTrue(onPath("arm-none-eabi-gcc") && onPath("qemu-system-arm"), "no Arm toolchain or QEMU (apt-get install gcc-arm-none-eabi qemu-system-arm)");
        // Another host: the test groups, but not one firmware image or build script.
        Path home = dir.resolve("host-m");
        Cli.copyTree(Path.of("testrunspecs").toAbsolutePath(), home.resolve("testrunspecs"));
        Files.createDirectories(home.resolve("firmware"));
        Map<String, Object> mps2 = pico("qM00000mp1", "MPS2_AN385", "MPS2_AN385", List.of("FUT_MCU_ONLY"), Map.of());
        mps2.put("port", "qemu");
        mps2.put("connection", Map.of("kind", "qemu-mps2"));
        // The agent's own allow-list names the folder of the source the coordinator will ask for.
        agentElsewhere("agent-m", home, lab("host-m", List.of(mps2)), "--allow-source", tarball.getParent().toString());

        Path results = dir.resolve("built");
        Process c = coordinator("coordinator-built", results, "--firmware", "MPS2_AN385", "--micropython", tarball.toString(), "--only-test",
                "BUILTIN-TESTS_BASICS", "--no-history");
        int code = exit(c, 600);
        StringBuilder failed = new StringBuilder();
        try (var walk = Files.walk(results)) {
            for (Path f : walk.filter(f -> f.getFileName().toString().equals("run.json")).toList()) {
                JSON.readTree(f.toFile()).get("tests").forEach(t -> {
                    if (!t.get("outcome").asText().equals("passed")) {
                        failed.append(t).append('\n');
                    }
                });
            }
        }
        assertThat(code).as(log("coordinator-built") + log("agent-m") + failed).isZero();

        assertThat(outcomes(results)).as(java.util.stream.StreamSupport.stream(RunIT.runs(results).spliterator(), false).map(JsonNode::toString).toList().toString()).containsExactly(Map.entry("BUILTIN-TESTS_BASICS MPS2_AN385", "passed"));
        // Built in the session's own copy of the firmware folder, kept with its results.
        String built = Files.readString(results.resolve("build/MPS2_AN385/firmware/version.txt")).strip();
        JsonNode attempt = RunIT.runs(results).get(0).get("attempts").get(0);
        JsonNode run = JSON.readTree(results.resolve(attempt.get("directory").asText()).resolve("run.json").toFile());
        assertThat(run.get("flashed").toString()).as("the agent flashed it").contains("MPS2_AN385");
        assertThat(run.get("firmware").get("qM00000mp1").asText()).as("and the board reports the coordinator's build").isEqualTo(built);
        String sha = testbed.config.FirmwareLoader.sha256(results.resolve("build/MPS2_AN385/firmware/firmware.elf"));
        assertThat(rows("SELECT board_variant, sha256 FROM queue_image")).containsExactly(List.of("MPS2_AN385", sha));
        try (var files = Files.list(home.resolve("firmware"))) {
            assertThat(files.toList()).as("the agent's own firmware/ stays empty").isEmpty();
        }
        assertThat(TestWorkspaces.CACHE.resolve("agent/images").resolve(sha).resolve("firmware.elf")).as("the image, kept by its hash").exists();
    }

    @Test
    void healthProbesOfIdleBoardsRunOnTheirAgent() throws Exception {
        setUp("health");
        // With -j 1, a board that has run waits idle while the other tests, and is probed meanwhile by its own agent.
        agent("agent-a", labA(3));
        agent("agent-b", labB());
        Path results = dir.resolve("probed");
        Process c = coordinator("coordinator-probed", results, "--firmware", "RPI_PICO", "--firmware", "RPI_PICO_W", GROUPS[0], GROUPS[1], "--only-test",
                "BUILTIN-PERFBENCH", "-j", "1", "--health-every", "1s", "--no-history");
        assertThat(exit(c, 300)).as(log("coordinator-probed")).isZero();
        List<List<String>> probes = rows("SELECT host, state FROM queue_lease WHERE testid LIKE 'health-probe@%'");
        assertThat(probes).as("probes were leased to the agents and answered: " + log("coordinator-probed") + log("agent-")).isNotEmpty().allSatisfy(p -> assertThat(p.get(1)).isIn("done", "cancelled"));
        assertThat(rows("SELECT report FROM queue_lease WHERE testid LIKE 'health-probe@%' AND state = 'done'")).as("each probed board answered")
                .isNotEmpty().allSatisfy(r -> assertThat(r.get(0)).containsPattern("\"outcome\" *: *\"probe\"").containsPattern("\"tests_failed\" *: *false"));
        assertThat(outcomes(results)).hasSize(4).allSatisfy((item, status) -> assertThat(status).isEqualTo("passed"));
    }

    private static boolean onPath(String tool) {
        return java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }
}
