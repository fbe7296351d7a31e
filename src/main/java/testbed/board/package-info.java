/** Talking to one board: the serial link and MicroPython's raw REPL protocol. */
package testbed.board;
