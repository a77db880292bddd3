package screening_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"os"
	"testing"

	"warden"
	"warden/match"
	"warden/screening"
	"warden/store"
)

// customers is the customer-like query mix of the throughput target (issue
// 15), made by cmd/warden/internal/gencustomers.
const customers = "../cmd/warden/testdata/customers-20k.csv"

// BenchmarkBatchCustomers screens the customer-like mix as warden screen
// --input does after start-up: read and check the CSV, screen every row on
// every core, encode each answer as a JSON line. The lists come from the
// database WARDEN_BENCH_DB names (one holding OFAC, UN, UK and CSL, as the
// target is set on); the benchmark is skipped without one.
func BenchmarkBatchCustomers(b *testing.B) {
	dsn := os.Getenv("WARDEN_BENCH_DB")
	if dsn == "" {
		b.Skip("WARDEN_BENCH_DB names no database of lists")
	}
	if _, err := os.Stat(dsn); err != nil {
		b.Skipf("WARDEN_BENCH_DB: %v", err)
	}
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	db, err := store.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	s := screening.New(db)
	if _, err := s.Refresh(ctx); err != nil {
		b.Fatal(err)
	}
	in := warden.Input{Open: func(p string) (io.ReadCloser, error) { return os.Open(p) }}
	queries := 0
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		rows, err := screening.ReadBatch(ctx, in, customers, nil)
		if err != nil {
			b.Fatal(err)
		}
		w := bufio.NewWriter(io.Discard)
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		err = s.Batch(ctx, rows, match.Options{}, func(_ screening.Row, r screening.Response) error { return enc.Encode(r) }, nil)
		if err != nil {
			b.Fatal(err)
		}
		w.Flush()
		queries += len(rows)
	}
	b.ReportMetric(float64(queries)/b.Elapsed().Seconds(), "queries/s")
}
