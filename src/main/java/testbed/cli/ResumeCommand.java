package testbed.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import testbed.app.Runs;
import testbed.config.Workspace;
import testbed.model.InvalidInputException;
import testbed.session.SessionFiles;
import testbed.session.SessionRecord;

/**
 * {@code testbed resume [SESSION]}: continues an interrupted or killed session (kill -9, power loss, stop --now) as
 * session.json recorded its request: the same session id, what it finished kept as recorded, the rest run now.
 */
@Command(name = "resume", mixinStandardHelpOptions = true,
        description = "Continue the interrupted or killed session in the results folder: what it finished stays recorded, the rest runs; "
                + "a run cut off twice in a row is not tried a third time.")
final class ResumeCommand implements Callable<Integer> {

    private final Workspace workspace;

    @Spec
    CommandSpec spec;

    @Mixin
    ResultsOptions results;

    @Parameters(arity = "0..1", paramLabel = "SESSION", description = "The session id (default: the one in the results folder).")
    String session;

    ResumeCommand(Workspace workspace) {
        this.workspace = workspace;
    }

    @Override
    public Integer call() {
        Path dir = results.dir(workspace);
        SessionRecord previous = SessionFiles.read(dir);
        if (session != null && !session.equals(previous.sessionId())) {
            throw new InvalidInputException("resume: the results folder " + dir + " holds session " + previous.sessionId() + ", not " + session);
        }
        if (!previous.status().resumable()) {
            throw new InvalidInputException("resume: session " + previous.sessionId() + " completed; nothing to resume");
        }
        // The recorded request; a session.json from before requests were recorded has only its command line (read, never run).
        RunCommand options = null;
        Runs.RunRequest request = Runs.resumeRequest(workspace, previous, dir).orElse(null);
        if (request == null) {
            List<String> args = new ArrayList<>(previous.commandLine().subList(Math.min(2, previous.commandLine().size()), previous.commandLine().size()));
            args.removeIf(a -> a.equals("--resume"));
            options = RunCommand.parse(workspace, args);
            request = options.request(true).withResults(dir);
        }
        spec.commandLine().getOut().println("resuming session " + previous.sessionId() + " in " + dir);
        Runs.RunResult r = Runs.run(workspace, request, new ConsoleProgress(spec.commandLine().getOut(), System.console() != null), Clock.systemUTC());
        return options != null ? options.finish(r, spec.commandLine().getOut(), spec.commandLine().getErr())
                : RunCommand.finish(r, spec.commandLine().getOut(), spec.commandLine().getErr(), java.util.Optional.empty(), false);
    }
}
