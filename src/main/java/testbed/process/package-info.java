/** External processes with watchdogs that kill the whole tree, and ordered shutdown hooks. */
package testbed.process;
