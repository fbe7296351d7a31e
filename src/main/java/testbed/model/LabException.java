package testbed.model;

/** The lab cannot do what was asked: no usable tentacle, a port that cannot be opened, a tool missing. */
public final class LabException extends TestbedException {

    public LabException(String message) {
        super(message, null);
    }

    public LabException(String message, Throwable cause) {
        super(message, cause);
    }
}
