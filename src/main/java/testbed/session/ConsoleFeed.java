package testbed.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import testbed.bartender.TestBartender;
import testbed.engine.EngineListener;
import testbed.model.Status;
import testbed.model.TestRun;
import testbed.results.RunReport;

/** Feeds the user's console from the engine: counters, what runs, the ETA from the estimates, builds and health probes. */
final class ConsoleFeed implements EngineListener {

    private final SessionListener listener;
    private final TestBartender bartender;
    private final Clock clock;
    private final int jobs;
    private final java.util.function.BiConsumer<SessionListener.Progress, Instant> progressFile;
    private int started;
    private int done;
    private int failed;
    private int errors;

    /** @param progressFile where the progress also goes at each start and end of a run (the session's progress.json) */
    ConsoleFeed(SessionListener listener, TestBartender bartender, Clock clock, int jobs, java.util.function.BiConsumer<SessionListener.Progress, Instant> progressFile) {
        this.listener = listener;
        this.progressFile = progressFile;
        this.bartender = bartender;
        this.clock = clock;
        this.jobs = jobs;
    }

    @Override
    public void runStarted(TestRun run, Instant at) {
        started++;
        listener.runStarted(run, published());
    }

    @Override
    public void runBusy(RunReport report) {
        started--; // it starts again once the board is free
        listener.message(report.run().testid() + ": " + ((testbed.bartender.RunOutcome.Busy) report.outcome()).busySerials()
                + " in use by another testbed session, waiting");
    }

    @Override
    public void runFinished(RunReport report, Instant at) {
        report.attempts().stream().flatMap(a -> a.recovery().stream()).filter(l -> l.contains(": recovery: boot mode and reflash: answers"))
                .forEach(l -> listener.message("warning: " + l.substring(0, l.indexOf(": recovery:")) + " came back only after a reflash: have a look at it"));
        done++;
        if (report.status().isInfra()) {
            errors++;
        } else if (report.status() == Status.FAILED) {
            failed++;
        }
        listener.runFinished(report, published());
    }

    @Override
    public void probed(String serial, String change) {
        listener.message("health: " + serial + " " + (change.equals("quarantined") ? "does not answer: quarantined" : "answers again: taken back"));
    }

    @Override
    public void plugged(String serial, boolean present) {
        listener.message(present ? "plugged in: " + serial + " (back in the session)" : "unplugged: " + serial + " (no work for it until it is back)");
    }

    @Override
    public void buildStarted(testbed.model.Firmware firmware, Instant at) {
        listener.message("building firmware " + firmware.boardVariant().name());
    }

    @Override
    public void buildFinished(testbed.model.Firmware firmware, Optional<String> problem, Instant at) {
        listener.message(problem.map(p -> "firmware build failed: " + p).orElse("firmware " + firmware.boardVariant().name() + " built"));
    }

    private SessionListener.Progress published() {
        SessionListener.Progress p = snapshot();
        try {
            progressFile.accept(p, clock.instant());
        } catch (RuntimeException e) {
            // a live view's file: the session goes on without it (a full disk is noticed where results are written)
        }
        return p;
    }

    private SessionListener.Progress snapshot() {
        List<TestRun> running = bartender.runningRuns();
        long work = 0;
        for (TestRun r : running) {
            work += Math.max(0, r.estimatedDuration().toMillis() - Duration.between(r.startedAt(), clock.instant()).toMillis());
        }
        long open = bartender.waitingWorkMillis().values().stream().mapToLong(Long::longValue).sum();
        long parallel = Math.max(1, jobs == 0 ? running.size() + 1 : jobs);
        return new SessionListener.Progress(started, done, done + bartender.openItems() + running.size(), running, failed, errors,
                (work + open) / 1000 / parallel);
    }
}
