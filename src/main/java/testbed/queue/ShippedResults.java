package testbed.queue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import testbed.model.Tentacle;
import testbed.model.TestRun;
import testbed.results.AtomicJson;
import testbed.results.AttemptRecord;
import testbed.results.ResultsDir;

/**
 * What an agent shipped for a lease, taken into the coordinator's results/ as data to check, never as instructions:
 * every attempt must be of the leased run (its test id, its folder, its boards), the archive is unpacked with limits
 * and only into a folder of its own, and anything that does not fit refuses the whole report.
 */
final class ShippedResults {

    /** A report that does not match its lease: nothing of it is booked. */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }

    private static final Pattern LETTERS = Pattern.compile("[a-z]{1,2}");

    private ShippedResults() {}

    /** @throws Refused naming the first thing that does not match the lease */
    static void check(Wire.Report shipped, List<AttemptRecord> attempts, TestRun run, long lease) {
        Set<String> serials = Set.copyOf(run.tentacles().stream().map(Tentacle::serial).toList());
        if (shipped.serials() != null && !serials.containsAll(shipped.serials())) {
            throw new Refused("lease " + lease + " (" + run.testid() + "): the report blames boards " + shipped.serials() + " the run did not hold");
        }
        if (shipped.firmware() != null && !serials.containsAll(shipped.firmware().keySet())) {
            throw new Refused("lease " + lease + " (" + run.testid() + "): the report names firmware of boards " + shipped.firmware().keySet()
                    + " the run did not hold");
        }
        for (AttemptRecord a : attempts) {
            String dir = a.directory() == null ? "" : a.directory();
            if (!run.testid().equals(a.testid())) {
                throw new Refused("lease " + lease + " (" + run.testid() + "): an attempt of test id '" + a.testid() + "'");
            }
            if (!dir.startsWith(run.testid() + ",") || !LETTERS.matcher(dir.substring(run.testid().length() + 1)).matches()) {
                throw new Refused("lease " + lease + " (" + run.testid() + "): attempt folder '" + dir + "' is not " + run.testid() + ",<letter>");
            }
            if (a.status() == null) {
                throw new Refused("lease " + lease + " (" + run.testid() + "): an attempt without a status");
            }
            if (!serials.contains(a.serial())) {
                throw new Refused("lease " + lease + " (" + run.testid() + "): an attempt on board " + a.serial() + " the run did not hold");
            }
        }
    }

    /**
     * The shipped attempt folders into results/, each renumbered to this session's next letter of its test id. The archive
     * is unpacked into {@code results/.incoming-LEASE/} first (with {@link ResultArchive.Limits}) and removed after.
     */
    static List<AttemptRecord> take(byte[] archive, List<AttemptRecord> shipped, ResultsDir results, long lease) {
        Path incoming = results.root().resolve(".incoming-" + lease);
        try {
            if (archive != null && archive.length > 0) {
                ResultArchive.unpack(archive, incoming, ResultArchive.Limits.DEFAULT);
            }
            List<AttemptRecord> out = new ArrayList<>();
            for (AttemptRecord a : shipped) {
                Path dir = results.nextAttemptDir(a.testid());
                Path from = incoming.resolve(a.directory()); // checked: a folder name of the leased test id
                if (Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
                    try (var files = Files.list(from)) {
                        for (Path f : files.toList()) {
                            Files.move(f, dir.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                }
                AttemptRecord moved = a.inFolder(dir.getFileName().toString());
                AtomicJson.write(dir.resolve("run.json"), moved);
                out.add(moved);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot take the results of lease " + lease + " into " + results.root() + ": " + e.getMessage(), e);
        } finally {
            ResultArchive.deleteTree(incoming);
        }
    }
}
