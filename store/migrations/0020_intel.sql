-- Intelligence (docs/intelligence.md): STIX 2.1 objects, as received or as
-- Warden wrote them, every version kept. The object is the JSON in
-- object; the columns are what reads select on. Times are UTC text in
-- the store's layout; modified is the object's own modified (or created)
-- in that layout, so that versions sort as text.
CREATE TABLE intel_objects (
    seq        BIGINT PRIMARY KEY,        -- the order versions were stored in: TAXII's date_added order and paging
    stix_id    TEXT NOT NULL,
    type       TEXT NOT NULL,
    modified   TEXT NOT NULL,
    created    TEXT NOT NULL,
    added_at   TEXT NOT NULL,             -- when this version was stored (TAXII date_added)
    spec       TEXT NOT NULL,             -- spec_version
    tlp        TEXT NOT NULL,             -- clear, green, amber, amber+strict or red
    name       TEXT NOT NULL DEFAULT '',  -- what pages show: the name, or an indicator's pattern
    source     TEXT NOT NULL,             -- warden, upload:FILE, taxii:FEED, list:NAME, api
    import_id  TEXT NOT NULL DEFAULT '',  -- the import (TAXII status) that stored it
    current    INTEGER NOT NULL DEFAULT 0, -- the newest version of its id
    revoked    INTEGER NOT NULL DEFAULT 0,
    opaque     INTEGER NOT NULL DEFAULT 0, -- a type Warden does not model, kept as received
    object     TEXT NOT NULL
);
CREATE UNIQUE INDEX intel_objects_version ON intel_objects (stix_id, modified);
CREATE INDEX intel_objects_current ON intel_objects (current, type, seq);
CREATE INDEX intel_objects_added ON intel_objects (added_at, seq);

-- What current indicators observe (and what list parties carry), one row
-- per comparison of a pattern Warden reads: the screening index and the
-- correlation of incidents read these. kind is ipv4, ipv6, domain, url,
-- email, md5, sha1, sha256, sha512 or wallet; value is normalised; an IP
-- range keeps its CIDR in value and its bounds, as fixed-width hex, in lo
-- and hi ('' for any other kind).
CREATE TABLE intel_observables (
    stix_id     TEXT NOT NULL,
    kind        TEXT NOT NULL,
    value       TEXT NOT NULL,
    chain       TEXT NOT NULL DEFAULT '',
    lo          TEXT NOT NULL DEFAULT '',
    hi          TEXT NOT NULL DEFAULT '',
    valid_from  TEXT NOT NULL DEFAULT '',
    valid_until TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (stix_id, kind, value)
);
CREATE INDEX intel_observables_value ON intel_observables (kind, value);

-- Indicators whose pattern Warden could not read (stored, reported, not
-- dropped): the pattern type and why.
CREATE TABLE intel_unsupported (
    stix_id TEXT PRIMARY KEY,
    pattern_type TEXT NOT NULL,
    reason  TEXT NOT NULL
);

-- The graph: one edge per relationship object (type is its
-- relationship_type, rel its id) and per embedded reference of a current
-- object (type is the property: created_by_ref, object_refs, sighting_of_ref;
-- rel is ''). Rewritten with each new current version.
CREATE TABLE intel_edges (
    source     TEXT NOT NULL,
    type       TEXT NOT NULL,
    target     TEXT NOT NULL,
    rel        TEXT NOT NULL DEFAULT '',
    confidence INTEGER NOT NULL DEFAULT -1,
    owner      TEXT NOT NULL               -- the object the edge was read from
);
CREATE INDEX intel_edges_source ON intel_edges (source);
CREATE INDEX intel_edges_target ON intel_edges (target);
CREATE INDEX intel_edges_owner ON intel_edges (owner);

-- Links from intelligence to Warden's own records: a threat actor
-- attributed to a listed party (kind entity, ref LIST:SOURCE_ID), an
-- indicator derived from a party, an incident behind a designation or a
-- request, an indicator a payment hit.
CREATE TABLE intel_links (
    stix_id    TEXT NOT NULL,
    kind       TEXT NOT NULL,  -- entity, designation, request, payment, customer, case
    ref        TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (stix_id, kind, ref)
);
CREATE INDEX intel_links_ref ON intel_links (kind, ref);

-- Sharing: TAXII collections, each for one counterpart or a sharing group
-- of several organisations. An AMBER object is visible to a counterpart
-- only through a collection of its organisation that holds it.
CREATE TABLE intel_collections (
    id          TEXT PRIMARY KEY,          -- UUID, as TAXII names collections
    title       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    can_read    INTEGER NOT NULL DEFAULT 1,
    can_write   INTEGER NOT NULL DEFAULT 0,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE TABLE intel_collection_orgs (
    collection TEXT NOT NULL,
    org        TEXT NOT NULL,
    PRIMARY KEY (collection, org)
);
CREATE INDEX intel_collection_orgs_org ON intel_collection_orgs (org);
-- An object in a collection, from when (TAXII's added_after on a
-- collection is this time, in seq order).
CREATE TABLE intel_shares (
    collection TEXT NOT NULL,
    stix_id    TEXT NOT NULL,
    seq        BIGINT NOT NULL,
    added_at   TEXT NOT NULL,
    added_by   TEXT NOT NULL,
    PRIMARY KEY (collection, stix_id)
);
CREATE INDEX intel_shares_added ON intel_shares (collection, added_at, seq);

-- Imports: a file, an API call, a TAXII envelope POSTed or pulled. Its
-- id is the TAXII status id; report is the JSON of warden.IntelImport.
CREATE TABLE intel_imports (
    id         TEXT PRIMARY KEY,
    source     TEXT NOT NULL,
    collection TEXT NOT NULL DEFAULT '',
    actor      TEXT NOT NULL,
    org        TEXT NOT NULL DEFAULT '',
    at         TEXT NOT NULL,
    report     TEXT NOT NULL
);

-- Partner TAXII servers Warden pulls from, periodically, resuming from
-- the last added_after. The token is kept for the pull and never shown.
CREATE TABLE intel_feeds (
    name        TEXT PRIMARY KEY,
    url         TEXT NOT NULL,            -- the API root
    collection  TEXT NOT NULL,
    token       TEXT NOT NULL DEFAULT '',
    tlp         TEXT NOT NULL,            -- for objects that carry no TLP marking
    added_after TEXT NOT NULL DEFAULT '', -- as the partner last gave it (X-TAXII-Date-Added-Last)
    last_pull   TEXT NOT NULL DEFAULT '',
    last_error  TEXT NOT NULL DEFAULT '',
    pulled      BIGINT NOT NULL DEFAULT 0,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
