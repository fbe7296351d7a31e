package testbed.bench;

import java.time.Duration;
import java.util.Arrays;
import testbed.board.BoardIoException;
import testbed.board.BoardSession;
import testbed.board.ExecResult;
import testbed.lab.Dut;

/**
 * Raw-REPL upload rate against the plain byte rate of the same device. Upload: a script of {@code size} bytes sent
 * with raw-paste (flow-controlled by the board) until the board acknowledges the end of data. Plain: the board
 * reads {@code size} bytes from sys.stdin while the host writes them as fast as the line takes them.
 */
public final class UploadBenchmark {

    /** {@code plainKiBps} is NaN when the board cannot read raw bytes from sys.stdin (old firmware). */
    public record Result(int bytes, int repeats, double plainKiBps, double rawPasteKiBps, boolean rawPaste) {
        public double ratio() {
            return rawPasteKiBps / plainKiBps;
        }
    }

    private UploadBenchmark() {}

    public static Result run(Dut dut, int size, int repeats) throws BoardIoException {
        String script = script(size);
        double[] plain = new double[repeats];
        double[] paste = new double[repeats];
        boolean rawPaste;
        try (BoardSession session = BoardSession.open(dut.port(), Duration.ofSeconds(2))) {
            session.ensureRawRepl(true);
            // The board compiles the whole script in RAM: say so plainly instead of timing out on a MemoryError.
            String free = session.repl().exec("import gc\ngc.collect()\nprint(gc.mem_free())").stdout().strip();
            if (free.matches("\\d+") && Long.parseLong(free) < size) {
                throw new BoardIoException.Protocol("a " + size + "-byte script does not fit in the board's " + free
                        + " bytes of free RAM; use --size " + Long.parseLong(free) / 4);
            }
            boolean hasStdin = session.repl().exec("import sys\nprint(hasattr(sys, 'stdin'))").stdout().contains("True");
            for (int i = 0; i < repeats; i++) {
                paste[i] = rate(size, upload(session, script));
                plain[i] = hasStdin ? rate(size, plain(session, size)) : Double.NaN;
            }
            rawPaste = session.repl().rawPasteSupported().orElse(false);
        }
        return new Result(size, repeats, median(plain), median(paste), rawPaste);
    }

    /** Comment lines (cheap to compile) up to the size, then one print. */
    static String script(int size) {
        StringBuilder s = new StringBuilder(size);
        String line = "# " + "x".repeat(61) + "\n";
        while (s.length() + line.length() + 20 < size) {
            s.append(line);
        }
        s.append("print('uploaded')\n");
        while (s.length() < size) {
            s.insert(0, '#');
        }
        return s.toString();
    }

    private static long upload(BoardSession session, String script) throws BoardIoException {
        long t0 = System.nanoTime();
        session.repl().execNoFollow(script);
        long took = System.nanoTime() - t0;
        ExecResult r = session.repl().follow(Duration.ofSeconds(10), Duration.ofSeconds(60));
        if (!r.stdout().contains("uploaded")) {
            throw new BoardIoException.Protocol("upload benchmark: script did not run: " + r.stdout() + r.stderr());
        }
        return took;
    }

    private static long plain(BoardSession session, int size) throws BoardIoException {
        session.repl().execNoFollow("import sys\nr = sys.stdin.buffer if hasattr(sys.stdin, 'buffer') else sys.stdin\nn = 0\nwhile n < " + size
                + ":\n    n += len(r.read(min(4096, " + size + " - n)))\nprint('got', n)\n");
        byte[] data = new byte[size];
        Arrays.fill(data, (byte) 'a');
        long t0 = System.nanoTime();
        session.link().write(data);
        ExecResult r = session.repl().follow(Duration.ofSeconds(10), Duration.ofSeconds(60));
        long took = System.nanoTime() - t0;
        if (!r.stdout().contains("got " + size)) {
            throw new BoardIoException.Protocol("plain-rate benchmark: board read " + r.stdout().strip() + r.stderr());
        }
        return took;
    }

    private static double rate(int bytes, long nanos) {
        return bytes / 1024.0 / (nanos / 1e9);
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v[v.length / 2];
    }
}
