-- When a payment's (or customer's) status became what it is: its first
-- decision, or the case decision that changed it. Empty for rows written
-- before this column: their first decision's time stands.
ALTER TABLE transactions ADD COLUMN status_at TEXT NOT NULL DEFAULT '';
