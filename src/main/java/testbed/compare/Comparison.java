package testbed.compare;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import testbed.runner.Measurement;
import testbed.runner.Outcome;

/**
 * The difference between a base and a head side of the same boards, leading with what a maintainer acts on.
 *
 * <p>A test is judged per column over all its outcomes on a side: it <em>passes</em> when none failed and one passed,
 * <em>fails</em> when every outcome failed, is <em>flaky</em> when it did both. A regression is a test that passes on
 * the base and fails on the head; it is <em>confirmed</em> when it failed again in a rerun (or in every repeat of a
 * recorded head), and moved to the flaky list when a rerun passed.
 *
 * @param regressions newly failing on the head
 * @param fixed newly passing on the head
 * @param flaky outcomes that differ between repeats of one side (and regressions a rerun did not confirm)
 * @param onlyBase tests, or whole groups on a board, the head did not run (removed, or not run for a reason given)
 * @param onlyHead tests, or whole groups on a board, only the head ran (added)
 * @param skipChanged skipped on one side and not on the other, or skipped for another reason
 * @param perf benchmarks whose change is beyond the noise of both sides
 * @param stillFailing failing on both sides: not a change, counted so nobody mistakes silence for health
 */
public record Comparison(
        String base,
        String head,
        @JsonProperty("base_source") String baseSource,
        @JsonProperty("head_source") String headSource,
        List<TestChange> regressions,
        List<TestChange> fixed,
        List<TestChange> flaky,
        @JsonProperty("only_base") List<TestChange> onlyBase,
        @JsonProperty("only_head") List<TestChange> onlyHead,
        @JsonProperty("skip_changed") List<TestChange> skipChanged,
        List<PerfChange> perf,
        @JsonProperty("still_failing") List<TestChange> stillFailing,
        @JsonProperty("tests_compared") int testsCompared) {

    /** A benchmark is called changed only beyond this many combined standard deviations... */
    static final double SIGMAS = 3;
    /** ...and never below this change in percent: run-perfbench.py's spread is of one run's repeats, not between sessions. */
    static final double FLOOR_PERCENT = 5;

    public enum Confirmation {
        /** Failed again when run again (or in every repeat of the head). */
        CONFIRMED,
        /** Not run again: a recorded session with a single run of it. */
        UNCONFIRMED;

        @com.fasterxml.jackson.annotation.JsonValue
        public String label() {
            return name().toLowerCase();
        }
    }

    /**
     * One test's change in one column.
     *
     * @param base its outcomes on the base, e.g. {@code passed} or {@code passed, failed}; empty when it was not there
     * @param head its outcomes on the head
     * @param why what the outcomes do not say: the failure's or skip's reason, or why a group did not run on one side
     * @param directory the head's attempt folder of the outcome shown (the base's when only the base ran it)
     * @param confirmation for a regression; null otherwise
     */
    public record TestChange(String testgroup, String column, String test, String base, String head, String why, String directory,
            Confirmation confirmation) {}

    /**
     * @param changePercent (head − base) / base, as run-perfbench.py's {@code -m} diff prints it
     * @param errorPercent the combined standard deviation of both sides, in percent of the base
     * @param worse slower (a time up) or a lower score
     */
    public record PerfChange(String column, String name, String unit, double base, double head, @JsonProperty("change_percent") double changePercent,
            @JsonProperty("error_percent") double errorPercent, boolean worse) {}

    /** Confirmed regressions: the head's exit code and the verdict. */
    public List<TestChange> confirmedRegressions() {
        return regressions.stream().filter(r -> r.confirmation() == Confirmation.CONFIRMED).toList();
    }

    /** Nothing a maintainer needs to look at. */
    public boolean isEmpty() {
        return regressions.isEmpty() && fixed.isEmpty() && flaky.isEmpty() && onlyBase.isEmpty() && onlyHead.isEmpty() && skipChanged.isEmpty()
                && perf.isEmpty();
    }

    /** One line: what the head does to the boards. */
    public String verdict() {
        long confirmed = confirmedRegressions().size();
        long unconfirmed = regressions.size() - confirmed;
        List<String> parts = new ArrayList<>();
        if (confirmed > 0) {
            parts.add(confirmed + " confirmed regression" + (confirmed == 1 ? "" : "s"));
        }
        if (unconfirmed > 0) {
            parts.add(unconfirmed + " unconfirmed regression" + (unconfirmed == 1 ? "" : "s"));
        }
        long slower = perf.stream().filter(PerfChange::worse).count();
        if (slower > 0) {
            parts.add(slower + " benchmark" + (slower == 1 ? "" : "s") + " worse");
        }
        if (!fixed.isEmpty()) {
            parts.add(fixed.size() + " fixed");
        }
        if (!flaky.isEmpty()) {
            parts.add(flaky.size() + " flaky");
        }
        if (parts.isEmpty()) {
            return isEmpty() ? "no change in " + testsCompared + " tests compared" : "no regression in " + testsCompared + " tests compared";
        }
        return String.join(", ", parts) + " (" + testsCompared + " tests compared)";
    }

    /** The comparison of two sides; a regression is confirmed when the head failed it in every one of two or more outcomes. */
    public static Comparison of(Side base, Side head) {
        List<TestChange> regressions = new ArrayList<>();
        List<TestChange> fixed = new ArrayList<>();
        List<TestChange> flaky = new ArrayList<>();
        List<TestChange> onlyBase = new ArrayList<>();
        List<TestChange> onlyHead = new ArrayList<>();
        List<TestChange> skipChanged = new ArrayList<>();
        List<TestChange> stillFailing = new ArrayList<>();
        int compared = 0;

        TreeSet<Side.RunKey> keys = new TreeSet<>(base.tests().keySet());
        keys.addAll(head.tests().keySet());
        keys.addAll(base.runsWithoutTests().keySet());
        keys.addAll(head.runsWithoutTests().keySet());
        for (Side.RunKey key : keys) {
            boolean inBase = base.tests().containsKey(key);
            boolean inHead = head.tests().containsKey(key);
            if (!inBase || !inHead) {
                if (inBase || inHead) {
                    // A whole group on a board on one side only: one line, with why the other side has nothing.
                    Side with = inBase ? base : head;
                    Side without = inBase ? head : base;
                    String why = without.runsWithoutTests().getOrDefault(key, "not in that session");
                    int n = with.byTest(key).size();
                    TestChange c = new TestChange(key.testgroup(), key.column(), "(" + n + " test" + (n == 1 ? "" : "s") + ")",
                            inBase ? "ran" : "", inHead ? "ran" : "", why, "", null);
                    (inBase ? onlyBase : onlyHead).add(c);
                }
                continue;
            }
            Map<String, List<Side.Seen>> b = base.byTest(key);
            Map<String, List<Side.Seen>> h = head.byTest(key);
            TreeSet<String> names = new TreeSet<>(b.keySet());
            names.addAll(h.keySet());
            for (String test : names) {
                List<Side.Seen> bs = b.getOrDefault(test, List.of());
                List<Side.Seen> hs = h.getOrDefault(test, List.of());
                if (bs.isEmpty() || hs.isEmpty()) {
                    List<Side.Seen> one = bs.isEmpty() ? hs : bs;
                    TestChange c = change(key, test, bs, hs, one.get(one.size() - 1), null);
                    (bs.isEmpty() ? onlyHead : onlyBase).add(c);
                    continue;
                }
                compared++;
                Judgement jb = judge(bs);
                Judgement jh = judge(hs);
                Side.Seen shown = hs.stream().filter(s -> s.outcome().isFailure()).findFirst().orElse(hs.get(hs.size() - 1));
                if (jb == Judgement.FLAKY || jh == Judgement.FLAKY) {
                    flaky.add(change(key, test, bs, hs, shown, null));
                } else if (jb == Judgement.PASSES && jh == Judgement.FAILS) {
                    regressions.add(change(key, test, bs, hs, shown, hs.size() >= 2 ? Confirmation.CONFIRMED : Confirmation.UNCONFIRMED));
                } else if (jb == Judgement.FAILS && jh == Judgement.PASSES) {
                    fixed.add(change(key, test, bs, hs, shown, null));
                } else if (jb == Judgement.FAILS && jh == Judgement.FAILS) {
                    stillFailing.add(change(key, test, bs, hs, shown, null));
                } else if (jb == Judgement.SKIPPED || jh == Judgement.SKIPPED) {
                    String rb = reasons(bs);
                    String rh = reasons(hs);
                    if (jb != jh || !rb.equals(rh)) {
                        skipChanged.add(change(key, test, bs, hs, shown, null));
                    }
                }
            }
        }
        return new Comparison(base.sessionId(), head.sessionId(), base.source(), head.source(), regressions, fixed, flaky, onlyBase, onlyHead,
                skipChanged, perf(base, head), stillFailing, compared);
    }

    /**
     * The same comparison after the head's regressions were run again ({@code reruns}): one that failed every time is
     * confirmed, one that passed once is flaky. A regression the reruns did not reach stays as it was.
     */
    public Comparison confirmedBy(Side reruns) {
        List<TestChange> kept = new ArrayList<>();
        List<TestChange> flakyNow = new ArrayList<>(flaky);
        for (TestChange r : regressions) {
            List<Side.Seen> again = reruns.byTest(new Side.RunKey(r.testgroup(), r.column())).getOrDefault(r.test(), List.of());
            if (again.isEmpty()) {
                kept.add(r);
            } else if (again.stream().allMatch(s -> s.outcome().isFailure())) {
                kept.add(new TestChange(r.testgroup(), r.column(), r.test(), r.base(), r.head() + "; rerun: " + outcomes(again), r.why(), r.directory(),
                        Confirmation.CONFIRMED));
            } else {
                flakyNow.add(new TestChange(r.testgroup(), r.column(), r.test(), r.base(), r.head() + "; rerun: " + outcomes(again), r.why(), r.directory(),
                        null));
            }
        }
        return new Comparison(base, head, baseSource, headSource, kept, fixed, flakyNow, onlyBase, onlyHead, skipChanged, perf, stillFailing,
                testsCompared);
    }

    private enum Judgement { PASSES, FAILS, FLAKY, SKIPPED, OTHER }

    private static Judgement judge(List<Side.Seen> seen) {
        boolean failed = seen.stream().anyMatch(s -> s.outcome().isFailure());
        boolean passed = seen.stream().anyMatch(s -> s.outcome() == Outcome.PASSED);
        if (failed && passed) {
            return Judgement.FLAKY;
        }
        if (failed) {
            return seen.stream().allMatch(s -> s.outcome().isFailure()) ? Judgement.FAILS : Judgement.FLAKY;
        }
        if (passed) {
            return Judgement.PASSES;
        }
        return seen.stream().allMatch(s -> s.outcome() == Outcome.SKIPPED) ? Judgement.SKIPPED : Judgement.OTHER;
    }

    private static TestChange change(Side.RunKey key, String test, List<Side.Seen> base, List<Side.Seen> head, Side.Seen shown,
            Confirmation confirmation) {
        return new TestChange(key.testgroup(), key.column(), test, outcomes(base), outcomes(head), shown.reason(), shown.directory(), confirmation);
    }

    private static String outcomes(List<Side.Seen> seen) {
        return seen.stream().map(s -> s.outcome().label()).collect(Collectors.joining(", "));
    }

    private static String reasons(List<Side.Seen> seen) {
        return seen.stream().map(Side.Seen::reason).distinct().sorted().collect(Collectors.joining("; "));
    }

    /** Benchmarks measured on both sides with the same parameters whose change is beyond both sides' noise. */
    static List<PerfChange> perf(Side base, Side head) {
        List<PerfChange> changes = new ArrayList<>();
        for (Map.Entry<Side.PerfKey, List<Measurement>> e : base.perf().entrySet()) {
            List<Measurement> h = head.perf().get(e.getKey());
            if (h == null || h.isEmpty() || !e.getValue().get(0).params().equals(h.get(0).params())) {
                continue;
            }
            double[] b = meanAndSd(e.getValue());
            double[] n = meanAndSd(h);
            if (b[0] == 0) {
                continue;
            }
            double change = 100 * (n[0] - b[0]) / b[0];
            double q = clockStep(e.getValue(), h);
            double error = 100 * Math.sqrt(b[1] * b[1] + n[1] * n[1] + q * q) / b[0];
            if (Math.abs(change) > Math.max(SIGMAS * error, FLOOR_PERCENT)) {
                boolean higherIsBetter = e.getKey().unit().equals("score");
                changes.add(new PerfChange(e.getKey().column(), e.getKey().name(), e.getKey().unit(), b[0], n[0], change, error,
                        higherIsBetter ? change < 0 : change > 0));
            }
        }
        return changes;
    }

    /**
     * The step of the clock behind microsecond times that are all whole milliseconds (a board whose {@code ticks_us}
     * is its millisecond tick times 1000): one step either way is no change, however steady the repeats looked.
     */
    static double clockStep(List<Measurement> base, List<Measurement> head) {
        boolean wholeMs = java.util.stream.Stream.concat(base.stream(), head.stream())
                .allMatch(m -> m.unit().equals("us") && m.value() > 0 && m.value() % 1000 == 0);
        return wholeMs ? 1000 : 0;
    }

    /**
     * Mean and absolute standard deviation of a side's figures: the larger of the runner's own spread (its repeats)
     * and the spread between the side's runs, when it ran more than once.
     */
    static double[] meanAndSd(List<Measurement> ms) {
        double mean = ms.stream().mapToDouble(Measurement::value).average().orElse(0);
        double within = ms.stream().mapToDouble(m -> m.spread() * m.value() / 100).max().orElse(0);
        double between = 0;
        if (ms.size() > 1) {
            between = Math.sqrt(ms.stream().mapToDouble(m -> (m.value() - mean) * (m.value() - mean)).sum() / (ms.size() - 1));
        }
        return new double[] {mean, Math.max(within, between)};
    }
}
