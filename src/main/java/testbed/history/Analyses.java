package testbed.history;

import static testbed.history.ResultRows.decisive;
import static testbed.history.ResultRows.passed;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import testbed.history.ResultRows.FlakyKey;
import testbed.history.ResultRows.ResultRow;
import testbed.history.ResultRows.TestOn;
import testbed.history.ResultRows.TestOnKind;
import testbed.runner.Outcome;

/**
 * The history's analyses over plain result rows that the SQL already bounded (a window of sessions, the sessions
 * compared): the shaping stays in Java so SQLite and PostgreSQL answer alike.
 */
final class Analyses {

    private Analyses() {}

    /**
     * Tests whose outcome flips between attempts or sessions on the same tentacle and firmware, most flips first.
     * {@code rows} are ordered by session start, run and attempt. A test that always fails on one board and always passes
     * on its identical twin flips on neither.
     */
    static List<History.FlakyTest> flaky(List<ResultRow> rows) {
        Map<FlakyKey, List<ResultRow>> series = new LinkedHashMap<>();
        for (ResultRow r : rows) {
            if (decisive(r.outcome())) {
                series.computeIfAbsent(new FlakyKey(r.testgroup(), r.test(), r.tentacle(), r.boardVariant(), r.firmware()), k -> new ArrayList<>()).add(r);
            }
        }
        List<History.FlakyTest> flaky = new ArrayList<>();
        series.forEach((key, list) -> {
            int flips = 0;
            int failures = 0;
            for (int i = 0; i < list.size(); i++) {
                if (!passed(list.get(i).outcome())) {
                    failures++;
                }
                if (i > 0 && passed(list.get(i).outcome()) != passed(list.get(i - 1).outcome())) {
                    flips++;
                }
            }
            if (flips > 0) {
                flaky.add(new History.FlakyTest(key.testgroup(), key.test(), key.boardVariant().name(), key.tentacle(), key.firmware(), list.size(),
                        failures, flips, (double) flips / (list.size() - 1), list.stream().map(ResultRow::session).distinct().toList()));
            }
        });
        flaky.sort(Comparator.comparingDouble(History.FlakyTest::flipRate).reversed().thenComparing(History.FlakyTest::test)
                .thenComparing(History.FlakyTest::tentacle));
        return flaky;
    }

    /** A test's outcome now on one tentacle, and what it was before (same tentacle, else the worst on its kind). */
    record Compared(ResultRow now, Outcome before) {}

    /**
     * Pairs every decisive outcome of {@code now} with its earlier one: the same test on the same tentacle and role
     * if {@code before} has it, else the worst outcome of the same test on any tentacle of the same kind and
     * board-variant (identical tentacles share their work, so last night's run may have been on the twin).
     */
    static List<Compared> compare(List<ResultRow> before, List<ResultRow> now) {
        Map<TestOn, Outcome> sameTentacle = new HashMap<>();
        Map<TestOnKind, Outcome> sameKind = new HashMap<>();
        for (ResultRow r : before) {
            if (decisive(r.outcome())) {
                sameTentacle.merge(r.on(), r.outcome(), Analyses::worst);
                sameKind.merge(r.onKind(), r.outcome(), Analyses::worst);
            }
        }
        List<Compared> out = new ArrayList<>();
        Map<TestOn, ResultRow> latest = new LinkedHashMap<>();
        for (ResultRow r : now) {
            if (decisive(r.outcome())) {
                latest.merge(r.on(), r, (a, b) -> worst(a.outcome(), b.outcome()) == a.outcome() ? a : b);
            }
        }
        latest.forEach((on, r) -> {
            Outcome was = sameTentacle.get(on);
            if (was == null) {
                was = sameKind.get(r.onKind());
            }
            if (was != null) {
                out.add(new Compared(r, was));
            }
        });
        return out;
    }

    private static Outcome worst(Outcome a, Outcome b) {
        return passed(a) ? b : a;
    }

    /**
     * See {@link History#changes}: this session's final outcomes against the comparable one before, tests that flipped
     * between attempts of one run here, benchmarks of this session outside their band.
     *
     * @param mine every attempt's results of this session
     * @param before the final attempts' results of the session compared with
     */
    static History.Changes changes(String sessionId, Optional<String> since, List<ResultRow> mine, List<ResultRow> before,
            List<History.PerfSeries> perf) {
        List<ResultRow> finals = finalAttempts(mine);
        List<History.TestChange> regressions = new ArrayList<>();
        List<History.TestChange> fixed = new ArrayList<>();
        for (Compared c : compare(before, finals)) {
            ResultRow r = c.now();
            if (passed(c.before()) && !passed(r.outcome())) {
                regressions.add(change(r, c.before().label(), r.outcome().label()));
            } else if (!passed(c.before()) && passed(r.outcome())) {
                fixed.add(change(r, c.before().label(), r.outcome().label()));
            }
        }
        // Flaky in this session: a test that failed and passed in attempts of the same run.
        Map<String, Map<String, Set<Outcome>>> perRun = new LinkedHashMap<>();
        Map<String, ResultRow> sample = new HashMap<>();
        for (ResultRow r : mine) {
            if (decisive(r.outcome())) {
                perRun.computeIfAbsent(r.runId(), k -> new LinkedHashMap<>()).computeIfAbsent(r.test(), k -> EnumSet.noneOf(Outcome.class))
                        .add(passed(r.outcome()) ? Outcome.PASSED : Outcome.FAILED);
                sample.putIfAbsent(r.runId() + "\n" + r.test(), r);
            }
        }
        List<History.TestChange> flaky = new ArrayList<>();
        perRun.forEach((run, tests) -> tests.forEach((test, seen) -> {
            if (seen.size() == 2) {
                flaky.add(change(sample.get(run + "\n" + test), "failed", "passed"));
            }
        }));
        List<History.PerfChange> perfChanges = new ArrayList<>();
        for (History.PerfSeries p : perf) {
            int i = p.sessions().lastIndexOf(sessionId);
            if (i > 0 && p.changes().contains(i)) {
                double meanBefore = p.values().subList(0, i).stream().mapToDouble(Double::doubleValue).average().orElse(0);
                perfChanges.add(new History.PerfChange(p.boardVariant(), p.name(), p.unit(), p.values().get(i), meanBefore));
            }
        }
        Comparator<History.TestChange> order = Comparator.comparing(History.TestChange::testgroup).thenComparing(History.TestChange::test)
                .thenComparing(History.TestChange::tentacle);
        regressions.sort(order);
        fixed.sort(order);
        flaky.sort(order);
        return new History.Changes(sessionId, since, regressions, fixed, flaky, perfChanges);
    }

    private static History.TestChange change(ResultRow r, String before, String now) {
        return new History.TestChange(r.testgroup(), r.test(), r.boardVariant().name(), r.tentacle(), before, now);
    }

    /** Passed on the {@code from} firmware, fails on {@code to}: final outcomes of the latest runs of each side. */
    static List<History.Regression> regressions(List<ResultRow> from, List<ResultRow> to) {
        List<History.Regression> result = new ArrayList<>();
        for (Compared c : compare(from, to)) {
            ResultRow now = c.now();
            if (passed(c.before()) && !passed(now.outcome())) {
                String was = from.stream().filter(r -> r.testgroup().equals(now.testgroup()) && r.boardVariant().equals(now.boardVariant()))
                        .map(ResultRow::firmware).findFirst().orElse("");
                result.add(new History.Regression(now.boardVariant().name(), now.tentacle(), now.testgroup(), now.test(), was, now.firmware(),
                        now.outcome().label(), now.session()));
            }
        }
        result.sort(Comparator.comparing(History.Regression::boardVariant).thenComparing(History.Regression::testgroup)
                .thenComparing(History.Regression::test).thenComparing(History.Regression::tentacle));
        return result;
    }

    /** Keeps, per run, only the results of its last attempt: the run's verdict. */
    static List<ResultRow> finalAttempts(List<ResultRow> rows) {
        return rows.stream().filter(ResultRow::finalAttempt).toList();
    }
}
