-- Whether an object is shared with an organisation is asked by object,
-- on every read of a counterpart (and when a new version moves its
-- shares): intel_shares' key leads with the collection.
CREATE INDEX intel_shares_object ON intel_shares (stix_id);
