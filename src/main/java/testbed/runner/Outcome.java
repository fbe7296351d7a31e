package testbed.runner;

import com.fasterxml.jackson.annotation.JsonValue;

/** The outcome of one test inside a test group (one .py file, one benchmark). */
public enum Outcome {
    PASSED, FAILED, SKIPPED, XFAILED, ERROR, TIMEOUT,
    /** Failed, but on the runner's own list of known-flaky tests (run-tests.py's "ignored", since MicroPython v1.28.0): not a failure. */
    IGNORED;

    public boolean isFailure() {
        return this == FAILED || this == ERROR || this == TIMEOUT;
    }

    /** Lower case in every JSON file, like the run and session outcomes. */
    @JsonValue
    public String label() {
        return name().toLowerCase();
    }
}
