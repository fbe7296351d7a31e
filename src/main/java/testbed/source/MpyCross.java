package testbed.source;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import testbed.process.ToolRunner;

/**
 * mpy-cross, built from the MicroPython source under test the first time a run needs it (run-tests.py --via-mpy,
 * the native emitter), once per source tree and process: runs that need it at once wait for the one build. The
 * build goes to the cache ({@code make BUILD=...}), never into the source tree, so a user's checkout stays clean
 * and worktrees stay shared.
 */
public final class MpyCross {

    private static final Duration TIMEOUT = Duration.ofMinutes(10);
    private static final Map<Path, Path> BUILT = new ConcurrentHashMap<>();
    private static final Map<Path, Object> BUILDING = new ConcurrentHashMap<>();

    /** The build failed or could not start: the run's prerequisite is missing, it says why. */
    public static final class Unavailable extends Exception {
        public Unavailable(String message) {
            super(message);
        }
    }

    private MpyCross() {}

    /** The binary for {@code root}, built now if this process has not built it yet; the build's output goes to {@code log}. */
    public static Path ensure(Path root, Path cacheDir, OutputStream log) throws Unavailable {
        Path key = root.toAbsolutePath().normalize();
        Path done = BUILT.get(key);
        if (done != null) {
            return done;
        }
        synchronized (BUILDING.computeIfAbsent(key, k -> new Object())) {
            done = BUILT.get(key);
            if (done != null) {
                return done;
            }
            if (!Files.isRegularFile(root.resolve("mpy-cross/Makefile"))) {
                throw new Unavailable("needs mpy-cross, and " + root + " has no mpy-cross/ to build it from");
            }
            Path build = cacheDir.resolve("micropython").resolve("mpy-cross").resolve(Integer.toHexString(key.toString().hashCode()));
            long t0 = System.nanoTime();
            try {
                Files.createDirectories(build);
                write(log, "building mpy-cross from " + root + " into " + build + "\n");
                // No FROZEN_MANIFEST or other port settings from the environment: mpy-cross is a plain host build.
                ToolRunner.Result r = ToolRunner.run(List.of("make", "-C", root.resolve("mpy-cross").toString(), "-j2", "BUILD=" + build,
                        "FROZEN_MANIFEST="), root, Map.of(), TIMEOUT, log);
                if (!r.succeeded()) {
                    throw new Unavailable("needs mpy-cross: its build from " + root + (r.timedOut() ? " timed out" : " exited " + r.exitCode())
                            + " (see testresults.txt)");
                }
            } catch (IOException e) {
                throw new Unavailable("needs mpy-cross: cannot run make (" + e.getMessage() + "); install make and gcc");
            }
            Path binary = build.resolve("mpy-cross");
            if (!Files.isExecutable(binary)) {
                throw new Unavailable("needs mpy-cross: the build produced no " + binary);
            }
            write(log, String.format("mpy-cross built in %.1f s%n", (System.nanoTime() - t0) / 1e9));
            BUILT.put(key, binary);
            return binary;
        }
    }

    private static void write(OutputStream log, String text) {
        try {
            log.write(text.getBytes(StandardCharsets.UTF_8));
            log.flush();
        } catch (IOException e) {
            // the attempt log is best effort here; the build result decides
        }
    }
}
