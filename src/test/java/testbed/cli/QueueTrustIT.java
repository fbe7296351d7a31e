package testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Several lab hosts locked down (issue 20): an agent's database login, crafted reports, a serial or a tag claimed
 * twice, a host that never comes back; against a real PostgreSQL and real agent processes.
 */
@Timeout(900)
class QueueTrustIT extends QueueHosts {

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
}
