package testbed.flash;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import testbed.bartender.RunOutcome;
import testbed.board.BoardIdentity;
import testbed.board.BoardIoException;
import testbed.process.ToolRunner;
import testbed.lab.BootTarget;
import testbed.lab.Dut;
import testbed.lab.IdentityProbe;
import testbed.model.Firmware;
import testbed.model.LabException;

/**
 * Flashes a DUT and proves it worked: boot mode, the programmer (its output appended to the log), a power cycle
 * into application mode, then the version text read back over the REPL must equal {@code firmware.json}'s.
 */
public final class Flasher implements FirmwareInstaller {

    /** How long a freshly flashed board may take to answer, on top of its power-on delay. */
    private static final Duration ANSWER = Duration.ofSeconds(5);
    private final ToolLocator tools;

    public Flasher(ToolLocator tools) {
        this.tools = tools;
    }

    @Override
    public Optional<BoardIdentity> installed(Dut dut) {
        return IdentityProbe.probe(dut, Duration.ofSeconds(3));
    }

    /** True when the board does not run exactly this firmware. */
    public boolean needsFlash(Dut dut, Firmware firmware) {
        return installed(dut).map(id -> !id.firmware().equals(expectedVersion(firmware))).orElse(true);
    }

    /** The version text the board must report: firmware.json's, or what the build wrote for a {@code "file:NAME"} version. */
    public static String expectedVersion(Firmware firmware) {
        if (firmware.versionFile().isEmpty()) {
            return firmware.version();
        }
        try {
            return java.nio.file.Files.readString(firmware.versionFile().get()).strip();
        } catch (java.io.IOException e) {
            return "(not built yet: no " + firmware.versionFile().get() + ")";
        }
    }

    @Override
    public BoardIdentity flash(Dut dut, Firmware firmware, Path log) throws FlashException {
        String tool = dut.tentacle().programmer().name();
        try {
            if (!Files.isRegularFile(firmware.image())) {
                throw new FlashException(RunOutcome.InfraErrorKind.FLASH_FAILED, "image missing: " + firmware.image());
            }
            BootTarget target = dut.enterBootMode();
            Programmers.Invocation call = Programmers.invocation(dut.tentacle().programmer(), target, firmware.image(), tools);
            boolean ok;
            if (call.copyTo() != null) {
                ok = copyUf2(firmware.image(), call.copyTo(), log);
            } else {
                ToolRunner.Result r = ToolRunner.run(call.command(), firmware.image().getParent(), Map.of(), call.timeout(), log);
                ok = r.succeeded();
                if (!ok) {
                    recover(dut);
                    throw new FlashException(RunOutcome.InfraErrorKind.FLASH_FAILED, tool + (r.timedOut() ? " timed out" : " exited " + r.exitCode())
                            + " flashing " + firmware.boardVariant() + " (see " + log.getFileName() + ")");
                }
            }
            dut.powerCycle();
        } catch (BoardIoException e) {
            recover(dut);
            throw new FlashException(RunOutcome.InfraErrorKind.FLASH_FAILED, "flashing " + firmware.boardVariant() + " failed: " + e.getMessage());
        } catch (IOException e) {
            recover(dut);
            throw new FlashException(RunOutcome.InfraErrorKind.FLASH_FAILED, "cannot run " + tool + ": " + e.getMessage());
        } catch (LabException e) {
            recover(dut);
            throw new FlashException(RunOutcome.InfraErrorKind.FLASH_FAILED, e.getMessage());
        }
        Duration patience = ANSWER.plusMillis(Math.round(1000 * dut.tentacle().powerOnDelaySeconds()));
        Optional<BoardIdentity> identity = IdentityProbe.probe(dut, patience);
        if (identity.isEmpty()) {
            // A board that just booted can garble its first raw-REPL exchange (seen on the QEMU micro:bit about one
            // time in eight); one more question tells that apart from a wrong image, which stays silent.
            identity = IdentityProbe.probe(dut, patience);
        }
        if (identity.isEmpty()) {
            throw new FlashException(RunOutcome.InfraErrorKind.VERSION_MISMATCH,
                    "no MicroPython answers after flashing " + firmware.boardVariant() + " (wrong or corrupted image?)");
        }
        String expected = expectedVersion(firmware);
        if (!identity.get().firmware().equals(expected)) {
            throw new FlashException(RunOutcome.InfraErrorKind.VERSION_MISMATCH, "after flashing, the board reports '" + identity.get().firmware()
                    + "', expected '" + expected + "'");
        }
        note(log, "verified: " + identity.get().firmware());
        return identity.get();
    }

    /** After a failed flash, try to leave the board powered and in application mode. */
    private static void recover(Dut dut) {
        try {
            dut.powerCycle();
        } catch (BoardIoException e) {
            // the caller reports the original failure
        }
    }

    private static boolean copyUf2(Path image, Path mount, Path log) throws IOException {
        note(log, "cp " + image + " " + mount + "/");
        Files.copy(image, mount.resolve(image.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        return true;
    }

    private static void note(Path log, String line) {
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            Files.writeString(log, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // the log is a convenience; the result is returned anyway
        }
    }
}
