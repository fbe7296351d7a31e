/** Values that every other package shares: tentacles, specs, test runs, firmware, statuses. Depends on nothing. */
package testbed.model;
