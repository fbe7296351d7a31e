package testbed.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import testbed.config.FirmwareLoader;
import testbed.config.Workspace;
import testbed.flash.FirmwareBuilder;
import testbed.flash.FlashException;
import testbed.flash.Flasher;
import testbed.flash.ToolLocator;
import testbed.lab.ConnectedLab;
import testbed.lab.Discovery;
import testbed.model.BoardVariant;
import testbed.model.Firmware;
import testbed.model.Lab;
import testbed.model.Tentacle;
import testbed.selection.Selection;

/** {@code testbed flash}: flash every selected tentacle with its firmware, verified, skipping boards that already run it. */
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

    @Option(names = "--force", description = "Flash even boards that already run the firmware.")
    boolean force;

    @Option(names = "--last-variant", description = "Flash each board's last variant instead of its first.")
    boolean lastVariant;

    @Option(names = "--results", paramLabel = "DIR", description = "Where flashing logs go (default: results/flash/).")
    Path results;

    FlashCommand(Workspace workspace) {
        this.workspace = workspace;
    }

    private record Outcome(Tentacle tentacle, String firmware, String action, Duration took) {}

    @Override
    public Integer call() {
        Lab l = workspace.lab(lab.lab);
        Map<BoardVariant, Firmware> catalog = workspace.firmware();
        catalog.values().forEach(FirmwareLoader::verifyImage);
        Path logs = (results != null ? results : workspace.resultsDir()).resolve("flash");
        PrintWriter out = spec.commandLine().getOut();
        Flasher flasher = new Flasher(ToolLocator.fromEnvironment());
        try (ConnectedLab connected = ConnectedLab.connect(l, workspace)) {
            Discovery discovery = connected.discovery();
            Selection selected = Selection.select(discovery.tentacles(), workspace.specs(), catalog.keySet(), selection.toRequest());
            var bySerial = discovery.bySerial();
            List<CompletableFuture<Outcome>> jobs = new ArrayList<>();
            for (Tentacle t : selected.duts()) {
                String variant = lastVariant ? t.variants().get(t.variants().size() - 1) : t.variants().get(0);
                Firmware firmware = catalog.get(t.boardVariant(variant));
                var dut = bySerial.get(t.serial()).dut();
                jobs.add(CompletableFuture.supplyAsync(() -> flashOne(flasher, dut, t, variant, firmware, logs.resolve(t.label()))));
            }
            Table table = new Table("tentacle", "firmware", "result", "time");
            boolean failed = false;
            for (var job : jobs) {
                Outcome o = job.join();
                failed |= o.action().startsWith("FAILED");
                table.row(o.tentacle().label(), o.firmware(), o.action(), String.format("%.1fs", o.took().toMillis() / 1000.0));
            }
            for (Discovery.Missing m : discovery.missing()) {
                table.row(m.tentacle().label(), "-", "not found: " + m.reason(), "-");
            }
            table.print(out, "");
            out.println("Logs: " + logs);
            return failed ? ExitCodes.INFRASTRUCTURE : ExitCodes.OK;
        }
    }

    private Outcome flashOne(Flasher flasher, testbed.lab.Dut dut, Tentacle t, String variant, Firmware firmware, Path logDir) {
        // This tentacle's log lines go to its own logger_*.log files, as for an attempt of a run.
        try (var ignored = org.apache.logging.log4j.CloseableThreadContext.put("attemptDir", logDir.toString())) {
            return flashOneLogged(flasher, dut, t, variant, firmware, logDir);
        }
    }

    private Outcome flashOneLogged(Flasher flasher, testbed.lab.Dut dut, Tentacle t, String variant, Firmware firmware, Path logDir) {
        long start = System.nanoTime();
        String name = t.boardVariant(variant).name();
        if (firmware == null) {
            return new Outcome(t, name, "FAILED: no firmware/" + name + "/firmware.json", Duration.ZERO);
        }
        if (firmware.needsBuild() && !java.nio.file.Files.isRegularFile(firmware.image())) {
            String problem = FirmwareBuilder.build(firmware, logDir.resolve("build_stdout.txt"), Duration.ofHours(1));
            if (problem != null) {
                return new Outcome(t, name, "FAILED: " + problem, Duration.ofNanos(System.nanoTime() - start));
            }
        }
        if (!force && !flasher.needsFlash(dut, firmware)) {
            return new Outcome(t, name, "already runs it", Duration.ofNanos(System.nanoTime() - start));
        }
        try {
            flasher.flash(dut, firmware, logDir.resolve("flashing_stdout.txt"));
            return new Outcome(t, name, "flashed and verified", Duration.ofNanos(System.nanoTime() - start));
        } catch (FlashException e) {
            return new Outcome(t, name, "FAILED: " + e.getMessage(), Duration.ofNanos(System.nanoTime() - start));
        }
    }
}
