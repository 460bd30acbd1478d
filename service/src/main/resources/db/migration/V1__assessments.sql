-- Every assessment, stored before its response is sent. Rows are written once, never updated.
CREATE TABLE assessment (
    id               UUID                     NOT NULL PRIMARY KEY,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    caller           VARCHAR(200)             NOT NULL,
    organization_id  VARCHAR(200),
    overall_outcome  VARCHAR(20)              NOT NULL,
    ruleset_revision VARCHAR(80)              NOT NULL,
    ruleset_version  VARCHAR(80)              NOT NULL,
    locale           VARCHAR(10)              NOT NULL,
    request_json     TEXT                     NOT NULL,
    verdict_json     TEXT                     NOT NULL
);

CREATE INDEX assessment_organization ON assessment (organization_id, created_at);
CREATE INDEX assessment_created ON assessment (created_at);
