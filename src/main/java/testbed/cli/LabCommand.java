package testbed.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import testbed.app.LabUp;
import testbed.config.Workspace;

/** {@code testbed lab up}: the lab's boards held up for direct use. */
@Command(name = "lab", mixinStandardHelpOptions = true, description = "Work with the lab itself.", subcommands = {LabCommand.Up.class})
final class LabCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing what to do: up");
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = {"Connect and lock the selected tentacles and print their devices, until Ctrl-C: run MicroPython's runners on them "
                    + "directly, e.g. run-tests.py -t port:DEVICE.", "A virtual lab's boards exist only while this runs."})
    static final class Up implements Callable<Integer> {
        private final Workspace workspace;

        @Spec
        CommandSpec spec;

        @Mixin
        LabOptions lab;

        @Mixin
        SelectionOptions selection;

        Up(Workspace workspace) {
            this.workspace = workspace;
        }

        @Override
        public Integer call() {
            LabUp.run(workspace, lab.lab(workspace), selection.toRequest(workspace), spec.commandLine().getOut());
            return ExitCodes.OK;
        }
    }
}
