package testbed.lab.virtual;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;

/**
 * A pseudo-terminal pair from libc's {@code openpty}, through JNA: the slave is the board's "device"
 * (/dev/pts/N) that jSerialComm opens like /dev/ttyACM0, the master is served by the simulator's pump. The slave is
 * made raw at once (a new pty is cooked and would echo the simulator's output back into it), and our own slave fd
 * stays open so the master never sees EIO when a client closes the port.
 */
public final class Pty implements AutoCloseable {

    private interface LibC extends Library {
        LibC INSTANCE = Native.load("c", LibC.class);

        int openpty(int[] master, int[] slave, byte[] name, Pointer termp, Pointer winp);

        int tcgetattr(int fd, Pointer termios);

        void cfmakeraw(Pointer termios);

        int tcsetattr(int fd, int optionalActions, Pointer termios);

        int read(int fd, byte[] buf, long count);

        int write(int fd, byte[] buf, long count);

        int close(int fd);

        int poll(Pointer fds, long nfds, int timeoutMs);
    }

    private static final short POLLIN = 0x1;

    private static final int TCSANOW = 0;
    private final int master;
    private final int slave;
    private final String slavePath;
    private volatile boolean closed;

    private Pty(int master, int slave, String slavePath) {
        this.master = master;
        this.slave = slave;
        this.slavePath = slavePath;
    }

    public static Pty open() throws IOException {
        int[] m = new int[1];
        int[] s = new int[1];
        byte[] name = new byte[128];
        if (LibC.INSTANCE.openpty(m, s, name, null, null) != 0) {
            throw new IOException("openpty failed: errno " + Native.getLastError());
        }
        // struct termios is 60 bytes on Linux; a larger buffer is harmless.
        Memory termios = new Memory(256);
        termios.clear();
        if (LibC.INSTANCE.tcgetattr(s[0], termios) != 0) {
            throw new IOException("tcgetattr failed: errno " + Native.getLastError());
        }
        LibC.INSTANCE.cfmakeraw(termios);
        if (LibC.INSTANCE.tcsetattr(s[0], TCSANOW, termios) != 0) {
            throw new IOException("tcsetattr failed: errno " + Native.getLastError());
        }
        return new Pty(m[0], s[0], Native.toString(name));
    }

    /** /dev/pts/N */
    public String slavePath() {
        return slavePath;
    }

    /**
     * Blocking read from the master (what a client wrote to the device); -1 once closed. Polls in short steps, because
     * closing an fd does not wake a thread blocked in read() on it.
     */
    public int read(byte[] buffer) {
        Memory pollfd = new Memory(8);
        while (!closed) {
            pollfd.setInt(0, master);
            pollfd.setShort(4, POLLIN);
            pollfd.setShort(6, (short) 0);
            int ready = LibC.INSTANCE.poll(pollfd, 1, 100);
            if (closed) {
                return -1;
            }
            if (ready > 0) {
                int n = LibC.INSTANCE.read(master, buffer, buffer.length);
                return n <= 0 ? -1 : n;
            }
        }
        return -1;
    }

    /** Writes to the master: the client reads it from the device. */
    public void write(byte[] data, int length) throws IOException {
        int off = 0;
        byte[] chunk = data;
        while (off < length) {
            if (closed) {
                throw new IOException("pty closed");
            }
            if (off > 0) {
                chunk = java.util.Arrays.copyOfRange(data, off, length);
            }
            int n = LibC.INSTANCE.write(master, chunk, length - off);
            if (n <= 0) {
                throw new IOException("pty write failed: errno " + Native.getLastError());
            }
            off += n;
        }
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            LibC.INSTANCE.close(slave);
            LibC.INSTANCE.close(master);
        }
    }
}
