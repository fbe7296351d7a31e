package testbed.results;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where session records go: a results folder, or (for the benchmark) a counter of the bytes that would be written.
 * {@code replace} swaps a whole file atomically; {@code append} adds a line to a log-style file.
 */
public interface RecordSink {

    void replace(String name, byte[] content);

    void append(String name, byte[] line);

    /** Files in a folder: replace by write-then-rename (readers never see half a file), append in place. */
    static RecordSink directory(Path dir) {
        return new RecordSink() {
            @Override
            public void replace(String name, byte[] content) {
                AtomicJson.writeBytes(dir.resolve(name), content);
            }

            @Override
            public void append(String name, byte[] line) {
                try {
                    Files.write(dir.resolve(name), line, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write " + dir.resolve(name) + ": " + e.getMessage(), e);
                }
            }
        };
    }

    /** Counts bytes, writes nothing. */
    final class Counting implements RecordSink {
        private long bytes;

        @Override
        public void replace(String name, byte[] content) {
            bytes += content.length;
        }

        @Override
        public void append(String name, byte[] line) {
            bytes += line.length;
        }

        public long bytes() {
            return bytes;
        }
    }
}
