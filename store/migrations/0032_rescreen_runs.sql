-- Re-screening runs are claimed before they are done (issue 17): the first
-- node to see a set of list versions inserts the run's row, the others see
-- it claimed. A claim lapses at lease_until unless renewed, so that a node
-- that died is taken over. Rows from before are done full runs.
ALTER TABLE rescreens ADD COLUMN state TEXT NOT NULL DEFAULT 'done';
ALTER TABLE rescreens ADD COLUMN mode TEXT NOT NULL DEFAULT 'full';
ALTER TABLE rescreens ADD COLUMN base TEXT NOT NULL DEFAULT '';
ALTER TABLE rescreens ADD COLUMN lists TEXT NOT NULL DEFAULT '';
ALTER TABLE rescreens ADD COLUMN basis TEXT NOT NULL DEFAULT '';
ALTER TABLE rescreens ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE rescreens ADD COLUMN lease_until TEXT NOT NULL DEFAULT '';
ALTER TABLE rescreens ADD COLUMN started_at TEXT NOT NULL DEFAULT '';
ALTER TABLE rescreens ADD COLUMN finished_at TEXT NOT NULL DEFAULT '';
ALTER TABLE rescreens ADD COLUMN parties BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rescreens ADD COLUMN delisted BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rescreens ADD COLUMN decided BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rescreens ADD COLUMN total BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rescreens ADD COLUMN parts BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rescreens ADD COLUMN parts_done BIGINT NOT NULL DEFAULT 0;
CREATE INDEX rescreens_started ON rescreens (started_at);

-- A run's parts: the cleared customers with ids in (after_id, last_id]
-- ('' last_id: no bound), each one job. resume_id is the last id screened,
-- customers and decided the counts up to it: a job interrupted resumes
-- there. done_at is set once the part is done.
CREATE TABLE rescreen_parts (
    run       TEXT NOT NULL REFERENCES rescreens(versions),
    part      BIGINT NOT NULL,
    after_id  TEXT NOT NULL,
    last_id   TEXT NOT NULL,
    planned   BIGINT NOT NULL,
    resume_id TEXT NOT NULL,
    customers BIGINT NOT NULL DEFAULT 0,
    decided   BIGINT NOT NULL DEFAULT 0,
    done_at   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (run, part)
);

-- The customers a run changed, written with the change: a part run again
-- after its node died counts each once.
CREATE TABLE rescreen_changes (
    run      TEXT NOT NULL,
    customer TEXT NOT NULL,
    decision TEXT NOT NULL,
    PRIMARY KEY (run, customer)
);
