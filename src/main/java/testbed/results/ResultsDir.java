package testbed.results;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import testbed.model.InvalidInputException;

/**
 * The results folder of a session. A new session never destroys the previous one: its files move to
 * {@code archive/<session id>/} first. A lock keeps two sessions from writing into one folder.
 */
public final class ResultsDir implements AutoCloseable {

    public static final String ARCHIVE = "archive";
    private final Path root;
    private FileChannel lockChannel;
    private FileLock lock;

    public ResultsDir(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** Locks the folder for this session and archives what an earlier session left. Returns where it went, if anywhere. */
    public Path prepare() {
        return prepare(true);
    }

    /** Locks the folder for a resumed session: what the interrupted session left stays where it is. */
    public void prepareResume() {
        prepare(false);
    }

    private Path prepare(boolean archive) {
        try {
            Files.createDirectories(root);
            lockChannel = FileChannel.open(root.resolve(".session.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new InvalidInputException(root + " is in use by another testbed session; give this one its own folder with --results DIR");
            }
            return archive ? archivePrevious() : null;
        } catch (IOException e) {
            throw new InvalidInputException("cannot use results folder " + root + ": " + e.getMessage(), e);
        }
    }

    private Path archivePrevious() throws IOException {
        List<Path> old;
        try (Stream<Path> entries = Files.list(root)) {
            old = entries.filter(p -> {
                String name = p.getFileName().toString();
                return !name.equals(ARCHIVE) && !name.equals(".session.lock") && !name.equals("README.md") && !name.equals(".gitkeep");
            }).toList();
        }
        if (old.isEmpty()) {
            return null;
        }
        String id = previousSessionId().orElse("unknown-" + Files.getLastModifiedTime(root).toMillis());
        Path target = root.resolve(ARCHIVE).resolve(id);
        for (int i = 2; Files.exists(target); i++) {
            target = root.resolve(ARCHIVE).resolve(id + "-" + i);
        }
        Files.createDirectories(target);
        for (Path p : old) {
            Files.move(p, target.resolve(p.getFileName()));
        }
        return target;
    }

    private java.util.Optional<String> previousSessionId() {
        Path session = root.resolve("session.json");
        if (!Files.isRegularFile(session)) {
            return java.util.Optional.empty();
        }
        try {
            JsonNode node = AtomicJson.MAPPER.readTree(session.toFile());
            String id = node.path("session_id").asText("");
            return id.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(id);
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    /** The next attempt folder of a testid: {@code <testid>,a}, {@code ,b}, ... continuing after earlier attempts. */
    /** What a test id is made of ({@code LABEL@<serial4>-<TAG>[-<variant>][-instanceN]}): no separator, no path. */
    private static final java.util.regex.Pattern VALID_TESTID = java.util.regex.Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.@+=-]*");

    public synchronized Path nextAttemptDir(String testid) {
        if (!VALID_TESTID.matcher(testid).matches() || testid.contains("..")) {
            // A folder name, never a path: a test id from elsewhere (a queue's row) must not reach outside results/.
            throw new IllegalArgumentException("not a test id: '" + testid + "'");
        }
        for (char letter = 'a'; letter <= 'z'; letter++) {
            Path dir = root.resolve(testid + "," + letter);
            if (!Files.exists(dir)) {
                try {
                    Files.createDirectories(dir);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return dir;
            }
        }
        throw new IllegalStateException("more than 26 attempts of " + testid);
    }

    @Override
    public void close() {
        try {
            if (lock != null) {
                lock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException e) {
            // released with the process anyway
        }
    }
}
