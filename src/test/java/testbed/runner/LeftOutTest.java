package testbed.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testbed.board.BoardIdentity;
import testbed.model.Firmware;

/** Which tests of run-tests.py are left out on a board, why, and how run-tests.py is told. */
class LeftOutTest {

    @TempDir
    Path tests;

    private void test(String rel, String source) throws Exception {
        Path f = tests.resolve(rel);
        Files.createDirectories(f.getParent());
        Files.writeString(f, source);
    }

    private static BoardIdentity board(String platform, String... modules) {
        return new BoardIdentity("UNIX", "", "standard;3.4.0; MicroPython v1.27.0", "00", platform, "", Set.of(modules), "1");
    }

    @Test
    void theBoardsOwnRulesApplyWithTheirArgumentsAndCountWhereTheRunWouldHaveRunThem() throws Exception {
        test("basics/ok.py", "print(1)\n");
        test("import/import1a.py", "import import1b\n");
        test("basics/string_crlf_conversion.py", "print(1)\r\n");
        test("micropython/meminfo.py", "import micropython\n");
        test("net_hosted/connect_local.py", "import socket\nsocket.getaddrinfo('127.0.0.1', 80)\n");
        List<Firmware.LeftOut> rules = List.of(
                new Firmware.LeftOut("^(cmdline|import|io)/", List.of(), "a host program's test"),
                new Firmware.LeftOut("^basics/string_crlf_conversion\\.py$", List.of(), "CRLF"),
                new Firmware.LeftOut("^micropython/meminfo\\.py$", List.of("--via-mpy"), "fresh interpreter"));
        List<String> command = new ArrayList<>(List.of("python3", "run-tests.py", "--test-instance=port:/dev/pts/1"));
        List<String> log = new ArrayList<>();

        List<TestResult> skipped = LeftOut.apply(tests, command, board("linux", "socket", "unittest"), rules, log);

        assertThat(skipped).extracting(t -> t.name() + ": " + t.reason()).containsExactlyInAnyOrder(
                "import/import1a.py: a host program's test", "basics/string_crlf_conversion.py: CRLF");
        assertThat(skipped).allMatch(t -> t.outcome() == Outcome.SKIPPED);
        assertThat(command).contains("--exclude=^import/import1a\\.py$", "--exclude=^basics/string_crlf_conversion\\.py$")
                .noneMatch(a -> a.contains("meminfo")).as("127.0.0.1 is this host, not the internet").noneMatch(a -> a.contains("connect_local"));
        assertThat(log).anyMatch(l -> l.contains("left_out in its firmware.json"));

        // A run of named tests (a rerun, a bisect step) records only those: the others were never its to run.
        List<String> named = new ArrayList<>(List.of("python3", tests.resolve("run-tests.py").toString(), tests.resolve("basics/string_crlf_conversion.py").toString(),
                tests.resolve("basics/ok.py").toString()));
        assertThat(LeftOut.apply(tests, named, board("linux", "socket", "unittest"), rules, new ArrayList<>())).extracting(TestResult::name)
                .containsExactly("basics/string_crlf_conversion.py");

        // With --via-mpy the third rule applies too.
        List<String> viaMpy = new ArrayList<>(List.of("python3", "run-tests.py", "--via-mpy"));
        assertThat(LeftOut.apply(tests, viaMpy, board("linux", "unittest"), rules, new ArrayList<>())).extracting(TestResult::name)
                .contains("micropython/meminfo.py");
    }

    @Test
    void anUnguardedImportOfAModuleTheFirmwareLacksIsLeftOutAGuardedOneIsNot() throws Exception {
        test("extmod/ssl_top.py", "import ssl\nprint(ssl)\n");
        test("extmod/ssl_guarded.py", "try:\n    import ssl\nexcept ImportError:\n    print('SKIP')\n    raise SystemExit\n");
        test("extmod/needs_unittest.py", "import unittest\n");
        List<String> command = new ArrayList<>(List.of("run-tests.py"));
        List<TestResult> skipped = LeftOut.apply(tests, command, board("rp2"), List.of(), new ArrayList<>());
        assertThat(skipped).extracting(TestResult::name).containsExactlyInAnyOrder("extmod/ssl_top.py", "extmod/needs_unittest.py");
        assertThat(skipped).filteredOn(t -> t.name().equals("extmod/ssl_top.py")).singleElement()
                .satisfies(t -> assertThat(t.reason()).contains("needs 'ssl'"));
    }
}
