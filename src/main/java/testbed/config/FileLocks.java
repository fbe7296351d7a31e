package testbed.config;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One holder at a time of a lock file, across processes (a lock on the file) and across the threads of this one: a
 * {@link FileLock} alone throws {@code OverlappingFileLockException} when two sessions of one process (a compare's
 * base and head) want the same cache or history at once.
 */
public final class FileLocks {

    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    /** What runs while the lock is held. */
    public interface Body<T, E extends Exception> {
        T run() throws E;
    }

    private FileLocks() {}

    public static <T, E extends Exception> T exclusive(Path lockFile, Body<T, E> body) throws IOException, E {
        ReentrantLock inProcess = IN_PROCESS.computeIfAbsent(lockFile.toAbsolutePath().normalize(), k -> new ReentrantLock());
        inProcess.lock();
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock ignored = ch.lock()) {
            return body.run();
        } finally {
            inProcess.unlock();
        }
    }
}
