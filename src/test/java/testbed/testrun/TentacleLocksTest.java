package testbed.testrun;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two sessions of one process (a compare's base and head) share a board through its lock file. */
class TentacleLocksTest {

    @TempDir
    Path dir;

    /** Whether the kernel lists a POSIX lock on the file (what keeps another process off the board). */
    private static boolean lockedInKernel(Path file) throws Exception {
        Object inode = Files.getAttribute(file, "unix:ino");
        return Files.readAllLines(Path.of("/proc/locks")).stream().anyMatch(l -> l.contains("POSIX") && l.matches(".*:" + inode + " .*"));
    }

    @Test
    void aSecondSessionOfTheProcessIsRefusedWithoutDroppingTheFirstOnesLock() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/locks")), "no /proc/locks here");
        TentacleLocks base = TentacleLocks.in(dir);
        TentacleLocks head = TentacleLocks.in(dir);

        assertThat(base.tryLockAll(List.of("8a31"), "base")).isEmpty();
        assertThat(lockedInKernel(dir.resolve("8a31.lock"))).isTrue();
        assertThat(head.tryLockAll(List.of("8a31"), "head")).containsExactly("8a31");
        assertThat(head.isFree("8a31")).isFalse();
        // Closing a second channel on the file would have released the process's lock for every channel (POSIX locks).
        assertThat(lockedInKernel(dir.resolve("8a31.lock"))).as("still locked against other processes").isTrue();

        base.unlock("8a31");
        assertThat(head.tryLockAll(List.of("8a31"), "head")).isEmpty();
        assertThat(lockedInKernel(dir.resolve("8a31.lock"))).isTrue();
        head.unlock("8a31");
        assertThat(lockedInKernel(dir.resolve("8a31.lock"))).isFalse();
    }

    @Test
    void sessionsOfTheProcessTakeTurnsOnABoard() throws Exception {
        long[] now = {0};
        TentacleLocks base = new TentacleLocks(dir, () -> now[0]);
        TentacleLocks head = new TentacleLocks(dir, () -> now[0]);

        assertThat(base.tryLockAll(List.of("8a31"), "base 1")).isEmpty();
        assertThat(head.tryLockAll(List.of("8a31"), "head 1")).as("held").containsExactly("8a31");
        base.unlock("8a31");
        // The base learns first that its board is free, but the head asked for it: the head's turn.
        assertThat(base.tryLockAll(List.of("8a31"), "base 2")).as("the head's turn").containsExactly("8a31");
        assertThat(base.isFree("8a31")).isFalse();
        assertThat(head.isFree("8a31")).isTrue();
        assertThat(head.tryLockAll(List.of("8a31"), "head 1")).isEmpty();
        assertThat(base.isFree("8a31")).as("held by the head; the base asks for the next turn").isFalse();
        head.unlock("8a31");
        assertThat(head.tryLockAll(List.of("8a31"), "head 2")).as("the base's turn").containsExactly("8a31");
        assertThat(base.tryLockAll(List.of("8a31"), "base 2")).isEmpty();
        base.unlock("8a31");

        // A session that stops asking (no work left for the board) does not keep it idle for long.
        assertThat(head.tryLockAll(List.of("8a31"), "head 3")).as("the base had its turn and nobody waits").isEmpty();
        head.unlock("8a31");
        assertThat(base.tryLockAll(List.of("8a31"), "base 3")).as("nobody waits: the board is free for anyone").isEmpty();
        assertThat(head.tryLockAll(List.of("8a31"), "head 4")).containsExactly("8a31");
        base.unlock("8a31");
        now[0] += TentacleLocks.TURN_WAIT + 1;
        assertThat(base.tryLockAll(List.of("8a31"), "base 4")).as("the head's claim lapsed").isEmpty();
        base.unlock("8a31");
    }
}
