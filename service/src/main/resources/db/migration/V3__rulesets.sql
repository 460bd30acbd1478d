-- Every ruleset that was ever activated, by revision (the digest of its files), with its files:
-- any instance can re-evaluate a stored verdict under the very rules that decided it, for as
-- long as the row is kept. Rows are written once, never updated.
CREATE TABLE ruleset_revision (
    revision     VARCHAR(80)              NOT NULL PRIMARY KEY,
    version      VARCHAR(80)              NOT NULL,
    source       VARCHAR(1000)            NOT NULL,
    stored_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    files_json   TEXT                     NOT NULL
);

-- Every activation and refusal of a ruleset: what auditors read to prove which ruleset decided
-- when, and what officers read to learn why an edit was refused.
CREATE TABLE ruleset_event (
    id                UUID                     NOT NULL PRIMARY KEY,
    occurred_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    revision          VARCHAR(80),
    version           VARCHAR(80),
    source            VARCHAR(1000)            NOT NULL,
    cause             VARCHAR(16)              NOT NULL,
    outcome           VARCHAR(16)              NOT NULL,
    rule_count        INTEGER,
    fixture_count     INTEGER,
    error_count       INTEGER                  NOT NULL,
    diagnostics_json  TEXT                     NOT NULL
);

CREATE INDEX ruleset_event_occurred ON ruleset_event (occurred_at, id);
