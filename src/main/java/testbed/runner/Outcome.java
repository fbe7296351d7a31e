package testbed.runner;

/** The outcome of one test inside a test group (one .py file, one benchmark). */
public enum Outcome {
    PASSED, FAILED, SKIPPED, XFAILED, ERROR, TIMEOUT;

    public boolean isFailure() {
        return this == FAILED || this == ERROR || this == TIMEOUT;
    }

    public String label() {
        return name().toLowerCase();
    }
}
