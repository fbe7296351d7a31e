/** The virtual lab: simulated tentacles running real MicroPython (WebAssembly, QEMU) behind real pseudo-terminals. */
package testbed.lab.virtual;
