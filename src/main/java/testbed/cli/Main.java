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
        // Before any logger exists: log4j's own errors (a log file on a full disk) are not for the console.
        System.setProperty("log4j2.statusLoggerLevel", "OFF");
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        String home = System.getProperty("testbed.home"); // set by bin/testbed
        Workspace workspace = Workspace.at(Path.of(home == null || home.isBlank() ? "." : home), Settings.fromEnvironment());
        testbed.process.Interruption.installSignalHandlers(ExitCodes.INTERRUPTED);
        // A worker thread that runs out of memory must not leave the session waiting for it: one line, exit 4.
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            if (e instanceof OutOfMemoryError) {
                err.println("testbed: internal error: out of memory in thread " + thread.getName() + "; give the JVM more with TESTBED_JAVA_OPTS=-Xmx...");
                err.flush();
                System.exit(ExitCodes.INTERNAL);
            }
            err.println("testbed: internal error in thread " + thread.getName() + ": " + e);
        });
        int code = Testbed.run(workspace, out, err, args);
        out.flush();
        err.flush();
        System.exit(code);
    }
}
