package testbed.app;

import static org.assertj.core.api.Assertions.assertThat;
import static testbed.history.Sessions.attempt;
import static testbed.history.Sessions.run;
import static testbed.history.Sessions.session;
import static testbed.history.Sessions.t;

import java.util.List;
import org.junit.jupiter.api.Test;
import testbed.app.Bisect.Verdict;
import testbed.runner.Outcome;
import testbed.session.SessionRecord;

class BisectTest {

    @Test
    void probesHalveTheOpenRangeAsGitBisectDoes() {
        Verdict[] known = new Verdict[4];
        known[3] = Verdict.BAD;
        assertThat(Bisect.nextProbe(known, -1, 3)).isEqualTo(1);
        assertThat(Bisect.nextProbe(known, 1, 3)).isEqualTo(2);
        assertThat(Bisect.nextProbe(new Verdict[8], -1, 7)).isEqualTo(3);
        assertThat(Bisect.nextProbe(new Verdict[8], 2, 7)).isEqualTo(4);
    }

    @Test
    void aSkippedCommitIsStepAroundAndAllSkippedLeavesTheRangeOpen() {
        Verdict[] known = new Verdict[5];
        known[1] = Verdict.SKIP;
        assertThat(Bisect.nextProbe(known, -1, 4)).as("the middle skipped: the next one up").isEqualTo(2);
        known[2] = Verdict.SKIP;
        assertThat(Bisect.nextProbe(known, -1, 4)).as("then the next one down").isEqualTo(0);
        known[0] = Verdict.SKIP;
        assertThat(Bisect.nextProbe(known, -1, 4)).isEqualTo(3);
        known[3] = Verdict.SKIP;
        assertThat(Bisect.nextProbe(known, -1, 4)).isEqualTo(-1);
    }

    private static SessionRecord step(Outcome... outcomes) {
        SessionRecord.Run[] runs = new SessionRecord.Run[outcomes.length];
        for (int i = 0; i < outcomes.length; i++) {
            runs[i] = run("passed", attempt("RUN-TESTS_STANDARD@8a01-UNIX", "abcdefgh".substring(i, i + 1), "RUN-TESTS_STANDARD", "8a01-UNIX", "8a01", "UNIX", "",
                    "v1", 5, List.of(t("basics/x.py", outcomes[i]), t("basics/other.py", Outcome.FAILED)), List.of()));
        }
        return session("s", "2026-12-01T10:00:00Z", "virtual", runs);
    }

    @Test
    void oneFailureInTheRepeatsMakesACommitBadAndOnlyPassesEverywhereMakeItGood() {
        Bisect.Judged flaky = Bisect.judge(List.of(step(Outcome.PASSED, Outcome.FAILED)), "basics/x.py");
        assertThat(flaky.why()).isEqualTo("1 of 2 runs failed (flaky: 1 passed)");
        assertThat(flaky.verdict()).isEqualTo(Verdict.BAD);
        Bisect.Judged passes = Bisect.judge(List.of(step(Outcome.PASSED, Outcome.PASSED)), "basics/x.py");
        assertThat(passes.why()).isEqualTo("2 of 2 runs passed");
        assertThat(passes.verdict()).isEqualTo(Verdict.GOOD);
        Bisect.Judged skipped = Bisect.judge(List.of(step(Outcome.SKIPPED, Outcome.SKIPPED)), "basics/x.py");
        assertThat(skipped.why()).startsWith("the test did not pass or fail: skipped");
        assertThat(skipped.verdict()).isEqualTo(Verdict.SKIP);
        Bisect.Judged none = Bisect.judge(List.of(step()), "basics/x.py");
        assertThat(none.why()).isEqualTo("the test did not run at this commit");
        assertThat(none.verdict()).isEqualTo(Verdict.SKIP);
    }

    @Test
    void aTestFindsItsGroupByItsFolder() {
        assertThat(Bisect.groupOf("basics/int_big.py")).isEqualTo("RUN-TESTS_STANDARD");
        assertThat(Bisect.groupOf("multi_net/tcp_data.py")).isEqualTo("RUN-MULTITESTS_MULTINET");
        assertThat(Bisect.groupOf("perf_bench/bm_chaos.py")).isEqualTo("RUN-PERFBENCH");
    }

    @Test
    void regressionsAreRunAgainAsTheirTestsOrTheirWholeBuiltInGroup() {
        List<testbed.compare.Comparison.TestChange> tests = List.of(
                new testbed.compare.Comparison.TestChange("RUN-TESTS_STANDARD", "UNIX", "basics/b.py", "passed", "failed", "", "", null),
                new testbed.compare.Comparison.TestChange("RUN-TESTS_STANDARD", "UNIX", "basics/a.py", "passed", "failed", "", "", null),
                new testbed.compare.Comparison.TestChange("BUILTIN-TESTS_BASICS", "RPI_PICO", "int.py", "passed", "failed", "", "", null));
        assertThat(Compare.rerunEntries(tests, testbed.TestWorkspaces.CHECKOUT.specs()))
                .containsExactly("RUN-TESTS_STANDARD=basics/a.py,basics/b.py", "BUILTIN-TESTS_BASICS");
    }
}
