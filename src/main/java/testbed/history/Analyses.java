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

}
