package testbed.session;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Hands session records to the history on a thread of its own: a database commit must not delay the next run
 * (measured: +50 ms per run on SQLite). The history is worth a warning, never the session: results/ stays the
 * source of truth.
 */
final class HistoryWriter implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(HistoryWriter.class);

    private final SessionRecorder recorder;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(RealLab.daemon("history"));

    HistoryWriter(SessionRecorder recorder) {
        this.recorder = recorder;
    }

    void record(SessionRecord record) {
        Runnable task = () -> {
            try {
                recorder.record(record);
            } catch (RuntimeException e) {
                LOG.warn("history: cannot record session {}: {}", record.sessionId(), e.getMessage());
            }
        };
        try {
            thread.execute(task);
        } catch (RejectedExecutionException e) {
            task.run(); // after close (Ctrl-C during shutdown): write it here
        }
    }

    /** Waits up to {@code seconds} for what was handed over so far (the JVM may be exiting). */
    void awaitWritten(long seconds) {
        try {
            thread.submit(() -> { }).get(seconds, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("history: the last records may be missing: {}", e.toString());
        }
    }

    /** Waits until the history has everything. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(60, TimeUnit.SECONDS)) {
                LOG.warn("history: still writing after 60 s; the last records may be missing");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
