package testbed.runner;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One test's result.
 *
 * @param reason why it failed or was skipped, or a diff excerpt; empty when it passed
 */
public record TestResult(String name, Outcome outcome, @JsonProperty("duration_s") double durationSeconds, String reason) {}
