-- Intelligence settings, as text under a key. 'identity' is the STIX id
-- of this installation's identity (identity--UUIDv4, drawn once), the
-- created_by_ref of every object Warden writes, so that partners tell two
-- Wardens' objects apart; the identity object itself is stored in
-- intel_objects in the same transaction as the setting. Objects written
-- before keep the created_by_ref they have.
CREATE TABLE intel_settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
