/** The one session loop shared by real runs, dry-run plans and benchmarks: bartender decisions in, backend events back. */
package testbed.engine;
