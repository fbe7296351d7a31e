package testbed.model;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The MicroPython under test: where its {@code tests/} are, the source tree they belong to (for mpy-cross and
 * firmware builds), and which code it is.
 *
 * @param tests MicroPython's tests folder, what its runners run
 * @param root the source tree around it (py/, mpy-cross/, ports/), when there is one
 * @param origin as the user gave it: a folder, a tarball, {@code URL@REF}
 * @param commit the exact git commit, when the source is a git checkout or clone
 * @param describe what it is, for people: {@code git describe}, or the version in py/mpconfig.h and the tarball's hash
 */
public record MicroPythonSource(Path tests, Optional<Path> root, String origin, Optional<String> commit, String describe) {

    /** One line for the console, session.json and the history: {@code v1.27.0 (commit 1a2b3c4d5e6f, from URL@REF)}. */
    public String summary() {
        return describe + commit.map(c -> " (commit " + c.substring(0, Math.min(12, c.length())) + ")").orElse("") + " from " + origin;
    }
}
