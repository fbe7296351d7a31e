package testbed.results;

import testbed.model.Role;

/**
 * The one place that reads what older testbed versions wrote without a field of its own: a tentacle's kind inside its
 * label, a run's role inside its testid. New records carry both; only old results folders and old history rows come
 * through here.
 */
public final class LegacyRecords {

    private LegacyRecords() {}

    /** {@code 3b01-RPI_PICO_W} → {@code RPI_PICO_W}: a label is {@code <serial4>-<TAG>}. */
    public static String kindOfLabel(String tentacleLabel) {
        if (tentacleLabel == null) {
            return "";
        }
        int dash = tentacleLabel.indexOf('-');
        return dash < 0 ? tentacleLabel : tentacleLabel.substring(dash + 1);
    }

    /** A testid ends with {@code -instance0} or {@code -instance1} for a multi-board run, else the run is single. */
    public static Role roleOfTestid(String testid) {
        if (testid.endsWith(Role.INSTANCE0.testidSuffix())) {
            return Role.INSTANCE0;
        }
        return testid.endsWith(Role.INSTANCE1.testidSuffix()) ? Role.INSTANCE1 : Role.SINGLE;
    }
}
