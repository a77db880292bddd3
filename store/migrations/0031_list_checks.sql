-- List checks (store/lists.go, docs/lists.md): an import whose files held
-- a list's current version exactly stores no empty version but a check,
-- so that freshness tells a list that did not change from one nobody
-- looked at. published is the list date the files (or --list-date)
-- stated; a check's date newer than its version's is the list's date.
CREATE TABLE list_checks (
    list       TEXT NOT NULL REFERENCES lists(name),
    version    BIGINT NOT NULL,
    format     TEXT NOT NULL,
    published  TEXT NOT NULL DEFAULT '',
    checked_at TEXT NOT NULL,
    warnings   BIGINT NOT NULL,
    actor      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX list_checks_list ON list_checks (list, version, checked_at);
