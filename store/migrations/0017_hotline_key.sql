-- The key that signs the hotline's one-time links, drawn once by the first
-- node to need it, so that every node on the database signs and checks the
-- same links and links outlive restarts.
CREATE TABLE hotline_keys (
    name       TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    created_at TEXT NOT NULL
);
