package testbed.history;

import java.util.List;
import java.util.Optional;
import testbed.model.WorkKey;
import testbed.session.SessionRecord;
import testbed.session.SessionState;
import testbed.session.Verdict;

/**
 * The TestHistory: every session of every lab, grouped by system under test (board-variant + firmware identity as
 * read back from the board), with runs, attempts, test results and measurements. Behind this interface so the
 * session, the reports and the CLI do not care whether it is SQLite on a desk or PostgreSQL for a shared lab.
 *
 * <p>Every analysis reads a bounded window (the last N sessions, the sessions compared, the last N points of a
 * series): its cost does not grow with the years of history behind it.
 */
public interface History extends AutoCloseable {

    /** Points of a benchmark series that {@link #perf} returns and the reports draw. */
    int PERF_POINTS = 30;

    /** Stores the session as it is now; called again as runs finish, so a killed session keeps what finished. */
    void record(SessionRecord session);

    List<SessionRow> sessions(SessionFilter filter);

    /** Per test group: runs and pass rate of a board (or board-variant) over its last {@code lastSessions} sessions. */
    List<GroupPassRate> passRates(String boardVariant, int lastSessions);

    /** Tests whose outcome flips between attempts or sessions on the same tentacle and firmware, over the last sessions. */
    List<FlakyTest> flaky(int lastSessions);

    /** Tests that passed on firmware {@code from} and fail on firmware {@code to}, per board-variant (substring match). */
    List<Regression> regressions(String from, String to);

    /** Benchmark series per board-variant, oldest first: the last {@link #PERF_POINTS} sessions that measured it. */
    List<PerfSeries> perf(Optional<String> boardVariant);

    /**
     * A test's outcomes on a board-variant (a board alone: its default variant) in the last sessions that tested this
     * commit (their tests_ref names its first 12 hex digits): what a bisect step reuses instead of running again.
     */
    List<String> outcomesAt(String commit, String test, testbed.model.BoardVariant boardVariant);

    /** Duration statistics per work key (group, board kind, board-variant, role): the scheduler's estimates once history exists. */
    List<DurationStats> durations();

    /** Pass rate per session, oldest first: the trend chart of the report. */
    List<SessionTrend> trend(String lab, int lastSessions);

    /** Per tentacle over the last sessions: its runs, how many passed, its infrastructure errors and flash failures. */
    List<TentacleRecord> tentacles(int lastSessions);

    /** Tests failing on a board-variant every time since they last passed, in two or more of the last sessions: broken, not flaky. */
    List<FailingTest> failing(int lastSessions);

    /** Per board-variant over the last sessions: runs and tests, passed and in all (testgroup empty: every group). */
    List<GroupPassRate> passRatesByBoard(int lastSessions);

    /** What changed in a session since the last comparable one (same lab, a test group in common): the morning report. */
    Changes changes(String sessionId);

    @Override
    void close();

    /**
     * @param since the session compared with; empty when there is none (then only this session's own flaky tests and perf
     *     changes against the whole history are listed)
     */
    record Changes(String session, Optional<String> since, List<TestChange> regressions, List<TestChange> fixed, List<TestChange> flaky,
            List<PerfChange> perf) {
        public boolean isEmpty() {
            return regressions.isEmpty() && fixed.isEmpty() && flaky.isEmpty() && perf.isEmpty();
        }
    }

    /** A test whose outcome on one tentacle changed (two identical tentacles are two rows: neither hides the other). */
    record TestChange(String testgroup, String test, String boardVariant, String tentacle, String before, String now) {}

    /** A benchmark outside the noise band of its earlier values (mean ± max(3σ, 5 %)). */
    record PerfChange(String boardVariant, String name, String unit, double value, double meanBefore) {}

    record SessionFilter(Optional<String> lab, Optional<String> board, Optional<String> since, int limit) {
        public static SessionFilter all() {
            return new SessionFilter(Optional.empty(), Optional.empty(), Optional.empty(), 1000);
        }

        public static SessionFilter newest() {
            return new SessionFilter(Optional.empty(), Optional.empty(), Optional.empty(), 1);
        }
    }

    /** @param verdict null while the session runs (or when it was killed) */
    record SessionRow(String id, String lab, String host, String trigger, String timeStart, double durationSeconds, SessionState status,
            Verdict verdict, int runs, int failedRuns, String firmware) {}

    /** @param tests tests that passed or failed (skipped ones left out): zero when nothing ran */
    record GroupPassRate(String testgroup, String boardVariant, int sessions, int runs, int passedRuns, long tests, long passedTests) {
        /** Passed tests over tests that ran; null when none ran (a group that only skipped has no pass rate). */
        public Double passRate() {
            return tests == 0 ? null : (double) passedTests / tests;
        }
    }

    /** @param flipRate outcome changes divided by (observations - 1) */
    record FlakyTest(String testgroup, String test, String boardVariant, String tentacle, String firmware, int observations, int failures,
            int flips, double flipRate, List<String> sessions) {}

    /** @param tentacle where it fails on {@code toFirmware} */
    record Regression(String boardVariant, String tentacle, String testgroup, String test, String fromFirmware, String toFirmware, String toOutcome,
            String session) {}

    /**
     * One benchmark on one board-variant over sessions, oldest first, with the firmware of each point.
     *
     * @param params what it was measured with (run-perfbench.py's N and M): one series per size
     * @param spreads each point's own noise, the relative stddev of the repeats it averages (%; 0 unknown)
     * @param band the noise band's half-width around {@code mean} (of the points since the last change)
     * @param changes indices into {@code values} where the value left the noise band of the values before it: a real
     *     change, e.g. from a new firmware
     */
    record PerfSeries(String boardVariant, String name, String unit, String params, List<Double> values, List<Double> spreads, List<String> firmware,
            List<String> sessions, double mean, double stddev, double band, List<Integer> changes) {}

    /** @param errors attempts that ended in an infrastructure error or a timeout; {@code flashFailures} those of them a flash failed */
    record TentacleRecord(String tentacle, int runs, int passedRuns, int attempts, int errors, int flashFailures, String lastRun) {
        public double passRate() {
            return runs == 0 ? 0 : (double) passedRuns / runs;
        }
    }

    /** @param sessions the sessions it failed in, newest first */
    record FailingTest(String testgroup, String test, String boardVariant, int failures, List<String> sessions) {}

    record DurationStats(WorkKey key, int runs, double meanSeconds, double p90Seconds) {}

    record SessionTrend(String session, String timeStart, long tests, long passed, double passRate) {}
}
