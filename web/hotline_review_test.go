package web

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"warden"
	"warden/store"
	"warden/store/storetest"
)

// TestContactMethodsNeedPerson: an API token, which acts for its owner
// elsewhere, can neither read nor add its owner's contact methods; the
// owner signed in can.
func TestContactMethodsNeedPerson(t *testing.T) {
	p, _ := hotlinePlatform(t, storetest.OpenSQLite(t))
	for _, c := range []struct{ method, path, body string }{
		{"GET", "/v1/me/contact-methods", ""},
		{"POST", "/v1/me/contact-methods", `{"channel":"webhook","address":"https://evil.example/x"}`},
		{"DELETE", "/v1/me/contact-methods/1", ""},
	} {
		if code := p.call(t, c.method, c.path, p.tokens[warden.RoleScreener], c.body, nil); code != http.StatusForbidden {
			t.Errorf("%s %s with a token: %d, want 403", c.method, c.path, code)
		}
	}
	me := p.sessions(t)[warden.RoleScreener]
	if resp := me("GET", "/v1/me/contact-methods", "", ""); resp.StatusCode != http.StatusOK {
		t.Errorf("signed in: %d", resp.StatusCode)
	}
}

// TestTriggerEnabledByDefault: a trigger created without "enabled" raises
// alerts; one created with "enabled": false does not.
func TestTriggerEnabledByDefault(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		p, _ := hotlinePlatform(t, db)
		admin := p.tokens[warden.RoleAdmin]
		var ep struct{ ID int64 }
		p.call(t, "POST", "/v1/hotline/endpoints", admin, `{"name":"duty","channel":"webhook","address":"https://hooks.example/duty"}`, &ep)
		var pol warden.EscalationPolicy
		if code := p.call(t, "POST", "/v1/hotline/policies", admin, strings.Replace(endpointPolicy, "%d", jsonInt(ep.ID), 1), &pol); code != 201 {
			t.Fatalf("policy: %d", code)
		}
		for body, want := range map[string]bool{
			`{"event":"list.changed","severity":"low","policy":` + jsonInt(pol.ID) + `}`:                         true,
			`{"event":"list.changed","severity":"low","policy":` + jsonInt(pol.ID) + `,"enabled":false}`:         false,
			`{"event":"designation.published","severity":"low","policy":` + jsonInt(pol.ID) + `,"enabled":true}`: true,
		} {
			var tr warden.Trigger
			if code := p.call(t, "POST", "/v1/hotline/triggers", admin, body, &tr); code != 201 || tr.Enabled != want {
				t.Errorf("%s: %d, enabled %v, want %v", body, code, tr.Enabled, want)
			}
		}
	})
}

// TestHotlineListQueries: an unknown status is refused, and the lists are
// limited by default.
func TestHotlineListQueries(t *testing.T) {
	p, _ := hotlinePlatform(t, storetest.OpenSQLite(t))
	admin := p.tokens[warden.RoleAdmin]
	for _, path := range []string{"/v1/hotline/alerts?status=bogus", "/v1/hotline/alerts?limit=1001", "/v1/hotline/log?limit=0"} {
		if code := p.call(t, "GET", path, admin, "", nil); code != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", path, code)
		}
	}
	if code := p.call(t, "GET", "/v1/hotline/alerts?status=suppressed", admin, "", nil); code != http.StatusOK {
		t.Errorf("status suppressed: %d", code)
	}
}

// TestRaisePage: a screener, who may raise alerts but not read them,
// reaches the raise form from the links of other pages and raises an
// alert with it.
func TestRaisePage(t *testing.T) {
	p, _ := hotlinePlatform(t, storetest.OpenSQLite(t))
	admin := p.tokens[warden.RoleAdmin]
	var ep struct{ ID int64 }
	p.call(t, "POST", "/v1/hotline/endpoints", admin, `{"name":"duty","channel":"webhook","address":"https://hooks.example/duty"}`, &ep)
	if code := p.call(t, "POST", "/v1/hotline/policies", admin, strings.Replace(endpointPolicy, "%d", jsonInt(ep.ID), 1), nil); code != 201 {
		t.Fatalf("policy: %d", code)
	}
	screener := p.sessions(t)[warden.RoleScreener]
	resp := screener("GET", "/hotline/raise?object=case:3", "", "")
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), `value="case:3"`) || !strings.Contains(string(b), `id="raise-form"`) {
		t.Fatalf("raise page: %d\n%s", resp.StatusCode, b)
	}
	if resp := screener("GET", "/hotline/alerts", "", ""); resp.StatusCode != http.StatusForbidden {
		t.Errorf("alerts page for a screener: %d, want 403", resp.StatusCode)
	}
	resp = screener("POST", "/hotline/alerts", "application/x-www-form-urlencoded", "summary=counterpart+silent&severity=high&object=case:3")
	b, _ = io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), "Alert 1 is raised.") {
		t.Errorf("raise: %d\n%s", resp.StatusCode, b)
	}
	resp = screener("POST", "/hotline/alerts", "application/x-www-form-urlencoded", "summary=a%00b&severity=high")
	b, _ = io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), "control character") || !strings.Contains(string(b), `id="raise-form"`) {
		t.Errorf("raise with NUL: %d\n%s", resp.StatusCode, b)
	}
}

// TestEscalateFormNumbers: the alert page escalates to a step by the
// number it shows, and a step that is not there is named the same way.
func TestEscalateFormNumbers(t *testing.T) {
	p, _ := hotlinePlatform(t, storetest.OpenSQLite(t))
	admin := p.tokens[warden.RoleAdmin]
	var ep struct{ ID int64 }
	p.call(t, "POST", "/v1/hotline/endpoints", admin, `{"name":"duty","channel":"webhook","address":"https://hooks.example/duty"}`, &ep)
	p.call(t, "POST", "/v1/hotline/policies", admin, strings.Replace(endpointPolicy, "%d", jsonInt(ep.ID), 1), nil)
	var a warden.Alert
	p.call(t, "POST", "/v1/hotline/alerts", admin, `{"summary":"s","severity":"high"}`, &a)
	resp := p.do(t, "POST", "/hotline/alerts/"+jsonInt(a.ID), admin, "application/x-www-form-urlencoded", "op=escalate&step=9")
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), "has steps 1 to 1: there is no step 9") {
		t.Errorf("escalate to step 9: %d\n%s", resp.StatusCode, b)
	}
}

// TestPanicHasRequestID: the answer to a handler's panic carries the
// request's id, the one in its X-Request-Id header.
func TestPanicHasRequestID(t *testing.T) {
	s := &Server{Log: slog.New(slog.DiscardHandler)}
	h := s.outer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/v1/anything", nil))
	var problem struct {
		RequestID string `json:"request_id"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &problem); err != nil {
		t.Fatal(err)
	}
	if rec.Code != http.StatusInternalServerError || problem.RequestID == "" || problem.RequestID != rec.Header().Get("X-Request-Id") {
		t.Errorf("%d, request id %q, header %q", rec.Code, problem.RequestID, rec.Header().Get("X-Request-Id"))
	}
}
