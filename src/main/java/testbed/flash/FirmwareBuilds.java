package testbed.flash;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import testbed.model.Firmware;

/**
 * The one way a session builds its firmware, whichever lab runs it: the build command in the firmware's folder, with
 * {@code {micropython}} the source under test, its output in {@code results/build/<BOARD-VARIANT>/build_stdout.txt}.
 */
public final class FirmwareBuilds {

    /** A MicroPython build from scratch takes minutes; one that takes an hour is stuck. */
    public static final Duration TIMEOUT = Duration.ofHours(1);

    private final Optional<Path> source;
    private final Path resultsRoot;
    private final Path cacheDir;

    /** @param source the MicroPython source tree under test, if the session has one */
    public FirmwareBuilds(Optional<Path> source, Path resultsRoot, Path cacheDir) {
        this.source = source;
        this.resultsRoot = resultsRoot;
        this.cacheDir = cacheDir;
    }

    /** Builds; empty when it succeeded, else why not. */
    public Optional<String> build(Firmware firmware) {
        Path log = resultsRoot.resolve("build").resolve(firmware.boardVariant().name()).resolve("build_stdout.txt");
        return Optional.ofNullable(FirmwareBuilder.build(firmware, source, cacheDir, log, TIMEOUT));
    }
}
