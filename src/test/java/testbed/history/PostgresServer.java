package testbed.history;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for the history tests: {@code $TESTBED_TEST_POSTGRES_URL} when set, else a throw-away
 * cluster started from Debian's binaries on loopback (as the postgres user when running as root). Empty when
 * PostgreSQL is not installed; the tests then say so and skip.
 */
public final class PostgresServer implements AutoCloseable {

    private final String url;
    private final Path dataDir;
    private final Path bin;

    private PostgresServer(String url, Path dataDir, Path bin) {
        this.url = url;
        this.dataDir = dataDir;
        this.bin = bin;
    }

    public String url() {
        return url;
    }

    public static Optional<PostgresServer> start() throws Exception {
        String given = System.getenv("TESTBED_TEST_POSTGRES_URL");
        if (given != null && !given.isBlank()) {
            return Optional.of(new PostgresServer(given, null, null));
        }
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        Path bin;
        try (Stream<Path> versions = Files.list(root)) {
            bin = versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb"))).max(Comparator.naturalOrder()).orElse(null);
        }
        if (bin == null) {
            return Optional.empty();
        }
        boolean root0 = "root".equals(System.getProperty("user.name"));
        Path data = Files.createTempDirectory("testbed-pg");
        if (root0) {
            run(List.of("chown", "postgres:postgres", data.toString()), false);
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "testbed", "--auth=trust", "-E", "UTF8"), root0);
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-t", "30", "-l", data.resolve("log.txt").toString(),
                "-o", "-h 127.0.0.1 -p " + port + " -k " + data, "start"), root0);
        run(List.of(bin.resolve("createdb").toString(), "-h", "127.0.0.1", "-p", String.valueOf(port), "-U", "testbed", "history"), root0);
        return Optional.of(new PostgresServer("jdbc:postgresql://127.0.0.1:" + port + "/history?user=testbed", data, bin));
    }

    private static void run(List<String> command, boolean asPostgres) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asPostgres) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", full) + " failed: " + out);
        }
    }

    /** A fresh database per test, so tests do not see each other's sessions. */
    public String freshDatabase(String name) throws Exception {
        if (bin == null) {
            return url;
        }
        String port = url.replaceAll(".*:(\\d+)/.*", "$1");
        run(List.of(bin.resolve("createdb").toString(), "-h", "127.0.0.1", "-p", port, "-U", "testbed", name), "root".equals(System.getProperty("user.name")));
        return url.replace("/history?", "/" + name + "?");
    }

    /** Stops the server as a crash or a restart would (fast shutdown: connections are cut). */
    public void stopServer() throws Exception {
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "fast", "-w", "stop"), "root".equals(System.getProperty("user.name")));
    }

    /** Starts it again on the same port and data. */
    public void startServer() throws Exception {
        String port = url.replaceAll(".*:(\\d+)/.*", "$1");
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-w", "-t", "30", "-l", dataDir.resolve("log.txt").toString(),
                "-o", "-h 127.0.0.1 -p " + port + " -k " + dataDir, "start"), "root".equals(System.getProperty("user.name")));
    }

    /** False for a server given by URL: it cannot be stopped from here. */
    public boolean controllable() {
        return dataDir != null;
    }

    @Override
    public void close() throws Exception {
        if (dataDir != null) {
            try {
                run(List.of(bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "immediate", "stop"), "root".equals(System.getProperty("user.name")));
            } finally {
                deleteTree(dataDir); // a throw-away cluster: nothing of it stays in /tmp
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
