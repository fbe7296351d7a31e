package testbed.results;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
import testbed.model.BoardVariant;
import testbed.model.Role;
import testbed.model.Status;
import testbed.runner.Measurement;
import testbed.runner.Outcome;
import testbed.runner.TestResult;

/**
 * {@code results/<testid>,<letter>/run.json}: one attempt of a TestRun. Written at the start with status
 * {@code never finished}, so a killed session still shows what never ended, and rewritten at the end.
 *
 * @param tentacle the DUT's label ({@code <serial4>-<TAG>}); {@code kind} its tag, {@code board} and {@code variant} the
 *     firmware it ran (the bare variant: {@code RISCV}, or empty for the default)
 * @param status how it ended, classified once when it ended (xfail applied): see {@link Status}
 * @param errorKind for error and timeout: which infrastructure failure (flash_failed, board_lost, ...); else empty
 * @param timePrepared when the first attempt's boards carried their firmware (flashed and verified, or found right):
 *     from {@code time_start} to here the run was USB-heavy; empty for later attempts and where it never got there
 * @param waited what the run waited for before it started (the USB load of its hub or host), on its first attempt
 * @param recovery after a timeout or a lost board: each rung of the recovery ladder tried on each board, and what it found
 */
public record AttemptRecord(
        String testid,
        String attempt,
        String directory,
        @JsonProperty("testgroup") String testGroup,
        String tentacle,
        String kind,
        String serial,
        String board,
        String variant,
        Role role,
        String reference,
        @JsonProperty("firmware") Map<String, String> firmware,
        @JsonProperty("flashed") List<String> flashed,
        String runner,
        @JsonProperty("time_start") String timeStart,
        @JsonProperty("time_end") String timeEnd,
        @JsonProperty("duration_s") double durationSeconds,
        Status status,
        @JsonProperty("error_kind") String errorKind,
        String error,
        Map<String, Long> counts,
        List<TestResult> tests,
        List<Measurement> measurements,
        @JsonProperty("time_prepared") String timePrepared,
        String waited,
        List<String> recovery) {

    @com.fasterxml.jackson.annotation.JsonCreator
    public AttemptRecord {
        timePrepared = timePrepared == null ? "" : timePrepared; // a run.json from before it was recorded
        waited = waited == null ? "" : waited;
        recovery = recovery == null ? List.of() : List.copyOf(recovery);
        if (kind == null) {
            kind = LegacyRecords.kindOfLabel(tentacle); // a run.json from before the kind was recorded
        }
    }

    /** The same attempt recorded before preparation and waits were: what older callers and files give. */
    public AttemptRecord(String testid, String attempt, String directory, String testGroup, String tentacle, String kind, String serial,
            String board, String variant, Role role, String reference, Map<String, String> firmware, List<String> flashed, String runner,
            String timeStart, String timeEnd, double durationSeconds, Status status, String errorKind, String error, Map<String, Long> counts,
            List<TestResult> tests, List<Measurement> measurements) {
        this(testid, attempt, directory, testGroup, tentacle, kind, serial, board, variant, role, reference, firmware, flashed, runner, timeStart,
                timeEnd, durationSeconds, status, errorKind, error, counts, tests, measurements, "", "", List.of());
    }

    /** The firmware the DUT ran: board and variant. */
    public BoardVariant boardVariant() {
        return new BoardVariant(board, variant);
    }

    /** This attempt as it reads from another folder of the same test id ({@code <testid>,<letter>}: the letter follows). */
    public AttemptRecord inFolder(String dirName) {
        return new AttemptRecord(testid, dirName.substring(dirName.lastIndexOf(',') + 1), dirName, testGroup, tentacle, kind, serial, board, variant,
                role, reference, firmware, flashed, runner, timeStart, timeEnd, durationSeconds, status, errorKind, error, counts, tests, measurements,
                timePrepared, waited, recovery);
    }

    /** Tests per outcome label, every outcome present: the {@code counts} of a run.json. */
    public static Map<String, Long> countsOf(List<TestResult> tests) {
        Map<String, Long> counts = new java.util.LinkedHashMap<>();
        for (Outcome o : Outcome.values()) {
            counts.put(o.label(), tests.stream().filter(t -> t.outcome() == o).count());
        }
        return counts;
    }

    /**
     * Classifies a finished runner result: the one place where tests become an attempt status (xfail already applied).
     * A group in which no test ran (every one skipped, or none at all) is skipped, not passed: it says nothing of the firmware.
     */
    public static Status classify(testbed.runner.RunnerResult result) {
        if (result.skipped().isPresent()) {
            return Status.SKIPPED;
        }
        if (result.hasFailures()) {
            return Status.FAILED;
        }
        if (result.tests().stream().noneMatch(t -> t.outcome() == Outcome.PASSED || t.outcome() == Outcome.XFAILED)) {
            return Status.SKIPPED;
        }
        return result.tests().stream().anyMatch(t -> t.outcome() == Outcome.XFAILED) ? Status.XFAILED : Status.PASSED;
    }

    /** Why a classified attempt was skipped: the runner's reason, or that no test of it ran. */
    public static String skipReason(testbed.runner.RunnerResult result) {
        return result.skipped().orElse(result.tests().isEmpty() ? "no test ran" : "no test ran: all " + result.tests().size() + " were skipped");
    }

    /** Failed, errored and timed-out tests of this attempt. */
    public long failures() {
        long n = 0;
        for (Outcome o : Outcome.values()) {
            if (o.isFailure()) {
                n += counts.getOrDefault(o.label(), 0L);
            }
        }
        return n;
    }
}
