package testbed.bartender;

/**
 * A piece of selected work that never ran to completion, with the reason, for the end of the output and the session
 * record. {@code item} names the work item (board-variant plus role) or is empty when the whole spec is affected.
 *
 * @param tried the runs (testids) started for this item that did not complete it, in order; empty: it never started
 */
public record Leftover(String spec, String item, Reason reason, String detail, java.util.List<String> tried) {

    public Leftover {
        tried = java.util.List.copyOf(tried);
    }

    public Leftover(String spec, String item, Reason reason, String detail) {
        this(spec, item, reason, detail, java.util.List.of());
    }

    /** A lab problem, not the firmware's: the verdict cannot be "passed" while it stands. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isInfrastructure() {
        return switch (reason) {
            case INFRA_ERRORS, TENTACLE_QUARANTINED, FIRMWARE_BUILD_FAILED, IN_USE_ELSEWHERE, OFFLINE, RUNNER_FAILED -> true;
            default -> false;
        };
    }

    public enum Reason {
        NO_TENTACLE_WITH_FUT("no tentacle with the FUT"),
        NO_REFERENCE("no reference tentacle"),
        NO_FIRMWARE("no firmware"),
        FIRMWARE_BUILD_FAILED("firmware build failed"),
        TENTACLE_QUARANTINED("tentacle quarantined"),
        IN_USE_ELSEWHERE("tentacle in use by another testbed session"),
        INFRA_ERRORS("gave up after infrastructure errors"),
        /** MicroPython's runner itself failed (a syntax error, a crash): the host's or the source's problem, not the firmware's. */
        RUNNER_FAILED("the test runner failed"),
        /** The image flashes but the boards do not report the firmware's version: the firmware, not the lab. */
        FIRMWARE_BROKEN("firmware does not verify"),
        NEEDS_MICROPYTHON_TESTS("needs --micropython SOURCE"),
        /** A time-boxed session: it would not have finished before the deadline, or was cut at the end of the grace. */
        DEADLINE("time box"),
        /** A person took the tentacle out of the lab ({@code testbed lab disable}): no lab error, their choice. */
        DISABLED("tentacle disabled by hand"),
        /** Every tentacle of the kind is missing from the lab. */
        OFFLINE("not run (offline)"),
        NOT_STARTED("not run");

        private final String text;

        Reason(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    @Override
    public String toString() {
        return spec + (item.isEmpty() ? "" : " " + item) + ": " + reason.text() + (detail.isEmpty() ? "" : " (" + detail + ")");
    }
}
