-- Self-assessment drafts (issue 19): the answers of a console questionnaire, saved before they are
-- submitted so that an SME can come back to them. A draft belongs to the credentials that saved it
-- (owner: the caller's id) and only they read, replace or delete it. It is not a record and decides
-- nothing: submitting it creates an assessment through the service POST /v1/assessments calls, and
-- deletes the draft. The answers are the form's fields as JSON ({"field": ["value", ...]}).
CREATE TABLE assessment_draft (
    id            UUID                     NOT NULL PRIMARY KEY,
    owner         VARCHAR(200)             NOT NULL,
    saved_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    label         VARCHAR(800)             NOT NULL,
    answers_json  TEXT                     NOT NULL
);

CREATE INDEX assessment_draft_owner ON assessment_draft (owner, saved_at);
