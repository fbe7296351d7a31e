package testbed.process;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteException;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.PumpStreamHandler;

/**
 * Runs an external tool (a programmer, npm, a build command, a test runner) through commons-exec with a watchdog, its
 * stdout and stderr merged into a log file that starts with the command and ends with its return code and duration,
 * so it can be followed with {@code tail -f} and read after the fact.
 */
public final class ToolRunner {

    /** How a tool run ended. {@code timedOut} means the watchdog killed it. */
    public record Result(int exitCode, boolean timedOut, Duration duration) {
        public boolean succeeded() {
            return exitCode == 0 && !timedOut;
        }
    }

    private ToolRunner() {}

    /**
     * commons-exec's watchdog destroys only the direct child; a runner script's own children (python, a board
     * simulator) would live on and keep the output pipe open. This one kills the whole tree, children first.
     */
    private static final class TreeKillingWatchdog extends ExecuteWatchdog {
        private Process process;
        /** Set when the timeout fired: the process may already be gone by the time the base class looks (its children were killed first). */
        private volatile boolean fired;

        @SuppressWarnings("deprecation")
        TreeKillingWatchdog(Duration timeout) {
            super(timeout.toMillis());
        }

        @Override
        public synchronized void start(Process p) {
            this.process = p;
            super.start(p);
        }

        @Override
        public synchronized void timeoutOccured(org.apache.commons.exec.Watchdog w) {
            fired = true;
            if (process != null) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
            }
            super.timeoutOccured(w);
        }
    }

    /**
     * @param log appended to; its parent folder is created
     * @param env extra environment variables on top of this process's environment
     */
    public static Result run(List<String> command, Path workDir, Map<String, String> env, Duration timeout, Path log) throws IOException {
        Files.createDirectories(log.toAbsolutePath().getParent());
        try (OutputStream out = Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            return run(command, workDir, env, timeout, out);
        }
    }

    public static Result run(List<String> command, Path workDir, Map<String, String> env, Duration timeout, OutputStream out) throws IOException {
        return run(command, workDir, env, timeout, out, true);
    }

    /** What a quick tool prints (stdout and stderr), without the transcript lines: for tools whose answer is parsed (git rev-parse). */
    public record Captured(Result result, String output) {}

    public static Captured capture(List<String> command, Path workDir, Map<String, String> env, Duration timeout) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        Result r = run(command, workDir, env, timeout, out, false);
        return new Captured(r, out.toString(StandardCharsets.UTF_8));
    }

    /** The tool's output goes to {@code out}, framed by a transcript (cd, timeout, env, command; return code, duration) when asked. */
    public static Result run(List<String> command, Path workDir, Map<String, String> env, Duration timeout, OutputStream out, boolean transcript)
            throws IOException {
        CommandLine cl = new CommandLine(command.get(0));
        for (String arg : command.subList(1, command.size())) {
            cl.addArgument(arg, false);
        }
        StringBuilder header = new StringBuilder();
        header.append("cd ").append(workDir.toAbsolutePath()).append('\n');
        header.append("timeout_s=").append(timeout.toSeconds()).append('\n');
        env.forEach((k, v) -> header.append("export ").append(k).append('=').append(v).append('\n'));
        header.append(String.join(" ", command)).append('\n');
        if (transcript) {
            out.write(header.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        TreeKillingWatchdog watchdog = new TreeKillingWatchdog(timeout);
        DefaultExecutor executor = DefaultExecutor.builder().setWorkingDirectory(workDir.toFile()).get();
        executor.setWatchdog(watchdog);
        executor.setStreamHandler(new PumpStreamHandler(out, out));
        executor.setExitValues(null);
        // The child inherits this process's environment (as a shell would start it) plus the run's own variables.
        Map<String, String> environment = org.apache.commons.exec.environment.EnvironmentUtils.getProcEnvironment();
        environment.putAll(env);
        long start = System.nanoTime();
        int code = 0;
        for (int attempt = 1; ; attempt++) {
            try {
                code = executor.execute(cl, environment);
                break;
            } catch (ExecuteException e) {
                code = e.getExitValue();
                break;
            } catch (IOException e) {
                // ETXTBSY: a tool written a moment ago is still open for writing in a child another thread was forking.
                if (String.valueOf(e.getMessage()).contains("error=26") && attempt < 5) {
                    sleepQuietly(50L * attempt);
                    continue;
                }
                String msg = "cannot run " + command.get(0) + ": " + e.getMessage() + "\n";
                out.write(msg.getBytes(StandardCharsets.UTF_8));
                throw e;
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        boolean killed = watchdog.fired || watchdog.killedProcess();
        String trailer = (killed ? "TIMEOUT after " + timeout.toSeconds() + "s: killed\n" : "") + "returncode=" + code + "\nduration="
                + String.format("%.3fs", took.toNanos() / 1e9) + "\n";
        if (transcript) {
            out.write(trailer.getBytes(StandardCharsets.UTF_8));
        }
        out.flush();
        return new Result(code, killed, took);
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
