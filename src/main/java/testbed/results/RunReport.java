package testbed.results;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import testbed.bartender.RunOutcome;
import testbed.model.BoardVariant;
import testbed.model.Status;
import testbed.model.TestRun;

/**
 * What one TestRun did, real or simulated: the outcome for the bartender, the attempts for the records, and what each
 * of its boards carries now (empty: unknown, e.g. after a failed flash).
 */
public record RunReport(TestRun run, RunOutcome outcome, List<AttemptRecord> attempts, Map<String, Optional<BoardVariant>> firmware) {

    public RunReport {
        attempts = List.copyOf(attempts);
        firmware = Map.copyOf(firmware);
    }

    /** An internal error before any attempt was written. */
    public static RunReport internalError(TestRun run, String message) {
        return new RunReport(run, new RunOutcome.InfraError(RunOutcome.InfraErrorKind.INTERNAL, java.util.Set.of(), message), List.of(), Map.of());
    }

    /** The run's status: its last attempt's, which was classified when the attempt ended. */
    public Status status() {
        return attempts.isEmpty() ? Status.ERROR : attempts.get(attempts.size() - 1).status();
    }

    public boolean isBusy() {
        return outcome instanceof RunOutcome.Busy;
    }
}
