package store_test

import (
	"context"
	"testing"
	"time"

	"warden/store"
	"warden/store/storetest"
)

// TestTakeRate: a shared bucket of 10 requests at 1 a second, on two
// handles of one database: the burst is taken across both and no more,
// the refusal says how long until the next, time refills it, a take too
// large is refused whole, and buckets full again are swept.
func TestTakeRate(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, a *store.DB) {
		ctx := context.Background()
		b := a // SQLite: one node, the limits kept in its memory
		if a.Driver() == "pgx" {
			var err error
			if b, err = store.Open(ctx, a.DSN()); err != nil {
				t.Fatal(err)
			}
			defer b.Close()
		}
		const cost, limit = time.Second, 10 * time.Second
		now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
		taken := 0
		for i := range 14 {
			h := []*store.DB{a, b}[i%2]
			wait, err := h.TakeRate(ctx, "k", now, cost, limit)
			if err != nil {
				t.Fatal(err)
			}
			if wait == 0 {
				taken++
			} else if wait != time.Second {
				t.Errorf("take %d: wait %s, want 1s", i, wait)
			}
		}
		if taken != 10 {
			t.Errorf("took %d of 14 at once, want the burst of 10", taken)
		}
		now = now.Add(3 * time.Second)
		if wait, _ := a.TakeRate(ctx, "k", now, 4*cost, limit); wait != time.Second {
			t.Errorf("4 after 3 s: wait %s, want 1s (3 refilled)", wait)
		}
		if wait, _ := b.TakeRate(ctx, "k", now, 3*cost, limit); wait != 0 {
			t.Errorf("3 after 3 s: wait %s, want taken", wait)
		}
		if wait, _ := b.TakeRate(ctx, "other", now, limit, limit); wait != 0 {
			t.Errorf("another key's whole burst: wait %s, want taken", wait)
		}
		if err := a.SweepRates(ctx, now.Add(10*time.Second)); err != nil {
			t.Fatal(err)
		}
		// "k" is full again by then, "other" too: both swept, both take a
		// whole burst.
		for _, k := range []string{"k", "other"} {
			if wait, _ := a.TakeRate(ctx, k, now.Add(10*time.Second), limit, limit); wait != 0 {
				t.Errorf("%s after the sweep: wait %s, want a whole burst", k, wait)
			}
		}
	})
}

// BenchmarkTakeRate measures one shared take, the cost a request pays when
// its node's lease of tokens is spent (web/limit.go).
func BenchmarkTakeRate(b *testing.B) {
	for _, eng := range []struct {
		name string
		open func(testing.TB) *store.DB
	}{{"sqlite", storetest.OpenSQLite}, {"postgres", storetest.OpenPostgres}} {
		b.Run(eng.name, func(b *testing.B) {
			db := eng.open(b)
			ctx := context.Background()
			now := time.Now()
			for b.Loop() {
				if _, err := db.TakeRate(ctx, "bench", now, time.Nanosecond, time.Hour); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
