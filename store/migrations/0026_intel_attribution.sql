-- Attribution's proposals, one open per party whatever the actor: a
-- party is claimed here (designation 0) before its proposal is opened,
-- then holds the designation opened for it. A claim whose designation is
-- still open (draft, proposed, approved) refuses another; a decided one
-- is replaced.
CREATE TABLE intel_attributions (
    party       TEXT PRIMARY KEY, -- the party's source id on its list
    designation BIGINT NOT NULL DEFAULT 0,
    actor       TEXT NOT NULL,
    claimed_at  TEXT NOT NULL
);
