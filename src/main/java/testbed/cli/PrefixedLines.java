package testbed.cli;

import java.io.PrintWriter;
import java.io.Writer;

/** Whole lines with a prefix, written to a shared console: two sessions running at once stay readable. */
final class PrefixedLines extends Writer {

    private final PrintWriter out;
    private final String prefix;
    private final StringBuilder line = new StringBuilder();

    private PrefixedLines(PrintWriter out, String prefix) {
        this.out = out;
        this.prefix = prefix;
    }

    static PrintWriter of(PrintWriter out, String prefix) {
        return new PrintWriter(new PrefixedLines(out, prefix), true);
    }

    @Override
    public synchronized void write(char[] buf, int off, int len) {
        for (int i = off; i < off + len; i++) {
            char c = buf[i];
            if (c == '\n') {
                synchronized (out) {
                    out.println(prefix + line);
                    out.flush();
                }
                line.setLength(0);
            } else if (c != '\r') {
                line.append(c);
            }
        }
    }

    @Override
    public void flush() {
        // a line is written when it is whole
    }

    @Override
    public void close() {
        flush();
    }
}
