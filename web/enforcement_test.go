package web

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/url"
	"strings"
	"testing"
	"time"

	"warden"
	"warden/store"
	"warden/store/storetest"
)

func TestTransactionsAPI(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		now := time.Date(2026, 6, 26, 10, 0, 0, 0, time.UTC) // a Friday
		p := newPlatform(t, db, func(s *Server) { s.Now = func() time.Time { return now } })
		screener := p.tokens[warden.RoleScreener]
		const blocked = `{"reference":"r1","amount":{"currency":"EUR","minor":1250000},"parties":[
			{"role":"originator","name":"Jane Doe","account":"DE-1"},{"role":"beneficiary","name":"Maksim Yakubets","country":"RU","account":"RU-9"}]}`
		for _, tc := range []struct {
			name, body string
			status     int
			decision   string
		}{
			{"blocked", blocked, 200, "blocked"},
			{"cleared", `{"reference":"r2","amount":{"currency":"USD","minor":5},"parties":[{"role":"beneficiary","name":"John Smith"}]}`, 200, "cleared"},
			{"negative", `{"reference":"r3","amount":{"currency":"USD","minor":-5},"parties":[{"role":"beneficiary","name":"John Smith"}]}`, 400, ""},
			{"float money", `{"reference":"r4","amount":{"currency":"USD","minor":5.5},"parties":[{"role":"beneficiary","name":"John Smith"}]}`, 400, ""},
			{"unknown currency", `{"reference":"r5","amount":{"currency":"ZZZ","minor":5},"parties":[{"role":"beneficiary","name":"John Smith"}]}`, 400, ""},
			{"nothing to screen", `{"reference":"r6","amount":{"currency":"USD","minor":5},"parties":[{"role":"beneficiary","country":"RU"}]}`, 400, ""},
			{"malformed", `{"reference":`, 400, ""},
		} {
			resp := p.do(t, "POST", "/v1/transactions", screener, "application/json", tc.body)
			var d warden.TxDecision
			b, _ := io.ReadAll(resp.Body)
			json.Unmarshal(b, &d)
			if resp.StatusCode != tc.status || d.Decision != tc.decision {
				t.Errorf("%s: %d %s", tc.name, resp.StatusCode, b)
			}
			if tc.status == 400 && !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
				t.Errorf("%s: error as %s", tc.name, resp.Header.Get("Content-Type"))
			}
		}
		resp := p.do(t, "POST", "/v1/transactions", screener, "application/json", blocked)
		if resp.StatusCode != 200 || resp.Header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("replay: %d, Idempotent-Replayed %q", resp.StatusCode, resp.Header.Get("Idempotent-Replayed"))
		}

		auditor := p.tokens[warden.RoleAuditor]
		var ledger struct {
			Entries  []warden.LedgerEntry `json:"entries"`
			Balances []warden.Balance     `json:"balances"`
		}
		resp = p.do(t, "GET", "/v1/blocked-property?currency=EUR", auditor, "", "")
		json.NewDecoder(resp.Body).Decode(&ledger)
		if len(ledger.Entries) != 1 || ledger.Entries[0].Holder != "RU-9" || ledger.Entries[0].EntityID != "ofac:26663" || len(ledger.Balances) != 1 {
			t.Errorf("ledger: %+v", ledger)
		}
		for _, path := range []string{"/v1/blocked-property?limit=0", "/v1/cases?limit=abc", "/v1/customers?limit=1001"} {
			if resp := p.do(t, "GET", path, auditor, "", ""); resp.StatusCode != 400 {
				t.Errorf("%s: %d", path, resp.StatusCode)
			}
		}

		// The reports, in each format, in July.
		now = time.Date(2026, 7, 14, 10, 0, 0, 0, time.UTC)
		var rep struct {
			Columns []string   `json:"columns"`
			Rows    [][]string `json:"rows"`
		}
		resp = p.do(t, "GET", "/v1/reports/initial", auditor, "", "")
		json.NewDecoder(resp.Body).Decode(&rep)
		if resp.StatusCode != 200 || len(rep.Rows) != 1 || rep.Rows[0][3] != "r1" || rep.Rows[0][1] != "2026-07-10" || rep.Rows[0][2] != "overdue" {
			t.Errorf("initial report: %d %+v", resp.StatusCode, rep)
		}
		resp = p.do(t, "GET", "/v1/reports/initial?format=csv", auditor, "", "")
		defer resp.Body.Close()
		rows, err := csv.NewReader(resp.Body).ReadAll()
		if err != nil || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" || len(rows) != 2 || rows[0][0] != "Blocked on" || rows[1][9] != "12500.00" ||
			!strings.Contains(resp.Header.Get("Content-Disposition"), "initial-reports-of-blocked-property-") {
			t.Errorf("initial report as CSV: %v %v %v", rows, err, resp.Header)
		}
		resp = p.do(t, "GET", "/v1/reports/annual?format=html", auditor, "", "")
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || !strings.Contains(string(b), "Annual report of blocked property as of June 30") || !strings.Contains(string(b), "RU-9") {
			t.Errorf("annual report page: %d %s", resp.StatusCode, b)
		}
		for path, want := range map[string]int{
			"/v1/reports/annual?year=abc":           400,
			"/v1/reports/annual?year=1900":          400,
			"/v1/reports/rejected?since=yesterday":  400,
			"/v1/reports/rejected?format=xml":       400,
			"/v1/reports/rejected?since=2026-01-01": 200,
		} {
			if resp := p.do(t, "GET", path, auditor, "", ""); resp.StatusCode != want {
				t.Errorf("%s: %d, want %d", path, resp.StatusCode, want)
			}
		}

		// The ledger page.
		resp = p.do(t, "GET", "/ledger?entity=ofac:26663", auditor, "", "")
		b, _ = io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || !strings.Contains(string(b), "EUR 12500.00") || !strings.Contains(string(b), "Maksim Yakubets scored") {
			t.Errorf("ledger page: %d %s", resp.StatusCode, b)
		}
		if resp := p.do(t, "GET", "/ledger?after=-1", auditor, "", ""); resp.StatusCode != 400 {
			t.Errorf("ledger page with a bad filter: %d", resp.StatusCode)
		}
	})
}

func TestCustomersAPI(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		p := newPlatform(t, db, nil)
		clerk, auditor := p.tokens[warden.RoleScreener], p.tokens[warden.RoleAuditor]
		resp := p.do(t, "POST", "/v1/customers", clerk, "application/json", `{"id":"C1","schema":"Person","name":"Maksim Viktorovich Yakubets","country":"RU"}`)
		var c warden.Customer
		json.NewDecoder(resp.Body).Decode(&c)
		if resp.StatusCode != 201 || c.Decision != "blocked" || len(c.Hits) != 1 || c.Hits[0].EntityID != "ofac:26663" {
			t.Errorf("onboard: %d %+v", resp.StatusCode, c)
		}
		resp = p.do(t, "POST", "/v1/customers", clerk, "application/json", `{"id":"C1","schema":"Person","name":"Maksim Viktorovich Yakubets","country":"RU"}`)
		if resp.StatusCode != 200 || resp.Header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("again: %d", resp.StatusCode)
		}
		for body, want := range map[string]int{
			`{"id":"C1","name":"Someone Else"}`:           409,
			`{"id":"C2"}`:                                 400,
			`{"id":"C2","name":"A B","decision":"clear"}`: 201, // Warden's fields are Warden's to set
			`{"id":"C3","name":"A B","schema":"Vessel"}`:  400,
			`{"id":"C4","name":"A B","colour":"red"}`:     400,
		} {
			if resp := p.do(t, "POST", "/v1/customers", clerk, "application/json", body); resp.StatusCode != want {
				b, _ := io.ReadAll(resp.Body)
				t.Errorf("%s: %d, want %d: %s", body, resp.StatusCode, want, b)
			}
		}

		csvBody := "id,name,country\nK1,Jane Doe,US\nK2,Maksim Yakubets,RU\nK3,,\n"
		resp = p.do(t, "POST", "/v1/customers/import", clerk, "text/csv", csvBody)
		var imp struct {
			Summary struct {
				Rows, Errors int
				Decisions    map[string]int
			}
			Rows []struct {
				Line     int
				ID       string
				Decision string
				Error    string
			}
		}
		b, _ := io.ReadAll(resp.Body)
		json.Unmarshal(b, &imp)
		if resp.StatusCode != 200 || imp.Summary.Rows != 3 || imp.Summary.Errors != 1 || imp.Summary.Decisions["blocked"] != 1 || imp.Rows[2].Line != 4 || imp.Rows[2].Error == "" {
			t.Errorf("import: %d %s", resp.StatusCode, b)
		}
		if resp := p.do(t, "POST", "/v1/customers/import", clerk, "application/json", csvBody); resp.StatusCode != 400 {
			t.Errorf("import as JSON: %d", resp.StatusCode)
		}
		if resp := p.do(t, "POST", "/v1/customers/import", clerk, "text/csv", "name\nx\n"); resp.StatusCode != 400 {
			t.Errorf("import without an id column: %d", resp.StatusCode)
		}
		if resp := p.do(t, "POST", "/v1/customers/import", clerk, "text/csv", "id,name\n"+strings.Repeat("x", maxImportBody)); resp.StatusCode != 413 {
			t.Errorf("import too large: %d, want 413", resp.StatusCode)
		}

		var list struct{ Customers []warden.Customer }
		resp = p.do(t, "GET", "/v1/customers?status=blocked", auditor, "", "")
		json.NewDecoder(resp.Body).Decode(&list)
		if len(list.Customers) != 2 || list.Customers[0].ID != "C1" || list.Customers[1].ID != "K2" {
			t.Errorf("blocked customers: %+v", list.Customers)
		}
		if resp := p.do(t, "GET", "/v1/customers/K1", auditor, "", ""); resp.StatusCode != 200 {
			t.Errorf("one customer: %d", resp.StatusCode)
		}
		if resp := p.do(t, "GET", "/v1/customers/nobody", auditor, "", ""); resp.StatusCode != 404 {
			t.Errorf("unknown customer: %d", resp.StatusCode)
		}
		resp = p.do(t, "POST", "/v1/customers/rescreen", clerk, "", "")
		var rs struct {
			Versions           map[string]int // a JSON object, not a Go map printed as a string
			Customers, Changed int
		}
		err := json.NewDecoder(resp.Body).Decode(&rs)
		if err != nil || resp.StatusCode != 200 || rs.Versions["ofac"] != 1 || rs.Customers != 2 || rs.Changed != 0 { // K1 and C2 are cleared
			t.Errorf("rescreen: %d %+v", resp.StatusCode, rs)
		}
		resp = p.do(t, "GET", "/customers?status=blocked", auditor, "", "")
		b, _ = io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || !strings.Contains(string(b), "Maksim Viktorovich Yakubets") || strings.Contains(string(b), "Jane Doe") {
			t.Errorf("customers page: %d %s", resp.StatusCode, b)
		}
	})
}

// TestLedgerAtCeilingAPI: the two payments of the largest int64
// are 400s, and a ledger of payments at the ceiling answers 200, exactly,
// on the API and the ledger page.
func TestLedgerAtCeilingAPI(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		p := newPlatform(t, db, nil)
		screener, auditor := p.tokens[warden.RoleScreener], p.tokens[warden.RoleAuditor]
		payment := func(ref string, minor int64) string {
			return fmt.Sprintf(`{"reference":%q,"amount":{"currency":"EUR","minor":%d},"parties":[{"role":"beneficiary","name":"Maksim Yakubets","country":"RU","account":"RU-9"}]}`, ref, minor)
		}
		for i, minor := range []int64{math.MaxInt64, math.MaxInt64, warden.MaxMinor + 1} {
			if resp := p.do(t, "POST", "/v1/transactions", screener, "application/json", payment(fmt.Sprint("over", i), minor)); resp.StatusCode != 400 {
				t.Errorf("a payment of %d: %d", minor, resp.StatusCode)
			}
		}
		for i := range 3 {
			if resp := p.do(t, "POST", "/v1/transactions", screener, "application/json", payment(fmt.Sprint("max", i), warden.MaxMinor)); resp.StatusCode != 200 {
				t.Fatalf("a payment at the ceiling: %d", resp.StatusCode)
			}
		}
		var ledger struct {
			Entries  []warden.LedgerEntry `json:"entries"`
			Balances []warden.Balance     `json:"balances"`
		}
		resp := p.do(t, "GET", "/v1/blocked-property", auditor, "", "")
		json.NewDecoder(resp.Body).Decode(&ledger)
		if resp.StatusCode != 200 || len(ledger.Entries) != 3 || len(ledger.Balances) != 1 || ledger.Balances[0].Amount != (warden.Money{Currency: "EUR", Minor: 3 * warden.MaxMinor}) {
			t.Errorf("ledger: %d %+v", resp.StatusCode, ledger)
		}
		resp = p.do(t, "GET", "/ledger", auditor, "", "")
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || !strings.Contains(string(b), "EUR 30000000000000.00") {
			t.Errorf("ledger page: %d %s", resp.StatusCode, b)
		}
	})
}

// TestReleaseFormAmounts: the release form reads amounts strictly: commas
// only between groups of three digits, never as a decimal separator.
func TestReleaseFormAmounts(t *testing.T) {
	p := newPlatform(t, storetest.OpenSQLite(t), nil)
	body := `{"reference":"b1","amount":{"currency":"EUR","minor":500000},"parties":[{"role":"beneficiary","name":"Maksim Yakubets","country":"RU","account":"RU-9"}]}`
	if resp := p.do(t, "POST", "/v1/transactions", p.tokens[warden.RoleScreener], "application/json", body); resp.StatusCode != 200 {
		t.Fatalf("payment: %d", resp.StatusCode)
	}
	licence := `{"number":"L1","issuer":"OFAC","kind":"specific","entities":["ofac:26663"]}`
	if resp := p.do(t, "POST", "/v1/licences", p.tokens[warden.RoleSanctionsOfficer], "application/json", licence); resp.StatusCode != 201 {
		t.Fatalf("licence: %d", resp.StatusCode)
	}
	analyst := p.tokens[warden.RoleAnalyst]
	for _, tc := range []struct {
		amount string
		status int
		shown  string
	}{
		{"10,00", 400, "commas only between groups of three"},
		{"1,0,0.00", 400, "commas only between groups of three"},
		{"1,000.5,0", 400, "commas only between groups of three"},
		{"100,000,000,000,000.00", 400, "at most EUR 10000000000000.00"},
		{"1,000.00", 202, "Proposed releasing EUR 1000.00"},
	} {
		form := url.Values{"holder": {"RU-9"}, "entity": {"ofac:26663"}, "currency": {"EUR"}, "amount": {tc.amount}, "licence": {"L1"}, "reason": {"wind-down"}}
		resp := p.do(t, "POST", "/releases", analyst, "application/x-www-form-urlencoded", form.Encode())
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != tc.status || !strings.Contains(string(b), tc.shown) {
			t.Errorf("amount %q: %d, want %d showing %q", tc.amount, resp.StatusCode, tc.status, tc.shown)
		}
	}
	if resp := p.do(t, "POST", "/v1/releases", analyst, "application/json",
		fmt.Sprintf(`{"holder":"RU-9","entity_id":"ofac:26663","amount":{"currency":"EUR","minor":%d},"licence":"L1","reason":"x"}`, warden.MaxMinor+1)); resp.StatusCode != 400 {
		t.Errorf("a release above the ceiling: %d", resp.StatusCode)
	}
}
