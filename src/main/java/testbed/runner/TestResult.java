package testbed.runner;

/**
 * One test's result.
 *
 * @param reason why it failed or was skipped, or a diff excerpt; empty when it passed
 */
public record TestResult(String name, Outcome outcome, double durationSeconds, String reason) {}
