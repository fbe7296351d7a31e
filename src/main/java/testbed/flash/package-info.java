/** Firmware: programmers, flashing with version verification, and background builds. */
package testbed.flash;
