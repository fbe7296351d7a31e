package testbed.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import testbed.config.Workspace;
import testbed.model.InvalidInputException;
import testbed.session.SessionFiles;
import testbed.session.SessionRecord;

/**
 * {@code testbed resume [SESSION]}: continues an interrupted or killed session (kill -9, power loss, stop --now) with
 * its own command line: the same session id, what it finished kept as recorded, the rest run now.
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
        SessionRecord previous = SessionFiles.read(results.dir(workspace));
        if (session != null && !session.equals(previous.sessionId())) {
            throw new InvalidInputException("resume: the results folder " + results.dir(workspace) + " holds session " + previous.sessionId()
                    + ", not " + session);
        }
        if (previous.status().equals("completed")) {
            throw new InvalidInputException("resume: session " + previous.sessionId() + " completed; nothing to resume");
        }
        List<String> args = new ArrayList<>(previous.commandLine().subList(1, previous.commandLine().size())); // without "testbed"
        if (!args.contains("--results")) {
            args.addAll(List.of("--results", results.dir(workspace).toString()));
        }
        args.add("--resume");
        spec.commandLine().getOut().println("resuming session " + previous.sessionId() + ": testbed " + String.join(" ", args));
        return Testbed.commandLine(workspace, spec.commandLine().getOut(), spec.commandLine().getErr()).execute(args.toArray(String[]::new));
    }
}
