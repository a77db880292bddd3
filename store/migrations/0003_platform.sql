-- The platform: organisations, people, sessions, the audit chain and
-- four-eyes approvals.
CREATE TABLE organisations (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
INSERT INTO organisations (id, name, kind, created_at) VALUES ('home', 'Home organisation', 'home', '2026-01-01T00:00:00.000000Z');

CREATE TABLE users (
    name          TEXT PRIMARY KEY,
    role          TEXT NOT NULL,
    org           TEXT NOT NULL REFERENCES organisations(id),
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    disabled_at   TEXT NOT NULL DEFAULT '',
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until  TEXT NOT NULL DEFAULT ''
);

-- Sessions are stored by the SHA-256 of their cookie value.
CREATE TABLE sessions (
    hash       TEXT PRIMARY KEY,
    user_name  TEXT NOT NULL REFERENCES users(name),
    csrf       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_name);

ALTER TABLE api_tokens ADD COLUMN org TEXT NOT NULL DEFAULT 'home';
ALTER TABLE api_tokens ADD COLUMN created_by TEXT NOT NULL DEFAULT '';

-- Append-only and hash-chained: each row holds the hash of the one before.
CREATE TABLE audit_events (
    seq        BIGINT PRIMARY KEY,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    actor_kind TEXT NOT NULL,
    role       TEXT NOT NULL,
    org        TEXT NOT NULL,
    action     TEXT NOT NULL,
    object     TEXT NOT NULL,
    reason     TEXT NOT NULL,
    request_id TEXT NOT NULL,
    detail     TEXT NOT NULL,
    prev       TEXT NOT NULL,
    hash       TEXT NOT NULL
);
CREATE INDEX audit_events_actor ON audit_events (actor, seq);
CREATE INDEX audit_events_action ON audit_events (action, seq);

CREATE TABLE approvals (
    id              BIGINT PRIMARY KEY,
    action          TEXT NOT NULL,
    object          TEXT NOT NULL,
    payload         TEXT NOT NULL,
    role            TEXT NOT NULL,
    status          TEXT NOT NULL,
    proposed_by     TEXT NOT NULL,
    proposed_at     TEXT NOT NULL,
    reason          TEXT NOT NULL,
    decided_by      TEXT NOT NULL DEFAULT '',
    decided_at      TEXT NOT NULL DEFAULT '',
    decision_reason TEXT NOT NULL DEFAULT ''
);

-- The newest event's sequence number and hash, written with each event, so
-- that removing events from the end of the chain shows too.
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY,
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');
