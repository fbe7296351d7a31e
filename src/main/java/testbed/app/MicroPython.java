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

    /** {@code --micropython-tests DIR}. */
    public static MicroPythonSource testsFolder(Path tests) {
        return Sources.fromTestsFolder(tests);
    }
}
