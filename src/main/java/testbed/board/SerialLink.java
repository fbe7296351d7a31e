package testbed.board;

import java.time.Duration;

/** A byte pipe to a board: a USB CDC tty, a pseudo-terminal of the virtual lab, or a scripted device in tests. */
public interface SerialLink extends AutoCloseable {

    /** The device path, e.g. /dev/ttyACM0. */
    String port();

    void write(byte[] data) throws BoardIoException;

    /**
     * Reads what arrives within {@code timeout}: at least one byte unless the time runs out (then 0).
     *
     * @throws BoardIoException.Lost when the device is gone
     */
    int read(byte[] buffer, Duration timeout) throws BoardIoException;

    @Override
    void close();
}
