package testbed.app;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import testbed.model.InvalidInputException;
import testbed.session.SessionFiles;

/**
 * {@code testbed stop [--now]}: asks the session running in a results folder to stop, through the STOP file it
 * watches: it starts nothing new and lets its runs end (or, with {@code --now}, interrupts them), then writes the
 * reports. The same file can be written by hand or by a timer.
 */
public final class Stop {


    private Stop() {}

    public static void ask(Path resultsDir, boolean now) {
        if (!sessionRunsIn(resultsDir)) {
            throw new InvalidInputException(resultsDir + ": no testbed session is running here");
        }
        try {
            Files.writeString(resultsDir.resolve(SessionFiles.STOP), now ? "now\n" : "after the running runs\n");
        } catch (IOException e) {
            throw new InvalidInputException("cannot write " + resultsDir.resolve(SessionFiles.STOP) + ": " + e.getMessage());
        }
    }

    /** A running session holds the folder's lock (results.ResultsDir takes it for the whole session). */
    static boolean sessionRunsIn(Path dir) {
        Path lock = dir.resolve(".session.lock");
        if (!Files.exists(lock)) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.WRITE)) {
            FileLock l = ch.tryLock();
            if (l == null) {
                return true;
            }
            l.release();
            return false;
        } catch (java.nio.channels.OverlappingFileLockException e) {
            return true; // held by this very process (a test running the session in-process)
        } catch (IOException e) {
            return false;
        }
    }
}
