package testbed.session;

/**
 * Where a session's record goes besides {@code results/session.json}: the history. Called at the start, after every
 * finished run and at the end, each time with the whole record, so the receiver can upsert idempotently.
 */
@FunctionalInterface
public interface SessionRecorder {

    SessionRecorder NONE = record -> {};

    void record(SessionRecord record);
}
