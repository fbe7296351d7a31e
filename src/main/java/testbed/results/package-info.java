/** The results folder and its records: attempts, run reports, atomic files, xfail lists. */
package testbed.results;
