-- The list versions whose CYBER-program parties' e-mail addresses,
-- websites and digital currency addresses were made indicators
-- (intel.SyncListIndicators): a list is done again only when its current
-- version moved.
CREATE TABLE intel_list_indicators (
    list    TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    done_at TEXT NOT NULL
);
