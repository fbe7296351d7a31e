package testbed.flash;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** Finds external tools: an explicit override (tests, unusual installs), else the PATH. */
public final class ToolLocator {

    private final Map<String, Path> overrides;
    private final String path;

    public ToolLocator(Map<String, Path> overrides, String path) {
        this.overrides = Map.copyOf(overrides);
        this.path = path;
    }

    /** The tools on a {@code PATH} (the settings' one). */
    public static ToolLocator onPath(String path) {
        return new ToolLocator(Map.of(), path);
    }

    public Optional<Path> find(String tool) {
        Path override = overrides.get(tool);
        if (override != null) {
            return Optional.of(override);
        }
        return Stream.of(path.split(":")).filter(d -> !d.isEmpty()).map(d -> Path.of(d, tool)).filter(Files::isExecutable).findFirst();
    }
}
