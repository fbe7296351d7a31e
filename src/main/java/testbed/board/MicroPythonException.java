package testbed.board;

/** Code run on a board raised an exception; the message is the traceback's last line. */
public final class MicroPythonException extends Exception {

    private final String traceback;

    public MicroPythonException(ExecResult result) {
        super(result.exceptionLine());
        this.traceback = result.stderr();
    }

    public String traceback() {
        return traceback;
    }
}
