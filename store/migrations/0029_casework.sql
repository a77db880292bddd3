-- Case work: the review queue filtered, sorted, searched and paged;
-- assignment and claiming; a second review of high-scoring clearings;
-- notes, attachments and a history per case (store/cases.go).
ALTER TABLE cases ADD COLUMN assignee TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN assigned_at TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN source TEXT NOT NULL DEFAULT 'payment';
ALTER TABLE cases ADD COLUMN list TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN listed_name TEXT NOT NULL DEFAULT '';
-- search: the screened name, reference, listed party's id and name in
-- lower case, where the queue's search looks.
ALTER TABLE cases ADD COLUMN search TEXT NOT NULL DEFAULT '';
-- The screened party as screened (JSON), shown beside the listed one.
ALTER TABLE cases ADD COLUMN screened TEXT NOT NULL DEFAULT '';
-- A first analyst's clearing, waiting for a second review.
ALTER TABLE cases ADD COLUMN cleared_by TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN clear_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN cleared_at TEXT NOT NULL DEFAULT '';

UPDATE cases SET source = 'customer' WHERE reference LIKE 'customer:%';
UPDATE cases SET list = COALESCE((SELECT name FROM lists WHERE cases.entity_id LIKE lists.name || ':%' ORDER BY length(name) DESC LIMIT 1), '');
UPDATE cases SET search = lower(name || ' ' || reference || ' ' || entity_id);

-- The programs of each case's listed party, one row each, so that the
-- program filter is an index lookup rather than a scan of every case's
-- comma-separated programs.
CREATE TABLE case_programs (
    case_id BIGINT NOT NULL,
    program TEXT NOT NULL,
    PRIMARY KEY (case_id, program)
);
CREATE INDEX case_programs_program ON case_programs (program, case_id);

-- Split the programs of the cases there are, a character at a time (the
-- functions both SQLite and PostgreSQL have).
WITH RECURSIVE split (id, acc, rest, done) AS (
    SELECT id, CAST('' AS TEXT), CAST(programs || ',' AS TEXT), CAST('' AS TEXT) FROM cases WHERE programs <> ''
    UNION ALL
    SELECT id,
        CASE WHEN substr(rest, 1, 1) = ',' THEN '' ELSE acc || substr(rest, 1, 1) END,
        substr(rest, 2),
        CASE WHEN substr(rest, 1, 1) = ',' THEN acc ELSE '' END
    FROM split WHERE rest <> ''
)
INSERT INTO case_programs (case_id, program) SELECT DISTINCT id, done FROM split WHERE done <> '';

-- The indexes of the queue's filters, each followed by the default order
-- (opened, oldest first).
CREATE INDEX cases_opened ON cases (status, created_at, id);
CREATE INDEX cases_assignee ON cases (assignee, status, created_at);
CREATE INDEX cases_source ON cases (source, status, created_at);
CREATE INDEX cases_list ON cases (list, status, created_at);
CREATE INDEX cases_score ON cases (status, score);
CREATE INDEX cases_entity ON cases (entity_id);
CREATE INDEX false_positives_case ON false_positives (case_id);

-- Every step of every case, in order.
CREATE TABLE case_history (
    seq     BIGINT PRIMARY KEY,
    case_id BIGINT NOT NULL,
    at      TEXT NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    detail  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX case_history_case ON case_history (case_id, seq);

CREATE TABLE case_notes (
    id       BIGINT PRIMARY KEY,
    case_id  BIGINT NOT NULL,
    text     TEXT NOT NULL,
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL
);
CREATE INDEX case_notes_case ON case_notes (case_id, id);

-- Files attached to cases, checked for type and size, with their SHA-256.
CREATE TABLE case_attachments (
    id         BIGINT PRIMARY KEY,
    case_id    BIGINT NOT NULL,
    name       TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size       BIGINT NOT NULL,
    sha256     TEXT NOT NULL,
    data       BYTEA NOT NULL,
    added_by   TEXT NOT NULL,
    added_at   TEXT NOT NULL
);
CREATE INDEX case_attachments_case ON case_attachments (case_id, id);
