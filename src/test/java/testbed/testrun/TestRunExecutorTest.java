package testbed.testrun;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testbed.bartender.RunOutcome;
import testbed.board.BoardIdentity;
import testbed.flash.FirmwareInstaller;
import testbed.flash.FlashException;
import testbed.lab.BootTarget;
import testbed.lab.Dut;
import testbed.model.BoardVariant;
import testbed.model.Connection;
import testbed.model.Firmware;
import testbed.model.Fut;
import testbed.model.Programmer;
import testbed.model.Role;
import testbed.model.RunnerSpec;
import testbed.model.Status;
import testbed.model.Tentacle;
import testbed.model.TestRun;
import testbed.model.TestRunSpec;
import testbed.results.AttemptRecord;
import testbed.results.ResultsDir;
import testbed.results.RunReport;
import testbed.results.Xfail;

/**
 * One TestRun on a board and a flasher of the test's own (no serial line, no programmer): what is flashed and
 * verified, how attempts repeat, and who is blamed when what fails.
 */
class TestRunExecutorTest {

    private static final String V1 = "RPI_PICO;3.4.0; MicroPython v1.27.0";
    private static final String OLD = "RPI_PICO;3.4.0; MicroPython v1.26.0";

    @TempDir
    Path dir;

    private Firmware firmware;
    private final Map<String, String> carries = new HashMap<>();
    private final List<String> flashes = new ArrayList<>();
    /** Serial → what its flash reports afterwards instead of the image's version (a bad image), or "fail" (the tool fails). */
    private final Map<String, String> flashGoesWrong = new HashMap<>();

    private final FirmwareInstaller flasher = new FirmwareInstaller() {
        @Override
        public Optional<BoardIdentity> installed(Dut dut) {
            return Optional.ofNullable(carries.get(dut.tentacle().serial())).map(TestRunExecutorTest::identity);
        }

        @Override
        public BoardIdentity flash(Dut dut, Firmware fw, Path log) throws FlashException {
            String serial = dut.tentacle().serial();
            flashes.add(serial);
            String wrong = flashGoesWrong.get(serial);
            if ("fail".equals(wrong)) {
                throw new FlashException(RunOutcome.InfraErrorKind.FLASH_FAILED, "picotool exited 1");
            }
            if (wrong != null) {
                carries.put(serial, wrong);
                throw new FlashException(RunOutcome.InfraErrorKind.VERSION_MISMATCH, "after flashing, the board reports '" + wrong + "'");
            }
            carries.put(serial, fw.version());
            return identity(fw.version());
        }
    };

    static BoardIdentity identity(String firmware) {
        int semi = firmware.indexOf(';');
        return new BoardIdentity(firmware.substring(0, semi), "", firmware.substring(semi + 1), "00", "rp2", "", Set.of(), "1");
    }

    @BeforeEach
    void image() throws Exception {
        Path image = dir.resolve("firmware.uf2");
        Files.writeString(image, "image");
        firmware = new Firmware(BoardVariant.parse("RPI_PICO"), V1, image, Optional.empty(), Optional.empty(), dir.resolve("firmware.json"));
    }

    private static Tentacle pico(String serial) {
        return new Tentacle(serial, "RPI_PICO", "RPI_PICO", "rp2", Set.of(Fut.FUT_MCU_ONLY, Fut.FUT_WLAN), List.of(""),
                new Programmer("picotool", List.of()), 0, Map.of(), new Connection("usb", Map.of()));
    }

    private static Dut board(Tentacle t) {
        return new Dut() {
            @Override
            public Tentacle tentacle() {
                return t;
            }

            @Override
            public String port() {
                return "/dev/null";
            }

            @Override
            public void powerCycle() {
            }

            @Override
            public BootTarget enterBootMode() {
                throw new UnsupportedOperationException("the test's flasher does not need boot mode");
            }

            @Override
            public String describe() {
                return "a test board";
            }
        };
    }

    /** A group whose runner is a shell command: it writes {@code _results.json} (or does not) as MicroPython's runners do. */
    private static TestRunSpec group(String label, String script, boolean reference) {
        return new TestRunSpec(label, "", new RunnerSpec.External(List.of("sh", "-c", script, "sh", "{resultdir}"), Map.of()),
                reference ? Fut.FUT_WLAN : Fut.FUT_MCU_ONLY, reference, 60, 0, OptionalDouble.empty(), Path.of(label + ".json"));
    }

    private static String results(String outcome) {
        return "printf '{\"results\": [[\"basics/a.py\", \"pass\", \"\"], [\"basics/b.py\", \"" + outcome + "\", \"\"]]}' > \"$1/_results.json\"";
    }

    private TestRunExecutor executor(int count, boolean flashSkip, List<Tentacle> tentacles) {
        Map<String, Dut> duts = new HashMap<>();
        tentacles.forEach(t -> duts.put(t.serial(), board(t)));
        TestRunExecutor.Settings settings = new TestRunExecutor.Settings(count, flashSkip, false, dir, Optional.empty(), "python3", dir.resolve("cache"),
                Map.of(firmware.boardVariant(), firmware), "s1", Xfail.NONE);
        return new TestRunExecutor(settings, duts, new ResultsDir(dir.resolve("results")), TentacleLocks.in(dir.resolve("locks")), flasher,
                FlashLedger.in(dir.resolve("flashed")),
                Clock.systemUTC());
    }

    private static TestRun run(TestRunSpec spec, Tentacle dut, Optional<Tentacle> reference) {
        Role role = reference.isPresent() ? Role.INSTANCE0 : Role.SINGLE;
        return new TestRun(TestRun.testid(spec, dut, "", role), spec, dut, "", role, reference, true, reference.isPresent(), 0, Instant.now(),
                Duration.ofSeconds(1));
    }

    @Test
    void aBoardRunningOtherFirmwareIsFlashedAndVerifiedThenTested() {
        Tentacle dut = pico("e0000001-0001");
        carries.put(dut.serial(), OLD);
        RunReport r = executor(1, false, List.of(dut)).execute(run(group("G", results("pass"), false), dut, Optional.empty()));

        assertThat(r.outcome()).isEqualTo(new RunOutcome.Ran(false));
        assertThat(flashes).containsExactly(dut.serial());
        AttemptRecord a = r.attempts().get(0);
        assertThat(a.status()).isEqualTo(Status.PASSED);
        assertThat(a.flashed()).containsExactly(dut.label());
        assertThat(a.firmware()).containsEntry(dut.serial(), V1);
        assertThat(a.kind()).isEqualTo("RPI_PICO");
        assertThat(a.role()).isEqualTo(Role.SINGLE);
        assertThat(r.firmware()).containsEntry(dut.serial(), Optional.of(BoardVariant.parse("RPI_PICO")));
        assertThat(dir.resolve("results").resolve(a.directory()).resolve("run.json")).exists();
    }

    @Test
    void aBoardThatCarriesTheFirmwareIsNotFlashedAgain() {
        Tentacle dut = pico("e0000001-0001");
        carries.put(dut.serial(), V1);
        RunReport r = executor(1, false, List.of(dut)).execute(run(group("G", results("pass"), false), dut, Optional.empty()));
        assertThat(flashes).isEmpty();
        assertThat(r.attempts().get(0).flashed()).isEmpty();
        assertThat(r.status()).isEqualTo(Status.PASSED);
    }

    @Test
    void aRebuiltImageOfTheSameVersionIsFlashedAgainAndAnUnchangedOneIsNot() throws Exception {
        Tentacle dut = pico("e0000001-0001");
        carries.put(dut.serial(), OLD);
        executor(1, false, List.of(dut)).execute(run(group("G", results("pass"), false), dut, Optional.empty()));
        executor(1, false, List.of(dut)).execute(run(group("G", results("pass"), false), dut, Optional.empty()));
        assertThat(flashes).as("the same image: flashed once").hasSize(1);

        // The same commit built again with another flag: the same version text, another image.
        Files.writeString(firmware.image(), "image built with -O0");
        RunReport r = executor(1, false, List.of(dut)).execute(run(group("G", results("pass"), false), dut, Optional.empty()));
        assertThat(flashes).hasSize(2);
        assertThat(Files.readString(dir.resolve("results").resolve(r.attempts().get(0).directory()).resolve("testresults.txt")))
                .contains("the image was rebuilt");
    }

    @Test
    void failuresRepeatUpToTheCountAndTheLastAttemptDecides() {
        Tentacle dut = pico("e0000001-0001");
        carries.put(dut.serial(), V1);
        RunReport r = executor(3, false, List.of(dut)).execute(run(group("G", results("fail"), false), dut, Optional.empty()));
        assertThat(r.attempts()).extracting(AttemptRecord::attempt).containsExactly("a", "b", "c");
        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.outcome()).isEqualTo(new RunOutcome.Ran(true));
        assertThat(flashes).as("flashed (or not) once, not per attempt").isEmpty();
    }

    @Test
    void aFailedFlashIsTheBoardsInfrastructureErrorNotTheFirmwares() {
        Tentacle dut = pico("e0000001-0001");
        flashGoesWrong.put(dut.serial(), "fail");
        RunReport r = executor(1, false, List.of(dut)).execute(run(group("G", results("pass"), false), dut, Optional.empty()));
        assertThat(r.outcome()).isInstanceOfSatisfying(RunOutcome.InfraError.class, e -> {
            assertThat(e.kind()).isEqualTo(RunOutcome.InfraErrorKind.FLASH_FAILED);
            assertThat(e.blamedSerials()).containsExactly(dut.serial());
        });
        assertThat(r.status()).isEqualTo(Status.ERROR);
        assertThat(r.attempts().get(0).errorKind()).isEqualTo("flash_failed");
        assertThat(r.firmware()).as("what it carries now is unknown").containsEntry(dut.serial(), Optional.empty());
    }

    @Test
    void aReferenceThatDoesNotVerifyIsBlamedNotTheDut() {
        Tentacle dut = pico("e0000001-0001");
        Tentacle ref = pico("e0000002-0002");
        carries.put(dut.serial(), V1);
        flashGoesWrong.put(ref.serial(), OLD);
        RunReport r = executor(1, false, List.of(dut, ref)).execute(run(group("M", results("pass"), true), dut, Optional.of(ref)));
        assertThat(r.outcome()).isInstanceOfSatisfying(RunOutcome.InfraError.class, e -> {
            assertThat(e.kind()).isEqualTo(RunOutcome.InfraErrorKind.VERSION_MISMATCH);
            assertThat(e.blamedSerials()).containsExactly(ref.serial());
        });
    }

    @Test
    void aRunnerThatCrashesWithoutResultsIsARunnerFailureAndNobodysFirmware() {
        Tentacle dut = pico("e0000001-0001");
        carries.put(dut.serial(), V1);
        // As a syntax error in run-tests.py: python prints a traceback and exits 1, no _results.json.
        String crash = "echo 'File \"run-tests.py\", line 12' >&2; echo 'SyntaxError: invalid syntax' >&2; exit 1";
        RunReport r = executor(2, false, List.of(dut)).execute(run(group("G", crash, false), dut, Optional.empty()));
        assertThat(r.outcome()).isInstanceOfSatisfying(RunOutcome.InfraError.class, e -> {
            assertThat(e.kind()).isEqualTo(RunOutcome.InfraErrorKind.RUNNER_FAILED);
            assertThat(e.message()).contains("SyntaxError: invalid syntax");
        });
        assertThat(r.attempts()).singleElement().satisfies(a -> {
            assertThat(a.status()).isEqualTo(Status.ERROR);
            assertThat(a.errorKind()).isEqualTo("runner_failed");
        });
        // A runner that says it lost the board blames the board instead.
        String lost = "echo 'pyboard.PyboardError: could not enter raw repl' >&2; exit 1";
        RunReport board = executor(1, false, List.of(dut)).execute(run(group("H", lost, false), dut, Optional.empty()));
        assertThat(board.outcome()).isInstanceOfSatisfying(RunOutcome.InfraError.class,
                e -> assertThat(e.kind()).isEqualTo(RunOutcome.InfraErrorKind.BOARD_LOST));
    }

    @Test
    void testsTheRunnerPlannedButNeverReachedAreNotRunNotMissing() throws Exception {
        Tentacle dut = pico("e0000001-0001");
        carries.put(dut.serial(), V1);
        // As run-tests.py v1.28.0 on a board that stops answering: two tests reported, "aborting", a report of those two;
        // its --dry-run lists all four (one it would skip anyway).
        Path runner = dir.resolve("run-tests.py");
        Files.writeString(runner, """
                for a in "$@"; do case "$a" in --result-dir=*) out="${a#--result-dir=}";; --dry-run) dry=1;; esac; done
                mkdir -p "$out"
                if [ -n "$dry" ]; then
                  printf '{"results": [["basics/a.py", "found", ""], ["basics/b.py", "found", ""], ["basics/c.py", "found", ""], ["./basics/d.py", "skip", ""]]}' > "$out/_results.json"
                  exit 0
                fi
                echo "pass  basics/a.py"; echo "FAIL  basics/b.py raw REPL failed"
                echo "Too many raw REPL failures, aborting test run"
                echo "1 tests passed"
                printf '{"results": [["basics/a.py", "pass", ""], ["basics/b.py", "fail", ""]]}' > "$out/_results.json"
                exit 1
                """);
        TestRunSpec spec = new TestRunSpec("RUN-TESTS_STANDARD", "", new RunnerSpec.External(List.of("sh", runner.toString(), "--result-dir={resultdir}"),
                Map.of()), Fut.FUT_MCU_ONLY, false, 60, 0, OptionalDouble.empty(), Path.of("g.json"));
        RunReport r = executor(1, false, List.of(dut)).execute(run(spec, dut, Optional.empty()));

        assertThat(r.outcome()).isInstanceOfSatisfying(RunOutcome.InfraError.class, e -> {
            assertThat(e.kind()).as("the board gave up, not the firmware's tests").isEqualTo(RunOutcome.InfraErrorKind.BOARD_LOST);
            assertThat(e.blamedSerials()).containsExactly(dut.serial());
            assertThat(e.message()).contains("2 of 4 tests not run");
        });
        AttemptRecord a = r.attempts().get(0);
        assertThat(a.tests()).extracting(t -> t.name() + "=" + t.outcome().label()).containsExactly(
                "basics/a.py=passed", "basics/b.py=failed", "basics/c.py=not_run", "basics/d.py=not_run");
        assertThat(a.tests().get(3).reason()).contains("gave up on the board");
        assertThat(a.counts()).containsEntry("not_run", 2L);
        assertThat(testbed.runner.Outcome.NOT_RUN.isFailure()).isFalse();
    }

    @Test
    void exitCodeTwoIsTheRunnersOwnFailureEvenWithResults() {
        Tentacle dut = pico("e0000001-0001");
        carries.put(dut.serial(), V1);
        RunReport r = executor(1, false, List.of(dut)).execute(run(group("G", results("pass") + "; echo 'unsupported instance string' >&2; exit 2",
                false), dut, Optional.empty()));
        assertThat(r.outcome()).isInstanceOfSatisfying(RunOutcome.InfraError.class, e -> {
            assertThat(e.kind()).isEqualTo(RunOutcome.InfraErrorKind.RUNNER_FAILED);
            assertThat(e.message()).contains("exited 2").contains("unsupported instance string");
        });
        assertThat(r.attempts().get(0).tests()).as("what it reported is kept").hasSize(2);
    }

    @Test
    void aGroupInWhichEveryTestWasSkippedIsSkippedNotPassed() {
        Tentacle dut = pico("e0000001-0001");
        carries.put(dut.serial(), V1);
        String allSkipped = "printf '{\"results\": [[\"extmod/i2c.py\", \"skip\", \"no I2C\"]]}' > \"$1/_results.json\"";
        RunReport r = executor(1, false, List.of(dut)).execute(run(group("G", allSkipped, false), dut, Optional.empty()));
        assertThat(r.status()).isEqualTo(Status.SKIPPED);
        assertThat(r.attempts().get(0).error()).isEqualTo("no test ran: all 1 were skipped");
    }

    @Test
    void aTentacleAnotherSessionHoldsIsBusyAndNothingIsTouched() throws Exception {
        Tentacle dut = pico("e0000001-0001");
        TentacleLocks other = TentacleLocks.in(dir.resolve("locks"));
        assertThat(other.tryLockAll(List.of(dut.serial()), "another session")).isEmpty();
        try {
            RunReport r = executor(1, false, List.of(dut)).execute(run(group("G", results("pass"), false), dut, Optional.empty()));
            assertThat(r.outcome()).isEqualTo(new RunOutcome.Busy(Set.of(dut.serial())));
            assertThat(r.attempts()).isEmpty();
            assertThat(flashes).isEmpty();
        } finally {
            other.unlockAll(List.of(dut.serial()));
        }
    }
}
