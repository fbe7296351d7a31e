package testbed.bartender;

import java.util.Set;

/** How a TestRun ended, as far as scheduling cares. */
public sealed interface RunOutcome {

    /**
     * The run could not start because another testbed process holds one of its tentacles. The item goes back as it
     * was, and the tentacles stay out of the pool until {@link TestBartender#tentacleAvailable} says otherwise.
     */
    record Busy(Set<String> busySerials) implements RunOutcome {
        public Busy {
            busySerials = Set.copyOf(busySerials);
        }
    }

    /** The test ran (its tests may have passed, failed or been skipped): the work item is done. */
    record Ran(boolean testsFailed) implements RunOutcome {}

    /**
     * The lab failed, not the firmware: flashing failed, the board was lost, the run timed out. The work item is
     * requeued (on another identical tentacle when there is one) and the blamed tentacles move towards quarantine.
     *
     * @param blamedSerials the tentacles at fault; empty means the DUT
     */
    record InfraError(InfraErrorKind kind, Set<String> blamedSerials, String message) implements RunOutcome {
        public InfraError {
            blamedSerials = Set.copyOf(blamedSerials);
        }
    }

    enum InfraErrorKind {
        FLASH_FAILED,
        VERSION_MISMATCH,
        BOARD_LOST,
        TIMEOUT,
        PORT_UNAVAILABLE,
        INTERNAL,
        /** The agent that ran it stopped answering (its lease expired): its tentacles are away until it is back. */
        HOST_LOST,
        /** The host could not write the results (a full disk): no board is blamed, the item goes back, the session stops. */
        RESULTS_UNWRITABLE,
        /** No rung of the recovery ladder brought the board back (the attempt's own status says what it met): quarantined at once. */
        BEYOND_RECOVERY,
        /** A host's report did not match its lease (another test id, folder or board; an archive beyond limits): quarantined at once. */
        REPORT_REFUSED,
        /** The test runner itself failed (a syntax error in it, a crash, exit 2, no results): no board is blamed, and it is not tried again. */
        RUNNER_FAILED
    }
}
