-- Coordination of several lab hosts (testbed agent / testbed run --queue). Each host owns its tentacles; a lease
-- gives one of them a run. The fencing epoch comes from one sequence, so a later lease always has a higher number.

CREATE SEQUENCE queue_epoch;

CREATE TABLE queue_host (
    host        TEXT PRIMARY KEY,
    lab         TEXT NOT NULL,
    pid         BIGINT NOT NULL,
    started_at  TIMESTAMPTZ NOT NULL,
    last_seen   TIMESTAMPTZ NOT NULL,
    -- how long its leases last without a heartbeat; also how long it counts as live after its last one
    lease_seconds INT NOT NULL,
    -- online: heartbeating; stopped: left in order; lost: the reaper gave up on it
    state       TEXT NOT NULL
);

CREATE TABLE queue_tentacle (
    serial      TEXT PRIMARY KEY,
    host        TEXT NOT NULL REFERENCES queue_host(host),
    label       TEXT NOT NULL,
    -- the tentacle as its host's inventory describes it (testbed.model.Tentacle as JSON)
    tentacle    TEXT NOT NULL,
    -- the firmware version the board reported when its host discovered it
    firmware    TEXT,
    -- the lease holding it; NULL when free
    lease_id    BIGINT
);

CREATE TABLE queue_session (
    session_id  TEXT PRIMARY KEY,
    coordinator TEXT NOT NULL,
    -- what every agent needs to run this session's runs as the coordinator would (count, flash flags, source)
    settings    TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE queue_lease (
    id          BIGSERIAL PRIMARY KEY,
    session_id  TEXT NOT NULL REFERENCES queue_session(session_id),
    testid      TEXT NOT NULL,
    host        TEXT NOT NULL,
    tentacles   TEXT NOT NULL,
    -- the TestRun as a ticket the agent rebuilds from its own inventory and test groups
    run         TEXT NOT NULL,
    -- assigned -> running -> done; assigned|running -> lost (reaper) ; assigned|running -> cancelled (coordinator)
    state       TEXT NOT NULL,
    epoch       BIGINT NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    assigned_at TIMESTAMPTZ NOT NULL,
    started_at  TIMESTAMPTZ,
    ended_at    TIMESTAMPTZ,
    -- the RunReport (outcome, attempts, firmware) and the attempt folders as a zip
    report      TEXT,
    archive     BYTEA,
    error       TEXT,
    -- the coordinator booked it into its session
    collected   BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE INDEX queue_lease_open ON queue_lease (host, state);
CREATE INDEX queue_lease_session ON queue_lease (session_id, collected);
