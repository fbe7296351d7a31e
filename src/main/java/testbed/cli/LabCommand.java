package testbed.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import testbed.app.LabUp;
import testbed.config.Workspace;

/** {@code testbed lab up}: the lab's boards held up for direct use. */
@Command(name = "lab", mixinStandardHelpOptions = true, description = "Work with the lab itself.", subcommands = {LabCommand.Up.class, LabCommand.Status.class,
        LabCommand.Disable.class, LabCommand.Enable.class})
final class LabCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing what to do: up, status, disable, enable");
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

    @Command(name = "disable", mixinStandardHelpOptions = true,
            description = {"Take a tentacle out of the lab by hand (rewiring, a board on the bench): no session hands it a run until "
                    + "'testbed lab enable'; what it would have run is left over with who, when and why. --allow-disabled uses it anyway."})
    static final class Disable implements Callable<Integer> {
        private final Workspace workspace;

        @Spec
        CommandSpec spec;

        @Mixin
        LabOptions lab;

        @picocli.CommandLine.Parameters(paramLabel = "TENTACLE", description = "Its label (e.g. 3b01-RPI_PICO_W) or serial.")
        String tentacle;

        @picocli.CommandLine.Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why, for whoever finds it disabled.")
        String reason;

        @picocli.CommandLine.Option(names = "--queue", paramLabel = "JDBC_URL",
                description = "A lab of several hosts: kept in the queue's database, for every coordinator (the tentacle of a live agent).")
        String queue;

        Disable(Workspace workspace) {
            this.workspace = workspace;
        }

        @Override
        public Integer call() {
            var d = queue != null ? testbed.app.TakenOut.disableInQueue(workspace, queue, tentacle, reason, java.time.Clock.systemUTC())
                    : testbed.app.TakenOut.disable(workspace, lab.lab(workspace), tentacle, reason, java.time.Clock.systemUTC());
            spec.commandLine().getOut().println(d.label() + ": " + d.describe());
            return ExitCodes.OK;
        }
    }

    @Command(name = "enable", mixinStandardHelpOptions = true, description = "Put a tentacle disabled by hand back into the lab.")
    static final class Enable implements Callable<Integer> {
        private final Workspace workspace;

        @Spec
        CommandSpec spec;

        @Mixin
        LabOptions lab;

        @picocli.CommandLine.Parameters(paramLabel = "TENTACLE", description = "Its label or serial.")
        String tentacle;

        @picocli.CommandLine.Option(names = "--queue", paramLabel = "JDBC_URL", description = "A lab of several hosts: enable it in the queue's database.")
        String queue;

        Enable(Workspace workspace) {
            this.workspace = workspace;
        }

        @Override
        public Integer call() {
            var was = queue != null ? testbed.app.TakenOut.enableInQueue(workspace, queue, tentacle)
                    : testbed.app.TakenOut.enable(workspace, lab.lab(workspace), tentacle);
            spec.commandLine().getOut().println(tentacle + ": " + was.map(d -> "enabled (it was " + d.describe() + ")").orElse("was not disabled"));
            return ExitCodes.OK;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "The hosts of a queue (testbed agent), their tentacles, the leases held now and each host's last heartbeat.")
    static final class Status implements Callable<Integer> {
        private final Workspace workspace;

        @Spec
        CommandSpec spec;

        @picocli.CommandLine.Option(names = "--queue", required = true, paramLabel = "JDBC_URL", description = "The queue: jdbc:postgresql://HOST/DB.")
        String queue;

        Status(Workspace workspace) {
            this.workspace = workspace;
        }

        @Override
        public Integer call() {
            testbed.queue.LabStatus.Status s = testbed.queue.LabStatus.read(queue, workspace.settings());
            java.io.PrintWriter out = spec.commandLine().getOut();
            Table hosts = new Table("HOST", "LAB", "STATE", "LAST HEARTBEAT", "TENTACLES", "LEASED");
            s.hosts().forEach(h -> hosts.row(h.host(), h.lab(), h.live() ? "live" : h.state().equals("online") ? "silent" : h.state(),
                    h.silentSeconds() + " s ago", h.tentacles(), h.leased()));
            if (s.hosts().isEmpty()) {
                out.println("no hosts registered");
                return ExitCodes.OK;
            }
            out.println("hosts:");
            hosts.print(out, "  ");
            var disabled = testbed.queue.QueueDisabled.of(queue, workspace.settings());
            Table tentacles = new Table("HOST", "TENTACLE", "SERIAL", "FIRMWARE", "LEASED FOR");
            s.tentacles().forEach(t -> tentacles.row(t.host(), t.label(), t.serial(), t.firmware(), t.lease().isEmpty()
                    ? (disabled.containsKey(t.serial()) ? disabled.get(t.serial()).describe() : "-") : t.lease()));
            if (!tentacles.isEmpty()) {
                out.println("tentacles:");
                tentacles.print(out, "  ");
            }
            Table leases = new Table("LEASE", "SESSION", "RUN", "HOST", "STATE", "EPOCH", "EXPIRES IN");
            s.leases().forEach(l -> leases.row(l.id(), l.session(), l.testid(), l.host(), l.state(), l.epoch(), l.expiresInSeconds() + " s"));
            if (leases.isEmpty()) {
                out.println("no leases held");
            } else {
                out.println("leases:");
                leases.print(out, "  ");
            }
            return ExitCodes.OK;
        }
    }
}
