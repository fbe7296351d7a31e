package testbed.bartender;

import java.util.Set;

/**
 * Settings of one scheduling session.
 *
 * @param jobs at most this many runs at once; 0 means no limit
 * @param referenceBoards MicroPython boards whose tentacles may serve as reference
 * @param maxRequeues how often a work item is requeued after infrastructure errors before it is given up
 * @param quarantineAfter consecutive infrastructure errors that quarantine a tentacle for the rest of the session
 * @param flashSkip never flash: use what is on the boards (multi-variant boards become variant "unknown")
 * @param flashForce flash every tentacle at its first run, whatever it reports
 * @param deadline a time-boxed session's end: what would not finish before it does not start
 * @param usb how much flashing the lab's hubs and hosts take at once (its lab file's {@code usb_load})
 */
public record BartenderConfig(
        int jobs,
        Set<String> referenceBoards,
        int maxRequeues,
        int quarantineAfter,
        boolean flashSkip,
        boolean flashForce,
        SchedulingPolicy policy,
        java.util.Optional<Deadline> deadline,
        testbed.model.UsbLimits usb) {

    public static final String DEFAULT_REFERENCE_BOARD = "RPI_PICO_W";
    public static final String UNKNOWN_VARIANT = "unknown";

    public BartenderConfig {
        referenceBoards = Set.copyOf(referenceBoards);
        java.util.Objects.requireNonNull(usb, "usb");
        if (jobs < 0 || maxRequeues < 0 || quarantineAfter < 1) {
            throw new IllegalArgumentException("jobs and maxRequeues must be >= 0, quarantineAfter >= 1");
        }
    }

    public BartenderConfig(int jobs, Set<String> referenceBoards, int maxRequeues, int quarantineAfter, boolean flashSkip, boolean flashForce,
            SchedulingPolicy policy) {
        this(jobs, referenceBoards, maxRequeues, quarantineAfter, flashSkip, flashForce, policy, java.util.Optional.empty(), testbed.model.UsbLimits.NONE);
    }

    /** Without USB limits: the lab's come with {@link #withUsb} once the lab is known. */
    public BartenderConfig(int jobs, Set<String> referenceBoards, int maxRequeues, int quarantineAfter, boolean flashSkip, boolean flashForce,
            SchedulingPolicy policy, java.util.Optional<Deadline> deadline) {
        this(jobs, referenceBoards, maxRequeues, quarantineAfter, flashSkip, flashForce, policy, deadline, testbed.model.UsbLimits.NONE);
    }

    public BartenderConfig withDeadline(java.util.Optional<Deadline> d) {
        return new BartenderConfig(jobs, referenceBoards, maxRequeues, quarantineAfter, flashSkip, flashForce, policy, d, usb);
    }

    public static BartenderConfig defaults() {
        return new BartenderConfig(0, Set.of(DEFAULT_REFERENCE_BOARD), 2, 2, false, false, SchedulingPolicy.TESTBED);
    }

    public BartenderConfig withJobs(int n) {
        return new BartenderConfig(n, referenceBoards, maxRequeues, quarantineAfter, flashSkip, flashForce, policy, deadline, usb);
    }

    public BartenderConfig withPolicy(SchedulingPolicy p) {
        return new BartenderConfig(jobs, referenceBoards, maxRequeues, quarantineAfter, flashSkip, flashForce, p, deadline, usb);
    }

    public BartenderConfig withReferenceBoards(Set<String> boards) {
        return new BartenderConfig(jobs, boards, maxRequeues, quarantineAfter, flashSkip, flashForce, policy, deadline, usb);
    }

    public BartenderConfig withFlash(boolean skip, boolean force) {
        return new BartenderConfig(jobs, referenceBoards, maxRequeues, quarantineAfter, skip, force, policy, deadline, usb);
    }

    public BartenderConfig withUsb(testbed.model.UsbLimits limits) {
        return new BartenderConfig(jobs, referenceBoards, maxRequeues, quarantineAfter, flashSkip, flashForce, policy, deadline, limits);
    }

    public BartenderConfig withInfraLimits(int requeues, int quarantine) {
        return new BartenderConfig(jobs, referenceBoards, requeues, quarantine, flashSkip, flashForce, policy, deadline, usb);
    }
}
