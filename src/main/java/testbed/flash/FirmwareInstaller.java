package testbed.flash;

import java.nio.file.Path;
import java.util.Optional;
import testbed.board.BoardIdentity;
import testbed.lab.Dut;
import testbed.model.Firmware;

/**
 * What a TestRun needs of flashing: what a board runs now, and putting a firmware on it, verified. {@link Flasher}
 * does it with the board's programmer; tests give a board and a flasher of their own.
 */
public interface FirmwareInstaller {

    /** What the board runs now, or empty when no MicroPython answers. */
    Optional<BoardIdentity> installed(Dut dut);

    /** Flashes and verifies; returns the identity the board reports afterwards. */
    BoardIdentity flash(Dut dut, Firmware firmware, Path log) throws FlashException;
}
