package testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
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

    /** The work item of a test id: identical tentacles may take each other's work, so the board's serial is left out. */
    private static String item(String testid) {
        return testid.replaceFirst("@[^-]+-", "@");
    }

    private static Map<String, String> completed(Path results) throws Exception {
        Map<String, String> m = new TreeMap<>();
        for (JsonNode run : RunIT.runs(results)) {
            String status = run.get("status").asText();
            if (!status.equals("never finished") && !status.equals("interrupted")) {
                assertThat(m.put(item(run.get("testid").asText()), status)).as("recorded twice: " + run.get("testid")).isNull();
            }
        }
        return m;
    }

    private static Map<String, String> historyRuns(Path state) throws Exception {
        Map<String, String> m = new TreeMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + state.resolve("history.sqlite"));
                ResultSet rs = c.createStatement().executeQuery("SELECT testid, outcome FROM test_run WHERE outcome <> 'never finished'")) {
            while (rs.next()) {
                assertThat(m.put(item(rs.getString(1)), rs.getString(2))).as("in the history twice: " + rs.getString(1)).isNull();
            }
        }
        return m;
    }

    private Process testbed(Workspace ws, Path env, String log, String... args) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("java", "-Dtestbed.home=" + ws.home(), "-jar", Path.of("target/testbed.jar").toAbsolutePath().toString());
        pb.command().addAll(List.of(args));
        pb.environment().putAll(TestWorkspaces.environment(env));
        pb.redirectErrorStream(true).redirectOutput(dir.resolve(log + ".txt").toFile());
        return pb.start();
    }

    /** Attempt folders with a testresults.txt (started) whose run is not in runs.jsonl (not finished). */
    private static Set<String> underWay(Path results) throws IOException {
        Path lines = results.resolve("runs.jsonl");
        String finished = Files.exists(lines) ? Files.readString(lines) : "";
        Set<String> out = new TreeSet<>();
        try (Stream<Path> files = Files.exists(results) ? Files.walk(results, 2) : Stream.empty()) {
            for (Path f : files.filter(f -> f.getFileName().toString().equals("testresults.txt")).toList()) {
                String folder = f.getParent().getFileName().toString();
                String testid = folder.substring(0, folder.lastIndexOf(','));
                if (!finished.contains("\"testid\":\"" + testid + "\"")) {
                    out.add(folder);
                }
            }
        } catch (java.io.UncheckedIOException e) {
            return Set.of(); // the session renamed a file while we walked: look again
        }
        return out;
    }

    /** Waits until at least {@code finished} runs are done and one is under way: the attempt folders under way. */
    private static Set<String> awaitUnderWay(Path results, Set<String> before, int finished) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            Path lines = results.resolve("runs.jsonl");
            long done = Files.exists(lines) ? Files.readAllLines(lines).size() : 0;
            Set<String> now = underWay(results);
            if (done >= finished && !now.isEmpty()) {
                return now;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no run under way after " + finished + " finished");
    }

    /** Waits until a run cut off in {@code cut} (folders testid,a) has its next attempt folder under way: its test id. */
    private static void awaitRestarted(Path results, Set<String> cut) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            for (String folder : underWay(results)) {
                String testid = folder.substring(0, folder.lastIndexOf(','));
                if (!cut.contains(folder) && cut.stream().anyMatch(c -> c.startsWith(testid + ","))) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the resume never restarted " + cut);
    }

    @Test
    void aKilledSessionAndItsKilledResumeResumedEndAsAnUninterruptedSessionButForRunsCutOffTwice() throws Exception {
        Workspace reference = Cli.copyOfCheckout(dir.resolve("reference"));
        Cli.Result whole = Cli.run(reference, MAIN_JOB);
        assertThat(whole.exitCode()).as(whole.out() + whole.err()).isZero();

        Workspace ws = Cli.copyOfCheckout(dir.resolve("ws"));
        Path env = dir.resolve("env");
        Process p = testbed(ws, env, "killed", MAIN_JOB);
        Set<String> cut = awaitUnderWay(ws.resultsDir(), Set.of(), 2);
        p.toHandle().destroyForcibly(); // kill -9
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        String id = com.fasterxml.jackson.databind.json.JsonMapper.builder().build().readTree(ws.resultsDir().resolve("session.json").toFile())
                .get("session_id").asText();

        // Finding 8 of issue 20: a killed resume could not be resumed ("option '--resume' should be specified only once").
        // The resume is killed too, while it runs again what the first kill cut off: that run is then cut off twice.
        Process resume = testbed(ws, env, "killed-resume", "resume");
        awaitRestarted(ws.resultsDir(), cut);
        resume.toHandle().destroyForcibly();
        assertThat(resume.waitFor(10, TimeUnit.SECONDS)).isTrue();
        Set<String> twice = new TreeSet<>();
        for (String folder : underWay(ws.resultsDir())) {
            String testid = folder.substring(0, folder.lastIndexOf(','));
            if (!cut.contains(folder) && cut.stream().anyMatch(c -> c.startsWith(testid + ","))) {
                twice.add(testid);
            }
        }
        assertThat(Files.readString(dir.resolve("killed-resume.txt"))).contains("resuming session " + id);

        Workspace again = TestWorkspaces.at(ws.home(), env);
        Cli.Result resumed = Cli.run(again, "resume");
        assertThat(resumed.exitCode()).as("work left over: the run cut off twice\n" + resumed.out() + resumed.err()).isEqualTo(ExitCodes.INFRASTRUCTURE);
        assertThat(resumed.out()).contains("resuming session " + id).contains(twice.size() + " cut off twice and not tried again");
        assertThat(Files.readString(ws.resultsDir().resolve("session.json"))).contains("cut off twice in a row");

        JsonNode session = com.fasterxml.jackson.databind.json.JsonMapper.builder().build().readTree(ws.resultsDir().resolve("session.json").toFile());
        assertThat(session.get("session_id").asText()).as("the same session continues").isEqualTo(id);
        assertThat(session.get("status").asText()).isEqualTo("completed");
        Map<String, String> expected = new TreeMap<>(completed(reference.resultsDir()));
        twice.forEach(t -> assertThat(expected.remove(item(t))).as("the run cut off twice is one of the session's: " + t).isNotNull());
        assertThat(completed(ws.resultsDir())).as("the same runs and outcomes as the uninterrupted session, but the one cut off twice, never a third try")
                .isEqualTo(expected);
        twice.forEach(t -> assertThat(ws.resultsDir().resolve(t + ",c")).as("no third attempt").doesNotExist());
        assertThat(historyRuns(TestWorkspaces.settings(env).stateDir())).as("the history: nothing twice, nothing lost")
                .isEqualTo(expected);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + TestWorkspaces.settings(env).stateDir().resolve("history.sqlite"));
                ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*), MIN(status) FROM test_session")) {
            rs.next();
            assertThat(rs.getInt(1)).as("one session in the history").isEqualTo(1);
            assertThat(rs.getString(2)).isEqualTo("completed");
        }
    }
}
