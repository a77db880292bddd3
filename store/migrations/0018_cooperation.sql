-- Cooperation: requests for information and assistance between the
-- authority and its counterparts. The request itself is kept as JSON in
-- data; the columns are its clock and what lists and scorecards select
-- on. Times are UTC text in the store's layout, '' when unset; business
-- seconds are -1 until the moment they measure has come.
CREATE TABLE requests (
    id                   BIGINT PRIMARY KEY,
    reference            TEXT NOT NULL,
    direction            TEXT NOT NULL,
    counterpart          TEXT NOT NULL,
    status               TEXT NOT NULL,
    priority             TEXT NOT NULL,
    type                 TEXT NOT NULL,
    priority_case        INTEGER NOT NULL DEFAULT 0,
    sent_at              TEXT NOT NULL DEFAULT '',
    acknowledged_at      TEXT NOT NULL DEFAULT '',
    first_answer_at      TEXT NOT NULL DEFAULT '',
    answered_at          TEXT NOT NULL DEFAULT '',
    closed_at            TEXT NOT NULL DEFAULT '',
    ack_due              TEXT NOT NULL DEFAULT '',
    answer_due           TEXT NOT NULL DEFAULT '',
    answer_due_original  TEXT NOT NULL DEFAULT '',
    ack_business_secs    BIGINT NOT NULL DEFAULT -1,
    answer_business_secs BIGINT NOT NULL DEFAULT -1,
    refusal_reason       TEXT NOT NULL DEFAULT '',
    -- The deadline sweep's marks: each deadline event is written once.
    ack_warned           INTEGER NOT NULL DEFAULT 0,
    ack_missed           INTEGER NOT NULL DEFAULT 0,
    answer_warned        INTEGER NOT NULL DEFAULT 0,
    answer_missed        INTEGER NOT NULL DEFAULT 0,
    data                 TEXT NOT NULL,
    created_by           TEXT NOT NULL,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
);
-- A reference is unique among one counterpart's requests in one
-- direction: a counterpart cannot learn of, nor take, another's.
CREATE UNIQUE INDEX requests_reference ON requests (counterpart, direction, reference);
CREATE INDEX requests_counterpart ON requests (counterpart, sent_at);
CREATE INDEX requests_status ON requests (status, id);
CREATE INDEX requests_sent ON requests (sent_at);

-- The thread: messages and their attachments (bytes checked for type and
-- size, with their SHA-256).
CREATE TABLE request_messages (
    id         BIGINT PRIMARY KEY,
    request    BIGINT NOT NULL REFERENCES requests(id),
    kind       TEXT NOT NULL,
    answer     TEXT NOT NULL DEFAULT '',
    body       TEXT NOT NULL,
    author     TEXT NOT NULL,
    org        TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX request_messages_request ON request_messages (request, id);

CREATE TABLE request_attachments (
    id         BIGINT PRIMARY KEY,
    request    BIGINT NOT NULL REFERENCES requests(id),
    message    BIGINT NOT NULL REFERENCES request_messages(id),
    name       TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size       BIGINT NOT NULL,
    sha256     TEXT NOT NULL,
    data       BYTEA NOT NULL,
    added_by   TEXT NOT NULL,
    added_at   TEXT NOT NULL
);
CREATE INDEX request_attachments_message ON request_attachments (message);

CREATE TABLE request_extensions (
    id         BIGINT PRIMARY KEY,
    request    BIGINT NOT NULL REFERENCES requests(id),
    until_at   TEXT NOT NULL,
    reason     TEXT NOT NULL,
    status     TEXT NOT NULL,
    asked_by   TEXT NOT NULL,
    asked_at   TEXT NOT NULL,
    decided_by TEXT NOT NULL DEFAULT '',
    decided_at TEXT NOT NULL DEFAULT '',
    decision   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX request_extensions_request ON request_extensions (request, id);

-- Reviews: the requester's rating of an answer on the rubric, and the
-- counterpart's response.
CREATE TABLE request_reviews (
    id            BIGINT PRIMARY KEY,
    request       BIGINT NOT NULL REFERENCES requests(id),
    message       BIGINT NOT NULL UNIQUE REFERENCES request_messages(id),
    completeness  INTEGER NOT NULL,
    accuracy      INTEGER NOT NULL,
    actionability INTEGER NOT NULL,
    updates       INTEGER NOT NULL,
    comments      TEXT NOT NULL DEFAULT '',
    use_made      TEXT NOT NULL,
    reviewed_by   TEXT NOT NULL,
    reviewed_at   TEXT NOT NULL,
    response      TEXT NOT NULL DEFAULT '',
    responded_by  TEXT NOT NULL DEFAULT '',
    responded_at  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX request_reviews_request ON request_reviews (request);

CREATE TABLE request_referrals (
    id           BIGINT PRIMARY KEY,
    request      BIGINT NOT NULL REFERENCES requests(id),
    ground       TEXT NOT NULL,
    reason       TEXT NOT NULL,
    designations TEXT NOT NULL, -- JSON array of designation ids
    referred_by  TEXT NOT NULL,
    referred_at  TEXT NOT NULL
);
-- A request is referred once on each ground.
CREATE UNIQUE INDEX request_referrals_request ON request_referrals (request, ground);

-- An organisation's business calendar (its time zone, country and office
-- hours; '' when it has none): the deadlines of the requests it is asked
-- are counted in it.
ALTER TABLE organisations ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN country TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN office_hours TEXT NOT NULL DEFAULT '';

-- An organisation's own closures, besides its country's public holidays.
-- A request counts the closures in force when it was sent (added before,
-- not removed by then), so a removed one is kept with its removed_at.
CREATE TABLE org_closures (
    id         BIGINT PRIMARY KEY,
    org        TEXT NOT NULL,
    day        TEXT NOT NULL, -- YYYY-MM-DD
    reason     TEXT NOT NULL DEFAULT '',
    added_at   TEXT NOT NULL,
    removed_at TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX org_closures_day ON org_closures (org, day) WHERE removed_at = '';
CREATE INDEX org_closures_org ON org_closures (org, added_at);

-- Dialogues held with a counterpart: a scorecard can run "since the last
-- dialogue".
CREATE TABLE dialogues (
    id       BIGINT PRIMARY KEY,
    org      TEXT NOT NULL,
    held_on  TEXT NOT NULL, -- YYYY-MM-DD
    notes    TEXT NOT NULL DEFAULT '',
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL
);
CREATE INDEX dialogues_org ON dialogues (org, held_on);

-- Cooperation settings an administrator changes: the priority table and
-- the referral thresholds, as JSON under a key.
CREATE TABLE cooperation_settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- A request's timeline is its domain events.
CREATE INDEX events_object ON events (object, id);
