package testbed.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A firmware image for one board-variant, from {@code firmware/<BOARD[-VARIANT]>/firmware.json}.
 *
 * @param version the version text exactly as the board reports it once flashed; verification compares it
 * @param image the image file (may not exist yet when a build command produces it)
 * @param sha256 expected hash of the image, empty when the build produces it
 * @param build command that builds the image, run in the firmware folder; empty for prebuilt images
 * @param leftOut tests of MicroPython's runners this firmware's boards cannot run, whatever the firmware under test does
 */
public record Firmware(
        BoardVariant boardVariant,
        String version,
        Path image,
        Optional<String> sha256,
        Optional<Build> build,
        Path file,
        List<LeftOut> leftOut) {

    public Firmware {
        leftOut = List.copyOf(leftOut);
    }

    public Firmware(BoardVariant boardVariant, String version, Path image, Optional<String> sha256, Optional<Build> build, Path file) {
        this(boardVariant, version, image, sha256, build, file, List.of());
    }

    /**
     * Tests run-tests.py would run on these boards that cannot run on them for a reason of the board, not of the firmware
     * under test (the unix port reached over a serial REPL has no test folder as its current directory): left out with
     * {@code --exclude=tests} and recorded as skipped with the reason.
     *
     * @param tests a regular expression on the test's path ({@code basics/int_big.py}), as run-tests.py's --exclude takes it
     * @param onlyWith runner arguments that must all be in the command for the rule to apply (e.g. {@code --via-mpy})
     */
    public record LeftOut(String tests, List<String> onlyWith, String reason) {
        public LeftOut {
            onlyWith = List.copyOf(onlyWith);
        }
    }

    /** A build step: its command line and an estimate of how long it takes. */
    public record Build(List<String> command, double estimatedSeconds) {
        public Build {
            command = List.copyOf(command);
        }
    }

    /** A version given as {@code "file:NAME"}: the build writes the version text the board will report into NAME. */
    public static final String VERSION_FROM_FILE = "file:";

    /** Where the build writes the version, for firmware whose version is known only once it is built. */
    public Optional<Path> versionFile() {
        return version.startsWith(VERSION_FROM_FILE) ? Optional.of(file.resolveSibling(version.substring(VERSION_FROM_FILE.length()))) : Optional.empty();
    }

    /** Built from the MicroPython source under test ({@code {micropython}} in its build command): needs {@code --micropython}. */
    public boolean needsSource() {
        return build.map(b -> b.command().stream().anyMatch(a -> a.contains("{micropython}"))).orElse(false);
    }

    public boolean needsBuild() {
        return build.isPresent();
    }
}
