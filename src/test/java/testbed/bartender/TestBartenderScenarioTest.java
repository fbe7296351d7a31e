package testbed.bartender;

import static org.assertj.core.api.Assertions.assertThat;
import static testbed.bartender.Fixtures.bartender;
import static testbed.bartender.Fixtures.drain;
import static testbed.bartender.Fixtures.esp32c3;
import static testbed.bartender.Fixtures.esp8266;
import static testbed.bartender.Fixtures.pico;
import static testbed.bartender.Fixtures.pico2;
import static testbed.bartender.Fixtures.picoW;
import static testbed.bartender.Fixtures.referenceSpec;
import static testbed.bartender.Fixtures.spec;
import static testbed.bartender.Fixtures.startAll;
import static testbed.bartender.Fixtures.testids;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import testbed.model.BoardVariant;
import testbed.model.Fut;
import testbed.model.Role;
import testbed.model.WorkKey;
import testbed.model.Tentacle;
import testbed.model.TestRun;
import testbed.model.TestRunSpec;

/** Scenarios of the TestBartender: the anchor's rules, and where testbed goes beyond them. */
class TestBartenderScenarioTest {

    private static final BartenderConfig CONFIG = BartenderConfig.defaults();
    private static final TestRunSpec STANDARD = spec("RUN-TESTS_STANDARD", Fut.FUT_MCU_ONLY, 600);
    private static final TestRunSpec EXTMOD = spec("RUN-TESTS_EXTMOD_HARDWARE", Fut.FUT_EXTMOD_HARDWARE, 60);
    private static final TestRunSpec MULTINET = referenceSpec("RUN-MULTITESTS_MULTINET", Fut.FUT_WLAN, 300);

    @Test
    void identicalTentaclesShareTheWorkSoAGroupRunsOnce() {
        TestBartender b = bartender(CONFIG, List.of(pico("1111"), pico("2222")), List.of(STANDARD));

        List<TestRun> runs = drain(b);

        assertThat(testids(runs)).containsExactly("RUN-TESTS_STANDARD@1111-RPI_PICO");
        assertThat(b.leftovers()).isEmpty();
    }

    @Test
    void identicalTentaclesRunDifferentGroupsInParallel() {
        TestBartender b = bartender(CONFIG, List.of(pico("1111"), pico("2222")), List.of(STANDARD, EXTMOD));

        List<TestRun> started = startAll(b);

        assertThat(started).hasSize(2);
        assertThat(started).extracting(r -> r.spec().label()).containsExactlyInAnyOrder("RUN-TESTS_STANDARD", "RUN-TESTS_EXTMOD_HARDWARE");
        assertThat(started).extracting(r -> r.dut().serial()).doesNotHaveDuplicates();
    }

    @Test
    void twoVariantBoardRunsEachVariantOnceSpreadOverTwoIdenticalTentacles() {
        TestBartender b = bartender(CONFIG, List.of(pico2("1831"), pico2("5334")), List.of(STANDARD, EXTMOD));

        List<TestRun> runs = drain(b);

        assertThat(testids(runs)).containsExactlyInAnyOrder(
                "RUN-TESTS_STANDARD@1831-RPI_PICO2", "RUN-TESTS_EXTMOD_HARDWARE@1831-RPI_PICO2",
                "RUN-TESTS_STANDARD@5334-RPI_PICO2-RISCV", "RUN-TESTS_EXTMOD_HARDWARE@5334-RPI_PICO2-RISCV");
        // Each tentacle keeps one variant: two flashes in all, no switching.
        assertThat(runs.stream().filter(TestRun::dutNeedsFlash)).hasSize(2);
    }

    @Test
    void onOneTentacleTheDefaultVariantGoesFirstThenTheSwitch() {
        TestBartender b = bartender(CONFIG, List.of(pico2("1831")), List.of(STANDARD, EXTMOD));

        List<TestRun> runs = drain(b);

        assertThat(runs).extracting(TestRun::variant).containsExactly("", "", "RISCV", "RISCV");
        assertThat(runs).extracting(TestRun::dutNeedsFlash).containsExactly(true, false, true, false);
    }

    @Test
    void wlanMultitestsRunEveryWlanBoardInBothRolesAgainstTheReferenceSerialisedByIt() {
        Tentacle reference = picoW("5f2c");
        TestBartender b = bartender(CONFIG, List.of(reference, esp32c3("0c30"), esp8266("2d2d"), pico("1521")), List.of(MULTINET));

        List<TestRun> first = startAll(b);
        assertThat(first).as("one reference: one multitest at a time").hasSize(1);
        List<TestRun> runs = new java.util.ArrayList<>(first);
        runs.addAll(drain(completeAll(b, first)));

        assertThat(testids(runs)).containsExactlyInAnyOrder(
                "RUN-MULTITESTS_MULTINET@0c30-ESP32_C3_DEVKIT-instance0",
                "RUN-MULTITESTS_MULTINET@0c30-ESP32_C3_DEVKIT-instance1",
                "RUN-MULTITESTS_MULTINET@2d2d-LOLIN_D1_MINI-instance0",
                "RUN-MULTITESTS_MULTINET@2d2d-LOLIN_D1_MINI-instance1");
        assertThat(runs).allSatisfy(r -> assertThat(r.reference()).contains(reference));
        // The reference's own items need a second reference-capable board: left over, with the reason.
        assertThat(b.leftovers()).extracting(Leftover::item, Leftover::reason).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("RPI_PICO_W-instance0", Leftover.Reason.NO_REFERENCE),
                org.assertj.core.groups.Tuple.tuple("RPI_PICO_W-instance1", Leftover.Reason.NO_REFERENCE));
        assertThat(b.leftovers().get(0).detail()).contains("cannot be its own reference");
    }

    @Test
    void multiBoardTestsGoFirstWhileTheReferenceIsFreeAndWaitWhileItIsBusy() {
        Tentacle reference = picoW("5f2c");
        TestBartender b = bartender(CONFIG, List.of(reference, esp32c3("0c30")), List.of(MULTINET, spec("LONG", Fut.FUT_MCU_ONLY, 5000)));

        // A single-board test can run any time; a multi-board test only while the reference is free: it goes first
        // (the ESP32 has more work left than the PICO_W, so it gets the reference).
        List<TestRun> first = startAll(b);
        assertThat(first).extracting(TestRun::testid).containsExactly("RUN-MULTITESTS_MULTINET@0c30-ESP32_C3_DEVKIT-instance0");
        assertThat(b.hasCandidate()).as("both tentacles are busy with it").isFalse();

        List<TestRun> second = startAll(completeAll(b, first));
        assertThat(second).extracting(TestRun::testid).containsExactly("RUN-MULTITESTS_MULTINET@0c30-ESP32_C3_DEVKIT-instance1");
        List<TestRun> third = startAll(completeAll(b, second));
        assertThat(third).extracting(r -> r.spec().label()).containsExactlyInAnyOrder("LONG", "LONG");
    }

    @Test
    void noReferenceMeansNothingRunsAndLeftoversSayWhy() {
        TestBartender b = bartender(CONFIG, List.of(esp32c3("0c30"), esp8266("2d2d")), List.of(MULTINET));

        assertThat(drain(b)).isEmpty();

        assertThat(b.leftovers()).hasSize(4).allSatisfy(l -> {
            assertThat(l.reason()).isEqualTo(Leftover.Reason.NO_REFERENCE);
            assertThat(l.detail()).contains("RPI_PICO_W").contains("FUT_WLAN");
        });
    }

    @Test
    void aSecondReferenceCapableBoardLetsTheReferenceKindsOwnMultitestsRun() {
        Tentacle w1 = picoW("5f2c");
        Tentacle w2 = picoW("6038");
        TestBartender b = bartender(CONFIG, List.of(w1, w2), List.of(MULTINET));

        List<TestRun> runs = drain(b);

        assertThat(testids(runs)).containsExactlyInAnyOrder(
                "RUN-MULTITESTS_MULTINET@5f2c-RPI_PICO_W-instance0", "RUN-MULTITESTS_MULTINET@5f2c-RPI_PICO_W-instance1");
        assertThat(runs).allSatisfy(r -> assertThat(r.reference().orElseThrow().serial()).isNotEqualTo(r.dut().serial()));
        assertThat(b.leftovers()).isEmpty();
    }

    @Test
    void twoReferenceBoardsServeTwoMultitestsAtOnce() {
        TestBartender b = bartender(CONFIG, List.of(picoW("5f2c"), picoW("6038"), esp32c3("0c30"), esp8266("2d2d")), List.of(MULTINET));

        List<TestRun> started = startAll(b);

        assertThat(started).hasSize(2);
        assertThat(started).extracting(r -> r.reference().orElseThrow().serial()).doesNotHaveDuplicates();
    }

    @Test
    void anyBoardInTheReferenceSetMayServe() {
        BartenderConfig config = CONFIG.withReferenceBoards(Set.of("ESP32_GENERIC_C3"));
        TestBartender b = bartender(config, List.of(esp32c3("0c30"), esp8266("2d2d")), List.of(MULTINET));

        List<TestRun> runs = drain(b);

        assertThat(testids(runs)).containsExactlyInAnyOrder(
                "RUN-MULTITESTS_MULTINET@2d2d-LOLIN_D1_MINI-instance0", "RUN-MULTITESTS_MULTINET@2d2d-LOLIN_D1_MINI-instance1");
        assertThat(runs).allSatisfy(r -> assertThat(r.reference().orElseThrow().board()).isEqualTo("ESP32_GENERIC_C3"));
    }

    @Test
    void aLostHostsTentaclesAreAwayUntilItIsBackAndItsWorkGoesToTheIdenticalTentacle() {
        TestBartender b = bartender(CONFIG, List.of(pico("1111"), pico("2222")), List.of(STANDARD));

        TestRun first = b.next().orElseThrow();
        String lostSerial = first.dut().serial();
        b.completed(first, new RunOutcome.InfraError(RunOutcome.InfraErrorKind.HOST_LOST, Set.of(lostSerial), "lease expired"));

        assertThat(b.heldElsewhere()).containsExactly(lostSerial);
        TestRun retry = b.next().orElseThrow();
        assertThat(retry.dut().serial()).isNotEqualTo(lostSerial);
        assertThat(retry.requeues()).isEqualTo(1);
        b.completed(retry, new RunOutcome.Ran(false));
        assertThat(b.waitsForOtherSessions()).as("no open work needs the lost host").isFalse();
        b.tentacleAvailable(lostSerial); // the host heartbeats again
        assertThat(b.heldElsewhere()).isEmpty();
        assertThat(b.leftovers()).isEmpty();
    }

    @Test
    void aReferenceIsOnlyTakenFromTheDutsOwnHost() {
        Tentacle a = picoW("1111").withTag(Tentacle.HOST_TAG, "host-a");
        Tentacle b = picoW("2222").withTag(Tentacle.HOST_TAG, "host-b");
        Tentacle a2 = picoW("3333").withTag(Tentacle.HOST_TAG, "host-a");

        TestBartender apart = bartender(CONFIG, List.of(a, b), List.of(MULTINET));
        assertThat(startAll(apart)).as("DUT and reference are wired together: never across hosts").isEmpty();
        assertThat(apart.leftovers()).extracting(Leftover::reason).containsOnly(Leftover.Reason.NO_REFERENCE);

        TestBartender together = bartender(CONFIG, List.of(a, b, a2), List.of(MULTINET));
        List<TestRun> runs = drain(together);
        assertThat(runs).isNotEmpty().allSatisfy(r -> assertThat(r.reference().orElseThrow().tags().get(Tentacle.HOST_TAG))
                .isEqualTo(r.dut().tags().get(Tentacle.HOST_TAG)));
        assertThat(runs).hasSize(2);
        assertThat(together.leftovers()).isEmpty();
    }

    @Test
    void aRunAdoptedFromAKilledCoordinatorIsNotStartedAgain() {
        List<Tentacle> lab = List.of(pico("1111"), pico("2222"));
        TestBartender before = bartender(CONFIG, lab, List.of(STANDARD, EXTMOD));
        TestRun stillRunning = before.next().orElseThrow();

        TestBartender resumed = bartender(CONFIG, lab, List.of(STANDARD, EXTMOD));
        assertThat(resumed.adopt(stillRunning)).isTrue();
        assertThat(resumed.adopt(stillRunning)).as("a run is taken over once").isFalse();
        assertThat(resumed.isRunning()).isTrue();
        List<TestRun> others = startAll(resumed);
        assertThat(others).extracting(r -> r.spec().label()).doesNotContain(stillRunning.spec().label());
        assertThat(others).allSatisfy(r -> assertThat(r.dut().serial()).isNotEqualTo(stillRunning.dut().serial()));
        resumed.completed(stillRunning, new RunOutcome.Ran(false));
        others.forEach(r -> resumed.completed(r, new RunOutcome.Ran(false)));
        assertThat(drain(resumed)).isEmpty();
        assertThat(resumed.openItems()).isZero();
    }

    @Test
    void infraErrorRequeuesTheItemOnTheOtherIdenticalTentacle() {
        TestBartender b = bartender(CONFIG, List.of(pico("1111"), pico("2222")), List.of(STANDARD));

        TestRun first = b.next().orElseThrow();
        b.completed(first, infra(RunOutcome.InfraErrorKind.FLASH_FAILED));
        TestRun retry = b.next().orElseThrow();

        assertThat(first.dut().serial()).endsWith("1111");
        assertThat(retry.dut().serial()).endsWith("2222");
        assertThat(retry.requeues()).isEqualTo(1);
        b.completed(retry, new RunOutcome.Ran(false));
        assertThat(b.next()).isEmpty();
        assertThat(b.leftovers()).isEmpty();
    }

    @Test
    void infraErrorRequeuesOnTheSameTentacleWhenItIsTheOnlyOne() {
        TestBartender b = bartender(CONFIG, List.of(pico("1111")), List.of(STANDARD));

        TestRun first = b.next().orElseThrow();
        b.completed(first, infra(RunOutcome.InfraErrorKind.TIMEOUT));
        TestRun retry = b.next().orElseThrow();

        assertThat(retry.testid()).isEqualTo(first.testid());
        assertThat(retry.dutNeedsFlash()).as("a timed-out board's firmware is unknown").isTrue();
    }

    @Test
    void itemIsGivenUpAfterTheRequeueLimit() {
        TestBartender b = bartender(CONFIG.withInfraLimits(1, 99), List.of(pico("1111")), List.of(STANDARD));

        b.completed(b.next().orElseThrow(), infra(RunOutcome.InfraErrorKind.BOARD_LOST));
        b.completed(b.next().orElseThrow(), infra(RunOutcome.InfraErrorKind.BOARD_LOST));

        assertThat(b.next()).isEmpty();
        assertThat(b.leftovers()).singleElement().satisfies(l -> {
            assertThat(l.reason()).isEqualTo(Leftover.Reason.INFRA_ERRORS);
            assertThat(l.detail()).contains("2 attempts").contains("BOARD_LOST");
        });
    }

    @Test
    void tentacleIsQuarantinedAfterKConsecutiveInfraErrorsAndOthersGoOn() {
        BartenderConfig config = CONFIG.withInfraLimits(5, 2);
        Tentacle broken = esp8266("2d2d");
        TestBartender b = bartender(config, List.of(broken, pico("1521")),
                List.of(STANDARD, EXTMOD, spec("C", Fut.FUT_MCU_ONLY, 10)));

        List<TestRun> first = startAll(b);
        TestRun onBroken = first.stream().filter(r -> r.dut().equals(broken)).findFirst().orElseThrow();
        b.completed(onBroken, infra(RunOutcome.InfraErrorKind.BOARD_LOST));
        TestRun again = b.next().orElseThrow();
        assertThat(again.dut()).isEqualTo(broken);
        b.completed(again, infra(RunOutcome.InfraErrorKind.BOARD_LOST));

        assertThat(b.quarantined().contains(broken.serial())).isTrue();
        List<TestRun> rest = drain(completeAll(b, first.stream().filter(r -> !r.dut().equals(broken)).toList()));
        assertThat(rest).noneMatch(r -> r.dut().equals(broken));
        assertThat(rest).extracting(r -> r.dut().tag()).containsOnly("RPI_PICO");
        assertThat(b.leftovers()).extracting(Leftover::reason).containsOnly(Leftover.Reason.TENTACLE_QUARANTINED).hasSize(3);
    }

    @Test
    void aSuccessfulRunResetsTheConsecutiveErrorCount() {
        TestBartender b = bartender(CONFIG.withInfraLimits(5, 2), List.of(pico("1111")),
                List.of(STANDARD, EXTMOD, spec("C", Fut.FUT_MCU_ONLY, 10)));

        b.completed(b.next().orElseThrow(), infra(RunOutcome.InfraErrorKind.TIMEOUT));
        b.completed(b.next().orElseThrow(), new RunOutcome.Ran(true));
        b.completed(b.next().orElseThrow(), infra(RunOutcome.InfraErrorKind.TIMEOUT));

        assertThat(b.quarantined()).isEmpty();
    }

    @Test
    void referenceBlamedForAnInfraErrorIsQuarantinedNotTheDut() {
        Tentacle reference = picoW("5f2c");
        Tentacle dut = esp32c3("0c30");
        TestBartender b = bartender(CONFIG.withInfraLimits(5, 1), List.of(reference, dut), List.of(MULTINET));

        TestRun run = b.next().orElseThrow();
        b.completed(run, new RunOutcome.InfraError(RunOutcome.InfraErrorKind.BOARD_LOST, Set.of(reference.serial()), "gone"));

        assertThat(b.quarantined()).containsExactly(reference.serial());
        assertThat(b.next()).isEmpty();
    }

    @Test
    void jobsLimitsTheRunsAtOnce() {
        List<Tentacle> lab = List.of(pico("1111"), pico2("2222"), esp32c3("3333"), esp8266("4444"));
        TestBartender b = bartender(CONFIG.withJobs(2), lab, List.of(STANDARD));

        List<TestRun> first = startAll(b);
        assertThat(first).hasSize(2);
        assertThat(b.hasCandidate()).as("more could start without --jobs").isTrue();

        b.completed(first.get(0), new RunOutcome.Ran(false));
        assertThat(startAll(b)).hasSize(1);
    }

    @Test
    void firmwareAffinityAvoidsAReflash() {
        Tentacle p = pico2("1831");
        TestBartender b = bartender(CONFIG, List.of(p), List.of(STANDARD, EXTMOD));
        b.firmwareObserved(p.serial(), Optional.of(new BoardVariant("RPI_PICO2", "RISCV")));

        List<TestRun> runs = drain(b);

        assertThat(runs).extracting(TestRun::variant).containsExactly("RISCV", "RISCV", "", "");
        assertThat(runs.stream().filter(TestRun::dutNeedsFlash)).hasSize(1);
    }

    @Test
    void anchorPolicyReflashesMoreWhenTheBoardCarriesTheOtherVariant() {
        Tentacle p = pico2("1831");
        TestBartender anchor = bartender(CONFIG.withPolicy(SchedulingPolicy.ANCHOR), List.of(p), List.of(STANDARD, EXTMOD));
        anchor.firmwareObserved(p.serial(), Optional.of(new BoardVariant("RPI_PICO2", "RISCV")));

        // The anchor's rule also knows affinity, so it keeps RISCV until its work is done: same flashes here.
        assertThat(drain(anchor).stream().filter(TestRun::dutNeedsFlash)).hasSize(1);
    }

    @Test
    void longestFirstAmongEqualPriorities() {
        TestBartender b = bartender(CONFIG.withJobs(1), List.of(pico("1111")),
                List.of(spec("A_SHORT", Fut.FUT_MCU_ONLY, 10), spec("B_LONG", Fut.FUT_MCU_ONLY, 900), spec("C_MID", Fut.FUT_MCU_ONLY, 100)));

        assertThat(drain(b)).extracting(r -> r.spec().label()).containsExactly("B_LONG", "C_MID", "A_SHORT");
    }

    @Test
    void higherPriorityBeatsLongerDuration() {
        TestBartender b = bartender(CONFIG, List.of(pico("1111")),
                List.of(spec("LONG", Fut.FUT_MCU_ONLY, 900), Fixtures.withPriority(spec("FORMAT", Fut.FUT_MCU_ONLY, 5), 10)));

        assertThat(drain(b)).extracting(r -> r.spec().label()).containsExactly("FORMAT", "LONG");
    }

    @Test
    void workWaitsForItsFirmwareAndStartsWhenItIsReady() {
        List<Tentacle> lab = List.of(pico2("1831"));
        TestBartender b = new TestBartender(CONFIG, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), DurationEstimator.fromSpecs(), lab, lab,
                List.of(STANDARD), Fixtures.firmwareOf(lab));

        assertThat(b.next()).isEmpty();
        b.firmwareReady(new BoardVariant("RPI_PICO2", "RISCV"));
        TestRun run = b.next().orElseThrow();

        assertThat(run.variant()).isEqualTo("RISCV");
        b.completed(run, new RunOutcome.Ran(false));
        assertThat(b.next()).isEmpty();
        assertThat(b.leftovers()).singleElement().extracting(Leftover::reason).isEqualTo(Leftover.Reason.NOT_STARTED);
    }

    @Test
    void missingFirmwareIsALeftoverWithTheFolderNamed() {
        List<Tentacle> lab = List.of(pico2("1831"));
        TestBartender b = new TestBartender(CONFIG, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), DurationEstimator.fromSpecs(), lab, lab,
                List.of(STANDARD), Set.of(new BoardVariant("RPI_PICO2", "")));
        b.firmwareReady(new BoardVariant("RPI_PICO2", ""));

        drain(b);

        assertThat(b.leftovers()).singleElement().satisfies(l -> {
            assertThat(l.reason()).isEqualTo(Leftover.Reason.NO_FIRMWARE);
            assertThat(l.detail()).contains("firmware/RPI_PICO2-RISCV/firmware.json");
        });
    }

    @Test
    void specWithoutATentacleWithItsFutIsALeftover() {
        TestRunSpec ble = referenceSpec("RUN-MULTITESTS_MULTIBLUETOOTH", Fut.FUT_BLE, 240);
        TestBartender b = bartender(CONFIG, List.of(pico("1111")), List.of(ble));

        assertThat(b.leftovers()).singleElement().satisfies(l -> {
            assertThat(l.reason()).isEqualTo(Leftover.Reason.NO_TENTACLE_WITH_FUT);
            assertThat(l.item()).isEmpty();
            assertThat(l.detail()).contains("FUT_BLE");
        });
    }

    @Test
    void flashSkipCollapsesVariantsToUnknownAndNeedsNoFirmware() {
        List<Tentacle> lab = List.of(pico2("1831"), pico("1521"));
        TestBartender b = new TestBartender(CONFIG.withFlash(true, false), Clock.fixed(Instant.EPOCH, ZoneOffset.UTC),
                DurationEstimator.fromSpecs(), lab, lab, List.of(STANDARD), Set.of());

        List<TestRun> runs = drain(b);

        assertThat(testids(runs)).containsExactlyInAnyOrder("RUN-TESTS_STANDARD@1831-RPI_PICO2-unknown", "RUN-TESTS_STANDARD@1521-RPI_PICO");
        assertThat(runs).noneMatch(TestRun::dutNeedsFlash);
    }

    @Test
    void flashForceFlashesEachTentacleAtItsFirstRunOnly() {
        Tentacle p = pico("1521");
        TestBartender b = bartender(CONFIG.withFlash(false, true), List.of(p), List.of(STANDARD, EXTMOD));
        b.firmwareObserved(p.serial(), Optional.of(new BoardVariant("RPI_PICO", "")));

        assertThat(drain(b)).extracting(TestRun::dutNeedsFlash).containsExactly(true, false);
    }

    @Test
    void testidsFollowTheAnchorFormat() {
        TestBartender b = bartender(CONFIG, List.of(picoW("5f2c"), esp32c3("0c30")), List.of(MULTINET));

        TestRun run = b.next().orElseThrow();

        assertThat(run.testid()).isEqualTo("RUN-MULTITESTS_MULTINET@0c30-ESP32_C3_DEVKIT-instance0");
        assertThat(run.role()).isEqualTo(Role.INSTANCE0);
    }

    // ---- honest verdicts: who is blamed, and what a leftover says ----

    @Test
    void aReferenceThatFailsIsBlamedNotTheDutAndTheRetryTakesAnotherReference() {
        Tentacle dut = esp32c3("4c01");
        Tentacle ref1 = picoW("3b01");
        Tentacle ref2 = picoW("3b02");
        TestBartender b = bartender(CONFIG.withInfraLimits(2, 1), List.of(dut, ref1, ref2), List.of(MULTINET));
        TestRun first = startAll(b).stream().filter(r -> r.dut().equals(dut) && r.role() == Role.INSTANCE0).findFirst().orElseThrow();
        Tentacle lost = first.reference().orElseThrow();

        b.completed(first, new RunOutcome.InfraError(RunOutcome.InfraErrorKind.BOARD_LOST, Set.of(lost.serial()), "reference gone"));

        assertThat(b.quarantined().contains(lost.serial())).as("the reference failed").isTrue();
        assertThat(b.quarantined().contains(dut.serial())).as("the DUT did nothing wrong").isFalse();
        List<TestRun> rest = drain(b);
        TestRun retry = rest.stream().filter(r -> r.dut().equals(dut) && r.role() == Role.INSTANCE0).findFirst().orElseThrow();
        assertThat(retry.reference()).as("requeued with the other reference").isPresent().get().isNotEqualTo(lost);
    }

    @Test
    void multiBoardWorkWhoseOnlyReferenceIsQuarantinedIsALabProblemWithItsAttempts() {
        Tentacle dut = esp32c3("4c01");
        Tentacle ref = picoW("3b01");
        TestBartender b = bartender(CONFIG.withInfraLimits(2, 1), List.of(dut, ref), List.of(MULTINET));
        TestRun first = startAll(b).stream().filter(r -> r.dut().equals(dut)).findFirst().orElseThrow();

        b.completed(first, new RunOutcome.InfraError(RunOutcome.InfraErrorKind.BOARD_LOST, Set.of(ref.serial()), "reference gone"));
        drain(b);

        assertThat(b.leftovers()).filteredOn(l -> l.item().startsWith("ESP32")).allSatisfy(l -> {
            assertThat(l.reason()).isEqualTo(Leftover.Reason.TENTACLE_QUARANTINED);
            assertThat(l.detail()).contains("reference").contains(ref.label());
            assertThat(l.isInfrastructure()).isTrue();
        });
        assertThat(b.leftovers()).as("the work that was tried lists its runs").anySatisfy(l -> assertThat(l.tried()).containsExactly(first.testid()));
    }

    @Test
    void aVersionCheckThatFailsOnTwoIdenticalTentaclesIsTheFirmwaresFaultNotTheBoards() {
        Tentacle a = pico("1111");
        Tentacle c = pico("2222");
        Tentacle other = esp8266("5d01");
        TestBartender b = bartender(CONFIG.withInfraLimits(5, 1), List.of(a, c, other), List.of(STANDARD, EXTMOD));
        List<TestRun> wave = startAll(b);
        List<TestRun> picos = wave.stream().filter(r -> r.dut().tag().equals("RPI_PICO")).toList();
        assertThat(picos).hasSize(2);
        for (TestRun r : picos) {
            b.completed(r, new RunOutcome.InfraError(RunOutcome.InfraErrorKind.VERSION_MISMATCH, Set.of(r.dut().serial()), "reports 'x'"));
        }

        assertThat(b.quarantined().contains(a.serial())).as("the boards are forgiven").isFalse();
        assertThat(b.quarantined().contains(c.serial())).isFalse();
        List<TestRun> rest = drain(completeAll(b, wave.stream().filter(r -> !r.dut().tag().equals("RPI_PICO")).toList()));
        assertThat(rest).as("no more runs of the broken image; the other firmware went on").noneMatch(r -> r.dut().tag().equals("RPI_PICO"));
        assertThat(b.leftovers()).filteredOn(l -> l.item().startsWith("RPI_PICO")).hasSize(2)
                .allSatisfy(l -> assertThat(l.reason()).isEqualTo(Leftover.Reason.FIRMWARE_BROKEN));
        assertThat(b.leftovers()).noneMatch(l -> l.item().startsWith("ESP8266"));
    }

    @Test
    void aFailedForcedFlashStaysOwed() {
        TestBartender b = bartender(new BartenderConfig(0, Set.of("RPI_PICO_W"), 2, 2, false, true, SchedulingPolicy.TESTBED), List.of(pico("1111")),
                List.of(STANDARD, EXTMOD));
        TestRun first = b.next().orElseThrow();
        assertThat(first.dutNeedsFlash()).isTrue();
        b.completed(first, new RunOutcome.InfraError(RunOutcome.InfraErrorKind.FLASH_FAILED, Set.of(), "flash failed"));
        assertThat(b.next().orElseThrow().dutNeedsFlash()).as("--flash-force not used up by a flash that failed").isTrue();
    }

    // ---- time-boxed sessions ----

    private static BartenderConfig until(java.time.Duration left) {
        return CONFIG.withDeadline(Optional.of(new Deadline(Instant.EPOCH.plus(left), "07:00", 1.25, java.time.Duration.ofSeconds(30))));
    }

    @Test
    void aRunThatWouldNotFinishBeforeTheDeadlineDoesNotStartAndSaysWhy() {
        // 20 min left: STANDARD (600 s x 1.25 + a 30 s flash = 13 min) fits, a 30-minute group does not.
        TestRunSpec longOne = spec("LONG", Fut.FUT_MCU_ONLY, 1800);
        TestBartender b = bartender(until(java.time.Duration.ofMinutes(20)), List.of(pico("1111"), pico("2222")), List.of(STANDARD, longOne));

        assertThat(testids(startAll(b))).containsExactly("RUN-TESTS_STANDARD@1111-RPI_PICO");
        assertThat(b.leftovers()).singleElement().satisfies(l -> {
            assertThat(l.reason()).isEqualTo(Leftover.Reason.DEADLINE);
            assertThat(l.detail()).isEqualTo("would not finish before 07:00 (needs ~38 min, 20 min left)");
            assertThat(l.isInfrastructure()).isFalse();
        });
    }

    @Test
    void nearTheDeadlineShorterItemsThatFitGoFirst() {
        // One tentacle, 12 min left, 25 min of work: today's rule starts the 10-minute group first (longest first) and
        // finishes one item; shortest first finishes the three short ones.
        List<TestRunSpec> specs = List.of(spec("TEN", Fut.FUT_MCU_ONLY, 480), spec("A", Fut.FUT_MCU_ONLY, 120), spec("B", Fut.FUT_MCU_ONLY, 150),
                spec("C", Fut.FUT_MCU_ONLY, 180));
        TestBartender b = bartender(until(java.time.Duration.ofMinutes(17)), List.of(pico("1111")), specs);
        assertThat(b.next().orElseThrow().spec().label()).as("tight: the shortest first").isEqualTo("A");

        TestBartender relaxed = bartender(CONFIG, List.of(pico("1111")), specs);
        assertThat(relaxed.next().orElseThrow().spec().label()).as("no deadline: longest first").isEqualTo("TEN");
    }

    @Test
    void aResumedSessionRunsOnlyWhatWasNotDoneAndNotWhatWasCutOffTwice() {
        TestRunSpec c = spec("C", Fut.FUT_MCU_ONLY, 10);
        TestBartender b = bartender(CONFIG, List.of(pico("1111")), List.of(STANDARD, EXTMOD, c));
        b.resumed(Set.of(new WorkKey("RUN-TESTS_STANDARD", "RPI_PICO", BoardVariant.parse("RPI_PICO"), Role.SINGLE)),
                Set.of(new WorkKey("C", "RPI_PICO", BoardVariant.parse("RPI_PICO"), Role.SINGLE)));

        assertThat(testids(drain(b))).containsExactly("RUN-TESTS_EXTMOD_HARDWARE@1111-RPI_PICO");
        assertThat(b.leftovers()).singleElement().satisfies(l -> {
            assertThat(l.spec()).isEqualTo("C");
            assertThat(l.detail()).contains("cut off twice");
        });
    }

    private static RunOutcome.InfraError infra(RunOutcome.InfraErrorKind kind) {
        return new RunOutcome.InfraError(kind, Set.of(), "injected");
    }

    private static TestBartender completeAll(TestBartender b, List<TestRun> runs) {
        runs.forEach(r -> b.completed(r, new RunOutcome.Ran(false)));
        return b;
    }

    @Test
    void aReferenceOfTheDutsOwnBoardIsPreferredItSpeaksWhatTheDutSpeaks() {
        Tentacle unixA = Fixtures.tentacle("8a01", "UNIX", "UNIX", java.util.EnumSet.of(Fut.FUT_MCU_ONLY, Fut.FUT_WLAN));
        Tentacle unixB = Fixtures.tentacle("8a02", "UNIX", "UNIX", java.util.EnumSet.of(Fut.FUT_MCU_ONLY, Fut.FUT_WLAN));
        Tentacle picoW = picoW("3b01");
        BartenderConfig config = CONFIG.withReferenceBoards(Set.of("RPI_PICO_W", "UNIX"));
        TestBartender b = new TestBartender(config, java.time.Clock.fixed(Instant.EPOCH, java.time.ZoneOffset.UTC), DurationEstimator.fromSpecs(),
                List.of(unixA, unixB), List.of(picoW, unixA, unixB), List.of(MULTINET), Fixtures.firmwareOf(List.of(unixA, unixB, picoW)));
        Fixtures.firmwareOf(List.of(unixA, unixB, picoW)).forEach(b::firmwareReady);
        List<TestRun> runs = startAll(b);
        assertThat(runs).isNotEmpty().allSatisfy(r -> assertThat(r.reference().orElseThrow().board()).as("a unix board against a unix board")
                .isEqualTo("UNIX"));
    }

    @Test
    void aBoardOnAnotherNetworkIsNeverTheReference() {
        Tentacle unix = Fixtures.tentacle("8a01", "UNIX", "UNIX", java.util.EnumSet.of(Fut.FUT_MCU_ONLY, Fut.FUT_WLAN));
        Tentacle picoW = picoW("3b01");
        BartenderConfig config = CONFIG.withReferenceBoards(Set.of("RPI_PICO_W"));
        java.util.function.Function<Tentacle, TestBartender> bartender = dut -> {
            TestBartender b = new TestBartender(config, java.time.Clock.fixed(Instant.EPOCH, java.time.ZoneOffset.UTC),
                    DurationEstimator.fromSpecs(), List.of(dut), List.of(picoW), List.of(MULTINET), Fixtures.firmwareOf(List.of(dut, picoW)));
            Fixtures.firmwareOf(List.of(dut, picoW)).forEach(b::firmwareReady);
            return b;
        };
        assertThat(bartender.apply(unix).next()).as("one network: the Wi-Fi board serves").isPresent();
        // The unix board talks on the host's loopback: a Wi-Fi board cannot answer it, so nothing starts.
        assertThat(bartender.apply(unix.withTag(Tentacle.NETWORK_TAG, "loopback")).next()).isEmpty();
    }
}
