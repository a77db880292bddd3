package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"warden"
	"warden/store"
	"warden/store/storetest"
)

// seedBase is when the fixture's first payment was decided; each next
// one comes 30 seconds later.
var seedBase = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func seedStamp(i int) string {
	return seedBase.Add(time.Duration(i) * 30 * time.Second).Format("2006-01-02T15:04:05.000000Z")
}

// seedRow is row i of a fixture table.
type seedRow func(i int) []any

// seedTable inserts rows 0..n-1 of table in multi-row INSERTs inside tx,
// with PostgreSQL's placeholders if pg, else SQLite's unnumbered ones (the
// SQLite driver finds a $n argument by formatting every argument's
// number: 20 s for 20,000 rows of 500-row INSERTs).
func seedTable(tb testing.TB, tx *sql.Tx, pg bool, table string, cols []string, n int, row seedRow) {
	tb.Helper()
	const batch = 100
	for lo := 0; lo < n; lo += batch {
		hi := min(lo+batch, n)
		var b strings.Builder
		args := make([]any, 0, (hi-lo)*len(cols))
		fmt.Fprintf(&b, "INSERT INTO %s (%s) VALUES ", table, strings.Join(cols, ", "))
		for i := lo; i < hi; i++ {
			if i > lo {
				b.WriteString(", ")
			}
			b.WriteString("(")
			for k, v := range row(i) {
				if k > 0 {
					b.WriteString(", ")
				}
				args = append(args, v)
				if pg {
					b.WriteString("$" + strconv.Itoa(len(args)))
				} else {
					b.WriteString("?")
				}
			}
			b.WriteString(")")
		}
		if _, err := tx.Exec(b.String(), args...); err != nil {
			tb.Fatalf("seed %s: %v", table, err)
		}
	}
}

// The fixture's shape: every payment has one case and one ledger entry;
// a quarter as many customers as payments.
var (
	seedStatuses = []string{warden.DecisionRejected, warden.DecisionHeld, warden.DecisionBlocked} // then cleared
	seedCurrency = []string{"USD", "USD", "USD", "USD", "USD", "EUR", "EUR", "GBP", "CNY", "JPY"}
)

func seedPayment(i int) string  { return fmt.Sprintf("pay-%08d", i) }
func seedCustomer(i int) string { return fmt.Sprintf("c%08d", i) }
func seedEntity(i int) string   { return fmt.Sprintf("us-ofac:%05d", i%10000) }
func seedHolder(i int) string   { return fmt.Sprintf("bank-%03d", i%1000) }

// recount counts the customers of each status into customer_counts, as
// migration 0036 does: rows seeded straight into transactions bypass the
// store, which keeps the counts as it writes.
func recount(tb testing.TB, tx *sql.Tx) {
	tb.Helper()
	for _, q := range []string{`DELETE FROM customer_counts`,
		`INSERT INTO customer_counts (status, n) SELECT status, COUNT(*) FROM transactions WHERE substr(reference, 1, 9) = 'customer:' GROUP BY status`} {
		if _, err := tx.Exec(q); err != nil {
			tb.Fatal(err)
		}
	}
}

// seedQueries fills a new database with n payments (1% each rejected,
// held and blocked, the rest cleared), n/4 customers (2% held), n cases
// (the newest 5% open and 1% pending review, as a queue is: the rest 15%
// confirmed and cleared) and n ledger entries over 10,000 parties, 1,000
// holders and 6 currencies (half in USD, 10% in JPY). PostgreSQL then
// ANALYZEs them, as autovacuum would; SQLite keeps no statistics unless
// told to, and the store does not tell it.
func seedQueries(tb testing.TB, db *sql.DB, pg bool, n int) {
	tb.Helper()
	tx, err := db.Begin()
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	status := func(i int) string {
		if k := i % 100; k < len(seedStatuses) {
			return seedStatuses[k]
		}
		return warden.DecisionCleared
	}
	seedTable(tb, tx, pg, "transactions", []string{"reference", "body_hash", "decision", "status", "response", "created_at", "status_at"}, n, func(i int) []any {
		st, at := status(i), ""
		if st != warden.DecisionHeld && st != warden.DecisionCleared {
			at = seedStamp(i + 120)
		}
		resp := fmt.Sprintf(`{"reference":%q,"decision":%q,"status":%q,"hits":[],"case":null,"amount":{"currency":"USD","minor":%d},"decided_at":%q}`,
			seedPayment(i), warden.DecisionHeld, st, 1000+i, seedStamp(i))
		return []any{seedPayment(i), "h", warden.DecisionHeld, st, resp, seedStamp(i), at}
	})
	customers := n / 4
	custStatus := func(i int) string {
		if i%50 == 0 {
			return warden.DecisionHeld
		}
		return warden.DecisionCleared
	}
	seedTable(tb, tx, pg, "transactions", []string{"reference", "body_hash", "decision", "status", "response", "created_at"}, customers, func(i int) []any {
		ref := warden.CustomerReference(seedCustomer(i))
		resp := fmt.Sprintf(`{"reference":%q,"decision":%q,"hits":[],"case":null,"amount":{"currency":"","minor":0},"decided_at":%q}`, ref, custStatus(i), seedStamp(i))
		return []any{ref, "h", custStatus(i), custStatus(i), resp, seedStamp(i)}
	})
	seedTable(tb, tx, pg, "customers", []string{"id", "reference", "body", "created_at", "created_by"}, customers, func(i int) []any {
		return []any{seedCustomer(i), warden.CustomerReference(seedCustomer(i)), fmt.Sprintf(`{"id":%q,"name":"Customer %d"}`, seedCustomer(i), i), seedStamp(i), "seed"}
	})
	seedTable(tb, tx, pg, "cases", []string{"id", "reference", "party", "counterparty", "name", "holder", "entity_id", "entity_hash", "programs", "score", "status", "created_at"}, n, func(i int) []any {
		st := string(warden.CaseCleared)
		switch {
		case i >= n-n/20:
			st = string(warden.CaseOpen)
		case i >= n-n/20-n/100:
			st = "pending_review"
		case i%100 < 15:
			st = string(warden.CaseConfirmed)
		}
		return []any{int64(i + 1), seedPayment(i), int64(i % 10000), fmt.Sprintf("Counterparty %d", i), fmt.Sprintf("Name %d", i), seedHolder(i), seedEntity(i), "e", "CYBER2", 0.9, st, seedStamp(i)}
	})
	seedTable(tb, tx, pg, "ledger", []string{"seq", "kind", "holder", "entity_id", "program", "currency", "minor", "reference", "hit", "licence", "at", "actor"}, n, func(i int) []any {
		return []any{int64(i + 1), "block", seedHolder(i), seedEntity(i), "CYBER2", seedCurrency[i%len(seedCurrency)], int64(1000 + i), seedPayment(i), "", "", seedStamp(i), "seed"}
	})
	recount(tb, tx)
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
	if !pg {
		return
	}
	if _, err := db.Exec("ANALYZE"); err != nil {
		tb.Fatal(err)
	}
}

// explain returns the plan of q with args: SQLite's query plan, or the
// generic plan PostgreSQL keeps for a prepared statement (the driver
// prepares and caches each statement, and after five executions the
// server may stop planning for the values given).
func explain(t *testing.T, db *store.DB, q string, args []any) string {
	t.Helper()
	ctx := context.Background()
	conn, err := db.SQLForTest().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var lines []string
	read := func(rows *sql.Rows, err error) {
		if err != nil {
			t.Fatalf("explain %s: %v", q, err)
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		for rows.Next() {
			v := make([]any, len(cols))
			p := make([]any, len(cols))
			for i := range v {
				p[i] = &v[i]
			}
			if err := rows.Scan(p...); err != nil {
				t.Fatal(err)
			}
			lines = append(lines, fmt.Sprint(v[len(v)-1]))
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	if db.Driver() != "pgx" {
		read(conn.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q, args...))
		return strings.Join(lines, "\n")
	}
	lits := make([]string, len(args))
	for i, a := range args {
		switch a := a.(type) {
		case string:
			lits[i] = "'" + strings.ReplaceAll(a, "'", "''") + "'"
		default:
			lits[i] = fmt.Sprint(a)
		}
	}
	for _, s := range []string{"SET plan_cache_mode = force_generic_plan", "PREPARE plan_test AS " + q} {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	defer conn.ExecContext(ctx, "RESET plan_cache_mode")
	defer conn.ExecContext(ctx, "DEALLOCATE plan_test")
	read(conn.QueryContext(ctx, "EXPLAIN EXECUTE plan_test("+strings.Join(lits, ", ")+")"))
	return strings.Join(lines, "\n")
}

// TestFilteredQueriesUseIndexes checks, on both engines and with enough
// rows for the planner to care, that each filter of the filtered queries
// is answered from an index: no full scan of any table, one of the
// indexes that fit the filter used, and, where the order is that of an
// index, no sort.
func TestFilteredQueriesUseIndexes(t *testing.T) {
	since := seedBase.Add(1900 * 30 * time.Second)
	tests := []struct {
		name    string
		query   func() (string, []any)
		indexes []string // one of these
		noSort  bool
		only    bool // answered from the index alone
	}{
		{"ledger by party", func() (string, []any) {
			return store.LedgerQuery(warden.LedgerFilter{EntityID: seedEntity(42), Limit: 50})
		}, []string{"ledger_entity"}, true, false},
		{"ledger by holder", func() (string, []any) {
			return store.LedgerQuery(warden.LedgerFilter{Holder: seedHolder(7), Limit: 50})
		}, []string{"ledger_holder"}, true, false},
		{"ledger by currency", func() (string, []any) {
			return store.LedgerQuery(warden.LedgerFilter{Currency: "EUR", Limit: 50})
		}, []string{"ledger_currency"}, true, false},
		{"ledger by reference", func() (string, []any) {
			return store.LedgerQuery(warden.LedgerFilter{Reference: seedPayment(4242), Limit: 50})
		}, []string{"ledger_reference"}, false, false},
		{"ledger by party and holder", func() (string, []any) {
			return store.LedgerQuery(warden.LedgerFilter{EntityID: seedEntity(42), Holder: seedHolder(42), Limit: 50})
		}, []string{"ledger_entity", "ledger_balance", "ledger_holder"}, false, false},
		{"balances of a party", func() (string, []any) {
			return store.BalancesQuery(warden.LedgerFilter{EntityID: seedEntity(42)})
		}, []string{"ledger_balance", "ledger_entity"}, false, false},
		{"balances at a holder", func() (string, []any) {
			return store.BalancesQuery(warden.LedgerFilter{Holder: seedHolder(7)})
		}, []string{"ledger_holder"}, false, false},
		{"balances of a payment", func() (string, []any) {
			return store.BalancesQuery(warden.LedgerFilter{Reference: seedPayment(4242)})
		}, []string{"ledger_reference"}, false, false},
		{"cases by status", func() (string, []any) { return store.CasesQuery(warden.CaseOpen, 50) }, []string{"cases_status"}, true, false},
		{"customers by status", func() (string, []any) {
			return store.CustomersQuery(warden.CustomerFilter{Status: warden.DecisionHeld, Limit: 50})
		}, []string{"transactions_customer_status"}, true, false},
		{"customers by status after an id", func() (string, []any) {
			return store.CustomersQuery(warden.CustomerFilter{Status: warden.DecisionCleared, After: seedCustomer(2500), Limit: 1000})
		}, []string{"transactions_customer_status"}, true, false},
		{"rejected payments report", func() (string, []any) {
			return store.TransactionsWithStatusQuery(warden.DecisionRejected, since)
		}, []string{"transactions_status"}, false, false},
	}
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		seedQueries(t, db.SQLForTest(), db.Driver() == "pgx", 20000)
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				q, args := tt.query()
				plan := explain(t, db, q, args)
				t.Logf("%s\n%s", q, plan)
				if db.Driver() == "pgx" {
					checkPostgresPlan(t, plan, tt.indexes, tt.noSort, tt.only)
				} else {
					checkSQLitePlan(t, plan, tt.indexes, tt.noSort, tt.only)
				}
			})
		}
	})
}

// checkSQLitePlan fails t if an EXPLAIN QUERY PLAN scans a table (or a
// whole index), uses none of indexes (as a covering index when only), or
// sorts when noSort.
func checkSQLitePlan(t *testing.T, plan string, indexes []string, noSort, only bool) {
	t.Helper()
	for _, line := range strings.Split(plan, "\n") {
		if strings.HasPrefix(line, "SCAN ") && !strings.HasPrefix(line, "SCAN CONSTANT") {
			t.Errorf("full scan %q in plan:\n%s", line, plan)
		}
	}
	if !usesOne(plan, indexes, "INDEX ") {
		t.Errorf("none of %v used:\n%s", indexes, plan)
	}
	if only && !usesOne(plan, indexes, "COVERING INDEX ") {
		t.Errorf("reads the table, not only one of %v:\n%s", indexes, plan)
	}
	if noSort && strings.Contains(plan, "TEMP B-TREE") {
		t.Errorf("sorts:\n%s", plan)
	}
}

// checkPostgresPlan fails t if an EXPLAIN scans a table sequentially,
// uses none of indexes (in an index-only scan when only), or sorts when
// noSort.
func checkPostgresPlan(t *testing.T, plan string, indexes []string, noSort, only bool) {
	t.Helper()
	if strings.Contains(plan, "Seq Scan") {
		t.Errorf("sequential scan in plan:\n%s", plan)
	}
	if !usesOne(plan, indexes, "using ") && !usesOne(plan, indexes, "Bitmap Index Scan on ") {
		t.Errorf("none of %v used:\n%s", indexes, plan)
	}
	if only && !usesOne(plan, indexes, "Index Only Scan using ") {
		t.Errorf("reads the table, not only one of %v:\n%s", indexes, plan)
	}
	if noSort && strings.Contains(plan, "Sort") {
		t.Errorf("sorts:\n%s", plan)
	}
}

// usesOne says whether plan names one of indexes after prefix.
func usesOne(plan string, indexes []string, prefix string) bool {
	for _, ix := range indexes {
		if strings.Contains(plan, prefix+ix+" ") || strings.HasSuffix(plan, prefix+ix) || strings.Contains(plan, prefix+ix+"\n") {
			return true
		}
	}
	return false
}
