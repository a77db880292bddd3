-- Evidence of searches: one row per screening (a batch is one row), with
-- what was asked and found as JSON in data (its items, list versions and
-- best hits); the columns are what the lists select and page on. names
-- is the first screened names in lower case, for a search by name.
-- best_score is in thousandths.
CREATE TABLE screenings (
    id         BIGINT PRIMARY KEY,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    actor_kind TEXT NOT NULL,
    role       TEXT NOT NULL,
    channel    TEXT NOT NULL,
    queries    INTEGER NOT NULL,
    hits       INTEGER NOT NULL,
    matches    INTEGER NOT NULL,
    best_score INTEGER NOT NULL,
    names      TEXT NOT NULL,
    digest     TEXT NOT NULL,
    data       TEXT NOT NULL
);
CREATE INDEX screenings_actor ON screenings (actor, id);
CREATE INDEX screenings_at ON screenings (at);

-- Reports marked as filed with the regulator: one row per report (kind
-- initial, annual or rejected; subject the payment reference, or the
-- year of an annual report), who filed it, when, and the regulator's
-- reference. Marking again replaces it (audited).
CREATE TABLE report_filings (
    kind      TEXT NOT NULL,
    subject   TEXT NOT NULL,
    reference TEXT NOT NULL,
    note      TEXT NOT NULL,
    filed_by  TEXT NOT NULL,
    filed_at  TEXT NOT NULL,
    PRIMARY KEY (kind, subject)
);
