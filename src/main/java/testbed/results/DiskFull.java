package testbed.results;

import java.io.IOException;

/** Tells a full disk (ENOSPC) from other write failures: it is the host's problem, never a board's. */
public final class DiskFull {

    private DiskFull() {}

    public static boolean is(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException && String.valueOf(t.getMessage()).contains("No space left on device")) {
                return true;
            }
        }
        return false;
    }
}
