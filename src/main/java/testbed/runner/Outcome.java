package testbed.runner;

import com.fasterxml.jackson.annotation.JsonValue;

/** The outcome of one test inside a test group (one .py file, one benchmark). */
public enum Outcome {
    PASSED, FAILED, SKIPPED, XFAILED, ERROR, TIMEOUT,
    /** Failed, but on the runner's own list of known-flaky tests (run-tests.py's "ignored", since MicroPython v1.28.0): not a failure. */
    IGNORED,
    /** Planned by the runner but never reported: it gave up on the board first (run-tests.py after repeated raw-REPL failures). */
    NOT_RUN;

    public boolean isFailure() {
        return this == FAILED || this == ERROR || this == TIMEOUT;
    }

    /** How a person reads it: "not run", "passed". */
    public String words() {
        return label().replace('_', ' ');
    }

    /** Lower case in every JSON file, like the run and session outcomes. */
    @JsonValue
    public String label() {
        return name().toLowerCase();
    }
}
