/**
 * The MicroPython source under test: a checkout, a tarball or a git URL with a ref, made into a source tree whose
 * commit is known; and the host tools built from it (mpy-cross).
 */
package testbed.source;
