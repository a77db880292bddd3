-- The customer register. Each customer's onboarding decision, hits and
-- cases are kept as a screened "transaction" under the reference
-- customer:<id>, so the review queue and its decisions serve both.
CREATE TABLE customers (
    id         TEXT PRIMARY KEY,
    reference  TEXT NOT NULL REFERENCES transactions(reference),
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
