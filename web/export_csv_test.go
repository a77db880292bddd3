package web

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"warden"
	"warden/store"
	"warden/store/storetest"
)

// exportRows is past one page of the UI (lists.MaxChanges, 5,000) and
// several of an export (exportPage).
const exportRows = 5003

// readCSV reads an export: its status, content type and rows.
func readCSV(t *testing.T, resp *http.Response) [][]string {
	t.Helper()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("export: %d %q %q: %s", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"), body(t, resp))
	}
	rows, err := csv.NewReader(resp.Body).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestCustomersCSV: the customer export holds every customer past 5,000,
// each once, in order, with its status and hits; the status filter keeps
// to it; a bad status is a 400, a role without customers.read a 403.
func TestCustomersCSV(t *testing.T) {
	storetest.Engines(t, testCustomersCSV)
}

func testCustomersCSV(t *testing.T, db *store.DB) {
	p := newPlatform(t, db, nil)
	ctx := warden.WithPrincipal(context.Background(), warden.Principal{Name: "loader", Role: warden.RoleAnalyst, Org: warden.HomeOrg, Kind: "token"})
	cs := make([]warden.Customer, exportRows)
	lines := make([]int, exportRows)
	for i := range cs {
		cs[i] = warden.Customer{ID: fmt.Sprintf("C%05d", i), Schema: warden.SchemaPerson, Name: fmt.Sprintf("Customer Number %d", i), Country: "GB"}
		lines[i] = i + 2
	}
	cs[4242].Name = "Maksim Yakubets" // one held or blocked
	if _, _, err := p.s.Enforcement.Import(ctx, cs, lines, nil); err != nil {
		t.Fatal(err)
	}
	auditor := p.tokens[warden.RoleAuditor]
	rows := readCSV(t, p.do(t, "GET", "/v1/customers.csv", auditor, "", ""))
	if len(rows) != exportRows+1 || rows[0][0] != "id" || rows[0][8] != "status" {
		t.Fatalf("%d rows, header %v", len(rows), rows[0])
	}
	for i, row := range rows[1:] {
		if row[0] != cs[i].ID || row[1] != cs[i].Name {
			t.Fatalf("row %d: %v, want %s", i+1, row[:2], cs[i].ID)
		}
	}
	hit := rows[4243]
	if hit[8] == warden.DecisionCleared || !strings.Contains(hit[10], "ofac:26663") || !strings.Contains(hit[11], "CYBER2") {
		t.Errorf("the customer hit: %v", hit)
	}
	cleared := readCSV(t, p.do(t, "GET", "/v1/customers.csv?status=cleared", auditor, "", ""))
	if len(cleared) != exportRows {
		t.Errorf("cleared: %d rows, want %d", len(cleared), exportRows)
	}
	for _, row := range cleared[1:] {
		if row[8] != warden.DecisionCleared {
			t.Fatalf("cleared export holds %v", row)
		}
	}
	if resp := p.do(t, "GET", "/v1/customers.csv?status=maybe", auditor, "", ""); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("bad status: %d", resp.StatusCode)
	}
	if resp := p.do(t, "GET", "/v1/customers.csv", p.tokens[warden.RoleScreener], "", ""); resp.StatusCode != http.StatusForbidden {
		t.Errorf("screener: %d", resp.StatusCode)
	}
	// The register's page links the export with its filter.
	if _, b := p.get(t, warden.RoleAuditor, "/customers?status=held"); !strings.Contains(b, `href="/v1/customers.csv?status=held"`) {
		t.Errorf("the customers page does not link the export")
	}
}

// TestChangesCSV: a version's changes export holds every change past the
// page's 5,000 (added, then modified and removed in the next version);
// the version page links it.
func TestChangesCSV(t *testing.T) {
	p := newPlatform(t, storetest.OpenSQLite(t), nil)
	importParties(t, p, "big", exportRows, petrov)
	// Version 2: the first ten renamed, the last five gone.
	importParties(t, p, "big", exportRows-5, func(i int) *warden.Entity {
		e := petrov(i)
		if i < 10 {
			e.Names[0].Full = fmt.Sprintf("PETROV, Pyotr %d", i)
		}
		return e
	})
	tok := p.tokens[warden.RoleScreener]
	rows := readCSV(t, p.do(t, "GET", "/v1/lists/big/versions/1/changes.csv", tok, "", ""))
	if len(rows) != exportRows+1 || rows[0][0] != "change" {
		t.Fatalf("version 1: %d rows, want %d", len(rows), exportRows+1)
	}
	seen := map[string]bool{}
	for _, row := range rows[1:] {
		if row[0] != "added" || row[2] != "big" || seen[row[1]] {
			t.Fatalf("version 1: %v", row)
		}
		seen[row[1]] = true
	}
	rows = readCSV(t, p.do(t, "GET", "/v1/lists/big/versions/2/changes.csv", tok, "", ""))
	ops := map[string]int{}
	for _, row := range rows[1:] {
		ops[row[0]]++
	}
	if ops["modified"] != 10 || ops["removed"] != 5 || len(rows) != 16 {
		t.Errorf("version 2: %v in %d rows", ops, len(rows))
	}
	for path, want := range map[string]int{"/v1/lists/big/versions/3/changes.csv": 404, "/v1/lists/none/versions/1/changes.csv": 404, "/v1/lists/big/versions/x/changes.csv": 400} {
		if resp := p.do(t, "GET", path, tok, "", ""); resp.StatusCode != want {
			t.Errorf("%s: %d, want %d", path, resp.StatusCode, want)
		}
	}
	if code, b := p.get(t, warden.RoleAnalyst, "/lists/big/versions/1"); code != 200 || !strings.Contains(b, `href="/v1/lists/big/versions/1/changes.csv"`) || !strings.Contains(b, "the CSV holds them all") {
		t.Errorf("version page: %d", code)
	}
}
