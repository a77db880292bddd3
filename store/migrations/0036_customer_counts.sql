-- The customers of each status, kept in the transaction of every change
-- of a customer's status (store/enforcement.go, countCustomer), so that
-- counting the customers of a status reads one row instead of one index
-- entry per customer: 245,000 cleared customers took 16–21 ms to count.
CREATE TABLE customer_counts (status TEXT PRIMARY KEY, n BIGINT NOT NULL);
INSERT INTO customer_counts (status, n)
	SELECT status, COUNT(*) FROM transactions WHERE substr(reference, 1, 9) = 'customer:' GROUP BY status;
