package testbed.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import testbed.app.Doctor;
import testbed.config.Workspace;

/** {@code testbed doctor}: the effective settings, what this host has, what is missing, and how to install it. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Print the effective settings; check node and the MicroPython package, pty support, QEMU, every programmer, "
                + "serial-port and hub-power permissions.")
final class DoctorCommand implements Callable<Integer> {

    private final Workspace workspace;

    @Spec
    CommandSpec spec;

    DoctorCommand(Workspace workspace) {
        this.workspace = workspace;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Table settings = new Table("setting", "value (from)");
        settings.row("home", workspace.home().toString());
        workspace.settings().describe().forEach((k, v) -> settings.row(k, v));
        settings.print(out, "");
        out.println();
        Table table = new Table("check", "status", "detail");
        boolean requiredMissing = false;
        var doctor = Doctor.forHost(workspace.settings());
        for (Doctor.Check c : doctor.run()) {
            table.row(c.name(), c.status().name().toLowerCase(), c.detail());
            requiredMissing |= c.required() && c.status() == Doctor.Status.MISSING;
        }
        table.print(out, "");
        if (requiredMissing) {
            out.println("\nThe virtual lab cannot run until the missing required parts are installed.");
        }
        return requiredMissing ? ExitCodes.INFRASTRUCTURE : ExitCodes.OK;
    }
}
