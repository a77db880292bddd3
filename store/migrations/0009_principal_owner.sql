-- Who is behind every principal, for four-eyes control: each person
-- records who created them and who last chose their password (both
-- control them); each token records the person it acts for; each proposal
-- the person behind its proposer. Rows from before stay '' (unknown) where
-- they cannot be worked out, and a proposal with an unknown proposer
-- cannot be approved.
ALTER TABLE users ADD COLUMN created_by TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN password_set_by TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE approvals ADD COLUMN proposed_by_person TEXT NOT NULL DEFAULT '';

-- A token made by a person or the operator acts for them; one made by a
-- token acts for that token's owner.
UPDATE api_tokens SET owner = created_by
    WHERE created_by = 'operator' OR created_by IN (SELECT name FROM users);
UPDATE api_tokens SET owner = (SELECT t.owner FROM api_tokens t WHERE t.name = api_tokens.created_by)
    WHERE owner = '' AND created_by IN (SELECT name FROM api_tokens);

-- A pending proposal by a token is that token's owner's; by a person, theirs.
UPDATE approvals SET proposed_by_person = (SELECT t.owner FROM api_tokens t WHERE t.name = approvals.proposed_by)
    WHERE proposed_by IN (SELECT name FROM api_tokens);
UPDATE approvals SET proposed_by_person = proposed_by
    WHERE proposed_by_person = '' AND proposed_by IN (SELECT name FROM users);
