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
}
