/** The runners of a test group: MicroPython's own scripts (external) and the built-in tests, perfbench and multitests. */
package testbed.runner;
