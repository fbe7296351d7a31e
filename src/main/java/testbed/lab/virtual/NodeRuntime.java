package testbed.lab.virtual;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import testbed.process.ToolRunner;
import testbed.model.LabException;

/**
 * The virtual boards' node side: board.mjs, programmer.mjs and the pinned MicroPython WebAssembly package. They ship
 * inside the jar and are unpacked into {@code ~/.cache/testbed/node/<hash>}, where {@code npm ci} fetches the package
 * on first use. The folder is named by the content hash, so versions never mix and concurrent processes share it.
 */
public final class NodeRuntime {

    static final String PACKAGE = "@micropython/micropython-webassembly-pyscript";
    private static final List<String> FILES = List.of("package.json", "package-lock.json", "board.mjs", "programmer.mjs");

    private final Path dir;

    private NodeRuntime(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public Path boardScript() {
        return dir.resolve("board.mjs");
    }

    public Path programmerScript() {
        return dir.resolve("programmer.mjs");
    }

    /** Unpacks the scripts and installs the npm package if needed. */
    public static synchronized NodeRuntime ensure(Path cacheDir) throws LabException {
        Path root = cacheDir.resolve("node");
        try {
            Map<String, byte[]> files = new java.util.LinkedHashMap<>();
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String name : FILES) {
                byte[] content = resource(name);
                files.put(name, content);
                sha.update(name.getBytes());
                sha.update(content);
            }
            Path dir = root.resolve(HexFormat.of().formatHex(sha.digest()).substring(0, 16));
            Files.createDirectories(dir);
            testbed.config.FileLocks.exclusive(dir.resolve(".lock"), () -> {
                if (!Files.isRegularFile(dir.resolve("node_modules").resolve(PACKAGE).resolve("micropython.mjs"))) {
                    for (var f : files.entrySet()) {
                        Files.write(dir.resolve(f.getKey()), f.getValue());
                    }
                    install(dir);
                }
                return null;
            });
            return new NodeRuntime(dir);
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            throw new LabException("virtual lab: cannot prepare the node runtime: " + e.getMessage(), e);
        }
    }

    private static void install(Path dir) throws IOException, LabException {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ToolRunner.Result r;
        try {
            r = ToolRunner.run(List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"), dir, Map.of(), Duration.ofMinutes(3), log);
        } catch (IOException e) {
            throw new LabException("virtual lab needs node and npm on PATH (" + e.getMessage() + "); see 'testbed doctor'");
        }
        if (!r.succeeded()) {
            String out = log.toString().strip();
            throw new LabException("virtual lab: 'npm ci' for " + PACKAGE + " failed (exit " + r.exitCode() + "): "
                    + out.substring(Math.max(0, out.length() - 300)).replace('\n', ' '));
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = NodeRuntime.class.getResourceAsStream("/testbed/virtual-board/" + name)) {
            if (in == null) {
                throw new IOException("resource missing from the jar: testbed/virtual-board/" + name);
            }
            return in.readAllBytes();
        }
    }
}
