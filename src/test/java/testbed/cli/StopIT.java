package testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import testbed.config.Workspace;

/** The kill switch of an unattended session, and its reports rewritten while it runs. */
@Timeout(240)
class StopIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** A run.json of a run started and not yet ended. */
    private static boolean running(Path results) {
        try (java.util.stream.Stream<Path> dirs = Files.list(results)) {
            return dirs.map(d -> d.resolve("run.json")).filter(Files::isRegularFile).anyMatch(f -> {
                try {
                    return JSON.readTree(f.toFile()).path("status").asText().equals("never finished");
                } catch (java.io.IOException e) {
                    return false; // being rewritten
                }
            });
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static long lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file).size() : 0;
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    private static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("never happened: " + what).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private Cli.Result stopAfterTheFirstRun(Workspace ws, boolean now) throws Exception {
        CompletableFuture<Cli.Result> session = CompletableFuture.supplyAsync(() -> Cli.run(ws, "run", "--lab", "virtual", "--firmware", "RPI_PICO_W",
                "-j", "1", "--report-every", "2s", "--no-history"));
        await("the reports are rewritten while it runs", () -> Files.exists(ws.resultsDir().resolve("report.html")));
        // Stopped while a run is under way (a virtual run takes seconds: one that ended first would leave nothing to interrupt).
        await("a run finished and the next one runs", () -> lines(ws.resultsDir().resolve("runs.jsonl")) >= 1 && running(ws.resultsDir()));
        Cli.Result stop = now ? Cli.run(ws, "stop", "--now") : Cli.run(ws, "stop");
        assertThat(stop.exitCode()).as(stop.err()).isZero();
        return session.get(180, TimeUnit.SECONDS);
    }

    @Test
    void stopLetsTheRunningRunEndStartsNothingNewAndWritesTheReports() throws Exception {
        Workspace ws = Cli.copyOfCheckout(dir);
        Cli.Result r = stopAfterTheFirstRun(ws, false);

        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(ExitCodes.INTERRUPTED);
        List<JsonNode> runs = RunIT.runs(ws.resultsDir());
        assertThat(runs).hasSizeBetween(1, 4).allSatisfy(run -> assertThat(run.get("status").asText()).as("ended by itself").isEqualTo("passed"));
        JsonNode session = JSON.readTree(ws.resultsDir().resolve("session.json").toFile());
        assertThat(session.get("verdict").asText()).isEqualTo("interrupted");
        assertThat(session.get("leftovers").toString()).contains("NOT_STARTED");
        assertThat(ws.resultsDir().resolve("junit.xml")).exists();
    }

    @Test
    void stopNowInterruptsWhatRuns() throws Exception {
        Workspace ws = Cli.copyOfCheckout(dir);
        Cli.Result r = stopAfterTheFirstRun(ws, true);

        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(ExitCodes.INTERRUPTED);
        List<JsonNode> runs = RunIT.runs(ws.resultsDir());
        assertThat(runs).extracting(run -> run.get("status").asText()).contains("passed").contains("interrupted").doesNotContain("error");

        // Stopped now is interrupted, not done: resume runs the rest in the same session (finding 8 of issue 20).
        String id = JSON.readTree(ws.resultsDir().resolve("session.json").toFile()).get("session_id").asText();
        Cli.Result resumed = Cli.run(ws, "resume");
        assertThat(resumed.exitCode()).as(resumed.out() + resumed.err()).isZero();
        assertThat(resumed.out()).contains("resuming session " + id);
        JsonNode session = JSON.readTree(ws.resultsDir().resolve("session.json").toFile());
        assertThat(session.get("session_id").asText()).isEqualTo(id);
        assertThat(session.get("status").asText()).isEqualTo("completed");
        assertThat(session.get("verdict").asText()).isEqualTo("passed");
    }

    @Test
    void stopWithoutASessionSaysSo() {
        Workspace ws = Cli.copyOfCheckout(dir);
        Cli.Result r = Cli.run(ws, "stop");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(r.err()).contains("no testbed session is running here");
    }
}
