package enforcement_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"warden"
	"warden/enforcement"
	"warden/store"
	"warden/store/storetest"
)

func TestOnboarding(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := setup(t, db)
		clerk, analyst, auditor := as("kyc", warden.RoleScreener), as("anna", warden.RoleAnalyst), as("audrey", warden.RoleAuditor)
		for _, tc := range []struct {
			c    warden.Customer
			want string
		}{
			{warden.Customer{ID: "C1", Schema: warden.SchemaPerson, Name: "John Smith", Country: "GB"}, warden.DecisionCleared},
			{warden.Customer{ID: "C2", Wallet: wallet}, warden.DecisionBlocked},
			{warden.Customer{ID: "C3", Name: "Petr Sergeevich Ivanov", BirthDate: "1970-03-04"}, warden.DecisionRejected},
			{warden.Customer{ID: "C4", Name: "Andrei Kolosov Petrovich", Account: "DE-77"}, warden.DecisionHeld},
		} {
			c, existed, err := e.svc.Onboard(clerk, tc.c)
			if err != nil || existed || c.Decision != tc.want || c.Status != tc.want || c.OnboardedBy != "kyc" || c.OnboardedAt.IsZero() {
				t.Errorf("%s: %+v existed %v %v, want %s", tc.c.ID, c, existed, err, tc.want)
			}
		}
		// Onboarding blocks nothing in the ledger: a customer brings no amount.
		if es, _, _ := e.svc.Ledger(analyst, warden.LedgerFilter{}); len(es) != 0 {
			t.Errorf("ledger after onboarding: %+v", es)
		}
		// The same customer again: the first decision, nothing new.
		c, existed, err := e.svc.Onboard(clerk, warden.Customer{ID: "C2", Wallet: wallet})
		if err != nil || !existed || c.Decision != warden.DecisionBlocked || len(c.Hits) != 1 {
			t.Errorf("again: %+v %v %v", c, existed, err)
		}
		if _, _, err := e.svc.Onboard(clerk, warden.Customer{ID: "C2", Name: "Someone Else"}); warden.ErrorCode(err) != warden.ECONFLICT {
			t.Errorf("same id, other customer: %v", err)
		}
		for name, bad := range map[string]warden.Customer{
			"no id":             {Name: "A B"},
			"nothing to screen": {ID: "C9", Country: "RU"},
			"vessel":            {ID: "C9", Name: "A B", Schema: warden.SchemaVessel},
			"control character": {ID: "C\x01", Name: "A B"},
		} {
			if _, _, err := e.svc.Onboard(clerk, bad); warden.ErrorCode(err) != warden.EINVALID {
				t.Errorf("%s: %v", name, err)
			}
		}
		if _, _, err := e.svc.Onboard(auditor, warden.Customer{ID: "C9", Name: "A B"}); warden.ErrorCode(err) != warden.EFORBIDDEN {
			t.Errorf("an auditor onboarding: %v", err)
		}
		if _, err := e.svc.Customers(clerk, warden.CustomerFilter{}); warden.ErrorCode(err) != warden.EFORBIDDEN {
			t.Errorf("a screener reading the register: %v", err)
		}
		// A payment may not take a customer's reference.
		if _, _, err := e.svc.Screen(clerk, pay(warden.CustomerReference("C1"), 5, us)); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("payment with a customer reference: %v", err)
		}

		// The held customer's case, in the same queue as payments'.
		held, err := e.svc.Customer(auditor, "C4")
		if err != nil || len(held.Cases) != 1 {
			t.Fatalf("held customer: %+v %v", held, err)
		}
		cs, _ := e.svc.Cases(analyst, warden.CaseOpen, 0)
		if len(cs) != 1 || cs[0].Reference != "customer:C4" || cs[0].ID != held.Cases[0] {
			t.Fatalf("queue: %+v", cs)
		}
		if _, err := e.svc.DecideCase(analyst, cs[0].ID, true, "same person: date of birth matches"); err != nil {
			t.Fatal(err)
		}
		held, _ = e.svc.Customer(auditor, "C4")
		if held.Status != warden.DecisionBlocked || held.Decision != warden.DecisionHeld {
			t.Errorf("after confirming: decision %s status %s", held.Decision, held.Status)
		}
		countsAgree(t, db)
		if es, _, _ := e.svc.Ledger(analyst, warden.LedgerFilter{}); len(es) != 0 {
			t.Errorf("a confirmed customer case wrote the ledger: %+v", es)
		}

		blocked, err := e.svc.Customers(auditor, warden.CustomerFilter{Status: warden.DecisionBlocked})
		if err != nil || len(blocked) != 2 || blocked[0].ID != "C2" || blocked[1].ID != "C4" {
			t.Errorf("blocked customers: %+v %v", blocked, err)
		}
		page, _ := e.svc.Customers(auditor, warden.CustomerFilter{After: "C2", Limit: 1})
		if len(page) != 1 || page[0].ID != "C3" {
			t.Errorf("page after C2: %+v", page)
		}
		if _, err := e.svc.Customers(auditor, warden.CustomerFilter{Status: "frozen"}); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("unknown status: %v", err)
		}
		if _, err := e.svc.Customer(auditor, "nobody"); warden.ErrorCode(err) != warden.ENOTFOUND {
			t.Errorf("unknown customer: %v", err)
		}
		// Rejected customers are not rejected payments.
		if r, _ := e.svc.RejectedReport(analyst, e.now.AddDate(0, 0, -1)); len(r.Rows) != 0 {
			t.Errorf("rejected report lists customers: %v", r.Rows)
		}
	})
}

func TestImport(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := setup(t, db)
		clerk := as("kyc", warden.RoleScreener)
		in := "\ufeffID,Name,Schema,Country,Wallet,Identifiers,Birth_Date\n" +
			"K1,Jane Doe,Person,US,,\n" +
			"K2,,,,\"" + wallet + "\",\n" +
			"K3,Bad Schema,Ship,,,\n" +
			"K4,\"Ivanov, Petr Sergeevich\",Person,RU,,P-1;P-2,1970-03-04\n" +
			",No Id,,,,\n"
		cs, lines, err := enforcement.ReadCustomers(strings.NewReader(in), "k.csv")
		if err != nil || len(cs) != 5 || !slices.Equal(lines, []int{2, 3, 4, 5, 6}) || !slices.Equal(cs[3].Identifiers, []string{"P-1", "P-2"}) {
			t.Fatalf("read: %+v %v %v", cs, lines, err)
		}
		calls := 0
		rows, sum, err := e.svc.Import(clerk, cs, lines, func() { calls++ })
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range rows {
			got = append(got, r.ID+":"+r.Decision)
		}
		if !slices.Equal(got, []string{"K1:cleared", "K2:blocked", "K3:", "K4:rejected", ":"}) || calls != 5 {
			t.Errorf("rows %v (progress called %d times)", got, calls)
		}
		if rows[2].Error == "" || rows[2].Line != 4 || rows[4].Error == "" {
			t.Errorf("bad rows: %+v %+v", rows[2], rows[4])
		}
		if sum.Rows != 5 || sum.Errors != 2 || sum.Decision[warden.DecisionBlocked] != 1 {
			t.Errorf("summary %+v", sum)
		}
		// Importing again registers nothing twice.
		_, sum, _ = e.svc.Import(clerk, cs, lines, nil)
		if sum.Existed != 3 || sum.Errors != 2 {
			t.Errorf("again: %+v", sum)
		}
		countsAgree(t, db)
		if _, _, err := enforcement.ReadCustomers(strings.NewReader("name,country\nA,B\n"), "k.csv"); warden.ErrorCode(err) != warden.EINVALID || !strings.Contains(err.Error(), "needs id") {
			t.Errorf("no id column: %v", err)
		}
	})
}

func TestRescreen(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := setup(t, db)
		clerk, analyst, auditor := as("kyc", warden.RoleScreener), as("anna", warden.RoleAnalyst), as("audrey", warden.RoleAuditor)
		for _, c := range []warden.Customer{
			{ID: "C1", Name: "Jane Doe", Country: "US"},
			{ID: "C2", Schema: warden.SchemaPerson, Name: "Boris Ivanovich Grebenshchikov", Country: "CY"},
			{ID: "C3", Name: "Andrei Kolosov Petrovich", Account: "DE-77"},
			{ID: "C4", Wallet: wallet},
		} {
			if _, _, err := e.svc.Onboard(clerk, c); err != nil {
				t.Fatal(err)
			}
		}
		countsAgree(t, db)
		// C3 was held; an analyst clears it as a false positive.
		c3, _ := e.svc.Customer(auditor, "C3")
		if _, err := e.svc.DecideCase(analyst, c3.Cases[0], false, "born 1990, not the listed person"); err != nil {
			t.Fatal(err)
		}
		countsAgree(t, db)
		res, err := e.svc.RescreenIfNew(clerk)
		if err != nil || res.Skipped || res.Customers != 3 || res.Changed != 0 {
			t.Errorf("first re-screening: %+v %v", res, err)
		}
		if res, err := e.svc.RescreenIfNew(clerk); err != nil || !res.Skipped {
			t.Errorf("again against the same lists: %+v %v", res, err)
		}

		// A new list names C2.
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
		*e.now = e.now.Add(24 * time.Hour)
		res, err = e.svc.RescreenIfNew(clerk)
		if err != nil || res.Skipped || res.Customers != 3 || res.Changed != 1 || res.Decisions[warden.DecisionBlocked] != 1 {
			t.Errorf("after the new list: %+v %v", res, err)
		}
		countsAgree(t, db)
		c2, _ := e.svc.Customer(auditor, "C2")
		if c2.Decision != warden.DecisionCleared || c2.Status != warden.DecisionBlocked || !c2.RescreenedAt.Equal(*e.now) || len(c2.Hits) != 1 || c2.Hits[0].EntityID != "uk:CYB0042" {
			t.Errorf("C2 after re-screening: %+v", c2)
		}
		// The false positive cleared before stays cleared; C1 is untouched.
		for _, id := range []string{"C1", "C3"} {
			if c, _ := e.svc.Customer(auditor, id); c.Status != warden.DecisionCleared {
				t.Errorf("%s after re-screening: %s %+v", id, c.Status, c.Hits)
			}
		}
		// Only cleared customers are screened again: C2 is not visited twice.
		if res, err := e.svc.Rescreen(clerk, nil); err != nil || res.Customers != 2 || res.Changed != 0 {
			t.Errorf("explicit re-screening: %+v %v", res, err)
		}
		if _, err := e.svc.Rescreen(auditor, nil); warden.ErrorCode(err) != warden.EFORBIDDEN {
			t.Errorf("an auditor re-screening: %v", err)
		}
	})
}

// TestSeededCustomersCounted: the benchmarks' register, seeded in bulk
// (store.SeedClearedCustomers), is counted as onboarding counts.
func TestSeededCustomersCounted(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := setup(t, db)
		if _, _, err := e.svc.Onboard(as("kyc", warden.RoleScreener), warden.Customer{ID: "A1", Name: "Andrei Kolosov Petrovich", Account: "DE-77"}); err != nil {
			t.Fatal(err)
		}
		cs := []warden.Customer{{ID: "S1", Name: "Jane Roe"}, {ID: "S2", Name: "John Roe"}, {ID: "S3", Name: "Joan Roe"}}
		if err := db.SeedClearedCustomers(context.Background(), cs, *e.now); err != nil {
			t.Fatal(err)
		}
		if n, err := db.CountCustomers(context.Background(), warden.DecisionCleared); err != nil || n != 3 {
			t.Errorf("cleared customers counted: %d %v, want 3", n, err)
		}
		countsAgree(t, db)
	})
}

// countsAgree checks that the customers counted per status (as
// customer_counts keeps them with every change) are the customers listed
// with that status, and all of them together the register.
func countsAgree(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	all := 0
	for _, status := range []string{warden.DecisionCleared, warden.DecisionHeld, warden.DecisionBlocked, warden.DecisionRejected} {
		cs, err := db.Customers(ctx, warden.CustomerFilter{Status: status, Limit: 10000})
		if err != nil {
			t.Fatal(err)
		}
		if n, err := db.CountCustomers(ctx, status); err != nil || n != len(cs) {
			t.Errorf("%s customers counted %d %v; %d listed", status, n, err, len(cs))
		}
		all += len(cs)
	}
	if n, err := db.CountCustomers(ctx, ""); err != nil || n != all {
		t.Errorf("customers counted %d %v; %d listed", n, err, all)
	}
}
