package testbed.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import testbed.app.Flashing;
import testbed.config.Workspace;

/** {@code testbed flash}: options → {@link Flashing.FlashRequest}, the outcomes → a table and an exit code. */
@Command(name = "flash", mixinStandardHelpOptions = true,
        description = "Flash every selected tentacle (first variant, or the one --firmware names) and verify the version it reports.")
final class FlashCommand implements Callable<Integer> {

    private final Workspace workspace;

    @Spec
    CommandSpec spec;

    @Mixin
    LabOptions lab;

    @Mixin
    SelectionOptions selection;

    @Mixin
    ResultsOptions results;

    @Option(names = "--force", description = "Flash even boards that already run the firmware.")
    boolean force;

    @Option(names = "--last-variant", description = "Flash each board's last variant instead of its first.")
    boolean lastVariant;

    FlashCommand(Workspace workspace) {
        this.workspace = workspace;
    }

    @Override
    public Integer call() {
        Flashing.Result r = Flashing.flash(workspace, new Flashing.FlashRequest(lab.lab(workspace), selection.toRequest(workspace), force, lastVariant,
                results.dir(workspace).resolve("flash")));
        PrintWriter out = spec.commandLine().getOut();
        Table table = new Table("tentacle", "firmware", "result", "time");
        for (Flashing.Outcome o : r.outcomes()) {
            table.row(o.tentacle().label(), o.firmware(), o.action(), String.format("%.1fs", o.took().toMillis() / 1000.0));
        }
        for (Flashing.Missing m : r.missing()) {
            table.row(m.tentacle().label(), "-", "not found: " + m.reason(), "-");
        }
        table.print(out, "");
        out.println("Logs: " + r.logs());
        return r.anyFailed() ? ExitCodes.INFRASTRUCTURE : ExitCodes.OK;
    }
}
