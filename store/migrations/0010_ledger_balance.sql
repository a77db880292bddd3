-- Every ledger append reads its balance (holder, party, currency) to keep
-- it between zero and the ceiling: an index that answers that sum alone.
CREATE INDEX ledger_balance ON ledger (entity_id, holder, currency, minor);
