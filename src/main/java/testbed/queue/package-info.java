/**
 * Several lab hosts, one lab: agents own their tentacles and run what a coordinator leases to them, all through
 * PostgreSQL (the same database as the shared history). Leases carry a fencing epoch; a reaper turns expired ones into
 * infrastructure errors; LISTEN/NOTIFY wakes everybody, polling is the fallback.
 */
package testbed.queue;
