package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"warden"
	"warden/store"
	"warden/store/storetest"
)

// TestCustomersByStatus pages through the customers of each status, and
// counts them, on both engines: the customers of the status in id order,
// each once, whatever the ids hold (one the prefix of another, cases,
// punctuation, letters beyond ASCII), and no payment whose reference
// sorts among the customers' ("customer", "customer;1") taken for one.
func TestCustomersByStatus(t *testing.T) {
	ids := []string{"C1", "C10", "C1-", "C1.0", "C2", "c1", "a", "A", "Z:9", "c;", "x y", "Ω1", "Ωa", "\u00e91", "e1", "10", "9"}
	statuses := []string{warden.DecisionCleared, warden.DecisionHeld, warden.DecisionCleared, warden.DecisionBlocked}
	status := func(i int) string { return statuses[i%len(statuses)] }
	payments := []string{"customer", "customer;1", "customerX", "custom", "pay-1"}
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tx, err := db.SQLForTest().Begin()
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		pg := db.Driver() == "pgx"
		cols := []string{"reference", "body_hash", "decision", "status", "response", "created_at"}
		seedTable(t, tx, pg, "transactions", cols, len(ids), func(i int) []any {
			ref := warden.CustomerReference(ids[i])
			return []any{ref, "h", status(i), status(i), fmt.Sprintf(`{"reference":%q,"decision":%q}`, ref, status(i)), seedStamp(i)}
		})
		seedTable(t, tx, pg, "transactions", cols, len(payments), func(i int) []any {
			return []any{payments[i], "h", warden.DecisionHeld, warden.DecisionHeld, fmt.Sprintf(`{"reference":%q,"decision":"held"}`, payments[i]), seedStamp(i)}
		})
		seedTable(t, tx, pg, "customers", []string{"id", "reference", "body", "created_at", "created_by"}, len(ids), func(i int) []any {
			return []any{ids[i], warden.CustomerReference(ids[i]), fmt.Sprintf(`{"id":%q,"name":"Customer %d"}`, ids[i], i), seedStamp(i), "seed"}
		})
		recount(t, tx)
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		for _, st := range []string{"", warden.DecisionCleared, warden.DecisionHeld, warden.DecisionBlocked, warden.DecisionRejected} {
			var want []string
			for i, id := range ids {
				if st == "" || status(i) == st {
					want = append(want, id)
				}
			}
			slices.Sort(want)
			for _, limit := range []int{1, 2, 100} {
				var got []string
				f := warden.CustomerFilter{Status: st, Limit: limit}
				for range len(ids) + 1 {
					page, err := db.Customers(ctx, f)
					if err != nil {
						t.Fatal(err)
					}
					if len(page) == 0 {
						break
					}
					for _, c := range page {
						if st != "" && c.Status != st {
							t.Errorf("status %q, page of %d: customer %q is %q", st, limit, c.ID, c.Status)
						}
						got = append(got, c.ID)
					}
					f.After = page[len(page)-1].ID
				}
				if !slices.Equal(got, want) {
					t.Errorf("status %q, pages of %d: %q, want %q", st, limit, got, want)
				}
			}
			n, err := db.CountCustomers(ctx, st)
			if err != nil {
				t.Fatal(err)
			}
			if n != len(want) {
				t.Errorf("CountCustomers(%q) = %d, want %d", st, n, len(want))
			}
		}
	})
}
