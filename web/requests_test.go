package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"warden"
	"warden/cooperation"
	"warden/store"
	"warden/store/storetest"
)

// coopClock is the cooperation service's clock, which a test moves.
type coopClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *coopClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *coopClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// coopStart is when the cooperation tests begin: Monday 2 March 2026,
// 09:00 in Shanghai, when the requested side of an outgoing request opens
// its office on a working day.
var coopStart = time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)

// coopPlatform is a platform whose cooperation service runs on a clock
// the test moves, with attachments of at most 4 KiB, and a token of a
// counterpart of cn-cert (B) besides the one of ru-cert (A).
type coopPlatform struct {
	*platform
	clock *coopClock
	cpB   string
	ctxs  map[string]context.Context // by token, for as
}

func newCoopPlatform(t *testing.T, db *store.DB) *coopPlatform {
	t.Helper()
	clock := &coopClock{t: coopStart}
	p := newPlatform(t, db, func(s *Server) { s.Cooperation.Now, s.Cooperation.MaxAttachment = clock.now, 4<<10 })
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	tok, _, err := p.s.Auth.CreateToken(ctx, "t-counterpart-b", warden.RoleCounterpart, "cn-cert", nil)
	if err != nil {
		t.Fatal(err)
	}
	// The payment requests link, not shared with the counterpart.
	resp := p.do(t, "POST", "/v1/transactions", p.tokens[warden.RoleScreener], "application/json",
		`{"reference":"PAY-1","amount":{"currency":"USD","minor":125000},"parties":[{"role":"beneficiary","name":"Northwind Traders","account":"DE-2"}]}`)
	if resp.StatusCode != 200 {
		t.Fatalf("payment PAY-1: %d", resp.StatusCode)
	}
	return &coopPlatform{platform: p, clock: clock, cpB: tok, ctxs: map[string]context.Context{}}
}

// client returns a client calling with token tok.
func (c *coopPlatform) client(t *testing.T, tok string) *client {
	return &client{token: tok, p: c.platform, t: t}
}

// as is a context acting as the holder of token tok, for fixtures made
// through the service.
func (c *coopPlatform) as(t *testing.T, tok string) context.Context {
	t.Helper()
	if ctx, ok := c.ctxs[tok]; ok {
		return ctx
	}
	p, err := c.s.Auth.Authenticate(context.Background(), "Bearer "+tok)
	if err != nil {
		t.Fatal(err)
	}
	c.ctxs[tok] = warden.WithPrincipal(context.Background(), p)
	return c.ctxs[tok]
}

// requestJSON is the form of an emergency request for information to
// counterpart org (a counterpart's own request is from its organisation,
// whatever it says), asked of an authority in Shanghai; edit changes it.
// It links a listed party, shared with the counterpart, and a payment,
// not shared, and names the party. A counterpart's own request links
// nothing (noLinks).
func requestJSON(org string, edit func(map[string]any)) map[string]any {
	m := map[string]any{
		"type": "information", "counterpart": org, "priority": "emergency", "urgency": "Ransomware is encrypting hospital systems now.",
		"requesting":  map[string]any{"name": "Home CERT", "time_zone": "America/New_York", "country": "US"},
		"requested":   map[string]any{"name": "Counterpart CERT", "time_zone": "Asia/Shanghai", "country": "CN"},
		"legal_basis": "The 2015 arrangement on requests about malicious cyber activity.",
		"facts":       "Servers in the requested territory control the EVILCORP ransomware that hit three hospitals.",
		"offence":     "Computer fraud and extortion", "sought": "Subscriber data of 203.0.113.7", "need": "To identify the operators.",
		"links":   []map[string]any{{"object": "entity:ofac:26663", "shared": true}, {"object": "tx:PAY-1", "shared": false}},
		"parties": []map[string]any{{"name": "Maksim Yakubets", "schema": "Person", "entity_id": "ofac:26663"}},
	}
	if edit != nil {
		edit(m)
	}
	return m
}

// noLinks takes the links out of a form: Warden's objects are the
// authority's records, which a counterpart's request does not link.
func noLinks(m map[string]any) { delete(m, "links") }

// coopInput is requestJSON(org, edit) as the service takes it.
func coopInput(t *testing.T, org string, edit func(map[string]any)) cooperation.Input {
	t.Helper()
	b, _ := json.Marshal(requestJSON(org, edit))
	var in cooperation.Input
	if err := json.Unmarshal(b, &in); err != nil {
		t.Fatal(err)
	}
	return in
}

// multipart posts fields and files (name to content, each a part named file)
// as multipart/form-data with c's token.
func (c *client) multipart(path string, fields map[string]string, files map[string][]byte) (int, []byte) {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	for name, data := range files {
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write(data)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", c.p.srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// decodeAs decodes b into a new T, failing the test if it cannot.
func decodeAs[T any](t *testing.T, b []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("decoding %s: %v", b, err)
	}
	return v
}

// sameTime reports whether p is set and equal to want.
func sameTime(p *time.Time, want time.Time) bool { return p != nil && p.Equal(want) }

// TestRequestLifecycleAPI walks an outgoing request over HTTP from draft
// to closed — sent, acknowledged by the counterpart, a question, in
// progress, an extension granted, a partial answer with a file and a
// full one, reviewed, the review answered — checking the clock at each
// step, then a counterpart's own request sent at once, the list's
// filters, and the scorecard in its four formats.
func TestRequestLifecycleAPI(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		c := newCoopPlatform(t, db)
		ana, cpA, cpB := c.client(t, c.tokens[warden.RoleAnalyst]), c.client(t, c.tokens[warden.RoleCounterpart]), c.client(t, c.cpB)
		t0 := coopStart

		// ru-cert keeps Shanghai's business time, whatever a form says.
		liaison := c.client(t, c.tokens[warden.RoleLiaison])
		shanghai := warden.OrgCalendar{Org: "ru-cert", TimeZone: "Asia/Shanghai", Country: "CN", OfficeHours: "09:00-17:00"}
		code, b := liaison.call("PUT", "/v1/organisations/ru-cert/calendar", map[string]string{"time_zone": "Asia/Shanghai", "country": "cn", "office_hours": "09:00-17:00"})
		if got := decodeAs[warden.OrgCalendar](t, b); code != 200 || got != shanghai {
			t.Fatalf("set ru-cert's calendar: %d %s", code, b)
		}
		if code, b := cpA.call("GET", "/v1/organisations/ru-cert/calendar", nil); code != 200 || decodeAs[warden.OrgCalendar](t, b) != shanghai {
			t.Errorf("ru-cert reading its calendar: %d %s", code, b)
		}
		if code, b := cpB.call("GET", "/v1/organisations/ru-cert/calendar", nil); code != 404 {
			t.Errorf("cn-cert reading ru-cert's calendar: %d %s", code, b)
		}
		// A closure answers as stored, with when it was added.
		code, b = liaison.call("POST", "/v1/organisations/cn-cert/closures", map[string]string{"date": "2026-12-24", "reason": "Office move."})
		if got := decodeAs[warden.Closure](t, b); code != 201 || !got.AddedAt.Equal(t0) || got.Date != "2026-12-24" || got.Org != "cn-cert" {
			t.Errorf("a closure added: %d %s", code, b)
		}
		code, b = ana.call("POST", "/v1/requests", requestJSON("ru-cert", func(m map[string]any) {
			m["requested"] = map[string]any{"name": "Counterpart CERT", "time_zone": "Europe/Paris", "country": "FR"}
		}))
		r := decodeAs[warden.Request](t, b)
		if code != 201 || r.Status != warden.RequestDraft || r.Direction != warden.Outgoing || r.Counterpart != "ru-cert" || r.Requested.Org != "ru-cert" || r.Requesting.Org != warden.HomeOrg || r.SentAt != nil ||
			r.Requested.TimeZone != "Asia/Shanghai" || r.Requested.Country != "CN" {
			t.Fatalf("draft: %d %s", code, b)
		}
		path := fmt.Sprintf("/v1/requests/%d", r.ID)
		if code, b := cpA.call("GET", path, nil); code != 404 {
			t.Errorf("the counterpart reading the authority's draft: %d %s", code, b)
		}
		code, b = ana.call("PUT", path, requestJSON("ru-cert", func(m map[string]any) { m["facts"] = "Three hospitals and a water utility." }))
		if r = decodeAs[warden.Request](t, b); code != 200 || r.Facts != "Three hospitals and a water utility." || r.Status != warden.RequestDraft {
			t.Fatalf("update: %d %s", code, b)
		}
		code, b = ana.call("POST", path+"/send", nil)
		r = decodeAs[warden.Request](t, b)
		if code != 200 || r.Status != warden.RequestSent || !sameTime(r.SentAt, t0) || !sameTime(r.AckDue, t0.Add(8*time.Hour)) ||
			!sameTime(r.AnswerDue, t0.Add(24*time.Hour)) || !sameTime(r.AnswerDueOriginal, t0.Add(24*time.Hour)) {
			t.Fatalf("send: %d %s", code, b)
		}
		code, b = cpA.call("GET", path, nil)
		if seen := decodeAs[warden.Request](t, b); code != 200 || !slices.Equal(seen.Links, []warden.RequestLink{{Object: "entity:ofac:26663", Shared: true}}) {
			t.Errorf("the counterpart sees the shared link only: %d %s", code, b)
		}
		if code, b = ana.call("GET", path, nil); len(decodeAs[warden.Request](t, b).Links) != 2 {
			t.Errorf("the authority sees both links: %d %s", code, b)
		}

		c.clock.add(time.Hour)
		code, b = cpA.call("POST", path+"/acknowledge", map[string]string{"note": "Received; the duty officer is on it."})
		r = decodeAs[warden.Request](t, b)
		if code != 200 || r.Status != warden.RequestAcknowledged || !sameTime(r.AcknowledgedAt, t0.Add(time.Hour)) || r.AckBusinessSecs == nil || *r.AckBusinessSecs != 3600 {
			t.Fatalf("acknowledge (an hour of Shanghai office time): %d %s", code, b)
		}
		code, b = cpA.call("POST", path+"/messages", map[string]string{"kind": "question", "body": "Which time zone are the logs in?"})
		if m := decodeAs[warden.RequestMessage](t, b); code != 201 || m.Kind != warden.MessageQuestion || m.Org != "ru-cert" || m.Author != "t-counterpart" {
			t.Errorf("question: %d %s", code, b)
		}
		if code, b = cpA.call("POST", path+"/start", nil); code != 200 || decodeAs[warden.Request](t, b).Status != warden.RequestInProgress {
			t.Fatalf("start: %d %s", code, b)
		}
		code, b = cpA.call("POST", path+"/extensions", map[string]string{"until": t0.Add(72 * time.Hour).Format(time.RFC3339), "reason": "The provider answers in two days."})
		ext := decodeAs[warden.Extension](t, b)
		if code != 201 || ext.Status != warden.ExtensionAsked || !ext.Until.Equal(t0.Add(72*time.Hour)) {
			t.Fatalf("ask an extension: %d %s", code, b)
		}
		if code, b := cpA.call("POST", fmt.Sprintf("%s/extensions/%d/grant", path, ext.ID), nil); code != 403 {
			t.Errorf("the requested side granting its own extension: %d %s", code, b)
		}
		code, b = ana.call("POST", fmt.Sprintf("%s/extensions/%d/grant", path, ext.ID), map[string]string{"reason": "Agreed."})
		if e := decodeAs[warden.Extension](t, b); code != 200 || e.Status != warden.ExtensionGranted || e.DecidedBy != "t-analyst" {
			t.Fatalf("grant: %d %s", code, b)
		}
		code, b = ana.call("GET", path, nil)
		if r = decodeAs[warden.Request](t, b); !sameTime(r.AnswerDue, t0.Add(72*time.Hour)) || !sameTime(r.AnswerDueOriginal, t0.Add(24*time.Hour)) {
			t.Errorf("the extended deadline, the original kept: %s", b)
		}

		c.clock.add(2 * time.Hour)
		logs := []byte("203.0.113.7 connected at 02:14 UTC from account 4471.\n")
		code, b = cpA.multipart(path+"/answer", map[string]string{"completeness": "partial", "body": "The first log excerpt."}, map[string][]byte{"logs.txt": logs})
		partial := decodeAs[answerResult](t, b)
		sum := sha256.Sum256(logs)
		if code != 201 || partial.Request.Status != warden.RequestAnswered || partial.Request.Answer != warden.AnswerPartial || !sameTime(partial.Request.FirstAnswerAt, t0.Add(3*time.Hour)) ||
			partial.Request.AnsweredAt != nil || len(partial.Message.Attachments) != 1 || partial.Message.Attachments[0].SHA256 != hex.EncodeToString(sum[:]) ||
			partial.Message.Attachments[0].Size != int64(len(logs)) {
			t.Fatalf("partial answer with a file: %d %s", code, b)
		}
		a := partial.Message.Attachments[0]
		resp := c.do(t, "GET", fmt.Sprintf("%s/attachments/%d", path, a.ID), c.tokens[warden.RoleAnalyst], "", "")
		got, _ := io.ReadAll(resp.Body)
		h := resp.Header
		if resp.StatusCode != 200 || !bytes.Equal(got, logs) || h.Get("Content-Type") != "text/plain; charset=utf-8" || h.Get("Content-Disposition") != `attachment; filename=logs.txt` ||
			h.Get("X-Content-Type-Options") != "nosniff" || h.Get("ETag") != `"`+a.SHA256+`"` {
			t.Errorf("download: %d %v %q", resp.StatusCode, h, got)
		}
		c.clock.add(time.Hour)
		code, b = cpA.call("POST", path+"/answer", map[string]string{"completeness": "full", "body": "The account belongs to a reseller; subscriber data attached to the thread."})
		full := decodeAs[answerResult](t, b)
		if code != 201 || full.Request.Answer != warden.AnswerFull || !sameTime(full.Request.AnsweredAt, t0.Add(4*time.Hour)) || full.Request.AnswerBusinessSecs == nil ||
			*full.Request.AnswerBusinessSecs != 4*3600 || full.Message.Kind != warden.MessageAnswer {
			t.Fatalf("full answer: %d %s", code, b)
		}
		code, b = ana.call("POST", path+"/reviews", map[string]any{"message": full.Message.ID, "rubric": map[string]int{"completeness": 4, "accuracy": 5, "actionability": 3, "updates": 4},
			"comments": "Led to the reseller.", "use": "takedown"})
		rv := decodeAs[warden.Review](t, b)
		if code != 201 || rv.Rubric.Accuracy != 5 || rv.Use != warden.UseTakedown || rv.By != "t-analyst" {
			t.Fatalf("review: %d %s", code, b)
		}
		code, b = cpA.call("POST", fmt.Sprintf("%s/reviews/%d/response", path, rv.ID), map[string]string{"response": "Thank you; the reseller is under investigation here."})
		if rv = decodeAs[warden.Review](t, b); code != 200 || rv.Response != "Thank you; the reseller is under investigation here." || rv.RespondedBy != "t-counterpart" {
			t.Errorf("response to the review: %d %s", code, b)
		}
		code, b = ana.call("POST", path+"/close", map[string]string{"note": "Answered and used."})
		if r = decodeAs[warden.Request](t, b); code != 200 || r.Status != warden.RequestClosed || !sameTime(r.ClosedAt, t0.Add(4*time.Hour)) || !sameTime(r.ReviewedAt, t0.Add(4*time.Hour)) {
			t.Fatalf("close: %d %s", code, b)
		}
		code, b = cpA.call("GET", path+"/timeline", nil)
		var types []string
		for _, e := range decodeAs[struct{ Events []warden.DomainEvent }](t, b).Events {
			types = append(types, e.Type)
		}
		want := []string{warden.EventRequestSent, warden.EventRequestAcknowledged, warden.EventRequestMessage, warden.EventRequestInProgress, warden.EventRequestExtensionAsked,
			warden.EventRequestExtensionDecided, warden.EventRequestAnswered, warden.EventRequestAnswered, warden.EventRequestReviewed, warden.EventRequestReviewResponded, warden.EventRequestClosed}
		if code != 200 || !slices.Equal(types, want) {
			t.Errorf("timeline: %d\n got %v\nwant %v", code, types, want)
		}
		code, b = cpA.call("GET", path+"/messages", nil)
		var kinds []string
		for _, m := range decodeAs[struct{ Messages []warden.RequestMessage }](t, b).Messages {
			kinds = append(kinds, string(m.Kind)+" "+string(m.Answer)+" "+m.Org+" "+strconv.Itoa(len(m.Attachments)))
		}
		// The notes of the acknowledgement and the closing are updates.
		if want := []string{"update  ru-cert 0", "question  ru-cert 0", "answer partial ru-cert 1", "answer full ru-cert 0", "update  home 0"}; code != 200 || !slices.Equal(kinds, want) {
			t.Errorf("thread: %d\n got %q\nwant %q", code, kinds, want)
		}

		// A counterpart's own request, sent at once: incoming, the
		// authority the requested side.
		code, b = cpA.call("POST", "/v1/requests", requestJSON("", func(m map[string]any) {
			noLinks(m)
			m["send"] = true
			m["requested"] = map[string]any{"name": "Home CERT", "time_zone": "America/New_York", "country": "US"}
		}))
		in := decodeAs[warden.Request](t, b)
		if code != 201 || in.Status != warden.RequestSent || in.Direction != warden.Incoming || in.Counterpart != "ru-cert" || in.Requesting.Org != "ru-cert" || in.Requested.Org != warden.HomeOrg {
			t.Fatalf("a counterpart's request: %d %s", code, b)
		}
		if code, b := ana.call("POST", fmt.Sprintf("/v1/requests/%d/acknowledge", in.ID), nil); code != 200 {
			t.Errorf("the authority acknowledging it: %d %s", code, b)
		}
		for query, ids := range map[string][]int64{
			"":                              {in.ID, r.ID},
			"?direction=incoming":           {in.ID},
			"?status=closed":                {r.ID},
			"?limit=1":                      {in.ID},
			fmt.Sprintf("?after=%d", in.ID): {r.ID},
			"?counterpart=cn-cert":          nil,
			"?q=water":                      {r.ID},
		} {
			code, b := ana.call("GET", "/v1/requests"+query, nil)
			var got []int64
			for _, x := range decodeAs[struct{ Requests []warden.Request }](t, b).Requests {
				got = append(got, x.ID)
			}
			if code != 200 || !slices.Equal(got, ids) {
				t.Errorf("GET /v1/requests%s: %d %v, want %v", query, code, got, ids)
			}
		}
		if code, b := cpB.call("GET", "/v1/requests", nil); code != 200 || len(decodeAs[struct{ Requests []warden.Request }](t, b).Requests) != 0 {
			t.Errorf("another counterpart's list: %d %s", code, b)
		}

		sc := "/v1/scorecards?org=ru-cert&period=month&at=2026-03-20"
		code, b = ana.call("GET", sc, nil)
		card := decodeAs[warden.Scorecard](t, b)
		o := card.Outgoing
		if code != 200 || !card.From.Equal(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)) || !card.To.Equal(time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)) ||
			o.Requests != 1 || o.Acknowledged != 1 || o.AckOnTime != 1 || o.Answered != 1 || o.AnswerOnTime != 1 || o.ExtensionsGranted != 1 ||
			o.Quality.N != 1 || o.Quality.Accuracy != 5 || o.Quality.Overall != 4 || o.Uses[warden.UseTakedown] != 1 || card.Incoming.Requests != 1 || card.Incoming.Acknowledged != 1 {
			t.Errorf("scorecard: %d %s", code, b)
		}
		// The CSV has a row per figure, outgoing then incoming: an hour of
		// Shanghai's office time to acknowledge ours, none of ours to
		// acknowledge theirs (at midnight in New York).
		for format, want := range map[string][]string{
			"csv":  {"text/csv; charset=utf-8", "requests,requests,1,1\n", "acknowledgement,median business hours,1,0\n", "answer,on time by the first deadline,1,0\n"},
			"svg":  {"image/svg+xml", "<svg"},
			"html": {"text/html; charset=utf-8", "<svg", "ru-cert"},
		} {
			resp := c.do(t, "GET", sc+"&format="+format, c.tokens[warden.RoleAnalyst], "", "")
			body, _ := io.ReadAll(resp.Body)
			ok := resp.StatusCode == 200 && resp.Header.Get("Content-Type") == want[0]
			for _, w := range want[1:] {
				ok = ok && strings.Contains(strings.ReplaceAll(string(body), "\r\n", "\n"), w)
			}
			if !ok {
				t.Errorf("scorecard as %s: %d %s, want %q in %.2000s", format, resp.StatusCode, resp.Header.Get("Content-Type"), want, body)
			}
			// The report and the chart style themselves inline, which the
			// pages' policy forbids: theirs allows inline style and nothing
			// else, and neither carries a script.
			policy := resp.Header.Get("Content-Security-Policy")
			if format != "csv" && (policy != "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'" ||
				strings.Contains(strings.ToLower(string(body)), "<script")) {
				t.Errorf("scorecard as %s: Content-Security-Policy %q, or a script in it", format, policy)
			}
			if format == "csv" && (strings.Contains(policy, "unsafe-inline") || !strings.Contains(policy, "default-src 'self'")) {
				t.Errorf("scorecard as csv: Content-Security-Policy %q, want the server's", policy)
			}
		}
		// The CSV is named by the period's days in UTC, as its rows give
		// them: from and to at midnight at +14:00 are the day before's
		// 10:00 UTC.
		resp = c.do(t, "GET", "/v1/scorecards?org=ru-cert&from=2026-03-01T00:00:00%2B14:00&to=2026-03-02T00:00:00%2B14:00&format=csv", c.tokens[warden.RoleAnalyst], "", "")
		resp.Body.Close()
		if got := resp.Header.Get("Content-Disposition"); resp.StatusCode != 200 || got != `attachment; filename=scorecard-ru-cert-2026-02-28-2026-03-01.csv` {
			t.Errorf("the CSV's name: %d %q", resp.StatusCode, got)
		}
		code, b = ana.call("GET", "/v1/scorecards?org=ru-cert&from=2026-03-01&to=2026-03-02", nil)
		if card = decodeAs[warden.Scorecard](t, b); code != 200 || card.Outgoing.Requests != 0 {
			t.Errorf("a scorecard of the day before: %d %s", code, b)
		}
	})
}

// TestRequestBadInputAPI: a request without legal basis or facts, a
// deadline in the past, an attachment too large or of the wrong type, a
// transition out of order, a malformed or unexpected body or query: each
// is a 400 (413 for the size) naming the field, and nothing changes —
// the request reads the same, its thread and timeline are as they were,
// no request is added and the audit log has no new event.
func TestRequestBadInputAPI(t *testing.T) {
	c := newCoopPlatform(t, storetest.OpenSQLite(t))
	ana, cpA := c.client(t, c.tokens[warden.RoleAnalyst]), c.client(t, c.tokens[warden.RoleCounterpart])
	auditor := c.client(t, c.tokens[warden.RoleAuditor])
	code, b := ana.call("POST", "/v1/requests", requestJSON("ru-cert", func(m map[string]any) { m["send"] = true }))
	r := decodeAs[warden.Request](t, b)
	if code != 201 || r.Status != warden.RequestSent {
		t.Fatalf("setup: %d %s", code, b)
	}
	path := fmt.Sprintf("/v1/requests/%d", r.ID)
	state := func() string {
		var s strings.Builder
		for _, p := range []string{path, path + "/messages", path + "/timeline", path + "/extensions", "/v1/requests", "/v1/audit?limit=1000"} {
			code, b := auditor.call("GET", p, nil)
			if code != 200 {
				t.Fatalf("GET %s: %d %s", p, code, b)
			}
			s.Write(b)
		}
		return s.String()
	}
	before := state()
	past := coopStart.Add(-time.Hour).Format(time.RFC3339)
	for _, tc := range []struct {
		name         string
		who          *client
		method, path string
		body         any
		code         int
		want         string
	}{
		{"no legal basis", ana, "POST", "/v1/requests", requestJSON("ru-cert", func(m map[string]any) { delete(m, "legal_basis") }), 400, "legal_basis"},
		{"blank facts", ana, "POST", "/v1/requests", requestJSON("ru-cert", func(m map[string]any) { m["facts"] = "  " }), 400, "facts"},
		{"due_by in the past", ana, "POST", "/v1/requests", requestJSON("ru-cert", func(m map[string]any) { m["due_by"] = past }), 400, "due_by"},
		{"due_by not a time", ana, "POST", "/v1/requests", requestJSON("ru-cert", func(m map[string]any) { m["due_by"] = "next Tuesday" }), 400, "due_by"},
		{"requested country without a calendar", ana, "POST", "/v1/requests", requestJSON("ru-cert", func(m map[string]any) {
			m["requested"] = map[string]any{"name": "X", "time_zone": "UTC", "country": "AQ"}
		}), 400, "requested.country"},
		{"a link of no known kind", ana, "POST", "/v1/requests", requestJSON("ru-cert", func(m map[string]any) {
			m["links"] = []map[string]any{{"object": "planet:mars"}}
		}), 400, "links[0].object"},
		{"unknown field", ana, "POST", "/v1/requests", requestJSON("ru-cert", func(m map[string]any) { m["colour"] = "red" }), 400, "colour"},
		{"a number for text", ana, "POST", "/v1/requests", requestJSON("ru-cert", func(m map[string]any) { m["facts"] = 7 }), 400, "facts"},
		{"a draft edited after sending", ana, "PUT", path, requestJSON("ru-cert", nil), 400, "status"},
		{"closed before it is answered", ana, "POST", path + "/close", nil, 400, "status"},
		{"a review before any answer", ana, "POST", path + "/reviews", map[string]any{"message": 1, "rubric": map[string]int{"completeness": 1, "accuracy": 1, "actionability": 1, "updates": 1}, "use": "no_use"}, 400, "status"},
		{"an answer of unknown completeness", cpA, "POST", path + "/answer", map[string]string{"completeness": "most", "body": "x"}, 400, "answer"},
		{"an answer with a field it does not take", cpA, "POST", path + "/answer", map[string]string{"completeness": "full", "body": "x", "kind": "note"}, 400, "kind"},
		{"a refusal for no listed reason", cpA, "POST", path + "/refuse", map[string]string{"reason": "busy"}, 400, "reason"},
		{"an extension until a malformed time", cpA, "POST", path + "/extensions", map[string]string{"until": "soon", "reason": "x"}, 400, "until"},
		{"an extension before the deadline", cpA, "POST", path + "/extensions", map[string]string{"until": coopStart.Add(time.Hour).Format(time.RFC3339), "reason": "x"}, 400, "until"},
		{"a request id that is no number", ana, "GET", "/v1/requests/seven", nil, 400, "request id"},
		{"an undeclared query parameter", ana, "GET", "/v1/requests?colour=red", nil, 400, "colour"},
		{"overdue neither true nor false", ana, "GET", "/v1/requests?overdue=maybe", nil, 400, "overdue"},
		{"an unknown status", ana, "GET", "/v1/requests?status=lost", nil, 400, "status"},
		{"a scorecard without org", ana, "GET", "/v1/scorecards?period=month", nil, 400, "org"},
		{"a scorecard of an unknown period", ana, "GET", "/v1/scorecards?org=ru-cert&period=fortnight", nil, 400, "period"},
		{"a scorecard with period and from", ana, "GET", "/v1/scorecards?org=ru-cert&period=month&from=2026-01-01", nil, 400, "from"},
		{"a scorecard in an unknown format", ana, "GET", "/v1/scorecards?org=ru-cert&period=month&format=pdf", nil, 400, "format"},
		{"a scorecard of a month of year 9999", ana, "GET", "/v1/scorecards?org=ru-cert&period=month&at=9999-12-15", nil, 400, "at (query parameter)"},
		{"a scorecard from year 1", ana, "GET", "/v1/scorecards?org=ru-cert&from=0001-01-01&to=2026-01-01", nil, 400, "from (query parameter)"},
		{"a scorecard to year 2101", ana, "GET", "/v1/scorecards?org=ru-cert&from=2100-06-01&to=2101-01-02", nil, 400, "to (query parameter)"},
	} {
		code, b := tc.who.call(tc.method, tc.path, tc.body)
		if code != tc.code || !strings.Contains(string(b), tc.want) {
			t.Errorf("%s: %d %s, want %d naming %s", tc.name, code, b, tc.code, tc.want)
		}
	}
	// Bodies the client helper cannot send: duplicate keys, files.
	dup := c.do(t, "POST", path+"/acknowledge", c.tokens[warden.RoleCounterpart], "application/json", `{"note":"a","note":"b"}`)
	if b, _ := io.ReadAll(dup.Body); dup.StatusCode != 400 || !strings.Contains(string(b), "note") {
		t.Errorf("duplicate key: %d %s", dup.StatusCode, b)
	}
	for name, tc := range map[string]struct {
		data []byte
		code int
		want string
	}{
		"big.txt":   {bytes.Repeat([]byte("a"), 4<<10+1), 413, "big.txt"},
		"page.txt":  {[]byte("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"), 400, "page"},
		"tool.exe":  {append([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 64)...), 400, "tool.exe"},
		"empty.txt": {nil, 400, "empty"},
	} {
		code, b := cpA.multipart(path+"/answer", map[string]string{"completeness": "full", "body": "See the file."}, map[string][]byte{name: tc.data})
		if code != tc.code || !strings.Contains(string(b), tc.want) {
			t.Errorf("answer with %s: %d %s, want %d", name, code, b, tc.code)
		}
	}
	if code, b := cpA.multipart(path+"/messages", map[string]string{"kind": "update", "body": "a", "colour": "red"}, nil); code != 400 || !strings.Contains(string(b), "colour") {
		t.Errorf("a form field a message does not take: %d %s", code, b)
	}
	if after := state(); after != before {
		t.Errorf("bad input changed something:\nbefore %s\n after %s", before, after)
	}
}
