-- Enforcement: screened payments (one row per client reference), cases,
-- the append-only blocked-property ledger, licences and remembered false
-- positives.
CREATE TABLE transactions (
    reference  TEXT PRIMARY KEY,
    body_hash  TEXT NOT NULL,
    decision   TEXT NOT NULL,
    status     TEXT NOT NULL,
    response   TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE cases (
    id           BIGINT PRIMARY KEY,
    reference    TEXT NOT NULL REFERENCES transactions(reference),
    party        BIGINT NOT NULL,
    counterparty TEXT NOT NULL,
    name         TEXT NOT NULL,
    holder       TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    entity_hash  TEXT NOT NULL,
    programs     TEXT NOT NULL,
    score        DOUBLE PRECISION NOT NULL,
    status       TEXT NOT NULL,
    outcome      TEXT NOT NULL DEFAULT '',
    reason       TEXT NOT NULL DEFAULT '',
    decided_by   TEXT NOT NULL DEFAULT '',
    decided_at   TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL
);
CREATE INDEX cases_status ON cases (status, id);
CREATE INDEX cases_reference ON cases (reference);

CREATE TABLE ledger (
    seq        BIGINT PRIMARY KEY,
    kind       TEXT NOT NULL,
    holder     TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    program    TEXT NOT NULL,
    currency   TEXT NOT NULL,
    minor      BIGINT NOT NULL,
    reference  TEXT NOT NULL,
    hit        TEXT NOT NULL,
    licence    TEXT NOT NULL,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL
);
CREATE INDEX ledger_entity ON ledger (entity_id, seq);
CREATE INDEX ledger_reference ON ledger (reference);

CREATE TABLE licences (
    number     TEXT PRIMARY KEY,
    issuer     TEXT NOT NULL,
    kind       TEXT NOT NULL,
    programs   TEXT NOT NULL,
    entities   TEXT NOT NULL,
    expires    TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- A cleared false positive: this counterparty is not this listed party, as
-- long as the listing is unchanged (entity_hash) and until expires_at.
CREATE TABLE false_positives (
    counterparty TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    entity_hash  TEXT NOT NULL,
    case_id      BIGINT NOT NULL,
    expires_at   TEXT NOT NULL,
    PRIMARY KEY (counterparty, entity_id)
);
