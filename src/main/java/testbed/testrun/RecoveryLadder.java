package testbed.testrun;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import testbed.board.BoardIoException;
import testbed.board.BoardSession;
import testbed.board.MicroPythonException;
import testbed.flash.FirmwareInstaller;
import testbed.flash.FlashException;
import testbed.lab.Dut;
import testbed.model.Firmware;

/**
 * What a board that stopped answering goes through before it is blamed, mildest first, each rung checked by asking
 * the board who it is: interrupt and soft reset (a program that never ends), a pulse on its reset line (where it has
 * one), a power cycle (a wedged MCU), boot mode and a reflash of the image it last carried (a corrupted flash). The
 * first rung that brings it back ends the ladder; a board none of them brings back is beyond recovery (quarantined).
 */
final class RecoveryLadder {

    /** One rung tried on one board, and what it found ("answers", "no answer", "no reset line", ...). */
    record Step(String tentacle, String rung, String found) {
        String line() {
            return tentacle + ": recovery: " + rung + ": " + found;
        }
    }

    /** @param reflashed it came back only after a reflash: a person should look at it */
    record Outcome(List<Step> steps, boolean recovered, boolean reflashed) {}

    static final String INTERRUPT = "interrupt and soft reset";
    static final String HARD_RESET = "hard reset";
    static final String POWER_CYCLE = "power cycle";
    static final String REFLASH = "boot mode and reflash";
    static final String QUARANTINE = "quarantine";

    private RecoveryLadder() {}

    /**
     * @param lastGood the image the board carried (its run's firmware); empty when none may be flashed (--flash-skip)
     * @param flashLog where a reflash writes its tool's output
     */
    static Outcome climb(Dut dut, Optional<Firmware> lastGood, FirmwareInstaller flasher, Path flashLog) {
        String label = dut.tentacle().label();
        Duration patience = Duration.ofMillis(3000 + Math.round(dut.tentacle().powerOnDelaySeconds() * 1000));
        List<Step> steps = new ArrayList<>();
        try {
            dut.port();
        } catch (BoardIoException gone) {
            steps.add(new Step(label, "device", "gone (" + gone.getMessage() + "): nothing to recover"));
            return new Outcome(steps, false, false);
        }
        if (answers(dut, true, patience, steps, INTERRUPT)) {
            return new Outcome(steps, true, false);
        }
        try {
            if (!dut.hardReset()) {
                steps.add(new Step(label, HARD_RESET, "no reset line"));
            } else if (answers(dut, false, patience, steps, HARD_RESET)) {
                return new Outcome(steps, true, false);
            }
            dut.powerCycle();
            if (answers(dut, false, patience, steps, POWER_CYCLE)) {
                return new Outcome(steps, true, false);
            }
        } catch (BoardIoException e) {
            steps.add(new Step(label, POWER_CYCLE, "failed: " + e.getMessage()));
        }
        if (lastGood.isEmpty()) {
            steps.add(new Step(label, REFLASH, "no image to reflash (--flash-skip)"));
        } else {
            try {
                String version = flasher.flash(dut, lastGood.get(), flashLog).firmware();
                steps.add(new Step(label, REFLASH, "answers (" + lastGood.get().boardVariant().name() + ", " + version + ")"));
                return new Outcome(steps, true, true);
            } catch (FlashException e) {
                steps.add(new Step(label, REFLASH, "failed: " + e.getMessage()));
            }
        }
        steps.add(new Step(label, QUARANTINE, "beyond recovery"));
        return new Outcome(steps, false, false);
    }

    /** Asks the board who it is (interrupting what runs, soft-resetting it first if asked), and books the step. */
    private static boolean answers(Dut dut, boolean softReset, Duration patience, List<Step> steps, String rung) {
        try (BoardSession session = BoardSession.open(dut.port(), Duration.ofSeconds(2))) {
            session.repl().enter(softReset, patience);
            String firmware = session.identity().firmware();
            steps.add(new Step(dut.tentacle().label(), rung, "answers (" + firmware + ")"));
            return true;
        } catch (BoardIoException | MicroPythonException e) {
            steps.add(new Step(dut.tentacle().label(), rung, "no answer"));
            return false;
        }
    }
}
