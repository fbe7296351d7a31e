/** The application layer: one call per verb (run, plan, flash, report, doctor, history), each taking one request. */
package testbed.app;
