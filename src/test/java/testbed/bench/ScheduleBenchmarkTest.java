package testbed.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import testbed.bartender.SchedulingPolicy;
import testbed.model.InvalidInputException;

/** The schedule benchmark: its bound must be a true lower bound, and its numbers must be reproducible. */
class ScheduleBenchmarkTest {

    private static ScheduleBenchmark.Result run(String lab, SchedulingPolicy policy, long seed) {
        return ScheduleBenchmark.run(LabModel.load(lab), new ScheduleBenchmark.Settings(policy, seed, 1, 0));
    }

    @ParameterizedTest
    @CsvSource({"small,1", "small,2", "small,3", "anchor,1", "anchor,2", "anchor,3", "large,1"})
    void boundIsNeverAboveTheMakespanUnderEitherPolicy(String lab, long seed) {
        for (SchedulingPolicy policy : SchedulingPolicy.values()) {
            ScheduleBenchmark.Result r = run(lab, policy, seed);
            assertThat(r.runs()).isPositive();
            assertThat(r.bound()).as("%s %s seed %d: %s", lab, policy, seed, r.boundReason()).isPositive().isLessThanOrEqualTo(r.makespan());
            assertThat(r.utilisation()).hasSize(r.tentacles()).allSatisfy((t, u) -> assertThat(u).isBetween(0.0, 1.0));
        }
    }

    /** session.json is a summary and runs.jsonl grows by a line per run: the bytes per finished run must not grow with the session. */
    @Test
    void sessionRecordBytesPerFinishedRunStayFlatOnTheLargeLab() {
        ScheduleBenchmark.Result r = run("large", SchedulingPolicy.TESTBED, 1);
        assertThat(r.runs()).isGreaterThan(1000);
        assertThat(r.recordBytesPerRun()).hasSize(4).allSatisfy(b -> assertThat(b).isPositive());
        long first = r.recordBytesPerRun().get(0);
        long last = r.recordBytesPerRun().get(3);
        assertThat(last).as("bytes per run, by quarter: %s", r.recordBytesPerRun()).isLessThanOrEqualTo(first * 3 / 2);
    }

    /** A time box: the deadline-aware bartender never finishes fewer work items in time than today's rule, and wins when time is short. */
    @ParameterizedTest
    @CsvSource({"anchor,1,60", "anchor,2,60", "anchor,1,120", "anchor,2,120", "large,1,60"})
    void deadlineAwareRankingFinishesAtLeastAsMuchAsTodaysRule(String lab, long seed, long minutes) {
        TimeBoxBenchmark.Result r = TimeBoxBenchmark.run(LabModel.load(lab), seed, 1, 0, Duration.ofMinutes(minutes), Duration.ofMinutes(10));
        assertThat(r.deadlineAware().finished()).as("%s", r).isGreaterThanOrEqualTo(r.todaysRule().finished());
        if (minutes == 60) {
            assertThat(r.gain()).as("short of time: more finished items").isPositive();
        }
    }

    @Test
    void referenceLabsHaveTheDocumentedSizes() {
        assertThat(LabModel.load("small").tentacles()).hasSize(5);
        assertThat(LabModel.load("anchor").tentacles()).hasSize(20);
        assertThat(LabModel.load("anchor").firmware()).hasSize(18);
        assertThat(LabModel.load("anchor").specs()).hasSize(13);
        assertThat(LabModel.load("large").tentacles()).hasSize(200);
    }

    @Test
    void sameSeedSameNumbersDifferentSeedDifferentLab() {
        ScheduleBenchmark.Result a = run("anchor", SchedulingPolicy.TESTBED, 7);
        ScheduleBenchmark.Result b = run("anchor", SchedulingPolicy.TESTBED, 7);
        ScheduleBenchmark.Result c = run("anchor", SchedulingPolicy.TESTBED, 8);
        assertThat(b.makespan()).isEqualTo(a.makespan());
        assertThat(b.flashes()).isEqualTo(a.flashes());
        assertThat(c.makespan()).isNotEqualTo(a.makespan());
    }

    /** The quality targets of the anchor lab, as a regression guard: deterministic, so no timing flakiness. */
    @Test
    void onTheAnchorLabTestbedStaysWithinFivePercentOfTheBoundAndBeatsTheAnchorRuleOverall() {
        long testbedTotal = 0;
        long anchorTotal = 0;
        for (long seed = 1; seed <= 5; seed++) {
            ScheduleBenchmark.Result testbed = run("anchor", SchedulingPolicy.TESTBED, seed);
            ScheduleBenchmark.Result anchor = run("anchor", SchedulingPolicy.ANCHOR, seed);
            assertThat(testbed.ratio()).as("seed %d: %s", seed, testbed.boundReason()).isLessThanOrEqualTo(1.05);
            assertThat(testbed.leftovers()).isZero();
            testbedTotal += testbed.makespan().toSeconds();
            anchorTotal += anchor.makespan().toSeconds();
        }
        assertThat(testbedTotal).isLessThan(anchorTotal);
    }

    @Test
    void countRepeatsFailingGroupsAndLengthensTheSession() {
        LabModel lab = LabModel.load("small");
        ScheduleBenchmark.Result once = ScheduleBenchmark.run(lab, new ScheduleBenchmark.Settings(SchedulingPolicy.TESTBED, 3, 1, 0));
        ScheduleBenchmark.Result thrice = ScheduleBenchmark.run(lab, new ScheduleBenchmark.Settings(SchedulingPolicy.TESTBED, 3, 3, 0));
        assertThat(thrice.makespan()).isGreaterThan(once.makespan());
        assertThat(thrice.bound()).isLessThanOrEqualTo(thrice.makespan());
    }

    @Test
    void jobsLimitIsHonoured() {
        ScheduleBenchmark.Result one = ScheduleBenchmark.run(LabModel.load("small"), new ScheduleBenchmark.Settings(SchedulingPolicy.TESTBED, 1, 1, 1));
        ScheduleBenchmark.Result all = run("small", SchedulingPolicy.TESTBED, 1);
        assertThat(one.makespan()).isGreaterThan(all.makespan().plus(Duration.ofMinutes(30)));
    }

    @Test
    void badModelFileGetsAOneLineError(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("model.json");
        Files.writeString(file, """
                {"name": "x", "flash_s": {"picotool": 10},
                 "kinds": [{"tag": "A", "futs": ["FUT_MCU_ONLY"], "programmer": "esptool"}],
                 "specs": []}
                """);
        assertThatThrownBy(() -> LabModel.load(file.toString())).isInstanceOf(InvalidInputException.class)
                .hasMessage(file + ": field 'kinds[0].programmer': 'esptool' has no flash time in flash_s (picotool)");
        assertThatThrownBy(() -> LabModel.load("medium")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("neither a reference lab (small, anchor, large) nor a file");
    }
}
