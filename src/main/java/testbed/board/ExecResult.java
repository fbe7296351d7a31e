package testbed.board;

/** What a raw-REPL exec printed: stdout, and stderr (a traceback when the code raised). */
public record ExecResult(String stdout, String stderr) {

    public boolean raised() {
        return !stderr.isEmpty();
    }

    /** The traceback's last line, e.g. {@code ZeroDivisionError: divide by zero}. */
    public String exceptionLine() {
        String[] lines = stderr.strip().split("\r?\n");
        return lines[lines.length - 1];
    }
}
