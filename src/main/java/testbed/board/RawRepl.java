package testbed.board;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * MicroPython's raw REPL, byte for byte as mpremote speaks it: enter (optionally with a soft reset), execute code
 * with raw-paste mode (flow-controlled by the board) and fall back to standard raw mode on firmware without it,
 * collect stdout and stderr (the two {@code \x04}-terminated sections).
 */
public final class RawRepl {

    private static final Logger LOG = LogManager.getLogger(RawRepl.class);
    private static final String RAW_BANNER = "raw REPL; CTRL-B to exit\r\n";
    private static final Duration ENTER_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration PROMPT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration SHORT = Duration.ofSeconds(2);
    /**
     * Standard raw mode has no flow control: small chunks with a pause so a small RX ring buffer never overflows.
     * 64 bytes per 5 ms is about the line rate of 115200 baud; the QEMU micro:bit (no baud-rate pacing, 64-byte
     * buffer) lost bytes now and then with pyboard.py's 256 bytes per 10 ms.
     */
    private static final int STANDARD_CHUNK = 64;
    private static final long STANDARD_PAUSE_MS = 5;

    private final SerialReader reader;
    private Boolean rawPasteSupported;
    private boolean inRawRepl;
    /** The board's '>' prompt has arrived and was consumed; otherwise the next exec waits for it. */
    private boolean promptConsumed;

    public RawRepl(SerialLink link) {
        this.reader = new SerialReader(link);
    }

    public String port() {
        return reader.link().port();
    }

    /** Whether the board accepted raw-paste mode; empty until the first exec. */
    public java.util.Optional<Boolean> rawPasteSupported() {
        return java.util.Optional.ofNullable(rawPasteSupported);
    }

    /** Interrupts any running program and enters the raw REPL, optionally soft-resetting the board first. */
    public void enter(boolean softReset) throws BoardIoException {
        enter(softReset, ENTER_TIMEOUT);
    }

    /** As {@link #enter(boolean)}, giving up after {@code timeout}: short when probing boards that may be blank. */
    public void enter(boolean softReset, Duration timeout) throws BoardIoException {
        reader.write("\r\u0003");
        sleep(20);
        reader.drain(Duration.ofMillis(30));
        reader.write("\r\u0001");
        if (softReset) {
            reader.readUntil(RAW_BANNER + ">", timeout, timeout);
            reader.write("\u0004");
            reader.readUntil("soft reboot\r\n", timeout, timeout);
        }
        reader.readUntil(RAW_BANNER + ">", timeout, timeout);
        // Input queued while the board was busy or booting (an earlier client's Ctrl-A, say) may have produced more
        // banners right behind this one: swallow them, or they would be taken for answers.
        reader.drain(Duration.ofMillis(20));
        promptConsumed = true;
        inRawRepl = true;
    }

    public boolean inRawRepl() {
        return inRawRepl;
    }

    /** Leaves the raw REPL for the friendly one. */
    public void exit() throws BoardIoException {
        reader.write("\r\u0002");
        inRawRepl = false;
    }

    /**
     * Reads what the running command printed so far, for callers that talk to it while it runs (multitests feed its
     * stdin). After this, {@link #follow} must not be used for the same command.
     */
    public byte[] readSome(Duration timeout) throws BoardIoException {
        return reader.readSome(timeout);
    }

    /** Writes to the running command's stdin. */
    public void writeStdin(String text) throws BoardIoException {
        reader.write(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends Ctrl-C: a KeyboardInterrupt in the running program. */
    public void interrupt() throws BoardIoException {
        reader.write("\u0003");
    }

    /**
     * Runs code and waits for its output.
     *
     * @param silence how long the board may stay silent while the code runs before this counts as a timeout
     * @param overall the most the whole command may take
     */
    public ExecResult exec(String code, Duration silence, Duration overall) throws BoardIoException {
        execNoFollow(code);
        return follow(silence, overall);
    }

    public ExecResult exec(String code) throws BoardIoException {
        return exec(code, SHORT, Duration.ofSeconds(30));
    }

    /** Sends code and returns once the board compiled it and started running it. */
    public void execNoFollow(String code) throws BoardIoException {
        if (!inRawRepl) {
            throw new IllegalStateException("not in raw REPL");
        }
        byte[] data = code.getBytes(StandardCharsets.UTF_8);
        if (!promptConsumed) {
            reader.readUntil(">", PROMPT_TIMEOUT, PROMPT_TIMEOUT);
        }
        promptConsumed = false;
        if (rawPasteSupported == null || rawPasteSupported) {
            reader.write(new byte[] {0x05, 'A', 0x01});
            byte[] answer = reader.readExactly(2, SHORT);
            if (answer[0] == 'R' && answer[1] == 1) {
                rawPasteSupported = true;
                rawPasteWrite(data);
                return;
            }
            rawPasteSupported = false;
            if (answer[0] == 'R' && answer[1] == 0) {
                LOG.debug("{}: raw-paste understood but not supported", port());
            } else {
                // Old firmware takes Ctrl-E as the start of friendly paste mode and re-prints the raw banner.
                reader.readUntil("w REPL; CTRL-B to exit\r\n>", SHORT, SHORT);
                LOG.debug("{}: no raw-paste, using standard raw mode", port());
            }
        }
        for (int off = 0; off < data.length; off += STANDARD_CHUNK) {
            reader.write(Arrays.copyOfRange(data, off, Math.min(data.length, off + STANDARD_CHUNK)));
            sleep(STANDARD_PAUSE_MS);
        }
        reader.write(new byte[] {0x04});
        byte[] ok = reader.readExactly(2, SHORT);
        if (ok[0] != 'O' || ok[1] != 'K') {
            throw new BoardIoException.Protocol(port() + ": could not exec command, got " + SerialReader.printable(ok));
        }
    }

    private void rawPasteWrite(byte[] data) throws BoardIoException {
        byte[] w = reader.readExactly(2, SHORT);
        int window = (w[0] & 0xff) | ((w[1] & 0xff) << 8);
        if (window == 0) {
            throw new BoardIoException.Protocol(port() + ": raw-paste window of 0 bytes");
        }
        int remaining = window;
        int off = 0;
        while (off < data.length) {
            while (remaining == 0 || reader.available()) {
                byte b = reader.readExactly(1, SHORT)[0];
                if (b == 0x01) {
                    remaining += window;
                } else if (b == 0x04) {
                    reader.write(new byte[] {0x04});
                    throw new BoardIoException.Protocol(port() + ": board aborted the raw-paste transfer");
                } else {
                    throw new BoardIoException.Protocol(port() + ": unexpected byte during raw-paste: " + SerialReader.printable(new byte[] {b}));
                }
            }
            int n = Math.min(remaining, data.length - off);
            reader.write(Arrays.copyOfRange(data, off, off + n));
            off += n;
            remaining -= n;
        }
        reader.write(new byte[] {0x04});
        reader.readUntil(new byte[] {0x04}, SHORT, Duration.ofSeconds(30));
    }

    /** Collects the output of the running command: stdout up to the first 0x04, stderr up to the second. */
    public ExecResult follow(Duration silence, Duration overall) throws BoardIoException {
        long start = System.nanoTime();
        byte[] out = reader.readUntil(new byte[] {0x04}, silence, overall);
        Duration left = overall.minusNanos(System.nanoTime() - start);
        byte[] err = reader.readUntil(new byte[] {0x04}, silence, left.isNegative() ? Duration.ZERO : left);
        return new ExecResult(text(out), text(err));
    }

    private static String text(byte[] section) {
        return new String(section, 0, section.length - 1, StandardCharsets.UTF_8);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
