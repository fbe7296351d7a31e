package testbed.results;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where session records go: a results folder, or (for the benchmark) a counter of the bytes that would be written.
 * {@code replace} swaps a whole file atomically; {@code append} adds a line to a log-style file and forces it to disk.
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
                // Appended and forced to disk before the history is written: the journal a lost database write is replayed from.
                try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(dir.resolve(name), StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND, StandardOpenOption.WRITE)) {
                    java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(line);
                    while (buffer.hasRemaining()) {
                        ch.write(buffer);
                    }
                    ch.force(false);
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
