-- Links between listings on different lists that name one real party
-- (warden.ListingLink). listing_links holds the automatic links computed
-- from the list versions named in link_state.versions; screening replaces
-- them as a whole when those versions change. link_decisions holds what
-- people decided, one decision per pair: linked (1) or unlinked (0); an
-- unlink beats every automatic link. link_state.generation counts the
-- decisions, so that every node sees that they changed. Ids are entity
-- ids ("list:source_id"), a < b.
CREATE TABLE listing_links (
    a      TEXT NOT NULL,
    b      TEXT NOT NULL,
    rule   TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (a, b, rule)
);
CREATE INDEX listing_links_b ON listing_links (b);

CREATE TABLE link_decisions (
    a          TEXT NOT NULL,
    b          TEXT NOT NULL,
    linked     INTEGER NOT NULL,
    reason     TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    PRIMARY KEY (a, b)
);
CREATE INDEX link_decisions_b ON link_decisions (b);

CREATE TABLE link_state (
    id          INTEGER PRIMARY KEY,
    versions    TEXT NOT NULL DEFAULT '',
    links       BIGINT NOT NULL DEFAULT 0,
    computed_at TEXT NOT NULL DEFAULT '',
    generation  BIGINT NOT NULL DEFAULT 0
);
INSERT INTO link_state (id) VALUES (1);
