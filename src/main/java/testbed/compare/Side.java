package testbed.compare;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import testbed.model.Role;
import testbed.model.Status;
import testbed.results.AttemptRecord;
import testbed.runner.Measurement;
import testbed.runner.Outcome;
import testbed.runner.TestResult;
import testbed.session.SessionRecord;

/**
 * One side of a comparison: every outcome a session (or several, e.g. a session and its confirmation reruns) saw, per
 * test group, column (board-variant, and role for a multi-board test) and test; its benchmark figures; and why runs
 * that tested nothing did not.
 *
 * @param source what was tested, e.g. {@code v1.27.0-3-gabc (commit abc…) from repo@abc}
 * @param runsWithoutTests per group and column, why no test ran there (a skipped run's reason)
 */
public record Side(String sessionId, String source, Map<RunKey, List<Seen>> tests, Map<RunKey, String> runsWithoutTests,
        Map<PerfKey, List<Measurement>> perf) {

    /** A test group in one column. */
    public record RunKey(String testgroup, String column) implements Comparable<RunKey> {
        @Override
        public int compareTo(RunKey o) {
            int c = testgroup.compareTo(o.testgroup);
            return c != 0 ? c : column.compareTo(o.column);
        }
    }

    /** A benchmark in one column, per unit (run-perfbench.py gives a time and a score). */
    public record PerfKey(String column, String name, String unit) implements Comparable<PerfKey> {
        @Override
        public int compareTo(PerfKey o) {
            return (column + "\0" + name + "\0" + unit).compareTo(o.column + "\0" + o.name + "\0" + o.unit);
        }
    }

    /** One outcome of a test: on which tentacle, in which attempt folder, and why (a skip's or failure's reason). */
    public record Seen(String test, Outcome outcome, String tentacle, String directory, String reason) {}

    /** The column of a run: {@code UNIX}, {@code RPI_PICO2-RISCV}, {@code UNIX/instance0}. */
    public static String column(SessionRecord.Run run) {
        return run.boardVariant().name() + (run.role() == Role.SINGLE ? "" : "/" + run.role().label());
    }

    /**
     * The side one or more sessions make. Attempts that ended in an infrastructure error add only the tests they
     * finished; tests a runner never ran ({@code not_run}) say nothing about the firmware and are left out.
     */
    public static Side of(String label, List<SessionRecord> sessions) {
        Map<RunKey, List<Seen>> tests = new TreeMap<>();
        Map<RunKey, String> without = new TreeMap<>();
        Map<PerfKey, List<Measurement>> perf = new TreeMap<>();
        String source = sessions.isEmpty() ? "" : sessions.get(0).testsRef();
        String id = sessions.isEmpty() ? label : sessions.get(0).sessionId();
        for (SessionRecord s : sessions) {
            for (SessionRecord.Run run : s.runs()) {
                RunKey key = new RunKey(run.testgroup(), column(run));
                List<Seen> seen = tests.computeIfAbsent(key, k -> new ArrayList<>());
                for (AttemptRecord a : run.attempts()) {
                    for (TestResult t : a.tests() == null ? List.<TestResult>of() : a.tests()) {
                        if (t.outcome() != Outcome.NOT_RUN) {
                            seen.add(new Seen(t.name(), t.outcome(), a.tentacle(), a.directory(), t.reason() == null ? "" : t.reason()));
                        }
                    }
                    for (Measurement m : a.measurements() == null ? List.<Measurement>of() : a.measurements()) {
                        perf.computeIfAbsent(new PerfKey(key.column(), m.name(), m.unit()), k -> new ArrayList<>()).add(m);
                    }
                }
                if (seen.isEmpty()) {
                    tests.remove(key);
                    String why = run.status() == Status.SKIPPED ? run.attempts().stream().map(AttemptRecord::error).filter(e -> e != null && !e.isBlank())
                            .findFirst().orElse("skipped") : run.status().label();
                    without.putIfAbsent(key, why);
                } else {
                    without.remove(key);
                }
            }
        }
        return new Side(id, source, tests, without, perf);
    }

    /**
     * How a test did on this side, in every column: a bisect step's evidence.
     *
     * @param first its first outcome, for why it neither passed nor failed
     */
    public record Tally(int failed, int passed, int total, Optional<Seen> first) {
        /** The first outcome in words, with its reason: {@code skipped (no unittest)}. */
        public String firstInWords() {
            return first.map(s -> s.outcome().words() + (s.reason().isBlank() ? "" : " (" + s.reason() + ")")).orElse("");
        }
    }

    public Tally tally(String test) {
        List<Seen> seen = tests.values().stream().flatMap(List::stream).filter(s -> s.test().equals(test)).toList();
        int failed = (int) seen.stream().filter(s -> s.outcome().isFailure()).count();
        int passed = (int) seen.stream().filter(s -> s.outcome() == Outcome.PASSED).count();
        return new Tally(failed, passed, seen.size(), seen.stream().findFirst());
    }

    /** Per test of a run key: its outcomes in the order seen. */
    Map<String, List<Seen>> byTest(RunKey key) {
        Map<String, List<Seen>> m = new LinkedHashMap<>();
        tests.getOrDefault(key, List.of()).forEach(s -> m.computeIfAbsent(s.test(), t -> new ArrayList<>()).add(s));
        return m;
    }
}
