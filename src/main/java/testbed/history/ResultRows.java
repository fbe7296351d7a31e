package testbed.history;

import testbed.model.BoardVariant;
import testbed.model.Role;
import testbed.runner.Outcome;

/** The plain rows the analyses run over (in Java, so SQLite and PostgreSQL answer identically). */
final class ResultRows {

    private ResultRows() {}

    /**
     * One test result of one attempt, with everything the analyses group by.
     *
     * @param tentacle the DUT's label: outcomes are kept per tentacle, so one of two identical boards failing is never
     *     hidden by the other passing
     * @param finalAttempt the run's last attempt: its outcome is the run's
     */
    record ResultRow(String session, String sessionStart, String testgroup, String tentacle, String kind, Role role, BoardVariant boardVariant,
            String firmware, String runId, String letter, String test, Outcome outcome, boolean finalAttempt) {

        /** The test on this tentacle in this role: what two sessions are compared by. */
        TestOn on() {
            return new TestOn(testgroup, test, tentacle, role);
        }

        /** The same test on any tentacle of the kind: what a tentacle without an earlier outcome is compared with. */
        TestOnKind onKind() {
            return new TestOnKind(testgroup, test, kind, boardVariant, role);
        }
    }

    record TestOn(String testgroup, String test, String tentacle, Role role) {}

    record TestOnKind(String testgroup, String test, String kind, BoardVariant boardVariant, Role role) {}

    /** A test on one tentacle with one firmware: the series a flaky test flips in. */
    record FlakyKey(String testgroup, String test, String tentacle, BoardVariant boardVariant, String firmware) {}

    static Outcome outcome(String label) {
        for (Outcome o : Outcome.values()) {
            if (o.label().equals(label)) {
                return o;
            }
        }
        return Outcome.ERROR; // a label this version does not know: never counted as a pass
    }

    static boolean passed(Outcome o) {
        return o == Outcome.PASSED;
    }

    /** Passed, or failed as {@link Outcome#isFailure()} says: the outcomes a pass rate and a flip count look at. */
    static boolean decisive(Outcome o) {
        return o == Outcome.PASSED || o.isFailure();
    }

    /** SQL for {@code IN (...)} with n placeholders. */
    static String placeholders(int n) {
        return n == 0 ? "(NULL)" : "(" + "?, ".repeat(n - 1) + "?)";
    }
}
