package testbed.session;

/**
 * What the history has of a session at its end. When it is behind, the session's files in results/ are the journal
 * that {@code testbed history import} (or the next session) replays.
 *
 * @param runsBehind finished runs the history does not have (at least 1 when only the session's end is missing)
 * @param lastError why the last write failed
 */
public record HistoryStatus(
        @com.fasterxml.jackson.annotation.JsonProperty("up_to_date") boolean upToDate,
        @com.fasterxml.jackson.annotation.JsonProperty("runs_behind") int runsBehind,
        @com.fasterxml.jackson.annotation.JsonProperty("last_error") String lastError) {

    public static final HistoryStatus NONE = new HistoryStatus(true, 0, "");

    /** The marker left in a results folder whose session the history lacks. */
    public static final String PENDING_FILE = "history-pending.json";
}
