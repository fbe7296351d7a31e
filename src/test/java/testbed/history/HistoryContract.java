package testbed.history;

import static org.assertj.core.api.Assertions.assertThat;
import static testbed.history.Sessions.attempt;
import static testbed.history.Sessions.run;
import static testbed.history.Sessions.session;
import static testbed.history.Sessions.t;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import testbed.results.AttemptRecord;
import testbed.runner.Measurement;
import testbed.runner.Outcome;
import testbed.session.SessionRecord;

/** The same history queries, answered identically by every database: SQLite and PostgreSQL run this contract. */
abstract class HistoryContract {

    static final String FW_A = "RPI_PICO;3.4.0; MicroPython v1.26.0 on 2025-08-01";
    static final String FW_B = "RPI_PICO;3.4.0; MicroPython v1.27.0 on 2025-12-10";

    JdbcHistory history;

    abstract String url() throws Exception;

    @BeforeEach
    void open() throws Exception {
        history = JdbcHistory.open(url());
    }

    @AfterEach
    void close() {
        history.close();
    }

    private static SessionRecord.Run basics(String testid, String firmware, double bench, Outcome... outcomesPerAttempt) {
        AttemptRecord[] attempts = new AttemptRecord[outcomesPerAttempt.length];
        for (int i = 0; i < outcomesPerAttempt.length; i++) {
            attempts[i] = attempt(testid, String.valueOf((char) ('a' + i)), "BUILTIN-TESTS_BASICS", "1e01-RPI_PICO", "vlab0000pico-1e01", "RPI_PICO", "",
                    firmware, 20, List.of(t("basics/flaky.py", outcomesPerAttempt[i]), t("basics/int_arith.py", Outcome.PASSED),
                            t("basics/fstring.py", firmware.equals(FW_B) ? Outcome.FAILED : Outcome.PASSED)),
                    List.of(new Measurement("perfbench/loop_sum.py:100", bench, "us")));
        }
        boolean failed = outcomesPerAttempt[outcomesPerAttempt.length - 1] == Outcome.FAILED || firmware.equals(FW_B);
        return run(failed ? "failed" : "passed", attempts);
    }

    private void recordFour() {
        history.record(session("s1", "2026-11-01T10:00:00Z", "virtual", basics("BUILTIN-TESTS_BASICS@1e01-RPI_PICO", FW_A, 5000, Outcome.PASSED)));
        history.record(session("s2", "2026-11-02T10:00:00Z", "virtual",
                basics("BUILTIN-TESTS_BASICS@1e01-RPI_PICO", FW_A, 5050, Outcome.FAILED, Outcome.PASSED)));
        history.record(session("s3", "2026-11-03T10:00:00Z", "virtual", basics("BUILTIN-TESTS_BASICS@1e01-RPI_PICO", FW_A, 4990, Outcome.PASSED)));
        history.record(session("s4", "2026-11-04T10:00:00Z", "other-lab", basics("BUILTIN-TESTS_BASICS@1e01-RPI_PICO", FW_B, 7000, Outcome.PASSED)));
    }

    @Test
    void aTestsOutcomesAtACommitAreFoundForABisectToReuse() {
        String commit = "533dbc9de721940899e60c44fb658719d09583a1";
        history.record(session("c1", "2026-11-01T10:00:00Z", "virtual", "v1.27.0-3-g533dbc9 (commit 533dbc9de721) from repo@" + commit,
                basics("BUILTIN-TESTS_BASICS@1e01-RPI_PICO", FW_B, 5000, Outcome.PASSED)));
        history.record(session("c2", "2026-11-02T10:00:00Z", "virtual", "v1.27.0-2-g3968002 (commit 3968002d7a57) from repo@3968002",
                basics("BUILTIN-TESTS_BASICS@1e01-RPI_PICO", FW_A, 5000, Outcome.PASSED)));

        assertThat(history.outcomesAt(commit, "basics/fstring.py", testbed.model.BoardVariant.parse("RPI_PICO"))).containsExactly("failed");
        assertThat(history.outcomesAt("3968002d7a5732d9", "basics/fstring.py", testbed.model.BoardVariant.parse("RPI_PICO"))).containsExactly("passed");
        assertThat(history.outcomesAt(commit, "basics/fstring.py", testbed.model.BoardVariant.parse("RPI_PICO2"))).isEmpty();
        assertThat(history.outcomesAt("ffffffffffff", "basics/fstring.py", testbed.model.BoardVariant.parse("RPI_PICO"))).isEmpty();
    }

    @Test
    void sessionsAreListedNewestFirstAndFiltered() {
        recordFour();
        assertThat(history.sessions(History.SessionFilter.all())).extracting(History.SessionRow::id).containsExactly("s4", "s3", "s2", "s1");
        assertThat(history.sessions(new History.SessionFilter(Optional.of("virtual"), Optional.empty(), Optional.of("2026-11-02"), 10)))
                .extracting(History.SessionRow::id).containsExactly("s3", "s2");
        assertThat(history.sessions(new History.SessionFilter(Optional.empty(), Optional.of("RPI_PICO"), Optional.empty(), 10))).hasSize(4);
        assertThat(history.sessions(new History.SessionFilter(Optional.empty(), Optional.of("ESP32_GENERIC"), Optional.empty(), 10))).isEmpty();
        History.SessionRow s4 = history.sessions(History.SessionFilter.all()).get(0);
        assertThat(s4.runs()).isEqualTo(1);
        assertThat(s4.failedRuns()).isEqualTo(1);
    }

    @Test
    void recordingAgainIsIdempotentAndUpdatesTheSession() {
        SessionRecord running = session("s1", "2026-11-01T10:00:00Z", "virtual");
        history.record(running);
        SessionRecord done = session("s1", "2026-11-01T10:00:00Z", "virtual", basics("BUILTIN-TESTS_BASICS@1e01-RPI_PICO", FW_A, 5000, Outcome.PASSED));
        history.record(done);
        history.record(done);
        assertThat(history.sessions(History.SessionFilter.all())).singleElement().satisfies(r -> assertThat(r.runs()).isEqualTo(1));
        assertThat(history.passRates("RPI_PICO", 10)).singleElement().satisfies(p -> assertThat(p.tests()).isEqualTo(3));
    }

    @Test
    void passRatePerGroupOverTheLastSessions() {
        recordFour();
        assertThat(history.passRates("RPI_PICO", 10)).singleElement().satisfies(p -> {
            assertThat(p.testgroup()).isEqualTo("BUILTIN-TESTS_BASICS");
            assertThat(p.sessions()).isEqualTo(4);
            assertThat(p.runs()).isEqualTo(4);
            assertThat(p.passedRuns()).isEqualTo(3);
            assertThat(p.tests()).isEqualTo(12);
            assertThat(p.passedTests()).isEqualTo(11);
        });
        assertThat(history.passRates("RPI_PICO", 1)).singleElement().satisfies(p -> assertThat(p.passRate()).isEqualTo(2.0 / 3));
    }

    @Test
    void theLabsViewEachTentaclesRecordBrokenTestsAndPassRatesPerBoard() {
        recordFour();
        AttemptRecord ok = attempt("BUILTIN-TESTS_BASICS@1e02-RPI_PICO", "a", "BUILTIN-TESTS_BASICS", "1e02-RPI_PICO", "vlab0000pico-1e02", "RPI_PICO", "",
                FW_B, 3, List.of(), List.of());
        AttemptRecord flashFailed = new AttemptRecord(ok.testid(), "a", ok.directory(), ok.testGroup(), ok.tentacle(), ok.kind(), ok.serial(), ok.board(),
                ok.variant(), ok.role(), "", Map.of(), List.of(), ok.runner(), ok.timeStart(), ok.timeEnd(), 3, testbed.model.Status.ERROR, "flash_failed",
                "picotool exited 1", ok.counts(), List.of(), List.of());
        history.record(session("s5", "2026-11-05T10:00:00Z", "other-lab", basics("BUILTIN-TESTS_BASICS@1e01-RPI_PICO", FW_B, 7000, Outcome.PASSED),
                run("error", flashFailed)));

        assertThat(history.tentacles(10)).extracting(History.TentacleRecord::tentacle).containsExactly("1e01-RPI_PICO", "1e02-RPI_PICO");
        History.TentacleRecord first = history.tentacles(10).get(0);
        assertThat(first.runs()).isEqualTo(5);
        assertThat(first.passedRuns()).isEqualTo(3);
        assertThat(first.attempts()).isEqualTo(6);
        assertThat(first.errors()).isZero();
        History.TentacleRecord second = history.tentacles(10).get(1);
        assertThat(second.errors()).isEqualTo(1);
        assertThat(second.flashFailures()).isEqualTo(1);
        assertThat(second.passRate()).isZero();
        assertThat(history.tentacles(1)).extracting(History.TentacleRecord::runs).containsExactly(1, 1).as("the last session only");

        // fstring.py failed on v1.27.0 in both sessions that ran it: broken; flaky.py flipped: not broken.
        assertThat(history.failing(10)).singleElement().satisfies(f -> {
            assertThat(f.test()).isEqualTo("basics/fstring.py");
            assertThat(f.boardVariant()).isEqualTo("RPI_PICO");
            assertThat(f.failures()).isEqualTo(2);
            assertThat(f.sessions()).containsExactly("s5", "s4");
        });
        assertThat(history.failing(1)).as("once is not yet broken").isEmpty();

        assertThat(history.passRatesByBoard(10)).singleElement().satisfies(p -> {
            assertThat(p.boardVariant()).isEqualTo("RPI_PICO");
            assertThat(p.runs()).isEqualTo(6);
            assertThat(p.passedRuns()).isEqualTo(3);
        });
    }

    @Test
    void flakyTestsFlipOnTheSameFirmwareAcrossAttemptsAndSessions() {
        recordFour();
        List<History.FlakyTest> flaky = history.flaky(20);
        assertThat(flaky).singleElement().satisfies(f -> {
            assertThat(f.test()).isEqualTo("basics/flaky.py");
            assertThat(f.boardVariant()).isEqualTo("RPI_PICO");
            assertThat(f.firmware()).isEqualTo(FW_A);
            assertThat(f.observations()).isEqualTo(4); // s1 a, s2 a+b, s3 a
            assertThat(f.failures()).isEqualTo(1);
            assertThat(f.flips()).isEqualTo(2);
            assertThat(f.flipRate()).isEqualTo(2.0 / 3);
            assertThat(f.sessions()).containsExactly("s1", "s2", "s3");
        });
    }

    @Test
    void regressionsPassedOnFirmwareAAndFailOnFirmwareB() {
        recordFour();
        assertThat(history.regressions("v1.26.0", "v1.27.0")).singleElement().satisfies(r -> {
            assertThat(r.test()).isEqualTo("basics/fstring.py");
            assertThat(r.boardVariant()).isEqualTo("RPI_PICO");
            assertThat(r.fromFirmware()).isEqualTo(FW_A);
            assertThat(r.toFirmware()).isEqualTo(FW_B);
            assertThat(r.session()).isEqualTo("s4");
        });
        assertThat(history.regressions("v1.27.0", "v1.26.0")).isEmpty();
    }

    @Test
    void perfSeriesHasANoiseBandAndFindsTheChange() {
        recordFour();
        assertThat(history.perf(Optional.of("RPI_PICO"))).singleElement().satisfies(p -> {
            assertThat(p.values()).containsExactly(5000.0, 5050.0, 5050.0, 4990.0, 7000.0);
            assertThat(p.changes()).as("the new firmware is slower").containsExactly(4);
            assertThat(p.firmware().get(4)).isEqualTo(FW_B);
            assertThat(p.unit()).isEqualTo("us");
        });
    }

    @Test
    void durationsPerGroupAndBoardKindFeedTheScheduler() {
        recordFour();
        assertThat(history.durations()).singleElement().satisfies(d -> {
            assertThat(d.key().testgroup()).isEqualTo("BUILTIN-TESTS_BASICS");
            assertThat(d.key().kind()).isEqualTo("RPI_PICO");
            assertThat(d.runs()).isEqualTo(4);
            assertThat(d.meanSeconds()).isEqualTo(25.0); // one run took two attempts of 20 s
        });
    }

    @Test
    void trendIsThePassRatePerSessionOfOneLab() {
        recordFour();
        assertThat(history.trend("virtual", 10)).extracting(History.SessionTrend::session).containsExactly("s1", "s2", "s3");
        assertThat(history.trend("other-lab", 10)).singleElement().satisfies(t -> assertThat(t.passRate()).isEqualTo(2.0 / 3));
    }


    @Test
    void aKilledSessionShowsWhatFinishedAndWhatNeverDid() {
        SessionRecord.Run unfinished = new SessionRecord.Run("BUILTIN-TESTS_EXTMOD@1e01-RPI_PICO", "BUILTIN-TESTS_EXTMOD", "RPI_PICO",
                testbed.model.BoardVariant.parse("RPI_PICO"), testbed.model.Role.SINGLE, List.of("1e01-RPI_PICO"), testbed.model.Status.NEVER_FINISHED, "2026-11-01T10:05:00Z", 12, List.of());
        SessionRecord killed = session("k1", "2026-11-01T10:00:00Z", "virtual", basics("BUILTIN-TESTS_BASICS@1e01-RPI_PICO", FW_A, 5000, Outcome.PASSED),
                unfinished);
        history.record(new SessionRecord(killed.sessionId(), killed.lab(), killed.labFile(), killed.host(), killed.user(), killed.trigger(),
                killed.commandLine(), killed.firmware(), killed.firmwareVersions(), killed.testsRef(), killed.timeStart(), killed.timeEnd(),
                killed.durationSeconds(), testbed.session.SessionState.INTERRUPTED, testbed.session.Verdict.INTERRUPTED, killed.runs(), killed.leftovers(), killed.quarantined(), killed.dispatchLatency(), java.util.List.of(), null, java.util.List.of()));
        assertThat(history.sessions(History.SessionFilter.all())).singleElement().satisfies(s -> {
            assertThat(s.status()).isEqualTo(testbed.session.SessionState.INTERRUPTED);
            assertThat(s.runs()).isEqualTo(2);
        });
        assertThat(history.passRates("RPI_PICO", 5)).extracting(History.GroupPassRate::testgroup).containsExactly("BUILTIN-TESTS_BASICS");
        assertThat(history.durations()).extracting(d -> d.key().testgroup()).containsExactly("BUILTIN-TESTS_BASICS");
    }

    /** One run of BASICS on one of two identical RPI_PICO tentacles, with fstring.py's outcome. */
    private static SessionRecord.Run onTentacle(String serial4, Outcome fstring) {
        String testid = "BUILTIN-TESTS_BASICS@" + serial4 + "-RPI_PICO";
        return run(fstring == Outcome.PASSED ? "passed" : "failed", attempt(testid, "a", "BUILTIN-TESTS_BASICS", serial4 + "-RPI_PICO",
                "vlab0000pico-" + serial4, "RPI_PICO", "", FW_A, 20, List.of(t("basics/fstring.py", fstring), t("basics/int_arith.py", Outcome.PASSED)),
                List.of()));
    }

    @Test
    void aFailureOnOneOfTwoIdenticalBoardsIsNeitherHiddenByTheOtherNorCalledFlaky() {
        // Night after night: 1e01 always passes, 1e02 always fails; each night both ran (a --count or a split lab).
        for (int night = 1; night <= 4; night++) {
            history.record(session("n" + night, "2026-11-0" + night + "T10:00:00Z", "virtual", onTentacle("1e01", Outcome.PASSED),
                    onTentacle("1e02", Outcome.FAILED)));
        }
        assertThat(history.flaky(20)).as("a consistent per-board failure is not flaky").isEmpty();
        assertThat(history.changes("n4").regressions()).as("nothing changed on either board").isEmpty();
        // Night 5: 1e02 is fixed, 1e01 breaks. Both changes are seen, each on its own tentacle.
        history.record(session("n5", "2026-11-05T10:00:00Z", "virtual", onTentacle("1e01", Outcome.FAILED), onTentacle("1e02", Outcome.PASSED)));
        History.Changes c = history.changes("n5");
        assertThat(c.since()).contains("n4");
        assertThat(c.regressions()).singleElement().satisfies(r -> {
            assertThat(r.test()).isEqualTo("basics/fstring.py");
            assertThat(r.tentacle()).isEqualTo("1e01-RPI_PICO");
        });
        assertThat(c.fixed()).singleElement().satisfies(r -> assertThat(r.tentacle()).isEqualTo("1e02-RPI_PICO"));
    }

    @Test
    void aTentacleWithoutAnEarlierOutcomeIsComparedWithItsTwin() {
        // Last night the group ran on 1e01 and passed; tonight it ran on the identical 1e02 and failed: a new failure.
        history.record(session("t1", "2026-11-01T10:00:00Z", "virtual", onTentacle("1e01", Outcome.PASSED)));
        history.record(session("t2", "2026-11-02T10:00:00Z", "virtual", onTentacle("1e02", Outcome.FAILED)));
        assertThat(history.changes("t2").regressions()).singleElement().satisfies(r -> assertThat(r.tentacle()).isEqualTo("1e02-RPI_PICO"));
        assertThat(history.regressions("v1.26.0", "v1.26.0")).as("same firmware both sides: latest runs compared").isEmpty();
    }

    @Test
    void aGroupInWhichNothingRanHasNoPassRate() {
        AttemptRecord skipped = attempt("BUILTIN-TESTS_EXTMOD@1e01-RPI_PICO", "a", "BUILTIN-TESTS_EXTMOD", "1e01-RPI_PICO", "vlab0000pico-1e01",
                "RPI_PICO", "", FW_A, 1, List.of(t("extmod/machine_i2c.py", Outcome.SKIPPED)), List.of());
        history.record(session("sk", "2026-11-01T10:00:00Z", "virtual", run("skipped", skipped)));
        assertThat(history.passRates("RPI_PICO", 5)).singleElement().satisfies(p -> {
            assertThat(p.tests()).isZero();
            assertThat(p.passRate()).as("not 0 %%: nothing ran").isNull();
        });
    }
}
