package testbed.runner;

import java.util.List;
import java.util.Set;
import testbed.bartender.RunOutcome;

/** The attempt could not finish for a reason of the lab, not the firmware: a timeout, a lost or wedged board. */
public final class RunAborted extends Exception {

    private final RunOutcome.InfraErrorKind kind;
    private final Set<String> blamedSerials;
    private final List<TestResult> reported;

    public RunAborted(RunOutcome.InfraErrorKind kind, Set<String> blamedSerials, String message) {
        this(kind, blamedSerials, message, List.of());
    }

    /** An abort after the runner reported some tests: they are kept with the attempt (with the ones it never reached as not run). */
    public RunAborted(RunOutcome.InfraErrorKind kind, Set<String> blamedSerials, String message, List<TestResult> reported) {
        super(message);
        this.kind = kind;
        this.blamedSerials = Set.copyOf(blamedSerials);
        this.reported = List.copyOf(reported);
    }

    /** The same abort, saying which test was running: the first thing a lab engineer wants to know about a hang. */
    public RunAborted during(String test) {
        RunAborted named = new RunAborted(kind, blamedSerials, "during " + test + ": " + getMessage(), reported);
        named.setStackTrace(getStackTrace());
        return named;
    }

    public RunOutcome.InfraErrorKind kind() {
        return kind;
    }

    public Set<String> blamedSerials() {
        return blamedSerials;
    }

    /** What the runner reported before it stopped: empty when it reported nothing. */
    public List<TestResult> reported() {
        return reported;
    }
}
