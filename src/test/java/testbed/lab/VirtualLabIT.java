package testbed.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static testbed.lab.VirtualLabFixture.dut;
import static testbed.lab.VirtualLabFixture.firmware;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import testbed.bartender.RunOutcome;
import testbed.board.BoardIdentity;
import testbed.board.BoardIoException;
import testbed.board.BoardSession;
import testbed.board.ExecResult;
import testbed.board.MicroPythonException;
import testbed.flash.FlashException;
import testbed.lab.drivers.ConnectedLab;
import testbed.flash.Flasher;
import testbed.flash.ToolLocator;
import testbed.model.Firmware;

/** Real MicroPython on virtual boards behind real ptys: discovery, flashing, code, and every injected fault. */
@Timeout(120)
class VirtualLabIT {

    @TempDir
    Path dir;

    private final Flasher flasher = new Flasher(ToolLocator.onPath(testbed.TestWorkspaces.CHECKOUT.settings().path()));

    private BoardIdentity flash(ConnectedLab lab, String serial, String firmware) throws FlashException {
        return flasher.flash(dut(lab, serial), firmware(firmware), dir.resolve("flash-" + serial + ".txt"));
    }

    private static ExecResult exec(Dut dut, String code, Duration silence) throws BoardIoException {
        try (BoardSession s = BoardSession.open(dut.port(), Duration.ofSeconds(2))) {
            return s.exec(code, silence, Duration.ofSeconds(30));
        }
    }

    @Test
    void blankBoardsAreFoundButSilentThenFlashedAndVerified() throws Exception {
        try (ConnectedLab lab = new VirtualLabFixture(dir).pico("vtest0000001-0001", Map.of())
                .board("vtest0000002-0002", "RPI_PICO2", "RPI_PICO2", List.of("FUT_MCU_ONLY"), List.of("", "RISCV"), Map.of()).connect()) {
            assertThat(lab.discovery().found()).hasSize(2).allSatisfy(f -> assertThat(f.identity()).isEmpty());

            BoardIdentity pico = flash(lab, "vtest0000001-0001", "RPI_PICO");
            BoardIdentity riscv = flash(lab, "vtest0000002-0002", "RPI_PICO2-RISCV");

            assertThat(pico.firmware()).isEqualTo(firmware("RPI_PICO").version());
            assertThat(riscv.build()).isEqualTo("RPI_PICO2-RISCV");
            assertThat(riscv.machine()).contains("RP2350-RISCV");
            assertThat(flasher.needsFlash(dut(lab, "vtest0000002-0002"), firmware("RPI_PICO2-RISCV"))).isFalse();
            assertThat(flasher.needsFlash(dut(lab, "vtest0000002-0002"), firmware("RPI_PICO2"))).as("variant switch needs a flash").isTrue();
            assertThat(Files.readString(dir.resolve("flash-vtest0000001-0001.txt"))).contains("returncode=0").contains("verified: RPI_PICO;");
        }
        // A virtual board keeps its firmware between sessions, like a real one.
        try (ConnectedLab again = new VirtualLabFixture(dir).pico("vtest0000001-0001", Map.of()).connect()) {
            assertThat(again.discovery().found().get(0).identity()).map(BoardIdentity::build).contains("RPI_PICO");
        }
    }

    @Test
    void runsCodeWithOutputTracebacksEvalAndAPersistentFilesystem() throws Exception {
        try (ConnectedLab lab = new VirtualLabFixture(dir).pico("vtest0000003-0003", Map.of()).connect()) {
            flash(lab, "vtest0000003-0003", "RPI_PICO");
            Dut dut = dut(lab, "vtest0000003-0003");
            try (BoardSession s = BoardSession.open(dut.port(), Duration.ofSeconds(2))) {
                assertThat(s.execChecked("for i in range(3):\n    print(i * i)\n")).isEqualTo("0\r\n1\r\n4\r\n");
                assertThatThrownBy(() -> s.execChecked("1/0")).isInstanceOf(MicroPythonException.class).hasMessageContaining("ZeroDivisionError");
                assertThat(s.eval("{'a': [1, 2], 'b': None}").toString()).isEqualTo("{\"a\":[1,2],\"b\":null}");
                assertThat(s.repl().rawPasteSupported()).contains(true);
                s.execChecked("f = open('data.txt', 'w')\nf.write('kept')\nf.close()");
                s.repl().enter(true);
                assertThat(s.execChecked("print(open('data.txt').read())")).isEqualTo("kept\r\n");
                // What it is for MicroPython's runners (the real sys, the WebAssembly port), who it is for testbed (the image's build).
                assertThat(s.execChecked("import sys\nprint(sys.platform, type(sys).__name__, sys.implementation._build, 'micropython' in repr(sys.implementation))"))
                        .isEqualTo("webassembly module RPI_PICO True\r\n");
            }
        }
    }

    @Test
    void wrongImageIsCaughtByVersionVerification() throws Exception {
        Firmware pico = firmware("RPI_PICO");
        // The RPI_PICO firmware folder holding another board's image: the board boots, but reports RPI_PICO2.
        Firmware lying = new Firmware(pico.boardVariant(), pico.version(), firmware("RPI_PICO2").image(), Optional.empty(),
                Optional.empty(), pico.file());
        try (ConnectedLab lab = new VirtualLabFixture(dir).pico("vtest0000004-0004", Map.of()).connect()) {
            assertThatThrownBy(() -> flasher.flash(dut(lab, "vtest0000004-0004"), lying, dir.resolve("f.txt")))
                    .isInstanceOfSatisfying(FlashException.class, e -> assertThat(e.kind()).isEqualTo(RunOutcome.InfraErrorKind.VERSION_MISMATCH))
                    .hasMessageContaining("after flashing, the board reports 'RPI_PICO2;");
        }
    }

    @Test
    void corruptedImageIsCaughtBecauseTheBoardNoLongerAnswers() throws Exception {
        Firmware pico = firmware("RPI_PICO");
        Path corrupt = dir.resolve("corrupt.vimg");
        byte[] bytes = Files.readAllBytes(pico.image());
        bytes[bytes.length / 2] ^= 0x20;
        Files.write(corrupt, bytes);
        Firmware bad = new Firmware(pico.boardVariant(), pico.version(), corrupt, Optional.empty(), Optional.empty(), pico.file());
        try (ConnectedLab lab = new VirtualLabFixture(dir).pico("vtest0000005-0005", Map.of()).connect()) {
            assertThatThrownBy(() -> flasher.flash(dut(lab, "vtest0000005-0005"), bad, dir.resolve("f.txt")))
                    .isInstanceOfSatisfying(FlashException.class, e -> assertThat(e.kind()).isEqualTo(RunOutcome.InfraErrorKind.VERSION_MISMATCH))
                    .hasMessageContaining("no MicroPython answers after flashing");
        }
    }

    @Test
    void flashFailsTheConfiguredNumberOfTimesThenSucceeds() throws Exception {
        try (ConnectedLab lab = new VirtualLabFixture(dir).pico("vtest0000006-0006", Map.of("flash_fails", 1)).connect()) {
            assertThatThrownBy(() -> flash(lab, "vtest0000006-0006", "RPI_PICO"))
                    .isInstanceOfSatisfying(FlashException.class, e -> assertThat(e.kind()).isEqualTo(RunOutcome.InfraErrorKind.FLASH_FAILED))
                    .hasMessageContaining("exited 1");
            assertThat(Files.readString(dir.resolve("flash-vtest0000006-0006.txt"))).contains("injected fault").contains("returncode=1");

            assertThat(flash(lab, "vtest0000006-0006", "RPI_PICO").build()).isEqualTo("RPI_PICO");
        }
    }

    /** Polls until the condition holds; fails after {@code max}. */
    private static void await(Duration max, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + max);
            }
            Thread.sleep(50);
        }
    }

    @Test
    void hangAfterSecondsIsATimeoutAndAPowerCycleRecovers() throws Exception {
        try (ConnectedLab lab = new VirtualLabFixture(dir).pico("vtest0000007-0007", Map.of("hang", Map.of("after_s", 2))).connect()) {
            flash(lab, "vtest0000007-0007", "RPI_PICO");
            Dut dut = dut(lab, "vtest0000007-0007");
            // Wait for the fault itself (the board stops answering), not for a guess of when its timer fires.
            await(Duration.ofSeconds(15), () -> {
                try {
                    exec(dut, "print(1)", Duration.ofSeconds(1));
                    return false;
                } catch (BoardIoException.Timeout e) {
                    return true;
                } catch (BoardIoException e) {
                    throw new AssertionError("the board should hang, not fail: " + e.getMessage(), e);
                }
            });
            assertThatThrownBy(() -> exec(dut, "print(1)", Duration.ofSeconds(1))).isInstanceOf(BoardIoException.Timeout.class);

            dut.powerCycle();
            assertThat(exec(dut, "print(2)", Duration.ofSeconds(2)).stdout()).isEqualTo("2\r\n");
        }
    }

    @Test
    void hangOnANamedTestOnlyHangsThatTest() throws Exception {
        try (ConnectedLab lab = new VirtualLabFixture(dir).pico("vtest0000008-0008", Map.of("hang", Map.of("on_test", "basics/loop.py"))).connect()) {
            flash(lab, "vtest0000008-0008", "RPI_PICO");
            Dut dut = dut(lab, "vtest0000008-0008");
            assertThat(exec(dut, "# test: basics/other.py\nprint(3)", Duration.ofSeconds(2)).stdout()).isEqualTo("3\r\n");
            assertThatThrownBy(() -> exec(dut, "# test: basics/loop.py\nprint(4)", Duration.ofSeconds(1))).isInstanceOf(BoardIoException.Timeout.class);
        }
    }

    @Test
    void disconnectMakesTheDeviceVanishAndComeBack() throws Exception {
        try (ConnectedLab lab = new VirtualLabFixture(dir).pico("vtest0000009-0009", Map.of("disconnect", Map.of("after_s", 2, "back_after_s", 2))).connect()) {
            Dut dut = dut(lab, "vtest0000009-0009");
            String port = dut.port();
            await(Duration.ofSeconds(15), () -> !Files.exists(Path.of(port)));
            assertThatThrownBy(dut::port).isInstanceOf(BoardIoException.Lost.class);
            assertThatThrownBy(() -> BoardSession.open(port, Duration.ofMillis(300))).isInstanceOf(BoardIoException.Lost.class);
            await(Duration.ofSeconds(15), () -> {
                try {
                    return Files.exists(Path.of(dut.port()));
                } catch (BoardIoException e) {
                    return false;
                }
            });
        }
    }

    @Test
    void disconnectWhileTalkingIsLost() throws Exception {
        try (ConnectedLab lab = new VirtualLabFixture(dir).pico("vtest0000010-0010", Map.of("disconnect", Map.of("after_s", 3))).connect()) {
            flash(lab, "vtest0000010-0010", "RPI_PICO");
            Dut dut = dut(lab, "vtest0000010-0010");
            try (BoardSession s = BoardSession.open(dut.port(), Duration.ofSeconds(2))) {
                s.ensureRawRepl(true);
                assertThatThrownBy(() -> s.repl().exec("import time\nfor i in range(100):\n    print(i)\n    time.sleep_ms(100)",
                        Duration.ofSeconds(5), Duration.ofSeconds(20))).isInstanceOf(BoardIoException.class)
                        .satisfies(e -> assertThat(e).isNotInstanceOf(BoardIoException.Protocol.class));
            }
        }
    }

    @Test
    void garbageOnTheLineAtBootDoesNotConfuseTheClient() throws Exception {
        try (ConnectedLab lab = new VirtualLabFixture(dir).pico("vtest0000011-0011", Map.of("garbage_at_boot", 200)).connect()) {
            assertThat(flash(lab, "vtest0000011-0011", "RPI_PICO").build()).isEqualTo("RPI_PICO");
            assertThat(exec(dut(lab, "vtest0000011-0011"), "print('clean')", Duration.ofSeconds(2)).stdout()).isEqualTo("clean\r\n");
        }
    }

    @Test
    void slowBootNeedsPatience() throws Exception {
        try (ConnectedLab lab = new VirtualLabFixture(dir).pico("vtest0000012-0012", Map.of("slow_boot_s", 2)).connect()) {
            flash(lab, "vtest0000012-0012", "RPI_PICO");
            Dut dut = dut(lab, "vtest0000012-0012");
            dut.powerCycle();
            assertThat(IdentityProbe.probe(dut, Duration.ofMillis(500))).isEmpty();
            assertThat(IdentityProbe.probe(dut, Duration.ofSeconds(5))).isPresent();
        }
    }

    @Test
    void flakyTestOutputWithProbabilityP() throws Exception {
        try (ConnectedLab lab = new VirtualLabFixture(dir)
                .pico("vtest0000013-0013", Map.of("flaky", Map.of("test", "basics/flaky.py", "p", 1.0)))
                .pico("vtest0000014-0014", Map.of("flaky", Map.of("test", "basics/flaky.py", "p", 0.0))).connect()) {
            flash(lab, "vtest0000013-0013", "RPI_PICO");
            flash(lab, "vtest0000014-0014", "RPI_PICO");
            String code = "# test: basics/flaky.py\nprint('ok')";
            assertThat(exec(dut(lab, "vtest0000013-0013"), code, Duration.ofSeconds(2)).stdout()).isEqualTo("virtual board glitch\r\nok\r\n");
            assertThat(exec(dut(lab, "vtest0000014-0014"), code, Duration.ofSeconds(2)).stdout()).isEqualTo("ok\r\n");
        }
    }

    @Test
    void uninterruptibleLoopNeedsAPowerCycle() throws Exception {
        try (ConnectedLab lab = new VirtualLabFixture(dir).pico("vtest0000015-0015", Map.of()).connect()) {
            flash(lab, "vtest0000015-0015", "RPI_PICO");
            Dut dut = dut(lab, "vtest0000015-0015");
            try (BoardSession s = BoardSession.open(dut.port(), Duration.ofSeconds(2))) {
                s.ensureRawRepl(true);
                assertThatThrownBy(() -> s.repl().exec("while True:\n    pass", Duration.ofMillis(500), Duration.ofSeconds(2)))
                        .isInstanceOf(BoardIoException.Timeout.class);
            }
            dut.powerCycle();
            assertThat(exec(dut, "print('back')", Duration.ofSeconds(2)).stdout()).isEqualTo("back\r\n");
        }
    }

    @Test
    void qemuMicrobitRunsRealOldFirmwareWithoutRawPaste() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(testbed.lab.virtual.VirtualLabDriverAccess.qemuInstalled(),
                "qemu-system-arm is not installed (.ci/run installs it)");
        try (ConnectedLab lab = new VirtualLabFixture(dir).microbit("vtestmicrobit-0016").connect()) {
            BoardIdentity id = flash(lab, "vtestmicrobit-0016", "MICROBIT");
            assertThat(id.version()).contains("MicroPython v1.9.2");
            try (BoardSession s = BoardSession.open(dut(lab, "vtestmicrobit-0016").port(), Duration.ofSeconds(2))) {
                assertThat(s.execChecked("print(sum(range(10)))")).isEqualTo("45\r\n");
                assertThat(s.repl().rawPasteSupported()).as("v1.9.2 has no raw-paste: the fallback ran").contains(false);
                assertThatThrownBy(() -> s.execChecked("x = bytearray(64000)")).isInstanceOf(MicroPythonException.class).hasMessageContaining("MemoryError");
            }
            // The upload benchmark runs on it in standard raw mode, and says when a script cannot fit.
            Dut dut = dut(lab, "vtestmicrobit-0016");
            var small = testbed.bench.UploadBenchmark.run(dut, 2048, 1);
            assertThat(small.rawPaste()).isFalse();
            assertThat(small.plainKiBps()).as("no sys.stdin on this firmware").isNaN();
            assertThat(small.rawPasteKiBps()).isPositive();
            assertThatThrownBy(() -> testbed.bench.UploadBenchmark.run(dut, 65536, 1)).isInstanceOf(BoardIoException.class)
                    .hasMessageContaining("does not fit in the board's");
        }
    }

    @Test
    void uploadBenchmarkComparesRawPasteWithPlainStdin() throws Exception {
        try (ConnectedLab lab = new VirtualLabFixture(dir).pico("vtest0000017-0017", Map.of()).connect()) {
            flash(lab, "vtest0000017-0017", "RPI_PICO");
            var r = testbed.bench.UploadBenchmark.run(dut(lab, "vtest0000017-0017"), 16384, 1);
            assertThat(r.rawPaste()).isTrue();
            assertThat(r.plainKiBps()).isPositive();
            assertThat(r.rawPasteKiBps()).isPositive();
        }
    }
}
