package testbed.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.logging.log4j.CloseableThreadContext;
import testbed.config.FirmwareLoader;
import testbed.config.Workspace;
import testbed.flash.FirmwareBuilder;
import testbed.flash.FlashException;
import testbed.flash.Flasher;
import testbed.flash.ToolLocator;
import testbed.lab.Discovery;
import testbed.lab.Dut;
import testbed.lab.drivers.ConnectedLab;
import testbed.model.BoardVariant;
import testbed.model.Firmware;
import testbed.model.Lab;
import testbed.model.Tentacle;
import testbed.selection.Selection;
import testbed.selection.SelectionRequest;

/** {@code testbed flash}: every selected tentacle flashed with its firmware and verified, in parallel; boards that run it already are left alone. */
public final class Flashing {

    /** @param lastVariant each board's last variant instead of its first */
    public record FlashRequest(String lab, SelectionRequest selection, boolean force, boolean lastVariant, Path logs) {}

    /** One tentacle's result; {@code failed} when it does not run the firmware now. */
    public record Outcome(Tentacle tentacle, String firmware, String action, boolean failed, Duration took) {}

    /** A selected tentacle that was not found, and why. */
    public record Missing(Tentacle tentacle, String reason) {}

    public record Result(List<Outcome> outcomes, List<Missing> missing, Path logs) {
        public boolean anyFailed() {
            return outcomes.stream().anyMatch(Outcome::failed);
        }
    }

    private Flashing() {}

    public static Result flash(Workspace workspace, FlashRequest request) {
        Lab lab = workspace.lab(request.lab());
        Map<BoardVariant, Firmware> catalog = workspace.firmware();
        catalog.values().forEach(FirmwareLoader::verifyImage);
        Flasher flasher = new Flasher(ToolLocator.onPath(workspace.settings().path()));
        testbed.testrun.FlashLedger ledger = testbed.testrun.FlashLedger.in(workspace.settings().stateDir().resolve("flashed"));
        // Only the selected boards are connected (and a virtual board's process started).
        Selection wanted = Selection.select(lab.tentacles(), workspace.specs(), catalog.keySet(), request.selection());
        try (ConnectedLab connected = ConnectedLab.connect(lab.only(wanted.duts().stream().map(Tentacle::serial).toList()), workspace.settings())) {
            Discovery discovery = connected.discovery();
            Selection selected = wanted.among(discovery.tentacles().stream().map(Tentacle::serial).collect(java.util.stream.Collectors.toSet()));
            var bySerial = discovery.bySerial();
            java.util.Optional<Path> source = request.selection().micropython().flatMap(testbed.model.MicroPythonSource::root);
            List<CompletableFuture<Outcome>> jobs = new ArrayList<>();
            // Each firmware is built once, however many tentacles flash it (two builds in one build folder race).
            Map<BoardVariant, CompletableFuture<String>> builds = new java.util.concurrent.ConcurrentHashMap<>();
            for (Tentacle t : selected.duts()) {
                String variant = request.lastVariant() ? t.variants().get(t.variants().size() - 1) : t.variants().get(0);
                Firmware firmware = catalog.get(t.boardVariant(variant));
                Dut dut = bySerial.get(t.serial()).dut();
                Path logDir = request.logs().resolve(t.label());
                jobs.add(CompletableFuture.supplyAsync(() -> {
                    // This tentacle's log lines go to its own logger_*.log files, as for an attempt of a run.
                    try (var ignored = CloseableThreadContext.put("attemptDir", logDir.toString())) {
                        java.util.function.Supplier<String> build = () -> firmware == null ? null : builds.computeIfAbsent(firmware.boardVariant(),
                                bv -> CompletableFuture.supplyAsync(() -> buildIfNeeded(firmware, source, workspace.settings().cacheDir(),
                                        request.logs().resolve("build").resolve(bv.name()).resolve("build_stdout.txt")))).join();
                        return flashOne(flasher, ledger, dut, t.boardVariant(variant).name(), firmware, request.force(), logDir, build);
                    }
                }));
            }
            return new Result(jobs.stream().map(CompletableFuture::join).toList(),
                    discovery.missing().stream().map(m -> new Missing(m.tentacle(), m.reason())).toList(), request.logs());
        }
    }

    /** Built from the source under test every time one is given (it may be another commit); else only when missing. Null: fine. */
    private static String buildIfNeeded(Firmware firmware, java.util.Optional<Path> source, Path cacheDir, Path log) {
        if (firmware.needsBuild() && (source.isPresent() || !Files.isRegularFile(firmware.image()))) {
            return FirmwareBuilder.build(firmware, source, cacheDir, log, Duration.ofHours(1));
        }
        return null;
    }

    private static Outcome flashOne(Flasher flasher, testbed.testrun.FlashLedger ledger, Dut dut, String name, Firmware firmware, boolean force, Path logDir,
            java.util.function.Supplier<String> build) {
        Tentacle t = dut.tentacle();
        long start = System.nanoTime();
        if (firmware == null) {
            return new Outcome(t, name, "FAILED: no firmware/" + name + "/firmware.json", true, Duration.ZERO);
        }
        String problem = build.get();
        if (problem != null) {
            return new Outcome(t, name, "FAILED: " + problem, true, Duration.ofNanos(System.nanoTime() - start));
        }
        if (!force && !flasher.needsFlash(dut, firmware) && !ledger.flashedOtherImage(t.serial(), firmware)) {
            return new Outcome(t, name, "already runs it", false, Duration.ofNanos(System.nanoTime() - start));
        }
        try {
            ledger.forget(t.serial());
            flasher.flash(dut, firmware, logDir.resolve("flashing_stdout.txt"));
            ledger.flashed(t.serial(), firmware);
            return new Outcome(t, name, "flashed and verified", false, Duration.ofNanos(System.nanoTime() - start));
        } catch (FlashException e) {
            return new Outcome(t, name, "FAILED: " + e.getMessage(), true, Duration.ofNanos(System.nanoTime() - start));
        }
    }
}
