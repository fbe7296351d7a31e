package testbed.app;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import testbed.model.InvalidInputException;
import testbed.model.LabException;
import testbed.model.Status;
import testbed.process.Interruption;
import testbed.session.SessionFiles;
import testbed.session.SessionListener;
import testbed.session.Verdict;

/**
 * {@code testbed nightly}: the rounds of a plan one after the other until its deadline, each a session with its own
 * results folder under the night's folder, every round's request checked before the first starts (a typo in round 3
 * is an error at once, not at 4 a.m.). The night obeys Ctrl-C, SIGTERM and {@code testbed stop} (on the night's folder
 * or the round's): the round running stops in order and no later round starts.
 */
public final class Nightly {

    /**
     * A round of the plan, checked.
     *
     * @param request the session it runs (results in its own folder); a repeat round gets the groups to repeat at its start
     * @param repeatFailedOf run only the groups that failed in that earlier round; skipped when none did
     */
    public record Round(String name, Runs.RunRequest request, Optional<String> repeatFailedOf) {}

    /** What the night tells its caller as it goes. */
    public interface Listener {
        void skipped(Round round, String why);

        /** The console of the round's session. */
        SessionListener starting(Round round);

        void finished(Round round, Runs.RunResult result);
    }

    private Nightly() {}

    /** Every round's request, checked before anything runs. */
    public static void validate(testbed.config.Workspace workspace, List<Round> rounds) {
        for (Round r : rounds) {
            try {
                Runs.validate(workspace, r.request());
            } catch (InvalidInputException e) {
                throw new InvalidInputException("round " + r.name() + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Runs the rounds in order into {@code root} (holding it: {@code testbed stop --results ROOT} stops the night).
     *
     * @param deadline rounds that would start after it are skipped
     */
    public static void run(testbed.config.Workspace workspace, Path root, List<Round> rounds, Optional<Instant> deadline, Listener listener,
            Clock clock) {
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new LabException("cannot create " + root + ": " + e.getMessage(), e);
        }
        try (FileChannel ch = FileChannel.open(root.resolve(".session.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = ch.tryLock()) {
            if (lock == null) {
                throw new LabException(root + ": another nightly runs here");
            }
            for (Round round : rounds) {
                Optional<String> stop = stopped(root);
                if (stop.isPresent()) {
                    listener.skipped(round, stop.get());
                    continue;
                }
                if (deadline.isPresent() && !clock.instant().isBefore(deadline.get())) {
                    listener.skipped(round, "no time left before " + deadline.get());
                    continue;
                }
                Runs.RunRequest request = round.request();
                if (round.repeatFailedOf().isPresent()) {
                    TreeSet<String> failed = failedGroups(root.resolve(round.repeatFailedOf().get()));
                    if (failed.isEmpty()) {
                        listener.skipped(round, "nothing failed in round " + round.repeatFailedOf().get());
                        continue;
                    }
                    request = request.withOnlyTests(List.copyOf(failed));
                }
                Path dir = request.session().results().orElseThrow();
                Thread forward = forwardStop(root, dir);
                try {
                    Runs.RunResult result = Runs.run(workspace, request, listener.starting(round), clock);
                    listener.finished(round, result);
                    if (result.session().verdict() == Verdict.INTERRUPTED && !Files.exists(root.resolve(SessionFiles.STOP))) {
                        writeStop(root, "the round " + round.name() + " was interrupted");
                    }
                } finally {
                    forward.interrupt();
                }
            }
        } catch (IOException e) {
            throw new LabException("cannot lock " + root + ": " + e.getMessage(), e);
        }
    }

    /** Why no further round starts: Ctrl-C or SIGTERM, a stop asked of the night, or a round that was interrupted. */
    private static Optional<String> stopped(Path root) {
        if (Interruption.isRequested()) {
            return Optional.of("the night was interrupted (Ctrl-C or SIGTERM)");
        }
        return Files.exists(root.resolve(SessionFiles.STOP)) ? Optional.of("the night was stopped (testbed stop)") : Optional.empty();
    }

    /** {@code testbed stop} on the night's folder reaches the round running now, as if asked of its own folder. */
    private static Thread forwardStop(Path root, Path roundDir) {
        Thread t = new Thread(() -> {
            try {
                while (!Files.exists(root.resolve(SessionFiles.STOP))) {
                    Thread.sleep(500);
                }
                Files.copy(root.resolve(SessionFiles.STOP), roundDir.resolve(SessionFiles.STOP), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } catch (InterruptedException | IOException e) {
                // the round ended first
            }
        }, "nightly-stop");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void writeStop(Path root, String why) {
        try {
            Files.writeString(root.resolve(SessionFiles.STOP), why + "\n");
        } catch (IOException e) {
            // the rounds after it are not started either way: Interruption or the verdict say so
        }
    }

    /** The groups with a failed run in a round's session. */
    static TreeSet<String> failedGroups(Path roundDir) {
        TreeSet<String> groups = new TreeSet<>();
        if (Files.isRegularFile(roundDir.resolve(SessionFiles.SUMMARY))) {
            SessionFiles.read(roundDir).runs().stream().filter(r -> r.status() == Status.FAILED).forEach(r -> groups.add(r.testgroup()));
        }
        return groups;
    }
}
