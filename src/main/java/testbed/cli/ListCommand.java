package testbed.cli;

import java.io.PrintWriter;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import testbed.config.Workspace;
import testbed.model.Firmware;
import testbed.model.Lab;
import testbed.model.Tentacle;
import testbed.model.TestRunSpec;

/** {@code testbed list tentacles|specs|firmware}. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List the lab's tentacles, the test groups or the firmware.",
        subcommands = {ListCommand.Tentacles.class, ListCommand.Specs.class, ListCommand.Firmwares.class})
final class ListCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing what to list: tentacles, specs or firmware");
    }

    @Command(name = "tentacles", mixinStandardHelpOptions = true,
            description = "Find the lab's tentacles and show each with its device, state and the firmware it reports.")
    static final class Tentacles implements Callable<Integer> {
        private final Workspace workspace;

        @Spec
        CommandSpec spec;

        @Mixin
        LabOptions lab;

        Tentacles(Workspace workspace) {
            this.workspace = workspace;
        }

        @Option(names = "--inventory", description = "Only print the inventory; do not look for the tentacles.")
        boolean inventoryOnly;

        @Override
        public Integer call() {
            Lab l = workspace.lab(lab.lab(workspace));
            PrintWriter out = spec.commandLine().getOut();
            out.printf("Lab '%s' (%s): %d tentacles%n%n", l.name(), l.file(), l.tentacles().size());
            if (inventoryOnly) {
                Table table = new Table("label", "serial", "board", "port", "variants", "FUTs", "programmer", "connection", "tags");
                for (Tentacle t : l.tentacles()) {
                    table.row(t.label(), t.serial(), t.board(), t.port(), variants(t), futs(t), t.programmer().name(), t.connection().kind(),
                            new TreeMap<>(t.tags()).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(",")));
                }
                table.print(out, "  ");
                return ExitCodes.OK;
            }
            testbed.app.Listing.Result found = testbed.app.Listing.tentacles(workspace, lab.lab(workspace));
            Table table = new Table("label", "board", "variants", "FUTs", "state", "device", "firmware");
            for (testbed.app.Listing.Found f : found.tentacles()) {
                Tentacle t = f.tentacle();
                table.row(t.label(), t.board(), variants(t), futs(t), f.state(), f.device(), f.firmware().orElse("-"));
            }
            table.print(out, "  ");
            if (!found.unknown().isEmpty()) {
                out.printf("%nUnknown boards (not in the inventory, not used):%n");
                found.unknown().forEach(u -> out.println("  " + u));
            }
            return found.anyFound() ? ExitCodes.OK : ExitCodes.INFRASTRUCTURE;
        }
    }

    static String variants(Tentacle t) {
        return t.variants().stream().map(v -> v.isEmpty() ? "(default)" : v).collect(Collectors.joining(","));
    }

    static String futs(Tentacle t) {
        return t.futs().stream().sorted().map(f -> f.name().substring(4)).collect(Collectors.joining(","));
    }

    @Command(name = "specs", mixinStandardHelpOptions = true, description = "List the test groups (testrunspecs/*.json).")
    static final class Specs implements Callable<Integer> {
        private final Workspace workspace;

        @Spec
        CommandSpec spec;

        Specs(Workspace workspace) {
            this.workspace = workspace;
        }

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Table table = new Table("label", "FUT", "reference", "priority", "timeout", "estimate", "runner", "description");
            for (TestRunSpec s : workspace.specs()) {
                table.row(s.label(), s.requiredFut(), s.requiresReference() ? "yes" : "-", s.priority(), seconds(s.timeoutSeconds()),
                        s.estimatedDurationSeconds().isPresent() ? seconds(s.estimatedDurationSeconds().getAsDouble()) : "-",
                        s.runner().kind(), s.description());
            }
            table.print(out, "");
            return ExitCodes.OK;
        }
    }

    @Command(name = "firmware", mixinStandardHelpOptions = true, description = "List the firmware images (firmware/*/firmware.json).")
    static final class Firmwares implements Callable<Integer> {
        private final Workspace workspace;

        @Spec
        CommandSpec spec;

        Firmwares(Workspace workspace) {
            this.workspace = workspace;
        }

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Table table = new Table("firmware", "image", "source", "version");
            for (Firmware f : workspace.firmware().values()) {
                table.row(f.boardVariant().name(), f.image().getFileName(), f.needsBuild() ? "build" : "prebuilt", f.version());
            }
            if (table.isEmpty()) {
                out.println("No firmware in " + workspace.firmwareDir());
            } else {
                table.print(out, "");
            }
            return ExitCodes.OK;
        }
    }

    static String seconds(double s) {
        return s == Math.rint(s) ? (long) s + "s" : s + "s";
    }
}
