/** What the user asked for, checked against an inventory: the DUTs, the reference pool, the test groups, and what is left over and why. */
package testbed.selection;
