package testbed.model;

import java.nio.file.Path;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * A static test group, e.g. {@code RUN-TESTS_STANDARD}: what to run, which FUT a tentacle needs for it, whether it
 * needs a second (reference) board, and how urgent and how long it is.
 *
 * @param priority higher runs first
 * @param estimatedDurationSeconds the spec's own estimate; history replaces it once it exists
 */
public record TestRunSpec(
        String label,
        String description,
        RunnerSpec runner,
        Fut requiredFut,
        boolean requiresReference,
        double timeoutSeconds,
        int priority,
        OptionalDouble estimatedDurationSeconds,
        Path file) {

    public TestRunSpec {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(runner, "runner");
        Objects.requireNonNull(requiredFut, "requiredFut");
    }

    /** A copy whose runner is replaced, for {@code --only-test LABEL:command args}. */
    public TestRunSpec withRunner(RunnerSpec newRunner) {
        return new TestRunSpec(label, description, newRunner, requiredFut, requiresReference, timeoutSeconds, priority,
                estimatedDurationSeconds, file);
    }
}
