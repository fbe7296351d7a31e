package testbed.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import testbed.model.BoardVariant;
import testbed.model.Firmware;
import testbed.model.InvalidInputException;
import testbed.model.Lab;
import testbed.model.TestRunSpec;

/**
 * Where testbed finds its data: {@code testrunspecs/}, {@code firmware/}, {@code labs/} and writes {@code results/}.
 * The launcher passes the checkout as home; tests pass a temporary folder.
 */
public record Workspace(Path home, Path specsDir, Path firmwareDir, Path labsDir, Path resultsDir, Path stateDir) {

    /**
     * A checkout at {@code home}. Lab state that outlives a session (the virtual boards' flash) lives in
     * {@code $TESTBED_STATE_DIR}, else {@code ~/.cache/testbed}.
     */
    public static Workspace at(Path home) {
        String state = System.getenv("TESTBED_STATE_DIR");
        Path stateDir = state != null && !state.isBlank() ? Path.of(state)
                : Path.of(System.getProperty("user.home"), ".cache", "testbed");
        return at(home, stateDir);
    }

    public static Workspace at(Path home, Path stateDir) {
        Path h = home.toAbsolutePath().normalize();
        return new Workspace(h, h.resolve("testrunspecs"), h.resolve("firmware"), h.resolve("labs"), h.resolve("results"),
                stateDir.toAbsolutePath().normalize());
    }

    /** The home from {@code -Dtestbed.home} (set by bin/testbed), else {@code TESTBED_HOME}, else the working directory. */
    public static Workspace fromEnvironment() {
        String home = System.getProperty("testbed.home");
        if (home == null || home.isBlank()) {
            home = System.getenv("TESTBED_HOME");
        }
        return at(Path.of(home == null || home.isBlank() ? "." : home));
    }

    public Workspace withResults(Path results) {
        return new Workspace(home, specsDir, firmwareDir, labsDir, results.toAbsolutePath().normalize(), stateDir);
    }

    public List<TestRunSpec> specs() {
        return SpecLoader.loadAll(specsDir);
    }

    public Lab lab(String nameOrPath) {
        return LabLoader.load(LabLoader.resolve(nameOrPath, labsDir));
    }

    /** Every firmware in {@code firmware/}, by board-variant. */
    public Map<BoardVariant, Firmware> firmware() {
        Map<BoardVariant, Firmware> map = new TreeMap<>();
        for (Firmware f : FirmwareLoader.loadAll(firmwareDir)) {
            if (map.put(f.boardVariant(), f) != null) {
                throw new InvalidInputException(f.file() + ": duplicate firmware for " + f.boardVariant().name());
            }
        }
        return map;
    }
}
