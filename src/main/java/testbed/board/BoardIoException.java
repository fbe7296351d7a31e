package testbed.board;

/** A failure talking to a board over its serial line. The subclasses tell the kinds apart. */
public class BoardIoException extends Exception {

    public BoardIoException(String message) {
        super(message);
    }

    public BoardIoException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The board did not answer in time: it may be busy, hung, or not running MicroPython. */
    public static final class Timeout extends BoardIoException {
        public Timeout(String message) {
            super(message);
        }
    }

    /** The serial device is gone (unplugged, powered off) or cannot be opened. */
    public static final class Lost extends BoardIoException {
        public Lost(String message) {
            super(message);
        }

        public Lost(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The board answered with something the raw REPL protocol does not allow. */
    public static final class Protocol extends BoardIoException {
        public Protocol(String message) {
            super(message);
        }
    }
}
