-- Lists, their versions, and every version of every listed party.
-- An entity row is valid from version_from up to (not including) version_to;
-- rows are never changed except to close that interval when a later version
-- modifies or removes the party.
CREATE TABLE lists (
    name            TEXT PRIMARY KEY,
    current_version BIGINT NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL
);

CREATE TABLE list_versions (
    list           TEXT NOT NULL REFERENCES lists(name),
    version        BIGINT NOT NULL,
    format         TEXT NOT NULL,
    published      TEXT NOT NULL DEFAULT '',
    imported_at    TEXT NOT NULL,
    entities       BIGINT NOT NULL,
    added          BIGINT NOT NULL,
    modified       BIGINT NOT NULL,
    removed        BIGINT NOT NULL,
    warnings       BIGINT NOT NULL,
    warning_sample TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (list, version)
);

CREATE TABLE entity_versions (
    list         TEXT NOT NULL,
    source_id    TEXT NOT NULL,
    version_from BIGINT NOT NULL,
    version_to   BIGINT,
    hash         TEXT NOT NULL,
    data         TEXT NOT NULL,
    PRIMARY KEY (list, source_id, version_from)
);
CREATE INDEX entity_versions_to ON entity_versions (list, version_to);
CREATE INDEX entity_versions_from ON entity_versions (list, version_from);

-- What `warden sync` last fetched from each URL, for conditional GET.
CREATE TABLE sync_state (
    url           TEXT PRIMARY KEY,
    etag          TEXT NOT NULL DEFAULT '',
    last_modified TEXT NOT NULL DEFAULT '',
    sha256        TEXT NOT NULL DEFAULT '',
    fetched_at    TEXT NOT NULL
);
