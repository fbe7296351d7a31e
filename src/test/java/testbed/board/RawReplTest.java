package testbed.board;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The raw REPL protocol against a scripted device, byte for byte (octoprobe notes 3.5). */
class RawReplTest {

    private static final String RAW_PASTE_OK = "R\u0001\u0080\u0000\u0001";

    @Test
    void entersTheRawReplAndLeavesThePromptForExec() throws Exception {
        ScriptedDevice device = new ScriptedDevice().rawReplEntered();
        RawRepl repl = new RawRepl(device);

        repl.enter(false);

        assertThat(repl.inRawRepl()).isTrue();
        assertThat(device.written()).isEqualTo("\r\u0003\r\u0001");
    }

    @Test
    void softResetOnEnter() throws Exception {
        ScriptedDevice device = new ScriptedDevice().rawReplEntered()
                .on("\u0004", "OK\r\nMPY: soft reboot\r\nraw REPL; CTRL-B to exit\r\n>");
        new RawRepl(device).enter(true);

        assertThat(device.written()).endsWith("\r\u0001\u0004");
    }

    @Test
    void execUsesRawPasteAndCollectsStdoutAndStderr() throws Exception {
        ScriptedDevice device = new ScriptedDevice().rawReplEntered()
                .on("\u0005A\u0001", RAW_PASTE_OK)
                .on("print(123)\u0004", "\u0004123\r\n\u0004\u0004>");
        RawRepl repl = new RawRepl(device);
        repl.enter(false);

        ExecResult r = repl.exec("print(123)");

        assertThat(r.stdout()).isEqualTo("123\r\n");
        assertThat(r.raised()).isFalse();
        assertThat(repl.rawPasteSupported()).contains(true);
    }

    @Test
    void rawPasteWaitsForTheBoardToGrantMoreWindow() throws Exception {
        String code = "x = 1\n".repeat(50); // 300 bytes: more than the 2 x 128 the board grants up front
        ScriptedDevice device = new ScriptedDevice().rawReplEntered()
                .on("\u0005A\u0001", RAW_PASTE_OK)
                .on(code.substring(0, 256), "\u0001")
                .on(code.substring(256) + "\u0004", "\u0004\u0004\u0004>");
        RawRepl repl = new RawRepl(device);
        repl.enter(false);

        assertThat(repl.exec(code).stdout()).isEmpty();
    }

    @Test
    void tracebackArrivesInTheSecondSection() throws Exception {
        String traceback = "Traceback (most recent call last):\r\n  File \"<stdin>\", line 1, in <module>\r\nZeroDivisionError: divide by zero\r\n";
        ScriptedDevice device = new ScriptedDevice().rawReplEntered()
                .on("\u0005A\u0001", RAW_PASTE_OK)
                .on("1/0\u0004", "\u0004\u0004" + traceback + "\u0004>");
        BoardSession session = new BoardSession(device);
        session.repl().enter(false);

        assertThatThrownBy(() -> session.execChecked("1/0")).isInstanceOf(MicroPythonException.class)
                .hasMessage("ZeroDivisionError: divide by zero");
    }

    @Test
    void oldFirmwareWithoutRawPasteFallsBackToStandardModeForGood() throws Exception {
        // MicroPython 1.9 takes Ctrl-E as friendly paste mode and prints the raw banner again ("ra" + "w REPL...").
        ScriptedDevice device = new ScriptedDevice().rawReplEntered()
                .on("\u0005A\u0001", "raw REPL; CTRL-B to exit\r\n>")
                .on("print(1)\u0004", "OK1\r\n\u0004\u0004>")
                .on("print(2)\u0004", "OK2\r\n\u0004\u0004>");
        RawRepl repl = new RawRepl(device);
        repl.enter(false);

        assertThat(repl.exec("print(1)").stdout()).isEqualTo("1\r\n");
        assertThat(repl.exec("print(2)").stdout()).isEqualTo("2\r\n");
        assertThat(repl.rawPasteSupported()).contains(false);
        assertThat(device.written()).containsOnlyOnce("\u0005A\u0001");
    }

    @Test
    void boardThatUnderstandsButRefusesRawPaste() throws Exception {
        ScriptedDevice device = new ScriptedDevice().rawReplEntered()
                .on("\u0005A\u0001", "R\u0000")
                .on("print(1)\u0004", "OK1\r\n\u0004\u0004>");
        RawRepl repl = new RawRepl(device);
        repl.enter(false);

        assertThat(repl.exec("print(1)").stdout()).isEqualTo("1\r\n");
    }

    @Test
    void standardModeNeedsOk() throws Exception {
        ScriptedDevice device = new ScriptedDevice().rawReplEntered()
                .on("\u0005A\u0001", "R\u0000")
                .on("print(1)\u0004", "NO");
        RawRepl repl = new RawRepl(device);
        repl.enter(false);

        assertThatThrownBy(() -> repl.exec("print(1)")).isInstanceOf(BoardIoException.Protocol.class).hasMessageContaining("could not exec");
    }

    @Test
    void boardAbortingTheTransferIsAProtocolError() throws Exception {
        ScriptedDevice device = new ScriptedDevice().rawReplEntered()
                .on("\u0005A\u0001", "R\u0001\u0080\u0000")
                .on("x = 1\n".repeat(100).substring(0, 128), "\u0004");
        RawRepl repl = new RawRepl(device);
        repl.enter(false);

        assertThatThrownBy(() -> repl.exec("x = 1\n".repeat(100))).isInstanceOf(BoardIoException.Protocol.class).hasMessageContaining("aborted");
    }

    @Test
    void silentBoardTimesOutWithWhatItWasWaitingFor() throws Exception {
        ScriptedDevice device = new ScriptedDevice().rawReplEntered()
                .on("\u0005A\u0001", RAW_PASTE_OK)
                .on("while True: pass\u0004", "\u0004");
        RawRepl repl = new RawRepl(device);
        repl.enter(false);

        assertThatThrownBy(() -> repl.exec("while True: pass", Duration.ofMillis(200), Duration.ofSeconds(5)))
                .isInstanceOf(BoardIoException.Timeout.class).hasMessageContaining("silent for 200 ms").hasMessageContaining("\\x04");
    }

    @Test
    void boardThatNeverEntersTheRawReplTimesOut() {
        ScriptedDevice device = new ScriptedDevice();
        assertThatThrownBy(() -> new RawRepl(device).enter(false, Duration.ofMillis(300))).isInstanceOf(BoardIoException.Timeout.class)
                .hasMessageContaining("raw REPL; CTRL-B to exit");
    }

    @Test
    void unpluggedBoardIsLost() throws Exception {
        ScriptedDevice device = new ScriptedDevice().rawReplEntered();
        RawRepl repl = new RawRepl(device);
        repl.enter(false);
        device.unplug();

        assertThatThrownBy(() -> repl.exec("print(1)")).isInstanceOf(BoardIoException.Lost.class);
    }

    @Test
    void evalReturnsATypedValue() throws Exception {
        ScriptedDevice device = new ScriptedDevice().rawReplEntered()
                .on("\u0005A\u0001", RAW_PASTE_OK)
                .on("import json\nprint(json.dumps([1, 'a', None]))\u0004", "\u0004[1, \"a\", null]\r\n\u0004\u0004>");
        BoardSession session = new BoardSession(device);
        session.repl().enter(false);

        assertThat(session.eval("[1, 'a', None]", java.util.List.class)).containsExactly(1, "a", null);
    }
}
