-- Indexes for the filtered queries, now that they state only the filters
-- set (store/where.go): the ledger by holder and by currency in sequence
-- order (by party and by reference have theirs; the holder's also holds
-- what its balances sum, so that they are read from it alone), a customer by its
-- screened transaction, and payments by status in the order of the
-- rejected-payments report (when the status became what it is), so that
-- the report reads a range instead of scanning and sorting.
CREATE INDEX ledger_holder ON ledger (holder, seq, entity_id, currency, minor);
CREATE INDEX ledger_currency ON ledger (currency, seq);
CREATE INDEX customers_reference ON customers (reference);
CREATE INDEX transactions_status ON transactions (status, (CASE WHEN status_at = '' THEN created_at ELSE status_at END), reference);
