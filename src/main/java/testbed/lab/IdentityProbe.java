package testbed.lab;

import java.time.Duration;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import testbed.board.BoardIdentity;
import testbed.board.BoardIoException;
import testbed.board.BoardSession;
import testbed.board.MicroPythonException;

/** Asks a board who it is, patiently enough for a slow boot and briefly enough for a blank board. */
public final class IdentityProbe {

    private static final Logger LOG = LogManager.getLogger(IdentityProbe.class);

    private IdentityProbe() {}

    /** Empty when no MicroPython answers (blank, corrupted or foreign firmware, or a hung board). */
    public static Optional<BoardIdentity> probe(Dut dut, Duration patience) {
        try (BoardSession session = BoardSession.open(dut.port(), Duration.ofSeconds(2))) {
            session.repl().enter(false, patience);
            return Optional.of(session.identity());
        } catch (BoardIoException | MicroPythonException e) {
            LOG.debug("{}: no MicroPython answers: {}", dut.tentacle().label(), e.getMessage());
            return Optional.empty();
        }
    }
}
