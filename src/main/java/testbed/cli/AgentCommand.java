package testbed.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import testbed.app.TimeBox;
import testbed.config.Workspace;
import testbed.queue.Agent;

/** {@code testbed agent}: serve this host's tentacles to the coordinators of a queue. */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = {"Serve this host's tentacles to a lab of several hosts: register them in the queue, run what coordinators "
                + "(testbed run --queue) lease to them, ship the results, until Ctrl-C.",
            "Each host runs one agent for the boards it owns; the coordinators and the history share the one PostgreSQL database."})
final class AgentCommand implements Callable<Integer> {

    private final Workspace workspace;

    @Spec
    CommandSpec spec;

    @Mixin
    LabOptions lab;

    @Option(names = "--queue", required = true, paramLabel = "JDBC_URL", description = "The queue: jdbc:postgresql://HOST/DB "
            + "(user and password from $TESTBED_HISTORY_USER/_PASSWORD, or in the URL).")
    String queue;

    @Option(names = "--host", paramLabel = "NAME", description = "This host's name in the queue (default: the host name).")
    String host;

    @Option(names = "--lease", paramLabel = "DURATION", defaultValue = "30s",
            description = "How long a lease lasts without a heartbeat; after that its run is lost and requeued elsewhere (default: ${DEFAULT-VALUE}).")
    String lease;

    @Option(names = "--heartbeat", paramLabel = "DURATION", defaultValue = "10s", description = "How often the agent says it lives (default: ${DEFAULT-VALUE}).")
    String heartbeat;

    @Option(names = "--python", paramLabel = "EXE", description = "Python for MicroPython's own runners (default: $TESTBED_PYTHON, else python3).")
    String python;

    @Option(names = "--allow-commands", description = "Run a session's LABEL:COMMAND runner overrides (--only-test LABEL:COMMAND of its "
            + "coordinator). Off by default: a command read from the database is never run.")
    boolean allowCommands;

    @Option(names = "--allow-source", paramLabel = "REMOTE|DIR", description = "A MicroPython source this agent may use for a session: a git "
            + "remote (any ref of it) or a folder (a checkout, tarballs or tests folders under it). Repeatable. Default: none; a session "
            + "with a source is then refused.")
    java.util.List<String> allowSources = new java.util.ArrayList<>();

    AgentCommand(Workspace workspace) {
        this.workspace = workspace;
    }

    @Override
    public Integer call() throws InterruptedException {
        Agent.Options options = new Agent.Options(host != null ? host : hostName(), TimeBox.duration("--lease", lease),
                TimeBox.duration("--heartbeat", heartbeat), python != null ? python : workspace.settings().python(),
                new testbed.queue.AgentTrust(allowCommands, allowSources));
        Agent.serve(workspace, workspace.lab(lab.lab(workspace)), queue, options, spec.commandLine().getOut());
        return ExitCodes.OK;
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "host-" + ProcessHandle.current().pid();
        }
    }
}
