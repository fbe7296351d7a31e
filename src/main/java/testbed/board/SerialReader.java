package testbed.board;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Arrays;

/**
 * Reading patterns on top of a SerialLink: until a suffix, an exact count, or until silence. Every wait has both an
 * inter-character timeout (the board went quiet) and an overall timeout (the board talks but never finishes).
 */
public final class SerialReader {

    private final SerialLink link;
    private final byte[] chunk = new byte[4096];
    private byte[] pending = new byte[0];

    public SerialReader(SerialLink link) {
        this.link = link;
    }

    public SerialLink link() {
        return link;
    }

    /** Reads until the data ends with {@code suffix}; returns everything read, suffix included. */
    public byte[] readUntil(byte[] suffix, Duration interChar, Duration overall) throws BoardIoException {
        byte[] got = new byte[256];
        int len = 0;
        long deadline = System.nanoTime() + overall.toNanos();
        long quietSince = System.nanoTime();
        while (true) {
            byte[] data = take();
            for (int i = 0; i < data.length; i++) {
                if (len == got.length) {
                    got = Arrays.copyOf(got, len * 2);
                }
                got[len++] = data[i];
                if (len >= suffix.length && data[i] == suffix[suffix.length - 1]
                        && Arrays.equals(got, len - suffix.length, len, suffix, 0, suffix.length)) {
                    unread(Arrays.copyOfRange(data, i + 1, data.length));
                    return Arrays.copyOf(got, len);
                }
            }
            long now = System.nanoTime();
            if (data.length > 0) {
                quietSince = now;
            }
            if (now - quietSince > interChar.toNanos()) {
                throw new BoardIoException.Timeout("board silent for " + interChar.toMillis() + " ms waiting for " + printable(suffix)
                        + " (got " + printable(tail(Arrays.copyOf(got, len))) + ")");
            }
            if (now > deadline) {
                throw new BoardIoException.Timeout("no " + printable(suffix) + " within " + overall.toMillis() + " ms (got "
                        + printable(tail(Arrays.copyOf(got, len))) + ")");
            }
        }
    }

    public byte[] readUntil(String suffix, Duration interChar, Duration overall) throws BoardIoException {
        return readUntil(suffix.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), interChar, overall);
    }

    /** Reads exactly {@code n} bytes. */
    public byte[] readExactly(int n, Duration timeout) throws BoardIoException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (got.size() < n) {
            byte[] data = take();
            int use = Math.min(data.length, n - got.size());
            got.write(data, 0, use);
            unread(Arrays.copyOfRange(data, use, data.length));
            if (got.size() < n && System.nanoTime() > deadline) {
                throw new BoardIoException.Timeout("expected " + n + " bytes within " + timeout.toMillis() + " ms, got "
                        + printable(got.toByteArray()));
            }
        }
        return got.toByteArray();
    }

    /** Whatever arrives within {@code timeout} (possibly nothing). */
    public byte[] readSome(Duration timeout) throws BoardIoException {
        if (pending.length > 0) {
            byte[] p = pending;
            pending = new byte[0];
            return p;
        }
        int n = link.read(chunk, timeout);
        return n <= 0 ? new byte[0] : Arrays.copyOf(chunk, n);
    }

    /** True when a byte is already waiting, without blocking. */
    public boolean available() throws BoardIoException {
        if (pending.length > 0) {
            return true;
        }
        int n = link.read(chunk, Duration.ZERO);
        if (n > 0) {
            unread(Arrays.copyOf(chunk, n));
        }
        return n > 0;
    }

    /** Discards whatever arrives until the line has been quiet for {@code quiet}. */
    public byte[] drain(Duration quiet) throws BoardIoException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        got.writeBytes(pending);
        pending = new byte[0];
        while (true) {
            int n = link.read(chunk, quiet);
            if (n <= 0) {
                return got.toByteArray();
            }
            got.write(chunk, 0, n);
        }
    }

    public void write(byte[] data) throws BoardIoException {
        link.write(data);
    }

    public void write(String text) throws BoardIoException {
        link.write(text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    private byte[] take() throws BoardIoException {
        if (pending.length > 0) {
            byte[] p = pending;
            pending = new byte[0];
            return p;
        }
        int n = link.read(chunk, Duration.ofMillis(50));
        return n <= 0 ? new byte[0] : Arrays.copyOf(chunk, n);
    }

    private void unread(byte[] data) {
        if (data.length == 0) {
            return;
        }
        byte[] merged = Arrays.copyOf(data, data.length + pending.length);
        System.arraycopy(pending, 0, merged, data.length, pending.length);
        pending = merged;
    }

    private static byte[] tail(byte[] b) {
        return b.length <= 80 ? b : Arrays.copyOfRange(b, b.length - 80, b.length);
    }

    /** Control bytes shown as {@code \xNN}, so protocol errors are readable in one log line. */
    public static String printable(byte[] data) {
        StringBuilder s = new StringBuilder("\"");
        for (byte b : data) {
            int c = b & 0xff;
            if (c == '\r') s.append("\\r");
            else if (c == '\n') s.append("\\n");
            else if (c < 0x20 || c >= 0x7f) s.append(String.format("\\x%02x", c));
            else s.append((char) c);
        }
        return s.append('"').toString();
    }
}
