package testbed.session;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Hands session records to the history on a thread of its own: a database commit must not delay the next run
 * (measured: +50 ms per run on SQLite). Records are whole and idempotent, so only the newest one waiting matters;
 * a failed write (a lock held too long, a restarting server, a read-only file) is tried again with backoff until it
 * lands or the session ends. results/ stays the source of truth: what the history lacks at the end is said, and
 * {@code testbed history import} replays it from the session's files.
 */
final class HistoryWriter implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(HistoryWriter.class);
    private static final long FIRST_BACKOFF_MS = 250;
    private static final long MAX_BACKOFF_MS = 8_000;
    /** How long the end of a session waits for a history that does not answer. */
    static final long CLOSE_WAIT_MS = 10_000;

    private final SessionRecorder recorder;
    private final Thread thread;
    private final Object lock = new Object();
    private SessionRecord pending;
    private SessionRecord latest;
    private SessionRecord written;
    private String lastError = "";
    private boolean closing;

    /** @param sessionDir where the session logs: the writer's warnings belong in them */
    HistoryWriter(SessionRecorder recorder, java.nio.file.Path sessionDir) {
        this.recorder = recorder;
        String logDir = sessionDir.toAbsolutePath().normalize().toString();
        this.thread = new Thread(() -> {
            org.apache.logging.log4j.ThreadContext.put("sessionDir", logDir);
            loop();
        }, "history");
        thread.setDaemon(true);
        thread.start();
    }

    void record(SessionRecord record) {
        synchronized (lock) {
            pending = record;
            latest = record;
            lock.notifyAll();
        }
    }

    private void loop() {
        long backoff = FIRST_BACKOFF_MS;
        while (true) {
            SessionRecord r;
            synchronized (lock) {
                while (pending == null && !closing) {
                    waitOn(lock, 0);
                }
                if (pending == null) {
                    return;
                }
                r = pending;
            }
            try {
                recorder.record(r);
                synchronized (lock) {
                    written = r;
                    if (pending == r) {
                        pending = null;
                    }
                    lastError = "";
                    lock.notifyAll();
                }
                backoff = FIRST_BACKOFF_MS;
            } catch (RuntimeException | AssertionError e) { // whatever the driver throws, the writer must live on
                synchronized (lock) {
                    lastError = String.valueOf(e.getMessage());
                    if (closing) {
                        lock.notifyAll();
                    }
                }
                // Said once on the console; every further try goes to the session's log only.
                if (backoff == FIRST_BACKOFF_MS) {
                    LOG.warn("history: cannot record session {} ({}); trying again", r.sessionId(), e.getMessage());
                }
                LOG.info("history: cannot record session {} ({}); trying again in {} ms", r.sessionId(), e.getMessage(), backoff);
                synchronized (lock) {
                    waitOn(lock, backoff); // a newer record or the end wakes it early
                }
                backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
            }
        }
    }

    /** Waits up to {@code seconds} for what was handed over so far (the JVM may be exiting). */
    void awaitWritten(long seconds) {
        long deadline = System.currentTimeMillis() + seconds * 1000;
        synchronized (lock) {
            while (pending != null && System.currentTimeMillis() < deadline) {
                waitOn(lock, Math.max(1, deadline - System.currentTimeMillis()));
            }
        }
    }

    /** What the history has of the newest record. */
    HistoryStatus status() {
        synchronized (lock) {
            if (latest == null) {
                return new HistoryStatus(true, 0, "");
            }
            boolean upToDate = pending == null && written == latest;
            int behind = upToDate ? 0 : latest.runs().size() - (written == null ? 0 : written.runs().size());
            return new HistoryStatus(upToDate, Math.max(behind, upToDate ? 0 : 1), lastError);
        }
    }

    /** Waits a little for the last record, then stops trying: {@link #status} says what did not land. */
    @Override
    public void close() {
        awaitWritten(CLOSE_WAIT_MS / 1000);
        synchronized (lock) {
            closing = true;
            pending = null; // what is still waiting stays in results/ (the journal) for testbed history import
            lock.notifyAll();
        }
        try {
            thread.join(CLOSE_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void waitOn(Object monitor, long millis) {
        try {
            monitor.wait(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
