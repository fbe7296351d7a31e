package testbed.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import testbed.flash.ToolLocator;
import testbed.lab.Doctor;
import testbed.lab.SysfsUsb;

/** {@code testbed doctor}: what this host has, what is missing, and how to install it. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Check node and the MicroPython package, pty support, QEMU, every programmer, serial-port and hub-power permissions.")
final class DoctorCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Table table = new Table("check", "status", "detail");
        boolean requiredMissing = false;
        for (Doctor.Check c : new Doctor(ToolLocator.fromEnvironment(), SysfsUsb.system()).run()) {
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
