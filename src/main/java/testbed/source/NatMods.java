package testbed.source;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import testbed.process.ToolRunner;

/**
 * The native modules run-natmodtests.py loads ({@code examples/natmod/<mod>/<mod>_<arch>.mpy}), built for the board's
 * architecture from the MicroPython source under test, once per source and architecture. Each example is built in
 * a copy beside the cache's own {@code tests/} folder (links to the source's), never in the source tree: the runner then
 * starts in that folder and finds them at {@code ../examples/natmod/} as it would in a checkout.
 */
public final class NatMods {

    /** The modules run-natmodtests.py maps its tests to. */
    public static final List<String> MODULES = List.of("btree", "deflate", "framebuf", "heapq", "random", "re");

    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final Map<Path, Built> BUILT = new ConcurrentHashMap<>();

    /**
     * @param workDir where the runner starts (its {@code ../examples/natmod} holds what was built)
     * @param failed module → why it could not be built (a submodule the source lacks, a missing cross compiler)
     */
    public record Built(Path workDir, Map<String, String> failed) {}

    private NatMods() {}

    /** Builds what is not built yet for {@code arch}; the builds' output goes to {@code log}. */
    public static Built ensure(Path root, String arch, Path cacheDir, String python, Path mpyCross, OutputStream log) {
        Path base = cacheDir.resolve("micropython").resolve("natmod")
                .resolve(Integer.toHexString(root.toAbsolutePath().normalize().toString().hashCode()) + "-" + arch);
        synchronized (BUILT.computeIfAbsent(base, b -> new Built(b.resolve("tests"), new LinkedHashMap<>()))) {
            Built built = BUILT.get(base);
            if (Files.exists(built.workDir().resolve("run-natmodtests.py"))) { // linked last: an earlier process built them
                if (built.failed().isEmpty()) {
                    Map<String, String> missing = new LinkedHashMap<>();
                    MODULES.stream().filter(m -> !Files.isRegularFile(base.resolve("examples/natmod").resolve(m).resolve(m + "_" + arch + ".mpy")))
                            .forEach(m -> missing.put(m, why(m, root, python)));
                    built = new Built(built.workDir(), Map.copyOf(missing));
                    BUILT.put(base, built);
                }
                return built;
            }
            Map<String, String> failed = new LinkedHashMap<>();
            for (String mod : MODULES) {
                Path from = root.resolve("examples/natmod").resolve(mod);
                Path to = base.resolve("examples/natmod").resolve(mod);
                if (!Files.isDirectory(from)) {
                    failed.put(mod, "examples/natmod/" + mod + " is not in the source");
                    continue;
                }
                try {
                    copy(from, to);
                    write(log, "building natmod " + mod + " for " + arch + "\n");
                    ToolRunner.Result r = ToolRunner.run(List.of("make", "-C", to.toString(), "ARCH=" + arch, "MPY_DIR=" + root, "MPY_CROSS=" + mpyCross,
                            "PYTHON=" + python), to, Map.of(), TIMEOUT, log);
                    if (!r.succeeded() || !Files.isRegularFile(to.resolve(mod + "_" + arch + ".mpy"))) {
                        failed.put(mod, why(mod, root, python));
                    }
                } catch (IOException e) {
                    failed.put(mod, "cannot build: " + e.getMessage());
                }
            }
            try {
                // The runner reads ./feature_check/ and the like from where it starts: the source's tests folder, by links.
                Files.createDirectories(built.workDir());
                try (Stream<Path> entries = Files.list(root.resolve("tests"))) {
                    for (Path entry : entries.toList()) {
                        Path link = built.workDir().resolve(entry.getFileName().toString());
                        if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                            Files.createSymbolicLink(link, entry.toAbsolutePath());
                        }
                    }
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            Built done = new Built(built.workDir(), Map.copyOf(failed));
            BUILT.put(base, done);
            return done;
        }
    }

    /** The likeliest reason a module did not build, in words. */
    private static String why(String mod, Path root, String python) {
        if (mod.equals("btree") && !Files.isDirectory(root.resolve("lib/berkeley-db-1.xx/btree"))) {
            return "natmod btree not built: lib/berkeley-db-1.xx (a git submodule) is not in the source";
        }
        if (!hasElftools(python)) {
            return "natmod " + mod + " not built: mpy_ld.py needs pyelftools, which " + python + " lacks (apt-get install python3-pyelftools)";
        }
        return "natmod " + mod + " did not build (see testresults.txt)";
    }

    private static boolean hasElftools(String python) {
        try {
            return ToolRunner.run(List.of(python, "-c", "import elftools"), Path.of("."), Map.of(), Duration.ofSeconds(20), OutputStream.nullOutputStream())
                    .succeeded();
        } catch (IOException e) {
            return false;
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!Files.exists(target)) {
                    Files.copy(p, target);
                }
            }
        }
    }

    private static void write(OutputStream log, String text) {
        try {
            log.write(text.getBytes(StandardCharsets.UTF_8));
            log.flush();
        } catch (IOException e) {
            // best effort
        }
    }
}
