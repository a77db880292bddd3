-- Customers are screened again when the lists change: latest holds the
-- last re-screening's decision that changed a customer (JSON, '' if none),
-- rescreens the list versions each full re-screening covered.
ALTER TABLE customers ADD COLUMN latest TEXT NOT NULL DEFAULT '';

CREATE TABLE rescreens (
    versions  TEXT PRIMARY KEY,
    customers BIGINT NOT NULL,
    changed   BIGINT NOT NULL,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL
);
