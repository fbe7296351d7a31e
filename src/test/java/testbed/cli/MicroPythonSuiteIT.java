package testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import testbed.app.LabUp;
import testbed.config.Workspace;
import testbed.lab.VirtualLabFixture;
import testbed.model.MicroPythonSource;
import testbed.process.Python;
import testbed.runner.ResultsJson;
import testbed.runner.TestResult;
import testbed.source.Sources;

/**
 * MicroPython's own suite end to end, from MicroPython v1.27.0's source tarball: testbed's RUN-TESTS_STANDARD on a
 * virtual RPI_PICO gives exactly the outcomes of run-tests.py run directly on the same board, and the MPS2-AN385 QEMU
 * board gets its firmware built from that source during the session (while the Pico already tests), is flashed,
 * verified and passes. The tarball is test data outside the repository (../shared/micropython, or
 * $TESTBED_TEST_MICROPYTHON): without it these tests are skipped, saying so.
 */
class MicroPythonSuiteIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final Path TARBALL = Path.of(System.getenv().getOrDefault("TESTBED_TEST_MICROPYTHON", "../shared/micropython/micropython-1.27.0.tar.xz"))
            .toAbsolutePath().normalize();

    @TempDir
    Path dir;

    static void assumeSource() {
        assumeTrue(Files.isRegularFile(TARBALL), "MicroPython's source tarball is not at " + TARBALL + " (set TESTBED_TEST_MICROPYTHON)");
        assumeTrue(Python.pyserialVersion(Python.forRunners(Python.DEFAULT)).isPresent(), "no python3 with pyserial (apt-get install python3-serial)");
    }

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void standardSuiteEqualsADirectRunAndTheQemuBoardRunsFirmwareBuiltFromTheSource() throws Exception {
        assumeSource();
        Workspace ws = Cli.copyOfCheckout(dir);
        Path lab = new VirtualLabFixture(dir.resolve("lab")).pico("vmpsuite-1e01", Map.of()).mps2("vmpsuite-7a01").writeLab();
        Path results = dir.resolve("results");

        // --count 2: a group with a failure runs once more, as a lab runs it to tell a flaky test from a broken one (the
        // 1 ms clock of a WebAssembly board makes extmod/time_ms_us.py fail now and then on a loaded machine).
        Cli.Result r = Cli.run(ws, "run", "--lab", lab.toString(), "--micropython", TARBALL.toString(), "--only-test", "RUN-TESTS_STANDARD",
                "--results", results.toString(), "--no-history", "--count", "2");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();

        JsonNode session = JSON.readTree(results.resolve("session.json").toFile());
        assertThat(session.get("tests_ref").asText()).startsWith("v1.27.0 (tarball sha256:");
        Map<String, JsonNode> runs = new TreeMap<>();
        for (JsonNode run : RunIT.runs(results)) {
            runs.put(run.get("testid").asText(), run);
        }
        JsonNode pico = runs.get("RUN-TESTS_STANDARD@1e01-RPI_PICO");
        JsonNode qemu = runs.get("RUN-TESTS_STANDARD@7a01-MPS2_AN385");
        assertThat(pico.get("status").asText()).isEqualTo("passed");
        assertThat(qemu.get("status").asText()).isEqualTo("passed");

        // The QEMU board: its firmware was built from the source while the Pico already ran, then flashed and verified.
        JsonNode qemuAttempt = last(qemu.get("attempts"));
        assertThat(qemu.get("attempts").get(0).get("flashed").toString()).contains("7a01-MPS2_AN385");
        assertThat(qemu.get("attempts").get(0).get("firmware").toString()).contains("MPS2_AN385;3.4.0; MicroPython v1.27.0 on ");
        assertThat(qemuAttempt.get("counts").get("failed").asLong()).isZero();
        assertThat(qemuAttempt.get("counts").get("passed").asLong()).isGreaterThan(600);
        assertThat(Instant.parse(pico.get("time_start").asText())).isBefore(Instant.parse(qemu.get("time_start").asText()));
        String timing = Files.readString(results.resolve("timing.txt"));
        assertThat(timing).contains("MPS2_AN385");
        assertThat(Files.readString(results.resolve("build/MPS2_AN385/build_stdout.txt"))).contains("built without btree").contains("built MPS2_AN385");

        // The Pico: the same outcomes, test by test, as run-tests.py run directly on that board with the group's command.
        Path picoDir = results.resolve(last(pico.get("attempts")).get("directory").asText());
        Map<String, String> viaTestbed = outcomes(ResultsJson.parse(picoDir.resolve("_results.json")));
        assertThat(viaTestbed.values().stream().filter("passed"::equals).count()).isGreaterThanOrEqualTo(750);
        // What testbed recorded: a failure of a known-flaky test (testrunspecs/flaky/known-flaky.json) is ignored, with its reason.
        JsonNode recorded = json(picoDir.resolve("run.json"));
        List<String> ignored = new ArrayList<>();
        for (JsonNode t : recorded.get("tests")) {
            assertThat(t.get("outcome").asText()).as(t.get("name").asText()).isNotEqualTo("failed");
            if (t.get("outcome").asText().equals("ignored")) {
                assertThat(t.get("reason").asText()).startsWith("known flaky: ");
                ignored.add(t.get("name").asText());
            }
        }
        viaTestbed.keySet().removeAll(ignored);

        Map<String, String> direct = directRun(ws, lab, viaTestbed);
        direct.keySet().removeAll(ignored);
        assertThat(counts(viaTestbed)).isEqualTo(counts(direct));
        assertThat(viaTestbed).isEqualTo(direct);
    }

    /**
     * Groups whose prerequisites the WebAssembly boards lack are skipped with the reason, never failed: no native
     * emitter (RUN-TESTS_STANDARD_NATIVE), no dynamic modules (RUN-NATMODTESTS, in run-natmodtests.py's own words),
     * no socket or bluetooth module (network and BLE groups, although the tentacles declare FUT_WLAN and FUT_BLE).
     */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void groupsTheBoardsCannotRunAreSkippedWithTheReason() throws Exception {
        assumeSource();
        Workspace ws = Cli.copyOfCheckout(dir);
        List<String> wireless = List.of("FUT_MCU_ONLY", "FUT_EXTMOD_HARDWARE", "FUT_WLAN", "FUT_BLE");
        Path lab = new VirtualLabFixture(dir.resolve("lab")).board("vmpgroup-3b01", "RPI_PICO_W", "RPI_PICO_W", wireless, List.of(""), Map.of())
                .board("vmpgroup-3b02", "RPI_PICO_W", "RPI_PICO_W", wireless, List.of(""), Map.of()).writeLab();
        Path results = dir.resolve("results");
        List<String> args = new ArrayList<>(List.of("run", "--lab", lab.toString(), "--micropython", TARBALL.toString(), "--results", results.toString(),
                "--no-history"));
        for (String group : List.of("RUN-TESTS_STANDARD_NATIVE", "RUN-NATMODTESTS", "RUN-MULTITESTS_MULTINET", "RUN-MULTITESTS_MULTIBLUETOOTH",
                "RUN-TESTS_NET_HOSTED", "RUN-TESTS_NET_INET")) {
            args.addAll(List.of("--only-test", group));
        }
        Cli.Result r = Cli.run(ws, args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();

        Map<String, String> reasons = new TreeMap<>();
        for (JsonNode run : RunIT.runs(results)) {
            JsonNode attempt = run.get("attempts").get(0);
            assertThat(attempt.get("status").asText()).as(run.get("testid").asText() + ": " + attempt.get("error").asText()).isEqualTo("skipped");
            reasons.put(run.get("testgroup").asText(), attempt.get("error").asText());
        }
        assertThat(reasons).containsOnlyKeys("RUN-TESTS_STANDARD_NATIVE", "RUN-NATMODTESTS", "RUN-MULTITESTS_MULTINET", "RUN-MULTITESTS_MULTIBLUETOOTH",
                "RUN-TESTS_NET_HOSTED", "RUN-TESTS_NET_INET");
        assertThat(reasons.get("RUN-TESTS_STANDARD_NATIVE")).contains("no native emitter");
        // Said before the runner starts, from what the board reported (run-natmodtests.py would say "the target does not support dynamic modules").
        assertThat(reasons.get("RUN-NATMODTESTS")).contains("no native code architecture").contains("loads no native modules");
        assertThat(reasons.get("RUN-MULTITESTS_MULTINET")).contains("has no 'socket' module");
        assertThat(reasons.get("RUN-MULTITESTS_MULTIBLUETOOTH")).contains("has no 'bluetooth' module");
        assertThat(reasons.get("RUN-TESTS_NET_HOSTED")).contains("has no 'socket' module");
        assertThat(reasons.get("RUN-TESTS_NET_INET")).contains("has no 'socket' module");
    }

    /**
     * run-tests.py on the Pico held up by {@code testbed lab up}, with RUN-TESTS_STANDARD's own arguments. A test whose
     * outcome differs from testbed's is run again on its own (up to three times): on a board with a 1 ms clock a timing
     * test (extmod/time_ms_us.py) fails now and then in either run, and that is the test's flakiness, not testbed's.
     */
    private Map<String, String> directRun(Workspace ws, Path lab, Map<String, String> viaTestbed) throws Exception {
        MicroPythonSource source = Sources.resolve(TARBALL.toString(), ws.settings().cacheDir());
        ProcessBuilder pb = new ProcessBuilder("java", "-Dtestbed.home=" + ws.home(), "-jar", Path.of("target/testbed.jar").toAbsolutePath().toString(),
                "lab", "up", "--lab", lab.toString(), "--only-board", "RPI_PICO");
        pb.environment().putAll(testbed.TestWorkspaces.environment(dir));
        pb.redirectErrorStream(true);
        Process up = pb.start();
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(up.getInputStream(), StandardCharsets.UTF_8));
            String device = null;
            List<String> seen = new ArrayList<>();
            for (String line; (line = lines.readLine()) != null && !line.equals(LabUp.READY); ) {
                seen.add(line);
                if (line.startsWith("1e01-RPI_PICO")) {
                    device = line.split("\\s+")[2];
                }
            }
            assertThat(device).as("lab up printed: %s", seen).isNotNull();
            Path out = dir.resolve("direct");
            Files.createDirectories(out);
            JsonNode spec = JSON.readTree(Path.of("testrunspecs/run-tests-standard.json").toFile());
            List<String> command = new ArrayList<>();
            for (JsonNode arg : spec.get("runner").get("command")) {
                command.add(arg.asText().replace("{python}", Python.forRunners(Python.DEFAULT)).replace("{tests}", source.tests().toString())
                        .replace("{dut}", device).replace("{resultdir}", out.toString()));
            }
            Process run = new ProcessBuilder(command).directory(source.tests().toFile()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("direct.txt").toFile()).start();
            assertThat(run.waitFor(8, TimeUnit.MINUTES)).isTrue();
            assertThat(out.resolve("_results.json")).as(Files.readString(dir.resolve("direct.txt"))).exists();
            Map<String, String> direct = outcomes(ResultsJson.parse(out.resolve("_results.json")));
            for (String test : new ArrayList<>(direct.keySet())) {
                for (int again = 0; again < 3 && viaTestbed.containsKey(test) && !viaTestbed.get(test).equals(direct.get(test)); again++) {
                    Path one = Files.createDirectories(dir.resolve("again-" + again + "-" + test.replace('/', '_')));
                    List<String> single = new ArrayList<>(command.stream().map(a -> a.equals("--result-dir=" + out) ? "--result-dir=" + one : a).toList());
                    single.add(test);
                    Process p = new ProcessBuilder(single).directory(source.tests().toFile()).redirectErrorStream(true)
                            .redirectOutput(one.resolve("out.txt").toFile()).start();
                    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
                    String outcome = outcomes(ResultsJson.parse(one.resolve("_results.json"))).get(test);
                    System.err.printf("direct run: %s was %s, run again: %s%n", test, direct.get(test), outcome);
                    direct.put(test, outcome);
                }
            }
            return direct;
        } finally {
            up.destroy();
            up.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static Map<String, String> outcomes(List<TestResult> tests) {
        Map<String, String> m = new TreeMap<>();
        tests.forEach(t -> m.put(t.name(), t.outcome().label()));
        return m;
    }

    private static JsonNode last(JsonNode attempts) {
        return attempts.get(attempts.size() - 1);
    }

    private static Map<String, Long> counts(Map<String, String> outcomes) {
        return outcomes.values().stream().collect(Collectors.groupingBy(o -> o, TreeMap::new, Collectors.counting()));
    }

    private static JsonNode json(Path file) throws IOException {
        return JSON.readTree(file.toFile());
    }
}
