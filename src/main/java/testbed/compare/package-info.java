/**
 * What changed between two sessions of the same boards: per board-variant and test, newly failing, newly passing,
 * flaky, only on one side, skipped for another reason, and benchmarks beyond both sides' noise. Pure: it reads
 * session records, it runs nothing (the app confirms regressions by running them again).
 */
package testbed.compare;
