package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"warden"
	"warden/store"
	"warden/store/storetest"
)

// EnvBenchRows names the variable that sets how many rows
// BenchmarkFilteredQueries seeds (default 20,000). At 1,000,000, the size
// docs/performance.md reports, the seeded databases are kept for the next
// run: a SQLite file in the temporary folder and, on PostgreSQL, a schema
// named bench_queries_<rows> (DROP SCHEMA ... CASCADE to reclaim them).
const EnvBenchRows = "WARDEN_BENCH_ROWS"

// BenchmarkFilteredQueries times each filtered query of the ledger,
// cases, customers and the rejected-payments report, on both engines, on
// the fixture of TestFilteredQueriesUseIndexes scaled to
// WARDEN_BENCH_ROWS ledger entries, cases and payments.
func BenchmarkFilteredQueries(b *testing.B) {
	n := 20000
	if v := os.Getenv(EnvBenchRows); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1000 {
			b.Fatalf("%s=%q: want a number of rows, at least 1000", EnvBenchRows, v)
		}
	}
	ctx := context.Background()
	lastDay := seedBase.Add(time.Duration(n-2880) * 30 * time.Second)
	queries := []struct {
		name string
		run  func(db *store.DB) (int, error)
	}{
		{"ledger by reference", func(db *store.DB) (int, error) {
			es, err := db.Ledger(ctx, warden.LedgerFilter{Reference: seedPayment(n / 2), Limit: 50})
			return len(es), err
		}},
		{"ledger by holder", func(db *store.DB) (int, error) {
			es, err := db.Ledger(ctx, warden.LedgerFilter{Holder: seedHolder(7), Limit: 50})
			return len(es), err
		}},
		{"ledger by party", func(db *store.DB) (int, error) {
			es, err := db.Ledger(ctx, warden.LedgerFilter{EntityID: seedEntity(42), Limit: 50})
			return len(es), err
		}},
		{"ledger by currency", func(db *store.DB) (int, error) {
			es, err := db.Ledger(ctx, warden.LedgerFilter{Currency: "JPY", Limit: 50})
			return len(es), err
		}},
		{"balances of a party", func(db *store.DB) (int, error) {
			bs, err := db.Balances(ctx, warden.LedgerFilter{EntityID: seedEntity(42)})
			return len(bs), err
		}},
		{"balances at a holder", func(db *store.DB) (int, error) {
			bs, err := db.Balances(ctx, warden.LedgerFilter{Holder: seedHolder(7)})
			return len(bs), err
		}},
		{"balances of a payment", func(db *store.DB) (int, error) {
			bs, err := db.Balances(ctx, warden.LedgerFilter{Reference: seedPayment(n / 2)})
			return len(bs), err
		}},
		{"cases by status", func(db *store.DB) (int, error) {
			cs, err := db.Cases(ctx, warden.CaseOpen, 50)
			return len(cs), err
		}},
		{"customers by status", func(db *store.DB) (int, error) {
			cs, err := db.Customers(ctx, warden.CustomerFilter{Status: warden.DecisionHeld, Limit: 50})
			return len(cs), err
		}},
		{"cleared customers after an id", func(db *store.DB) (int, error) {
			cs, err := db.Customers(ctx, warden.CustomerFilter{Status: warden.DecisionCleared, After: seedCustomer(n / 8), Limit: 1000})
			return len(cs), err
		}},
		{"customers counted by status", func(db *store.DB) (int, error) {
			c, err := db.CountCustomers(ctx, warden.DecisionHeld)
			return min(c, 1), err
		}},
		{"cleared customers counted", func(db *store.DB) (int, error) {
			c, err := db.CountCustomers(ctx, warden.DecisionCleared)
			return min(c, 1), err
		}},
		{"rejected payments of a day", func(db *store.DB) (int, error) {
			ds, err := db.TransactionsWithStatus(ctx, warden.DecisionRejected, lastDay)
			return len(ds), err
		}},
	}
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			db := benchDB(b, engine, n)
			for _, q := range queries {
				b.Run(strings.ReplaceAll(q.name, " ", "_"), func(b *testing.B) {
					for b.Loop() {
						got, err := q.run(db)
						if err != nil {
							b.Fatal(err)
						}
						if got == 0 {
							b.Fatal("nothing selected")
						}
					}
				})
			}
		})
	}
}

// benchDB opens a database seeded with n rows: a new one, or at 1,000,000
// rows and more the one kept from an earlier run.
func benchDB(b *testing.B, engine string, n int) *store.DB {
	b.Helper()
	const keepFrom = 1000000
	if n < keepFrom {
		var db *store.DB
		if engine == "sqlite" {
			db = storetest.OpenSQLite(b)
		} else {
			db = storetest.OpenPostgres(b)
		}
		seedQueries(b, db.SQLForTest(), engine == "postgres", n)
		return db
	}
	ctx := context.Background()
	dsn := filepath.Join(os.TempDir(), fmt.Sprintf("warden-bench-queries-%d.db", n))
	if engine == "postgres" {
		base := os.Getenv(storetest.EnvPostgres)
		if base == "" {
			b.Skip(storetest.EnvPostgres + " is not set")
		}
		schema := fmt.Sprintf("bench_queries_%d", n)
		admin, err := sql.Open("pgx", base)
		if err != nil {
			b.Fatal(err)
		}
		defer admin.Close()
		if _, err := admin.Exec("CREATE SCHEMA IF NOT EXISTS " + schema); err != nil {
			b.Fatal(err)
		}
		sep := "?"
		if strings.Contains(base, "?") {
			sep = "&"
		}
		dsn = base + sep + "search_path=" + schema
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	var have int
	if err := db.SQLForTest().QueryRow("SELECT COUNT(*) FROM ledger").Scan(&have); err != nil {
		b.Fatal(err)
	}
	switch have {
	case n:
	case 0:
		start := time.Now()
		seedQueries(b, db.SQLForTest(), engine == "postgres", n)
		b.Logf("seeded %d rows in %s", n, time.Since(start))
	default:
		b.Fatalf("%s holds %d ledger entries, not %d: remove it", dsn, have, n)
	}
	// As in use: PostgreSQL's autovacuum gathers statistics (for the
	// indexes of a newer schema too) and marks pages all-visible, so that
	// an index that covers a query answers it alone; SQLite plans
	// without statistics.
	stats := "DROP TABLE IF EXISTS sqlite_stat1"
	if engine == "postgres" {
		stats = "VACUUM ANALYZE"
	}
	if _, err := db.SQLForTest().Exec(stats); err != nil {
		b.Fatal(err)
	}
	return db
}
