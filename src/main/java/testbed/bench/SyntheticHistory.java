package testbed.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import testbed.model.BoardVariant;
import testbed.model.Role;
import testbed.model.Status;
import testbed.results.AttemptRecord;
import testbed.runner.Measurement;
import testbed.runner.Outcome;
import testbed.runner.TestResult;
import testbed.session.SessionRecord;
import testbed.session.SessionState;
import testbed.session.Verdict;

/**
 * Nightly sessions of a lab as a history would record them: tentacles in pairs of identical hardware (each of a pair
 * runs its own variant), test groups of many tests with a few permanent failures per board, a few flaky tests, skips,
 * a second attempt where something failed ({@code --count 2}), a firmware that changes every week, and one group of
 * benchmarks whose numbers wander within their noise. Every draw is a pure function of the seed and what is drawn.
 */
final class SyntheticHistory {

    private final HistoryBenchmark.Shape shape;
    private final Instant first = Instant.parse("2026-01-01T22:00:00Z");

    SyntheticHistory(HistoryBenchmark.Shape shape) {
        this.shape = shape;
    }

    String sessionId(int night) {
        return String.format("bench-%04d", night);
    }

    /** The firmware a board-variant reports on a night: a new build every seven nights. */
    String firmware(BoardVariant bv, int night) {
        return bv.name() + ";v1.27.0-" + (night / 7) + "-g" + Integer.toHexString(1000 + night / 7) + "; MicroPython v1.27.0-" + (night / 7);
    }

    SessionRecord night(int night) {
        Instant start = first.plus(Duration.ofDays(night));
        List<SessionRecord.Run> runs = new ArrayList<>();
        int pairs = Math.max(1, (shape.boards() + 1) / 2);
        for (int p = 0; p < pairs; p++) {
            String kind = "BOARD" + p;
            for (int twin = 0; twin < 2; twin++) {
                String serial4 = String.format("%02d%02d", p, twin);
                BoardVariant bv = new BoardVariant(kind, twin == 0 ? "" : "V2");
                for (int g = 0; g < shape.groups(); g++) {
                    runs.add(run(night, start.plusSeconds(60L * g), kind, serial4, bv, g));
                }
            }
        }
        return new SessionRecord(sessionId(night), "bench", "labs/bench.json", "bench-host", "bench", "nightly", List.of("testbed", "run"), List.of(),
                Map.of(), "v1.27.0", start.toString(), start.plus(Duration.ofHours(8)).toString(), 8 * 3600, SessionState.COMPLETED,
                runs.stream().anyMatch(r -> r.status() == Status.FAILED) ? Verdict.TESTS_FAILED : Verdict.PASSED, runs, List.of(), List.of(),
                new SessionRecord.Latency(0, 0, 0, 0), List.of(), null, List.of());
    }

    private SessionRecord.Run run(int night, Instant at, String kind, String serial4, BoardVariant bv, int group) {
        boolean perf = group == shape.groups() - 1 && shape.benchmarks() > 0;
        String label = (perf ? "RUN-PERFBENCH" : "RUN-GROUP" + group);
        String tentacle = serial4 + "-" + kind;
        String testid = label + "@" + tentacle + (bv.isDefaultVariant() ? "" : "-" + bv.variant());
        List<AttemptRecord> attempts = new ArrayList<>();
        for (int attempt = 0; attempt < 2; attempt++) {
            AttemptRecord a = perf ? perfAttempt(night, at, testid, label, tentacle, kind, bv, attempt)
                    : testAttempt(night, at, testid, label, tentacle, kind, bv, attempt);
            attempts.add(a);
            if (a.status() != Status.FAILED || uniform(testid + "|again|" + night) > 0.25) {
                break; // a quarter of the failed runs is tried again, as --count 2 on the groups a night is watched for
            }
        }
        AttemptRecord last = attempts.get(attempts.size() - 1);
        return new SessionRecord.Run(testid, label, kind, bv, Role.SINGLE, List.of(tentacle), last.status(), at.toString(),
                attempts.stream().mapToDouble(AttemptRecord::durationSeconds).sum(), attempts);
    }

    private AttemptRecord testAttempt(int night, Instant at, String testid, String label, String tentacle, String kind, BoardVariant bv, int attempt) {
        List<TestResult> tests = new ArrayList<>(shape.tests());
        for (int t = 0; t < shape.tests(); t++) {
            String name = "basics/test_" + t + ".py";
            double u = uniform(label + tentacle + name + "|" + night + "|" + attempt);
            double kindOf = uniform(label + kind + name); // the test's nature on this kind of board, the same every night
            Outcome o;
            if (kindOf < 0.05) {
                o = Outcome.SKIPPED;
            } else if (kindOf < 0.052 && bv.isDefaultVariant()) {
                o = Outcome.FAILED; // fails on one variant of the pair only, every night
            } else if (kindOf < 0.055) {
                o = u < 0.3 ? Outcome.FAILED : Outcome.PASSED; // flaky
            } else {
                o = night > 200 && kindOf < 0.056 ? Outcome.FAILED : Outcome.PASSED; // broken by a later firmware
            }
            tests.add(new TestResult(name, o, 0.05, o == Outcome.PASSED ? "" : name + ": output differs"));
        }
        return attempt(testid, attempt, label, tentacle, kind, bv, night, at, tests, List.of());
    }

    private AttemptRecord perfAttempt(int night, Instant at, String testid, String label, String tentacle, String kind, BoardVariant bv, int attempt) {
        List<TestResult> tests = new ArrayList<>();
        List<Measurement> measurements = new ArrayList<>();
        for (int b = 0; b < shape.benchmarks(); b++) {
            String name = "perf_bench/bm_" + b + ".py";
            double base = 1000 + 100 * b;
            double noise = 1 + 0.02 * (uniform(tentacle + name + "|" + night) - 0.5);
            double slower = night > 300 && b == 0 ? 1.3 : 1; // a real slowdown, late in the year
            tests.add(new TestResult(name, Outcome.PASSED, 1, ""));
            measurements.add(new Measurement(name + " time", base * noise * slower, "us"));
            measurements.add(new Measurement(name + " score", 1e6 / (base * noise * slower), "score"));
        }
        return attempt(testid, attempt, label, tentacle, kind, bv, night, at, tests, measurements);
    }

    private AttemptRecord attempt(String testid, int attempt, String label, String tentacle, String kind, BoardVariant bv, int night, Instant at,
            List<TestResult> tests, List<Measurement> measurements) {
        String letter = String.valueOf((char) ('a' + attempt));
        Map<String, Long> counts = AttemptRecord.countsOf(tests);
        boolean failed = tests.stream().anyMatch(t -> t.outcome().isFailure());
        double seconds = 60 + 30 * uniform(testid + night + letter);
        Map<String, String> firmware = new LinkedHashMap<>();
        firmware.put("serial-" + tentacle, firmware(bv, night));
        return new AttemptRecord(testid, letter, testid + "," + letter, label, tentacle, kind, "serial-" + tentacle, bv.board(), bv.variant(), Role.SINGLE,
                "", firmware, List.of(), "external", at.toString(), at.plusSeconds((long) seconds).toString(), seconds,
                failed ? Status.FAILED : Status.PASSED, "", "", counts, tests, measurements);
    }

    private double uniform(String what) {
        return new SplittableRandom(shape.seed() * 0x9E3779B97F4A7C15L ^ what.hashCode()).nextDouble();
    }
}
