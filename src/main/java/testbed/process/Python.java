package testbed.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Python that runs MicroPython's own runners: it needs pyserial, which PyPI-less hosts get from Debian
 * ({@code python3-serial}) for Debian's {@code /usr/bin/python3} only. A pyenv or venv {@code python3} first on PATH does
 * not see it: when the default {@code python3} lacks pyserial, {@code /usr/bin/python3} is used if it has it.
 */
public final class Python {

    /** The default when neither --python nor $TESTBED_PYTHON names one. */
    public static final String DEFAULT = "python3";
    static final String SYSTEM = "/usr/bin/python3";
    private static final Map<String, Optional<String>> PYSERIAL = new ConcurrentHashMap<>();

    private Python() {}

    /** The interpreter to run the runners with: the one asked for, or for the default the first of python3, /usr/bin/python3 with pyserial. */
    public static String forRunners(String configured) {
        if (!configured.equals(DEFAULT)) {
            return configured;
        }
        List<String> candidates = new ArrayList<>(List.of(DEFAULT));
        if (Files.isExecutable(Path.of(SYSTEM))) {
            candidates.add(SYSTEM);
        }
        return candidates.stream().filter(p -> pyserialVersion(p).isPresent()).findFirst().orElse(configured);
    }

    /** pyserial's version as this interpreter imports it; empty when it cannot (or the interpreter does not run). */
    public static Optional<String> pyserialVersion(String python) {
        return PYSERIAL.computeIfAbsent(python, p -> {
            try {
                ToolRunner.Captured c = ToolRunner.capture(List.of(p, "-c", "import serial; print(serial.__version__)"), Path.of("."), Map.of(),
                        Duration.ofSeconds(20));
                return c.result().succeeded() ? Optional.of(c.output().strip()) : Optional.empty();
            } catch (IOException e) {
                return Optional.empty();
            }
        });
    }
}
