package testbed.serve;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import testbed.history.History;
import testbed.report.Charts;

/**
 * The history page's analyses, computed when the history changed rather than per request: over a year of nights they
 * take a few hundred milliseconds together, while the history changes only when a session records a run. A background
 * thread looks every 10 s whether the newest session moved on and computes them again.
 */
final class HistoryView implements AutoCloseable {

    static final int WINDOW = 20;
    static final int MAX_CHARTS = 60;

    /** The analyses as of {@code stamp} (the newest session and its runs so far). */
    record Analyses(String stamp, List<History.GroupPassRate> boards, List<History.FailingTest> failing, List<History.FlakyTest> flaky,
            List<History.PerfSeries> perf, List<String> charts) {}

    private static final Logger LOG = LogManager.getLogger(HistoryView.class);

    private final History history;
    private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "serve-history");
        t.setDaemon(true);
        return t;
    });
    private volatile Analyses current;

    HistoryView(History history) {
        this.history = history;
        refresher.scheduleWithFixedDelay(this::refresh, 0, 10, TimeUnit.SECONDS);
    }

    private String stamp() {
        return history.sessions(History.SessionFilter.newest()).stream().findFirst()
                .map(s -> s.id() + "/" + s.status() + "/" + s.runs()).orElse("");
    }

    private synchronized void refresh() {
        try {
            String stamp = stamp();
            if (current != null && current.stamp().equals(stamp)) {
                return;
            }
            List<History.PerfSeries> perf = history.perf(Optional.empty());
            current = new Analyses(stamp, history.passRatesByBoard(WINDOW), history.failing(WINDOW), history.flaky(WINDOW), perf,
                    perf.stream().limit(MAX_CHARTS).map(Charts::perf).toList());
        } catch (RuntimeException e) {
            LOG.warn("history view: {}", e.getMessage()); // the database away for a moment: the last analyses stay
        }
    }

    /** The analyses, computed now if none were yet. */
    Analyses analyses() {
        Analyses a = current;
        if (a == null) {
            refresh();
            a = current;
        }
        if (a == null) {
            throw new testbed.model.LabException("the history cannot be read now (see the log)");
        }
        return a;
    }

    /** A board's own benchmark charts (not cached: one board's series are few). */
    List<String> charts(String board) {
        return history.perf(Optional.of(board)).stream().limit(MAX_CHARTS).map(Charts::perf).toList();
    }

    List<History.Regression> regressions(String from, String to) {
        return history.regressions(from, to);
    }

    @Override
    public void close() {
        refresher.shutdownNow();
    }
}
