package testbed.lab;

import testbed.board.BoardIoException;
import testbed.model.Tentacle;

/**
 * The device under test of one connected tentacle: where its MicroPython REPL is, and the out-of-band controls a
 * TestRun needs (power, boot mode). A USB hub port, a relay or a simulator restart behind the same calls.
 */
public interface Dut {

    Tentacle tentacle();

    /** The serial device of the DUT's REPL now; it may change after a power cycle. */
    String port() throws BoardIoException;

    /** Hard reset into application mode: power off and on (or the nearest the hardware allows). */
    void powerCycle() throws BoardIoException;

    /**
     * Pulses the board's reset line (DTR/RTS, or the tentacle's reset wire): a reset short of a power cycle. False when
     * this tentacle has no such line (nothing was done).
     */
    default boolean hardReset() throws BoardIoException {
        return false;
    }

    /** Puts the DUT into its bootloader and says where the programmer finds it. Ends with a power cycle. */
    BootTarget enterBootMode() throws BoardIoException;

    /**
     * Whether the board's serial device is there now: a board pulled out (or powered off, or not plugged in yet) has
     * none. What a session's plug watch asks twice a second.
     */
    default boolean present() {
        try {
            return java.nio.file.Files.exists(java.nio.file.Path.of(port()));
        } catch (BoardIoException | RuntimeException e) {
            return false;
        }
    }

    /** A short human description of where the DUT is, e.g. {@code /dev/ttyACM3 (usb 3-1.4.3)}. */
    String describe();
}
