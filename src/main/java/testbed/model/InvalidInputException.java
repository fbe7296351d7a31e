package testbed.model;

/** Bad input: a malformed or inconsistent data file, an unknown name on the command line, a missing file. */
public final class InvalidInputException extends TestbedException {

    public InvalidInputException(String message) {
        super(message, null);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
