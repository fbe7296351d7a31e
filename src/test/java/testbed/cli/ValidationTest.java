package testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import testbed.config.Workspace;

/** Bad data files and bad names: one clear line naming the file and field, exit 2, never a stack trace. */
class ValidationTest {

    @TempDir
    Path dir;

    Workspace ws;

    @BeforeEach
    void copy() {
        ws = Cli.copyOfCheckout(dir);
    }

    private void replaceIn(String file, String from, String to) throws IOException {
        Path p = dir.resolve(file);
        String text = Files.readString(p);
        assertThat(text).as("fixture text in " + file).contains(from);
        Files.writeString(p, text.replace(from, to));
    }

    private void assertOneLineError(Cli.Result r, String... fragments) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.err().strip().lines()).as("one line: " + r.err()).hasSize(1);
        assertThat(r.err()).startsWith("testbed: error: ").doesNotContain("Exception").contains(fragments);
    }

    static Stream<Arguments> badSpecs() {
        return Stream.of(
                Arguments.of("missing field", "\"timeout_s\": 360,", "", "field 'timeout_s': missing"),
                Arguments.of("wrong type", "\"timeout_s\": 360", "\"timeout_s\": \"ten\"", "field 'timeout_s': expected a number"),
                Arguments.of("unknown FUT", "\"FUT_WLAN\"", "\"FUT_WIFI\"", "unknown FUT 'FUT_WIFI'"),
                Arguments.of("unknown field", "\"priority\": 0", "\"priority\": 0, \"prio\": 3", "field 'prio': unknown field"),
                Arguments.of("unknown runner kind", "\"kind\": \"external\"", "\"kind\": \"pytest\"", "field 'runner.kind': unknown runner kind"),
                Arguments.of("bad JSON", "\"label\": \"RUN-MULTITESTS_MULTINET\",", "\"label\": \"RUN-MULTITESTS_MULTINET\"", "malformed JSON"),
                Arguments.of("unknown requirement", "\"module:socket\"", "\"wifi\"",
                        "field 'runner.requires': unknown requirement \"wifi\" (valid: mpy-cross, native-emitter, microsecond-clock, natmods, internet, module:NAME)"));
    }

    @ParameterizedTest(name = "spec: {0}")
    @MethodSource("badSpecs")
    void badSpecFile(String name, String from, String to, String expected) throws IOException {
        replaceIn("testrunspecs/run-multitests-multinet.json", from, to);

        assertOneLineError(Cli.run(ws, "list", "specs"), "testrunspecs/run-multitests-multinet.json", expected);
    }

    @Test
    void compareAndBisectSayWhatIsMissingOrWrongInOneLine() {
        assertOneLineError(Cli.run(ws, "compare", dir.toString()), "give two results folders (base, head) or --base and --head");
        assertOneLineError(Cli.run(ws, "compare", dir.toString(), dir.resolve("nope").toString()), dir.toString(), "not a session's results folder");
        assertOneLineError(Cli.run(ws, "compare", "--base", dir.toString()), "--head SOURCE missing");
        assertOneLineError(Cli.run(ws, "compare", "--head", dir.toString(), "--micropython", dir.toString()), "--micropython and --micropython-tests do not apply");
        assertOneLineError(Cli.run(ws, "bisect", "--good", "v1", "--bad", "v2", "--test", "basics/x.py"), "--micropython URL missing");
        assertOneLineError(Cli.run(ws, "bisect", "--micropython", dir.resolve("no-repo").toString(), "--good", "v1", "--bad", "v2", "--test", "basics/x.py"),
                "no-repo", "git clone failed");
        assertOneLineError(Cli.run(ws, "run", "--lab", "virtual", "--only-test", "BUILTIN-TESTS_BASICS=basics/int.py", "--dry-run"),
                "--only-test BUILTIN-TESTS_BASICS=basics/int.py", "built-in suite");
    }

    @Test
    void duplicateSpecLabel() throws IOException {
        Files.copy(dir.resolve("testrunspecs/run-perfbench.json"), dir.resolve("testrunspecs/zz-copy.json"));

        assertOneLineError(Cli.run(ws, "list", "specs"), "zz-copy.json", "field 'label': duplicate label \"RUN-PERFBENCH\"");
    }

    static Stream<Arguments> badLabs() {
        return Stream.of(
                Arguments.of("missing field", "\"port\": \"rp2\",", "", "field 'tentacles[0].port': missing"),
                Arguments.of("wrong type", "\"futs\": [\n        \"FUT_MCU_ONLY\",\n        \"FUT_EXTMOD_HARDWARE\"\n      ],",
                        "\"futs\": \"FUT_MCU_ONLY\",", "field 'tentacles[0].futs': expected a list"),
                Arguments.of("unknown FUT", "\"FUT_BLE\"", "\"FUT_BT\"", "field 'tentacles[2].futs[3]': unknown FUT 'FUT_BT'"),
                Arguments.of("duplicate serial", "vlab0000pico-2a02", "vlab0000pico-2a01", "field 'tentacles[1].serial': duplicate serial"),
                Arguments.of("bad JSON", "\"name\": \"virtual\",", "\"name\": \"virtual\"", "malformed JSON"),
                Arguments.of("negative number", "\"power_on_delay_s\": 0.2", "\"power_on_delay_s\": -1",
                        "field 'tentacles[4].power_on_delay_s': expected a number >= 0"),
                Arguments.of("USB limit of a hub nobody is on", "\"default_connection\": \"virtual\",",
                        "\"default_connection\": \"virtual\", \"usb_load\": {\"hubs\": {\"hub9\": 1}},",
                        "field 'usb_load.hubs.hub9': no tentacle has \"hub\": \"hub9\" in its tags (hubs: none)"),
                Arguments.of("negative USB limit", "\"default_connection\": \"virtual\",", "\"default_connection\": \"virtual\", \"usb_load\": {\"per_hub\": -1},",
                        "field 'usb_load.per_hub': expected 0 (no limit) or more, got -1"),
                Arguments.of("unknown USB field", "\"default_connection\": \"virtual\",", "\"default_connection\": \"virtual\", \"usb_load\": {\"per_hubs\": 1},",
                        "field 'usb_load.per_hubs': unknown field"),
                Arguments.of("bad perftest args", "\"serial\": \"vlab0000pico-2a02\",", "\"serial\": \"vlab0000pico-2a02\", \"perftest_args\": [\"fast\"],",
                        "field 'tentacles[1].perftest_args': expected two numbers"));
    }

    @ParameterizedTest(name = "lab: {0}")
    @MethodSource("badLabs")
    void badLabFile(String name, String from, String to, String expected) throws IOException {
        replaceIn("labs/virtual.json", from, to);

        assertOneLineError(Cli.run(ws, "list", "tentacles", "--lab", "virtual"), "labs/virtual.json", expected);
    }

    @Test
    void identicalTagWithDifferentHardwareIsRejected() throws IOException {
        replaceIn("labs/virtual.json", "\"tag\": \"RPI_PICO_W\",\n      \"port\": \"rp2\",\n      \"futs\": [\n        \"FUT_MCU_ONLY\",\n        \"FUT_EXTMOD_HARDWARE\",\n        \"FUT_WLAN\",\n        \"FUT_BLE\"\n      ],\n      \"programmer\": {\n        \"name\": \"virtual\",\n        \"args\": []\n      },\n      \"tags\": {\n        \"tier\": \"1\"\n      }\n    },\n    {\n      \"serial\": \"vlab0000picw-3b02\"",
                "\"tag\": \"RPI_PICO_W\",\n      \"port\": \"rp2\",\n      \"futs\": [\n        \"FUT_MCU_ONLY\"\n      ],\n      \"programmer\": {\n        \"name\": \"virtual\",\n        \"args\": []\n      },\n      \"tags\": {\n        \"tier\": \"1\"\n      }\n    },\n    {\n      \"serial\": \"vlab0000picw-3b02\"");

        assertOneLineError(Cli.run(ws, "list", "tentacles"), "field 'tentacles[3].tag'", "identical tentacles must share a tag");
    }

    @Test
    void firmwareWithMissingVersion() throws IOException {
        replaceIn("firmware/RPI_PICO/firmware.json", "\"version\"", "\"versio\"");

        assertOneLineError(Cli.run(ws, "list", "firmware"), "firmware/RPI_PICO/firmware.json", "field 'version': missing");
    }

    @Test
    void firmwareLeftOutRuleThatIsNoRegexOrHasNoReason() throws IOException {
        replaceIn("firmware/UNIX/firmware.json", "\"tests\": \"^(cmdline|import|io)/\"", "\"tests\": \"^(cmdline|import\"");
        assertOneLineError(Cli.run(ws, "list", "firmware"), "firmware/UNIX/firmware.json", "field 'left_out[0].tests': not a regular expression");

        replaceIn("firmware/UNIX/firmware.json", "\"tests\": \"^(cmdline|import\"", "\"test\": \"^cmdline/\"");
        assertOneLineError(Cli.run(ws, "list", "firmware"), "firmware/UNIX/firmware.json", "field 'left_out[0].tests': missing");
    }

    @Test
    void firmwareWithMissingImage() throws IOException {
        Files.delete(dir.resolve("firmware/RPI_PICO/firmware.vimg"));

        assertOneLineError(Cli.run(ws, "list", "firmware"), "firmware/RPI_PICO/firmware.json", "field 'image': image file not found");
    }

    @Test
    void firmwareWhoseImageDoesNotMatchItsSha256() throws IOException {
        Files.writeString(dir.resolve("firmware/RPI_PICO/firmware.vimg"), "corrupted");

        assertOneLineError(Cli.run(ws, "run", "--lab", "virtual", "--dry-run"), "firmware/RPI_PICO/firmware.json", "field 'sha256': does not match");
    }

    @Test
    void firmwareFolderNamedForAnotherBoard() throws IOException {
        Files.move(dir.resolve("firmware/RPI_PICO"), dir.resolve("firmware/RPI_PICO_X"));

        assertOneLineError(Cli.run(ws, "list", "firmware"), "folder is named RPI_PICO_X but the file describes RPI_PICO");
    }

    @ParameterizedTest(name = "option: {0} {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "--only-test|RUN-TESTS_STANDRAD|--only-test: unknown test 'RUN-TESTS_STANDRAD' (valid: ",
        "--skip-test|NOPE|--skip-test: unknown test 'NOPE'",
        "--only-fut|FUT_WIFI|--only-fut: unknown FUT 'FUT_WIFI' (valid: FUT_MCU_ONLY",
        "--only-board|PYBV11|--only-board: unknown board 'PYBV11' (tags and boards of this lab: ",
        "--firmware|PYBV11|--firmware: no tentacle of this lab has board 'PYBV11'",
        "--firmware|RPI_PICO-RISCV|--firmware: board RPI_PICO has no variant 'RISCV'",
        "--only-tag|tier|--only-tag: expected key=v1,v2, got 'tier'",
        "--reference-board|PYBV11|--reference-board: no tentacle of this lab has board 'PYBV11'",
        "--lab|nolab|--lab: unknown lab 'nolab' (known: example-octoprobe, virtual)",
        "--lab|/nonexistent/lab.json|--lab: file not found: /nonexistent/lab.json",
    })
    void unknownNamesOnTheCommandLine(String option, String value, String expected) {
        assertOneLineError(Cli.run(ws, "run", "--dry-run", option, value), expected);
    }

    @Test
    void firmwareWithoutAFolderIsAnError() throws IOException {
        Files.walk(dir.resolve("firmware/RPI_PICO")).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());

        assertOneLineError(Cli.run(ws, "run", "--dry-run", "--firmware", "RPI_PICO"), "--firmware: no firmware for RPI_PICO (missing firmware/RPI_PICO/firmware.json)");
    }

    @Test
    void usageErrorsExitTwoWithAHint() {
        Cli.Result r = Cli.run(ws, "run", "--jobz", "3");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("'--jobz'").contains("See 'testbed run --help'");
    }

    @Test
    void badHistoryUrlXfailFileAndBenchModel() throws IOException {
        assertOneLineError(Cli.run(ws, "history", "sessions", "--history", "mysql://db/x"), "--history: 'mysql://db/x'");
        assertOneLineError(Cli.run(ws, "run", "--xfail", dir.resolve("none.json").toString()), "none.json: file not found");
        Files.writeString(dir.resolve("xfail.json"), "{\"xfail\": [{\"group\": \"G\", \"test\": \"t.py\"}]}");
        assertOneLineError(Cli.run(ws, "run", "--xfail", dir.resolve("xfail.json").toString()), "xfail.json: field 'xfail[0].board_variant': missing");
        assertOneLineError(Cli.run(ws, "bench", "schedule", "--lab-model", "medium"), "--lab-model: 'medium'");
        assertOneLineError(Cli.run(ws, "report", "--results", dir.resolve("nowhere").toString()), "session.json: no such session record");
    }

    @Test
    void unreachableHistoryServerIsALabErrorInOneLine() {
        Cli.Result r = Cli.run(ws, "history", "sessions", "--history", "jdbc:postgresql://127.0.0.1:1/none");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.INFRASTRUCTURE);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).contains("history jdbc:postgresql://127.0.0.1:1/none").contains("refused").doesNotContain("Exception");
    }

    @Test
    void aBadOrUnreachableQueueIsOneLine() {
        assertOneLineError(Cli.run(ws, "run", "--queue", "mysql://db/x", "--firmware", "RPI_PICO"), "--queue: 'mysql://db/x' is not a PostgreSQL URL");
        assertOneLineError(Cli.run(ws, "agent", "--queue", "mysql://db/x"), "--queue: 'mysql://db/x' is not a PostgreSQL URL");
        assertOneLineError(Cli.run(ws, "agent", "--queue", "jdbc:postgresql://127.0.0.1:1/none", "--lease", "10s", "--heartbeat", "20s"),
                "--heartbeat 20 s must be shorter than --lease 10 s");
        for (String[] args : List.of(new String[] {"agent"}, new String[] {"run", "--firmware", "RPI_PICO"}, new String[] {"lab", "status"})) {
            List<String> line = new java.util.ArrayList<>(List.of(args));
            line.addAll(List.of("--queue", "jdbc:postgresql://127.0.0.1:1/none"));
            Cli.Result r = Cli.run(ws, line.toArray(String[]::new));
            assertThat(r.exitCode()).as(String.join(" ", line) + ": " + r.err()).isEqualTo(ExitCodes.INFRASTRUCTURE);
            assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
            assertThat(r.err()).contains("queue jdbc:postgresql://127.0.0.1:1/none").doesNotContain("Exception");
        }
    }

    /** A plan and a run open the history the same way: an unreachable one stops both, before anything is touched. */
    @Test
    void anUnreachableHistoryStopsAPlanAsItStopsARun() {
        for (String[] args : List.of(new String[] {"run", "--dry-run"}, new String[] {"run", "--firmware", "RPI_PICO"})) {
            List<String> line = new java.util.ArrayList<>(List.of(args));
            line.addAll(List.of("--history", "jdbc:postgresql://127.0.0.1:1/none"));
            Cli.Result r = Cli.run(ws, line.toArray(String[]::new));
            assertThat(r.exitCode()).as(String.join(" ", args) + ": " + r.err()).isEqualTo(ExitCodes.INFRASTRUCTURE);
            assertThat(r.err().strip().lines()).hasSize(1);
            assertThat(r.err()).contains("history jdbc:postgresql://127.0.0.1:1/none");
        }
        assertThat(ws.resultsDir().resolve("session.json")).as("nothing archived or started").doesNotExist();
    }

    @Test
    void badNamesOnRunFailBeforeThePreviousResultsAreTouched() throws IOException {
        Path previous = ws.resultsDir().resolve("session.json");
        Files.createDirectories(previous.getParent());
        Files.writeString(previous, "{\"session_id\": \"earlier\"}");

        assertOneLineError(Cli.run(ws, "run", "--lab", "virtual", "--firmware", "LOLIN_D1_MINI_X"), "--firmware", "LOLIN_D1_MINI_X");
        assertOneLineError(Cli.run(ws, "run", "--lab", "virtual", "--only-test", "NO_SUCH_GROUP"), "NO_SUCH_GROUP");

        assertThat(previous).content().contains("earlier");
        assertThat(ws.resultsDir().resolve("archive")).doesNotExist();
    }

    /** Bad lab settings fail on run before anything is archived, each naming the file, the field and the value. */
    static Stream<Arguments> badLabSettings() {
        return Stream.of(
                Arguments.of("unknown port", "\"port\": \"esp8266\"", "\"port\": \"esp8266x\"", "field 'tentacles[5].port': unknown MicroPython port 'esp8266x'"),
                Arguments.of("unknown programmer", "\"programmer\": {\n        \"name\": \"virtual\"", "\"programmer\": {\n        \"name\": \"picotoool\"",
                        "field 'tentacles[0].programmer.name': unknown programmer 'picotoool'"),
                Arguments.of("unknown connection kind", "\"kind\": \"virtual\",\n        \"faults\"", "\"kind\": \"virtul\",\n        \"faults\"",
                        "field 'tentacles[5].connection.kind': unknown connection kind 'virtul'"),
                Arguments.of("unknown fault", "\"flaky\": {\"test\"", "\"flakey\": {\"test\"", "field 'connection.faults.flakey': unknown fault"),
                Arguments.of("probability over 1", "\"p\": 0.3", "\"p\": 3", "field 'connection.faults.flaky.p': expected a probability from 0 to 1, got 3"),
                Arguments.of("negative fault value", "\"flaky\": {\"test\": \"basics/flaky.py\", \"p\": 0.3}",
                        "\"flaky\": {\"test\": \"basics/flaky.py\", \"p\": 0.3}, \"seed\": -2", "field 'connection.faults.seed': expected a number >= 0, got -2"));
    }

    @ParameterizedTest(name = "run, lab: {0}")
    @MethodSource("badLabSettings")
    void badLabSettingsFailBeforeThePreviousResultsAreTouched(String name, String from, String to, String expected) throws IOException {
        Path previous = previousSession();
        replaceIn("labs/virtual.json", from, to);
        assertOneLineError(Cli.run(ws, "run", "--lab", "virtual", "--firmware", "RPI_PICO"), "labs/virtual.json", expected);
        assertNothingArchived(previous);
    }

    @Test
    void aMissingMicropythonTestsFolderIsBadInputNotAFirmwareFailure() throws IOException {
        Path previous = previousSession();
        Path nowhere = dir.resolve("no-such-tests");
        assertOneLineError(Cli.run(ws, "run", "--lab", "virtual", "--firmware", "RPI_PICO", "--micropython-tests", nowhere.toString()),
                "--micropython-tests " + nowhere + ": no run-tests.py in it (give MicroPython's tests/ folder)");
        assertNothingArchived(previous);
    }

    @Test
    void aMissingBuiltinSuiteIsAConfigurationErrorNotABoards() throws IOException {
        Path previous = previousSession();
        replaceIn("testrunspecs/builtin-tests-extmod.json", "\"suite\": \"builtin/extmod\"", "\"suite\": \"builtin/extmods\"");
        assertOneLineError(Cli.run(ws, "run", "--lab", "virtual", "--firmware", "RPI_PICO"), "builtin-tests-extmod.json", "field 'runner.suite'",
                "builtin/extmods not found");
        assertNothingArchived(previous);
    }

    @Test
    void nonUtf8BytesNameTheFileTheByteAndTheLine() throws IOException {
        Path lab = dir.resolve("labs/virtual.json");
        byte[] bytes = Files.readAllBytes(lab);
        int at = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("RPI_PICO2");
        bytes[at] = (byte) 0xe9; // a Latin-1 'e' where UTF-8 needs two bytes
        Files.write(lab, bytes);
        assertOneLineError(Cli.run(ws, "list", "tentacles", "--lab", "virtual"), "labs/virtual.json: not UTF-8: byte 0xe9 at offset " + at,
                "(line ");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"--jobs,-1,'--jobs: must be 0 or more (0 = no limit), got -1'", "--count,0,'--count: must be 1 or more (1 = run each group once), got 0'",
        "--max-requeues,-3,'--max-requeues: must be 0 or more, got -3'", "--quarantine-after,0,'--quarantine-after: must be 1 or more, got 0'"})
    void eachBadCountNamesItsOptionAndValue(String option, String value, String expected) {
        assertOneLineError(Cli.run(ws, "run", "--dry-run", option, value), expected);
    }

    @Test
    void aCorruptSqliteHistorySaysSoAtOnce() throws IOException {
        Path db = dir.resolve("corrupt.sqlite");
        Files.writeString(db, "not a database at all, but long enough to have a header");
        Cli.Result r = Cli.run(ws, "history", "sessions", "--history", "jdbc:sqlite:" + db);
        assertThat(r.exitCode()).isEqualTo(ExitCodes.INFRASTRUCTURE);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).contains(db + " is not an SQLite database (corrupt");
    }

    private Path previousSession() throws IOException {
        Path previous = ws.resultsDir().resolve("session.json");
        Files.createDirectories(previous.getParent());
        Files.writeString(previous, "{\"session_id\": \"earlier\"}");
        return previous;
    }

    private void assertNothingArchived(Path previous) {
        assertThat(previous).content().contains("earlier");
        assertThat(ws.resultsDir().resolve("archive")).doesNotExist();
    }
}
