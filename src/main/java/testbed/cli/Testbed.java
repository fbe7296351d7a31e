package testbed.cli;

import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import testbed.config.Workspace;
import testbed.model.InvalidInputException;
import testbed.model.LabException;

/** The root command and the one place where the command line is assembled and errors become exit codes. */
@Command(
        name = "testbed",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Schedules MicroPython tests on a lab of boards (tentacles): real USB boards or the built-in virtual lab.",
        subcommands = {
            RunCommand.class,
            CompareCommand.class,
            BisectCommand.class,
            StopCommand.class,
            ResumeCommand.class,
            NightlyCommand.class,
            ListCommand.class,
            FlashCommand.class,
            LabCommand.class,
            AgentCommand.class,
            QueueCommand.class,
            ServeCommand.class,
            HistoryCommand.class,
            ReportCommand.class,
            DoctorCommand.class,
            BenchCommand.class,
            AutoComplete.GenerateCompletion.class,
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:all selected tests passed (and the history has the session)",
            "1:tests failed, or a firmware image does not verify on two identical boards",
            "2:invalid input: usage, data files, unknown names, missing folders",
            "3:lab or infrastructure error (a board quarantined, work left over, results disk full, history behind)",
            "4:internal error (a bug: please report it)",
            "130:interrupted (Ctrl-C or SIGTERM)",
        })
public final class Testbed implements Runnable {

    @Spec
    CommandSpec spec;

    @Option(names = "--stacktrace", scope = ScopeType.INHERIT, description = "Print the stack trace of an error.")
    boolean stacktrace;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command");
    }

    /**
     * Runs one command line; never exits the JVM and never touches System.out/err. Running out of memory anywhere is
     * an internal error (exit 4) with one line, never a stack trace and an exit code that means "tests failed".
     */
    public static int run(Workspace workspace, PrintWriter out, PrintWriter err, String... args) {
        Optional<String> unknown = unknownSubcommand(commandLine(workspace, out, err), args);
        if (unknown.isPresent()) {
            err.println("testbed: " + unknown.get());
            err.flush();
            return ExitCodes.INVALID_INPUT;
        }
        try {
            return commandLine(workspace, out, err).execute(args);
        } catch (OutOfMemoryError e) {
            err.println("testbed: internal error: out of memory (" + e.getMessage() + "); give the JVM more with TESTBED_JAVA_OPTS=-Xmx...");
            err.flush();
            return ExitCodes.INTERNAL;
        }
    }

    /**
     * A word where a subcommand belongs that names none ({@code testbed nosuch --help}): picocli would print the help of
     * the command above and exit 0, as if the user had asked for it.
     */
    static Optional<String> unknownSubcommand(CommandLine cl, String... args) {
        CommandLine.ParseResult parsed;
        try {
            parsed = cl.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            return Optional.empty(); // execute reports it, with its suggestions
        }
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (!p.commandSpec().subcommands().isEmpty() && !p.unmatched().isEmpty() && p.subcommand() == null) {
                String word = p.unmatched().get(0);
                List<String> close = word.startsWith("-") ? List.of() : new ArrayList<>(p.commandSpec().subcommands().keySet()).stream()
                        .filter(n -> n.startsWith(word.substring(0, Math.min(2, word.length())))).toList();
                return Optional.of((word.startsWith("-") ? "Unknown option: '" : "Unknown subcommand '") + word + "' of '"
                        + p.commandSpec().qualifiedName() + "'" + (close.isEmpty() ? "." : "; did you mean " + String.join(" or ", close) + "?")
                        + " See '" + p.commandSpec().qualifiedName() + " --help'.");
            }
        }
        return Optional.empty();
    }

    public static CommandLine commandLine(Workspace workspace, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Testbed(), new WorkspaceFactory(workspace));
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(Testbed::handleExecutionException);
        cl.setParameterExceptionHandler(Testbed::handleParameterException);
        cl.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(false);
        return cl;
    }

    private static int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        boolean trace = parsed.matchedOption("--stacktrace") != null
                || (parsed.subcommand() != null && hasStacktrace(parsed));
        int code;
        if (ex instanceof InvalidInputException) {
            err.println("testbed: error: " + ex.getMessage());
            code = ExitCodes.INVALID_INPUT;
        } else if (ex instanceof LabException) {
            err.println("testbed: lab error: " + ex.getMessage());
            code = ExitCodes.INFRASTRUCTURE;
        } else {
            err.println("testbed: internal error: " + ex + (trace ? "" : " (run with --stacktrace for details)"));
            code = ExitCodes.INTERNAL;
        }
        if (trace) {
            ex.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    private static boolean hasStacktrace(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.matchedOption("--stacktrace") != null) {
                return true;
            }
        }
        return false;
    }

    private static int handleParameterException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println("testbed: " + ex.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("See '" + cl.getCommandSpec().qualifiedName() + " --help'.");
        err.flush();
        return ExitCodes.INVALID_INPUT;
    }

    /** Creates commands, handing the workspace to those whose constructor takes one. */
    record WorkspaceFactory(Workspace workspace) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            try {
                Constructor<K> c = cls.getDeclaredConstructor(Workspace.class);
                return c.newInstance(workspace);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(cls);
            }
        }
    }
}
