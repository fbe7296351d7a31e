package testbed.testrun;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import testbed.config.FirmwareLoader;
import testbed.model.Firmware;

/**
 * Which image this host last flashed on each tentacle (its sha256), kept in the state folder across sessions.
 * A rebuild of the same commit reports the same version text, so the version alone cannot tell that the image
 * changed (a source with local edits, another compiler flag): where the ledger knows the board got a different image,
 * the board is flashed again. Where it knows nothing (a board flashed by hand), the version decides, as before.
 */
public final class FlashLedger {

    private final Path dir;

    private FlashLedger(Path dir) {
        this.dir = dir;
    }

    public static FlashLedger in(Path dir) {
        return new FlashLedger(dir);
    }

    /** A ledger that knows nothing: the version alone decides. */
    public static FlashLedger none() {
        return new FlashLedger(null);
    }

    /** Whether this host flashed this board with an image other than this firmware's (false when it does not know). */
    public boolean flashedOtherImage(String serial, Firmware fw) {
        Optional<String> last = last(serial);
        return last.isPresent() && Files.isRegularFile(fw.image()) && !last.get().equals(FirmwareLoader.sha256(fw.image()));
    }

    public void flashed(String serial, Firmware fw) {
        if (dir == null || !Files.isRegularFile(fw.image())) {
            return;
        }
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve(serial + ".tmp");
            Files.writeString(tmp, FirmwareLoader.sha256(fw.image()) + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, dir.resolve(serial), java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // Only a lost optimisation: the next session flashes by version as before.
        }
    }

    /** The board's state is unknown (a flash failed part way): forget what it had. */
    public void forget(String serial) {
        if (dir != null) {
            try {
                Files.deleteIfExists(dir.resolve(serial));
            } catch (IOException e) {
                // as above
            }
        }
    }

    private Optional<String> last(String serial) {
        if (dir == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readString(dir.resolve(serial), StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
