package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"warden"
	"warden/auth"
	"warden/hotline"
	"warden/store"
	"warden/store/storetest"
)

// hook records the webhooks the hotline sends; it stands in for a
// receiver, which is not what these tests are about.
type hook struct {
	mu   sync.Mutex
	msgs []hotline.Message
}

func (h *hook) Send(_ context.Context, _ warden.Notification, m hotline.Message) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.msgs = append(h.msgs, m)
	return nil
}

// hotlinePlatform is a platform whose hotline sends webhooks to a
// recorder, at a clock the test holds.
func hotlinePlatform(t *testing.T, db *store.DB) (*platform, *hook) {
	t.Helper()
	h := &hook{}
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	p := newPlatform(t, db, func(s *Server) {
		s.Hotline = hotline.New(db, hotline.Options{Now: func() time.Time { return now }, BaseURL: "https://warden.example",
			Senders: map[warden.Channel]hotline.Sender{warden.ChannelWebhook: h}})
	})
	return p, h
}

// call sends a JSON request and decodes the answer into out (if not nil),
// returning the status.
func (p *platform) call(t *testing.T, method, path, token, body string, out any) int {
	t.Helper()
	ct := ""
	if body != "" {
		ct = "application/json"
	}
	resp := p.do(t, method, path, token, ct, body)
	b, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v: %s", method, path, err, b)
		}
	}
	if resp.StatusCode >= 400 && resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("%s %s: %d is not problem+json: %s", method, path, resp.StatusCode, b)
	}
	return resp.StatusCode
}

const endpointPolicy = `{"name":"Counterparts","steps":[{"delay":"0s","targets":[{"kind":"endpoint","id":"%d"}]}]}`

// TestHotlineAPI: who may configure the hotline, what is refused as
// invalid, and raising by dedup key (201, then 200 with the same alert).
func TestHotlineAPI(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		p, _ := hotlinePlatform(t, db)
		admin, analyst, screener := p.tokens[warden.RoleAdmin], p.tokens[warden.RoleAnalyst], p.tokens[warden.RoleScreener]
		var ep struct {
			ID     int64  `json:"id"`
			Secret string `json:"secret"`
		}
		if code := p.call(t, "POST", "/v1/hotline/endpoints", admin, `{"name":"ru-cert 24/7","channel":"webhook","address":"https://hooks.example/ru"}`, &ep); code != 201 || ep.Secret == "" {
			t.Fatalf("endpoint: %d %+v", code, ep)
		}
		policy := strings.Replace(endpointPolicy, "%d", jsonInt(ep.ID), 1)
		for _, c := range []struct {
			name, method, path, token, body string
			want                            int
		}{
			{"analyst creates a policy", "POST", "/v1/hotline/policies", analyst, policy, 403},
			{"no steps", "POST", "/v1/hotline/policies", admin, `{"name":"x","steps":[]}`, 400},
			{"unknown field", "POST", "/v1/hotline/policies", admin, `{"name":"x","stepz":[]}`, 400},
			{"duplicate key", "POST", "/v1/hotline/policies", admin, `{"name":"x","name":"y","steps":[]}`, 400},
			{"bad delay", "POST", "/v1/hotline/policies", admin, `{"name":"x","steps":[{"delay":"soon","targets":[]}]}`, 400},
			{"policy id", "GET", "/v1/hotline/policies/x", admin, "", 400},
			{"no such policy", "GET", "/v1/hotline/policies/999", admin, "", 404},
			{"unknown time zone", "POST", "/v1/hotline/rotations", admin, `{"name":"r","time_zone":"Mars/Olympus","start":"2026-03-02T09:00:00Z","shift_length":1,"shift_unit":"days","participants":["alice"]}`, 400},
			{"on call at", "GET", "/v1/hotline/oncall?at=tomorrow", admin, "", 400},
			{"escalate without step", "POST", "/v1/hotline/alerts/1/escalate", admin, `{}`, 400},
			{"screener reads alerts", "GET", "/v1/hotline/alerts", screener, "", 403},
			{"analyst replays", "POST", "/v1/hotline/dead-letters/1/replay", analyst, "", 403},
			{"policy", "POST", "/v1/hotline/policies", admin, policy, 201},
			{"no summary", "POST", "/v1/hotline/alerts", screener, `{"severity":"high"}`, 400},
			{"bad severity", "POST", "/v1/hotline/alerts", screener, `{"summary":"s","severity":"urgent"}`, 400},
		} {
			if got := p.call(t, c.method, c.path, c.token, c.body, nil); got != c.want {
				t.Errorf("%s: %s %s: %d, want %d", c.name, c.method, c.path, got, c.want)
			}
		}
		var a1, a2 warden.Alert
		raise := `{"summary":"ru-cert missed the deadline of request 7","severity":"high","object":"request:7","dedup_key":"req-7"}`
		if code := p.call(t, "POST", "/v1/hotline/alerts", screener, raise, &a1); code != 201 {
			t.Fatalf("raise: %d", code)
		}
		if code := p.call(t, "POST", "/v1/hotline/alerts", screener, raise, &a2); code != 200 || a2.ID != a1.ID {
			t.Errorf("raise again: %d, alert %d (first %d)", code, a2.ID, a1.ID)
		}
		var list struct{ Alerts []warden.Alert }
		if p.call(t, "GET", "/v1/hotline/alerts?object=request:7", analyst, "", &list); len(list.Alerts) != 1 || list.Alerts[0].CreatedBy == "" {
			t.Errorf("alerts about request:7: %+v", list.Alerts)
		}
		var acked warden.Alert
		if code := p.call(t, "POST", "/v1/hotline/alerts/"+jsonInt(a1.ID)+"/acknowledge", analyst, `{"note":"calling them"}`, &acked); code != 200 || acked.Status != warden.AlertAcknowledged {
			t.Errorf("acknowledge: %d %+v", code, acked)
		}
		if code := p.call(t, "POST", "/v1/hotline/alerts/"+jsonInt(a1.ID)+"/acknowledge", analyst, "", nil); code != 409 {
			t.Errorf("acknowledge twice: %d", code)
		}
		var d alertDetail
		if p.call(t, "GET", "/v1/hotline/alerts/"+jsonInt(a1.ID), analyst, "", &d); d.Alert.ID != a1.ID || !hasKinds(d.Log, "triggered", "acknowledged") {
			t.Errorf("alert detail: %+v", d)
		}
		resp := p.do(t, "GET", "/metrics", p.tokens[warden.RoleAuditor], "", "")
		b, _ := io.ReadAll(resp.Body)
		if !strings.Contains(string(b), "warden_hotline_time_to_ack_seconds_count 1") {
			t.Errorf("metrics lack the acknowledgement:\n%s", b)
		}
	})
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }

// hasKinds reports whether the log has lines of these kinds, in order.
func hasKinds(log []warden.HotlineEntry, kinds ...string) bool {
	for _, e := range log {
		if len(kinds) > 0 && e.Kind == kinds[0] {
			kinds = kinds[1:]
		}
	}
	return len(kinds) == 0
}

// TestContactMethodsOwn: each person sees and changes only their own
// contact methods.
func TestContactMethodsOwn(t *testing.T) {
	p, _ := hotlinePlatform(t, storetest.OpenSQLite(t))
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	a := auth.New(p.db)
	for _, n := range []string{"alice", "bob"} {
		if _, err := a.CreateUser(ctx, n, warden.RoleAdmin, "", "amber quarry nine swallows "+n, ""); err != nil {
			t.Fatal(err)
		}
	}
	session := func(name string) func(method, path, body string, out any) int {
		c, csrf := login(t, p, name, "amber quarry nine swallows "+name)
		return func(method, path, body string, out any) int {
			req, _ := http.NewRequest(method, p.srv.URL+path, strings.NewReader(body))
			req.AddCookie(c)
			req.Header.Set("X-CSRF-Token", csrf)
			if body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if out != nil {
				json.NewDecoder(resp.Body).Decode(out)
			}
			return resp.StatusCode
		}
	}
	alice, bob := session("alice"), session("bob")
	var m warden.ContactMethod
	if code := alice("POST", "/v1/me/contact-methods", `{"channel":"webhook","address":"https://chat.example/alice","format":"slack","delay":"5m"}`, &m); code != 201 || m.Person != "alice" || m.Verified {
		t.Fatalf("add: %d %+v", code, m)
	}
	if code := alice("POST", "/v1/me/contact-methods", `{"channel":"email","address":"not an address"}`, nil); code != 400 {
		t.Errorf("bad address: %d", code)
	}
	var list struct {
		ContactMethods []warden.ContactMethod `json:"contact_methods"`
	}
	if bob("GET", "/v1/me/contact-methods", "", &list); len(list.ContactMethods) != 0 {
		t.Errorf("bob sees %+v", list.ContactMethods)
	}
	id := "/v1/me/contact-methods/" + jsonInt(m.ID)
	for _, c := range []struct{ method, path, body string }{
		{"POST", id + "/verify", `{"code":"000000"}`},
		{"PUT", id, `{"delay":"0s","events":["list.changed"]}`},
		{"DELETE", id, ""},
	} {
		if code := bob(c.method, c.path, c.body, nil); code != 404 {
			t.Errorf("bob %s %s: %d, want 404", c.method, c.path, code)
		}
	}
	if alice("GET", "/v1/me/contact-methods", "", &list); len(list.ContactMethods) != 1 || list.ContactMethods[0].ID != m.ID {
		t.Errorf("alice's methods after bob tried: %+v", list.ContactMethods)
	}
	if code := alice("PUT", id, `{"delay":"1m","events":["list.changed"]}`, &m); code != 200 || m.Delay.Std() != time.Minute {
		t.Errorf("update: %d %+v", code, m)
	}
	if code := alice("DELETE", id, "", nil); code != 204 {
		t.Errorf("delete: %d", code)
	}
}

// TestHotlineLink: a signed link in a notification shows what it will do
// (GET changes nothing), acknowledges the alert once, and a second use
// is refused with a page that says so.
func TestHotlineLink(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		p, h := hotlinePlatform(t, db)
		admin := p.tokens[warden.RoleAdmin]
		var ep struct{ ID int64 }
		p.call(t, "POST", "/v1/hotline/endpoints", admin, `{"name":"ru-cert 24/7","channel":"webhook","address":"https://hooks.example/ru"}`, &ep)
		var pol warden.EscalationPolicy
		if code := p.call(t, "POST", "/v1/hotline/policies", admin, strings.Replace(endpointPolicy, "%d", jsonInt(ep.ID), 1), &pol); code != 201 {
			t.Fatalf("policy: %d", code)
		}
		var a warden.Alert
		p.call(t, "POST", "/v1/hotline/alerts", admin, `{"summary":"payment blocked","severity":"critical"}`, &a)
		if _, _, err := p.s.Hotline.RunDue(context.Background()); err != nil {
			t.Fatal(err)
		}
		h.mu.Lock()
		if len(h.msgs) != 1 {
			t.Fatalf("%d messages", len(h.msgs))
		}
		link := h.msgs[0].AckURL
		h.mu.Unlock()
		path := strings.TrimPrefix(link, "https://warden.example")
		if !strings.HasPrefix(path, "/hotline/link/") {
			t.Fatalf("ack link %q", link)
		}
		page := func(method string) (int, string) {
			resp := p.do(t, method, path, "", "", "")
			b, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(b)
		}
		if code, body := page("GET"); code != 200 || !strings.Contains(body, `id="link-do"`) || !strings.Contains(body, "payment blocked") {
			t.Errorf("GET link: %d %s", code, body)
		}
		if got, _ := p.s.Hotline.Alert(warden.WithPrincipal(context.Background(), warden.Operator), a.ID); got.Status != warden.AlertTriggered {
			t.Errorf("GET changed the alert: %s", got.Status)
		}
		if code, body := page("POST"); code != 200 || !strings.Contains(body, "acknowledged") {
			t.Errorf("POST link: %d %s", code, body)
		}
		code, body := page("POST")
		if code != 400 || !regexp.MustCompile(`used already`).MatchString(body) {
			t.Errorf("second POST: %d %s", code, body)
		}
		if code, _ := p.do(t, "POST", "/hotline/link/"+strings.Repeat("A", 40), "", "", ""), ""; code.StatusCode != 400 {
			t.Errorf("forged link: %d", code.StatusCode)
		}
		var d alertDetail
		p.call(t, "GET", "/v1/hotline/alerts/"+jsonInt(a.ID), admin, "", &d)
		if d.Alert.AckedBy == "" || !strings.HasPrefix(d.Alert.AckedBy, "link:") || !hasKinds(d.Log, "triggered", "notified", "delivered", "acknowledged") {
			t.Errorf("after the link: %+v", d)
		}
	})
}

// TestHotlinePages: every hotline page renders whole (a template error
// would cut it short) with data in it, and a form's error is shown on its
// page with the status the error maps to.
func TestHotlinePages(t *testing.T) {
	p, _ := hotlinePlatform(t, storetest.OpenSQLite(t))
	admin := p.tokens[warden.RoleAdmin]
	var ep struct{ ID int64 }
	p.call(t, "POST", "/v1/hotline/endpoints", admin, `{"name":"ru-cert 24/7","channel":"webhook","address":"https://hooks.example/ru"}`, &ep)
	if _, err := auth.New(p.db).CreateUser(warden.WithPrincipal(context.Background(), warden.Operator), "dave", warden.RoleAnalyst, "", "amber quarry nine swallows dave", ""); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ path, body string }{
		{"/v1/hotline/policies", strings.Replace(endpointPolicy, "%d", jsonInt(ep.ID), 1)},
		{"/v1/hotline/rotations", `{"name":"Primary","time_zone":"Europe/Paris","start":"2026-03-02T08:00:00Z","shift_length":1,"shift_unit":"weeks","participants":["dave"]}`},
		{"/v1/hotline/alerts", `{"summary":"payment blocked","severity":"critical","object":"case:3"}`},
	} {
		if code := p.call(t, "POST", c.path, admin, c.body, nil); code != 201 {
			t.Fatalf("POST %s: %d", c.path, code)
		}
	}
	// Contact methods are a person's, signed in.
	me := p.sessions(t)[warden.RoleAdmin]
	if resp := me("POST", "/v1/me/contact-methods", "application/json", `{"channel":"webhook","address":"https://chat.example/me"}`); resp.StatusCode != 201 {
		t.Fatalf("POST /v1/me/contact-methods: %d", resp.StatusCode)
	}
	if _, _, err := p.s.Hotline.RunDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"/hotline/alerts?object=case:3": `value="case:3"`,
		"/hotline/alerts/1":             "triggered",
		"/hotline/policies":             "endpoint ru-cert 24/7",
		"/hotline/oncall":               "Primary",
		"/hotline/log":                  "delivered",
		"/hotline/dead-letters":         "Dead letters",
		"/hotline/raise?object=case:3":  `value="case:3"`,
		"/hotline/contact":              "https://chat.example/me",
	} {
		resp := p.do(t, "GET", path, admin, "", "")
		if path == "/hotline/contact" {
			resp = me("GET", path, "", "")
		}
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || !strings.Contains(string(b), want) || !strings.Contains(string(b), "</html>") {
			t.Errorf("%s: %d, want %q in\n%s", path, resp.StatusCode, want, b)
		}
	}
	resp := p.do(t, "POST", "/hotline/policies", admin, "application/x-www-form-urlencoded", "name=x&steps=[{")
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 400 || !strings.Contains(string(b), "steps:") || !strings.Contains(string(b), "</html>") {
		t.Errorf("bad steps: %d %s", resp.StatusCode, b)
	}
	// The severities ticked are kept on a refused form, and a policy
	// made from the form takes them.
	resp = p.do(t, "POST", "/hotline/policies", admin, "application/x-www-form-urlencoded", "name=x&severities=low&steps=[{")
	b, _ = io.ReadAll(resp.Body)
	if !strings.Contains(string(b), `value="low" checked`) || strings.Contains(string(b), `value="high" checked`) {
		t.Errorf("refused form lost its severities:\n%s", b)
	}
	steps := url.QueryEscape(`[{"delay":"0s","targets":[{"kind":"person","id":"dave"}]}]`)
	resp = p.do(t, "POST", "/hotline/policies", admin, "application/x-www-form-urlencoded", "name=mailbox&severities=low&severities=high&steps="+steps)
	b, _ = io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(string(b), "Takes the low, high alerts raised without a policy") {
		t.Errorf("policy from the form: %d %s", resp.StatusCode, b)
	}
}
