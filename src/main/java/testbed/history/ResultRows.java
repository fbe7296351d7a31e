package testbed.history;

import java.util.List;
import java.util.Map;
import testbed.model.BoardVariant;
import testbed.runner.Outcome;

/** The plain rows the analyses run over (in Java, so SQLite and PostgreSQL answer identically), and their helpers. */
final class ResultRows {

    private ResultRows() {}

    /** One test result on the final or an earlier attempt, with everything the analyses group by. */
    record ResultRow(String session, String sessionStart, String lab, String testgroup, String boardVariant, String tag, String firmware,
            String runId, String letter, String test, String outcome) {}

    static String boardVariant(String board, String variant) {
        return new BoardVariant(board, variant == null ? "" : variant).name();
    }

    /** {@code 3b01-RPI_PICO_W} → {@code RPI_PICO_W}. */
    static String tag(String tentacleLabel) {
        int dash = tentacleLabel.indexOf('-');
        return dash < 0 ? tentacleLabel : tentacleLabel.substring(dash + 1);
    }

    /** Keeps, per run, only the results of its last attempt: the run's verdict. */
    static List<ResultRow> finalAttempts(List<ResultRow> rows) {
        Map<String, String> lastLetter = new java.util.HashMap<>();
        for (ResultRow r : rows) {
            lastLetter.merge(r.runId(), r.letter(), (x, y) -> x.compareTo(y) >= 0 ? x : y);
        }
        return rows.stream().filter(r -> r.letter().equals(lastLetter.get(r.runId()))).toList();
    }

    static List<String> lastSessions(List<ResultRow> rows, int n) {
        List<String> sessions = rows.stream().map(ResultRow::session).distinct().toList();
        return sessions.subList(Math.max(0, sessions.size() - n), sessions.size());
    }

    static boolean passed(String outcome) {
        return outcome.equals(Outcome.PASSED.label());
    }

    /** Failed, error or timeout, as {@link Outcome#isFailure()} says. */
    static boolean failed(String outcome) {
        for (Outcome o : Outcome.values()) {
            if (o.isFailure() && o.label().equals(outcome)) {
                return true;
            }
        }
        return false;
    }

}
