-- When an object was first shared in a collection. A share's added_at
-- moves on with each new version (so that readers asking added_after see
-- it); shared_at stays, so that each version is dated in the collection
-- by when it was stored or, if later, when the object was shared (the
-- TAXII manifest's and versions' date_added). Shares made before keep
-- their last added_at.
ALTER TABLE intel_shares ADD COLUMN shared_at TEXT NOT NULL DEFAULT '';
UPDATE intel_shares SET shared_at = added_at;
