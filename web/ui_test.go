package web

import (
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
