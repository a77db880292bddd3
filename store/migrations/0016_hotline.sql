-- The hotline: escalation policies, rotations, endpoints and triggers (the
-- configuration, kept as JSON in data where nothing selects on it), the
-- contact methods people verify, and the engine's state: alerts (which step
-- fires next, in which round, when), the notifications each step creates
-- (one per destination), the signed links used, the hotline log and the
-- cursor over domain events. Optional times are '' when unset.
CREATE TABLE hotline_policies (
    id         BIGINT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    data       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE hotline_rotations (
    id         BIGINT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    data       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Endpoints: secrets are columns, never in data that is shown.
CREATE TABLE hotline_endpoints (
    id          BIGINT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    org         TEXT NOT NULL DEFAULT '',
    channel     TEXT NOT NULL,
    address     TEXT NOT NULL,
    format      TEXT NOT NULL DEFAULT '',
    secret      TEXT NOT NULL DEFAULT '',
    next_secret TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
);

CREATE TABLE hotline_triggers (
    id         BIGINT PRIMARY KEY,
    event      TEXT NOT NULL,
    severity   TEXT NOT NULL,
    policy     BIGINT NOT NULL REFERENCES hotline_policies(id),
    min_amount TEXT NOT NULL DEFAULT '[]',
    enabled    BOOLEAN NOT NULL,
    created_at TEXT NOT NULL
);

-- Contact methods: the verification code is kept only as a hash.
CREATE TABLE contact_methods (
    id           BIGINT PRIMARY KEY,
    person       TEXT NOT NULL,
    channel      TEXT NOT NULL,
    address      TEXT NOT NULL,
    format       TEXT NOT NULL DEFAULT '',
    delay_ms     BIGINT NOT NULL DEFAULT 0,
    events       TEXT NOT NULL DEFAULT '[]',
    verified_at  TEXT NOT NULL DEFAULT '',
    code_hash    TEXT NOT NULL DEFAULT '',
    code_expires TEXT NOT NULL DEFAULT '',
    code_tries   INTEGER NOT NULL DEFAULT 0,
    codes_sent   INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL
);
CREATE INDEX contact_methods_person ON contact_methods (person);

-- Alerts: step and round say what fires next, next_at when ('' once
-- nothing is due); fired counts the steps fired, by the engine or by hand.
CREATE TABLE hotline_alerts (
    id          BIGINT PRIMARY KEY,
    summary     TEXT NOT NULL,
    details     TEXT NOT NULL DEFAULT '',
    severity    TEXT NOT NULL,
    policy      BIGINT NOT NULL REFERENCES hotline_policies(id),
    source      TEXT NOT NULL,
    object      TEXT NOT NULL DEFAULT '',
    dedup_key   TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL,
    step        INTEGER NOT NULL,
    round       INTEGER NOT NULL,
    fired       INTEGER NOT NULL DEFAULT 0,
    next_at     TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    acked_by    TEXT NOT NULL DEFAULT '',
    acked_at    TEXT NOT NULL DEFAULT '',
    resolved_by TEXT NOT NULL DEFAULT '',
    resolved_at TEXT NOT NULL DEFAULT ''
);
CREATE INDEX hotline_alerts_due ON hotline_alerts (status, next_at);
CREATE INDEX hotline_alerts_object ON hotline_alerts (object);
-- One open (triggered or acknowledged) alert per dedup key: a second
-- raise finds the first. Suppressed alerts are left out, so that the same
-- key raised after a suppression window escalates.
CREATE UNIQUE INDEX hotline_alerts_dedup ON hotline_alerts (dedup_key) WHERE dedup_key <> '' AND status IN ('triggered', 'acknowledged');

-- Notifications: one per destination per fire of a step (alert 0: a
-- verification code or a subscribed domain event, with its text in
-- subject and body). claimed_until keeps two nodes from sending one
-- notification at the same time.
CREATE TABLE hotline_notifications (
    id            BIGINT PRIMARY KEY,
    alert         BIGINT NOT NULL DEFAULT 0,
    step          INTEGER NOT NULL DEFAULT 0,
    round         INTEGER NOT NULL DEFAULT 0,
    fire          INTEGER NOT NULL DEFAULT 0,
    destination   TEXT NOT NULL,
    kind          TEXT NOT NULL,
    person        TEXT NOT NULL DEFAULT '',
    method        BIGINT NOT NULL DEFAULT 0,
    endpoint      BIGINT NOT NULL DEFAULT 0,
    channel       TEXT NOT NULL,
    address       TEXT NOT NULL,
    format        TEXT NOT NULL DEFAULT '',
    subject       TEXT NOT NULL DEFAULT '',
    body          TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    due_at        TEXT NOT NULL,
    claimed_until TEXT NOT NULL DEFAULT '',
    delivered_at  TEXT NOT NULL DEFAULT '',
    last_error    TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL
);
CREATE UNIQUE INDEX hotline_notifications_once ON hotline_notifications (alert, step, round, fire, destination);
CREATE INDEX hotline_notifications_due ON hotline_notifications (status, due_at);

-- Signed links used: each (notification, action) once.
CREATE TABLE hotline_links (
    notification BIGINT NOT NULL,
    action       TEXT NOT NULL,
    token_hash   TEXT NOT NULL,
    used_by      TEXT NOT NULL,
    used_at      TEXT NOT NULL,
    PRIMARY KEY (notification, action)
);

CREATE TABLE hotline_log (
    id           BIGINT PRIMARY KEY,
    at           TEXT NOT NULL,
    alert        BIGINT NOT NULL DEFAULT 0,
    notification BIGINT NOT NULL DEFAULT 0,
    kind         TEXT NOT NULL,
    actor        TEXT NOT NULL DEFAULT '',
    detail       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX hotline_log_alert ON hotline_log (alert, id);

-- How far the hotline has read the domain events.
CREATE TABLE hotline_cursor (
    name  TEXT PRIMARY KEY,
    event BIGINT NOT NULL
);
INSERT INTO hotline_cursor (name, event) VALUES ('events', 0);
