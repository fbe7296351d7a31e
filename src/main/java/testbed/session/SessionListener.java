package testbed.session;

import java.util.List;
import testbed.bartender.Leftover;
import testbed.results.RunReport;
import testbed.model.TestRun;

/** What a session tells its user while it runs (a live terminal line, or plain log lines). */
public interface SessionListener {

    void started(String lab, int tentacles, int workItems, String resultsDir);

    void message(String text);

    void runStarted(TestRun run, Progress progress);

    void runFinished(RunReport report, Progress progress);

    void finished(SessionRecord record, List<Leftover> leftovers);

    /**
     * Counters for a progress line.
     *
     * @param started runs started so far (one that came back because another session held its board is not counted)
     */
    record Progress(int started, int done, int total, List<TestRun> running, int failedRuns, int errors, long etaSeconds) {}
}
