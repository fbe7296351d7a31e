package testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * Boards of MicroPython's unix port, built from v1.27.0's source tarball during the session: two of them run
 * MicroPython's multi-board network tests against each other, and their benchmark numbers make a history in which a
 * slower firmware stands out. Skipped, saying so, without the tarball (see {@link MicroPythonSuiteIT}).
 */
class UnixBoardIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /**
     * RUN-MULTITESTS_MULTINET through testbed gives, test by test, what run-multitests.py gives when run directly on the
     * same two boards (held up by {@code testbed lab up}) with the group's own arguments, the DUT as instance0 and then
     * as instance1.
     */
    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void multinetThroughTestbedEqualsADirectRunWithTheDutInBothRoles() throws Exception {
        MicroPythonSuiteIT.assumeSource();
        Workspace ws = Cli.copyOfCheckout(dir);
        Path lab = new VirtualLabFixture(dir.resolve("lab")).unix("vunixnet-8a01").unix("vunixnet-8a02").referenceBoards("UNIX").writeLab();
        Path results = dir.resolve("results");

        Cli.Result r = Cli.run(ws, "run", "--lab", lab.toString(), "--micropython", MicroPythonSuiteIT.TARBALL.toString(), "--only-test",
                "RUN-MULTITESTS_MULTINET", "--results", results.toString(), "--no-history");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();

        Map<String, Map<String, String>> viaTestbed = new TreeMap<>();
        String dut = null;
        String reference = null;
        for (JsonNode run : RunIT.runs(results)) {
            JsonNode attempt = run.get("attempts").get(run.get("attempts").size() - 1);
            assertThat(run.get("status").asText()).as(run.get("testid").asText()).isEqualTo("passed");
            viaTestbed.put(run.get("role").asText(), outcomes(ResultsJson.parse(results.resolve(attempt.get("directory").asText()).resolve("_results.json"))));
            dut = attempt.get("tentacle").asText();
            reference = attempt.get("reference").asText();
        }
        assertThat(viaTestbed).containsOnlyKeys("instance0", "instance1");
        assertThat(viaTestbed.get("instance0").values().stream().filter("passed"::equals).count()).as("the TCP, UDP and asyncio tests pass")
                .isGreaterThanOrEqualTo(14);
        assertThat(viaTestbed.get("instance0")).doesNotContainValue("failed");

        MicroPythonSource source = Sources.resolve(MicroPythonSuiteIT.TARBALL.toString(), ws.settings().cacheDir());
        Map<String, String> devices = new TreeMap<>();
        Process up = labUp(ws, lab, devices);
        try {
            assertThat(devices).containsKeys(dut, reference);
            Map<String, String> dutFirst = directMultinet(source, devices.get(dut), devices.get(reference), "instance0");
            Map<String, String> dutSecond = directMultinet(source, devices.get(reference), devices.get(dut), "instance1");
            assertThat(viaTestbed.get("instance0")).isEqualTo(dutFirst);
            assertThat(viaTestbed.get("instance1")).isEqualTo(dutSecond);
        } finally {
            up.destroy();
            up.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /**
     * RUN-PERFBENCH on a unix board, four sessions of one firmware and then one built with {@code -O0}: the history
     * holds every benchmark's time and score with run-perfbench.py's N and M, the unchanged firmware's noise stays in
     * the band, and the slower build leaves it. The report draws each series with its band.
     */
    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void perfbenchNumbersMakeAHistoryInWhichASlowerBuildStandsOut() throws Exception {
        MicroPythonSuiteIT.assumeSource();
        Workspace ws = Cli.copyOfCheckout(dir);
        Path lab = new VirtualLabFixture(dir.resolve("lab")).unix("vunixperf-8a11").writeLab();
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Path results = dir.resolve("results-" + i);
            Cli.Result r = Cli.run(ws, "run", "--lab", lab.toString(), "--micropython", MicroPythonSuiteIT.TARBALL.toString(), "--only-test",
                    "RUN-PERFBENCH", "--results", results.toString());
            assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
            sessions.add(JSON.readTree(results.resolve("session.json").toFile()).get("session_id").asText());
        }
        JsonNode run = JSON.readTree(dir.resolve("results-0").resolve("RUN-PERFBENCH@8a11-UNIX,a/run.json").toFile());
        assertThat(run.get("measurements")).hasSize(2 * run.get("counts").get("passed").asInt());
        assertThat(run.get("measurements").get(0).get("params").asText()).isEqualTo("N=100 M=100");

        // The same source built with -O0: the same version text, another image (flashed again), a slower firmware.
        Path slow = dir.resolve("results-slow");
        ProcessBuilder pb = new ProcessBuilder("java", "-Dtestbed.home=" + ws.home(), "-jar", Path.of("target/testbed.jar").toAbsolutePath().toString(),
                "run", "--lab", lab.toString(), "--micropython", MicroPythonSuiteIT.TARBALL.toString(), "--only-test", "RUN-PERFBENCH", "--results",
                slow.toString());
        pb.environment().putAll(testbed.TestWorkspaces.environment(dir));
        pb.environment().put("TESTBED_UNIX_CFLAGS", "-O0");
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("slow.txt").toFile());
        Process p = pb.start();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(dir.resolve("slow.txt"))).isZero();
        assertThat(Files.readString(dir.resolve("slow.txt"))).contains("flashed 8a11-UNIX");
        String slowSession = JSON.readTree(slow.resolve("session.json").toFile()).get("session_id").asText();

        Cli.Result perf = Cli.run(ws, "history", "perf", "--board", "UNIX", "--json");
        assertThat(perf.exitCode()).as(perf.err()).isZero();
        int series = 0;
        int noise = 0;
        int flagged = 0;
        int slower = 0;
        for (JsonNode s : JSON.readTree(perf.out())) {
            if (!s.get("unit").asText().equals("us")) {
                continue;
            }
            series++;
            assertThat(s.get("values")).hasSize(5);
            assertThat(s.get("band").asDouble()).isPositive();
            List<String> changedAt = new ArrayList<>();
            s.get("changes").forEach(i -> changedAt.add(s.get("sessions").get(i.asInt()).asText()));
            noise += changedAt.contains(sessions.get(3)) ? 1 : 0;
            flagged += changedAt.contains(slowSession) ? 1 : 0;
            double unchangedMax = 0;
            for (int i = 0; i < 4; i++) {
                unchangedMax = Math.max(unchangedMax, s.get("values").get(i).asDouble());
            }
            slower += s.get("values").get(4).asDouble() > unchangedMax ? 1 : 0;
        }
        assertThat(series).as("run-perfbench.py's benchmarks").isGreaterThanOrEqualTo(20);
        System.out.printf("perfbench: %d benchmarks; unchanged firmware flagged on %d; -O0 flagged on %d, slower than every unchanged session on %d%n",
                series, noise, flagged, slower);
        // The host's load is part of every number: the other test JVM building firmware beside this one widens the band and
        // moves single sessions. Measured on this 2-CPU machine: the unchanged firmware flagged on up to 5 of 24 beside
        // another JVM; -O0 flagged on 24 of 24 alone and on 9 to 17 beside it, and slower than every unchanged session on 22
        // of 24 beside it. So: -O0 is slower nearly everywhere, the
        // history flags it on a third at least, and it cries wolf on the unchanged firmware on at most a quarter.
        assertThat(slower).as("-O0 slower than every unchanged session").isGreaterThanOrEqualTo(series * 3 / 4);
        assertThat(noise).as("unchanged firmware flagged").isLessThanOrEqualTo(series / 4);
        assertThat(flagged).as("-O0 flagged").isGreaterThanOrEqualTo(series / 3);
        assertThat(Files.readString(slow.resolve("report.html"))).contains("perf_bench/");
    }

    /** {@code testbed lab up} in its own process: label → device, once it says it is ready. */
    private Process labUp(Workspace ws, Path lab, Map<String, String> devices) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("java", "-Dtestbed.home=" + ws.home(), "-jar", Path.of("target/testbed.jar").toAbsolutePath().toString(),
                "lab", "up", "--lab", lab.toString());
        pb.environment().putAll(testbed.TestWorkspaces.environment(dir));
        pb.redirectErrorStream(true);
        Process up = pb.start();
        BufferedReader lines = new BufferedReader(new InputStreamReader(up.getInputStream(), StandardCharsets.UTF_8));
        List<String> seen = new ArrayList<>();
        for (String line; (line = lines.readLine()) != null && !line.equals(LabUp.READY); ) {
            seen.add(line);
            String[] cols = line.trim().split("\\s+");
            if (cols.length >= 3 && cols[2].startsWith("/")) {
                devices.put(cols[0], cols[2]);
            }
        }
        assertThat(devices).as("lab up printed: %s", seen).isNotEmpty();
        return up;
    }

    /** run-multitests.py on two devices with RUN-MULTITESTS_MULTINET's arguments and environment. */
    private Map<String, String> directMultinet(MicroPythonSource source, String instance0, String instance1, String name) throws Exception {
        JsonNode spec = JSON.readTree(Path.of("testrunspecs/run-multitests-multinet.json").toFile());
        Path out = Files.createDirectories(dir.resolve("direct-" + name));
        List<String> command = new ArrayList<>();
        for (JsonNode arg : spec.get("runner").get("command")) {
            String a = arg.asText().replace("{python}", Python.forRunners(Python.DEFAULT)).replace("{tests}", source.tests().toString())
                    .replace("{instance0}", instance0).replace("{instance1}", instance1).replace("{resultdir}", out.toString());
            if (a.endsWith("*.py")) {
                Path folder = Path.of(a).getParent();
                try (Stream<Path> files = Files.list(folder)) {
                    files.map(Path::toString).filter(f -> f.endsWith(".py")).sorted().forEach(command::add);
                }
            } else {
                command.add(a);
            }
        }
        ProcessBuilder pb = new ProcessBuilder(command).directory(source.tests().toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("direct-" + name + ".txt").toFile());
        spec.get("runner").path("env").fields().forEachRemaining(e -> pb.environment().put(e.getKey(), e.getValue().asText()));
        Process run = pb.start();
        assertThat(run.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(out.resolve("_results.json")).as(Files.readString(dir.resolve("direct-" + name + ".txt"))).exists();
        return outcomes(ResultsJson.parse(out.resolve("_results.json")));
    }

    /** Test → outcome; run-multitests.py names a test by the path it was given, here from multi_net/ on. */
    private static Map<String, String> outcomes(List<TestResult> tests) {
        Map<String, String> m = new TreeMap<>();
        tests.forEach(t -> m.put(t.name().substring(Math.max(0, t.name().indexOf("multi_net/"))), t.outcome().label()));
        return m;
    }
}
