package testbed.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The role of the DUT in a TestRun. Reference tests run every board kind in both roles against a reference board:
 * as instance0 (the DUT is the first instance) and as instance1 (the reference is the first).
 */
public enum Role {
    SINGLE(""),
    INSTANCE0("-instance0"),
    INSTANCE1("-instance1");

    private final String testidSuffix;

    Role(String testidSuffix) {
        this.testidSuffix = testidSuffix;
    }

    public String testidSuffix() {
        return testidSuffix;
    }

    /** {@code single}, {@code instance0}, {@code instance1}: how records and the history spell it. */
    @JsonValue
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    @JsonCreator
    public static Role of(String label) {
        for (Role r : values()) {
            if (r.label().equalsIgnoreCase(label)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown role '" + label + "' (single, instance0, instance1)");
    }
}
