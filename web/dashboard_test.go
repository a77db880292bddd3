package web

import (
	"context"
	"encoding/json"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"warden"
	"warden/enforcement"
	"warden/store"
	"warden/store/storetest"
)

// TestDashboard: the dashboard shows, as of a fixed day, the bundled-era
// OFAC list as stale (its 2024-07-02 date) beside a fresh one, open cases
// by age, a blocking with its report deadline and a customer whose status
// changed, numbers with thousands separators; each part only to the roles
// allowed its data. On SQLite and PostgreSQL.
func TestDashboard(t *testing.T) {
	storetest.Engines(t, testDashboard)
}

func testDashboard(t *testing.T, db *store.DB) {
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC) // a Monday
	db.SetClock(func() time.Time { return now })
	p := newPlatform(t, db, func(s *Server) { s.Now = func() time.Time { return now } })
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)

	// A fresh list with a wallet, 1,204 parties so the count needs its
	// separator.
	im, err := db.BeginImport(ctx, "cyber", "ftm", false)
	if err != nil {
		t.Fatal(err)
	}
	im.Put(&warden.Entity{SourceID: "w1", Schema: warden.SchemaOrganization, Names: []warden.Name{{Full: "BLENDER.IO", Kind: warden.NamePrimary}}, Programs: []string{"CYBER2"},
		Identifiers: []warden.Identifier{{Type: warden.IDCrypto, Value: "3K35dyL85fR9ht7UgzPfd1gLRRXQtNTqE3", Currency: "XBT"}}})
	for i := range 1203 {
		im.Put(&warden.Entity{SourceID: "p" + itoa(int64(i)), Schema: warden.SchemaPerson, Names: []warden.Name{{Full: "Person Number " + itoa(int64(i)) + " Zqx", Kind: warden.NamePrimary}}})
	}
	if _, err := im.Commit(warden.SourceMeta{Published: "2026-11-28"}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.s.Screening.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	// The shipped policy holds hits on lists it does not name: this one
	// blocks, as a sanctions list does (docs/policy.md).
	p.s.Enforcement.Policy.Lists["cyber"] = enforcement.ListPolicy{Default: warden.HitBlock}
	// Three days ago: a payment to the wallet (blocked) and one to a
	// listed name (held for review); today a customer held, then cleared.
	now = now.Add(-72 * time.Hour)
	blocked, _, err := p.s.Enforcement.Screen(ctx, warden.Transaction{Reference: "PAY-1", Amount: warden.Money{Currency: "USD", Minor: 123456789},
		Parties: []warden.TxParty{{Role: "beneficiary", Wallet: "3K35dyL85fR9ht7UgzPfd1gLRRXQtNTqE3", Account: "ACC-9"}}})
	if err != nil || blocked.Decision != warden.DecisionBlocked {
		t.Fatalf("wallet payment: %+v %v", blocked, err)
	}
	held, _, err := p.s.Enforcement.Screen(ctx, warden.Transaction{Reference: "PAY-2", Amount: warden.Money{Currency: "USD", Minor: 1000},
		Parties: []warden.TxParty{{Role: "beneficiary", Name: "YAKUBETS"}}})
	if err != nil || held.Decision != warden.DecisionHeld {
		t.Fatalf("name payment: %+v %v", held, err)
	}
	now = now.Add(72 * time.Hour)
	c, _, err := p.s.Enforcement.Onboard(ctx, warden.Customer{ID: "C-77", Name: "YAKUBETS"})
	if err != nil || c.Status != warden.DecisionHeld || len(c.Cases) != 1 {
		t.Fatalf("customer: %+v %v", c, err)
	}
	if _, err := p.s.Enforcement.DecideCase(ctx, c.Cases[0], false, "a namesake: other birth date"); err != nil {
		t.Fatal(err)
	}

	page := func(role warden.Role) string {
		resp := p.do(t, "GET", "/", p.tokens[role], "", "")
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: dashboard %d %s", role, resp.StatusCode, b)
		}
		return string(b)
	}
	admin := page(warden.RoleAdmin)
	for _, want := range []string{
		`<strong><bdi>ofac</bdi></strong>: list date 2024-07-02 is 881 days old, more than 30 days.`, // the stale warning
		`id="stale-count">1 stale`,
		`<td class="num">1,204</td>`, // the fresh list's parties
		`id="parties">1,205<`,
		`<span class="badge ok">fresh</span>`,
		`<svg class="chart" role="img" aria-label="Age of each list&#39;s date, in days"`,
		`<svg class="chart" role="img" aria-label="Open cases by age"`,
		`id="open-cases">1<`, // the held payment's case; the customer's is cleared
		`<td class="num">USD 1,234,567.89</td>`,
		`<td>2026-12-11</td>`, // 10 business days after Friday 27 November
		`due in 11 days`,
		`<bdi>C-77</bdi>`,
	} {
		if !strings.Contains(admin, want) {
			t.Errorf("admin's dashboard lacks %s", want)
		}
	}
	// The case chart: one case, opened 72 hours ago, in the 1–3 days bucket, none in the others.
	if bars := regexp.MustCompile(`<g class="bar"><text[^>]*>1–3 days</text><rect[^>]*></rect><text[^>]*>1</text>`).FindString(admin); bars == "" {
		t.Error("the case chart has no bar of 1 in the 1–3 days bucket")
	}
	// Once its initial report is filed, a blocking says so instead of
	// counting down.
	if _, err := p.s.Enforcement.FileReport(ctx, warden.ReportInitial, "PAY-1", "OFAC-2026-0042", ""); err != nil {
		t.Fatal(err)
	}
	if filed := page(warden.RoleAdmin); !strings.Contains(filed, "report filed "+now.Format(time.DateOnly)) || strings.Contains(filed, "due in 11 days") {
		t.Error("the filed blocking's report is still shown as due")
	}
	// A liaison reads lists but not cases, the ledger or customers.
	liaison := page(warden.RoleLiaison)
	if !strings.Contains(liaison, "list date 2024-07-02 is 881 days old") {
		t.Error("the liaison sees no stale list")
	}
	for _, hidden := range []string{"Open cases by age", "Blockings and their initial reports", "Customers whose status changed", "C-77", "PAY-1"} {
		if strings.Contains(liaison, hidden) {
			t.Errorf("the liaison's dashboard shows %q", hidden)
		}
	}
	// A counterpart may not open it.
	if resp := p.do(t, "GET", "/", p.tokens[warden.RoleCounterpart], "", ""); resp.StatusCode != 403 {
		t.Errorf("counterpart: %d", resp.StatusCode)
	}
}

// TestListChecksAPI: an identical re-import of a list is a check, listed
// by GET /v1/lists/{name}/checks and on the list's page, for lists.read.
func TestListChecksAPI(t *testing.T) {
	db := storetest.OpenSQLite(t)
	p := newPlatform(t, db, nil)
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	im, err := db.BeginImport(ctx, "ofac", "ofac-csv", false)
	if err != nil {
		t.Fatal(err)
	}
	im.Put(&warden.Entity{SourceID: "26663", Schema: warden.SchemaPerson, Names: []warden.Name{{Full: "YAKUBETS, Maksim Viktorovich", Kind: warden.NamePrimary}}, Programs: []string{"CYBER2"},
		Nationalities: []string{"RU"}}) // as newPlatform lists him
	if !im.Unchanged() {
		t.Fatal("the same party is a change")
	}
	if _, err := im.Check(warden.SourceMeta{Published: "2024-07-03"}); err != nil {
		t.Fatal(err)
	}
	resp := p.do(t, "GET", "/v1/lists/ofac/checks", p.tokens[warden.RoleAuditor], "", "")
	var got struct{ Checks []warden.ListCheck }
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || resp.StatusCode != 200 || len(got.Checks) != 1 ||
		got.Checks[0].Version != 1 || got.Checks[0].Published != "2024-07-03" || got.Checks[0].Actor != "operator" {
		t.Errorf("checks: %d %+v %v", resp.StatusCode, got, err)
	}
	resp = p.do(t, "GET", "/lists/ofac", p.tokens[warden.RoleAnalyst], "", "")
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(string(b), `<table id="checks">`) || !strings.Contains(string(b), "<td>2024-07-03</td>") {
		t.Errorf("list page: %d, no check in it", resp.StatusCode)
	}
	if resp := p.do(t, "GET", "/v1/lists/ofac/checks", p.tokens[warden.RoleCounterpart], "", ""); resp.StatusCode != 403 {
		t.Errorf("counterpart: %d", resp.StatusCode)
	}
	if resp := p.do(t, "GET", "/v1/lists/nope/checks", p.tokens[warden.RoleAnalyst], "", ""); resp.StatusCode != 404 {
		t.Errorf("unknown list: %d", resp.StatusCode)
	}
}

// TestThousands: counts and amounts are written with separators.
func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 15443: "15,443", 1234567: "1,234,567", -4500: "-4,500"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
	if got := thousandsMinor(warden.Money{Currency: "USD", Minor: 123456789}); got != "1,234,567.89" {
		t.Errorf("thousandsMinor = %q", got)
	}
}
