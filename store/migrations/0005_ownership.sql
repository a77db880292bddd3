-- Ownership recorded by people: owner (a listed party, "entity:<id>", or a
-- company, "company:<normalised name>") holds percent_bp hundredths of a
-- percent of the company owned (normalised name).
CREATE TABLE ownership (
    owner       TEXT NOT NULL,
    owned       TEXT NOT NULL,
    owned_name  TEXT NOT NULL,
    percent_bp  BIGINT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (owner, owned)
);
CREATE INDEX ownership_owned ON ownership (owned);
