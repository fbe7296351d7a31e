-- testbed history, one schema for SQLite and PostgreSQL (portable types only).
-- The seed's model: a SUT group per board-variant + firmware identity, sessions, runs (RerunTestGroup), attempts,
-- results and measurements. Times are ISO-8601 UTC strings: they sort correctly in both databases.

CREATE TABLE sut_group (
    id        VARCHAR(500) PRIMARY KEY,
    board     VARCHAR(100) NOT NULL,
    variant   VARCHAR(100) NOT NULL,
    firmware  VARCHAR(400) NOT NULL
);

CREATE TABLE test_session (
    id            VARCHAR(64) PRIMARY KEY,
    lab           VARCHAR(200) NOT NULL,
    host          VARCHAR(200) NOT NULL,
    user_name     VARCHAR(100) NOT NULL,
    trigger_kind  VARCHAR(50)  NOT NULL,
    command_line  TEXT         NOT NULL,
    firmware_ref  TEXT         NOT NULL,
    tests_ref     TEXT         NOT NULL,
    time_start    VARCHAR(40)  NOT NULL,
    time_end      VARCHAR(40)  NOT NULL,
    duration_s    DOUBLE PRECISION NOT NULL,
    status        VARCHAR(30)  NOT NULL,
    verdict       VARCHAR(30)  NOT NULL
);

CREATE TABLE test_run (
    id          VARCHAR(500) PRIMARY KEY,
    session_id  VARCHAR(64)  NOT NULL REFERENCES test_session(id),
    sut_id      VARCHAR(500) NOT NULL REFERENCES sut_group(id),
    testid      VARCHAR(300) NOT NULL,
    testgroup   VARCHAR(200) NOT NULL,
    tentacle    VARCHAR(200) NOT NULL,
    reference   VARCHAR(200) NOT NULL,
    role        VARCHAR(20)  NOT NULL,
    outcome     VARCHAR(20)  NOT NULL,
    time_start  VARCHAR(40)  NOT NULL,
    duration_s  DOUBLE PRECISION NOT NULL
);

CREATE TABLE attempt (
    id          VARCHAR(520) PRIMARY KEY,
    run_id      VARCHAR(500) NOT NULL REFERENCES test_run(id),
    letter      VARCHAR(4)   NOT NULL,
    status      VARCHAR(30)  NOT NULL,
    error       TEXT         NOT NULL,
    directory   VARCHAR(500) NOT NULL,
    time_start  VARCHAR(40)  NOT NULL,
    duration_s  DOUBLE PRECISION NOT NULL
);

CREATE TABLE test_result (
    attempt_id  VARCHAR(520) NOT NULL REFERENCES attempt(id),
    name        VARCHAR(400) NOT NULL,
    outcome     VARCHAR(20)  NOT NULL,
    duration_s  DOUBLE PRECISION NOT NULL,
    reason      TEXT         NOT NULL,
    PRIMARY KEY (attempt_id, name)
);

CREATE TABLE measurement (
    attempt_id  VARCHAR(520) NOT NULL REFERENCES attempt(id),
    name        VARCHAR(400) NOT NULL,
    value       DOUBLE PRECISION NOT NULL,
    unit        VARCHAR(20)  NOT NULL,
    PRIMARY KEY (attempt_id, name)
);

CREATE INDEX idx_run_session ON test_run(session_id);
CREATE INDEX idx_attempt_run ON attempt(run_id);
