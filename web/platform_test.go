package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"warden"
	"warden/auth"
	"warden/screening"
	"warden/store"
	"warden/store/storetest"
)

// platform is a real server over a small list, with a token per role (the
// counterpart's in organisation ru-cert) and a second counterpart
// organisation, cn-cert.
type platform struct {
	srv    *httptest.Server
	s      *Server
	db     *store.DB
	tokens map[warden.Role]string
}

func newPlatform(t *testing.T, db *store.DB, configure func(*Server)) *platform {
	t.Helper()
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	im, err := db.BeginImport(ctx, "ofac", "ofac-csv", false)
	if err != nil {
		t.Fatal(err)
	}
	im.Put(&warden.Entity{SourceID: "26663", Schema: warden.SchemaPerson, Names: []warden.Name{{Full: "YAKUBETS, Maksim Viktorovich", Kind: warden.NamePrimary}}, Programs: []string{"CYBER2"},
		Nationalities: []string{"RU"}}) // as OFAC lists him: a payment's country RU corroborates a name hit

	if _, err := im.Commit(warden.SourceMeta{Published: "2024-07-02"}); err != nil {
		t.Fatal(err)
	}
	sc := screening.New(db)
	if _, err := sc.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	a := auth.New(db)
	for _, id := range []string{"ru-cert", "cn-cert"} {
		if _, err := a.CreateOrg(ctx, id, strings.ToUpper(id), "counterpart"); err != nil {
			t.Fatal(err)
		}
	}
	p := &platform{db: db, tokens: map[warden.Role]string{}}
	for _, r := range warden.Roles {
		org := ""
		if r == warden.RoleCounterpart {
			org = "ru-cert"
		}
		if p.tokens[r], _, err = a.CreateToken(ctx, "t-"+string(r), r, org, nil); err != nil {
			t.Fatal(err)
		}
	}
	p.s = NewTestServer(db, sc, nil)
	if configure != nil {
		configure(p.s)
	}
	if p.s.Now != nil {
		p.s.Auth.Now, p.s.Enforcement.Now = p.s.Now, p.s.Now
	}
	p.srv = httptest.NewServer(p.s.Handler())
	t.Cleanup(p.srv.Close)
	return p
}

func (p *platform) do(t *testing.T, method, path, token, contentType, body string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(method, p.srv.URL+path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// concrete fills a route's path parameters with values that exist.
func concrete(path string) string {
	r := strings.NewReplacer("/v1/lists/{name}", "/v1/lists/ofac", "/lists/{name}", "/lists/ofac", "{version}", "1",
		"/v1/entities/{id...}", "/v1/entities/ofac:26663", "/parties/{id...}", "/parties/ofac:26663", "/v1/organisations/{id}", "/v1/organisations/ru-cert",
		"/v1/approvals/{id}", "/v1/approvals/1", "{dataset}", "default", "/v1/tokens/{name}", "/v1/tokens/nope", "/v1/users/{name}", "/v1/users/nobody", "/{$}", "/")
	return r.Replace(path)
}

// TestPermissionEveryCell calls every route that needs a permission with a
// token of every role: the answer is 403 exactly where the permission
// table says no, on the API and on the pages.
func TestPermissionEveryCell(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		p := newPlatform(t, db, nil)
		sessions := p.sessions(t)
		cells := map[warden.Action]map[warden.Role]bool{}
		for _, rt := range p.s.routes() {
			if rt.action == "" {
				continue
			}
			for _, role := range warden.Roles {
				ct, body := "", ""
				if rt.method == "POST" || rt.method == "PUT" {
					ct, body = "application/json", "{}"
					if rt.ui {
						ct, body = "application/x-www-form-urlencoded", "name=&op=none"
					}
				}
				resp := p.do(t, rt.method, concrete(rt.path), p.tokens[role], ct, body)
				if rt.person {
					// A person's own routes: refused to every token, and
					// allowed by role to a person signed in.
					if resp.StatusCode != http.StatusForbidden {
						t.Errorf("%s %s with %s's token: %d, want 403", rt.method, rt.path, role, resp.StatusCode)
					}
					resp = sessions[role](rt.method, concrete(rt.path), ct, body)
				}
				want := warden.Allowed(role, rt.action)
				if got := resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusUnauthorized; got != want {
					b, _ := io.ReadAll(resp.Body)
					t.Errorf("%s %s as %s: %d (allowed: %v) %s", rt.method, rt.path, role, resp.StatusCode, want, b)
				}
				if cells[rt.action] == nil {
					cells[rt.action] = map[warden.Role]bool{}
				}
				cells[rt.action][role] = true
			}
		}
		for a := range warden.Permissions {
			if len(cells[a]) != len(warden.Roles) {
				t.Errorf("action %s: %d of %d roles exercised (no route needs it?)", a, len(cells[a]), len(warden.Roles))
			}
		}
	})
}

// signIn adds a person named name of role (of organisation org, for a
// counterpart) and signs them in: their session cookie and CSRF token.
func (p *platform) signIn(t *testing.T, name string, role warden.Role, org string) (*http.Cookie, string) {
	t.Helper()
	pw := "amber quarry nine swallows " + name
	if _, err := auth.New(p.db).CreateUser(warden.WithPrincipal(context.Background(), warden.Operator), name, role, org, pw, ""); err != nil {
		t.Fatal(err)
	}
	var c *http.Cookie
	for _, x := range postLogin(t, p, name, pw).Cookies() {
		if x.Name == sessionCookie {
			c = x
		}
	}
	if c == nil {
		t.Fatalf("%s: no session", name)
	}
	// The CSRF token is in every page's log-out form; every person may
	// see their account page.
	req, _ := http.NewRequest("GET", p.srv.URL+"/account", nil)
	req.AddCookie(c)
	home, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(home.Body)
	home.Body.Close()
	csrf := between(string(b), `name="csrf" value="`, `"`)
	if csrf == "" {
		t.Fatalf("%s: no CSRF token on the account page: %d", name, home.StatusCode)
	}
	return c, csrf
}

// sessions signs in a person of every role (the counterpart's of
// ru-cert) and returns, per role, a function that sends a request in
// that person's session.
func (p *platform) sessions(t *testing.T) map[warden.Role]func(method, path, contentType, body string) *http.Response {
	t.Helper()
	out := map[warden.Role]func(method, path, contentType, body string) *http.Response{}
	for _, role := range warden.Roles {
		name, org := "s-"+string(role), ""
		if role == warden.RoleCounterpart {
			org = "ru-cert"
		}
		c, csrf := p.signIn(t, name, role, org)
		out[role] = func(method, path, contentType, body string) *http.Response {
			req, _ := http.NewRequest(method, p.srv.URL+path, strings.NewReader(body))
			req.AddCookie(c)
			req.Header.Set("X-CSRF-Token", csrf)
			if contentType != "" {
				req.Header.Set("Content-Type", contentType)
			}
			cl := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			resp, err := cl.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { resp.Body.Close() })
			return resp
		}
	}
	return out
}

func TestCounterpartGets404(t *testing.T) {
	p := newPlatform(t, storetest.OpenSQLite(t), nil)
	cp := p.tokens[warden.RoleCounterpart]
	for path, want := range map[string]int{
		"/v1/organisations/ru-cert": 200,
		"/v1/organisations/cn-cert": 404,
		"/v1/organisations/home":    404,
		"/v1/organisations/nothere": 404,
	} {
		resp := p.do(t, "GET", path, cp, "", "")
		var m map[string]any
		json.NewDecoder(resp.Body).Decode(&m)
		if resp.StatusCode != want || (want == 404 && m["code"] != "not_found") {
			t.Errorf("GET %s as counterpart: %d %v, want %d", path, resp.StatusCode, m, want)
		}
	}
	resp := p.do(t, "GET", "/v1/organisations", cp, "", "")
	var m struct{ Organisations []warden.Organisation }
	json.NewDecoder(resp.Body).Decode(&m)
	if len(m.Organisations) != 1 || m.Organisations[0].ID != "ru-cert" {
		t.Errorf("counterpart's organisations: %+v", m)
	}
}

func TestTokensAPI(t *testing.T) {
	p := newPlatform(t, storetest.OpenSQLite(t), nil)
	admin := p.tokens[warden.RoleAdmin]
	resp := p.do(t, "POST", "/v1/tokens", admin, "application/json", `{"name":"ci","role":"screener","expires":"720h"}`)
	var created map[string]any
	json.NewDecoder(resp.Body).Decode(&created)
	secret, _ := created["token"].(string)
	if resp.StatusCode != 201 || !strings.HasPrefix(secret, "wdn_") || created["expires_at"] == nil {
		t.Fatalf("create: %d %v", resp.StatusCode, created)
	}
	if resp := p.do(t, "POST", "/v1/screen", secret, "application/json", `{"name":"Maksim Yakubets"}`); resp.StatusCode != 200 {
		t.Errorf("the new token screens: %d", resp.StatusCode)
	}
	if resp := p.do(t, "POST", "/v1/tokens", admin, "application/json", `{"name":"ci","role":"screener"}`); resp.StatusCode != 409 {
		t.Errorf("duplicate: %d", resp.StatusCode)
	}
	if resp := p.do(t, "POST", "/v1/tokens", admin, "application/json", `{"name":"x","role":"screener","extra":1}`); resp.StatusCode != 400 {
		t.Errorf("unknown field: %d", resp.StatusCode)
	}
	big := `{"name":"` + strings.Repeat("x", 100<<10) + `"}`
	if resp := p.do(t, "POST", "/v1/tokens", admin, "application/json", big); resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized body: %d", resp.StatusCode)
	}
	resp = p.do(t, "GET", "/v1/tokens", p.tokens[warden.RoleAuditor], "", "")
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"name":"ci"`) || strings.Contains(string(b), "wdn_") {
		t.Errorf("list: %d %s", resp.StatusCode, b)
	}
	if resp := p.do(t, "DELETE", "/v1/tokens/ci?reason=leaked", admin, "", ""); resp.StatusCode != 204 {
		t.Errorf("revoke: %d", resp.StatusCode)
	}
	if resp := p.do(t, "POST", "/v1/screen", secret, "application/json", `{"name":"x"}`); resp.StatusCode != 401 {
		t.Errorf("revoked token: %d", resp.StatusCode)
	}
	// The audit log has both changes, by the admin token, with the request id.
	resp = p.do(t, "GET", "/v1/audit?action=token.&actor=t-admin", p.tokens[warden.RoleAuditor], "", "")
	var evs struct{ Events []warden.AuditEvent }
	json.NewDecoder(resp.Body).Decode(&evs)
	if len(evs.Events) != 2 || evs.Events[1].Action != "token.revoke" || evs.Events[1].Reason != "leaked" || evs.Events[1].RequestID == "" || evs.Events[1].ActorKind != "token" {
		t.Errorf("audit: %+v", evs.Events)
	}
	resp = p.do(t, "GET", "/v1/audit/export?action=token.", p.tokens[warden.RoleAuditor], "", "")
	b, _ = io.ReadAll(resp.Body)
	// The setup created 7 tokens, then ci was created and revoked.
	if n := strings.Count(string(b), "\n"); resp.StatusCode != 200 || n != 9 {
		t.Errorf("export: %d, %d lines", resp.StatusCode, n)
	}
	if resp := p.do(t, "GET", "/v1/audit?since=yesterday", p.tokens[warden.RoleAuditor], "", ""); resp.StatusCode != 400 {
		t.Errorf("bad filter: %d", resp.StatusCode)
	}
}

func TestUsersAPIFourEyes(t *testing.T) {
	p := newPlatform(t, storetest.OpenSQLite(t), nil)
	id := &identities{t: t, p: p}
	alice, bob := id.bootstrap("alice", warden.RoleAdmin), id.bootstrap("bob", warden.RoleAdmin)
	if code, b := alice.call("POST", "/v1/users", map[string]string{"name": "olga", "role": "analyst", "password": testPassword}); code != 201 {
		t.Fatalf("analyst: %d %s", code, b)
	}
	code, b := alice.call("POST", "/v1/users", map[string]string{"name": "root2", "role": "admin", "password": testPassword, "reason": "on call"})
	var pending struct{ Approval warden.Approval }
	json.Unmarshal(b, &pending)
	if code != 202 || pending.Approval.Status != "pending" || pending.Approval.ProposedByPerson != "alice" {
		t.Fatalf("admin: %d %s", code, b)
	}
	path := "/v1/approvals/" + itoa(pending.Approval.ID) + "/approve"
	if code, _ := alice.call("POST", path, map[string]string{}); code != 403 {
		t.Errorf("self-approval: %d", code)
	}
	if code, _ := bob.call("POST", path, map[string]string{"reason": "ok"}); code != 200 {
		t.Errorf("second admin: %d", code)
	}
	if code, _ := bob.call("POST", path, map[string]string{}); code != 409 {
		t.Errorf("twice: %d", code)
	}
	if u, err := p.db.User(context.Background(), "root2"); err != nil || u.Role != warden.RoleAdmin || u.CreatedBy != "alice" {
		t.Errorf("root2: %+v %v", u, err)
	}
}

func TestRateLimit(t *testing.T) {
	at := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC) // a stopped clock: no refill
	p := newPlatform(t, storetest.OpenSQLite(t), func(s *Server) { s.RateLimit, s.RateBurst, s.Now = 1, 3, func() time.Time { return at } })
	tok := p.tokens[warden.RoleAnalyst]
	codes := []int{}
	var last *http.Response
	for i := 0; i < 5; i++ {
		last = p.do(t, "GET", "/v1/lists", tok, "", "")
		codes = append(codes, last.StatusCode)
	}
	if codes[0] != 200 || codes[2] != 200 || codes[4] != 429 {
		t.Fatalf("codes %v", codes)
	}
	var m map[string]any
	json.NewDecoder(last.Body).Decode(&m)
	if last.Header.Get("Retry-After") == "" || m["code"] != "rate_limited" {
		t.Errorf("429: %v %v", last.Header, m)
	}
	// Another principal has its own bucket.
	if resp := p.do(t, "GET", "/v1/lists", p.tokens[warden.RoleAdmin], "", ""); resp.StatusCode != 200 {
		t.Errorf("other token: %d", resp.StatusCode)
	}
}

func TestOpenAPICoversRoutes(t *testing.T) {
	p := newPlatform(t, storetest.OpenSQLite(t), nil)
	resp := p.do(t, "GET", "/openapi.json", "", "", "")
	var doc struct {
		OpenAPI string `json:"openapi"`
		Paths   map[string]map[string]struct {
			Summary     string         `json:"summary"`
			RequestBody map[string]any `json:"requestBody"`
			Responses   map[string]any `json:"responses"`
		} `json:"paths"`
		Components struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil || doc.OpenAPI != "3.1.0" {
		t.Fatalf("document: %v %q", err, doc.OpenAPI)
	}
	n := 0
	for _, rt := range p.s.routes() {
		if rt.ui {
			continue
		}
		n++
		op, ok := doc.Paths[pathParam.ReplaceAllString(rt.path, "{$1}")][strings.ToLower(rt.method)]
		if !ok {
			t.Errorf("%s %s is not in /openapi.json", rt.method, rt.path)
			continue
		}
		if op.Summary == "" || len(op.Responses) < 2 || (rt.body != "") != (op.RequestBody != nil) {
			t.Errorf("%s %s: incomplete operation %+v", rt.method, rt.path, op)
		}
		for _, name := range []string{rt.body, rt.resp} {
			if _, ok := doc.Components.Schemas[name]; name != "" && name != "Text" && name != "JSONLines" && name != "CSV" && !ok {
				t.Errorf("%s %s: schema %s is not defined", rt.method, rt.path, name)
			}
		}
	}
	ops := 0
	for _, m := range doc.Paths {
		ops += len(m)
	}
	if ops != n {
		t.Errorf("/openapi.json has %d operations, the API %d", ops, n)
	}
	// Every API route the server answers is in the table: unknown ones are 404.
	if resp := p.do(t, "GET", "/v1/nothing", p.tokens[warden.RoleAdmin], "", ""); resp.StatusCode != 404 || resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("unknown route: %d", resp.StatusCode)
	}
	resp = p.do(t, "GET", "/docs/api", "", "", "")
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(string(b), "POST /v1/screen") {
		t.Errorf("reference page: %d", resp.StatusCode)
	}
}

func TestMetrics(t *testing.T) {
	p := newPlatform(t, storetest.OpenSQLite(t), nil)
	p.do(t, "POST", "/v1/screen", p.tokens[warden.RoleScreener], "application/json", `{"name":"Maksim Yakubets"}`)
	p.do(t, "POST", "/v1/screen", p.tokens[warden.RoleScreener], "application/json", `{}`)
	resp := p.do(t, "GET", "/metrics", p.tokens[warden.RoleAuditor], "", "")
	b, _ := io.ReadAll(resp.Body)
	for _, want := range []string{
		`warden_http_requests_total{route="POST /v1/screen",status="200"} 1`,
		`warden_http_requests_total{route="POST /v1/screen",status="400"} 1`,
		`warden_http_request_duration_seconds_bucket{route="POST /v1/screen",le="+Inf"} 2`,
		`warden_screening_queries_total{endpoint="screen"} 1`,
		`warden_screening_duration_seconds_count 1`,
		`warden_list_version{list="ofac"} 1`,
		`warden_list_entities{list="ofac"} 1`,
		`warden_screening_index_parties 1`,
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if !strings.HasPrefix(line, "# ") && !strings.HasPrefix(line, "warden_") {
			t.Errorf("series without the warden_ prefix: %s", line)
		}
	}
	if resp := p.do(t, "GET", "/metrics", p.tokens[warden.RoleScreener], "", ""); resp.StatusCode != 403 {
		t.Errorf("screener reading metrics: %d", resp.StatusCode)
	}
}

// postLogin fetches the login form and posts it with its CSRF token.
func postLogin(t *testing.T, p *platform, name, pw string) *http.Response {
	t.Helper()
	form := p.do(t, "GET", "/login", "", "", "")
	b, _ := io.ReadAll(form.Body)
	token := between(string(b), `name="csrf" value="`, `"`)
	req, _ := http.NewRequest("POST", p.srv.URL+"/login", strings.NewReader(url.Values{"name": {name}, "password": {pw}, "csrf": {token}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range form.Cookies() {
		req.AddCookie(c)
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	s = s[i+len(from):]
	return s[:strings.Index(s, to)]
}

// login logs in through the form and returns the session cookie and the
// page's CSRF token.
func login(t *testing.T, p *platform, name, pw string) (*http.Cookie, string) {
	t.Helper()
	resp := postLogin(t, p, name, pw)
	if resp.StatusCode != http.StatusSeeOther {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("login: %d %s", resp.StatusCode, b)
	}
	var c *http.Cookie
	for _, x := range resp.Cookies() {
		if x.Name == sessionCookie {
			c = x
		}
	}
	if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode {
		t.Fatalf("cookie %+v", c)
	}
	req, _ := http.NewRequest("GET", p.srv.URL+"/admin/tokens", nil)
	req.AddCookie(c)
	r2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Body.Close()
	b, _ := io.ReadAll(r2.Body)
	i := strings.Index(string(b), `name="csrf" value="`)
	if i < 0 {
		t.Fatalf("no CSRF token on the page: %s", b)
	}
	rest := string(b)[i+len(`name="csrf" value="`):]
	return c, rest[:strings.IndexByte(rest, '"')]
}

func TestSessionsAndCSRF(t *testing.T) {
	p := newPlatform(t, storetest.OpenSQLite(t), nil)
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	if _, err := auth.New(p.db).CreateUser(ctx, "alice", warden.RoleAdmin, "", "a long admin passphrase", ""); err != nil {
		t.Fatal(err)
	}
	cookie, csrf := login(t, p, "alice", "a long admin passphrase")
	post := func(form url.Values, header string) int {
		req, _ := http.NewRequest("POST", p.srv.URL+"/admin/tokens", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if header != "" {
			req.Header.Set("X-CSRF-Token", header)
		}
		req.AddCookie(cookie)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post(url.Values{"op": {"create"}, "name": {"a"}, "role": {"screener"}}, ""); code != 403 {
		t.Errorf("without CSRF token: %d", code)
	}
	if code := post(url.Values{"op": {"create"}, "name": {"a"}, "role": {"screener"}, "csrf": {"wrong"}}, ""); code != 403 {
		t.Errorf("wrong CSRF token: %d", code)
	}
	if code := post(url.Values{"op": {"create"}, "name": {"b"}, "role": {"screener"}, "csrf": {csrf}}, ""); code != 200 {
		t.Errorf("with CSRF token: %d", code)
	}
	if code := post(url.Values{"op": {"revoke"}, "name": {"b"}}, csrf); code != 200 {
		t.Errorf("with CSRF header: %d", code)
	}
	// Pages redirect to the login without a session.
	resp := p.do(t, "GET", "/audit", "", "", "")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Errorf("no session: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	// A wrong password shows the form again with an error.
	if resp := postLogin(t, p, "alice", "nope"); resp.StatusCode != 401 {
		t.Errorf("wrong password: %d", resp.StatusCode)
	}
	// The login form itself needs its CSRF token.
	if resp := p.do(t, "POST", "/login", "", "application/x-www-form-urlencoded", "name=alice&password=a+long+admin+passphrase"); resp.StatusCode != 403 {
		t.Errorf("login without the form's token: %d", resp.StatusCode)
	}
}

func TestSecurityHeaders(t *testing.T) {
	p := newPlatform(t, storetest.OpenSQLite(t), nil)
	for _, path := range []string{"/login", "/", "/v1/lists", "/static/app.css", "/docs/api", "/nothing"} {
		resp := p.do(t, "GET", path, p.tokens[warden.RoleAnalyst], "", "")
		h := resp.Header
		if !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'self'") || strings.Contains(h.Get("Content-Security-Policy"), "unsafe-inline") ||
			h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: headers %v", path, h)
		}
	}
	if safeNext("//evil.example/") != "/" || safeNext("https://evil.example") != "/" || safeNext("/audit?x=1") != "/audit?x=1" {
		t.Error("open redirect after login")
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestLoginRateLimit(t *testing.T) {
	// A stopped clock: the bucket does not refill however slow hashing is.
	at := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	p := newPlatform(t, storetest.OpenSQLite(t), func(s *Server) { s.Now = func() time.Time { return at } })
	codes := map[int]int{}
	for i := 0; i < loginBurst+3; i++ {
		codes[postLogin(t, p, "nobody", "guessing a password").StatusCode]++
	}
	if codes[http.StatusTooManyRequests] == 0 || codes[http.StatusUnauthorized] < loginBurst-2 {
		t.Errorf("login answers %v", codes)
	}
}
