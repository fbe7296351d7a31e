package testbed.model;

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
}
