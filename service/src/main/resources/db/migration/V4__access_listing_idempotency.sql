-- API keys: only the SHA-256 of each key is kept; the key itself is shown once, when created.
-- Rows are never deleted: a revoked key keeps its record for the audit trail.
CREATE TABLE api_key (
    id          UUID                     NOT NULL PRIMARY KEY,
    name        VARCHAR(200)             NOT NULL,
    roles       VARCHAR(100)             NOT NULL,
    key_prefix  VARCHAR(20)              NOT NULL,
    key_hash    VARCHAR(64)              NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    created_by  VARCHAR(200)             NOT NULL,
    revoked_at  TIMESTAMP WITH TIME ZONE
);
CREATE UNIQUE INDEX api_key_hash ON api_key (key_hash);

-- What listings filter on, written with each record in the same transaction.
CREATE TABLE assessment_product (
    assessment_id  UUID         NOT NULL REFERENCES assessment (id),
    product_index  INTEGER      NOT NULL,
    product_id     VARCHAR(200) NOT NULL,
    PRIMARY KEY (assessment_id, product_index)
);
CREATE INDEX assessment_product_id ON assessment_product (product_id, assessment_id);

CREATE TABLE assessment_failure (
    assessment_id      UUID        NOT NULL REFERENCES assessment (id),
    recommendation_id  VARCHAR(16) NOT NULL,
    PRIMARY KEY (assessment_id, recommendation_id)
);
CREATE INDEX assessment_failure_recommendation ON assessment_failure (recommendation_id, assessment_id);

ALTER TABLE sharing_review ADD COLUMN organization_id VARCHAR(200);

CREATE TABLE sharing_review_failure (
    sharing_review_id  UUID        NOT NULL REFERENCES sharing_review (id),
    recommendation_id  VARCHAR(16) NOT NULL,
    PRIMARY KEY (sharing_review_id, recommendation_id)
);
CREATE INDEX sharing_review_failure_recommendation ON sharing_review_failure (recommendation_id, sharing_review_id);

-- Listings page by id (UUID version 7: time-ordered), newest first, within each filter.
CREATE INDEX assessment_caller ON assessment (caller, id);
CREATE INDEX assessment_organization_id ON assessment (organization_id, id);
CREATE INDEX assessment_revision ON assessment (ruleset_revision, id);
CREATE INDEX assessment_outcome ON assessment (overall_outcome, id);
CREATE INDEX sharing_review_caller ON sharing_review (caller, id);
CREATE INDEX sharing_review_organization_id ON sharing_review (organization_id, id);
CREATE INDEX sharing_review_revision ON sharing_review (ruleset_revision, id);

-- Idempotency-Key: per caller and operation, which record a key created and the digest of the
-- body it came with. Written in the same transaction as the record.
CREATE TABLE idempotency_key (
    caller           VARCHAR(200)             NOT NULL,
    operation        VARCHAR(40)              NOT NULL,
    idempotency_key  VARCHAR(200)             NOT NULL,
    request_digest   VARCHAR(80)              NOT NULL,
    resource_id      UUID                     NOT NULL,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (caller, operation, idempotency_key)
);
