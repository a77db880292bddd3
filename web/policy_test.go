package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"warden"
	"warden/enforcement"
	"warden/store"
	"warden/store/storetest"
)

// TestPolicyChange: the installed policy is read over the API; a change is
// proposed by one sanctions officer, refused to that officer's own
// approval, approved by a second and then in force — for payments too —
// with both named in its history and the audit log; proposals that are
// malformed, unchanged or without a reason are 400s.
func TestPolicyChange(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		p := newPlatform(t, db, nil)
		op := warden.WithPrincipal(context.Background(), warden.Operator)
		if _, _, err := p.s.Enforcement.UseStoredPolicy(op, enforcement.DefaultPolicy(), "default"); err != nil {
			t.Fatal(err)
		}
		id := &identities{t: t, p: p}
		sofia, sam := id.bootstrap("sofia", warden.RoleSanctionsOfficer), id.bootstrap("sam", warden.RoleSanctionsOfficer)
		auditor := p.tokens[warden.RoleAuditor]
		current := func() warden.PolicyVersion {
			var pv warden.PolicyVersion
			if code := p.call(t, "GET", "/v1/policy", auditor, "", &pv); code != 200 {
				t.Fatalf("GET /v1/policy: %d", code)
			}
			return pv
		}
		if pv := current(); pv.Version != 1 || pv.Source != "default" || !strings.Contains(string(pv.Policy), `"csl":{"note"`) {
			t.Fatalf("installed policy: %+v %s", pv, pv.Policy)
		}
		pay := func(ref string) string {
			var d warden.TxDecision
			p.call(t, "POST", "/v1/transactions", p.tokens[warden.RoleScreener],
				`{"reference":"`+ref+`","amount":{"currency":"EUR","minor":500},"parties":[{"role":"beneficiary","name":"Maksim Yakubets","country":"RU"}]}`, &d)
			return d.Decision
		}
		if d := pay("before"); d != warden.DecisionBlocked {
			t.Fatalf("before the change: %s", d)
		}

		changed := enforcement.DefaultPolicy()
		changed.Lists["ofac"] = enforcement.ListPolicy{Note: "turn back, freeze nothing", Default: warden.HitReject}
		body, _ := json.Marshal(changed)
		for _, tc := range []struct {
			name string
			req  any
			want string
		}{
			{"unknown action", map[string]any{"policy": json.RawMessage(`{"default":"freeze"}`), "reason": "x"}, "freeze"},
			{"unknown field", map[string]any{"policy": json.RawMessage(`{"defaults":"block"}`), "reason": "x"}, "defaults"},
			{"unchanged", map[string]any{"policy": enforcement.DefaultPolicy(), "reason": "x"}, "policy in force"},
			{"no reason", map[string]any{"policy": json.RawMessage(body)}, "reason"},
		} {
			if code, b := sofia.call("POST", "/v1/policy/proposals", tc.req); code != 400 || !strings.Contains(string(b), tc.want) {
				t.Errorf("%s: %d %s", tc.name, code, b)
			}
		}
		code, b := sofia.call("POST", "/v1/policy/proposals", map[string]any{"policy": json.RawMessage(body), "reason": "OFAC hits are turned back"})
		var pending struct{ Approval warden.Approval }
		json.Unmarshal(b, &pending)
		if code != 202 || pending.Approval.Action != enforcement.ActionPolicy {
			t.Fatalf("propose: %d %s", code, b)
		}
		approve := fmt.Sprintf("/v1/approvals/%d/approve", pending.Approval.ID)
		if code, b := sofia.call("POST", approve, map[string]string{"reason": "mine"}); code != 403 {
			t.Errorf("the proposer approving: %d %s", code, b)
		}
		if pv := current(); pv.Version != 1 {
			t.Errorf("in force before approval: %+v", pv)
		}
		if d := pay("pending"); d != warden.DecisionBlocked {
			t.Errorf("while the change waits: %s", d)
		}
		if code, b := sam.call("POST", approve, map[string]string{"reason": "agreed"}); code != 200 {
			t.Fatalf("a second officer approving: %d %s", code, b)
		}
		pv := current()
		if pv.Version != 2 || pv.Source != fmt.Sprintf("approval:%d", pending.Approval.ID) || pv.ProposedBy != "sofia" || pv.ApprovedBy != "sam" || pv.Reason != "OFAC hits are turned back" {
			t.Errorf("in force after approval: %+v", pv)
		}
		if d := pay("after"); d != warden.DecisionRejected {
			t.Errorf("after the change: %s", d)
		}
		var hist struct{ Versions []warden.PolicyVersion }
		if code := p.call(t, "GET", "/v1/policy/history", auditor, "", &hist); code != 200 || len(hist.Versions) != 2 || hist.Versions[0].Version != 2 || hist.Versions[1].Source != "default" {
			t.Errorf("history: %d %+v", code, hist)
		}
		var audit struct{ Events []warden.AuditEvent }
		p.call(t, "GET", "/v1/audit?action=policy.", p.tokens[warden.RoleAdmin], "", &audit)
		var actions []string
		for _, e := range audit.Events {
			actions = append(actions, e.Action+" by "+e.Actor)
		}
		if strings.Join(actions, ", ") != "policy.install by operator, policy.change by sam" {
			t.Errorf("audit: %v", actions)
		}
	})
}

// TestPolicyPage: the page shows the policy in force list by list and its
// history; a proposal from the form redirects (a refresh proposes nothing
// again) and shows the change waiting; a malformed one answers 400 with
// what was typed kept.
func TestPolicyPage(t *testing.T) {
	p := newPlatform(t, storetest.OpenSQLite(t), nil)
	if _, _, err := p.s.Enforcement.UseStoredPolicy(warden.WithPrincipal(context.Background(), warden.Operator), enforcement.DefaultPolicy(), "default"); err != nil {
		t.Fatal(err)
	}
	cookie, csrf := p.signIn(t, "sofia", warden.RoleSanctionsOfficer, "")
	send := func(method, path string, form url.Values) (*http.Response, string) {
		req, _ := http.NewRequest(method, p.srv.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(cookie)
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	resp, page := send("GET", "/policy", nil)
	for _, want := range []string{"Version 1", "Entity List (EL) - Bureau of Industry and Security</bdi>: flag", "every regime is an asset freeze", `id="policy-form"`, "any other list"} {
		if resp.StatusCode != 200 || !strings.Contains(page, want) {
			t.Errorf("policy page: %d, no %q", resp.StatusCode, want)
		}
	}
	resp, page = send("POST", "/policy", url.Values{"csrf": {csrf}, "policy": {`{"default":"freeze"}`}, "reason": {"try"}})
	if resp.StatusCode != 400 || !strings.Contains(page, "freeze") || !strings.Contains(page, `{&#34;default&#34;:&#34;freeze&#34;}</textarea>`) || !strings.Contains(page, `value="try"`) {
		t.Errorf("malformed proposal: %d %s", resp.StatusCode, page)
	}
	changed := enforcement.DefaultPolicy()
	changed.CaseDeadlineDays = 3
	body, _ := json.Marshal(changed)
	resp, _ = send("POST", "/policy", url.Values{"csrf": {csrf}, "policy": {string(body)}, "reason": {"three days"}})
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/policy?proposed=") {
		t.Fatalf("proposal: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, page = send("GET", resp.Header.Get("Location"), nil)
	if !strings.Contains(page, "a sanctions officer other than you approves it") || !strings.Contains(page, `id="policy-pending"`) || !strings.Contains(page, "three days") {
		t.Errorf("after proposing: %s", page)
	}
}
