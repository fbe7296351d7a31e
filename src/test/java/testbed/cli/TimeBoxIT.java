package testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import testbed.config.Workspace;

/** A time-boxed session on the virtual lab: what would not fit does not start, says why, and the session ends in time. */
@Timeout(240)
class TimeBoxIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aNinetySecondBudgetEndsInTimeAndListsWhatDidNotFit() throws Exception {
        Workspace ws = Cli.copyOfCheckout(dir);
        // Perfbench is estimated at 2 minutes here: with the safety factor it can never fit into 90 s.
        Path perf = ws.specsDir().resolve("builtin-perfbench.json");
        Files.writeString(perf, Files.readString(perf).replaceAll("\"estimated_duration_s\": *[0-9.]+", "\"estimated_duration_s\": 120"));
        String[] args = {"run", "--lab", "virtual", "--firmware", "RPI_PICO_W", "--budget", "90s", "--grace", "15s", "--no-history"};

        String[] dry = java.util.Arrays.copyOf(args, args.length + 1);
        dry[args.length] = "--dry-run";
        Cli.Result plan = Cli.run(ws, dry);
        assertThat(plan.exitCode()).as(plan.err()).isZero();
        assertThat(plan.out()).contains("Time box: until").contains("estimate x 1.25")
                .containsPattern("BUILTIN-PERFBENCH +RPI_PICO_W +time box: would not finish before \\S+ \\(needs ~3 min, ")
                .containsPattern("Time box: \\d+ runs finish before the deadline; started in rank order and cut at the end \\(no time box\\), \\d+ would");

        long t0 = System.nanoTime();
        Cli.Result r = Cli.run(ws, args);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(r.exitCode()).as("what ran passed; what did not fit is no failure: " + r.out() + r.err()).isZero();
        assertThat(seconds).as("ends before budget + grace").isLessThan(105);
        assertThat(r.out()).containsPattern("BUILTIN-PERFBENCH +RPI_PICO_W +time box: would not finish before");
        JsonNode session = JSON.readTree(ws.resultsDir().resolve("session.json").toFile());
        assertThat(session.get("leftovers").toString()).contains("DEADLINE").contains("would not finish before");
        assertThat(RunIT.runs(ws.resultsDir())).isNotEmpty().allSatisfy(run -> assertThat(run.get("status").asText()).isEqualTo("passed"))
                .noneMatch(run -> run.get("testid").asText().startsWith("BUILTIN-PERFBENCH"));
    }

    @Test
    void aThirtySecondBudgetOnTheVirtualLabRunsWhatFitsAndIsNoLabError() throws Exception {
        Workspace ws = Cli.copyOfCheckout(dir);
        // The built-in groups' estimates are their real length on the virtual lab (seconds), and a virtual flash is a file copy.
        Cli.Result r = Cli.run(ws, "run", "--lab", "virtual", "--firmware", "RPI_PICO", "--budget", "30s", "--no-history");
        assertThat(r.exitCode()).as("the runs that fit passed: exit 0, not a lab error: " + r.out() + r.err()).isZero();
        assertThat(RunIT.runs(ws.resultsDir())).isNotEmpty().allSatisfy(run -> assertThat(run.get("status").asText()).isEqualTo("passed"));

        Cli.Result none = Cli.run(ws, "run", "--lab", "virtual", "--firmware", "RPI_PICO", "--budget", "1s", "--no-history");
        assertThat(none.exitCode()).as("nothing fit: what was asked for, no lab error: " + none.out() + none.err()).isZero();
        assertThat(none.out()).contains("nothing fit");
    }

    @Test
    void aRunStillGoingAfterTheGraceIsStoppedAndRecordedAsInterrupted() throws Exception {
        Workspace ws = Cli.copyOfCheckout(dir);
        Path basics = ws.specsDir().resolve("builtin-tests-basics.json");
        Files.writeString(basics, Files.readString(basics).replaceAll("\"per_test_timeout_s\": *[0-9.]+", "\"per_test_timeout_s\": 120"));
        // The estimate fits, the board hangs: the run outlives the deadline and the grace.
        Path lab = new testbed.lab.VirtualLabFixture(dir.resolve("lab"))
                .pico("vtbox0000001-7b01", java.util.Map.of("hang", java.util.Map.of("on_test", "basics/recursion.py"))).writeLab();
        long t0 = System.nanoTime();
        Cli.Result r = Cli.run(ws, "run", "--lab", lab.toString(), "--firmware", "RPI_PICO", "--only-test", "BUILTIN-TESTS_BASICS", "--budget", "60s",
                "--grace", "5s", "--no-history");
        double seconds = (System.nanoTime() - t0) / 1e9;

        assertThat(seconds).as("stopped at deadline + grace, not at the test's own timeout").isLessThan(95);
        assertThat(r.out()).contains("cut at the end of the grace period");
        java.util.List<JsonNode> runs = RunIT.runs(ws.resultsDir());
        assertThat(runs).singleElement().satisfies(run -> assertThat(run.get("status").asText()).isEqualTo("interrupted"));
        JsonNode session = JSON.readTree(ws.resultsDir().resolve("session.json").toFile());
        assertThat(session.get("quarantined").size()).as("the board is not blamed for the time box").isZero();
    }
}
