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

const wallet = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"

type env struct {
	db  *store.DB
	svc *enforcement.Service
	now *time.Time
}

func as(name string, role warden.Role) context.Context {
	return warden.WithPrincipal(context.Background(), warden.Principal{Name: name, Role: role, Org: warden.HomeOrg, Kind: "user"})
}

func setup(t *testing.T, db *store.DB) *env {
	t.Helper()
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	im, err := db.BeginImport(ctx, "ofac", "ofac-csv", false)
	if err != nil {
		t.Fatal(err)
	}
	im.Put(&warden.Entity{SourceID: "1", Schema: warden.SchemaOrganization, Names: []warden.Name{{Full: "EVIL CORP LTD", Kind: warden.NamePrimary}}, Programs: []string{"CYBER2"},
		Identifiers: []warden.Identifier{{Type: warden.IDCrypto, Value: wallet, Currency: "XBT"}}, Countries: []string{"RU"}})
	im.Put(&warden.Entity{SourceID: "2", Schema: warden.SchemaPerson, Names: []warden.Name{{Full: "IVANOV, Petr Sergeevich", Kind: warden.NamePrimary}}, Programs: []string{"IRAN"},
		BirthDates: []warden.DateRange{{From: "1970-03-04"}}})
	im.Put(&warden.Entity{SourceID: "3", Schema: warden.SchemaPerson, Names: []warden.Name{{Full: "KOLOSOV, Andrei Viktorovich", Kind: warden.NamePrimary}}, Programs: []string{"CYBER2"}})
	if _, err := im.Commit(warden.SourceMeta{}); err != nil {
		t.Fatal(err)
	}
	sc := screening.New(db)
	if _, err := sc.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	a := auth.New(db)
	a.Now = func() time.Time { return now }
	svc := enforcement.New(db, sc, a.Approvals)
	// Every list alike: IRAN rejects, every other program blocks.
	svc.Policy.Lists, svc.Policy.Default = nil, warden.HitBlock
	svc.Policy.Programs = map[string]warden.HitAction{"IRAN": warden.HitReject}
	svc.Now = func() time.Time { return now }
	return &env{db, svc, &now}
}

func pay(ref string, minor int64, parties ...warden.TxParty) warden.Transaction {
	return warden.Transaction{Reference: ref, Amount: warden.Money{Currency: "USD", Minor: minor}, Parties: parties}
}

var (
	us      = warden.TxParty{Role: "originator", Name: "Jane Doe", Country: "US", Account: "US-001"}
	evil    = warden.TxParty{Role: "beneficiary", Wallet: wallet}
	ivanov  = warden.TxParty{Role: "beneficiary", Name: "Petr Sergeevich Ivanov", BirthDate: "1970-03-04"} // corroborated: rejected by itself
	kolosov = warden.TxParty{Role: "beneficiary", Name: "Andrei Kolosov Petrovich", Account: "DE-77"}
)

func TestDecisions(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := setup(t, db)
		client := as("payments", warden.RoleScreener)
		for _, tc := range []struct {
			tx   warden.Transaction
			want string
		}{
			{pay("p1", 1250000, us, warden.TxParty{Role: "beneficiary", Name: "John Smith"}), warden.DecisionCleared},
			{pay("p2", 1250000, us, evil), warden.DecisionBlocked},
			{pay("p3", 99, us, ivanov), warden.DecisionRejected},
			{pay("p4", 500, us, kolosov), warden.DecisionHeld},
		} {
			d, existed, err := e.svc.Screen(client, tc.tx)
			if err != nil || existed || d.Decision != tc.want || d.Status != tc.want || (d.Case != nil) != (tc.want == warden.DecisionHeld) {
				t.Errorf("%s: %s (existed %v) %v, want %s; hits %+v", tc.tx.Reference, d.Decision, existed, err, tc.want, d.Hits)
			}
		}
		reader := as("ana", warden.RoleAnalyst)
		es, bs, err := e.svc.Ledger(reader, warden.LedgerFilter{})
		if err != nil || len(es) != 1 || es[0].Reference != "p2" || es[0].EntityID != "ofac:1" || es[0].Program != "CYBER2" || es[0].Amount.Minor != 1250000 || es[0].Holder != wallet {
			t.Fatalf("ledger %+v %v", es, err)
		}
		if len(bs) != 1 || bs[0].Amount != (warden.Money{Currency: "USD", Minor: 1250000}) {
			t.Errorf("balances %+v", bs)
		}
		// The same reference again: the first decision, nothing new.
		d, existed, err := e.svc.Screen(client, pay("p2", 1250000, us, evil))
		if err != nil || !existed || d.Decision != warden.DecisionBlocked {
			t.Errorf("replay: %+v %v %v", d, existed, err)
		}
		if es, _, _ := e.svc.Ledger(reader, warden.LedgerFilter{}); len(es) != 1 {
			t.Errorf("replay wrote the ledger again: %d entries", len(es))
		}
		if _, _, err := e.svc.Screen(client, pay("p2", 1, us, evil)); warden.ErrorCode(err) != warden.ECONFLICT {
			t.Errorf("reference reused for another payment: %v", err)
		}
		if _, _, err := e.svc.Screen(as("x", warden.RoleAuditor), pay("p9", 1, us)); warden.ErrorCode(err) != warden.EFORBIDDEN {
			t.Errorf("auditor screening a payment: %v", err)
		}
	})
}

func TestBadPayments(t *testing.T) {
	e := setup(t, storetest.OpenSQLite(t))
	client := as("payments", warden.RoleScreener)
	for name, tx := range map[string]warden.Transaction{
		"negative":          pay("b1", -5, us),
		"zero":              pay("b2", 0, us),
		"unknown currency":  {Reference: "b3", Amount: warden.Money{Currency: "XYZ", Minor: 5}, Parties: []warden.TxParty{us}},
		"lower case":        {Reference: "b4", Amount: warden.Money{Currency: "usd", Minor: 5}, Parties: []warden.TxParty{us}},
		"no parties":        pay("b5", 5),
		"nothing to screen": pay("b6", 5, warden.TxParty{Role: "beneficiary", Country: "RU", Account: "X"}),
		"bad role":          pay("b7", 5, warden.TxParty{Role: "friend", Name: "x"}),
		"no reference":      pay("", 5, us),
	} {
		if _, _, err := e.svc.Screen(client, tx); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestReviewQueue(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := setup(t, db)
		client := as("payments", warden.RoleScreener)
		d, _, err := e.svc.Screen(client, pay("h1", 500, us, kolosov))
		if err != nil || d.Decision != warden.DecisionHeld || len(d.Cases) != 1 || d.Case == nil || *d.Case != d.Cases[0] {
			t.Fatalf("held: %+v %v", d, err)
		}
		a, b := as("anna", warden.RoleAnalyst), as("boris", warden.RoleAnalyst)
		if _, err := e.svc.DecideCase(a, d.Cases[0], false, ""); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("clearing without a reason: %v", err)
		}
		// Two analysts at once: one wins.
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, ctx := range []context.Context{a, b} {
			wg.Add(1)
			go func(i int, ctx context.Context) {
				defer wg.Done()
				_, errs[i] = e.svc.DecideCase(ctx, d.Cases[0], false, "different person: born 1990, not listed")
			}(i, ctx)
		}
		wg.Wait()
		if (errs[0] == nil) == (errs[1] == nil) || warden.ErrorCode(errs[0])+warden.ErrorCode(errs[1]) != warden.ECONFLICT {
			t.Fatalf("concurrent decisions: %v, %v", errs[0], errs[1])
		}
		if got, _ := e.svc.Transaction(a, "h1"); got.Status != warden.DecisionCleared || got.Decision != warden.DecisionHeld {
			t.Errorf("after clearing: %+v", got)
		}
		// The same counterparty is not stopped again for that party...
		if d, _, _ := e.svc.Screen(client, pay("h2", 700, us, kolosov)); d.Decision != warden.DecisionCleared {
			t.Errorf("remembered false positive: %s %+v", d.Decision, d.Hits)
		}
		// ...until the decision expires.
		*e.now = e.now.AddDate(1, 0, 0)
		d, _, _ = e.svc.Screen(client, pay("h3", 700, us, kolosov))
		if d.Decision != warden.DecisionHeld {
			t.Fatalf("after expiry: %s", d.Decision)
		}
		// Confirming blocks the payment and puts its amount in the ledger.
		*e.now = e.now.Add(time.Hour)
		c, err := e.svc.DecideCase(a, d.Cases[0], true, "")
		if err != nil || c.Outcome != warden.DecisionBlocked {
			t.Fatalf("confirm: %+v %v", c, err)
		}
		if got, _ := e.svc.Transaction(a, "h3"); got.Status != warden.DecisionBlocked || !got.StatusAt.Equal(*c.DecidedAt) || got.DecidedAt.Equal(*c.DecidedAt) {
			t.Errorf("after confirming: %s at %v (decided %v, case %v)", got.Status, got.StatusAt, got.DecidedAt, c.DecidedAt)
		}
		es, _, _ := e.svc.Ledger(a, warden.LedgerFilter{Reference: "h3"})
		if len(es) != 1 || es[0].Amount.Minor != 700 || es[0].EntityID != "ofac:3" || es[0].Holder != "DE-77" {
			t.Errorf("ledger after confirming: %+v", es)
		}
		if open, _ := e.svc.Cases(a, warden.CaseOpen, 0); len(open) != 0 {
			t.Errorf("open cases: %+v", open)
		}
	})
}

// TestBalancesOfAPayment: the ledger looked up by a payment's reference
// gives, beside its entries, the balances of the holders, parties and
// currencies they concern (what is now held for whom the payment
// concerns), not every balance of the ledger.
func TestBalancesOfAPayment(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := setup(t, db)
		client, reader := as("payments", warden.RoleScreener), as("ana", warden.RoleAnalyst)
		eur := pay("b3", 50, us, evil)
		eur.Amount.Currency = "EUR"
		for _, tx := range []warden.Transaction{pay("b1", 100, us, evil), pay("b2", 200, us, evil), eur, pay("c1", 100, us)} {
			if _, _, err := e.svc.Screen(client, tx); err != nil {
				t.Fatal(err)
			}
		}
		sums := func(bs []warden.Balance) string {
			var out []string
			for _, b := range bs {
				out = append(out, fmt.Sprintf("%s %s %s %d", b.Holder, b.EntityID, b.Amount.Currency, b.Amount.Minor))
			}
			return strings.Join(out, "; ")
		}
		for _, c := range []struct {
			f    warden.LedgerFilter
			n    int
			want string
		}{
			{warden.LedgerFilter{}, 3, wallet + " ofac:1 EUR 50; " + wallet + " ofac:1 USD 300"},
			{warden.LedgerFilter{Reference: "b1"}, 1, wallet + " ofac:1 USD 300"},
			{warden.LedgerFilter{Reference: "b3"}, 1, wallet + " ofac:1 EUR 50"},
			{warden.LedgerFilter{Reference: "b1", Currency: "EUR"}, 0, ""},
			{warden.LedgerFilter{Reference: "c1"}, 0, ""},
		} {
			es, bs, err := e.svc.Ledger(reader, c.f)
			if err != nil || len(es) != c.n || sums(bs) != c.want {
				t.Errorf("%+v: %d entries, balances %q %v; want %d, %q", c.f, len(es), sums(bs), err, c.n, c.want)
			}
		}
	})
}

// TestRetriedReferences: 50 clients retrying the same references at once
// get one decision per reference and one ledger entry per blocking.
func TestRetriedReferences(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := setup(t, db)
		client := as("payments", warden.RoleScreener)
		var wg sync.WaitGroup
		var mu sync.Mutex
		decisions := map[string]map[string]int{}
		for c := 0; c < 50; c++ {
			wg.Add(1)
			go func(c int) {
				defer wg.Done()
				for r := 0; r < 10; r++ {
					ref := fmt.Sprintf("r%d", (r+c)%10)
					d, _, err := e.svc.Screen(client, pay(ref, int64(100+(r+c)%10), us, evil))
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					if decisions[ref] == nil {
						decisions[ref] = map[string]int{}
					}
					decisions[ref][d.Decision+d.DecidedAt.String()]++
					mu.Unlock()
				}
			}(c)
		}
		wg.Wait()
		for ref, ds := range decisions {
			if len(ds) != 1 {
				t.Errorf("%s: %d different decisions %v", ref, len(ds), ds)
			}
		}
		es, _, err := e.svc.Ledger(as("a", warden.RoleAnalyst), warden.LedgerFilter{})
		if err != nil || len(es) != 10 {
			t.Fatalf("ledger: %d entries (want 10) %v", len(es), err)
		}
		seen := map[string]bool{}
		for _, x := range es {
			if seen[x.Reference] {
				t.Errorf("%s blocked twice", x.Reference)
			}
			seen[x.Reference] = true
		}
	})
}

func TestReleases(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := setup(t, db)
		if _, _, err := e.svc.Screen(as("payments", warden.RoleScreener), pay("x1", 10000, us, evil)); err != nil {
			t.Fatal(err)
		}
		officer, officer2, analyst := as("olga", warden.RoleSanctionsOfficer), as("oleg", warden.RoleSanctionsOfficer), as("anna", warden.RoleAnalyst)
		exp := e.now.AddDate(0, 1, 0)
		if _, err := e.svc.CreateLicence(officer, warden.Licence{Number: "CYBER-2026-17", Issuer: "OFAC", Kind: "specific", Entities: []string{"ofac:1"}, Expires: &exp}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.CreateLicence(analyst, warden.Licence{Number: "X", Issuer: "OFAC", Kind: "general", Programs: []string{"CYBER2"}}); warden.ErrorCode(err) != warden.EFORBIDDEN {
			t.Errorf("analyst recording a licence: %v", err)
		}
		rel := enforcement.Release{Holder: wallet, EntityID: "ofac:1", Amount: warden.Money{Currency: "USD", Minor: 20000}, Licence: "CYBER-2026-17", Reason: "licensed wind-down"}
		if _, err := e.svc.ProposeRelease(analyst, rel); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("release above the blocked amount: %v", err)
		}
		rel.Licence = "NONE"
		if _, err := e.svc.ProposeRelease(analyst, rel); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("release without a licence: %v", err)
		}
		rel.Licence, rel.Amount.Minor = "CYBER-2026-17", 4000
		ap, err := e.svc.ProposeRelease(analyst, rel)
		if err != nil || ap.Status != "pending" || ap.Role != warden.RoleSanctionsOfficer {
			t.Fatalf("propose: %+v %v", ap, err)
		}
		if _, err := e.svc.Approvals.Decide(as("anne", warden.RoleAnalyst), ap.ID, true, ""); warden.ErrorCode(err) != warden.EFORBIDDEN {
			t.Errorf("analyst approving a release: %v", err)
		}
		if _, err := e.svc.Approvals.Decide(officer, ap.ID, true, "licence checked"); err != nil {
			t.Fatal(err)
		}
		_, bs, _ := e.svc.Ledger(analyst, warden.LedgerFilter{})
		if len(bs) != 1 || bs[0].Amount.Minor != 6000 {
			t.Errorf("balance after release: %+v", bs)
		}
		// Two releases proposed against the same balance: the second to be
		// approved finds too little left and changes nothing.
		rel.Amount.Minor = 5000
		a1, _ := e.svc.ProposeRelease(analyst, rel)
		a2, _ := e.svc.ProposeRelease(analyst, rel)
		if _, err := e.svc.Approvals.Decide(officer, a1.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Approvals.Decide(officer2, a2.ID, true, ""); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("second release: %v", err)
		}
		es, bs, _ := e.svc.Ledger(analyst, warden.LedgerFilter{})
		if len(es) != 3 || len(bs) != 1 || bs[0].Amount.Minor != 1000 || es[2].Kind != "release" || es[2].Licence != "CYBER-2026-17" {
			t.Errorf("ledger: %+v balances %+v", es, bs)
		}
		// An expired licence releases nothing.
		*e.now = exp.Add(time.Hour)
		rel.Amount.Minor = 1000
		if _, err := e.svc.ProposeRelease(analyst, rel); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("expired licence: %v", err)
		}
	})
}

func TestFiftyPercentRule(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := setup(t, db)
		analyst := as("anna", warden.RoleAnalyst)
		for _, st := range []struct {
			owner, owned string
			pct          warden.Percent
		}{
			{"ofac:1", "Shell One Ltd", 3000},  // EVIL CORP, CYBER2 (blocks)
			{"ofac:2", "Shell One Ltd", 4000},  // IVANOV, IRAN (rejects: not blocked property)
			{"ofac:1", "Shell Two GmbH", 3000}, // ...
			{"ofac:3", "Shell Two GmbH", 2500}, // KOLOSOV, CYBER2: 55% in aggregate
			{"Shell Two GmbH", "Grandchild LLC", 6000},
			{"Grandchild LLC", "Shell Two GmbH", 1000}, // a cycle must not hang
		} {
			if _, err := e.svc.RecordStake(analyst, st.owner, st.owned, st.pct); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.svc.RecordStake(as("x", warden.RoleScreener), "ofac:1", "X Ltd", 1000); warden.ErrorCode(err) != warden.EFORBIDDEN {
			t.Errorf("screener recording ownership: %v", err)
		}
		for _, bad := range []struct {
			owner, owned string
			pct          warden.Percent
		}{{"ofac:1", "X", 10001}, {"ofac:1", "X", -1}, {"ofac:1", "", 1000}, {"nosuch:1", "X", 1000}, {"X Ltd", "x ltd.", 1000}} {
			if _, err := e.svc.RecordStake(analyst, bad.owner, bad.owned, bad.pct); warden.ErrorCode(err) != warden.EINVALID {
				t.Errorf("%+v: %v", bad, err)
			}
		}
		client := as("payments", warden.RoleScreener)
		for _, tc := range []struct {
			name, want, why string
		}{
			{"Shell One Ltd", warden.DecisionCleared, ""},
			{"SHELL TWO GMBH", warden.DecisionBlocked, "owned 30% by EVIL CORP LTD (ofac:1), listed under CYBER2 and 25% by KOLOSOV, Andrei Viktorovich (ofac:3), listed under CYBER2"},
			{"Grandchild, LLC", warden.DecisionBlocked, "owned 60% by Shell Two GmbH, itself owned 30% by EVIL CORP LTD"},
		} {
			d, _, err := e.svc.Screen(client, pay("own-"+tc.name, 100, us, warden.TxParty{Role: "beneficiary", Name: tc.name}))
			if err != nil || d.Decision != tc.want {
				t.Errorf("%s: %s %v %+v", tc.name, d.Decision, err, d.Hits)
				continue
			}
			if tc.why != "" {
				ex, _ := d.Hits[0].Explanation.(map[string]string)
				if !strings.HasPrefix(ex["ownership"], tc.why) {
					t.Errorf("%s: explanation %q, want it to start %q", tc.name, ex["ownership"], tc.why)
				}
			}
		}
	})
}

// TestOwnershipFromLists: owned_by links that state a percentage count
// toward the 50% rule; a related party on a list blocks nothing by itself.
func TestOwnershipFromLists(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := setup(t, db)
		ctx := warden.WithPrincipal(context.Background(), warden.Operator)
		im, err := db.BeginImport(ctx, "os", "ftm", false)
		if err != nil {
			t.Fatal(err)
		}
		org := func(sid, name string, related bool, programs []string, links ...warden.Link) *warden.Entity {
			return &warden.Entity{SourceID: sid, Schema: warden.SchemaOrganization, Names: []warden.Name{{Full: name, Kind: warden.NamePrimary}}, Programs: programs, Related: related, Links: links}
		}
		im.Put(org("T1", "RED TIDE GROUP", false, []string{"CYBER2"}))
		im.Put(org("T2", "BLUE HARBOUR HOLDING", false, []string{"CYBER2"}))
		im.Put(org("C1", "NORTHWIND SHIPPING LLC", true, nil, warden.Link{Type: "owned_by", SourceID: "T1", Percent: 30}, warden.Link{Type: "owned_by", SourceID: "T2", Percent: 25}))
		im.Put(org("C2", "SOUTHWIND TRADING", true, nil, warden.Link{Type: "owned_by", SourceID: "T1", Percent: 40}, warden.Link{Type: "owned_by", SourceID: "T2"}))
		im.Put(org("T3", "GREEN REEF LTD", false, []string{"CYBER2"}))
		// 0.8 + 32.3 + 16.9 is 50 exactly, though not in floating point.
		im.Put(org("C3", "FLOATY SHIPPING LTD", true, nil, warden.Link{Type: "owned_by", SourceID: "T1", Percent: 0.8}, warden.Link{Type: "owned_by", SourceID: "T2", Percent: 32.3}, warden.Link{Type: "owned_by", SourceID: "T3", Percent: 16.9}))
		if _, err := im.Commit(warden.SourceMeta{}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Screening.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		client := as("payments", warden.RoleScreener)
		screen := func(ref, name string) warden.TxDecision {
			t.Helper()
			d, _, err := e.svc.Screen(client, pay(ref, 100, us, warden.TxParty{Role: "beneficiary", Name: name}))
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
		d := screen("n1", "Northwind Shipping LLC")
		why := ""
		for _, h := range d.Hits {
			if ex, ok := h.Explanation.(map[string]string); ok {
				why = ex["ownership"]
			}
		}
		if d.Decision != warden.DecisionBlocked || why != "owned 30% by RED TIDE GROUP (os:T1), listed under CYBER2 (per list os) and 25% by BLUE HARBOUR HOLDING (os:T2), listed under CYBER2 (per list os)" {
			t.Errorf("Northwind: %s %q", d.Decision, why)
		}
		if d := screen("f1", "Floaty Shipping Ltd"); d.Decision != warden.DecisionBlocked {
			t.Errorf("Floaty Shipping, 50%% from the list: %s %+v", d.Decision, d.Hits)
		}
		// 40% stated, the other link without a share: not blocked; the
		// name hit on the related party is held for an analyst (it stops
		// nothing by itself, so it is not confirmed).
		if d := screen("s1", "Southwind Trading"); d.Decision != warden.DecisionHeld || len(d.Hits) != 1 || d.Hits[0].Action != "review" || d.Hits[0].Confirmed {
			t.Errorf("Southwind: %s %+v", d.Decision, d.Hits)
		}
		// A person records the missing share: now 55%.
		if _, err := e.svc.RecordStake(as("anna", warden.RoleAnalyst), "os:T2", "Southwind Trading", 1500); err != nil {
			t.Fatal(err)
		}
		if d := screen("s2", "Southwind Trading"); d.Decision != warden.DecisionBlocked {
			t.Errorf("Southwind with the recorded share: %s %+v", d.Decision, d.Hits)
		}
	})
}
