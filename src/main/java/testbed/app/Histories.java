package testbed.app;

import java.util.Optional;
import testbed.bartender.DurationEstimator;
import testbed.config.Settings;
import testbed.history.HistoryEstimator;
import testbed.history.JdbcHistory;
import testbed.model.InvalidInputException;

/** Which history a command uses, opened the same way everywhere: a bad URL is bad input (exit 2), an unreachable one a lab error (exit 3). */
public final class Histories {

    /** @param url {@code --history}; empty: the settings' default */
    public record Choice(boolean use, Optional<String> url) {
        public static final Choice NONE = new Choice(false, Optional.empty());
    }

    private Histories() {}

    public static String url(Choice choice, Settings settings) {
        return choice.url().orElse(settings.effectiveHistoryUrl());
    }

    /** The history, or empty with {@code --no-history}. */
    public static Optional<JdbcHistory> open(Choice choice, Settings settings) {
        if (!choice.use()) {
            return Optional.empty();
        }
        checkUrl(choice, settings);
        return Optional.of(JdbcHistory.open(url(choice, settings), settings));
    }

    /** A history URL testbed can use at all (bad input, not a lab error): checked without connecting. */
    public static void checkUrl(Choice choice, Settings settings) {
        String url = url(choice, settings);
        if (choice.use() && !url.startsWith("jdbc:sqlite:") && !url.startsWith("jdbc:postgresql:")) {
            throw new InvalidInputException("--history: '" + testbed.session.RecordedRequest.redact(url) + "' is not a jdbc:sqlite: or jdbc:postgresql: URL");
        }
    }

    /** The history's durations where it has them, else the specs' estimates: the same for a plan and a session. */
    public static DurationEstimator estimator(Optional<JdbcHistory> history) {
        return history.map(h -> HistoryEstimator.of(h.durations(), DurationEstimator.fromSpecs())).orElse(DurationEstimator.fromSpecs());
    }
}
