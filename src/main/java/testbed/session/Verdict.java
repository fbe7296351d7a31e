package testbed.session;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How a session ended, decided once at its end: what the exit code, the reports and the history say. */
public enum Verdict {
    /** Every selected test that ran passed, and the lab lost nothing. */
    PASSED,
    /** A test failed: news about the firmware. */
    TESTS_FAILED,
    /** An image failed its version check on two identical tentacles: news about the firmware, as a failing test. */
    FIRMWARE_FAILED,
    /** The lab needs attention: a board quarantined, work left over for the lab's sake, results disk full. */
    INFRASTRUCTURE_ERRORS,
    /** Nothing ran, and not because of the time box. */
    NOTHING_RAN,
    /** Nothing ran because nothing fit the time box: what was asked for, no lab error. */
    NOTHING_FIT,
    /** Ctrl-C, SIGTERM or testbed stop. */
    INTERRUPTED;

    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The words for a human: {@code tests failed}. */
    public String text() {
        return label().replace('_', ' ');
    }

    /** Reads a recorded verdict; {@code ""} (a session still running, or killed) is none. */
    @JsonCreator
    public static Verdict of(String label) {
        if (label == null || label.isEmpty()) {
            return null;
        }
        for (Verdict v : values()) {
            if (v.label().equalsIgnoreCase(label)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown verdict '" + label + "'");
    }
}
