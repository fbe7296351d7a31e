/** The history database (SQLite or PostgreSQL): recording sessions, and the queries over them. */
package testbed.history;
