-- The impact preview replays stored assessments newest first by (created_at, id), a page at a time
-- after the last one read. This index serves both the time window of a preview and that order,
-- so each page is a short index range scan: ordered by id alone, a window of 100,000 records was
-- sorted again for every page, and the first page outlasted the statement timeout.
CREATE INDEX assessment_created_id ON assessment (created_at, id);
