package testbed.bartender;

/**
 * A piece of selected work that never ran to completion, with the reason, for the end of the output and the session
 * record. {@code item} names the work item (board-variant plus role) or is empty when the whole spec is affected.
 */
public record Leftover(String spec, String item, Reason reason, String detail) {

    public enum Reason {
        NO_TENTACLE_WITH_FUT("no tentacle with the FUT"),
        NO_REFERENCE("no reference tentacle"),
        NO_FIRMWARE("no firmware"),
        FIRMWARE_BUILD_FAILED("firmware build failed"),
        TENTACLE_QUARANTINED("tentacle quarantined"),
        IN_USE_ELSEWHERE("tentacle in use by another testbed session"),
        INFRA_ERRORS("gave up after infrastructure errors"),
        NEEDS_MICROPYTHON_TESTS("needs --micropython-tests"),
        NOT_STARTED("not started");

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
