/** Benchmarks: whole simulated sessions against a lower bound, decision time, raw-REPL upload rate. */
package testbed.bench;
