package testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import testbed.config.Workspace;

/** The CLI surface: every command documented and helpful, listings, the dry-run plan, version, completion. */
class CliTest {

    private static final Workspace WS = testbed.TestWorkspaces.CHECKOUT;

    private static List<CommandLine> allCommands(CommandLine cl) {
        List<CommandLine> all = new ArrayList<>();
        all.add(cl);
        cl.getSubcommands().values().forEach(sub -> all.addAll(allCommands(sub)));
        return all;
    }

    @Test
    void everyCommandHasADescriptionAndHelpExitsZero() {
        CommandLine root = Testbed.commandLine(WS, new java.io.PrintWriter(java.io.Writer.nullWriter()), new java.io.PrintWriter(java.io.Writer.nullWriter()));
        for (CommandLine cl : allCommands(root)) {
            String name = cl.getCommandSpec().qualifiedName();
            assertThat(cl.getCommandSpec().usageMessage().description()).as(name + " description").isNotEmpty();
            List<String> args = new ArrayList<>(List.of(name.split(" ")).subList(1, name.split(" ").length));
            args.add("--help");
            Cli.Result r = Cli.run(WS, args.toArray(String[]::new));
            assertThat(r.exitCode()).as(name + " --help").isZero();
            assertThat(r.out()).as(name).contains("Usage: " + name);
        }
    }

    @Test
    void rootHelpListsTheExitCodes() {
        assertThat(Cli.run(WS, "--help").out()).contains("Exit codes:").containsPattern("3 +lab or infrastructure error").contains("run").contains("list");
    }

    @Test
    void missingCommandIsAUsageError() {
        Cli.Result r = Cli.run(WS);
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("Missing command");
    }

    @Test
    void versionComesFromTheBuild() {
        Cli.Result r = Cli.run(WS, "--version");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("testbed ").doesNotContain("${project.version}");
    }

    @Test
    void listTentaclesShowsTheVirtualLab() {
        Cli.Result r = Cli.run(WS, "list", "tentacles", "--lab", "virtual");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("Lab 'virtual'").contains("11 tentacles").contains("2a01-RPI_PICO2").contains("(default),RISCV")
                .contains("3b01-RPI_PICO_W").contains("MCU_ONLY,EXTMOD_HARDWARE,WLAN,BLE").contains("qemu-microbit").contains("qemu-mps2").contains("8a01-UNIX").contains("(unix)");
    }

    @Test
    void listSpecsAndFirmware() {
        assertThat(Cli.run(WS, "list", "specs").out()).contains("RUN-TESTS_STANDARD").contains("RUN-MULTITESTS_MULTINET").contains("builtin-multitest");
        assertThat(Cli.run(WS, "list", "firmware").out()).contains("RPI_PICO2-RISCV").contains("prebuilt").contains("MICROBIT");
    }

    @Test
    void dryRunPrintsThePlanInStartOrderThenTheLeftovers() {
        Cli.Result r = Cli.run(WS, "run", "--lab", "virtual", "--dry-run", "--firmware", "RPI_PICO_W", "--firmware", "ESP8266_GENERIC");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out())
                .contains("Plan for lab 'virtual': 3 tentacles to test")
                .contains("BUILTIN-PERFBENCH@5d01-LOLIN_D1_MINI")
                .containsPattern("BUILTIN-MULTITESTS@3b01-RPI_PICO_W-instance0 +3b01-RPI_PICO_W \\+ 3b02-RPI_PICO_W")
                .contains("BUILTIN-MULTITESTS@5d01-LOLIN_D1_MINI-instance1")
                .contains("(flash)")
                .contains("Left over (10):")
                .contains("needs --micropython SOURCE").contains("give the MicroPython under test with --micropython SOURCE");
        assertThat(r.out()).doesNotContain("RPI_PICO2").doesNotContain("--micropython-tests");
    }

    @Test
    void anUnknownSubcommandIsAnErrorEvenWithHelp() {
        for (String[] args : List.of(new String[] {"nosuch", "--help"}, new String[] {"history", "nosuch", "--help"}, new String[] {"nosuch"})) {
            Cli.Result r = Cli.run(WS, args);
            assertThat(r.exitCode()).as(String.join(" ", args)).isEqualTo(ExitCodes.INVALID_INPUT);
            assertThat(r.err()).containsPattern("Unknown subcommand 'nosuch'|Unmatched argument at index 0: 'nosuch'");
            assertThat(r.out()).as("no help printed as if asked for").doesNotContain("Usage:");
        }
        Cli.Result typo = Cli.run(WS, "hist", "--help");
        assertThat(typo.err()).contains("did you mean history?");
        assertThat(Cli.run(WS, "history", "--help").exitCode()).isZero();
    }

    @Test
    void dryRunReportsAMissingReference(@TempDir Path dir) throws Exception {
        Workspace ws = Cli.copyOfCheckout(dir);
        // Only ESP boards: no RPI_PICO_W may serve as reference.
        Cli.Result r = Cli.run(ws, "run", "--dry-run", "--reference-board", "ESP8266_GENERIC", "--only-test", "BUILTIN-MULTITESTS",
                "--only-board", "ESP8266_GENERIC");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("Nothing can run.").contains("no reference tentacle: the only ESP8266_GENERIC tentacle with FUT_WLAN cannot be its own reference");
    }

    @Test
    void aTentacleDisabledByHandGetsNoRunUntilEnabledAndTheLeftoverSaysWhoWhenAndWhy(@TempDir Path dir) throws Exception {
        Workspace ws = Cli.copyOfCheckout(dir);
        Cli.Result off = Cli.run(ws, "lab", "disable", "3b02-RPI_PICO_W", "--reason", "rewiring the I2C bus", "--lab", "virtual");
        assertThat(off.exitCode()).as(off.err()).isZero();
        assertThat(off.out()).contains("3b02-RPI_PICO_W: disabled by ").contains(": rewiring the I2C bus");

        // Four groups (multitests in two roles): with both PICO_W, both would get runs.
        Cli.Result plan = Cli.run(ws, "run", "--lab", "virtual", "--dry-run", "--firmware", "RPI_PICO_W");
        assertThat(plan.exitCode()).as(plan.err()).isZero();
        assertThat(plan.out()).contains("@3b01-RPI_PICO_W").doesNotContain("@3b02-RPI_PICO_W")
                .contains("3b02-RPI_PICO_W").contains("tentacle disabled by hand").contains("rewiring the I2C bus");
        Cli.Result anyway = Cli.run(ws, "run", "--lab", "virtual", "--dry-run", "--firmware", "RPI_PICO_W", "--allow-disabled");
        assertThat(anyway.out()).as(anyway.err()).contains("@3b02-RPI_PICO_W");

        Cli.Result on = Cli.run(ws, "lab", "enable", "3b02-RPI_PICO_W", "--lab", "virtual");
        assertThat(on.out()).contains("3b02-RPI_PICO_W: enabled (it was disabled by ");
        assertThat(Cli.run(ws, "run", "--lab", "virtual", "--dry-run", "--firmware", "RPI_PICO_W").out()).contains("@3b02-RPI_PICO_W")
                .doesNotContain("disabled by hand");

        Cli.Result unknown = Cli.run(ws, "lab", "disable", "9999-NOPE", "--reason", "x", "--lab", "virtual");
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(unknown.err().strip().lines()).singleElement().asString().contains("tentacle '9999-NOPE': not in lab 'virtual'");
    }

    @Test
    void completionScriptCoversTheCommands() {
        Cli.Result r = Cli.run(WS, "generate-completion");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("complete -F").contains("--only-test").contains("tentacles");
    }

    @Test
    void benchDecideReportsMedianAndP99() {
        Cli.Result r = Cli.run(WS, "bench", "decide", "--tentacles", "20", "--specs", "4", "--variants", "2", "--sessions", "1");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("20 tentacles x 4 specs x 2 variants").containsPattern("median [0-9.]+ us, p99 [0-9.]+ us");
    }

    @Test
    void dryRunEstimatesFromTheHistoryOnceItHasDurations(@TempDir Path dir) {
        Workspace ws = Cli.copyOfCheckout(dir);
        var attempt = new testbed.results.AttemptRecord("BUILTIN-TESTS_BASICS@3b02-RPI_PICO_W", "a", "BUILTIN-TESTS_BASICS@3b02-RPI_PICO_W,a",
                "BUILTIN-TESTS_BASICS", "3b02-RPI_PICO_W", "RPI_PICO_W", "vlab0000picw-3b02", "RPI_PICO_W", "", testbed.model.Role.SINGLE, "", java.util.Map.of(), List.of(),
                "builtin-tests", "2026-11-01T10:00:00Z", "2026-11-01T10:16:39Z", 999, testbed.model.Status.PASSED, "", "", java.util.Map.of(), List.of(),
                List.of());
        var run = new testbed.session.SessionRecord.Run(attempt.testid(), "BUILTIN-TESTS_BASICS", "RPI_PICO_W",
                testbed.model.BoardVariant.parse("RPI_PICO_W"), testbed.model.Role.SINGLE, List.of("3b02-RPI_PICO_W"), testbed.model.Status.PASSED,
                "2026-11-01T10:00:00Z", 999, List.of(attempt));
        try (var h = testbed.history.JdbcHistory.open("jdbc:sqlite:" + ws.stateDir().resolve("history.sqlite"))) {
            h.record(new testbed.session.SessionRecord("s1", "virtual", "labs/virtual.json", "h", "u", "manual", List.of(), List.of(), java.util.Map.of(),
                    "builtin", "2026-11-01T10:00:00Z", "2026-11-01T10:20:00Z", 1200, testbed.session.SessionState.COMPLETED, testbed.session.Verdict.PASSED, List.of(run), List.of(), List.of(),
                    new testbed.session.SessionRecord.Latency(0, 0, 0, 0), java.util.List.of(), null, java.util.List.of()));
        }
        Cli.Result r = Cli.run(ws, "run", "--lab", "virtual", "--dry-run", "--firmware", "RPI_PICO_W", "--only-test", "BUILTIN-TESTS_BASICS");
        assertThat(r.out()).as(r.out()).containsPattern("0:00:00 +0:16:43 +BUILTIN-TESTS_BASICS@");
        Cli.Result without = Cli.run(ws, "run", "--lab", "virtual", "--dry-run", "--no-history", "--firmware", "RPI_PICO_W", "--only-test",
                "BUILTIN-TESTS_BASICS");
        assertThat(without.out()).containsPattern("0:00:00 +0:00:07 +BUILTIN-TESTS_BASICS@");
    }
}
