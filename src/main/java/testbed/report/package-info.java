/** Reports of a session: HTML, Markdown, JUnit XML, summary.json, timing. */
package testbed.report;
