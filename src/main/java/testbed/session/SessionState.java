package testbed.session;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where a session stands: {@code session.json}'s {@code status}, the history's and the reports'. */
public enum SessionState {
    /** Started, not ended: still going, or killed (then {@code testbed resume} continues it). */
    RUNNING,
    /** Ended by itself: every run it started was recorded. */
    COMPLETED,
    /** Ctrl-C, SIGTERM or {@code testbed stop}: ended early in order; {@code testbed resume} continues it. */
    INTERRUPTED;

    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static SessionState of(String label) {
        for (SessionState s : values()) {
            if (s.label().equalsIgnoreCase(label)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown session status '" + label + "'");
    }

    /** A session that did not end by itself: there is something to resume. */
    public boolean resumable() {
        return this != COMPLETED;
    }
}
