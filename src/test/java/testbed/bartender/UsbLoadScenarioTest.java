package testbed.bartender;

import static org.assertj.core.api.Assertions.assertThat;
import static testbed.bartender.Fixtures.pico;
import static testbed.bartender.Fixtures.spec;
import static testbed.bartender.Fixtures.startAll;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import testbed.model.BoardVariant;
import testbed.model.Fut;
import testbed.model.Tentacle;
import testbed.model.TestRun;
import testbed.model.TestRunSpec;
import testbed.model.UsbLimits;
import testbed.simulation.SimClock;

/** USB load as a resource: flashes per hub and host, quiet hubs, and runs that say they waited. */
class UsbLoadScenarioTest {

    private static final TestRunSpec STANDARD = spec("RUN-TESTS_STANDARD", Fut.FUT_MCU_ONLY, 600);
    private static final TestRunSpec EXTMOD = spec("RUN-TESTS_EXTMOD_HARDWARE", Fut.FUT_EXTMOD_HARDWARE, 60);

    private final SimClock clock = new SimClock(Instant.EPOCH);

    /** Four kinds of board (so each has its own work) on hub {@code hub}; none carries its firmware yet. */
    private static List<Tentacle> boards(String hub, int n, int first) {
        return IntStream.range(first, first + n).mapToObj(i -> {
            Tentacle p = pico(String.format("%04d", i));
            return new Tentacle(p.serial(), "KIND" + i, "BOARD" + i, p.port(), p.futs(), p.variants(), p.programmer(), 0, Map.of(UsbLimits.HUB_TAG, hub),
                    p.connection());
        }).toList();
    }

    /** @param notReady tentacles whose firmware is not built yet */
    private TestBartender bartender(UsbLimits limits, List<Tentacle> tentacles, List<TestRunSpec> specs, Tentacle... notReady) {
        Set<BoardVariant> firmware = Fixtures.firmwareOf(tentacles);
        TestBartender b = new TestBartender(BartenderConfig.defaults().withUsb(limits), clock.withZone(ZoneOffset.UTC), DurationEstimator.fromSpecs(),
                tentacles, List.of(), specs, firmware);
        firmware.stream().filter(f -> java.util.Arrays.stream(notReady).noneMatch(t -> t.boardVariant("").equals(f))).forEach(b::firmwareReady);
        return b;
    }

    @Test
    void oneFlashAtATimePerHubTheNextStartsWhenTheFirstBoardIsPrepared() {
        TestBartender b = bartender(new UsbLimits(0, 1, Map.of(), Set.of()), boards("h1", 3, 1), List.of(STANDARD));

        List<TestRun> first = startAll(b);
        assertThat(first).hasSize(1);
        assertThat(first.get(0).dutNeedsFlash()).isTrue();
        assertThat(first.get(0).waited()).isEmpty();

        clock.advance(java.time.Duration.ofSeconds(20));
        b.prepared(first.get(0).testid()); // flashed: the hub's slot is free, the board tests on
        List<TestRun> second = startAll(b);
        assertThat(second).hasSize(1);
        assertThat(second.get(0).waited()).isEqualTo("waited 20 s for USB: hub h1 flashes 1 board at once");

        // A flash that fails ends the run: the slot comes back too.
        b.completed(second.get(0), new RunOutcome.InfraError(RunOutcome.InfraErrorKind.FLASH_FAILED, Set.of(second.get(0).dut().serial()), "x"));
        assertThat(startAll(b)).hasSize(1);
        assertThat(b.usbWaits().runs()).isEqualTo(2);
    }

    @Test
    void hubsAreCountedApartAndTheHostLimitCapsThemAll() {
        List<Tentacle> two = new java.util.ArrayList<>(boards("h1", 2, 1));
        two.addAll(boards("h2", 2, 3));
        assertThat(startAll(bartender(new UsbLimits(0, 1, Map.of(), Set.of()), two, List.of(STANDARD)))).as("one per hub").hasSize(2)
                .extracting(r -> r.dut().tags().get("hub")).containsExactlyInAnyOrder("h1", "h2");
        assertThat(startAll(bartender(new UsbLimits(0, 1, Map.of("h2", 2), Set.of()), two, List.of(STANDARD)))).as("h2 takes two").hasSize(3);
        assertThat(startAll(bartender(new UsbLimits(1, 0, Map.of(), Set.of()), two, List.of(STANDARD)))).as("one per host").hasSize(1);
    }

    @Test
    void runsWithoutAFlashAreNotHeldBack() {
        List<Tentacle> boards = boards("h1", 3, 1);
        TestBartender b = bartender(new UsbLimits(0, 1, Map.of(), Set.of()), boards, List.of(STANDARD));
        boards.forEach(t -> b.firmwareObserved(t.serial(), java.util.Optional.of(t.boardVariant(""))));
        assertThat(startAll(b)).hasSize(3).allMatch(r -> !r.dutNeedsFlash());
    }

    @Test
    void aQuietHubFlashesFirstThenTestsAndALaterFlashWaitsForItsTestsWhileNoNewOneStarts() {
        List<Tentacle> boards = boards("h1", 4, 1);
        Tentacle late = boards.get(3); // its firmware is built later
        TestBartender b = bartender(new UsbLimits(0, 2, Map.of(), Set.of("h1")), boards, List.of(STANDARD, EXTMOD), late);
        // Boards 1 and 2 carry their firmware, board 3 does not.
        b.firmwareObserved(boards.get(0).serial(), java.util.Optional.of(boards.get(0).boardVariant("")));
        b.firmwareObserved(boards.get(1).serial(), java.util.Optional.of(boards.get(1).boardVariant("")));

        List<TestRun> flash = startAll(b);
        assertThat(flash).as("the flash first; the tests wait for it").extracting(r -> r.dut().tag()).containsExactly("KIND3");
        b.prepared(flash.get(0).testid());
        List<TestRun> tests = startAll(b);
        assertThat(tests).extracting(r -> r.dut().tag()).containsExactlyInAnyOrder("KIND1", "KIND2");
        assertThat(tests).allMatch(r -> r.waited().startsWith("waited 0 s for USB: a flash is due on quiet hub h1") || r.waited().isEmpty());

        clock.advance(java.time.Duration.ofSeconds(600));
        b.firmwareReady(late.boardVariant(""));
        b.completed(tests.get(0), new RunOutcome.Ran(false));
        assertThat(startAll(b)).as("the late board's flash waits for the hub's tests; no new test starts meanwhile").isEmpty();
        b.completed(tests.get(1), new RunOutcome.Ran(false));
        b.completed(flash.get(0), new RunOutcome.Ran(false));
        clock.advance(java.time.Duration.ofSeconds(30));

        List<TestRun> lateFlash = startAll(b);
        assertThat(lateFlash).extracting(r -> r.dut().tag()).containsExactly("KIND4");
        assertThat(lateFlash.get(0).waited()).isEqualTo("waited 30 s for USB: tests run on quiet hub h1");
        assertThat(startAll(b)).as("no test while the hub flashes").isEmpty();
        b.prepared(lateFlash.get(0).testid());
        assertThat(startAll(b)).as("the hub tests again").hasSize(3);
    }

    @Test
    void aHealthProbeIsUsbTrafficToo() {
        List<Tentacle> boards = boards("h1", 2, 1);
        TestBartender b = bartender(new UsbLimits(0, 1, Map.of(), Set.of()), boards, List.of(STANDARD));
        Tentacle idle = boards.get(0);
        b.firmwareObserved(idle.serial(), java.util.Optional.of(idle.boardVariant("")));
        List<TestRun> runs = startAll(b);
        TestRun flash = runs.stream().filter(TestRun::dutNeedsFlash).findFirst().orElseThrow();
        b.completed(runs.stream().filter(r -> !r.dutNeedsFlash()).findFirst().orElseThrow(), new RunOutcome.Ran(false)); // idle again
        assertThat(b.health().probeCandidates()).as("the hub's one slot flashes").doesNotContain(idle);
        b.prepared(flash.testid());
        assertThat(b.health().probeCandidates()).contains(idle);

        b.health().probing(idle.serial());
        assertThat(b.health().probeCandidates()).isEmpty();
        assertThat(startAll(b)).as("nothing left to run").isEmpty();
        b.health().probed(idle.serial(), true);
        assertThat(b.health().probeCandidates()).contains(idle);
    }
}
