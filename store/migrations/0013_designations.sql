-- Designations: the authority's own proposals to designate, amend or
-- delist a party, decided by a second officer and published as versions of
-- its own list. The designation itself is kept as JSON in data; the
-- columns are what the workflow selects on.
CREATE TABLE designations (
    id         BIGINT PRIMARY KEY,
    status     TEXT NOT NULL,
    kind       TEXT NOT NULL,
    party      TEXT NOT NULL, -- the party's source id on the authority's list
    publish_at TEXT NOT NULL DEFAULT '', -- '' publishes on approval
    version    INTEGER NOT NULL DEFAULT 0,
    approval   BIGINT NOT NULL DEFAULT 0,
    data       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX designations_status ON designations (status, publish_at);
CREATE INDEX designations_party ON designations (party);

-- Evidence files: their bytes, checked for type and size, with their
-- SHA-256.
CREATE TABLE designation_evidence (
    id          BIGINT PRIMARY KEY,
    designation BIGINT NOT NULL REFERENCES designations(id),
    name        TEXT NOT NULL,
    media_type  TEXT NOT NULL,
    size        BIGINT NOT NULL,
    sha256      TEXT NOT NULL,
    data        BYTEA NOT NULL,
    added_by    TEXT NOT NULL,
    added_at    TEXT NOT NULL
);
CREATE INDEX designation_evidence_designation ON designation_evidence (designation);

-- Domain events: a state change (designation.published, case.flagged)
-- written in the transaction of the change, for other capabilities to
-- react to.
CREATE TABLE events (
    id         BIGINT PRIMARY KEY,
    type       TEXT NOT NULL,
    object     TEXT NOT NULL,
    payload    TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX events_type ON events (type, id);

-- A delisting closes no case: it flags the open ones on the party for
-- review.
ALTER TABLE cases ADD COLUMN review_flag TEXT NOT NULL DEFAULT '';
