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

    /** Unpacks into {@code root}; an entry that would land outside it is refused. */
    static void unpack(byte[] archive, Path root) {
        Path base = root.toAbsolutePath().normalize();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(archive))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                Path target = base.resolve(e.getName()).normalize();
                if (!target.startsWith(base) || e.isDirectory()) {
                    continue;
                }
                Files.createDirectories(target.getParent());
                Files.copy(zip, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
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
