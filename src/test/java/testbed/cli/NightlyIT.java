package testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import testbed.config.Workspace;
import testbed.lab.VirtualLabFixture;

/** A nightly plan of rounds: each a session of its own, in its own folder, linked by the nightly id. */
@Timeout(300)
class NightlyIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void roundsRunOneAfterTheOtherAndTheRetryRoundRepeatsWhatFailed() throws Exception {
        Workspace ws = Cli.copyOfCheckout(dir.resolve("ws"));
        Path lab = new VirtualLabFixture(dir.resolve("lab")).pico("vngtp0000001-ab01", Map.of("flaky", Map.of("test", "basics/flaky.py", "p", 1.0)))
                .board("vngtw0000001-ab02", "RPI_PICO_W", "RPI_PICO_W", List.of("FUT_MCU_ONLY", "FUT_EXTMOD_HARDWARE", "FUT_WLAN", "FUT_BLE"), List.of(""),
                        Map.of()).writeLab();
        Path plan = dir.resolve("plan.json");
        Files.writeString(plan, """
                {"name": "lab-night", "lab": "%s", "budget": "20m",
                 "rounds": [
                   {"name": "pico", "args": ["--firmware", "RPI_PICO", "--only-test", "BUILTIN-TESTS_BASICS", "--only-test", "BUILTIN-TESTS_EXTMOD"]},
                   {"name": "picow", "args": ["--firmware", "RPI_PICO_W", "--only-test", "BUILTIN-TESTS_EXTMOD"]},
                   {"name": "retry", "repeat_failed_of": "pico", "args": ["--firmware", "RPI_PICO"]}
                 ]}""".formatted(lab));

        Cli.Result r = Cli.run(ws, "nightly", plan.toString());

        assertThat(r.exitCode()).as("a round had failures: " + r.out() + r.err()).isEqualTo(ExitCodes.TESTS_FAILED);
        Path root = ws.resultsDir().resolve("nightly-" + LocalDate.now());
        String trigger = null;
        for (String round : List.of("pico", "picow", "retry")) {
            JsonNode session = JSON.readTree(root.resolve(round).resolve("session.json").toFile());
            assertThat(session.get("trigger").asText()).startsWith("nightly:lab-night-");
            if (trigger == null) {
                trigger = session.get("trigger").asText();
            }
            assertThat(session.get("trigger").asText()).as("one nightly id links the rounds").isEqualTo(trigger);
        }
        List<JsonNode> retried = RunIT.runs(root.resolve("retry"));
        assertThat(retried).as("only the group that failed in round pico").extracting(n -> n.get("testgroup").asText())
                .containsExactly("BUILTIN-TESTS_BASICS");
        assertThat(r.out()).contains("round picow: exit 0");
        Cli.Result sessions = Cli.run(ws, "history", "sessions", "--json");
        assertThat(sessions.out().split("nightly:lab-night-", -1)).as("three history sessions of the night").hasSize(4);
    }

    /** Two rounds on one slow-booting board: the first lasts a while. */
    private Path twoRounds(String name) throws Exception {
        Path lab = new VirtualLabFixture(dir.resolve("lab")).pico("vngts0000001-cd01", Map.of("slow_boot_s", 3)).writeLab();
        Path plan = dir.resolve("plan.json");
        Files.writeString(plan, """
                {"name": "%s", "lab": "%s",
                 "rounds": [
                   {"name": "first", "args": ["--firmware", "RPI_PICO", "--flash-force", "--only-test", "BUILTIN-TESTS_BASICS", "--only-test", "BUILTIN-TESTS_EXTMOD", "-j", "1"]},
                   {"name": "second", "args": ["--firmware", "RPI_PICO", "--only-test", "BUILTIN-TESTS_EXTMOD"]}
                 ]}""".formatted(name, lab));
        return plan;
    }

    private static void awaitFile(Path file) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(file)) {
            assertThat(System.nanoTime()).as("waited for " + file).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    @Test
    void testbedStopOnTheNightStopsTheRoundRunningAndStartsNoOther() throws Exception {
        // Finding 8 of issue 20: the night used to start its next round after a stop.
        Workspace ws = Cli.copyOfCheckout(dir.resolve("ws"));
        Path plan = twoRounds("stopped-night");
        Path root = ws.resultsDir().resolve("nightly-" + LocalDate.now());
        java.util.concurrent.CompletableFuture<Cli.Result> night = java.util.concurrent.CompletableFuture.supplyAsync(() -> Cli.run(ws, "nightly",
                plan.toString()));
        awaitFile(root.resolve("first").resolve("session.json"));
        Cli.Result stop = Cli.run(ws, "stop", "--results", root.toString());
        assertThat(stop.exitCode()).as(stop.out() + stop.err()).isZero();

        Cli.Result r = night.get(240, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(ExitCodes.INTERRUPTED);
        assertThat(r.out()).contains("the night was stopped");
        assertThat(root.resolve("second").resolve("session.json")).as("the second round never started").doesNotExist();
    }

    @Test
    void sigtermOfTheNightlyProcessStopsItsRoundInOrderAndStartsNoOther() throws Exception {
        // Finding 8 of issue 20: nightly ignored SIGTERM (a systemd stop, a CI job's cancel) and went on to its next round.
        Workspace ws = Cli.copyOfCheckout(dir.resolve("ws"));
        Path plan = twoRounds("terminated-night");
        Path root = ws.resultsDir().resolve("nightly-" + LocalDate.now());
        ProcessBuilder pb = new ProcessBuilder("java", "-Dtestbed.home=" + ws.home(), "-jar", Path.of("target/testbed.jar").toAbsolutePath().toString(),
                "nightly", plan.toString());
        pb.environment().putAll(testbed.TestWorkspaces.environment(dir.resolve("ws")));
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("night.txt").toFile());
        Process night = pb.start();
        try {
            awaitFile(root.resolve("first").resolve("session.json"));
            assertThat(new ProcessBuilder("kill", "-TERM", String.valueOf(night.pid())).start().waitFor()).isZero();
            assertThat(night.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).as("the night ended after SIGTERM").isTrue();
            String out = Files.readString(dir.resolve("night.txt"));
            assertThat(night.exitValue()).as(out).isEqualTo(ExitCodes.INTERRUPTED);
            assertThat(out).contains("SIGTERM: stopping").doesNotContain("Exception");
            assertThat(root.resolve("second").resolve("session.json")).as("the second round never started").doesNotExist();
            JsonNode first = JSON.readTree(root.resolve("first").resolve("session.json").toFile());
            assertThat(first.get("status").asText()).as("the round that ran was closed in order").isNotEqualTo("running");
            assertThat(root.resolve("first").resolve("report.html")).as("its reports were written").exists();
        } finally {
            night.destroyForcibly();
        }
    }

    @Test
    void aBadPlanIsOneLineNamingTheFieldAndNothingRuns() throws Exception {
        Workspace ws = Cli.copyOfCheckout(dir.resolve("ws"));
        Path plan = dir.resolve("plan.json");
        Files.writeString(plan, "{\"rounds\": [{\"name\": \"a\", \"args\": [\"--results\", \"x\"]}]}");
        Cli.Result r = Cli.run(ws, "nightly", plan.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).contains("plan.json").contains("field 'rounds[0].args'").contains("'--results' is set by the nightly plan itself");
    }
}
