/** The pure scheduler: which TestRun starts next, on which tentacles, and which firmware to build next. No I/O, threads or clocks of its own. */
package testbed.bartender;
