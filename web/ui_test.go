package web

import (
	"context"
	"encoding/csv"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"warden"
	"warden/store/storetest"
)

// body reads a response's body.
func body(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestErrorPagesKeepMenu: a page refused (403) or not found (404) to a
// person signed in shows their menu and a link home that their role may
// open; someone not signed in is sent to sign in.
func TestErrorPagesKeepMenu(t *testing.T) {
	p := newPlatform(t, storetest.OpenSQLite(t), nil)
	sessions := p.sessions(t)
	for _, c := range []struct {
		role   warden.Role
		path   string
		status int
		home   string
	}{
		{warden.RoleScreener, "/admin/users", http.StatusForbidden, "/"},
		{warden.RoleScreener, "/no/such/page", http.StatusNotFound, "/"},
		{warden.RoleAnalyst, "/admin/tokens", http.StatusForbidden, "/"},
		{warden.RoleAuditor, "/screen", http.StatusForbidden, "/"},
		{warden.RoleCounterpart, "/customers", http.StatusForbidden, "/portal"},
		{warden.RoleAdmin, "/parties/ofac:none", http.StatusNotFound, "/"},
	} {
		resp := sessions[c.role]("GET", c.path, "", "")
		b := body(t, resp)
		if resp.StatusCode != c.status {
			t.Errorf("%s GET %s: %d, want %d", c.role, c.path, resp.StatusCode, c.status)
		}
		if !strings.Contains(b, `<header class="top">`) || !strings.Contains(b, `<nav aria-label="Main">`) || !strings.Contains(b, "s-"+string(c.role)) {
			t.Errorf("%s GET %s: the error page lacks the menu:\n%s", c.role, c.path, b)
		}
		home := homeLinkOf(b)
		if home != c.home {
			t.Errorf("%s GET %s: link home %q, want %q", c.role, c.path, home, c.home)
		}
		if resp := sessions[c.role]("GET", home, "", ""); resp.StatusCode != http.StatusOK {
			t.Errorf("%s: the link home %s answers %d", c.role, home, resp.StatusCode)
		}
	}
	// Not signed in: an unknown page offers to sign in, with no menu.
	resp := p.do(t, "GET", "/no/such/page", "", "", "")
	if b := body(t, resp); resp.StatusCode != http.StatusNotFound || strings.Contains(b, `<header class="top">`) || !strings.Contains(b, `<a href="/login" id="home-link">`) {
		t.Errorf("anonymous 404: %d\n%s", resp.StatusCode, b)
	}
}

// homeLinkOf is the target of an error page's link home.
func homeLinkOf(page string) string {
	end := strings.Index(page, `" id="home-link"`)
	if end < 0 {
		return ""
	}
	start := strings.LastIndex(page[:end], `<a href="`)
	return page[start+len(`<a href="`) : end]
}

// TestHomeEveryRole: the link home on an error page opens for every role.
func TestHomeEveryRole(t *testing.T) {
	for _, role := range warden.Roles {
		v := view{User: warden.Principal{Name: "x", Role: role}}
		h := v.Home()
		var needs warden.Action
		for _, x := range homes {
			if x.link == h {
				needs = x.action
			}
		}
		switch {
		case role == warden.RoleCounterpart:
			if h.Href != "/portal" {
				t.Errorf("%s: home %s", role, h.Href)
			}
		case needs == "" || !warden.Allowed(role, needs):
			t.Errorf("%s: home %s, which the role may not open", role, h.Href)
		}
	}
}

// TestScreenPageErrors: the screening form refused shows its error inside
// #results (what the form swaps in place with htmx) with the status of the
// error, and keeps what was typed; a screener's hits link to party pages
// the screener may open.
func TestScreenPageErrors(t *testing.T) {
	p := newPlatform(t, storetest.OpenSQLite(t), nil)
	screener := p.sessions(t)[warden.RoleScreener]
	for _, c := range []struct {
		name   string
		form   url.Values
		status int
		errMsg string
	}{
		{"nothing to screen", url.Values{"country": {"RU"}}, http.StatusBadRequest, "name"},
		{"too long", url.Values{"name": {strings.Repeat("x", 2000)}, "country": {"RU"}}, http.StatusBadRequest, "name"},
	} {
		resp := screener("POST", "/screen", "application/x-www-form-urlencoded", c.form.Encode())
		b := body(t, resp)
		results, _, _ := strings.Cut(b[strings.Index(b, `<div id="results"`):], "</main>")
		errText := between(results, `id="screen-error">`, `</div>`)
		if resp.StatusCode != c.status || errText == "" || !strings.Contains(strings.ToLower(errText), c.errMsg) {
			t.Errorf("%s: %d, error in #results %q\n%s", c.name, resp.StatusCode, errText, b)
		}
		if !strings.Contains(b, `name="country" value="RU"`) {
			t.Errorf("%s: the country typed is not kept", c.name)
		}
	}
	resp := screener("POST", "/screen", "application/x-www-form-urlencoded", url.Values{"name": {"Maksim Yakubets"}}.Encode())
	b := body(t, resp)
	if resp.StatusCode != http.StatusOK || !strings.Contains(b, `href="/parties/ofac:26663"`) || strings.Contains(b, `id="screen-error"`) {
		t.Fatalf("screening: %d\n%s", resp.StatusCode, b)
	}
	if resp := screener("GET", "/parties/ofac:26663", "", ""); resp.StatusCode != http.StatusOK {
		t.Errorf("the screener's hit link answers %d", resp.StatusCode)
	}
}

// TestFormsKeepValues: a form refused is shown again with the error and
// what was typed (never a password); after a success it starts afresh.
func TestFormsKeepValues(t *testing.T) {
	p := newPlatform(t, storetest.OpenSQLite(t), nil)
	s := p.sessions(t)
	for _, c := range []struct {
		name string
		role warden.Role
		path string
		form url.Values
		want []string
	}{
		{"user with a short password", warden.RoleAdmin, "/admin/users", url.Values{"name": {"newcomer-x"}, "role": {"auditor"}, "password": {"short-pw-x"}},
			[]string{`name="name" required value="newcomer-x"`, `<option selected>auditor</option>`}},
		{"token with a bad expiry", warden.RoleAdmin, "/admin/tokens", url.Values{"op": {"create"}, "name": {"tok-x"}, "role": {"auditor"}, "expires": {"soonish"}},
			[]string{`name="name" required value="tok-x"`, `value="soonish"`, `<option selected>auditor</option>`}},
		{"stake with a bad percent", warden.RoleAnalyst, "/ownership", url.Values{"owner": {"ofac:26663"}, "owned": {"Acme Ltd"}, "percent": {"lots"}},
			[]string{`value="ofac:26663"`, `value="Acme Ltd"`, `value="lots"`}},
		{"licence with a bad expiry", warden.RoleSanctionsOfficer, "/licences", url.Values{"number": {"GL-13x"}, "issuer": {"OFAC"}, "kind": {"specific"}, "expires": {"next year"}},
			[]string{`value="GL-13x"`, `<option value="specific" selected>`, `value="next year"`}},
		{"release with a bad amount", warden.RoleAnalyst, "/releases", url.Values{"entity": {"ofac:26663"}, "holder": {"ACC-1"}, "currency": {"USD"}, "amount": {"many"}},
			[]string{`value="ACC-1"`, `value="many"`}},
	} {
		resp := s[c.role]("POST", c.path, "application/x-www-form-urlencoded", c.form.Encode())
		b := body(t, resp)
		if resp.StatusCode < 400 {
			t.Errorf("%s: %d, want an error", c.name, resp.StatusCode)
		}
		if !strings.Contains(b, `class="flash error"`) {
			t.Errorf("%s: no error shown", c.name)
		}
		for _, w := range c.want {
			if !strings.Contains(b, w) {
				t.Errorf("%s: the page lacks %s", c.name, w)
			}
		}
		if strings.Contains(b, "short-pw-x") {
			t.Errorf("%s: a password written back", c.name)
		}
	}
	// After a success the form is empty again.
	resp := s[warden.RoleAnalyst]("POST", "/ownership", "application/x-www-form-urlencoded", url.Values{"owner": {"ofac:26663"}, "owned": {"Acme Ltd"}, "percent": {"60"}}.Encode())
	if b := body(t, resp); resp.StatusCode != http.StatusCreated || strings.Contains(b, `name="owned" required maxlength="500" value="Acme Ltd"`) {
		t.Errorf("after a success: %d, the form keeps the values", resp.StatusCode)
	}
}

// TestScreenDates: a birth date not of the calendar is a 400 naming the
// field, on every screening endpoint and the page; partial dates as the
// lists give them are screened.
func TestScreenDates(t *testing.T) {
	p := newPlatform(t, storetest.OpenSQLite(t), nil)
	tok := p.tokens[warden.RoleScreener]
	for _, c := range []struct {
		path, body string
		status     int
		field      string
	}{
		{"/v1/screen", `{"name":"Maksim Yakubets","birth_date":"1987-13-45"}`, 400, "birth_date"},
		{"/v1/screen", `{"name":"Maksim Yakubets","birth_date":"1987-02-30"}`, 400, "birth_date"},
		{"/v1/screen", `{"name":"Maksim Yakubets","birth_dates":["1987","19870230"]}`, 400, "birth_dates[1]"},
		{"/v1/screen", `{"name":"Maksim Yakubets","birth_date":"1987-05-20"}`, 200, ""},
		{"/v1/screen", `{"name":"Maksim Yakubets","birth_dates":["1987","1987-05"]}`, 200, ""},
		{"/v1/screen/batch", `{"queries":[{"name":"a"},{"name":"Maksim Yakubets","birth_date":"1987-02-30"}]}`, 400, "queries[1].birth_date"},
		{"/match/default", `{"queries":{"q1":{"schema":"Person","properties":{"name":["Maksim Yakubets"],"birthDate":["1987-13-45"]}}}}`, 400, "properties.birthDate[0]"},
	} {
		resp := p.do(t, "POST", c.path, tok, "application/json", c.body)
		b := body(t, resp)
		if resp.StatusCode != c.status || (c.field != "" && !strings.Contains(b, c.field+": ")) {
			t.Errorf("POST %s %s: %d %s", c.path, c.body, resp.StatusCode, b)
		}
	}
	screener := p.sessions(t)[warden.RoleScreener]
	resp := screener("POST", "/screen", "application/x-www-form-urlencoded", url.Values{"name": {"Maksim Yakubets"}, "birth_date": {"1987-02-30"}}.Encode())
	b := body(t, resp)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(between(b, `id="screen-error">`, `</div>`), "1987-02-30") || !strings.Contains(b, `value="1987-02-30"`) {
		t.Errorf("page: %d\n%s", resp.StatusCode, b)
	}
}

// importParties adds a list version of parties made by party(i), i from 0
// to n-1, and rebuilds the screening index.
func importParties(t *testing.T, p *platform, list string, n int, party func(i int) *warden.Entity) {
	t.Helper()
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	im, err := p.db.BeginImport(ctx, list, "ofac-csv", false)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if err := im.Put(party(i)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := im.Commit(warden.SourceMeta{Published: "2026-11-01"}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.s.Screening.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
}

// petrov is the i-th of many parties with nearly the same name, in
// program CYBER2 (even i) or RUSSIA-EO14024 (odd i).
func petrov(i int) *warden.Entity {
	prog := "CYBER2"
	if i%2 == 1 {
		prog = "RUSSIA-EO14024"
	}
	return &warden.Entity{SourceID: fmt.Sprintf("P%d", i), Schema: warden.SchemaPerson, Programs: []string{prog},
		Names: []warden.Name{{Full: fmt.Sprintf("PETROV, Ivan %s", strings.Repeat("I", i%7+1)), Kind: warden.NamePrimary}}}
}

// TestPartySearch: party search pages its hits, keeps to the lists and
// the program chosen, and refuses a list it does not hold.
func TestPartySearch(t *testing.T) {
	p := newPlatform(t, storetest.OpenSQLite(t), nil)
	importParties(t, p, "xlist", 130, petrov)
	importParties(t, p, "ylist", 10, func(i int) *warden.Entity { e := petrov(i); e.SourceID = "Y" + e.SourceID; return e })
	rows := func(b string) int { return strings.Count(between(b, `<table id="parties">`, `</table>`), "<tr><td>") }
	for _, c := range []struct {
		query     string
		status    int
		rows      int
		want, not []string
	}{
		{"q=Ivan+Petrov", 200, 50, []string{"1–50 of 140", `rel="next"`}, []string{`rel="prev"`}},
		{"q=Ivan+Petrov&page=3", 200, 40, []string{"101–140 of 140", `rel="prev"`}, []string{`rel="next"`}},
		{"q=Ivan+Petrov&list=xlist", 200, 50, []string{"of 130"}, []string{"<td>ylist</td>"}},
		{"q=Ivan+Petrov&list=ylist", 200, 10, []string{"1–10 of 10", "<td>ylist</td>", `<option value="ylist" selected>`}, []string{"<td>xlist</td>", `rel="next"`}},
		{"q=Ivan+Petrov&list=xlist&list=ylist&program=cyber2", 200, 50, []string{"of 70 parties found in program <bdi>cyber2</bdi>"}, []string{"RUSSIA-EO14024</bdi></a></td>"}},
		{"q=Ivan+Petrov&list=ylist&program=RUSSIA-EO14024&page=1", 200, 5, []string{"1–5 of 5"}, nil},
		{"q=Ivan+Petrov&program=NOPE", 200, 0, []string{"No party found"}, nil},
		{"q=Ivan+Petrov&list=zlist", 400, 0, []string{"no list named"}, nil},
		{"q=Ivan+Petrov&page=0", 400, 0, []string{"page must be"}, nil},
		{"q=Ivan+Petrov&page=x", 400, 0, []string{"page must be"}, nil},
	} {
		code, b := p.get(t, warden.RoleAnalyst, "/parties?"+c.query)
		if code != c.status || rows(b) != c.rows {
			t.Errorf("%s: %d with %d rows, want %d with %d", c.query, code, rows(b), c.status, c.rows)
		}
		for _, w := range c.want {
			if !strings.Contains(b, w) {
				t.Errorf("%s: lacks %q", c.query, w)
			}
		}
		for _, w := range c.not {
			if strings.Contains(b, w) {
				t.Errorf("%s: holds %q", c.query, w)
			}
		}
	}
	// The next page's link keeps the filters.
	_, b := p.get(t, warden.RoleAnalyst, "/parties?q=Ivan+Petrov&list=xlist&program=CYBER2")
	next := html.UnescapeString(between(between(b, `<nav class="pager"`, `</nav>`), `<a href="/parties?`, `" rel="next"`))
	if v, _ := url.ParseQuery(next); v.Get("list") != "xlist" || v.Get("program") != "CYBER2" || v.Get("page") != "2" {
		t.Errorf("next page: %q", next)
	}
}

// TestScreenCSV: the screening page links its hits as CSV, the query in
// the link; the CSV has a row per hit (one empty row when none), and a
// bad birth date is refused.
func TestScreenCSV(t *testing.T) {
	p := newPlatform(t, storetest.OpenSQLite(t), nil)
	screener := p.sessions(t)[warden.RoleScreener]
	resp := screener("POST", "/screen", "application/x-www-form-urlencoded", url.Values{"name": {"Maksim Yakubets"}, "country": {"RU"}}.Encode())
	link := html.UnescapeString(between(body(t, resp), `<a href="`+"/screen.csv?", `"`))
	if v, _ := url.ParseQuery(link); v.Get("name") != "Maksim Yakubets" || v.Get("country") != "RU" {
		t.Fatalf("CSV link: %q", link)
	}
	rows, err := csv.NewReader(screener("GET", "/screen.csv?"+link, "", "").Body).ReadAll()
	if err != nil || len(rows) != 2 || rows[0][6] != "entity_id" || rows[1][6] != "ofac:26663" || rows[1][0] != "Maksim Yakubets" || rows[1][11] != "CYBER2" || !strings.Contains(rows[1][15], "name score") {
		t.Errorf("CSV: %v %v", rows, err)
	}
	rows, _ = csv.NewReader(screener("GET", "/screen.csv?name=Nobody+Anywhere+Atall", "", "").Body).ReadAll()
	if len(rows) != 2 || rows[1][0] != "Nobody Anywhere Atall" || rows[1][6] != "" {
		t.Errorf("no hit: %v", rows)
	}
	if resp := screener("GET", "/screen.csv?name=X&birth_date=1987-13-45", "", ""); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("bad date: %d", resp.StatusCode)
	}
	// The page's screening and the two downloads are recorded.
	var list struct{ Screenings []warden.Screening }
	if code := p.call(t, "GET", "/v1/screenings", p.tokens[warden.RoleAdmin], "", &list); code != 200 || len(list.Screenings) != 3 {
		t.Errorf("screenings recorded: %d %d", code, len(list.Screenings))
	}
}

// TestViewKeep: a page keeps what was posted only for a refused form (an
// error status, or an error shown with htmx's 200), never a secret.
func TestViewKeep(t *testing.T) {
	for _, c := range []struct {
		method string
		status int
		errMsg string
		want   string
	}{
		{"POST", 400, "bad", "typed"},
		{"POST", 200, "bad", "typed"}, // formFailed: htmx gets 200
		{"POST", 403, "", "typed"},
		{"POST", 201, "", ""},
		{"GET", 400, "bad", ""},
	} {
		r, _ := http.NewRequest(c.method, "/x", strings.NewReader("body=typed&password=hunter2hunter2&csrf=tok"))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.ParseForm()
		v := view{Error: c.errMsg}
		v.keep(r, c.status)
		if got := v.Val("body"); got != c.want {
			t.Errorf("%s %d %q: Val(body) = %q, want %q", c.method, c.status, c.errMsg, got, c.want)
		}
		if v.Val("password") != "" || v.Val("csrf") != "" {
			t.Errorf("%s %d: a secret written back", c.method, c.status)
		}
	}
}
