package testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import testbed.TestWorkspaces;
import testbed.config.Workspace;

/** kill -9 in the middle of a session, then testbed resume: nothing recorded twice, nothing lost. */
@Timeout(300)
class ResumeIT {

    @TempDir
    Path dir;

    private static final String[] MAIN_JOB = {"run", "--lab", "virtual", "--firmware", "RPI_PICO_W"};

    private static Map<String, String> completed(Path results) throws Exception {
        Map<String, String> m = new TreeMap<>();
        for (JsonNode run : RunIT.runs(results)) {
            String status = run.get("status").asText();
            if (!status.equals("never finished") && !status.equals("interrupted")) {
                assertThat(m.put(run.get("testid").asText(), status)).as("recorded twice: " + run.get("testid")).isNull();
            }
        }
        return m;
    }

    private static Map<String, String> historyRuns(Path state) throws Exception {
        Map<String, String> m = new TreeMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + state.resolve("history.sqlite"));
                ResultSet rs = c.createStatement().executeQuery("SELECT testid, outcome FROM test_run WHERE outcome <> 'never finished'")) {
            while (rs.next()) {
                assertThat(m.put(rs.getString(1), rs.getString(2))).as("in the history twice: " + rs.getString(1)).isNull();
            }
        }
        return m;
    }

    @Test
    void aKilledSessionResumedEndsAsAnUninterruptedOneWould() throws Exception {
        Workspace reference = Cli.copyOfCheckout(dir.resolve("reference"));
        Cli.Result whole = Cli.run(reference, MAIN_JOB);
        assertThat(whole.exitCode()).as(whole.out() + whole.err()).isZero();

        Workspace ws = Cli.copyOfCheckout(dir.resolve("ws"));
        Path env = dir.resolve("env");
        ProcessBuilder pb = new ProcessBuilder("java", "-Dtestbed.home=" + ws.home(), "-jar", Path.of("target/testbed.jar").toAbsolutePath().toString());
        pb.command().addAll(List.of(MAIN_JOB));
        pb.environment().putAll(TestWorkspaces.environment(env));
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("killed.txt").toFile());
        Process p = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            Path lines = ws.resultsDir().resolve("runs.jsonl");
            long finished = Files.exists(lines) ? Files.readAllLines(lines).size() : 0;
            long started;
            try (Stream<Path> files = Files.exists(ws.resultsDir()) ? Files.walk(ws.resultsDir(), 2) : Stream.empty()) {
                started = files.filter(f -> f.getFileName().toString().equals("testresults.txt")).count();
            } catch (java.io.UncheckedIOException e) {
                continue; // the session renamed a file (session.json.tmp) while we walked: look again
            }
            if (finished >= 2 && started > finished) {
                break; // some runs done, one under way
            }
            Thread.sleep(50);
        }
        p.toHandle().destroyForcibly(); // kill -9
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        String id = com.fasterxml.jackson.databind.json.JsonMapper.builder().build().readTree(ws.resultsDir().resolve("session.json").toFile())
                .get("session_id").asText();

        Workspace again = TestWorkspaces.at(ws.home(), env);
        Cli.Result resumed = Cli.run(again, "resume");
        assertThat(resumed.exitCode()).as(resumed.out() + resumed.err()).isZero();
        assertThat(resumed.out()).contains("resuming session " + id).containsPattern("[2-4] work items done before");

        JsonNode session = com.fasterxml.jackson.databind.json.JsonMapper.builder().build().readTree(ws.resultsDir().resolve("session.json").toFile());
        assertThat(session.get("session_id").asText()).as("the same session continues").isEqualTo(id);
        assertThat(session.get("status").asText()).isEqualTo("completed");
        assertThat(completed(ws.resultsDir())).as("the same runs and outcomes as the uninterrupted session")
                .isEqualTo(completed(reference.resultsDir()));
        assertThat(historyRuns(TestWorkspaces.settings(env).stateDir())).as("the history: nothing twice, nothing lost")
                .isEqualTo(historyRuns(reference.stateDir()));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + TestWorkspaces.settings(env).stateDir().resolve("history.sqlite"));
                ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*), MIN(status) FROM test_session")) {
            rs.next();
            assertThat(rs.getInt(1)).as("one session in the history").isEqualTo(1);
            assertThat(rs.getString(2)).isEqualTo("completed");
        }
    }
}
