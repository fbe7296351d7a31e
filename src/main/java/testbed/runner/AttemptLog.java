package testbed.runner;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An attempt's testresults.txt: the command, the live output (flushed line by line so {@code tail -f} follows it),
 * the return code and the duration.
 */
public final class AttemptLog implements AutoCloseable {

    public static final String LOG_START = "TAG_LOG_START";
    public static final String LOG_END = "TAG_LOG_END";

    private final OutputStream out;
    private final PrintWriter writer;

    public AttemptLog(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        this.out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        this.writer = new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true);
    }

    /** For tools that write bytes (external runners). */
    public OutputStream stream() {
        writer.flush();
        return out;
    }

    public synchronized void line(String text) {
        writer.println(text);
        writer.flush();
    }

    @Override
    public void close() {
        writer.close();
    }
}
