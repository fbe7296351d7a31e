package testbed.cli;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import testbed.config.Workspace;
import testbed.model.LabException;
import testbed.queue.QueueDb;
import testbed.queue.QueueRoles;

/** {@code testbed queue init}: the queue's tables and its two database roles, set up by the database's owner. */
@Command(name = "queue", mixinStandardHelpOptions = true, description = "The queue of a lab of several hosts (PostgreSQL).",
        subcommands = QueueCommand.Init.class)
final class QueueCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing what to do: init");
    }

    @Command(name = "init", mixinStandardHelpOptions = true,
            description = {"As the database's owner: create or upgrade the queue's and the history's tables, and the two roles a lab "
                    + "gives its logins: coordinators (run --queue) and agents (agent). Prints every statement (the GRANTs and "
                    + "row-level policies) before it applies them; run it again after an upgrade.",
                "An agent's login can then change only the rows of its own host: never open a session, write a lease or touch the history."})
    static final class Init implements Callable<Integer> {
        private final Workspace workspace;

        @Spec
        CommandSpec spec;

        @Option(names = "--queue", required = true, paramLabel = "JDBC_URL", description = "The queue's database, as its owner "
                + "(user and password from $TESTBED_HISTORY_USER/_PASSWORD, ~/.pgpass or the URL).")
        String queue;

        @Option(names = "--coordinator-role", paramLabel = "ROLE", defaultValue = "testbed_coordinator",
                description = "Group role of coordinator logins (default: ${DEFAULT-VALUE}).")
        String coordinatorRole;

        @Option(names = "--agent-role", paramLabel = "ROLE", defaultValue = "testbed_agent", description = "Group role of agent logins (default: ${DEFAULT-VALUE}).")
        String agentRole;

        @Option(names = "--print-only", description = "Print the statements for a database administrator; change nothing.")
        boolean printOnly;

        Init(Workspace workspace) {
            this.workspace = workspace;
        }

        @Override
        public Integer call() {
            QueueRoles roles = new QueueRoles(coordinatorRole, agentRole);
            PrintWriter out = spec.commandLine().getOut();
            roles.statements().forEach(s -> out.println(s + ";"));
            out.println("-- then one login per coordinator and per agent host, e.g.:");
            roles.loginExamples().forEach(s -> out.println("-- " + s));
            if (printOnly) {
                return ExitCodes.OK;
            }
            try (QueueDb db = QueueDb.open(queue, workspace.settings())) {
                testbed.history.JdbcHistory.open(queue, workspace.settings()).close(); // the history's tables, beside the queue's
                Connection c = db.connection();
                roles.apply(c);
            } catch (SQLException e) {
                throw new LabException("queue init " + QueueDb.redact(queue) + ": " + QueueDb.firstLine(e.getMessage()), e);
            }
            out.println("queue init: tables up to date, roles " + coordinatorRole + " and " + agentRole + " granted");
            return ExitCodes.OK;
        }
    }
}
