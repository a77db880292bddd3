package enforcement_test

import (
	"slices"
	"testing"
	"time"

	"warden"
	"warden/enforcement"
	"warden/store"
	"warden/store/storetest"
)

func TestAddBusinessDays(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	christmas := map[string]bool{"2026-12-24": true, "2026-12-25": true}
	for _, tc := range []struct {
		from     string
		n        int
		want     string
		holidays map[string]bool
	}{
		{"2026-11-18", 1, "2026-11-19", nil},  // Wednesday to Thursday
		{"2026-11-20", 1, "2026-11-23", nil},  // Friday to Monday
		{"2026-11-21", 1, "2026-11-23", nil},  // Saturday to Monday
		{"2026-11-20", 10, "2026-12-04", nil}, // two working weeks
		{"2026-11-22", 10, "2026-12-04", nil}, // from a Sunday
		{"2026-11-18", 0, "2026-11-18", nil},
		{"2026-12-23", 2, "2026-12-29", christmas}, // Thursday and Friday are holidays
		{"2026-12-23", 2, "2026-12-25", nil},
	} {
		if got := enforcement.AddBusinessDays(day(tc.from), tc.n, tc.holidays).Format("2006-01-02"); got != tc.want {
			t.Errorf("%s + %d business days = %s, want %s", tc.from, tc.n, got, tc.want)
		}
	}
}

func TestAnnualYear(t *testing.T) {
	for now, want := range map[string]int{"2026-06-30": 2025, "2026-07-01": 2026, "2026-11-22": 2026, "2027-01-05": 2026} {
		d, _ := time.Parse("2006-01-02", now)
		if got := enforcement.AnnualYear(d); got != want {
			t.Errorf("AnnualYear(%s) = %d, want %d", now, got, want)
		}
	}
}

// column returns a report's cells in the named column.
func column(r enforcement.Report, name string) []string {
	i := slices.Index(r.Columns, name)
	var out []string
	for _, row := range r.Rows {
		out = append(out, row[i])
	}
	return out
}

func TestReports(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := setup(t, db)
		client, officer, analyst := as("payments", warden.RoleScreener), as("olga", warden.RoleSanctionsOfficer), as("anna", warden.RoleAnalyst)
		screen := func(at string, tx warden.Transaction) {
			t.Helper()
			*e.now, _ = time.Parse(time.RFC3339, at)
			if _, _, err := e.svc.Screen(client, tx); err != nil {
				t.Fatal(err)
			}
		}
		// Blocked on Wednesday June 10 2026; half released on June 20; a
		// second blocking after June 30; a rejection; a held payment
		// confirmed as a rejection.
		screen("2026-06-10T09:00:00Z", pay("june", 100000, us, evil))
		if _, err := e.svc.CreateLicence(officer, warden.Licence{Number: "L-1", Issuer: "OFAC", Kind: "general", Programs: []string{"CYBER2"}}); err != nil {
			t.Fatal(err)
		}
		*e.now = time.Date(2026, 6, 20, 0, 0, 0, 0, time.UTC)
		ap, err := e.svc.ProposeRelease(analyst, enforcement.Release{Holder: wallet, EntityID: "ofac:1", Amount: warden.Money{Currency: "USD", Minor: 40000}, Licence: "L-1", Reason: "wind-down"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Approvals.Decide(officer, ap.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		screen("2026-07-02T09:00:00Z", pay("july", 500, us, evil))
		screen("2026-08-03T09:00:00Z", pay("rej", 700, us, ivanov))
		screen("2026-11-20T09:00:00Z", pay("nov", 900, us, evil))
		// Held on September 1, confirmed as a rejection on September 3.
		screen("2026-09-01T09:00:00Z", pay("held", 300, us, kolosov))
		*e.now = time.Date(2026, 9, 3, 15, 0, 0, 0, time.UTC)
		e.svc.Policy.Programs["CYBER2"] = warden.HitReject
		d, _ := e.svc.Transaction(analyst, "held")
		if len(d.Cases) != 1 {
			t.Fatalf("held payment: %+v", d)
		}
		if _, err := e.svc.DecideCase(analyst, d.Cases[0], true, "same person"); err != nil {
			t.Fatal(err)
		}
		delete(e.svc.Policy.Programs, "CYBER2")
		*e.now = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

		initial, err := e.svc.InitialReports(analyst)
		if err != nil {
			t.Fatal(err)
		}
		if got := column(initial, "reference"); !slices.Equal(got, []string{"june", "july", "nov"}) {
			t.Errorf("initial reports for %v, want the three blockings", got)
		}
		if got := column(initial, "deadline"); !slices.Equal(got, []string{"2026-06-24", "2026-07-16", "2026-12-04"}) {
			t.Errorf("deadlines %v", got)
		}
		if got := column(initial, "deadline_status"); got[0] != "overdue" || got[2] != "due in 12 days" {
			t.Errorf("deadline status %v", got)
		}

		annual, err := e.svc.AnnualReport(analyst, 2026)
		if err != nil {
			t.Fatal(err)
		}
		if len(annual.Rows) != 1 || column(annual, "amount")[0] != "600.00" || column(annual, "party")[0] != "ofac:1" || column(annual, "holder")[0] != wallet {
			t.Errorf("annual 2026: %v", annual.Rows)
		}
		if a, err := e.svc.AnnualReport(analyst, 2025); err != nil || len(a.Rows) != 0 {
			t.Errorf("annual 2025 (nothing blocked yet): %v %v", a.Rows, err)
		}
		if _, err := e.svc.AnnualReport(analyst, 1066); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("year 1066: %v", err)
		}

		rejected, err := e.svc.RejectedReport(analyst, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if got := column(rejected, "reference"); !slices.Equal(got, []string{"rej", "held"}) || column(rejected, "listed_party")[0] != "ofac:2" || column(rejected, "amount")[0] != "7.00" ||
			column(rejected, "rejected_on")[1] != "2026-09-03" || column(rejected, "listed_party")[1] != "ofac:3" {
			t.Errorf("rejected: %v", rejected.Rows)
		}
		if r, _ := e.svc.RejectedReport(analyst, time.Date(2026, 9, 2, 0, 0, 0, 0, time.UTC)); len(r.Rows) != 1 || r.Rows[0][1] != "held" {
			t.Errorf("rejected since September 2: %v", r.Rows)
		}
		if _, err := e.svc.InitialReports(client); warden.ErrorCode(err) != warden.EFORBIDDEN {
			t.Errorf("a screener reading reports: %v", err)
		}
	})
}

func TestPolicyCheck(t *testing.T) {
	for name, tc := range map[string]struct {
		edit func(*enforcement.Policy)
		ok   bool
	}{
		"default":           {func(*enforcement.Policy) {}, true},
		"holidays":          {func(p *enforcement.Policy) { p.Holidays = []string{"2026-12-25", "2027-01-01"} }, true},
		"bad holiday":       {func(p *enforcement.Policy) { p.Holidays = []string{"25/12/2026"} }, false},
		"review over match": {func(p *enforcement.Policy) { p.Review = 0.9 }, false},
		"unknown action":    {func(p *enforcement.Policy) { p.Programs = map[string]warden.HitAction{"CYBER2": "freeze"} }, false},
		"unknown default":   {func(p *enforcement.Policy) { p.Default = "allow" }, false},
		"hold and flag":     {func(p *enforcement.Policy) { p.Programs = map[string]warden.HitAction{"A": "hold", "B": "flag"} }, true},
		"list action":       {func(p *enforcement.Policy) { p.Lists["un"] = enforcement.ListPolicy{Default: "freeze"} }, false},
		"list program":      {func(p *enforcement.Policy) { p.Lists["un"].Programs["DPRK"] = "" }, false},
		"list name":         {func(p *enforcement.Policy) { p.Lists["UN:1"] = enforcement.ListPolicy{Default: "block"} }, false},
		"negative deadline": {func(p *enforcement.Policy) { p.CaseDeadlineDays = -1 }, false},
	} {
		p := enforcement.DefaultPolicy()
		if p.Lists["un"].Programs == nil {
			lp := p.Lists["un"]
			lp.Programs = map[string]warden.HitAction{}
			p.Lists["un"] = lp
		}
		tc.edit(&p)
		if err := p.Check(); (err == nil) != tc.ok {
			t.Errorf("%s: %v", name, err)
		}
	}
}
