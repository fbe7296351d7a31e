package testbed.runner;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import testbed.lab.Dut;
import testbed.model.TestRun;

/**
 * Everything a runner needs for one attempt.
 *
 * @param attemptLog testresults.txt, readable with tail -f while the attempt runs
 * @param deadline the attempt must end by then (System.nanoTime); the spec's timeout
 * @param specsDir testrunspecs/, where built-in suites live
 * @param micropython the MicroPython source under test: its tests for external runners, its tree for mpy-cross
 * @param cacheDir where host tools built from it go
 * @param identities what the boards of this run reported when flashed or verified in this attempt, by serial
 * @param boardLeftOut tests the DUT's board cannot run (its firmware folder says which, and why)
 */
public record RunContext(
        TestRun run,
        Dut dut,
        Optional<Dut> reference,
        Path attemptDir,
        AttemptLog attemptLog,
        long deadline,
        Duration timeout,
        Path specsDir,
        Optional<testbed.model.MicroPythonSource> micropython,
        String python,
        Path cacheDir,
        java.util.Map<String, testbed.board.BoardIdentity> identities,
        java.util.List<testbed.model.Firmware.LeftOut> boardLeftOut) {

    public Optional<Path> micropythonTests() {
        return micropython.map(testbed.model.MicroPythonSource::tests);
    }

    public void log(String line) {
        attemptLog.line(line);
    }

    public java.io.OutputStream logStream() {
        return attemptLog.stream();
    }

    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    /** The DUT's port and the reference's, in the order of the run's role: instance0 first. */
    public String instancePort(int instance) throws testbed.board.BoardIoException {
        boolean dutFirst = run.role() != testbed.model.Role.INSTANCE1;
        Dut d = (instance == 0) == dutFirst ? dut : reference.orElseThrow();
        return d.port();
    }
}
