/** One real session from start to end: inputs, results folder, lab connection, the engine on the real lab, session records. */
package testbed.session;
