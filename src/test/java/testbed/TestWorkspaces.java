package testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import testbed.config.Settings;
import testbed.config.Workspace;

/**
 * Workspaces for tests: the checkout's data, with state, locks and device links in a folder of the test's own, so no
 * test touches ~/.cache/testbed or blocks (or is blocked by) another test run or a user session on the same machine.
 * Only the node package cache is shared, inside target/, so npm runs once per clone.
 */
public final class TestWorkspaces {

    /** Shared by the tests of one clone: unpacked node helpers and the npm package. */
    public static final Path CACHE = Path.of("target", "test-cache").toAbsolutePath();

    private static final Path JVM_ROOT = tempRoot();

    /** The checkout's data with this JVM's own state folder: for tests that only read data. */
    public static final Workspace CHECKOUT = checkout(JVM_ROOT.resolve("checkout"));

    private TestWorkspaces() {}

    /** The checkout's data, every folder testbed writes under {@code dir}. */
    public static Workspace checkout(Path dir) {
        return at(Path.of(""), dir);
    }

    public static Workspace at(Path home, Path dir) {
        return Workspace.at(home, settings(dir));
    }

    public static Settings settings(Path dir) {
        return Settings.isolated(dir, CACHE);
    }

    /** The variables that give a child testbed process the same isolation. */
    public static java.util.Map<String, String> environment(Path dir) {
        Settings s = settings(dir);
        return java.util.Map.of(Settings.STATE_DIR, s.stateDir().toString(), Settings.CACHE_DIR, s.cacheDir().toString(), Settings.LOCK_DIR,
                s.lockDir().toString(), Settings.RUN_DIR, s.runDir().toString());
    }

    private static Path tempRoot() {
        try {
            Path root = Files.createTempDirectory("testbed-tests-");
            root.toFile().deleteOnExit();
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
