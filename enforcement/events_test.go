package enforcement_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"warden"
	"warden/auth"
	"warden/enforcement"
	"warden/screening"
	"warden/store"
	"warden/store/storetest"
)

// events returns the domain events of a type, failing the test on error.
func events(t *testing.T, db *store.DB, typ string) []warden.DomainEvent {
	t.Helper()
	evs, err := db.Events(context.Background(), typ, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// paymentEvents decodes the payment events of a type, by object.
func paymentEvents(t *testing.T, db *store.DB, typ string) map[string][]warden.PaymentEvent {
	t.Helper()
	out := map[string][]warden.PaymentEvent{}
	for _, e := range events(t, db, typ) {
		var p warden.PaymentEvent
		if err := json.Unmarshal(e.Payload, &p); err != nil {
			t.Fatalf("event %d: %v", e.ID, err)
		}
		out[e.Object] = append(out[e.Object], p)
	}
	return out
}

func TestPaymentEvents(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := setup(t, db)
		client, analyst := as("payments", warden.RoleScreener), as("anna", warden.RoleAnalyst)
		for _, tx := range []warden.Transaction{
			pay("p1", 1250000, us, warden.TxParty{Role: "beneficiary", Name: "John Smith"}),
			pay("p2", 1250000, us, evil),
			pay("p3", 99, us, ivanov),
			pay("p4", 500, us, kolosov),
			pay("p5", 700, us, kolosov),
			pay("p2", 1250000, us, evil), // a retry: the first decision, no event
		} {
			if _, _, err := e.svc.Screen(client, tx); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := e.svc.Screen(client, pay("p2", 1, us, evil)); warden.ErrorCode(err) != warden.ECONFLICT {
			t.Fatalf("reference reused: %v", err)
		}
		held, _ := e.svc.Transaction(analyst, "p4")
		rejected, _ := e.svc.Transaction(analyst, "p5")
		// A held payment confirmed is blocked; deciding its case again is
		// refused and writes nothing.
		if _, err := e.svc.DecideCase(analyst, *held.Case, true, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.DecideCase(analyst, *held.Case, true, ""); warden.ErrorCode(err) != warden.ECONFLICT {
			t.Fatalf("deciding again: %v", err)
		}
		// Cleared: no event.
		if _, err := e.svc.DecideCase(analyst, *rejected.Case, false, "not the listed person: born 1990"); err != nil {
			t.Fatal(err)
		}

		usd := func(minor int64) warden.Money { return warden.Money{Currency: "USD", Minor: minor} }
		blocked, rej, hold := paymentEvents(t, db, "payment.blocked"), paymentEvents(t, db, "payment.rejected"), paymentEvents(t, db, "payment.held")
		if len(blocked) != 2 || len(rej) != 1 || len(hold) != 2 {
			t.Fatalf("blocked %v, rejected %v, held %v: want p2 and p4, p3, p4 and p5", blocked, rej, hold)
		}
		for _, tc := range []struct {
			got               []warden.PaymentEvent
			decision, by, hit string
			amount            warden.Money
			caseID            *int64
		}{
			{blocked["tx:p2"], "blocked", "screening", "ofac:1", usd(1250000), nil},
			{blocked["tx:p4"], "blocked", "case", "ofac:3", usd(500), held.Case},
			{rej["tx:p3"], "rejected", "screening", "ofac:2", usd(99), nil},
			{hold["tx:p4"], "held", "screening", "ofac:3", usd(500), held.Case},
			{hold["tx:p5"], "held", "screening", "ofac:3", usd(700), rejected.Case},
		} {
			if len(tc.got) != 1 {
				t.Errorf("%s by %s: %d events, want 1", tc.decision, tc.by, len(tc.got))
				continue
			}
			p := tc.got[0]
			if p.Decision != tc.decision || p.By != tc.by || p.Amount != tc.amount || p.HitCount != 1 || len(p.Hits) != 1 || p.Hits[0].EntityID != tc.hit || p.Hits[0].Name == "" ||
				(p.Case == nil) != (tc.caseID == nil) || p.Case != nil && *p.Case != *tc.caseID {
				t.Errorf("%s %s by %s: %+v, want amount %v, hit %s, case %v", p.Reference, tc.decision, tc.by, p, tc.amount, tc.hit, tc.caseID)
			}
		}
		// The payload's amount is warden.Money's JSON.
		raw := events(t, db, "payment.blocked")[0].Payload
		var shape struct {
			Amount map[string]any `json:"amount"`
		}
		if err := json.Unmarshal(raw, &shape); err != nil || shape.Amount["currency"] != "USD" || shape.Amount["minor"] != float64(1250000) {
			t.Errorf("payload %s", raw)
		}
	})
}

func TestCustomerEvents(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := setup(t, db)
		clerk := as("kyc", warden.RoleScreener)
		for _, c := range []warden.Customer{
			{ID: "C1", Name: "Jane Doe", Country: "US"},
			{ID: "C2", Schema: warden.SchemaPerson, Name: "Boris Ivanovich Grebenshchikov", Country: "CY"},
			{ID: "C3", Name: "Andrei Kolosov Petrovich", Account: "DE-77"},
			{ID: "C4", Name: "Evil wallet", Wallet: wallet},
			{ID: "C4", Name: "Evil wallet", Wallet: wallet}, // again: no event
		} {
			if _, _, err := e.svc.Onboard(clerk, c); err != nil {
				t.Fatal(err)
			}
		}
		// A new list names C2; screening the register again finds it.
		ctx := warden.WithPrincipal(context.Background(), warden.Operator)
		im, err := db.BeginImport(ctx, "uk", "uk-csv", false)
		if err != nil {
			t.Fatal(err)
		}
		im.Put(&warden.Entity{SourceID: "CYB0042", Schema: warden.SchemaPerson, Names: []warden.Name{{Full: "GREBENSHCHIKOV, Boris Ivanovich", Kind: warden.NamePrimary}}, Programs: []string{"CYBER"},
			Nationalities: []string{"CY"}}) // corroborates the customer's country
		if _, err := im.Commit(warden.SourceMeta{}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Screening.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		for range 2 { // the second finds nothing new
			if _, err := e.svc.Rescreen(clerk, nil); err != nil {
				t.Fatal(err)
			}
		}
		got := map[string][]warden.CustomerEvent{}
		for _, ev := range events(t, db, "customer.hit") {
			var c warden.CustomerEvent
			if err := json.Unmarshal(ev.Payload, &c); err != nil {
				t.Fatal(err)
			}
			if ev.Object != "customer:"+c.Customer {
				t.Errorf("event on %s for customer %s", ev.Object, c.Customer)
			}
			got[c.Customer] = append(got[c.Customer], c)
		}
		if len(got) != 3 {
			t.Errorf("events for %d customers, want C2, C3, C4: %+v", len(got), got)
		}
		for _, tc := range []struct {
			id, name, decision, screening, hit string
			caseOpened                         bool
		}{
			{"C2", "Boris Ivanovich Grebenshchikov", "blocked", "rescreening", "uk:CYB0042", false},
			{"C3", "Andrei Kolosov Petrovich", "held", "onboarding", "ofac:3", true},
			{"C4", "Evil wallet", "blocked", "onboarding", "ofac:1", false},
		} {
			if len(got[tc.id]) != 1 {
				t.Errorf("%s: %d events, want 1", tc.id, len(got[tc.id]))
				continue
			}
			c := got[tc.id][0]
			if c.Name != tc.name || c.Decision != tc.decision || c.Screening != tc.screening || c.HitCount != len(c.Hits) || len(c.Hits) == 0 || c.Hits[0].EntityID != tc.hit || (c.Case != nil) != tc.caseOpened {
				t.Errorf("%s: %+v, want %s %s %s hit %s", tc.id, c, tc.name, tc.decision, tc.screening, tc.hit)
			}
		}
	})
}

func TestListChangedEvents(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := warden.WithPrincipal(context.Background(), warden.Operator)
		put := func(ids ...string) {
			t.Helper()
			im, err := db.BeginImport(ctx, "eu", "eu-xml", false)
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range ids {
				im.Put(&warden.Entity{SourceID: id, Schema: warden.SchemaPerson, Names: []warden.Name{{Full: "PERSON " + id, Kind: warden.NamePrimary}}})
			}
			if _, err := im.Commit(warden.SourceMeta{}); err != nil {
				t.Fatal(err)
			}
		}
		put("1", "2", "3")
		put("1", "2", "3") // a version that changes nothing
		put("1", "2", "4")
		var got []warden.ListChange
		for _, ev := range events(t, db, "list.changed") {
			var c warden.ListChange
			if err := json.Unmarshal(ev.Payload, &c); err != nil {
				t.Fatal(err)
			}
			if ev.Object != "list:eu" {
				t.Errorf("object %s", ev.Object)
			}
			got = append(got, c)
		}
		want := []warden.ListChange{{List: "eu", Version: 1, Added: 3}, {List: "eu", Version: 3, Added: 1, Removed: 1}}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("list.changed %+v, want %+v", got, want)
		}
	})
}

// TestConcurrentBlockedEvents: blocked payments from many clients on two
// nodes at once all commit, each with its one event, with distinct ids
// that follow commit order.
func TestConcurrentBlockedEvents(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "w.db")
		concurrentBlocked(t, open(t, path), open(t, path))
	})
	t.Run("postgres", func(t *testing.T) {
		db := storetest.OpenPostgres(t)
		concurrentBlocked(t, db, open(t, db.DSN()))
	})
}

// open opens the database named by dsn, closed when the test ends.
func open(t *testing.T, dsn string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// concurrentBlocked screens blocked payments on db and db2, two nodes on
// one database, at once.
func concurrentBlocked(t *testing.T, db, db2 *store.DB) {
	e := setup(t, db)
	sc := screening.New(db2)
	if _, err := sc.Refresh(warden.WithPrincipal(context.Background(), warden.Operator)); err != nil {
		t.Fatal(err)
	}
	svc2 := enforcement.New(db2, sc, auth.New(db2).Approvals)
	svc2.Now = e.svc.Now
	svc2.Policy = e.svc.Policy
	nodes := []*enforcement.Service{e.svc, svc2}
	client := as("payments", warden.RoleScreener)
	const n = 20
	var wg sync.WaitGroup
	errs := make([]error, 2*n)
	for i := range 2 * n {
		wg.Go(func() {
			// Each reference twice, on both nodes: one decision, one event.
			_, _, errs[i] = nodes[i%2].Screen(client, pay(fmt.Sprintf("c%d", i/2), int64(100+i/2), us, evil))
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("payment %d: %v", i, err)
		}
	}
	evs := events(t, db, "payment.blocked")
	seen := map[string]bool{}
	for i, ev := range evs {
		if seen[ev.Object] {
			t.Errorf("two events for %s", ev.Object)
		}
		seen[ev.Object] = true
		if i > 0 && ev.ID <= evs[i-1].ID {
			t.Errorf("event ids %d then %d", evs[i-1].ID, ev.ID)
		}
	}
	if len(seen) != n {
		t.Errorf("%d payments with events, want %d", len(seen), n)
	}
	// Ids follow commit order: the ledger's sequence numbers, taken
	// in the same transactions, are in the same order.
	es, _, err := e.svc.Ledger(as("ana", warden.RoleAnalyst), warden.LedgerFilter{Limit: 100})
	if err != nil || len(es) != n {
		t.Fatalf("ledger: %d entries, %v", len(es), err)
	}
	for i, ev := range evs {
		if "tx:"+es[i].Reference != ev.Object {
			t.Errorf("event %d is for %s, ledger entry %d for %s", i, ev.Object, i, es[i].Reference)
		}
	}
}
