package testbed.report;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import testbed.results.AttemptRecord;
import testbed.runner.Outcome;
import testbed.runner.TestResult;
import testbed.session.SessionRecord;

/** The numbers every report format shows, computed once from a session record. */
record SessionView(SessionRecord session, Map<String, GroupSummary> groups, List<MatrixRow> matrix, List<String> columns, Instant start,
        Instant end) {

    /** Per test group: runs, skipped and retried runs; tests by outcome over the final attempts. */
    record GroupSummary(String group, int runs, int skippedRuns, int retriedRuns, int errorRuns, Map<Outcome, Long> tests) {
        /** Tests per outcome label, every outcome present (the order of the report columns). */
        Map<String, Long> byLabel() {
            Map<String, Long> m = new LinkedHashMap<>();
            for (Outcome o : Outcome.values()) {
                m.put(o.label(), tests.getOrDefault(o, 0L));
            }
            return m;
        }

        long failedTests() {
            return tests.entrySet().stream().filter(e -> e.getKey().isFailure()).mapToLong(Map.Entry::getValue).sum();
        }
    }

    /** One test that did not simply pass everywhere: its cells per column (board-variant/role). */
    record MatrixRow(String group, String test, Map<String, List<Cell>> cells, boolean flaky) {}

    /** One attempt's outcome of a test, with the attempt folder to link to. */
    record Cell(String letter, Outcome outcome, String directory, String reason) {}

    static String column(SessionRecord.Run run) {
        return run.boardVariant().name() + (run.role() == testbed.model.Role.SINGLE ? "" : "/" + run.role().label());
    }

    static SessionView of(SessionRecord s) {
        Map<String, int[]> runCounts = new TreeMap<>();
        Map<String, Map<Outcome, Long>> tests = new TreeMap<>();
        Map<String, Map<String, Map<String, List<Cell>>>> cells = new TreeMap<>();
        List<String> columns = new ArrayList<>();
        Instant start = Instant.parse(s.timeStart());
        Instant end = s.timeEnd().isEmpty() ? start.plus(Duration.ofMillis(Math.round(s.durationSeconds() * 1000))) : Instant.parse(s.timeEnd());
        for (SessionRecord.Run run : s.runs()) {
            int[] c = runCounts.computeIfAbsent(run.testgroup(), k -> new int[4]);
            c[0]++;
            if (run.status() == testbed.model.Status.SKIPPED) {
                c[1]++;
            }
            if (run.attempts().size() > 1) {
                c[2]++;
            }
            if (run.status().isInfra()) {
                c[3]++;
            }
            Map<Outcome, Long> t = tests.computeIfAbsent(run.testgroup(), k -> new java.util.EnumMap<>(Outcome.class));
            if (!run.attempts().isEmpty()) {
                AttemptRecord last = run.attempts().get(run.attempts().size() - 1);
                for (TestResult r : last.tests()) {
                    t.merge(r.outcome(), 1L, Long::sum);
                }
            }
            if (run.attempts().isEmpty()) {
                continue;
            }
            String column = column(run);
            if (!columns.contains(column)) {
                columns.add(column);
            }
            for (AttemptRecord a : run.attempts()) {
                for (TestResult r : a.tests()) {
                    cells.computeIfAbsent(run.testgroup() + "\t" + r.name(), k -> new TreeMap<>())
                            .computeIfAbsent(column, k -> new TreeMap<>())
                            .computeIfAbsent(a.attempt() + "\t" + a.directory(), k -> new ArrayList<>())
                            .add(new Cell(a.attempt(), r.outcome(), a.directory(), r.reason()));
                }
            }
        }
        columns.sort(null);
        List<MatrixRow> matrix = new ArrayList<>();
        cells.forEach((key, byColumn) -> {
            Map<String, List<Cell>> row = new LinkedHashMap<>();
            boolean interesting = false;
            boolean flaky = false;
            for (var e : byColumn.entrySet()) {
                List<Cell> list = new ArrayList<>();
                e.getValue().values().forEach(list::addAll);
                row.put(e.getKey(), list);
                boolean anyPass = list.stream().anyMatch(c -> c.outcome() == Outcome.PASSED);
                boolean anyFail = list.stream().anyMatch(c -> c.outcome().isFailure());
                interesting |= list.stream().anyMatch(c -> c.outcome() != Outcome.PASSED && c.outcome() != Outcome.SKIPPED);
                flaky |= anyPass && anyFail;
            }
            if (interesting) {
                String[] k = key.split("\t", 2);
                matrix.add(new MatrixRow(k[0], k[1], row, flaky));
            }
        });
        Map<String, GroupSummary> groups = new LinkedHashMap<>();
        runCounts.forEach((g, c) -> groups.put(g, new GroupSummary(g, c[0], c[1], c[2], c[3], tests.getOrDefault(g, Map.of()))));
        return new SessionView(s, groups, matrix, columns, start, end);
    }

    long total(Outcome o) {
        return groups.values().stream().mapToLong(g -> g.tests().getOrDefault(o, 0L)).sum();
    }

    /** All groups' tests per outcome label. */
    Map<String, Long> totalsByLabel() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (Outcome o : Outcome.values()) {
            m.put(o.label(), total(o));
        }
        return m;
    }
}
