package testbed.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import testbed.bartender.RunOutcome;
import testbed.board.BoardIoException;
import testbed.board.BoardSession;
import testbed.board.ExecResult;
import testbed.lab.Dut;

/**
 * Running code on a board through the raw REPL for the built-in runners, with the recovery a lab needs: a test that
 * stays silent too long gets Ctrl-C; a board that does not answer Ctrl-C is wedged, and the attempt ends as a timeout
 * (the executor's recovery ladder then brings the board back, and the bartender requeues the work); a board that is
 * gone ends it as lost.
 */
final class BoardRunner implements AutoCloseable {

    /** How a single exec ended: its output, or a timeout the board recovered from by Ctrl-C. */
    record Exec(ExecResult result, boolean timedOut) {}

    private final Dut dut;
    private BoardSession session;

    BoardRunner(Dut dut) {
        this.dut = dut;
    }

    String serial() {
        return dut.tentacle().serial();
    }

    BoardSession session() throws RunAborted {
        if (session == null) {
            try {
                session = BoardSession.open(dut.port(), Duration.ofSeconds(5));
            } catch (BoardIoException e) {
                throw lost(e);
            }
        }
        return session;
    }

    /** Soft reset into a fresh interpreter, then run the code. */
    Exec run(String code, Duration timeout) throws RunAborted {
        try {
            session().ensureRawRepl(true);
            return new Exec(session.repl().exec(code, timeout, timeout), false);
        } catch (BoardIoException.Timeout e) {
            return recoverFromTimeout(e);
        } catch (BoardIoException e) {
            throw lost(e);
        }
    }

    Exec recoverFromTimeout(BoardIoException.Timeout cause) throws RunAborted {
        try {
            session.repl().interrupt();
            ExecResult rest = session.repl().follow(Duration.ofSeconds(2), Duration.ofSeconds(3));
            return new Exec(rest, true);
        } catch (BoardIoException e) {
            // Ctrl-C did not help: the board is wedged. The attempt ends; the executor's recovery ladder brings it back.
            close();
            throw new RunAborted(RunOutcome.InfraErrorKind.TIMEOUT, Set.of(serial()),
                    dut.tentacle().label() + " stopped answering (" + cause.getMessage() + "; Ctrl-C did not help)");
        }
    }

    RunAborted lost(BoardIoException e) {
        close();
        return new RunAborted(RunOutcome.InfraErrorKind.BOARD_LOST, Set.of(serial()), dut.tentacle().label() + ": " + e.getMessage());
    }

    @Override
    public void close() {
        if (session != null) {
            session.close();
            session = null;
        }
    }

    /** The .py files of a suite folder, sorted. */
    static List<Path> scripts(Path suite) throws RunAborted {
        if (!Files.isDirectory(suite)) {
            throw new RunAborted(RunOutcome.InfraErrorKind.INTERNAL, Set.of(), "suite folder not found: " + suite);
        }
        try (Stream<Path> files = Files.list(suite)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".py")).sorted().toList();
        } catch (IOException e) {
            throw new RunAborted(RunOutcome.InfraErrorKind.INTERNAL, Set.of(), "cannot list " + suite + ": " + e.getMessage());
        }
    }

    /** Board output as text with host line endings. */
    static String normalize(String s) {
        return s.replace("\r\n", "\n");
    }
}
