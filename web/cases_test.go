package web

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"warden"
	"warden/store/storetest"
)

// heldPlatform is a platform whose policy holds every name hit (match
// 1), with payments held on the listed party.
func heldPlatform(t *testing.T, refs ...string) *platform {
	t.Helper()
	p := newPlatform(t, storetest.OpenSQLite(t), func(s *Server) {
		s.Enforcement.Policy.Match, s.Enforcement.Policy.Review = 1, 0.5
	})
	client := warden.WithPrincipal(context.Background(), warden.Principal{Name: "payments", Role: warden.RoleScreener, Org: warden.HomeOrg, Kind: "token"})
	for _, ref := range refs {
		d, _, err := p.s.Enforcement.Screen(client, warden.Transaction{Reference: ref, Amount: warden.Money{Currency: "USD", Minor: 100},
			Parties: []warden.TxParty{{Role: "beneficiary", Name: "Maksim Yakubets", BirthDate: "1987-05-20", Country: "RU"}}})
		if err != nil || d.Decision != warden.DecisionHeld {
			t.Fatalf("%s: %+v %v", ref, d, err)
		}
	}
	return p
}

// TestCaseFormsRedirect: every form of the review queue answers a
// success with 303 to a page that says what was done (a refresh never
// sends it again), and a refusal with the page and its status.
func TestCaseFormsRedirect(t *testing.T) {
	p := heldPlatform(t, "prg-1", "prg-2", "prg-3")
	p.s.Enforcement.Casework.SecondReviewAbove = 0
	// People, signed in: four eyes compares persons, and every test
	// token acts for the operator who created it.
	as := p.sessions(t)
	read := func(resp *http.Response) string {
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	back := url.Values{"q": {"yakubets"}, "status": {"open"}}.Encode()
	for _, st := range []struct {
		name   string
		role   warden.Role
		path   string
		form   url.Values
		status int
		loc    string // the redirect's path and query begin so
		flash  string // the page it leads to says so
	}{
		{"claim from the queue", warden.RoleAnalyst, "/cases/1", url.Values{"op": {"claim"}, "back": {back}}, 303, "/cases?case=1&done=claim&q=yakubets&status=open", "Case 1 is yours."},
		{"clear above the score", warden.RoleAnalyst, "/cases/1", url.Values{"op": {"clear"}, "reason": {"born 1990"}, "back": {back}}, 303, "/cases?case=1&done=pending", "pending a second review"},
		{"approve one's own clearing", warden.RoleAnalyst, "/cases/1/review", url.Values{"op": {"approve"}, "from": {"case"}}, 403, "", ""},
		{"approve another's", warden.RoleSanctionsOfficer, "/cases/1/review", url.Values{"op": {"approve"}, "from": {"case"}}, 303, "/cases/1?case=1&done=approve", "clearing approved"},
		{"an unknown op", warden.RoleAnalyst, "/cases/2", url.Values{"op": {"bogus"}}, 400, "", ""},
		{"a note", warden.RoleSanctionsOfficer, "/cases/2/notes", url.Values{"note": {"asked the bank"}}, 303, "/cases/2?case=2&done=note", "Note added to case 2."},
		{"an empty note", warden.RoleSanctionsOfficer, "/cases/2/notes", url.Values{"note": {" "}}, 400, "", ""},
		{"assign", warden.RoleSanctionsOfficer, "/cases/3/assign", url.Values{"assignee": {""}, "from": {"case"}}, 303, "/cases/3?case=3&done=assign", "Case 3 assigned."},
		{"bulk claim", warden.RoleAnalyst, "/cases/bulk", url.Values{"op": {"claim"}, "case": {"2", "3"}, "back": {back}}, 303, "/cases?done=bulk&n=2&op=claim&q=yakubets&status=open", "claim done on 2 case(s)."},
		{"bulk with none ticked", warden.RoleAnalyst, "/cases/bulk", url.Values{"op": {"claim"}}, 400, "", ""},
		{"revoke from the list", warden.RoleSanctionsOfficer, "/cases/1/revoke", url.Values{"from": {"good-guys"}, "reason": {"withdrawn"}}, 303, "/good-guys?case=1&done=revoke", "The false positive of case 1 is revoked"},
		{"revoke again", warden.RoleSanctionsOfficer, "/cases/1/revoke", url.Values{"from": {"good-guys"}, "reason": {"withdrawn"}}, 404, "", ""},
	} {
		t.Run(st.name, func(t *testing.T) {
			resp := as[st.role]("POST", st.path, "application/x-www-form-urlencoded", st.form.Encode())
			body := read(resp)
			if resp.StatusCode != st.status {
				t.Fatalf("%d, want %d: %s", resp.StatusCode, st.status, body)
			}
			if st.status != 303 {
				if !strings.Contains(body, `<main id="main">`) {
					t.Errorf("a refusal is not a page: %s", body)
				}
				return
			}
			loc := resp.Header.Get("Location")
			if !strings.HasPrefix(loc, st.loc) {
				t.Errorf("Location %q, want %q…", loc, st.loc)
			}
			after := as[st.role]("GET", loc, "", "")
			code, page := after.StatusCode, read(after)
			if code != 200 || !strings.Contains(page, st.flash) {
				t.Errorf("after the redirect: %d, no %q in %s", code, st.flash, page)
			}
		})
	}
	// The queue's filter is honoured: ?status= and the search.
	for path, want := range map[string][]string{
		"/cases?status=cleared":            {"case-1"},
		"/cases?status=open":               {"case-2", "case-3"},
		"/cases?status=all&q=prg-2":        {"case-2"},
		"/cases?status=all&sort=reference": {"case-1", "case-2", "case-3"},
	} {
		code, page := p.get(t, warden.RoleAuditor, path)
		for i := 1; i <= 3; i++ {
			id := fmt.Sprintf(`id="case-%d"`, i)
			if strings.Contains(page, id) != strings.Contains(strings.Join(want, " "), fmt.Sprintf("case-%d", i)) {
				t.Errorf("%s: %d, case %d shown %v, want %v", path, code, i, !strings.Contains(strings.Join(want, " "), fmt.Sprintf("case-%d", i)), want)
			}
		}
	}
	// The case page sets the parties side by side and tells the history.
	code, page := p.get(t, warden.RoleAuditor, "/cases/1")
	for _, want := range []string{"YAKUBETS, Maksim Viktorovich", "1987-05-20", "Word by word", "yakubets", "s-sanctions-officer", "s-analyst", "cleared, pending second review", "false positive revoked"} {
		if code != 200 || !strings.Contains(page, want) {
			t.Errorf("case page: %d, no %q", code, want)
		}
	}
}

// TestCasesExportPaged: the CSV export holds every case a filter
// selects, past 5,000, each once and in order.
func TestCasesExportPaged(t *testing.T) {
	p := newPlatform(t, storetest.OpenSQLite(t), nil)
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	const n = 5003
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	d := &warden.TxDecision{Reference: "bulk-1", Decision: warden.DecisionHeld, Status: warden.DecisionHeld, Amount: warden.Money{Currency: "USD", Minor: 1}, DecidedAt: now}
	cases := make([]warden.PendingCase, n)
	for i := range cases {
		name := fmt.Sprintf("Party %d", i)
		if i%2 == 1 {
			name = fmt.Sprintf("Odd Party %d", i)
		}
		cases[i] = warden.PendingCase{Case: warden.Case{Party: 0, Counterparty: name, Name: name, Holder: "suspense:bulk-1", EntityID: "ofac:26663", Score: 0.7, CreatedAt: now},
			EntityHash: "h", Programs: []string{"CYBER2"}}
	}
	if _, err := p.db.RecordTransaction(ctx, d, "hash", cases, nil, warden.NewAuditEvent(ctx, "transaction.screen", "transaction:bulk-1", "", nil)); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		query string
		want  int
	}{{"", n}, {"?q=odd", n / 2}, {"?program=CYBER2&status=all", n}, {"?program=IRAN", 0}} {
		resp := p.do(t, "GET", "/v1/cases/export"+tc.query, p.tokens[warden.RoleAuditor], "", "")
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
			t.Fatalf("%s: %d %s", tc.query, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		rows, err := csv.NewReader(resp.Body).ReadAll()
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != tc.want+1 || rows[0][0] != "case" {
			t.Fatalf("%s: %d rows, want %d and a header", tc.query, len(rows), tc.want+1)
		}
		last := int64(0)
		for _, r := range rows[1:] {
			id, _ := strconv.ParseInt(r[0], 10, 64)
			if id <= last {
				t.Fatalf("%s: case %d after %d", tc.query, id, last)
			}
			last = id
		}
	}
	resp := p.do(t, "GET", "/v1/cases/export", p.tokens[warden.RoleScreener], "", "")
	io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("a screener's export: %d", resp.StatusCode)
	}
}
