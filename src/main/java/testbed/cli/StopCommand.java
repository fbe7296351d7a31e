package testbed.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import testbed.app.Stop;
import testbed.config.Workspace;

/** {@code testbed stop}: the kill switch of a running (unattended) session. */
@Command(name = "stop", mixinStandardHelpOptions = true,
        description = "Ask the session running in the results folder to stop: it starts nothing new, lets its runs end "
                + "(or interrupts them with --now), then writes its reports. Same as a STOP file in the results folder.")
final class StopCommand implements Callable<Integer> {

    private final Workspace workspace;

    @Spec
    CommandSpec spec;

    @Mixin
    ResultsOptions results;

    @Option(names = "--now", description = "Interrupt the runs still going instead of letting them end.")
    boolean now;

    StopCommand(Workspace workspace) {
        this.workspace = workspace;
    }

    @Override
    public Integer call() {
        Stop.ask(results.dir(workspace), now);
        spec.commandLine().getOut().println("asked the session in " + results.dir(workspace) + " to stop"
                + (now ? ", interrupting its runs" : " once its running runs have ended"));
        return ExitCodes.OK;
    }
}
