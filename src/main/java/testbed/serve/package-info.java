/**
 * {@code testbed serve}: the lab in a browser, read-only. The lab's tentacles and what each does now, the sessions
 * (the running one live), the history's analyses and every file of {@code results/}, each read from where testbed
 * already keeps it: the results folders, the history database, the queue and the lab files.
 */
package testbed.serve;
