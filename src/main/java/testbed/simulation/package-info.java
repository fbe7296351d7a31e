/** A lab on a simulated clock behind the engine, with estimated durations: the dry-run plan and the schedule benchmark. */
package testbed.simulation;
