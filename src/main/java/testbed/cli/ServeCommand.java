package testbed.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import testbed.app.Histories;
import testbed.config.Workspace;
import testbed.model.InvalidInputException;
import testbed.model.Lab;
import testbed.serve.ServeConfig;
import testbed.serve.WebApp;

/** {@code testbed serve}: the lab, its sessions, its history and its results in a browser, until Ctrl-C. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"The lab in a browser, read-only: every tentacle and what it does now (live), the sessions (the running one live, "
                + "with its Gantt chart), the history (pass rates, flaky and broken tests, regressions, benchmarks with their noise band) "
                + "and every file of results/, a failing test's output beside what was expected.",
            "It listens on 127.0.0.1 only, unless --bind says otherwise; then --token is required and every request must carry it."})
final class ServeCommand implements Callable<Integer> {

    private final Workspace workspace;

    @Spec
    CommandSpec spec;

    @Mixin
    LabOptions lab;

    @Mixin
    ResultsOptions results;

    @Mixin
    HistoryOptions history;

    @Option(names = "--no-history", description = "Show no history (the lab, the sessions and the results only).")
    boolean noHistory;

    @Option(names = "--queue", paramLabel = "JDBC_URL", description = "A lab of several hosts: its tentacles are those the agents registered.")
    String queue;

    @Option(names = "--port", paramLabel = "N", defaultValue = "8080", description = "Port (default: ${DEFAULT-VALUE}; 0: any free one).")
    int port;

    @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--token", paramLabel = "TOKEN", description = "Required on every request (header Authorization: Bearer TOKEN, or once as "
            + "?token=TOKEN, then a cookie). Needed when --bind is not a loopback address.")
    String token;

    @Option(names = "--token-file", paramLabel = "FILE", description = "The token from a file (its first line), so it stays out of the process list.")
    Path tokenFile;

    ServeCommand(Workspace workspace) {
        this.workspace = workspace;
    }

    @Override
    public Integer call() throws InterruptedException {
        Optional<String> secret = Optional.ofNullable(token);
        if (tokenFile != null) {
            try {
                secret = Files.readAllLines(tokenFile).stream().map(String::strip).filter(l -> !l.isEmpty()).findFirst();
            } catch (IOException e) {
                throw new InvalidInputException("--token-file " + tokenFile + ": cannot read it (" + e.getMessage() + ")");
            }
            if (secret.isEmpty()) {
                throw new InvalidInputException("--token-file " + tokenFile + ": empty");
            }
        }
        Lab l = queue == null ? workspace.lab(lab.lab(workspace)) : null;
        Optional<String> historyUrl = noHistory ? Optional.empty() : Optional.of(Histories.url(history.choice(), workspace.settings()));
        ServeConfig config = new ServeConfig(results.dir(workspace), historyUrl, Optional.ofNullable(queue), l == null ? "" : l.name(),
                l == null ? List.of() : l.tentacles(), workspace.stateDir(), workspace.settings(), bind, port, secret);
        CountDownLatch stop = new CountDownLatch(1);
        Runnable onStop = testbed.process.Interruption.onRequest(stop::countDown);
        try (WebApp app = WebApp.start(config)) {
            spec.commandLine().getOut().println("testbed serve: " + app.url() + (secret.isPresent() ? " (token required)" : "") + "; Ctrl-C to stop");
            spec.commandLine().getOut().flush();
            stop.await();
        } finally {
            onStop.run();
        }
        return ExitCodes.OK;
    }
}
