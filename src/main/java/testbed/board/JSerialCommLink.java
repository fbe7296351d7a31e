package testbed.board;

import com.fazecast.jSerialComm.SerialPort;
import com.fazecast.jSerialComm.SerialPortInvalidPortException;
import java.time.Duration;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A serial link on jSerialComm: 115200 8N1, no flow control, exclusive (jSerialComm takes an flock), DTR and RTS
 * asserted once after opening and never toggled (on CP210x ESP boards they drive EN/GPIO0). The baud rate is fixed:
 * opening a board at 1200 baud would make some ports jump to their bootloader.
 */
public final class JSerialCommLink implements SerialLink {

    private static final Logger LOG = LogManager.getLogger(JSerialCommLink.class);
    private static final int BAUD = 115_200;
    /**
     * Semi-blocking reads return as soon as a byte is there, but their timeout is termios VTIME: tenths of a second.
     * Waits shorter than that poll bytesAvailable() instead, or every short "wait for quiet" would cost 100 ms.
     */
    private static final int VTIME_MS = 100;

    private final SerialPort port;
    private final String path;

    private JSerialCommLink(SerialPort port, String path) {
        this.port = port;
        this.path = path;
    }

    /** Opens a device, retrying for {@code retryFor} while it is missing or held by another process. */
    public static JSerialCommLink open(String path, Duration retryFor) throws BoardIoException {
        long deadline = System.nanoTime() + retryFor.toNanos();
        String lastProblem = "not found";
        while (true) {
            try {
                SerialPort port = SerialPort.getCommPort(path);
                if (port.openPort()) {
                    port.setComPortParameters(BAUD, 8, SerialPort.ONE_STOP_BIT, SerialPort.NO_PARITY);
                    port.setFlowControl(SerialPort.FLOW_CONTROL_DISABLED);
                    port.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING | SerialPort.TIMEOUT_WRITE_BLOCKING, VTIME_MS, 2000);
                    // Like pyserial: DTR and RTS asserted. On a pty these return false; that is fine.
                    port.setDTR();
                    port.setRTS();
                    LOG.debug("opened {}", path);
                    return new JSerialCommLink(port, path);
                }
                lastProblem = "cannot open (error " + port.getLastErrorCode() + ": in use by another process or no permission)";
            } catch (SerialPortInvalidPortException e) {
                lastProblem = "not found";
            }
            if (System.nanoTime() > deadline) {
                throw new BoardIoException.Lost(path + ": " + lastProblem);
            }
            sleep(200);
        }
    }

    @Override
    public String port() {
        return path;
    }

    @Override
    public void write(byte[] data) throws BoardIoException {
        int off = 0;
        while (off < data.length) {
            int n = port.writeBytes(data, data.length - off, off);
            if (n < 0) {
                throw new BoardIoException.Lost(path + ": write failed, device gone");
            }
            off += n;
        }
    }

    @Override
    public int read(byte[] buffer, Duration timeout) throws BoardIoException {
        long deadline = System.nanoTime() + timeout.toNanos();
        // Poll fast at first, then back off: an answer within a millisecond (a raw-paste window ack) is seen within
        // tens of microseconds, while a long quiet wait costs no more than a poll per millisecond.
        long backoff = 20_000L;
        while (true) {
            int available = port.bytesAvailable();
            if (available < 0) {
                throw new BoardIoException.Lost(path + ": device gone");
            }
            long left = deadline - System.nanoTime();
            if (available > 0 || left >= VTIME_MS * 1_000_000L) {
                int n = port.readBytes(buffer, buffer.length);
                if (n < 0) {
                    throw new BoardIoException.Lost(path + ": read failed, device gone");
                }
                if (n > 0) {
                    return n;
                }
            } else if (left <= 0) {
                return 0;
            } else {
                sleepNanos(Math.min(left, backoff));
                backoff = Math.min(1_000_000L, backoff * 2);
            }
        }
    }

    private static void sleepNanos(long nanos) {
        // Not Thread.sleep(0, nanos): it rounds any nanoseconds up to a whole millisecond, which made every
        // raw-paste window ack cost ~0.5 ms on average (a 6x slower upload).
        java.util.concurrent.locks.LockSupport.parkNanos(nanos);
    }

    @Override
    public void close() {
        port.closePort();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
