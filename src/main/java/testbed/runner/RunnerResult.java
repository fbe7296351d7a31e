package testbed.runner;

import java.util.List;
import java.util.Optional;

/**
 * What a runner reports for one attempt of a test group: its tests and measurements, or that the whole group was
 * skipped (the board lacks what it needs).
 */
public record RunnerResult(List<TestResult> tests, List<Measurement> measurements, Optional<String> skipped, Optional<Integer> returnCode) {

    public RunnerResult {
        tests = List.copyOf(tests);
        measurements = List.copyOf(measurements);
    }

    public static RunnerResult skipped(String reason) {
        return new RunnerResult(List.of(), List.of(), Optional.of(reason), Optional.empty());
    }

    public boolean hasFailures() {
        return tests.stream().anyMatch(t -> t.outcome().isFailure());
    }

    public long count(Outcome outcome) {
        return tests.stream().filter(t -> t.outcome() == outcome).count();
    }
}
