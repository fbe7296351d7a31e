/** Executing one TestRun: tentacle locks across processes, flash and verify, attempts, classification, run.json. */
package testbed.testrun;
