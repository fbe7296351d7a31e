package testbed.cli;

/** The exit codes of every command, listed in {@code --help}. */
public final class ExitCodes {

    public static final int OK = 0;
    public static final int TESTS_FAILED = 1;
    public static final int INVALID_INPUT = 2;
    public static final int INFRASTRUCTURE = 3;
    public static final int INTERNAL = 4;
    public static final int INTERRUPTED = 130;

    private ExitCodes() {}

    /** A session's verdict as the exit code (a history still behind makes a pass a lab error: the lab owes a record). */
    static int of(testbed.session.Verdict verdict, boolean historyUpToDate) {
        return switch (verdict) {
            case PASSED, NOTHING_FIT -> historyUpToDate ? OK : INFRASTRUCTURE;
            case TESTS_FAILED, FIRMWARE_FAILED -> TESTS_FAILED;
            case INFRASTRUCTURE_ERRORS, NOTHING_RAN -> INFRASTRUCTURE;
            case INTERRUPTED -> INTERRUPTED;
        };
    }
}
