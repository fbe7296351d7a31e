package testbed.runner;

import java.util.Set;
import testbed.bartender.RunOutcome;

/** The attempt could not finish for a reason of the lab, not the firmware: a timeout, a lost or wedged board. */
public final class RunAborted extends Exception {

    private final RunOutcome.InfraErrorKind kind;
    private final Set<String> blamedSerials;

    public RunAborted(RunOutcome.InfraErrorKind kind, Set<String> blamedSerials, String message) {
        super(message);
        this.kind = kind;
        this.blamedSerials = Set.copyOf(blamedSerials);
    }

    /** The same abort, saying which test was running: the first thing a lab engineer wants to know about a hang. */
    public RunAborted during(String test) {
        RunAborted named = new RunAborted(kind, blamedSerials, "during " + test + ": " + getMessage());
        named.setStackTrace(getStackTrace());
        return named;
    }

    public RunOutcome.InfraErrorKind kind() {
        return kind;
    }

    public Set<String> blamedSerials() {
        return blamedSerials;
    }
}
