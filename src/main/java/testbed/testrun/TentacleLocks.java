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
 *
 * <p>Sessions of one process (a compare's base and head) take turns: a session refused a board another one holds
 * marks it as waiting, and the holder, once it released the board, may not take it again until the waiting session
 * had its turn (or stopped asking for {@link #TURN_WAIT}). Without this the holder, which learns first that its board
 * is free, would run all its work before the other session's first run, and a board drifting over the hours would
 * hit one side only.
 */
public final class TentacleLocks {

    private record Held(FileChannel channel, FileLock lock, Path file) {}

    /**
     * Lock files held by any session of this process. A second channel on a held file is never opened: closing it
     * would release the process's POSIX lock for every channel on the file, letting another process take the board.
     */
    private static final Set<Path> HELD_IN_PROCESS = ConcurrentHashMap.newKeySet();

    /** How long a waiting session's claim on the next turn lasts without being renewed (it asks about once a second). */
    static final long TURN_WAIT = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);

    /** A session of this process that was refused the board and asked for it since (nanoTime). */
    private record Waiting(TentacleLocks session, long since) {}

    /** Lock file → the session whose turn comes next on it. */
    private static final Map<Path, Waiting> NEXT_TURN = new ConcurrentHashMap<>();

    private final Path dir;
    private final Map<String, Held> held = new ConcurrentHashMap<>();
    private final java.util.function.LongSupplier nanoTime;

    public TentacleLocks(Path dir) {
        this(dir, System::nanoTime);
    }

    TentacleLocks(Path dir, java.util.function.LongSupplier nanoTime) {
        this.dir = dir;
        this.nanoTime = nanoTime;
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
        } else {
            // This session has its turn: its claim on the next one is spent.
            taken.forEach(serial -> NEXT_TURN.computeIfPresent(file(serial), (f, w) -> w.session() == this ? null : w));
        }
        return busy;
    }

    /** True when nobody holds the serial right now (checks by taking and dropping the lock). */
    public synchronized boolean isFree(String serial) throws IOException {
        if (held.containsKey(serial)) {
            return false;
        }
        if (yieldsTurn(file(serial))) {
            return false;
        }
        if (tryLock(serial, "probe")) {
            unlock(serial);
            return true;
        }
        return false;
    }

    private Path file(String serial) {
        return dir.resolve(serial + ".lock").toAbsolutePath().normalize();
    }

    /** Another session of this process was refused the board and still asks for it: its turn comes first. */
    private boolean yieldsTurn(Path file) {
        Waiting w = NEXT_TURN.get(file);
        if (w == null || w.session() == this) {
            return false;
        }
        if (nanoTime.getAsLong() - w.since() > TURN_WAIT) {
            NEXT_TURN.remove(file, w); // it stopped asking (no work left for the board, or its session ended)
            return false;
        }
        return true;
    }

    private boolean tryLock(String serial, String owner) throws IOException {
        Path file = file(serial);
        if (yieldsTurn(file)) {
            return false;
        }
        if (!HELD_IN_PROCESS.add(file)) {
            if (!held.containsKey(serial)) {
                NEXT_TURN.put(file, new Waiting(this, nanoTime.getAsLong())); // another session of this process has it: ours is next
            }
            return false;
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
