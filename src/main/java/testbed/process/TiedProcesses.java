package testbed.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Starts child processes that die with testbed, even by kill -9: each is started under {@code setpriv --pdeathsig
 * KILL}, and always from one long-lived thread, because Linux sends the parent-death signal when the thread that
 * started the child ends, not only the process. Where setpriv is missing, children start plainly (and a later
 * session reaps them by their pid files).
 */
public final class TiedProcesses {

    private static final ExecutorService SPAWNER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "tied-process-spawner");
        t.setDaemon(true);
        return t;
    });

    private final List<String> prefix;

    /** @param path the PATH to look for setpriv on */
    public TiedProcesses(String path) {
        Path setpriv = null;
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "setpriv"))) {
                setpriv = Path.of(dir, "setpriv");
                break;
            }
        }
        this.prefix = setpriv == null ? List.of() : List.of(setpriv.toString(), "--pdeathsig", "KILL", "--");
    }

    /** Whether children die with this process by themselves. */
    public boolean tied() {
        return !prefix.isEmpty();
    }

    /** Starts {@code pb}'s command, tied to this process. */
    public Process start(ProcessBuilder pb) throws IOException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(pb.command());
        pb.command(cmd);
        Future<Process> started = SPAWNER.submit(pb::start);
        try {
            return started.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting " + cmd.get(0), e);
        }
    }
}
