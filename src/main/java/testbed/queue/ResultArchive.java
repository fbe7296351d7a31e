package testbed.queue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/** A run's attempt folders ({@code <testid>,a/ ...}) as one zip, shipped from an agent to the coordinator's results/. */
final class ResultArchive {

    private ResultArchive() {}

    /** The folders {@code names} under {@code root}, each with everything in it. */
    static byte[] pack(Path root, List<String> names) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (String name : names) {
                Path dir = root.resolve(name);
                if (!Files.isDirectory(dir)) {
                    continue;
                }
                try (Stream<Path> walk = Files.walk(dir)) {
                    for (Path p : walk.sorted().toList()) {
                        if (Files.isRegularFile(p)) {
                            zip.putNextEntry(new ZipEntry(root.relativize(p).toString().replace('\\', '/')));
                            Files.copy(p, zip);
                            zip.closeEntry();
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot pack the results of " + names + ": " + e.getMessage(), e);
        }
        return bytes.toByteArray();
    }

    /**
     * How much an archive may unpack to: a shipped archive is data from another host, so a zip bomb or a flood of entries
     * ends the unpacking (and refuses the report) instead of filling the coordinator's disk.
     */
    record Limits(int entries, long totalBytes) {
        static final Limits DEFAULT = new Limits(20_000, 256L << 20);
    }

    /**
     * Unpacks into {@code root}, which must not exist yet. Refuses (as {@link ShippedResults.Refused}) the whole archive at
     * an entry that names an absolute path, a {@code ..} or a backslash, or lands outside {@code root}, and when the entries
     * or their unpacked bytes exceed {@code limits}. A zip carries no links that this unpacking would create: every entry
     * becomes a plain file.
     */
    static void unpack(byte[] archive, Path root, Limits limits) {
        Path base = root.toAbsolutePath().normalize();
        if (Files.exists(base, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            deleteTree(base);
        }
        long total = 0;
        int entries = 0;
        byte[] buffer = new byte[64 * 1024];
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(archive))) {
            Files.createDirectories(base);
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                String name = e.getName();
                if (++entries > limits.entries()) {
                    throw new ShippedResults.Refused("the archive has more than " + limits.entries() + " entries");
                }
                Path target = base.resolve(name).normalize();
                if (name.startsWith("/") || name.contains("\\") || java.util.Arrays.asList(name.split("/")).contains("..") || !target.startsWith(base)
                        || target.equals(base)) {
                    throw new ShippedResults.Refused("archive entry '" + name + "' is not a path inside the attempt folders");
                }
                if (e.isDirectory()) {
                    continue;
                }
                Files.createDirectories(target.getParent());
                try (var out = Files.newOutputStream(target, java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
                    for (int n; (n = zip.read(buffer)) > 0; ) {
                        total += n;
                        if (total > limits.totalBytes()) {
                            throw new ShippedResults.Refused("the archive unpacks to more than " + (limits.totalBytes() >> 20) + " MiB");
                        }
                        out.write(buffer, 0, n);
                    }
                }
            }
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new ShippedResults.Refused("archive entry '" + base.relativize(Path.of(e.getFile())) + "' appears twice");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack results into " + root + ": " + e.getMessage(), e);
        }
    }

    /** Removes a folder and what is in it; one that cannot be removed is left (a leftover, not a lost result). */
    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            org.apache.logging.log4j.LogManager.getLogger(ResultArchive.class).debug("cannot remove {}: {}", dir, e.getMessage());
        }
    }
}
