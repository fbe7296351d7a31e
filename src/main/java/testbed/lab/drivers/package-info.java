/** Connecting a lab: one driver per connection kind, their discoveries merged. */
package testbed.lab.drivers;
