-- Tentacles a person took out of the lab by hand (testbed lab disable --queue): no coordinator hands them a run.
CREATE TABLE queue_disabled (
    serial      TEXT PRIMARY KEY,
    label       TEXT NOT NULL,
    by_user     TEXT NOT NULL,
    at          TEXT NOT NULL,
    reason      TEXT NOT NULL
);
