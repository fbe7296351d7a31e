package testbed.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import testbed.config.Settings;
import testbed.config.Workspace;

/** The process entry point: reads the environment once into {@link Settings}; everything testable lives in {@link Testbed#run}. */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        String home = System.getProperty("testbed.home"); // set by bin/testbed
        Workspace workspace = Workspace.at(Path.of(home == null || home.isBlank() ? "." : home), Settings.fromEnvironment());
        testbed.process.Interruption.installSignalHandlers(ExitCodes.INTERRUPTED);
        int code = Testbed.run(workspace, out, err, args);
        out.flush();
        err.flush();
        System.exit(code);
    }
}
