package testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import testbed.config.Workspace;
import testbed.lab.VirtualLabFixture;

/** Verdicts that say what happened: who is blamed for a fault, and that work which did not run is never "passed". */
@Timeout(240)
class VerdictIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PICO = List.of("FUT_MCU_ONLY", "FUT_EXTMOD_HARDWARE");
    private static final List<String> WIRELESS = List.of("FUT_MCU_ONLY", "FUT_EXTMOD_HARDWARE", "FUT_WLAN", "FUT_BLE");

    @TempDir
    Path dir;

    private JsonNode session(Workspace ws) throws Exception {
        return JSON.readTree(ws.resultsDir().resolve("session.json").toFile());
    }

    @Test
    void aReferenceThatIsUnpluggedIsSetAsideTheWorkMovesToTheOtherReferenceAndTheSessionIsNotPassed() throws Exception {
        Workspace ws = Cli.copyOfCheckout(dir.resolve("ws"));
        Path lab = new VirtualLabFixture(dir.resolve("lab"))
                .board("vvrdc0000001-4c41", "ESP32_C3", "ESP32_GENERIC_C3", WIRELESS, List.of(""), Map.of())
                .board("vvrdr0000001-3b41", "RPI_PICO_W", "RPI_PICO_W", WIRELESS, List.of(""), Map.of("disconnect", Map.of("after_s", 1)))
                .board("vvrdr0000002-3b42", "RPI_PICO_W", "RPI_PICO_W", WIRELESS, List.of(""), Map.of()).writeLab();
        Cli.Result r = Cli.run(ws, "run", "--lab", lab.toString(), "--firmware", "ESP32_GENERIC_C3", "--only-test", "BUILTIN-MULTITESTS",
                "--quarantine-after", "1");

        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(ExitCodes.INFRASTRUCTURE);
        JsonNode s = session(ws);
        assertThat(s.get("verdict").asText()).isEqualTo("infrastructure_errors");
        // Its device vanished: set aside as unplugged (not a board to quarantine), and the DUT is not blamed either.
        assertThat(r.out()).contains("unplugged: vvrdr0000001-3b41");
        assertThat(s.get("quarantined")).isEmpty();
        assertThat(s.get("leftovers").toString()).contains("3b41-RPI_PICO_W").contains("unplugged during the session and not back");
        List<String> passedWith = new ArrayList<>();
        for (JsonNode run : RunIT.runs(ws.resultsDir())) {
            JsonNode last = run.get("attempts").get(run.get("attempts").size() - 1);
            if (run.get("status").asText().equals("passed")) {
                passedWith.add(last.get("reference").asText());
            } else {
                assertThat(run.get("status").asText()).isIn("error", "timeout");
                assertThat(last.get("error").asText()).as("the reference is named, not the DUT").contains("3b41-RPI_PICO_W");
            }
        }
        assertThat(passedWith).as("both roles ran on the other reference").hasSize(2).containsOnly("3b42-RPI_PICO_W");
    }

    @Test
    void anImageThatFailsItsVersionCheckOnTwoIdenticalBoardsIsTheFirmwaresFault() throws Exception {
        Workspace ws = Cli.copyOfCheckout(dir.resolve("ws"));
        Path fw = ws.firmwareDir().resolve("RPI_PICO/firmware.json");
        Files.writeString(fw, Files.readString(fw).replace("RPI_PICO;3.4.0;", "RPI_PICO;9.9.9;")); // not what the image reports
        Path lab = new VirtualLabFixture(dir.resolve("lab")).pico("vvrdf0000001-1f41", Map.of()).pico("vvrdf0000002-1f42", Map.of())
                .board("vvrdf0000003-3f43", "RPI_PICO_W", "RPI_PICO_W", WIRELESS, List.of(""), Map.of()).writeLab();
        Cli.Result r = Cli.run(ws, "run", "--lab", lab.toString(), "--firmware", "RPI_PICO", "--firmware", "RPI_PICO_W", "--only-test",
                "BUILTIN-TESTS_EXTMOD");

        assertThat(r.exitCode()).as("firmware news, not a lab error: " + r.out() + r.err()).isEqualTo(ExitCodes.TESTS_FAILED);
        JsonNode s = session(ws);
        assertThat(s.get("verdict").asText()).isEqualTo("firmware_failed");
        assertThat(s.get("quarantined").size()).as("healthy boards stay in").isZero();
        assertThat(s.get("leftovers").toString()).contains("FIRMWARE_BROKEN").contains("RPI_PICO").contains("tried");
        assertThat(RunIT.runs(ws.resultsDir())).anySatisfy(run -> {
            assertThat(run.get("testid").asText()).contains("RPI_PICO_W");
            assertThat(run.get("status").asText()).as("the other firmware went on").isEqualTo("passed");
        });
    }

    @Test
    void aForcedFlashThatFailsIsStillOwedToTheNextRun() throws Exception {
        Workspace ws = Cli.copyOfCheckout(dir.resolve("ws"));
        Path clean = new VirtualLabFixture(dir.resolve("clean")).pico("vvrdx0000001-7f41", Map.of()).writeLab();
        Path faulty = new VirtualLabFixture(dir.resolve("faulty")).pico("vvrdx0000001-7f41", Map.of("flash_fails", 1)).writeLab();
        assertThat(Cli.run(ws, "flash", "--lab", clean.toString(), "--firmware", "RPI_PICO").exitCode()).isZero(); // it runs the firmware already

        Cli.Result r = Cli.run(ws, "run", "--lab", faulty.toString(), "--firmware", "RPI_PICO", "--only-test", "BUILTIN-TESTS_EXTMOD",
                "--flash-force");

        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        List<JsonNode> runs = RunIT.runs(ws.resultsDir());
        assertThat(runs).extracting(n -> n.get("status").asText()).containsExactly("error", "passed");
        JsonNode retry = runs.get(1).get("attempts").get(0);
        assertThat(retry.get("flashed").toString()).as("forced again after the failed flash, not skipped as 'runs it already'")
                .contains("7f41-RPI_PICO");
    }

    @Test
    void aBoardKindThatIsOfflineIsNotRunOfflineNeverFailedOrPassed() throws Exception {
        Workspace ws = Cli.copyOfCheckout(dir.resolve("ws"));
        Path lab = new VirtualLabFixture(dir.resolve("lab")).pico("vvrdo0000001-0f41", Map.of())
                .usb("e6614c311b7e4f42", "RPI_PICO2", "RPI_PICO2", PICO).writeLab();
        Cli.Result r = Cli.run(ws, "run", "--lab", lab.toString(), "--firmware", "RPI_PICO", "--firmware", "RPI_PICO2", "--only-test",
                "BUILTIN-TESTS_EXTMOD");

        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(ExitCodes.INFRASTRUCTURE);
        assertThat(r.out()).contains("not run (offline)");
        JsonNode s = session(ws);
        assertThat(s.get("leftovers").toString()).contains("OFFLINE").contains("4f42-RPI_PICO2");
        assertThat(RunIT.runs(ws.resultsDir())).extracting(n -> n.get("status").asText()).containsExactly("passed");
    }

    @Test
    void aFullResultsDiskEndsInOneLineBlamesNoBoardAndLosesNoFinishedRun() throws Exception {
        Workspace ws = Cli.copyOfCheckout(dir.resolve("ws"));
        Path small = dir.resolve("small");
        Files.createDirectories(small);
        // A results folder on a tmpfs of 100 KB: room for about two runs (the state folder and the history are elsewhere).
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=100k", "tmpfs", small.toString()).redirectErrorStream(true).start();
        String why = new String(mount.getInputStream().readAllBytes());
        org.junit.jupiter.api.Assumptions.assumeTrue(mount.waitFor() == 0, "cannot mount a small tmpfs here (needs root): " + why);
        try {
            // The real launcher's process: what a user sees on both streams (log4j's own trouble with a full disk included).
            ProcessBuilder pb = new ProcessBuilder("java", "-Dtestbed.home=" + ws.home(), "-jar", Path.of("target/testbed.jar").toAbsolutePath().toString(),
                    "run", "--lab", "virtual", "--firmware", "RPI_PICO_W", "--results", small.toString());
            pb.environment().putAll(testbed.TestWorkspaces.environment(dir.resolve("ws")));
            pb.redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile());
            Process p = pb.start();
            assertThat(p.waitFor(300, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            Cli.Result r = new Cli.Result(p.exitValue(), Files.readString(dir.resolve("out.txt")), Files.readString(dir.resolve("err.txt")));

            assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(ExitCodes.INFRASTRUCTURE);
            assertThat(r.err().strip().lines()).as("one line: " + r.err()).hasSize(1);
            assertThat(r.out()).as("no stack trace on the console").doesNotContain("\tat ").doesNotContain("Exception");
            assertThat(r.err()).contains("results folder full: " + small).contains("No space left on device").doesNotContain("Exception");
            assertThat(r.out()).doesNotContain("quarantined").doesNotContain("device gone").doesNotContain("board_lost");
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("; (\\d+) finished runs recorded in the history").matcher(r.err());
            assertThat(m.find()).isTrue();
            int finished = Integer.parseInt(m.group(1));
            assertThat(finished).isPositive();
            try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + ws.stateDir().resolve("history.sqlite"));
                    var rs = c.createStatement().executeQuery("SELECT COUNT(*), SUM(CASE WHEN outcome = 'passed' THEN 1 ELSE 0 END) FROM test_run")) {
                rs.next();
                assertThat(rs.getInt(1)).as("every finished run is in the history").isEqualTo(finished);
                assertThat(rs.getInt(2)).as("healthy boards, passed runs").isEqualTo(finished);
                // A run whose run.json no longer fit still ran: it is finished and recorded, not lost with the disk.
                long started = r.out().lines().filter(l -> l.contains(": started (")).count();
                long couldNotBegin = r.out().lines().filter(l -> l.contains("results_unwritable")).count();
                assertThat(finished).as("every run that started finished and was recorded: " + r.out()).isEqualTo((int) (started - couldNotBegin));
            }
        } finally {
            new ProcessBuilder("umount", "-l", small.toString()).start().waitFor(); // lazy: log files of this JVM may still be open there
        }
    }

    @Test
    void runningOutOfMemoryIsAnInternalErrorInOneLine() throws Exception {
        Workspace ws = Cli.copyOfCheckout(dir.resolve("ws"));
        // A year of nights far too big for a 48 MB heap: the first night alone does not fit.
        ProcessBuilder pb = new ProcessBuilder("java", "-Xmx48m", "-Dtestbed.home=" + ws.home(), "-jar",
                Path.of("target/testbed.jar").toAbsolutePath().toString(), "bench", "history", "--at", "2,3", "--boards", "40", "--tests", "20000");
        pb.environment().putAll(testbed.TestWorkspaces.environment(dir.resolve("ws")));
        pb.redirectOutput(dir.resolve("oom-out.txt").toFile()).redirectError(dir.resolve("oom-err.txt").toFile());
        Process p = pb.start();
        assertThat(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        String err = Files.readString(dir.resolve("oom-err.txt"));
        assertThat(p.exitValue()).as("an internal error, never 1 (tests failed): " + err).isEqualTo(ExitCodes.INTERNAL);
        assertThat(err.strip().lines()).as(err).hasSize(1);
        assertThat(err).contains("out of memory").contains("TESTBED_JAVA_OPTS").doesNotContain("\tat ");
    }

    @Test
    void benchUploadWithoutLabUsesTheDefaultLab() throws Exception {
        Workspace ws = Cli.copyOfCheckout(dir.resolve("ws"));
        // The default lab (virtual) as one plain pico, flashed so it answers.
        Path one = new VirtualLabFixture(dir.resolve("lab")).pico("vupld0000001-0b01", Map.of()).writeLab();
        Files.copy(one, ws.labsDir().resolve("virtual.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(Cli.run(ws, "flash", "--firmware", "RPI_PICO").exitCode()).isZero();
        Cli.Result r = Cli.run(ws, "bench", "upload", "--size", "2048", "--repeat", "1");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("upload benchmark on 0b01-RPI_PICO").contains("raw-REPL upload");
    }
}
