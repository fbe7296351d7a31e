package testbed.bartender;

import static org.assertj.core.api.Assertions.assertThat;
import static testbed.bartender.Fixtures.bartender;
import static testbed.bartender.Fixtures.drain;
import static testbed.bartender.Fixtures.pico;
import static testbed.bartender.Fixtures.picoW;
import static testbed.bartender.Fixtures.referenceSpec;
import static testbed.bartender.Fixtures.spec;
import static testbed.bartender.Fixtures.testids;

import java.time.Instant;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import testbed.model.BoardVariant;
import testbed.model.Fut;
import testbed.model.Role;
import testbed.model.Tentacle;
import testbed.model.TestRun;
import testbed.model.TestRunSpec;
import testbed.model.WorkKey;

/** The pure parts of health probes ({@code --health-every}) and of resuming a session, on the bartender alone. */
class HealthAndResumptionTest {

    private static final TestRunSpec A = spec("A", Fut.FUT_MCU_ONLY, 60);
    private static final TestRunSpec B = spec("B", Fut.FUT_MCU_ONLY, 30);
    private static final TestRunSpec MULTI = referenceSpec("MULTI", Fut.FUT_WLAN, 60);
    private static final BoardVariant PICO = BoardVariant.parse("RPI_PICO");

    private static List<String> serials(List<Tentacle> tentacles) {
        return tentacles.stream().map(Tentacle::serial).toList();
    }

    @Test
    void onlyIdleBoardsKnownToCarryFirmwareAreProbed() {
        Tentacle one = pico("0001");
        Tentacle two = pico("0002");
        TestBartender b = bartender(BartenderConfig.defaults(), List.of(one, two), List.of(A, B));
        assertThat(b.health().probeCandidates()).as("a blank board answers nothing by nature").isEmpty();
        b.firmwareObserved(one.serial(), Optional.of(PICO));
        b.firmwareObserved(two.serial(), Optional.of(PICO));
        TestRun running = b.next().orElseThrow();
        assertThat(serials(b.health().probeCandidates())).as("not the board that runs").containsExactly(
                running.dut().serial().equals(one.serial()) ? two.serial() : one.serial());
    }

    @Test
    void aProbeThatGetsNoAnswerQuarantinesAndALaterAnswerTakesTheBoardBack() {
        Tentacle one = pico("0001");
        Tentacle two = pico("0002");
        TestBartender b = bartender(BartenderConfig.defaults(), List.of(one, two), List.of(A, B));
        b.firmwareObserved(two.serial(), Optional.of(PICO));
        b.health().probing(two.serial());
        assertThat(b.next().orElseThrow().dut()).as("no run starts on a board being probed").isEqualTo(one);
        assertThat(b.next()).isEmpty();

        assertThat(b.health().probed(two.serial(), false)).isEqualTo("quarantined");
        assertThat(b.quarantined()).containsExactly(two.serial());
        assertThat(serials(b.health().probeCandidates())).as("probed again, to be taken back").containsExactly(two.serial());
        assertThat(b.health().probed(two.serial(), false)).as("still silent: nothing changes").isEmpty();

        assertThat(b.health().probed(two.serial(), true)).isEqualTo("taken back");
        assertThat(b.quarantined()).isEmpty();
        assertThat(b.next()).as("the board works again").hasValueSatisfying(r -> assertThat(r.dut()).isEqualTo(two));
    }

    @Test
    void aBoardARunQuarantinedIsNotTakenBackByAProbe() {
        Tentacle one = pico("0001");
        TestBartender b = bartender(BartenderConfig.defaults().withInfraLimits(5, 1), List.of(one), List.of(A, B));
        TestRun r = b.next().orElseThrow();
        b.completed(r, new RunOutcome.InfraError(RunOutcome.InfraErrorKind.BOARD_LOST, Set.of(), "gone"));
        assertThat(b.quarantined()).containsExactly(one.serial());
        assertThat(b.health().probed(one.serial(), true)).as("a run's evidence outweighs one answer").isEmpty();
        assertThat(b.quarantined()).containsExactly(one.serial());
    }

    @Test
    void aResumedSessionSkipsWhatWasDoneAndGivesUpWhatWasCutOffTwice() {
        Tentacle one = pico("0001");
        TestBartender b = bartender(BartenderConfig.defaults(), List.of(one), List.of(A, B, spec("C", Fut.FUT_MCU_ONLY, 10)));
        b.resumed(Set.of(new WorkKey("A", "RPI_PICO", PICO, Role.SINGLE)), Set.of(new WorkKey("C", "RPI_PICO", PICO, Role.SINGLE)));
        assertThat(b.openItems()).isEqualTo(1);
        assertThat(testids(drain(b))).containsExactly("B@0001-RPI_PICO");
        assertThat(b.leftovers()).singleElement().satisfies(l -> {
            assertThat(l.spec()).isEqualTo("C");
            assertThat(l.reason()).isEqualTo(Leftover.Reason.INFRA_ERRORS);
            assertThat(l.detail()).contains("cut off twice");
        });
    }

    @Test
    void aRunStillGoingAtItsAgentIsAdoptedOnceAndHoldsItsTentacles() {
        Tentacle pico = Fixtures.esp32c3("0001");
        Tentacle w1 = picoW("0003");
        Tentacle w2 = picoW("0004");
        TestBartender b = bartender(BartenderConfig.defaults(), List.of(pico, w1, w2), List.of(MULTI));
        TestRun held = new TestRun("MULTI@0001-ESP32_C3_DEVKIT-instance0", MULTI, pico, "", Role.INSTANCE0, Optional.of(w1), false, false, 0,
                Instant.EPOCH, Duration.ofSeconds(60));
        assertThat(b.adopt(held)).isTrue();
        assertThat(b.adopt(held)).as("not twice").isFalse();
        assertThat(b.runningRuns()).containsExactly(held);
        List<TestRun> started = Fixtures.startAll(b);
        assertThat(started).as("the adopted run's boards are busy; its item is not started again").allSatisfy(r -> {
            assertThat(r.tentacles()).doesNotContain(pico, w1);
            assertThat(r.testid()).isNotEqualTo(held.testid());
        });
        TestRun unknown = new TestRun("NONE@0001-RPI_PICO", A, pico, "", Role.SINGLE, Optional.empty(), false, false, 0, Instant.EPOCH, Duration.ZERO);
        assertThat(b.adopt(unknown)).as("no such open item: the caller drops it").isFalse();
    }
}
