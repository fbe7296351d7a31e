package testbed.flash;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import testbed.config.FirmwareLoader;
import testbed.process.ToolRunner;
import testbed.model.Firmware;

/**
 * Runs a firmware's build command in its folder and checks that it produced the image (and its sha256, if given).
 * {@code {micropython}} in the command is the MicroPython source tree under test ({@code --micropython}); {@code {cache}} a
 * folder of testbed's cache for this firmware's build outputs, kept across sessions and workspaces (a rebuild of an unchanged
 * source is then quick).
 */
public final class FirmwareBuilder {

    private FirmwareBuilder() {}

    /** @return null on success, else why the build failed */
    public static String build(Firmware firmware, java.util.Optional<Path> micropython, Path cacheDir, Path log, Duration timeout) {
        Firmware.Build build = firmware.build().orElseThrow();
        java.util.List<String> command = new java.util.ArrayList<>();
        for (String arg : build.command()) {
            if (arg.contains("{micropython}")) {
                if (micropython.isEmpty()) {
                    return "build of " + firmware.boardVariant() + " needs the MicroPython source: give --micropython SOURCE";
                }
                arg = arg.replace("{micropython}", micropython.get().toString());
            }
            command.add(arg.replace("{cache}", cacheDir.resolve("firmware-build").resolve(firmware.boardVariant().name()).toString()));
        }
        try {
            ToolRunner.Result r = ToolRunner.run(command, firmware.file().getParent(), Map.of(), timeout, log);
            if (!r.succeeded()) {
                return "build of " + firmware.boardVariant() + (r.timedOut() ? " timed out" : " exited " + r.exitCode()) + " (see " + log + ")";
            }
        } catch (IOException e) {
            return "build of " + firmware.boardVariant() + ": cannot run " + build.command().get(0) + ": " + e.getMessage();
        }
        if (!Files.isRegularFile(firmware.image())) {
            return "build of " + firmware.boardVariant() + " produced no " + firmware.image().getFileName();
        }
        if (firmware.sha256().isPresent() && !firmware.sha256().get().equals(FirmwareLoader.sha256(firmware.image()))) {
            return "build of " + firmware.boardVariant() + " produced an image that does not match its sha256";
        }
        if (firmware.versionFile().isPresent() && !Files.isRegularFile(firmware.versionFile().get())) {
            return "build of " + firmware.boardVariant() + " wrote no " + firmware.versionFile().get().getFileName() + " (the version to verify)";
        }
        return null;
    }
}
