package testbed.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How an attempt, and so a run, ended: classified once, where the attempt ends (xfail included), and shown the same
 * in run.json, session.json, the history and the reports.
 */
public enum Status {
    /** Every test passed (or was skipped). */
    PASSED,
    /** At least one test failed that is not on the xfail list, or the runner failed without naming a test. */
    FAILED,
    /** Tests failed, all of them known failures (--xfail): counts as a pass. */
    XFAILED,
    /** The runner skipped the whole group (the board lacks what it needs, a prerequisite is missing). */
    SKIPPED,
    /** The lab failed, not the firmware (flash, lost board, ...); the error kind says which. */
    ERROR,
    /** The run did not end within the spec's timeout. */
    TIMEOUT,
    /** The session was stopped (Ctrl-C, SIGTERM) while it ran: nobody is blamed. */
    INTERRUPTED,
    /** Started, never recorded as ended: the session was killed (written first, overwritten at the end). */
    NEVER_FINISHED;

    @JsonValue
    public String label() {
        return name().toLowerCase().replace('_', ' ');
    }

    @JsonCreator
    public static Status of(String label) {
        for (Status s : values()) {
            if (s.label().equals(label) || s.name().equalsIgnoreCase(label)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown status '" + label + "'");
    }

    /** Counts as a pass for the verdict. */
    public boolean isPass() {
        return this == PASSED || this == XFAILED;
    }

    /** An infrastructure problem: the lab, not the firmware. */
    public boolean isInfra() {
        return this == ERROR || this == TIMEOUT;
    }
}
