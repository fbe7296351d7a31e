package testbed.history;

import static testbed.history.ResultRows.failed;
import static testbed.history.ResultRows.lastSessions;
import static testbed.history.ResultRows.passed;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import testbed.history.ResultRows.ResultRow;

/** The history's analyses over plain result rows: flaky tests and regressions between firmware. */
final class Analyses {

    private Analyses() {}

    /** Tests whose outcome flips between attempts or sessions on the same board-variant and firmware, most flips first. */
    static List<History.FlakyTest> flaky(List<ResultRow> rows, int lastSessions) {
        Set<String> keep = new HashSet<>(lastSessions(rows, lastSessions));
        Map<String, List<ResultRow>> series = new LinkedHashMap<>();
        for (ResultRow r : rows) {
            if (keep.contains(r.session()) && (passed(r.outcome()) || failed(r.outcome()))) {
                series.computeIfAbsent(r.testgroup() + "\t" + r.test() + "\t" + r.boardVariant() + "\t" + r.firmware(), k -> new ArrayList<>()).add(r);
            }
        }
        List<History.FlakyTest> flaky = new ArrayList<>();
        series.forEach((key, list) -> {
            int flips = 0;
            int failures = 0;
            for (int i = 0; i < list.size(); i++) {
                if (failed(list.get(i).outcome())) {
                    failures++;
                }
                if (i > 0 && passed(list.get(i).outcome()) != passed(list.get(i - 1).outcome())) {
                    flips++;
                }
            }
            if (flips > 0) {
                String[] k = key.split("\t", -1);
                flaky.add(new History.FlakyTest(k[0], k[1], k[2], k[3], list.size(), failures, flips, (double) flips / (list.size() - 1),
                        list.stream().map(ResultRow::session).distinct().toList()));
            }
        });
        flaky.sort(java.util.Comparator.comparingDouble(History.FlakyTest::flipRate).reversed().thenComparing(History.FlakyTest::test));
        return flaky;
    }

    /** Passed on a firmware matching {@code from}, fails on one matching {@code to}: rows of final attempts. */
    static List<History.Regression> regressions(List<ResultRow> rows, String from, String to) {
        // Per (board-variant, group, test): the latest outcome on a firmware matching "from" and one matching "to".
        Map<String, ResultRow> onFrom = new TreeMap<>();
        Map<String, ResultRow> onTo = new TreeMap<>();
        for (ResultRow r : rows) {
            String key = r.boardVariant() + "\t" + r.testgroup() + "\t" + r.test();
            if (r.firmware().contains(from)) {
                onFrom.put(key, r);
            }
            if (r.firmware().contains(to)) {
                onTo.put(key, r);
            }
        }
        List<History.Regression> result = new ArrayList<>();
        onTo.forEach((key, now) -> {
            ResultRow before = onFrom.get(key);
            if (before != null && !before.firmware().equals(now.firmware()) && passed(before.outcome()) && failed(now.outcome())) {
                result.add(new History.Regression(now.boardVariant(), now.testgroup(), now.test(), before.firmware(), now.firmware(), now.outcome(),
                        now.session()));
            }
        });
        return result;
    }


    /** See {@link History#changes}: final outcomes against the previous comparable session, flips within this one, perf outside its band. */
    static History.Changes changes(List<ResultRow> rows, String sessionId, List<History.PerfSeries> perf) {
        List<ResultRow> mine = rows.stream().filter(r -> r.session().equals(sessionId)).toList();
        if (mine.isEmpty()) {
            return new History.Changes(sessionId, java.util.Optional.empty(), List.of(), List.of(), List.of(), List.of());
        }
        String lab = mine.get(0).lab();
        String start = mine.get(0).sessionStart();
        Set<String> groups = new HashSet<>();
        mine.forEach(r -> groups.add(r.testgroup()));
        java.util.Optional<String> since = rows.stream()
                .filter(r -> r.lab().equals(lab) && r.sessionStart().compareTo(start) < 0 && groups.contains(r.testgroup()))
                .max(java.util.Comparator.comparing(ResultRow::sessionStart)).map(ResultRow::session);
        Map<String, String> now = outcomes(ResultRows.finalAttempts(mine));
        Map<String, String> before = since.map(s -> outcomes(ResultRows.finalAttempts(rows.stream().filter(r -> r.session().equals(s)).toList())))
                .orElse(Map.of());
        List<History.TestChange> regressions = new ArrayList<>();
        List<History.TestChange> fixed = new ArrayList<>();
        now.forEach((key, outcome) -> {
            String was = before.get(key);
            if (was == null) {
                return;
            }
            String[] k = key.split("\t", -1);
            if (passed(was) && failed(outcome)) {
                regressions.add(new History.TestChange(k[0], k[1], k[2], was, outcome));
            } else if (failed(was) && passed(outcome)) {
                fixed.add(new History.TestChange(k[0], k[1], k[2], was, outcome));
            }
        });
        // Flaky in this session: a test that failed and passed in attempts of the same run.
        Map<String, Set<String>> perRun = new TreeMap<>();
        for (ResultRow r : mine) {
            perRun.computeIfAbsent(r.runId() + "\t" + r.testgroup() + "\t" + r.test() + "\t" + r.boardVariant(), x -> new HashSet<>())
                    .add(passed(r.outcome()) ? "passed" : failed(r.outcome()) ? "failed" : "other");
        }
        List<History.TestChange> flaky = new ArrayList<>();
        perRun.forEach((key, seen) -> {
            if (seen.contains("passed") && seen.contains("failed")) {
                String[] k = key.split("\t", -1);
                flaky.add(new History.TestChange(k[1], k[2], k[3], "failed", "passed"));
            }
        });
        List<History.PerfChange> perfChanges = new ArrayList<>();
        for (History.PerfSeries p : perf) {
            int i = p.sessions().lastIndexOf(sessionId);
            if (i > 0 && p.changes().contains(i)) {
                double meanBefore = p.values().subList(0, i).stream().mapToDouble(Double::doubleValue).average().orElse(0);
                perfChanges.add(new History.PerfChange(p.boardVariant(), p.name(), p.unit(), p.values().get(i), meanBefore));
            }
        }
        return new History.Changes(sessionId, since, regressions, fixed, flaky, perfChanges);
    }

    /** group, test, board-variant → outcome. */
    private static Map<String, String> outcomes(List<ResultRow> rows) {
        Map<String, String> m = new TreeMap<>();
        rows.forEach(r -> m.put(r.testgroup() + "\t" + r.test() + "\t" + r.boardVariant(), r.outcome()));
        return m;
    }

    /** Per group and board-variant over the last sessions: runs, passed runs, tests and passed tests (final attempts). */
    static List<History.GroupPassRate> passRates(List<ResultRow> boardRows, String boardVariant, int lastSessions) {
        testbed.model.BoardVariant wanted = testbed.model.BoardVariant.parse(boardVariant);
        List<ResultRow> rows = ResultRows.finalAttempts(boardRows).stream()
                .filter(r -> wanted.isDefaultVariant() || r.boardVariant().equals(wanted.name())).toList();
        Set<String> keep = new HashSet<>(lastSessions(rows, lastSessions));
        Map<String, long[]> byGroup = new TreeMap<>();
        Map<String, Set<String>> runs = new TreeMap<>();
        Map<String, Set<String>> failedRuns = new TreeMap<>();
        Map<String, Set<String>> sessions = new TreeMap<>();
        for (ResultRow r : rows) {
            if (!keep.contains(r.session())) {
                continue;
            }
            String key = r.testgroup() + "\t" + r.boardVariant();
            long[] c = byGroup.computeIfAbsent(key, k -> new long[2]);
            if (passed(r.outcome()) || failed(r.outcome())) {
                c[0]++;
                c[1] += passed(r.outcome()) ? 1 : 0;
            }
            runs.computeIfAbsent(key, k -> new HashSet<>()).add(r.runId());
            sessions.computeIfAbsent(key, k -> new HashSet<>()).add(r.session());
            if (failed(r.outcome())) {
                failedRuns.computeIfAbsent(key, k -> new HashSet<>()).add(r.runId());
            }
        }
        List<History.GroupPassRate> result = new ArrayList<>();
        byGroup.forEach((key, c) -> {
            String[] k = key.split("\t");
            int all = runs.get(key).size();
            int failedCount = failedRuns.getOrDefault(key, Set.of()).size();
            result.add(new History.GroupPassRate(k[0], k[1], sessions.get(key).size(), all, all - failedCount, c[0], c[1]));
        });
        return result;
    }
}
