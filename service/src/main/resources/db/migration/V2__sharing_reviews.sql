-- Every sharing review, stored before its response is sent. The victim profile is never stored:
-- the request and the review are kept with whatever the profile matched masked, and the digest
-- of the original request (without the profile) lets an auditor who holds it prove it was this one.
CREATE TABLE sharing_review (
    id                       UUID                     NOT NULL PRIMARY KEY,
    created_at               TIMESTAMP WITH TIME ZONE NOT NULL,
    caller                   VARCHAR(200)             NOT NULL,
    decision                 VARCHAR(30)              NOT NULL,
    overall_outcome          VARCHAR(20)              NOT NULL,
    tlp                      VARCHAR(20)              NOT NULL,
    input_kind               VARCHAR(20)              NOT NULL,
    input_digest             VARCHAR(80)              NOT NULL,
    victim_profile_provided  BOOLEAN                  NOT NULL,
    ruleset_revision         VARCHAR(80)              NOT NULL,
    ruleset_version          VARCHAR(80)              NOT NULL,
    locale                   VARCHAR(10)              NOT NULL,
    request_json             TEXT                     NOT NULL,
    review_json              TEXT                     NOT NULL
);

CREATE INDEX sharing_review_created ON sharing_review (created_at);
