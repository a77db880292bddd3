package enforcement_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"warden"
	"warden/auth"
	"warden/enforcement"
	"warden/screening"
	"warden/store"
	"warden/store/storetest"
)

// node is a second node on e's database: its own store handle, screening
// index and service, with e's policy and clock.
func node(t *testing.T, e *env) *enforcement.Service {
	t.Helper()
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	dsn := e.db.DSN()
	if e.db.Driver() == "sqlite" { // the file the URL names
		dsn, _, _ = strings.Cut(strings.TrimPrefix(dsn, "file:"), "?")
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	sc := screening.New(db)
	if _, err := sc.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	a := auth.New(db)
	a.Now = func() time.Time { return *e.now }
	svc := enforcement.New(db, sc, a.Approvals)
	svc.Policy = e.svc.Policy
	svc.Now = func() time.Time { return *e.now }
	return svc
}

// onboardMany registers n customers, every third of them a namesake of
// the party that listUK lists, and returns how many namesakes there are.
func onboardMany(t *testing.T, e *env, n int) int {
	t.Helper()
	var cs []warden.Customer
	var lines []int
	namesakes := 0
	for i := range n {
		c := warden.Customer{ID: fmt.Sprintf("C%04d", i), Schema: warden.SchemaPerson, Name: fmt.Sprintf("Jane Doe %d", i), Country: "US"}
		if i%3 == 0 {
			c.Name, c.Country = "Boris Ivanovich Grebenshchikov", "CY"
			namesakes++
		}
		cs, lines = append(cs, c), append(lines, i+2)
	}
	_, sum, err := e.svc.Import(as("kyc", warden.RoleScreener), cs, lines, nil)
	if err != nil || sum.Decision[warden.DecisionCleared] != n {
		t.Fatalf("onboarding: %+v %v", sum, err)
	}
	return namesakes
}

// listUK imports a new list that names the namesakes, and refreshes the
// nodes' indexes.
func listUK(t *testing.T, db *store.DB, nodes ...*enforcement.Service) {
	t.Helper()
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	im, err := db.BeginImport(ctx, "uk", "uk-csv", false)
	if err != nil {
		t.Fatal(err)
	}
	im.Put(&warden.Entity{SourceID: "CYB0042", Schema: warden.SchemaPerson, Names: []warden.Name{{Full: "GREBENSHCHIKOV, Boris Ivanovich", Kind: warden.NamePrimary}}, Programs: []string{"CYBER"},
		Nationalities: []string{"CY"}})
	if _, err := im.Commit(warden.SourceMeta{}); err != nil {
		t.Fatal(err)
	}
	for _, n := range nodes {
		if _, err := n.Screening.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

// TestRescreenTwoNodes: two nodes on one database re-screen the register
// at once after a list change. One claims the run and does it; the other
// sees it claimed and skips: every customer is screened once, and the
// run's record holds the full counts (the nodes used to both screen
// everyone, split the changes between them and record whichever partial
// count finished first).
func TestRescreenTwoNodes(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := setup(t, db)
		namesakes := onboardMany(t, e, 300)
		clerk := as("kyc", warden.RoleScreener)
		a, b := e.svc, node(t, e)
		if _, err := a.RescreenIfNew(clerk); err != nil {
			t.Fatal(err)
		}
		listUK(t, db, a, b)
		var wg sync.WaitGroup
		res := make([]enforcement.RescreenResult, 2)
		errs := make([]error, 2)
		for i, n := range []*enforcement.Service{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res[i], errs[i] = n.RescreenIfNew(clerk)
			}()
		}
		wg.Wait()
		for i := range res {
			if errs[i] != nil {
				t.Fatalf("node %d: %v", i, errs[i])
			}
		}
		if screened := res[0].Customers + res[1].Customers; screened != 300 || res[0].Changed+res[1].Changed != namesakes || res[0].Skipped == res[1].Skipped {
			t.Errorf("the nodes screened %d customers (want 300, each once) and changed %d (want %d): %+v %+v", screened, res[0].Changed+res[1].Changed, namesakes, res[0], res[1])
		}
		key := fmt.Sprint(a.Screening.Versions())
		r, err := db.Rescreened(context.Background(), key)
		if err != nil || r.Customers != 300 || r.Changed != namesakes {
			t.Errorf("the run's record: %+v %v, want 300 customers, %d changed", r, err, namesakes)
		}
		blocked, _ := db.CountCustomers(context.Background(), warden.DecisionBlocked)
		if blocked != namesakes {
			t.Errorf("%d customers blocked, want %d", blocked, namesakes)
		}
	})
}
