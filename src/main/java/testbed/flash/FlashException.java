package testbed.flash;

import testbed.bartender.RunOutcome;

/** Flashing failed; the kind says whether the tool failed or the board came back with the wrong firmware. */
public final class FlashException extends Exception {

    private final RunOutcome.InfraErrorKind kind;

    public FlashException(RunOutcome.InfraErrorKind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public RunOutcome.InfraErrorKind kind() {
        return kind;
    }
}
