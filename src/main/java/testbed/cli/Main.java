package testbed.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import testbed.config.Workspace;

/** The process entry point; everything testable lives in {@link Testbed#run}. */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int code = Testbed.run(Workspace.fromEnvironment(), out, err, args);
        out.flush();
        err.flush();
        System.exit(code);
    }
}
