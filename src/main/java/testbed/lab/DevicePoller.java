package testbed.lab;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import testbed.board.BoardIoException;

/** Waits for a device to (re)appear after power-up or re-enumeration, polling sysfs every 50 ms. */
final class DevicePoller {

    private DevicePoller() {}

    static <T> T await(Supplier<Optional<T>> probe, Duration timeout, String what) throws BoardIoException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<T> found = probe.get();
            if (found.isPresent()) {
                return found.get();
            }
            if (System.nanoTime() > deadline) {
                throw new BoardIoException.Lost(what + " did not appear within " + timeout.toMillis() + " ms: is USB connected?");
            }
            sleep(50);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
