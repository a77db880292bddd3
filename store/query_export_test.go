package store

import "database/sql"

// SQLForTest is db's handle, for tests that read the plans of its queries.
func (db *DB) SQLForTest() *sql.DB { return db.sql }

// The statements of the filtered queries, for the plan tests.
var (
	LedgerQuery                 = ledgerQuery
	BalancesQuery               = balancesQuery
	CasesQuery                  = casesQuery
	CustomersQuery              = customersQuery
	TransactionsWithStatusQuery = transactionsWithStatusQuery
)
