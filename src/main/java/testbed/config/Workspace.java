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
 * The launcher passes the checkout as home ({@code -Dtestbed.home}); tests pass a temporary folder.
 */
public record Workspace(Path home, Path specsDir, Path firmwareDir, Path labsDir, Path resultsDir, Settings settings) {

    /** A checkout at {@code home} with these settings. */
    public static Workspace at(Path home, Settings settings) {
        Path h = home.toAbsolutePath().normalize();
        return new Workspace(h, h.resolve("testrunspecs"), h.resolve("firmware"), h.resolve("labs"), h.resolve("results"), settings);
    }

    /** Lab state that outlives a session (the default history, the virtual boards' flash). */
    public Path stateDir() {
        return settings.stateDir();
    }

    public Workspace withSettings(Settings s) {
        return new Workspace(home, specsDir, firmwareDir, labsDir, resultsDir, s);
    }

    public Workspace withResults(Path results) {
        return new Workspace(home, specsDir, firmwareDir, labsDir, results.toAbsolutePath().normalize(), settings);
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
