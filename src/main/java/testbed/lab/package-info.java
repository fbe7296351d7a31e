/** Lab drivers behind one interface: discovery of tentacles on USB hubs and sysfs, DUT power and boot control. */
package testbed.lab;
