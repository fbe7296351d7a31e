package testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import testbed.config.Workspace;
import testbed.lab.VirtualLabFixture;

/**
 * The real CLI against virtual labs: every path from discovery through the bartender, flashing, the runners and
 * results/ to the exit code. Each test has its own copy of the checkout, its own board state and results.
 */
@Timeout(180)
class RunIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PICO = List.of("FUT_MCU_ONLY", "FUT_EXTMOD_HARDWARE");

    @TempDir
    Path dir;

    /** A copy of the checkout; none of these tests selects the micro:bit, so Debian's image is not needed. */
    private Workspace ws() {
        return Cli.copyOfCheckout(dir);
    }

    private Path lab(VirtualLabFixture fixture) throws IOException {
        return fixture.writeLab();
    }

    /** The run's runner has printed its first test line: it is past flashing and under way. */
    private static boolean testing(Path testresults) {
        try {
            String text = Files.readString(testresults);
            int start = text.indexOf("TAG_LOG_START");
            return start >= 0 && text.substring(start).lines().skip(1).anyMatch(l -> !l.startsWith("3b0") && !l.isBlank());
        } catch (IOException e) {
            return false;
        }
    }

    static JsonNode json(Path file) throws IOException {
        return JSON.readTree(file.toFile());
    }

    private static List<JsonNode> runs(Workspace ws) throws IOException {
        return runs(ws.resultsDir());
    }

    /** The runs of runs.jsonl, each attempt reference replaced by that attempt's run.json: the whole record, as report reads it. */
    static List<JsonNode> runs(Path results) throws IOException {
        List<JsonNode> runs = new ArrayList<>();
        for (String line : Files.readAllLines(results.resolve("runs.jsonl"))) {
            ObjectNode run = (ObjectNode) JSON.readTree(line);
            com.fasterxml.jackson.databind.node.ArrayNode attempts = JSON.createArrayNode();
            for (JsonNode ref : run.get("attempts")) {
                attempts.add(json(results.resolve(ref.get("directory").asText()).resolve("run.json")));
            }
            run.set("attempts", attempts);
            runs.add(run);
        }
        return runs;
    }

    private static JsonNode run(Workspace ws, String testidPrefix) throws IOException {
        return runs(ws).stream().filter(r -> r.get("testid").asText().startsWith(testidPrefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no run " + testidPrefix + " in session.json"));
    }

    /** Makes the built-in basics suite quicker to time out in a copied workspace. */
    static void perTestTimeout(Workspace ws, String specFile, int seconds) throws IOException {
        Path file = ws.specsDir().resolve(specFile);
        ObjectNode spec = (ObjectNode) json(file);
        ((ObjectNode) spec.get("runner")).put("per_test_timeout_s", seconds);
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), spec);
    }

    @Test
    void mainJobFlashesAndTestsEveryPicoWWithTheReferenceAndWritesResults() throws Exception {
        Workspace ws = ws();
        Cli.Result r = Cli.run(ws, "run", "--lab", "virtual", "--firmware", "RPI_PICO_W");

        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("5 runs: 5 passed, 0 failed, 0 skipped, 0 errors; passed");
        // Each start counted once, the last one 5/5; "flashed" said once it happened, never guessed at the start.
        for (int n = 1; n <= 5; n++) {
            assertThat(r.out()).as("started (" + n + "/5) once").containsOnlyOnce("started (" + n + "/5)");
        }
        assertThat(r.out()).doesNotContain(", flashing").containsPattern("flashed [0-9a-f]{4}-RPI_PICO_W");
        JsonNode session = json(ws.resultsDir().resolve("session.json"));
        assertThat(session.get("verdict").asText()).isEqualTo("passed");
        assertThat(session.get("status").asText()).isEqualTo("completed");
        assertThat(session.get("firmware").toString()).isEqualTo("[\"RPI_PICO_W\"]");
        List<String> testids = runs(ws).stream().map(n -> n.get("testid").asText()).toList();
        assertThat(testids).extracting(t -> t.contains("MULTITESTS") ? t : t.replaceAll("@[0-9a-f]{4}-", "@-")).containsExactlyInAnyOrder(
                "BUILTIN-PERFBENCH@-RPI_PICO_W", "BUILTIN-TESTS_EXTMOD@-RPI_PICO_W", "BUILTIN-TESTS_BASICS@-RPI_PICO_W",
                "BUILTIN-MULTITESTS@3b01-RPI_PICO_W-instance0", "BUILTIN-MULTITESTS@3b01-RPI_PICO_W-instance1");
        // Which tentacle finishes first decides who takes the next group; both take some.
        assertThat(testids.stream().filter(t -> !t.contains("MULTITESTS")).map(t -> t.substring(t.indexOf('@') + 1, t.indexOf('@') + 5)))
                .as("the two identical tentacles share the work").contains("3b01", "3b02");

        // The reference board kind's own multitests run against the other reference-capable tentacle, in both roles.
        JsonNode instance0 = json(ws.resultsDir().resolve("BUILTIN-MULTITESTS@3b01-RPI_PICO_W-instance0,a/run.json"));
        assertThat(instance0.get("role").asText()).isEqualTo("instance0");
        assertThat(instance0.get("reference").asText()).isEqualTo("3b02-RPI_PICO_W");
        assertThat(instance0.get("firmware").size()).as("both boards' firmware recorded").isEqualTo(2);
        assertThat(instance0.get("counts").get("passed").asInt()).isGreaterThanOrEqualTo(4);

        // Every attempt folder has the live log, the per-run log4j2 files and the run record; the first run on each
        // tentacle flashed it and kept the tool's output.
        try (Stream<Path> dirs = Files.list(ws.resultsDir())) {
            List<Path> attempts = dirs.filter(Files::isDirectory).filter(p -> p.getFileName().toString().endsWith(",a")).toList();
            assertThat(attempts).hasSize(5);
            for (Path a : attempts) {
                assertThat(a.resolve("testresults.txt")).content().contains("TAG_LOG_START").contains("TAG_LOG_END").containsPattern("status=(passed|xfailed)")
                        .contains("duration=");
                assertThat(a.resolve("logger_10_debug.log")).exists();
                assertThat(a.resolve("logger_20_info.log")).exists();
                assertThat(a.resolve("logger_40_error.log")).exists();
                assertThat(json(a.resolve("run.json")).get("status").asText()).isEqualTo("passed");
            }
            long flashed = attempts.stream().mapToLong(a -> (Files.exists(a.resolve("flashing_stdout.txt")) ? 1 : 0)
                    + (Files.exists(a.resolve("flashing_stdout_reference.txt")) ? 1 : 0)).sum();
            assertThat(flashed).as("each of the two tentacles flashed once (as DUT or as reference)").isEqualTo(2);
        }
        assertThat(ws.resultsDir().resolve("logger_20_info.log")).exists();

        // A second session keeps the first one's results in the archive.
        String firstId = session.get("session_id").asText();
        Cli.Result again = Cli.run(ws, "run", "--lab", "virtual", "--firmware", "RPI_PICO_W", "--only-test", "BUILTIN-TESTS_EXTMOD");
        assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
        assertThat(ws.resultsDir().resolve("archive").resolve(firstId).resolve("session.json")).exists();
        assertThat(runs(ws)).hasSize(1);
        assertThat(run(ws, "BUILTIN-TESTS_EXTMOD@").get("attempts").get(0).get("flashed").size())
                .as("the boards already carry the firmware: no flash").isZero();
    }

    @Test
    void aSessionOnOneBoardStartsOnlyThatBoard() throws Exception {
        Workspace ws = ws();
        Cli.Result r = Cli.run(ws, "run", "--lab", "virtual", "--firmware", "RPI_PICO", "--only-test", "BUILTIN-TESTS_EXTMOD", "--no-history",
                "--notify", "true https://bot:s3cret@chat.example.org/hook");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        // A credential in the command line never reaches the session's files.
        for (String file : List.of("session.json", "summary.json", "report.html", "report.md")) {
            assertThat(ws.resultsDir().resolve(file)).content().as(file).doesNotContain("s3cret");
        }
        assertThat(ws.resultsDir().resolve("session.json")).content().contains("true https://bot:***@chat.example.org/hook");
        // Not the eight other virtual boards (a QEMU among them costs most of a core): only the one selected, no reference needed.
        assertThat(ws.resultsDir().resolve("logger_20_info.log")).content().contains("virtual lab: starting 1 board(s): [vlab0000pico-1e01]")
                .doesNotContain("starting 9 board(s)");
    }

    @Test
    void aTentacleDisabledByHandRunsNothingAndTheSessionSaysWhoTookItOut() throws Exception {
        Workspace ws = ws();
        assertThat(Cli.run(ws, "lab", "disable", "3b02-RPI_PICO_W", "--reason", "on the bench for a scope", "--lab", "virtual").exitCode()).isZero();
        Cli.Result r = Cli.run(ws, "run", "--lab", "virtual", "--firmware", "RPI_PICO_W", "--only-test", "BUILTIN-TESTS_EXTMOD", "--only-test",
                "BUILTIN-TESTS_BASICS", "--no-history");

        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("not used: 3b02-RPI_PICO_W (disabled by ");
        assertThat(runs(ws)).hasSize(2).allSatisfy(run -> assertThat(run.get("testid").asText()).contains("@3b01-"));
        assertThat(ws.resultsDir().resolve("session.json")).content().contains("DISABLED").contains("on the bench for a scope");
        assertThat(ws.resultsDir().resolve("report.md")).content().contains("on the bench for a scope");
    }

    @Test
    void twoVariantBoardIsReflashedBetweenVariants() throws Exception {
        Workspace ws = ws();
        Path lab = lab(new VirtualLabFixture(dir.resolve("lab")).board("vtwo00000001-5a5a", "RPI_PICO2", "RPI_PICO2", PICO,
                List.of("", "RISCV"), Map.of()));
        Cli.Result r = Cli.run(ws, "run", "--lab", lab.toString(), "--firmware", "RPI_PICO2", "--only-test", "BUILTIN-TESTS_EXTMOD");

        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        List<JsonNode> both = runs(ws);
        assertThat(both).extracting(n -> n.get("testid").asText())
                .containsExactlyInAnyOrder("BUILTIN-TESTS_EXTMOD@5a5a-RPI_PICO2", "BUILTIN-TESTS_EXTMOD@5a5a-RPI_PICO2-RISCV");
        for (JsonNode run : both) {
            JsonNode attempt = run.get("attempts").get(0);
            assertThat(attempt.get("flashed").size()).as("each variant needs its own flash").isEqualTo(1);
            String expected = run.get("testid").asText().endsWith("-RISCV") ? "RPI_PICO2-RISCV;" : "RPI_PICO2;";
            assertThat(attempt.get("firmware").get("vtwo00000001-5a5a").asText()).startsWith(expected);
            Path dirOf = ws.resultsDir().resolve(attempt.get("directory").asText());
            assertThat(dirOf.resolve("flashing_stdout.txt")).content().contains("verified: " + expected);
        }
    }

    @Test
    void hangTimesOutPowerCyclesAndRequeuesToTheIdenticalTentacle() throws Exception {
        Workspace ws = ws();
        perTestTimeout(ws, "builtin-tests-basics.json", 3);
        Path lab = lab(new VirtualLabFixture(dir.resolve("lab"))
                .pico("vhang0000001-1111", Map.of("hang", Map.of("on_test", "basics/recursion.py")))
                .pico("vhang0000002-2222", Map.of()));
        Cli.Result r = Cli.run(ws, "run", "--lab", lab.toString(), "--firmware", "RPI_PICO", "--only-test", "BUILTIN-TESTS_BASICS", "-j", "1");

        assertThat(r.exitCode()).as("the requeued run passed: " + r.out() + r.err()).isZero();
        assertThat(runs(ws)).extracting(n -> n.get("testid").asText() + " " + n.get("status").asText())
                .containsExactly("BUILTIN-TESTS_BASICS@1111-RPI_PICO timeout", "BUILTIN-TESTS_BASICS@2222-RPI_PICO passed")
                .as("requeued to the identical tentacle, not to the one that hung");
        JsonNode hung = run(ws, "BUILTIN-TESTS_BASICS@1111").get("attempts").get(0);
        assertThat(hung.get("status").asText()).isEqualTo("timeout");
        assertThat(hung.get("error").asText()).contains("basics/recursion.py");
        Path hungDir = ws.resultsDir().resolve(hung.get("directory").asText());
        // A wedged board: Ctrl-C and the reset line do not bring it back, a power cycle does.
        assertThat(hungDir.resolve("testresults.txt")).content().contains("1111-RPI_PICO: recovery: interrupt and soft reset: no answer",
                "1111-RPI_PICO: recovery: hard reset: no answer", "1111-RPI_PICO: recovery: power cycle: answers");
        assertThat(hung.get("recovery").toString()).contains("power cycle: answers");
        assertThat(json(hungDir.resolve("run.json")).get("status").asText()).isEqualTo("timeout");
    }

    @Test
    void aBoardUnpluggedForGoodIsLeftOverAsOfflineAndTheOthersGoOn() throws Exception {
        Workspace ws = ws();
        Path lab = lab(new VirtualLabFixture(dir.resolve("lab"))
                .pico("vgone00000001-0d0d", Map.of("disconnect", Map.of("after_s", 2)))
                .board("vstay00000001-5757", "RPI_PICO_W", "RPI_PICO_W", List.of("FUT_MCU_ONLY", "FUT_WLAN", "FUT_BLE"), List.of(""), Map.of()));
        Cli.Result r = Cli.run(ws, "run", "--lab", lab.toString(), "--firmware", "RPI_PICO", "--firmware", "RPI_PICO_W",
                "--only-test", "BUILTIN-TESTS_BASICS", "--only-test", "BUILTIN-TESTS_EXTMOD", "--quarantine-after", "1");

        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(ExitCodes.INFRASTRUCTURE);
        assertThat(r.out()).contains("unplugged: vgone00000001-0d0d");
        JsonNode session = json(ws.resultsDir().resolve("session.json"));
        assertThat(session.get("verdict").asText()).isEqualTo("infrastructure_errors");
        assertThat(session.get("quarantined")).as("pulled out, not broken").isEmpty();
        assertThat(run(ws, "BUILTIN-TESTS_BASICS@5757").get("status").asText()).isEqualTo("passed");
        assertThat(run(ws, "BUILTIN-TESTS_EXTMOD@5757").get("status").asText()).isEqualTo("passed");
        assertThat(session.get("leftovers").toString()).contains("RPI_PICO").contains("unplugged (or never plugged in) during the session: 0d0d-RPI_PICO");
    }

    @Test
    void failedFlashIsAnInfrastructureErrorAndTheRetryPasses() throws Exception {
        Workspace ws = ws();
        Path lab = lab(new VirtualLabFixture(dir.resolve("lab")).pico("vflsh0000001-f1f1", Map.of("flash_fails", 1)));
        Cli.Result r = Cli.run(ws, "run", "--lab", lab.toString(), "--firmware", "RPI_PICO", "--only-test", "BUILTIN-TESTS_EXTMOD");

        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(runs(ws)).extracting(n -> n.get("status").asText()).containsExactly("error", "passed");
        JsonNode failed = runs(ws).get(0).get("attempts").get(0);
        assertThat(failed.get("error").asText()).containsIgnoringCase("flash");
        assertThat(ws.resultsDir().resolve(failed.get("directory").asText()).resolve("flashing_stdout.txt")).exists();
        JsonNode retried = runs(ws).get(1).get("attempts").get(0);
        assertThat(retried.get("flashed").size()).isEqualTo(1);
        assertThat(retried.get("status").asText()).isEqualTo("passed");
    }

    @Test
    void countRepeatsAFailingGroupAndExposesTheFlakyTest() throws Exception {
        Workspace ws = ws();
        // Seed 1 with p = 0.5: the flaky test glitches on its first run and not on its second.
        Path lab = lab(new VirtualLabFixture(dir.resolve("lab"))
                .pico("vflky0000001-7e57", Map.of("flaky", Map.of("test", "basics/flaky.py", "p", 0.5), "seed", 1)));
        Cli.Result r = Cli.run(ws, "run", "--lab", lab.toString(), "--firmware", "RPI_PICO", "--only-test", "BUILTIN-TESTS_BASICS", "--count", "3");

        assertThat(r.exitCode()).as("passed on the retry: " + r.out() + r.err()).isZero();
        JsonNode run = run(ws, "BUILTIN-TESTS_BASICS@7e57");
        assertThat(run.get("status").asText()).isEqualTo("passed");
        JsonNode attempts = run.get("attempts");
        assertThat(attempts).hasSize(2);
        assertThat(attempts.get(0).get("attempt").asText()).isEqualTo("a");
        assertThat(attempts.get(0).get("counts").get("failed").asInt()).isEqualTo(1);
        assertThat(attempts.get(0).get("tests").toString()).contains("basics/flaky.py");
        assertThat(attempts.get(1).get("attempt").asText()).isEqualTo("b");
        assertThat(attempts.get(1).get("counts").get("failed").asInt()).isZero();
        Path failedDir = ws.resultsDir().resolve("BUILTIN-TESTS_BASICS@7e57-RPI_PICO,a");
        assertThat(failedDir.resolve("testresults.txt")).content().contains("basics/flaky.py");
        assertThat(ws.resultsDir().resolve("BUILTIN-TESTS_BASICS@7e57-RPI_PICO,b")).isDirectory();
    }

    @Test
    void externalRunnerRunsTheStandInRunTestsAndMultitestScripts() throws Exception {
        Workspace ws = ws();
        Path tests = Path.of("src/test/resources/fake-micropython-tests").toAbsolutePath();
        List<String> wlan = List.of("FUT_MCU_ONLY", "FUT_WLAN", "FUT_BLE");
        Path lab = lab(new VirtualLabFixture(dir.resolve("lab"))
                .board("vextn0000001-e0e0", "RPI_PICO_W", "RPI_PICO_W", wlan, List.of(""), Map.of())
                .board("vextn0000002-e1e1", "RPI_PICO_W", "RPI_PICO_W", wlan, List.of(""), Map.of()));
        // The shipped RUN-MULTITESTS_MULTINET requires a socket module, which WebAssembly boards lack (it would be skipped):
        // its command, given on the command line, runs the stand-in without that requirement.
        Cli.Result r = Cli.run(ws, "run", "--lab", lab.toString(), "--firmware", "RPI_PICO_W", "--micropython-tests", tests.toString(),
                "--only-test", "RUN-TESTS_STANDARD", "--only-test", "RUN-MULTITESTS_MULTINET:{python} {tests}/run-multitests.py "
                        + "--test-instance=port:{instance0} --test-instance=port:{instance1} --result-dir={resultdir} {tests}/multi_net/*.py");

        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        JsonNode standard = run(ws, "RUN-TESTS_STANDARD@").get("attempts").get(0);
        assertThat(standard.get("counts").get("passed").asInt()).isEqualTo(2);
        assertThat(standard.get("counts").get("skipped").asInt()).isEqualTo(1);
        Path standardDir = ws.resultsDir().resolve(standard.get("directory").asText());
        assertThat(standardDir.resolve("testresults.txt")).content().contains("run-tests.py").contains("--test-instance=port:")
                .contains(standard.get("serial").asText()).contains("3 tests performed").contains("returncode=0");
        for (String role : List.of("instance0", "instance1")) {
            JsonNode multinet = runs(ws).stream().filter(n -> n.get("testid").asText().startsWith("RUN-MULTITESTS_MULTINET@")
                    && n.get("testid").asText().endsWith(role)).findFirst().orElseThrow().get("attempts").get(0);
            assertThat(multinet.get("reference").asText()).as("the other PICO_W is the reference").isNotEmpty()
                    .isNotEqualTo(multinet.get("tentacle").asText());
            assertThat(multinet.get("counts").get("passed").asInt()).isGreaterThanOrEqualTo(1);
            assertThat(ws.resultsDir().resolve(multinet.get("directory").asText()).resolve("testresults.txt")).content()
                    .contains("run-multitests.py");
        }
    }

    @Test
    void twoProcessesOnOneHostNeverShareATentacle() throws Exception {
        Path jar = Path.of("target/testbed.jar").toAbsolutePath();
        assertThat(jar).as("packaged before the integration tests").exists();
        Workspace ws = ws();
        Path lab = lab(new VirtualLabFixture(dir.resolve("lab")).pico("vlock0000001-10c1", Map.of()));
        Path locks = dir.resolve("locks");
        List<Process> processes = new ArrayList<>();
        for (String name : List.of("one", "two")) {
            ProcessBuilder pb = new ProcessBuilder("java", "-Dtestbed.home=" + ws.home(), "-jar", jar.toString(), "run", "--lab", lab.toString(),
                    "--firmware", "RPI_PICO", "--only-test", "BUILTIN-TESTS_EXTMOD", "--results", dir.resolve("results-" + name).toString());
            pb.environment().putAll(testbed.TestWorkspaces.environment(dir.resolve("env-" + name)));
            pb.environment().put("TESTBED_LOCK_DIR", locks.toString()); // shared: the point of the test
            pb.redirectErrorStream(true).redirectOutput(dir.resolve(name + ".txt").toFile());
            processes.add(pb.start());
        }
        for (Process p : processes) {
            assertThat(p.waitFor()).as(Files.readString(dir.resolve((processes.indexOf(p) == 0 ? "one" : "two") + ".txt"))).isZero();
        }
        List<Instant[]> spans = new ArrayList<>();
        for (String name : List.of("one", "two")) {
            JsonNode attempt = runs(dir.resolve("results-" + name)).get(0).get("attempts").get(0);
            spans.add(new Instant[] {Instant.parse(attempt.get("time_start").asText()), Instant.parse(attempt.get("time_end").asText())});
        }
        boolean overlap = spans.get(0)[0].isBefore(spans.get(1)[1]) && spans.get(1)[0].isBefore(spans.get(0)[1]);
        assertThat(overlap).as("runs on the same serial from two processes overlapped: %s / %s", spans.get(0), spans.get(1)).isFalse();
        String both = Files.readString(dir.resolve("one.txt")) + Files.readString(dir.resolve("two.txt"));
        assertThat(both).as("one session waited for the other").containsIgnoringCase("in use by another");
    }

    @Test
    void launcherRunsTheMainJob() throws Exception {
        Path results = dir.resolve("results");
        ProcessBuilder pb = new ProcessBuilder("bin/testbed", "run", "--lab", "virtual", "--firmware", "RPI_PICO_W",
                "--only-test", "BUILTIN-TESTS_EXTMOD", "--results", results.toString());
        pb.environment().putAll(testbed.TestWorkspaces.environment(dir.resolve("env")));
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile());
        Process p = pb.start();
        int code = p.waitFor();
        String out = Files.readString(dir.resolve("out.txt"));
        assertThat(code).as(out).isZero();
        assertThat(out).contains("1 run: 1 passed").doesNotContain("Exception");
        assertThat(json(results.resolve("session.json")).get("verdict").asText()).isEqualTo("passed");
    }

    @Test
    void killNineLeavesNoBoardProcessAndTheNextStartReapsWhatItLeft() throws Exception {
        Workspace ws = ws();
        Path env = dir.resolve("env-kill");
        ProcessBuilder pb = new ProcessBuilder("java", "-Dtestbed.home=" + ws.home(), "-jar", Path.of("target/testbed.jar").toAbsolutePath().toString(),
                "run", "--lab", "virtual", "--firmware", "RPI_PICO_W", "--only-test", "BUILTIN-TESTS_BASICS", "--only-test", "BUILTIN-PERFBENCH");
        pb.environment().putAll(testbed.TestWorkspaces.environment(env));
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("kill.txt").toFile());
        Process p = pb.start();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (Stream<Path> files = Files.exists(ws.resultsDir()) ? Files.walk(ws.resultsDir(), 2) : Stream.empty()) {
                if (files.filter(f -> f.getFileName().toString().equals("testresults.txt")).count() >= 2) {
                    break;
                }
            }
            Thread.sleep(100);
        }
        p.toHandle().destroyForcibly(); // kill -9: no hook runs
        assertThat(p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

        String state = testbed.TestWorkspaces.settings(env).stateDir().toString();
        long gone = System.nanoTime() + 10_000_000_000L;
        List<String> left = List.of("?");
        while (!left.isEmpty() && System.nanoTime() < gone) {
            left = ProcessHandle.allProcesses().map(h -> h.info().commandLine().orElse("")).filter(c -> c.contains(state)).toList();
            Thread.sleep(100);
        }
        assertThat(left).as("board processes outlived testbed").isEmpty();
        Path runDir = testbed.TestWorkspaces.settings(env).runDir();
        Path stale = runDir.resolve("vlab-" + p.pid() + "-virtual");
        assertThat(stale).as("kill -9 leaves its device folder").exists();

        Cli.Result list = Cli.run(testbed.TestWorkspaces.at(ws.home(), env), "list", "tentacles", "--lab", "virtual");
        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(stale).as("the next start reaps it").doesNotExist();
    }

    @Test
    void interruptedSessionKeepsWhatFinishedAndRecordsWhatNeverDid() throws Exception {
        Workspace ws = ws();
        Path env = dir.resolve("env-int");
        Path state = testbed.TestWorkspaces.settings(env).stateDir();
        ProcessBuilder pb = new ProcessBuilder("java", "-Dtestbed.home=" + ws.home(), "-jar", Path.of("target/testbed.jar").toAbsolutePath().toString(),
                "run", "--lab", "virtual", "--firmware", "RPI_PICO_W", "--only-test", "BUILTIN-TESTS_BASICS", "--only-test", "BUILTIN-PERFBENCH");
        pb.environment().putAll(testbed.TestWorkspaces.environment(env));
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("int.txt").toFile());
        Process p = pb.start();
        Path session = ws.resultsDir().resolve("session.json");
        long deadline = System.nanoTime() + 60_000_000_000L;
        // Wait until both runs are testing (past flashing: their live log has started), then stop it like Ctrl-C does.
        while (System.nanoTime() < deadline) {
            try (Stream<Path> files = Files.exists(ws.resultsDir()) ? Files.walk(ws.resultsDir(), 2) : Stream.empty()) {
                if (files.filter(f -> f.getFileName().toString().equals("testresults.txt")).filter(RunIT::testing).count() >= 2) {
                    break;
                }
            }
            Thread.sleep(100);
        }
        p.destroy(); // SIGTERM: stops in order, as Ctrl-C does
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("interrupted, as the README says: " + Files.readString(dir.resolve("int.txt"))).isEqualTo(ExitCodes.INTERRUPTED);
        assertThat(ws.resultsDir().resolve("report.html")).as("the reports are written on interrupt").exists();
        assertThat(ws.resultsDir().resolve("junit.xml")).exists();

        JsonNode record = json(session);
        assertThat(record.get("status").asText()).as(Files.readString(dir.resolve("int.txt"))).isEqualTo("interrupted");
        assertThat(record.get("verdict").asText()).isEqualTo("interrupted");
        List<String> outcomes = new ArrayList<>();
        runs(ws).forEach(r -> outcomes.add(r.get("status").asText()));
        assertThat(outcomes).as("runs cut short are interrupted, nobody blamed").contains("interrupted").doesNotContain("error", "timeout");
        try (Stream<Path> runJsons = Files.walk(ws.resultsDir(), 2)) {
            assertThat(runJsons.filter(f -> f.getFileName().toString().equals("run.json")).map(f -> {
                try {
                    return json(f).get("status").asText();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList()).as("cut short by the interrupt, not blamed on the boards").contains("interrupted")
                    .doesNotContain("error", "never finished");
        }
        Cli.Result sessions = Cli.run(testbed.TestWorkspaces.at(ws.home(), env), "history", "sessions");
        assertThat(sessions.out()).contains("interrupted");
        // The virtual boards went with the process: no node left behind for this lab's state folder.
        List<String> leftBehind = ProcessHandle.allProcesses().map(h -> h.info().commandLine().orElse(""))
                .filter(c -> c.contains(state.toString())).toList();
        assertThat(leftBehind).as("board processes left running").isEmpty();
    }
}
