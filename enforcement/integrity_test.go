package enforcement_test

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sync"
	"testing"
	"time"

	"warden"
	"warden/enforcement"
	"warden/store"
	"warden/store/storetest"
)

// TestLedgerAtCeiling: amounts above warden.MaxMinor are refused (the
// issue's two payments of the largest int64 made the ledger unreadable
// for ever); a thousand blockings at the ceiling fill one balance to
// warden.MaxBalance exactly, the next is refused, and the ledger, its
// balances, the annual report and releases stay exact.
func TestLedgerAtCeiling(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := setup(t, db)
		client, analyst := as("payments", warden.RoleScreener), as("anna", warden.RoleAnalyst)
		for _, minor := range []int64{math.MaxInt64, warden.MaxMinor + 1} {
			ref := fmt.Sprintf("over-%d", minor)
			if _, _, err := e.svc.Screen(client, pay(ref, minor, us, evil)); warden.ErrorCode(err) != warden.EINVALID {
				t.Errorf("a payment of %d minor units: %v", minor, err)
			}
		}
		const n = int(warden.MaxBalance / warden.MaxMinor)
		var wg sync.WaitGroup
		for w := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; i < n; i += 8 {
					if d, _, err := e.svc.Screen(client, pay(fmt.Sprintf("c%d", i), warden.MaxMinor, us, evil)); err != nil || d.Decision != warden.DecisionBlocked {
						t.Errorf("c%d: %s %v", i, d.Decision, err)
						return
					}
				}
			}()
		}
		wg.Wait()
		// The balance is full: one minor unit more is refused, and the
		// payment is not stored; another holder's balance is its own.
		if _, _, err := e.svc.Screen(client, pay("c-full", 1, us, evil)); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("a blocking beyond the balance ceiling: %v", err)
		}
		if _, err := e.svc.Transaction(analyst, "c-full"); warden.ErrorCode(err) != warden.ENOTFOUND {
			t.Errorf("the refused payment was stored: %v", err)
		}
		other := evil
		other.Account = "CH-1"
		if _, _, err := e.svc.Screen(client, pay("c-other", warden.MaxMinor, us, other)); err != nil {
			t.Fatal(err)
		}
		usd := func(minor int64) warden.Money { return warden.Money{Currency: "USD", Minor: minor} }
		checkBalances := func(when string, want ...warden.Balance) {
			t.Helper()
			_, bs, err := e.svc.Ledger(analyst, warden.LedgerFilter{})
			if err != nil || fmt.Sprint(bs) != fmt.Sprint(want) {
				t.Errorf("%s: balances %v %v, want %v", when, bs, err, want)
			}
		}
		checkBalances("full", warden.Balance{Holder: wallet, EntityID: "ofac:1", Amount: usd(warden.MaxBalance)}, warden.Balance{Holder: "CH-1", EntityID: "ofac:1", Amount: usd(warden.MaxMinor)})
		var entries int
		for after := int64(0); ; {
			es, _, err := e.svc.Ledger(analyst, warden.LedgerFilter{After: after, Limit: 300})
			if err != nil {
				t.Fatal(err)
			}
			if len(es) == 0 {
				break
			}
			for _, x := range es {
				if x.Amount != usd(warden.MaxMinor) || x.Kind != warden.LedgerBlock {
					t.Fatalf("entry %+v", x)
				}
			}
			entries, after = entries+len(es), es[len(es)-1].Seq
		}
		if entries != n+1 {
			t.Errorf("%d ledger entries, want %d", entries, n+1)
		}
		// Releases at the ceiling: exact, and never beyond the balance.
		officer, officer2 := as("olga", warden.RoleSanctionsOfficer), as("oleg", warden.RoleSanctionsOfficer)
		if _, err := e.svc.CreateLicence(officer, warden.Licence{Number: "L1", Issuer: "OFAC", Kind: "general", Programs: []string{"CYBER2"}}); err != nil {
			t.Fatal(err)
		}
		rel := enforcement.Release{Holder: wallet, EntityID: "ofac:1", Amount: usd(warden.MaxMinor + 1), Licence: "L1", Reason: "wind-down"}
		if _, err := e.svc.ProposeRelease(analyst, rel); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("a release above the ceiling: %v", err)
		}
		rel.Amount = usd(warden.MaxMinor)
		ap, err := e.svc.ProposeRelease(analyst, rel)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Approvals.Decide(officer, ap.ID, true, "licensed"); err != nil {
			t.Fatal(err)
		}
		rel.Holder = "CH-1"
		a1, err1 := e.svc.ProposeRelease(analyst, rel)
		a2, err2 := e.svc.ProposeRelease(analyst, rel)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if _, err := e.svc.Approvals.Decide(officer, a1.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Approvals.Decide(officer2, a2.ID, true, ""); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("a second release of the whole balance: %v", err)
		}
		// Room again for one blocking at the ceiling.
		if _, _, err := e.svc.Screen(client, pay("c-again", warden.MaxMinor, us, evil)); err != nil {
			t.Fatal(err)
		}
		checkBalances("after the releases", warden.Balance{Holder: wallet, EntityID: "ofac:1", Amount: usd(warden.MaxBalance)})
		// The annual report sums the ledger as of June 30, exactly.
		*e.now = time.Date(2027, 7, 1, 0, 0, 0, 0, time.UTC)
		r, err := e.svc.AnnualReport(analyst, 2027)
		if err != nil || len(r.Rows) != 1 || r.Rows[0][slices.Index(r.Columns, "amount")] != "10000000000000000.00" {
			t.Errorf("annual report: %+v %v", r.Rows, err)
		}
	})
}

// TestConcurrentCaseDecisions: a payment held with two cases, decided at
// once by two analysts, ends in a status that agrees with the decisions
// and with the ledger: blocked with exactly one block entry if any case
// was confirmed, cleared with none if both were cleared, never held.
func TestConcurrentCaseDecisions(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := setup(t, db)
		client := as("payments", warden.RoleScreener)
		analysts := []context.Context{as("anna", warden.RoleAnalyst), as("boris", warden.RoleAnalyst)}
		plans := [][2]bool{{true, false}, {false, true}, {false, false}, {true, true}}
		for i := 0; i < 40; i++ {
			plan := plans[i%len(plans)]
			ref := fmt.Sprintf("two-%d", i)
			// The same near-miss twice, under two accounts: two cases.
			a := kolosov
			a.Account = fmt.Sprintf("DE-%d-a", i)
			b := kolosov
			b.Role, b.Account = "intermediary", fmt.Sprintf("DE-%d-b", i)
			d, _, err := e.svc.Screen(client, pay(ref, 500, us, a, b))
			if err != nil || d.Decision != warden.DecisionHeld || len(d.Cases) != 2 {
				t.Fatalf("%s: %+v %v", ref, d, err)
			}
			var wg sync.WaitGroup
			for j := range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := e.svc.DecideCase(analysts[j], d.Cases[j], plan[j], "checked"); err != nil {
						t.Errorf("%s: case %d: %v", ref, d.Cases[j], err)
					}
				}()
			}
			wg.Wait()
			got, err := e.svc.Transaction(analysts[0], ref)
			if err != nil {
				t.Fatal(err)
			}
			es, _, err := e.svc.Ledger(analysts[0], warden.LedgerFilter{Reference: ref})
			if err != nil {
				t.Fatal(err)
			}
			want, entries := warden.DecisionCleared, 0
			if plan[0] || plan[1] {
				want, entries = warden.DecisionBlocked, 1
			}
			if got.Status != want || len(es) != entries {
				t.Errorf("%s decided %v: status %s with %d ledger entries, want %s with %d", ref, plan, got.Status, len(es), want, entries)
			}
		}
	})
}

// TestReleaseOnOneConnection: approving a release reads and writes in the
// approval's own transaction, so it completes on a database with a single
// connection, and later writes go on.
func TestReleaseOnOneConnection(t *testing.T) {
	db, err := store.Open(context.Background(), ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e := setup(t, db)
	client := as("payments", warden.RoleScreener)
	if _, _, err := e.svc.Screen(client, pay("one1", 10000, us, evil)); err != nil {
		t.Fatal(err)
	}
	officer, analyst := as("olga", warden.RoleSanctionsOfficer), as("anna", warden.RoleAnalyst)
	if _, err := e.svc.CreateLicence(officer, warden.Licence{Number: "L1", Issuer: "OFAC", Kind: "general", Programs: []string{"CYBER2"}}); err != nil {
		t.Fatal(err)
	}
	ap, err := e.svc.ProposeRelease(analyst, enforcement.Release{Holder: wallet, EntityID: "ofac:1", Amount: warden.Money{Currency: "USD", Minor: 4000}, Licence: "L1", Reason: "wind-down"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(officer, 10*time.Second)
	defer cancel()
	if _, err := e.svc.Approvals.Decide(ctx, ap.ID, true, "checked"); err != nil {
		t.Fatalf("approving on one connection: %v", err)
	}
	ctx2, cancel2 := context.WithTimeout(client, 10*time.Second)
	defer cancel2()
	if _, _, err := e.svc.Screen(ctx2, pay("one2", 100, us, evil)); err != nil {
		t.Fatalf("a write after the approval: %v", err)
	}
	_, bs, err := e.svc.Ledger(analyst, warden.LedgerFilter{})
	if err != nil || len(bs) != 1 || bs[0].Amount.Minor != 6100 {
		t.Errorf("balances %+v %v", bs, err)
	}
}

// TestReleaseSeesWholeLedger: the balance a proposal is checked against is
// the whole ledger's, not its first page.
func TestReleaseSeesWholeLedger(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := setup(t, db)
		client := as("payments", warden.RoleScreener)
		const n = 1001
		var wg sync.WaitGroup
		for w := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; i < n; i += 8 {
					if _, _, err := e.svc.Screen(client, pay(fmt.Sprintf("m%d", i), 100, us, evil)); err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		officer, analyst := as("olga", warden.RoleSanctionsOfficer), as("anna", warden.RoleAnalyst)
		if _, err := e.svc.CreateLicence(officer, warden.Licence{Number: "L1", Issuer: "OFAC", Kind: "specific", Entities: []string{"ofac:1"}}); err != nil {
			t.Fatal(err)
		}
		rel := enforcement.Release{Holder: wallet, EntityID: "ofac:1", Amount: warden.Money{Currency: "USD", Minor: n * 100}, Licence: "L1", Reason: "all of it"}
		if _, err := e.svc.ProposeRelease(analyst, rel); err != nil {
			t.Fatalf("releasing all of %d blockings: %v", n, err)
		}
	})
}
