-- Waivers (issue 18). A waiver's request is written once and never changed; what happens to it
-- afterwards is a row of its own in waiver_event, never an update: an auditor reads exactly who
-- asked, who approved and who revoked, when. Expiry is a fact of time, read from expires_at (the
-- end of expires_on in time_zone when the expiry was given as a date), and needs no row.
-- The contract counts the free texts in characters (code points); H2 counts a VARCHAR in UTF-16
-- units, two for a character outside the BMP, so those columns hold twice the contract's maxLength.
CREATE TABLE waiver (
    id                 UUID                     NOT NULL PRIMARY KEY,
    requested_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    requested_by       VARCHAR(200)             NOT NULL,
    organization_id    VARCHAR(200)             NOT NULL,
    product_id         VARCHAR(200),
    recommendation_id  VARCHAR(16),
    measure            VARCHAR(16),
    justification      VARCHAR(4000)            NOT NULL,
    evidence           VARCHAR(2000)            NOT NULL,
    starts_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_on         DATE,
    time_zone          VARCHAR(64),
    CHECK ((recommendation_id IS NULL) <> (measure IS NULL)),
    CHECK (expires_at > starts_at)
);

-- Listings page by id (UUID version 7: time-ordered), newest first, within each filter; evaluations
-- read the waivers of one organization.
CREATE INDEX waiver_organization ON waiver (organization_id, id);
CREATE INDEX waiver_requester ON waiver (requested_by, id);

-- APPROVED and REVOKED, each at most once per waiver (the key): of two risk owners approving at
-- the same moment, one records the approval and the other is told it is approved already.
CREATE TABLE waiver_event (
    waiver_id    UUID                     NOT NULL REFERENCES waiver (id),
    event_type   VARCHAR(16)              NOT NULL,
    occurred_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    actor        VARCHAR(200)             NOT NULL,
    note         VARCHAR(4000),
    PRIMARY KEY (waiver_id, event_type)
);
