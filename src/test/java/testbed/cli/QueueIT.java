package testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import testbed.TestWorkspaces;

/**
 * Several lab hosts on one machine: three {@code testbed agent} processes, each owning part of a virtual lab (two of
 * them with an RPI_PICO, the identical board kind), and a coordinator ({@code testbed run --queue}), all on a real
 * PostgreSQL started here. Agents are killed, stopped and restarted as a lab's hosts would be.
 */
@Timeout(900)
class QueueIT extends QueueHosts {

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
        // The browser view of a lab of several hosts: every agent's tentacles with their host, the one taken out with why.
        Process serve = testbed("serve", "serve", "--queue", url, "--port", "0", "--no-history", "--results", queued.toString());
        awaitTrue(() -> log("serve").contains("testbed serve: http://"), 60, "testbed serve listening");
        String api = log("serve").replaceAll("(?s).*testbed serve: (http://\\S+/).*", "$1") + "api/lab";
        JsonNode lab = JSON.readTree(java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(api)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body());
        Map<String, String> byLabel = new TreeMap<>();
        lab.forEach(row -> byLabel.put(row.get("label").asText(), row.get("host").asText() + " " + row.get("state").asText() + " " + row.get("detail").asText()));
        assertThat(byLabel).containsOnlyKeys("0pa1-RPI_PICO", "0wa1-RPI_PICO_W", "0pb1-RPI_PICO", "0qc1-RPI_PICO2");
        assertThat(byLabel.get("0pb1-RPI_PICO")).isEqualTo("agent-b free ");
        assertThat(byLabel.get("0qc1-RPI_PICO2")).startsWith("agent-c disabled disabled by").endsWith(": rewiring the I2C bus");
        serve.destroy();
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
}
