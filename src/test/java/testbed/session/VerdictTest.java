package testbed.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import testbed.bartender.Leftover;
import testbed.model.BoardVariant;
import testbed.model.Role;
import testbed.model.Status;

/** The end of a session in one word: tests before the lab, the lab before "passed", the time box never a lab error. */
class VerdictTest {

    private static SessionRecord.Run run(Status status) {
        return new SessionRecord.Run("G@0001-RPI_PICO", "G", "RPI_PICO", BoardVariant.parse("RPI_PICO"), Role.SINGLE, List.of("0001-RPI_PICO"), status,
                "2026-12-01T00:00:00Z", 1, List.of());
    }

    private static Leftover left(Leftover.Reason reason) {
        return new Leftover("G", "RPI_PICO", reason, "");
    }

    @Test
    void aFailingTestIsNewsAboutTheFirmwareEvenWhenTheLabHadTroubleToo() {
        assertThat(Session.verdict(false, List.of(run(Status.PASSED), run(Status.FAILED)), List.of(left(Leftover.Reason.TENTACLE_QUARANTINED)),
                Set.of("x"))).isEqualTo(Verdict.TESTS_FAILED);
    }

    @Test
    void aQuarantinedBoardOrWorkLostToTheLabKeepsASessionFromPassed() {
        assertThat(Session.verdict(false, List.of(run(Status.PASSED)), List.of(), Set.of("x"))).isEqualTo(Verdict.INFRASTRUCTURE_ERRORS);
        assertThat(Session.verdict(false, List.of(run(Status.PASSED)), List.of(left(Leftover.Reason.OFFLINE)), Set.of()))
                .isEqualTo(Verdict.INFRASTRUCTURE_ERRORS);
        assertThat(Session.verdict(false, List.of(run(Status.PASSED)), List.of(left(Leftover.Reason.RUNNER_FAILED)), Set.of()))
                .as("a runner that crashed is the lab's, not the firmware's").isEqualTo(Verdict.INFRASTRUCTURE_ERRORS);
    }

    @Test
    void anImageThatDoesNotVerifyOnTwoBoardsIsTheFirmwaresFault() {
        assertThat(Session.verdict(false, List.of(run(Status.PASSED)), List.of(left(Leftover.Reason.FIRMWARE_BROKEN)), Set.of()))
                .isEqualTo(Verdict.FIRMWARE_FAILED);
    }

    @Test
    void whatDidNotFitTheTimeBoxIsNoLabError() {
        assertThat(Session.verdict(false, List.of(run(Status.PASSED), run(Status.SKIPPED)), List.of(left(Leftover.Reason.DEADLINE)), Set.of()))
                .isEqualTo(Verdict.PASSED);
        assertThat(Session.verdict(false, List.of(), List.of(left(Leftover.Reason.DEADLINE)), Set.of()))
                .as("nothing fit: said so, and no lab error").isEqualTo(Verdict.NOTHING_FIT);
        assertThat(Session.verdict(false, List.of(), List.of(left(Leftover.Reason.DEADLINE), left(Leftover.Reason.NEEDS_MICROPYTHON_TESTS)), Set.of()))
                .as("groups this lab cannot run at all do not change that").isEqualTo(Verdict.NOTHING_FIT);
        assertThat(Session.verdict(false, List.of(), List.of(left(Leftover.Reason.DEADLINE), left(Leftover.Reason.OFFLINE)), Set.of()))
                .as("a board offline is the lab's").isEqualTo(Verdict.NOTHING_RAN);
        assertThat(Session.verdict(false, List.of(), List.of(left(Leftover.Reason.NO_FIRMWARE)), Set.of())).isEqualTo(Verdict.NOTHING_RAN);
    }

    @Test
    void anInterruptWinsOverEverything() {
        assertThat(Session.verdict(true, List.of(run(Status.FAILED)), List.of(), Set.of("x"))).isEqualTo(Verdict.INTERRUPTED);
    }
}
