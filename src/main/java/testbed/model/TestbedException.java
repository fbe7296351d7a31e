package testbed.model;

/**
 * The failures testbed reports to its user as one clear line. Core code throws these and never decides exit codes;
 * the CLI maps each kind to one.
 */
public abstract sealed class TestbedException extends RuntimeException
        permits InvalidInputException, LabException {

    protected TestbedException(String message, Throwable cause) {
        super(message, cause);
    }
}
