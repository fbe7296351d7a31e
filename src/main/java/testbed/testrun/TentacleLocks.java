package testbed.testrun;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One lock file per tentacle serial, so two testbed processes on one host never use the same board. The lock lives as
 * long as the run that took it; the operating system releases it if the process dies, so no stale locks remain.
 */
public final class TentacleLocks {

    private record Held(FileChannel channel, FileLock lock, Path file) {}

    /**
     * Lock files held by any session of this process. A second channel on a held file is never opened: closing it
     * would release the process's POSIX lock for every channel on the file, letting another process take the board.
     */
    private static final Set<Path> HELD_IN_PROCESS = ConcurrentHashMap.newKeySet();

    private final Path dir;
    private final Map<String, Held> held = new ConcurrentHashMap<>();

    public TentacleLocks(Path dir) {
        this.dir = dir;
    }

    /** The host's locks ({@code Settings.lockDir}: {@code $TESTBED_LOCK_DIR}, else {@code <tmp>/testbed-locks}), shared by every user's sessions. */
    public static TentacleLocks in(Path lockDir) {
        return new TentacleLocks(lockDir);
    }

    public Path dir() {
        return dir;
    }

    /** Locks all or none; returns the serials another process holds (empty on success). */
    public synchronized Set<String> tryLockAll(List<String> serials, String owner) throws IOException {
        Files.createDirectories(dir);
        List<String> taken = new ArrayList<>();
        Set<String> busy = new HashSet<>();
        for (String serial : serials) {
            if (tryLock(serial, owner)) {
                taken.add(serial);
            } else {
                busy.add(serial);
            }
        }
        if (!busy.isEmpty()) {
            taken.forEach(this::unlock);
        }
        return busy;
    }

    /** True when nobody holds the serial right now (checks by taking and dropping the lock). */
    public synchronized boolean isFree(String serial) throws IOException {
        if (held.containsKey(serial)) {
            return false;
        }
        if (tryLock(serial, "probe")) {
            unlock(serial);
            return true;
        }
        return false;
    }

    private boolean tryLock(String serial, String owner) throws IOException {
        Path file = dir.resolve(serial + ".lock").toAbsolutePath().normalize();
        if (!HELD_IN_PROCESS.add(file)) {
            return false; // another session of this process has it
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close(); // another process holds it; this process holds nothing on the file to lose
                HELD_IN_PROCESS.remove(file);
                return false;
            }
            channel.truncate(0);
            channel.write(java.nio.ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + " " + owner + "\n").getBytes(StandardCharsets.UTF_8)));
            held.put(serial, new Held(channel, lock, file));
            return true;
        } catch (IOException | RuntimeException e) {
            if (channel != null && !held.containsKey(serial)) {
                channel.close();
            }
            if (!held.containsKey(serial)) {
                HELD_IN_PROCESS.remove(file);
            }
            throw e;
        }
    }

    public synchronized void unlock(String serial) {
        Held h = held.remove(serial);
        if (h != null) {
            try {
                h.lock().release();
                h.channel().close();
            } catch (IOException e) {
                // closing the channel releases the lock anyway
            } finally {
                HELD_IN_PROCESS.remove(h.file());
            }
        }
    }

    public void unlockAll(List<String> serials) {
        serials.forEach(this::unlock);
    }
}
