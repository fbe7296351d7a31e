package testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import testbed.config.Workspace;
import testbed.lab.VirtualLabFixture;

/**
 * What real USB labs do to a session, on virtual boards: USB load on a hub, boards unplugged and plugged back, boards
 * stuck so that only one rung of the recovery ladder brings them back.
 */
@Timeout(300)
class LabHazardsIT {

    @TempDir
    Path dir;

    /** A flash of one attempt: from its start until its boards were prepared. */
    private record Flash(String testid, Instant start, Instant end) {}

    @Test
    void eightBoardsOnAHubThatFlashesOneAtATimeNeverFlashTwoAtOnceAndAllRun() throws Exception {
        Workspace ws = Cli.copyOfCheckout(dir);
        VirtualLabFixture fixture = new VirtualLabFixture(dir.resolve("lab"));
        for (int i = 0; i < 8; i++) {
            // Eight kinds (not identical tentacles sharing their work), so every board has a run and a flash of its own.
            fixture.board(String.format("vusb%08d-%04x", i, 0xa0 + i), "PICO_" + (char) ('A' + i), "RPI_PICO", List.of("FUT_MCU_ONLY",
                    "FUT_EXTMOD_HARDWARE"), List.of(""), Map.of()).tag("hub", "vhub1");
        }
        Path lab = fixture.usbLoad(Map.of("hubs", Map.of("vhub1", 1))).writeLab();

        Cli.Result r = Cli.run(ws, "run", "--lab", lab.toString(), "--firmware", "RPI_PICO", "--only-test", "BUILTIN-TESTS_EXTMOD", "--flash-force");

        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        List<Flash> flashes = new ArrayList<>();
        List<JsonNode> runs = RunIT.runs(ws.resultsDir());
        assertThat(runs).hasSize(8).allMatch(n -> n.get("status").asText().equals("passed"));
        for (JsonNode run : runs) {
            JsonNode a = run.get("attempts").get(0);
            assertThat(a.get("flashed")).as(run.get("testid").asText() + " flashed").hasSize(1);
            assertThat(a.get("time_prepared").asText()).as("prepared").isNotEmpty();
            flashes.add(new Flash(run.get("testid").asText(), Instant.parse(a.get("time_start").asText()), Instant.parse(a.get("time_prepared").asText())));
        }
        flashes.sort(java.util.Comparator.comparing(Flash::start));
        for (int i = 1; i < flashes.size(); i++) {
            assertThat(flashes.get(i).start()).as(flashes.get(i).testid() + " starts flashing after " + flashes.get(i - 1).testid() + " finished")
                    .isAfterOrEqualTo(flashes.get(i - 1).end());
        }
        // The runs that waited say so, in their records and in the timing report.
        assertThat(runs.stream().filter(n -> n.get("attempts").get(0).get("waited").asText().contains("hub vhub1 flashes 1 board at once")))
                .hasSizeGreaterThanOrEqualTo(4);
        assertThat(ws.resultsDir().resolve("timing.txt")).content().contains("for USB: hub vhub1 flashes 1 board at once").contains("flashed for");
    }

    @Test
    void aBoardUnpluggedMidRunReleasesItAtOnceAndRunsAgainOncePluggedBack() throws Exception {
        Workspace ws = Cli.copyOfCheckout(dir);
        // a001 is pulled out 4 s after discovery, in its first run, and comes back 4 s later; b002 has work enough meanwhile.
        Path lab = new VirtualLabFixture(dir.resolve("lab"))
                .pico("vhplg0000001-a001", Map.of("disconnect", Map.of("after_s", 4, "back_after_s", 4)))
                .board("vhplg0000002-b002", "RPI_PICO2", "RPI_PICO2", List.of("FUT_MCU_ONLY", "FUT_EXTMOD_HARDWARE"), List.of("", "RISCV"), Map.of())
                .writeLab();

        Cli.Result r = Cli.run(ws, "run", "--lab", lab.toString(), "--firmware", "RPI_PICO", "--firmware", "RPI_PICO2", "--firmware", "RPI_PICO2-RISCV",
                "--only-test", "BUILTIN-TESTS_BASICS", "--only-test", "BUILTIN-TESTS_EXTMOD", "--quarantine-after", "1", "--no-history");

        assertThat(r.exitCode()).as("pulled out and back: no failure, nobody quarantined: " + r.out() + r.err()).isZero();
        assertThat(r.out()).contains("unplugged: vhplg0000001-a001").contains("plugged in: vhplg0000001-a001");
        JsonNode session = RunIT.json(ws.resultsDir().resolve("session.json"));
        assertThat(session.get("quarantined")).isEmpty();
        JsonNode basics = RunIT.runs(ws.resultsDir()).stream().filter(n -> n.get("testid").asText().equals("BUILTIN-TESTS_BASICS@a001-RPI_PICO"))
                .findFirst().orElseThrow();
        JsonNode pulled = basics.get("attempts").get(0);
        // Usually in the middle of a test (board_lost); on a loaded host it may still be flashing or verifying.
        assertThat(pulled.get("error_kind").asText()).isIn("board_lost", "flash_failed", "version_mismatch");
        // Unplugged 4 s after discovery, so no earlier than 4 s after the session's start: released within 5 s of that.
        Instant unpluggedAtTheEarliest = Instant.parse(session.get("time_start").asText()).plusSeconds(4);
        assertThat(java.time.Duration.between(unpluggedAtTheEarliest, Instant.parse(pulled.get("time_end").asText()))).isLessThan(java.time.Duration.ofSeconds(5));
        // Back in the same session: its work was not used up by the pull, and both its groups passed on it.
        assertThat(RunIT.runs(ws.resultsDir()).stream().filter(n -> n.get("testid").asText().endsWith("@a001-RPI_PICO"))
                .map(n -> n.get("testid").asText() + " " + n.get("status").asText()))
                .contains("BUILTIN-TESTS_EXTMOD@a001-RPI_PICO passed").anyMatch(s -> s.equals("BUILTIN-TESTS_BASICS@a001-RPI_PICO passed"));
    }

    @Test
    void eachRungOfTheRecoveryLadderBringsBackTheBoardStuckAtItAndABoardBeyondThemIsQuarantinedWithEveryStep() throws Exception {
        Workspace ws = Cli.copyOfCheckout(dir);
        RunIT.perTestTimeout(ws, "builtin-tests-basics.json", 3); // a stuck test is seen in 3 s
        List<String> rungs = testbed.lab.virtual.VirtualFaults.STUCK_UNTIL;
        VirtualLabFixture fixture = new VirtualLabFixture(dir.resolve("lab"));
        for (int i = 0; i < rungs.size(); i++) {
            // One kind per board, so each keeps its own work: stuck once, on one test, until its rung.
            fixture.board(String.format("vstck%07d-%04x", i, 0xc0 + i), "PICO_" + (char) ('A' + i), "RPI_PICO", List.of("FUT_MCU_ONLY",
                    "FUT_EXTMOD_HARDWARE"), List.of(""), Map.of("stuck", Map.of("on_test", "basics/recursion.py", "until", rungs.get(i))));
        }
        Cli.Result r = Cli.run(ws, "run", "--lab", fixture.writeLab().toString(), "--firmware", "RPI_PICO", "--only-test", "BUILTIN-TESTS_BASICS",
                "--no-history");

        assertThat(r.exitCode()).as("the board beyond recovery needs a person: " + r.out() + r.err()).isEqualTo(ExitCodes.INFRASTRUCTURE);
        List<String> expected = List.of("interrupt and soft reset", "hard reset", "power cycle", "boot mode and reflash");
        for (int i = 0; i < rungs.size(); i++) {
            String label = String.format("%04x", 0xc0 + i) + "-PICO_" + (char) ('A' + i);
            List<JsonNode> runs = RunIT.runs(ws.resultsDir()).stream().filter(n -> n.get("testid").asText().endsWith("@" + label)).toList();
            JsonNode stuck = runs.get(0).get("attempts").get(0);
            assertThat(stuck.get("status").asText()).as(label).isEqualTo("timeout");
            List<String> steps = new ArrayList<>();
            stuck.get("recovery").forEach(n -> steps.add(n.asText().substring((label + ": recovery: ").length())));
            if (i < expected.size()) {
                // Every milder rung found no answer; exactly this one brought it back, and the run passed on it again.
                List<String> want = new ArrayList<>();
                for (int k = 0; k < i; k++) {
                    want.add(expected.get(k) + ": no answer");
                }
                assertThat(steps).as(label + " stuck until " + rungs.get(i)).hasSize(i + 1);
                assertThat(steps.subList(0, i)).as(label + " stuck until " + rungs.get(i)).isEqualTo(want);
                assertThat(steps.get(i)).startsWith(expected.get(i) + ": answers");
                assertThat(runs).as(label).anyMatch(n -> n.get("status").asText().equals("passed"));
            } else {
                assertThat(steps).as(label + " beyond recovery").hasSize(5).startsWith("interrupt and soft reset: no answer", "hard reset: no answer",
                        "power cycle: no answer").endsWith("quarantine: beyond recovery");
                assertThat(steps.get(3)).startsWith("boot mode and reflash: failed");
                assertThat(stuck.get("error_kind").asText()).isEqualTo("beyond_recovery");
            }
        }
        assertThat(r.out()).contains("warning: 00c3-PICO_D came back only after a reflash: have a look at it");
        assertThat(ws.resultsDir().resolve("report.md")).content().contains("### Boards to look at", "00c3-PICO_D: came back only after a reflash",
                "00c4-PICO_E: beyond recovery, quarantined");
        JsonNode session = RunIT.json(ws.resultsDir().resolve("session.json"));
        assertThat(session.get("quarantined").toString()).contains("vstck0000004-00c4").doesNotContain("00c0", "00c1", "00c2", "00c3");
    }

    @Test
    void aBoardPluggedInDuringTheSessionJoinsIt() throws Exception {
        Workspace ws = Cli.copyOfCheckout(dir);
        // c003 is plugged in 3 s after discovery; b002 keeps the session busy meanwhile.
        Path lab = new VirtualLabFixture(dir.resolve("lab"))
                .pico("vjoin0000003-c003", Map.of("plug_in_after_s", 3))
                .board("vjoin0000002-b002", "RPI_PICO2", "RPI_PICO2", List.of("FUT_MCU_ONLY", "FUT_EXTMOD_HARDWARE"), List.of("", "RISCV"), Map.of())
                .writeLab();

        Cli.Result r = Cli.run(ws, "run", "--lab", lab.toString(), "--firmware", "RPI_PICO", "--firmware", "RPI_PICO2", "--firmware", "RPI_PICO2-RISCV",
                "--only-test", "BUILTIN-TESTS_BASICS", "--only-test", "BUILTIN-TESTS_EXTMOD", "--no-history");

        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("waiting for c003-RPI_PICO to be plugged in").contains("plugged in: vjoin0000003-c003");
        assertThat(RunIT.runs(ws.resultsDir()).stream().filter(n -> n.get("testid").asText().endsWith("@c003-RPI_PICO"))
                .map(n -> n.get("testid").asText() + " " + n.get("status").asText()))
                .containsExactlyInAnyOrder("BUILTIN-TESTS_BASICS@c003-RPI_PICO passed", "BUILTIN-TESTS_EXTMOD@c003-RPI_PICO passed");
    }
}
