package web

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"warden"
	"warden/cooperation"
	"warden/store/storetest"
)

// caller is one column of the cooperation permission table: a role, and
// for a counterpart its organisation.
type caller struct {
	name string
	role warden.Role
	org  string // a counterpart's organisation; "" for the home side
	tok  string
}

// callers are every role, the counterpart twice: of ru-cert (A) and of
// cn-cert (B).
func (c *coopPlatform) callers() []caller {
	var out []caller
	for _, r := range warden.Roles {
		if r == warden.RoleCounterpart {
			out = append(out, caller{"counterpart of ru-cert", r, "ru-cert", c.tokens[r]}, caller{"counterpart of cn-cert", r, "cn-cert", c.cpB})
			continue
		}
		out = append(out, caller{string(r), r, "", c.tokens[r]})
	}
	return out
}

// stage is how far a fixture request has gone.
type stage int

const (
	noRequest stage = iota
	drafted
	sent
	asked    // sent, and an extension asked
	answered // sent, and answered in full
	reviewed // answered, and the answer rated 1 on every criterion
	full     // sent, a note with a file from the requester, an extension asked, answered, reviewed
)

// fixture is a request made for one cell, with the ids of what it holds,
// and the organisation (and a closure of it) the cell acts on.
type fixture struct {
	org                          string
	counterpart                  bool // the caller is a counterpart
	id, attachment, ext, msg, rv int64
	answerDue                    time.Time
	date                         string
}

// makeFixture makes a request between the authority and counterpart
// org, outgoing or incoming, and takes it to stage st through the
// service, each step by its side: the authority's by an analyst, the
// counterpart's by org's counterpart.
func (c *coopPlatform) makeFixture(t *testing.T, org string, outgoing bool, st stage) fixture {
	t.Helper()
	fx := fixture{org: org}
	if st == noRequest {
		return fx
	}
	cs := c.s.Cooperation
	tok := c.tokens[warden.RoleCounterpart]
	if org == "cn-cert" {
		tok = c.cpB
	}
	requester, responder := c.as(t, c.tokens[warden.RoleAnalyst]), c.as(t, tok)
	if !outgoing {
		requester, responder = responder, requester
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("fixture of %s at stage %d: %v", org, st, err)
		}
	}
	var edit func(map[string]any)
	if !outgoing {
		edit = noLinks
	}
	r, err := cs.Create(requester, coopInput(t, org, edit))
	must(err)
	fx.id = r.ID
	if st == drafted {
		return fx
	}
	r, err = cs.Send(requester, r.ID)
	must(err)
	fx.answerDue = *r.AnswerDue
	if st == full {
		m, err := cs.Message(requester, r.ID, warden.MessageNote, "Logs attached.", []cooperation.File{{Name: "logs.txt", Data: []byte("203.0.113.7 at 02:14 UTC\n")}})
		must(err)
		fx.attachment = m.Attachments[0].ID
	}
	if st == asked || st == full {
		e, err := cs.AskExtension(responder, r.ID, fx.answerDue.Add(24*time.Hour), "The provider answers tomorrow.")
		must(err)
		fx.ext = e.ID
	}
	if st >= answered {
		_, m, err := cs.Answer(responder, r.ID, warden.AnswerFull, "Subscriber data below.", nil)
		must(err)
		fx.msg = m.ID
	}
	if st >= reviewed {
		rv, err := cs.Review(requester, r.ID, cooperation.ReviewInput{Message: fx.msg, Rubric: warden.Rubric{Completeness: 1, Accuracy: 1, Actionability: 1, Updates: 1}, Use: warden.UseNone})
		must(err)
		fx.rv = rv.ID
	}
	return fx
}

// fill puts fx's ids in a route's path.
func (fx fixture) fill(path string) string {
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	return strings.NewReplacer("/v1/organisations/{id}", "/v1/organisations/"+fx.org, "{id}", id(fx.id), "{aid}", id(fx.attachment), "{eid}", id(fx.ext),
		"{rid}", id(fx.rv), "{object...}", "entity:ofac:26663", "{date}", fx.date).Replace(path)
}

// cell is how one cooperation route is called by a caller its action
// allows so that it succeeds: on a fixture request of the caller's
// organisation (ru-cert for the home side) at stage on which the caller
// is the requester or the requested side, with a body and a query,
// after an optional preparation, answering want.
type cell struct {
	requester bool
	stage     stage
	query     string
	body      func(fx fixture) any
	prepare   func(t *testing.T, c *coopPlatform, fx *fixture)
	want      int
}

// coopRoute reports whether a route is one of the cooperation API's.
func coopRoute(rt route) bool {
	return !rt.ui && (strings.HasPrefix(rt.path, "/v1/requests") || strings.HasPrefix(rt.path, "/v1/cooperation/") || rt.path == "/v1/dialogues" ||
		rt.path == "/v1/scorecards" || strings.Contains(rt.path, "/closures") || strings.HasSuffix(rt.path, "/calendar"))
}

// coopCells are the cells of every cooperation route, by "METHOD path".
func coopCells() map[string]cell {
	n := 0
	day := func(month int) string { n++; return fmt.Sprintf("2026-%02d-%02d", month, n) }
	none := func(fixture) any { return nil }
	note := func(fixture) any { return map[string]string{"note": "Noted."} }
	reason := func(fixture) any { return map[string]string{"reason": "Settled."} }
	read := cell{stage: full, body: none, want: 200}
	return map[string]cell{
		"POST /v1/requests": {body: func(fx fixture) any {
			if fx.counterpart {
				return requestJSON(fx.org, noLinks)
			}
			return requestJSON(fx.org, nil)
		}, want: 201},
		"GET /v1/requests":      {body: none, want: 200},
		"GET /v1/requests/{id}": read,
		"PUT /v1/requests/{id}": {requester: true, stage: drafted, body: func(fx fixture) any {
			if fx.counterpart {
				return requestJSON(fx.org, noLinks)
			}
			return requestJSON(fx.org, nil)
		}, want: 200},
		"POST /v1/requests/{id}/send":             {requester: true, stage: drafted, body: none, want: 200},
		"POST /v1/requests/{id}/acknowledge":      {stage: sent, body: note, want: 200},
		"POST /v1/requests/{id}/start":            {stage: sent, body: note, want: 200},
		"POST /v1/requests/{id}/refuse":           {stage: sent, body: func(fixture) any { return map[string]string{"reason": "no_data", "text": "Not kept past 30 days."} }, want: 200},
		"POST /v1/requests/{id}/withdraw":         {requester: true, stage: sent, body: reason, want: 200},
		"POST /v1/requests/{id}/lapse":            {requester: true, stage: sent, body: reason, want: 200, prepare: func(t *testing.T, c *coopPlatform, fx *fixture) { c.clock.add(25 * time.Hour) }},
		"POST /v1/requests/{id}/close":            {requester: true, stage: answered, body: note, want: 200},
		"POST /v1/requests/{id}/answer":           {stage: sent, body: func(fixture) any { return map[string]string{"completeness": "full", "body": "Subscriber data below."} }, want: 201},
		"GET /v1/requests/{id}/messages":          read,
		"POST /v1/requests/{id}/messages":         {requester: true, stage: sent, body: func(fixture) any { return map[string]string{"kind": "question", "body": "Any news?"} }, want: 201},
		"GET /v1/requests/{id}/attachments/{aid}": read,
		"GET /v1/requests/{id}/extensions":        read,
		"POST /v1/requests/{id}/extensions": {stage: sent, body: func(fx fixture) any {
			return map[string]string{"until": fx.answerDue.Add(48 * time.Hour).Format(time.RFC3339), "reason": "The provider answers in two days."}
		}, want: 201},
		"POST /v1/requests/{id}/extensions/{eid}/grant":  {requester: true, stage: asked, body: reason, want: 200},
		"POST /v1/requests/{id}/extensions/{eid}/refuse": {requester: true, stage: asked, body: reason, want: 200},
		"GET /v1/requests/{id}/reviews":                  read,
		"POST /v1/requests/{id}/reviews": {requester: true, stage: answered, body: func(fx fixture) any {
			return map[string]any{"message": fx.msg, "rubric": map[string]int{"completeness": 3, "accuracy": 4, "actionability": 2, "updates": 3}, "use": "arrest"}
		}, want: 201},
		"POST /v1/requests/{id}/reviews/{rid}/response": {stage: reviewed, body: func(fixture) any { return map[string]string{"response": "We disagree."} }, want: 200},
		"GET /v1/requests/{id}/referrals":               read,
		"POST /v1/requests/{id}/referrals": {requester: true, stage: reviewed, body: func(fixture) any {
			return map[string]any{"ground": "low_quality", "reason": "Answers of no use on a ransomware case.", "legal_basis": map[string]string{"order": "E.O. 13694", "criterion": "Section 1(a)(ii)(B)"}}
		}, want: 201},
		"GET /v1/requests/{id}/timeline":            read,
		"GET /v1/requests/{id}/objects/{object...}": read,
		"GET /v1/cooperation/priorities":            {body: none, want: 200},
		"PUT /v1/cooperation/priorities":            {body: func(fixture) any { return priorityTable{Priorities: warden.DefaultPriorityTable} }, want: 200},
		"GET /v1/cooperation/thresholds":            {body: none, want: 200},
		"PUT /v1/cooperation/thresholds":            {body: func(fixture) any { return warden.DefaultReferralThresholds }, want: 200},
		"GET /v1/organisations/{id}/calendar":       {body: none, want: 200},
		"PUT /v1/organisations/{id}/calendar":       {body: func(fixture) any { return map[string]string{"time_zone": "Asia/Shanghai", "country": "CN"} }, want: 200},
		"GET /v1/organisations/{id}/closures":       {body: none, want: 200},
		"POST /v1/organisations/{id}/closures":      {body: func(fixture) any { return map[string]string{"date": day(7), "reason": "Office move."} }, want: 201},
		"DELETE /v1/organisations/{id}/closures/{date}": {body: none, want: 204, prepare: func(t *testing.T, c *coopPlatform, fx *fixture) {
			fx.date = day(8)
			ctx := warden.WithPrincipal(context.Background(), warden.Operator)
			if err := c.s.Cooperation.AddClosure(ctx, warden.Closure{Org: fx.org, Date: fx.date}); err != nil {
				t.Fatal(err)
			}
		}},
		"GET /v1/dialogues": {query: "?org=ru-cert", body: none, want: 200},
		"POST /v1/dialogues": {body: func(fixture) any {
			return map[string]string{"org": "ru-cert", "held_on": day(1), "notes": "Quarterly review."}
		}, want: 201},
		"GET /v1/scorecards": {query: "?org=ru-cert&period=quarter&at=2026-03-02", body: none, want: 200},
	}
}

// send calls a cell's route for a caller with the cell's body: none for
// a GET or DELETE.
func (c *coopPlatform) send(t *testing.T, rt route, tok, path string, body any) (int, []byte) {
	t.Helper()
	cl := c.client(t, tok)
	if rt.method == "GET" || rt.method == "DELETE" {
		resp := c.do(t, rt.method, path, tok, "", "")
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		return resp.StatusCode, b.Bytes()
	}
	return cl.call(rt.method, path, body)
}

// TestRequestPermissionCells calls every cooperation route as every role
// — the counterpart as one of ru-cert and one of cn-cert — each on a
// request it may act on, of its own organisation and on its own side:
// the answer is 403 exactly where warden.Permissions has no cell, and
// the route's success (200, 201 or 204) everywhere else.
func TestRequestPermissionCells(t *testing.T) {
	c := newCoopPlatform(t, storetest.OpenSQLite(t))
	cells := coopCells()
	// Reads share one request per organisation, taken through every stage.
	reads := map[string]fixture{}
	n := 0
	for _, rt := range c.s.routes() {
		if !coopRoute(rt) {
			continue
		}
		key := rt.method + " " + rt.path
		cl, ok := cells[key]
		if !ok {
			t.Errorf("%s: no cell in coopCells", key)
			continue
		}
		n++
		for _, who := range c.callers() {
			org := who.org
			if org == "" {
				org = "ru-cert"
			}
			if !warden.Allowed(who.role, rt.action) {
				if code, b := c.send(t, rt, who.tok, fixture{org: org, date: "2026-07-01"}.fill(rt.path), nil); code != 403 {
					t.Errorf("%s as %s: %d %s, want 403", key, who.name, code, b)
				}
				continue
			}
			// The home side is the requester of an outgoing request, a
			// counterpart of an incoming one.
			outgoing := (who.org == "") == cl.requester
			var fx fixture
			if cl.stage == full {
				if _, ok := reads[org]; !ok {
					reads[org] = c.makeFixture(t, org, true, full)
				}
				fx = reads[org]
			} else {
				fx = c.makeFixture(t, org, outgoing, cl.stage)
			}
			fx.counterpart = who.org != ""
			if cl.prepare != nil {
				cl.prepare(t, c, &fx)
			}
			if code, b := c.send(t, rt, who.tok, fx.fill(rt.path)+cl.query, cl.body(fx)); code != cl.want {
				t.Errorf("%s as %s: %d %s, want %d", key, who.name, code, b, cl.want)
			}
		}
	}
	if n != len(cells) {
		t.Errorf("%d cooperation routes, %d cells", n, len(cells))
	}
}

// TestCounterpartOfAnotherGets404: a counterpart of cn-cert asking about
// a request of ru-cert's — reading it, any step, its thread, attachment,
// extensions, reviews, referrals, timeline or linked objects — or about
// ru-cert's calendar or closures gets 404, as for a request that does not exist,
// never 403 (which would say it exists); only routes its role may never
// call are 403, whatever the request. None of it changes anything. On
// its own requests it reaches only the objects they share with it.
func TestCounterpartOfAnotherGets404(t *testing.T) {
	c := newCoopPlatform(t, storetest.OpenSQLite(t))
	fx := c.makeFixture(t, "ru-cert", true, full)
	fx.date = "2026-07-01"
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	if err := c.s.Cooperation.AddClosure(ctx, warden.Closure{Org: "ru-cert", Date: fx.date}); err != nil {
		t.Fatal(err)
	}
	auditor := c.client(t, c.tokens[warden.RoleAuditor])
	state := func() string {
		var s strings.Builder
		for _, p := range []string{"/v1/requests/{id}", "/v1/requests/{id}/messages", "/v1/requests/{id}/extensions", "/v1/requests/{id}/reviews",
			"/v1/requests/{id}/referrals", "/v1/requests/{id}/timeline", "/v1/organisations/{id}/closures", "/v1/audit?limit=1000"} {
			code, b := auditor.call("GET", fx.fill(p), nil)
			if code != 200 {
				t.Fatalf("GET %s: %d %s", p, code, b)
			}
			s.Write(b)
		}
		return s.String()
	}
	before := state()
	cells := coopCells()
	n := 0
	for _, rt := range c.s.routes() {
		if !coopRoute(rt) || !strings.Contains(rt.path, "{id}") {
			continue
		}
		n++
		want := 404
		if !warden.Allowed(warden.RoleCounterpart, rt.action) {
			want = 403
		}
		code, b := c.send(t, rt, c.cpB, fx.fill(rt.path), cells[rt.method+" "+rt.path].body(fx))
		if code != want || want == 404 && !strings.Contains(string(b), `"code":"not_found"`) {
			t.Errorf("%s %s on ru-cert's request as cn-cert's counterpart: %d %s, want %d", rt.method, rt.path, code, b, want)
		}
	}
	if n < 25 {
		t.Errorf("only %d routes on a request or an organisation", n)
	}
	if after := state(); after != before {
		t.Errorf("the other counterpart's calls changed something:\nbefore %s\n after %s", before, after)
	}
	cpB := c.client(t, c.cpB)
	for _, q := range []string{"", "?counterpart=ru-cert", "?q=hospitals"} {
		if code, b := cpB.call("GET", "/v1/requests"+q, nil); code != 200 || strings.Contains(string(b), fmt.Sprintf(`"id":%d,`, fx.id)) {
			t.Errorf("cn-cert's list%s: %d %s", q, code, b)
		}
	}
	// cn-cert's own request links the party (shared) and a payment (not
	// shared): it reaches the party, and nothing else.
	own := c.makeFixture(t, "cn-cert", true, sent)
	for object, want := range map[string]int{"entity:ofac:26663": 200, "tx:PAY-1": 404, "case:1": 404, "designation:1": 404, "entity:ofac:1": 404} {
		if code, b := cpB.call("GET", fmt.Sprintf("/v1/requests/%d/objects/%s", own.id, object), nil); code != want {
			t.Errorf("cn-cert's counterpart reading %s through its own request: %d %s, want %d", object, code, b, want)
		}
	}
}
