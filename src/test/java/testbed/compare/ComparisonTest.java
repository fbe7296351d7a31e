package testbed.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static testbed.history.Sessions.attempt;
import static testbed.history.Sessions.run;
import static testbed.history.Sessions.session;
import static testbed.history.Sessions.t;

import java.util.List;
import org.junit.jupiter.api.Test;
import testbed.runner.Measurement;
import testbed.runner.Outcome;
import testbed.runner.TestResult;
import testbed.session.SessionRecord;

class ComparisonTest {

    private static SessionRecord.Run unix(String group, String letter, TestResult... tests) {
        return run("passed", attempt(group + "@8a01-UNIX", letter, group, "8a01-UNIX", "8a01", "UNIX", "", "v1", 10, List.of(tests), List.of()));
    }

    private static SessionRecord.Run perf(double... usTimes) {
        List<Measurement> ms = new java.util.ArrayList<>();
        for (int i = 0; i < usTimes.length; i++) {
            ms.add(new Measurement("perf_bench/bm_" + i + ".py", usTimes[i], "us", 1.0, "N=100 M=100"));
        }
        return run("passed", attempt("RUN-PERFBENCH@8a01-UNIX", "a", "RUN-PERFBENCH", "8a01-UNIX", "8a01", "UNIX", "", "v1", 10, List.of(), ms));
    }

    private static Side side(String id, SessionRecord.Run... runs) {
        return Side.of(id, List.of(session(id, "2026-12-01T10:00:00Z", "virtual", runs)));
    }

    @Test
    void anUnchangedPairReportsNothing() {
        Side a = side("a", unix("RUN-TESTS_STANDARD", "a", t("basics/a.py", Outcome.PASSED), t("basics/b.py", Outcome.SKIPPED)), perf(1000, 2000));
        Side b = side("b", unix("RUN-TESTS_STANDARD", "a", t("basics/a.py", Outcome.PASSED), t("basics/b.py", Outcome.SKIPPED)), perf(1030, 1950));

        Comparison c = Comparison.of(a, b);

        assertThat(c.isEmpty()).isTrue();
        assertThat(c.testsCompared()).isEqualTo(2);
        assertThat(c.verdict()).isEqualTo("no change in 2 tests compared");
    }

    @Test
    void eachKindOfChangeLandsInItsList() {
        Side base = side("base", unix("RUN-TESTS_STANDARD", "a", t("basics/breaks.py", Outcome.PASSED), t("basics/fixed.py", Outcome.FAILED),
                t("basics/removed.py", Outcome.PASSED), t("basics/still.py", Outcome.FAILED), t("basics/skip.py", Outcome.PASSED)));
        Side head = side("head", unix("RUN-TESTS_STANDARD", "a", t("basics/breaks.py", Outcome.FAILED), t("basics/fixed.py", Outcome.PASSED),
                t("basics/added.py", Outcome.PASSED), t("basics/still.py", Outcome.FAILED), new TestResult("basics/skip.py", Outcome.SKIPPED, 0, "no x")),
                unix("RUN-TESTS_NATIVE", "a", t("micropython/native.py", Outcome.PASSED)));

        Comparison c = Comparison.of(base, head);

        assertThat(c.regressions()).singleElement().satisfies(r -> {
            assertThat(r.test()).isEqualTo("basics/breaks.py");
            assertThat(r.column()).isEqualTo("UNIX");
            assertThat(r.base()).isEqualTo("passed");
            assertThat(r.head()).isEqualTo("failed");
            assertThat(r.confirmation()).as("one run of it: not confirmed").isEqualTo(Comparison.Confirmation.UNCONFIRMED);
            assertThat(r.directory()).isEqualTo("RUN-TESTS_STANDARD@8a01-UNIX,a");
        });
        assertThat(c.confirmedRegressions()).isEmpty();
        assertThat(c.fixed()).extracting(Comparison.TestChange::test).containsExactly("basics/fixed.py");
        assertThat(c.onlyBase()).extracting(Comparison.TestChange::test).containsExactly("basics/removed.py");
        assertThat(c.onlyHead()).extracting(Comparison.TestChange::test).containsExactly("(1 test)", "basics/added.py");
        assertThat(c.onlyHead().get(0).why()).isEqualTo("not in that session");
        assertThat(c.skipChanged()).singleElement().satisfies(s -> {
            assertThat(s.test()).isEqualTo("basics/skip.py");
            assertThat(s.why()).isEqualTo("no x");
        });
        assertThat(c.stillFailing()).extracting(Comparison.TestChange::test).containsExactly("basics/still.py");
        assertThat(c.verdict()).isEqualTo("1 unconfirmed regression, 1 fixed (4 tests compared)");
    }

    @Test
    void aRegressionIsConfirmedByFailingAgainAndFlakyWhenARerunPasses() {
        Side base = side("base", unix("RUN-TESTS_STANDARD", "a", t("basics/x.py", Outcome.PASSED), t("basics/y.py", Outcome.PASSED)));
        Side head = side("head", unix("RUN-TESTS_STANDARD", "a", t("basics/x.py", Outcome.FAILED), t("basics/y.py", Outcome.FAILED)));
        Side reruns = side("rerun", unix("RUN-TESTS_STANDARD", "a", t("basics/x.py", Outcome.FAILED), t("basics/y.py", Outcome.PASSED)),
                unix("RUN-TESTS_STANDARD", "b", t("basics/x.py", Outcome.TIMEOUT)));

        Comparison c = Comparison.of(base, head).confirmedBy(reruns);

        assertThat(c.regressions()).singleElement().satisfies(r -> {
            assertThat(r.test()).isEqualTo("basics/x.py");
            assertThat(r.confirmation()).isEqualTo(Comparison.Confirmation.CONFIRMED);
            assertThat(r.head()).isEqualTo("failed; rerun: failed, timeout");
        });
        assertThat(c.flaky()).extracting(Comparison.TestChange::test).containsExactly("basics/y.py");
        assertThat(c.verdict()).startsWith("1 confirmed regression, 1 flaky");
    }

    @Test
    void aRecordedHeadThatFailedEveryRepeatIsConfirmedAndOneThatDiffersIsFlaky() {
        Side base = side("base", unix("RUN-TESTS_STANDARD", "a", t("basics/x.py", Outcome.PASSED), t("basics/y.py", Outcome.PASSED)));
        Side head = side("head", unix("RUN-TESTS_STANDARD", "a", t("basics/x.py", Outcome.FAILED), t("basics/y.py", Outcome.FAILED)),
                unix("RUN-TESTS_STANDARD", "b", t("basics/x.py", Outcome.FAILED), t("basics/y.py", Outcome.PASSED)));

        Comparison c = Comparison.of(base, head);

        assertThat(c.confirmedRegressions()).extracting(Comparison.TestChange::test).containsExactly("basics/x.py");
        assertThat(c.flaky()).extracting(Comparison.TestChange::test).containsExactly("basics/y.py");
    }

    @Test
    void aBenchmarkIsChangedOnlyBeyondBothSidesNoise() {
        // 1 % spread on each side: a 3 % change is noise, a 40 % slowdown is not, a 30 % speed-up is better, not worse.
        Comparison c = Comparison.of(side("a", perf(1000, 1000, 1000)), side("b", perf(1030, 1400, 700)));

        assertThat(c.perf()).extracting(Comparison.PerfChange::name).containsExactly("perf_bench/bm_1.py", "perf_bench/bm_2.py");
        assertThat(c.perf().get(0).changePercent()).isEqualTo(40.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(c.perf().get(0).errorPercent()).isEqualTo(Math.sqrt(1 + 1.96), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(c.perf().get(0).worse()).isTrue();
        assertThat(c.perf().get(1).worse()).isFalse();
        assertThat(c.verdict()).startsWith("1 benchmark worse");
    }

    @Test
    void timesOfAMillisecondClockChangeOnlyBeyondItsStep() {
        // 4000 -> 3000 us is one tick of a 1 ms clock: noise; 4000 -> 40000 is not.
        SessionRecord.Run a = run("passed", attempt("BUILTIN-PERFBENCH@3b01-RPI_PICO_W", "a", "BUILTIN-PERFBENCH", "3b01-RPI_PICO_W", "3b01", "RPI_PICO_W", "", "v1",
                10, List.of(), List.of(new Measurement("perfbench/x.py:100", 4000, "us"), new Measurement("perfbench/y.py:100", 4000, "us"))));
        SessionRecord.Run b = run("passed", attempt("BUILTIN-PERFBENCH@3b01-RPI_PICO_W", "a", "BUILTIN-PERFBENCH", "3b01-RPI_PICO_W", "3b01", "RPI_PICO_W", "", "v1",
                10, List.of(), List.of(new Measurement("perfbench/x.py:100", 3000, "us"), new Measurement("perfbench/y.py:100", 40000, "us"))));

        assertThat(Comparison.of(side("a", a), side("b", b)).perf()).extracting(Comparison.PerfChange::name).containsExactly("perfbench/y.py:100");
    }

    @Test
    void benchmarksOfOtherSizesAreNotCompared() {
        SessionRecord.Run other = run("passed", attempt("RUN-PERFBENCH@8a01-UNIX", "a", "RUN-PERFBENCH", "8a01-UNIX", "8a01", "UNIX", "", "v1", 10,
                List.of(), List.of(new Measurement("perf_bench/bm_0.py", 5000, "us", 1, "N=1000 M=1000"))));

        assertThat(Comparison.of(side("a", perf(1000)), side("b", other)).perf()).isEmpty();
    }
}
