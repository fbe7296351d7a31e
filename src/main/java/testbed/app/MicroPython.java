package testbed.app;

import java.nio.file.Path;
import testbed.config.Settings;
import testbed.model.MicroPythonSource;
import testbed.source.Sources;

/** The MicroPython under test, as a command names it: a source (checkout, tarball, URL@REF) or a plain tests folder. */
public final class MicroPython {

    private MicroPython() {}

    /** {@code --micropython SOURCE}: fetched or unpacked into the cache once, its commit pinned. */
    public static MicroPythonSource source(String source, Settings settings) {
        return Sources.resolve(source, settings.cacheDir());
    }

    /** The base a PR ({@code URL@pull/N/head}) is compared with: its merge base with {@code target}, as {@code URL@COMMIT}. */
    public static String mergeBase(String head, String target, Settings settings) {
        return Sources.mergeBase(head, target, settings.cacheDir());
    }

    /** The commits a bisect searches: after {@code good}, up to and including {@code bad}, oldest first. */
    public static java.util.List<Sources.Commit> commitsBetween(String remote, String good, String bad, Settings settings) {
        return Sources.commitsBetween(remote, good, bad, settings.cacheDir());
    }

    /** {@code --micropython-tests DIR}. */
    public static MicroPythonSource testsFolder(Path tests) {
        return Sources.fromTestsFolder(tests);
    }
}
