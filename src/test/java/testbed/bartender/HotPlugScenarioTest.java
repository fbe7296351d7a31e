package testbed.bartender;

import static org.assertj.core.api.Assertions.assertThat;
import static testbed.bartender.Fixtures.bartender;
import static testbed.bartender.Fixtures.pico;
import static testbed.bartender.Fixtures.spec;
import static testbed.bartender.Fixtures.startAll;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import testbed.model.Fut;
import testbed.model.TestRun;
import testbed.model.TestRunSpec;

/** Boards that are unplugged and plugged back during a session. */
class HotPlugScenarioTest {

    private static final TestRunSpec STANDARD = spec("RUN-TESTS_STANDARD", Fut.FUT_MCU_ONLY, 600);
    private static final TestRunSpec EXTMOD = spec("RUN-TESTS_EXTMOD_HARDWARE", Fut.FUT_EXTMOD_HARDWARE, 60);

    @Test
    void anUnpluggedBoardIsNotBlamedGetsNoWorkAndRunsAgainOncePluggedBack() {
        TestBartender b = bartender(BartenderConfig.defaults().withInfraLimits(2, 1), List.of(pico("1111")), List.of(STANDARD, EXTMOD));
        TestRun first = startAll(b).get(0);

        b.unplugged(first.dut().serial());
        b.completed(first, new RunOutcome.InfraError(RunOutcome.InfraErrorKind.BOARD_LOST, Set.of(first.dut().serial()), "device gone"));
        assertThat(b.quarantined()).as("quarantine after 1 error, but pulling a board out is no error of the board").isEmpty();
        assertThat(startAll(b)).as("no work while it is away").isEmpty();
        assertThat(b.isRunning()).isFalse();
        assertThat(b.leftovers()).extracting(Leftover::reason).containsOnly(Leftover.Reason.OFFLINE);
        assertThat(b.leftovers().get(0).detail()).isEqualTo("unplugged (or never plugged in) during the session: 1111-RPI_PICO");

        b.pluggedIn(first.dut().serial());
        List<TestRun> again = startAll(b);
        assertThat(again).hasSize(1);
        assertThat(again.get(0).testid()).as("its work came back, not used up").isEqualTo(first.testid());
        assertThat(again.get(0).dutNeedsFlash()).as("what came back may carry anything").isTrue();
    }

    @Test
    void aBoardUnpluggedWhileIdleIsSkippedAndItsIdenticalTwinTakesTheWork() {
        TestBartender b = bartender(BartenderConfig.defaults(), List.of(pico("1111"), pico("2222")), List.of(STANDARD));
        b.unplugged(pico("1111").serial());
        List<TestRun> runs = startAll(b);
        assertThat(runs).extracting(r -> r.dut().serial()).containsExactly(pico("2222").serial());
    }
}
