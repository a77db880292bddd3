package web_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"warden"
	"warden/auth"
	"warden/demo"
	"warden/hotline"
	"warden/internal/hotlinerun"
	"warden/notify"
	"warden/notify/notifytest"
	"warden/publish"
	"warden/store/storetest"
	"warden/web"
)

// TestBrowserLoop walks the story of issue 18, with the demo's data
// (demo/story.go), through the pages, each role signing in in turn in
// headless Chromium: analyst ana records the incident, the actor and the
// indicators at AMBER, a RED indicator, and
// shares what the counterpart may see; liaison lin sends the urgent
// request to cn-cert in the form; chen of cn-cert finds it in the portal
// without the RED link; the acknowledgement deadline passes (the clock is
// moved and the server's jobs run), the hotline e-mails lin, who is on
// call, and the link in the e-mail, opened in the browser, acknowledges
// the alert; chen acknowledges late and answers in part; lin rates the
// answer 2/5 and 1/5 and the scorecard page shows it; officer sofia
// refers the request and links the incident and its indicators to the
// proposals; officer oscar approves them on their pages; the public
// notice of each version, opened signed out, names its party, and the
// version's signed export verifies with the server's key; an amendment
// adds the company's Chinese name; a payment to the company's wallet is
// blocked and a customer of the Chinese name, uploaded on the bulk page,
// is held; ana finds the case, the ledger entry and the initial report
// with its deadline; the designated parties join the counterpart's
// collection; the counterpart's portal shows the request's history, and
// never the RED indicator, the internal note, the referral or ru-cert's
// request.
//
// Steps without a page are done through the API within the test, as the
// role would: the internal note (STIX notes have no form), the ids of the
// relationships to share (no page lists them with their ids), the request to
// the second counterpart and the hotline's rotation, policy and trigger
// (set-up; triggers have no page), the payment (payment systems call the
// API), exporting the designated parties as STIX (no page exports
// parties), the counterpart's TAXII read (a machine protocol) and the
// signed export's files (read by a consumer's program, not a person). The
// server's periodic jobs (the deadline sweep, the hotline's events and
// deliveries, the screening index refresh) are called as serve's jobs
// call them, at the test's clock.
func TestBrowserLoop(t *testing.T) {
	// Steps 1–7 walk many pages as six people: 60 s on a shared 2-core machine.
	ctx := browserFor(t, 5*time.Minute)
	db := storetest.OpenSQLite(t)
	op := warden.WithPrincipal(context.Background(), warden.Operator)
	a := auth.New(db)
	for _, o := range []string{"cn-cert", "ru-cert"} {
		if _, err := a.CreateOrg(op, o, strings.ToUpper(o), "counterpart"); err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range []struct {
		name string
		role warden.Role
		org  string
	}{{"ana", warden.RoleAnalyst, ""}, {"lin", warden.RoleLiaison, ""}, {"sofia", warden.RoleSanctionsOfficer, ""}, {"oscar", warden.RoleSanctionsOfficer, ""},
		{"sam", warden.RoleScreener, ""}, {"chen", warden.RoleCounterpart, "cn-cert"}} {
		if _, err := a.CreateUser(op, u.name, u.role, u.org, "amber quarry nine swallows "+u.name, ""); err != nil {
			t.Fatal(err)
		}
	}
	tokens := map[string]string{}
	for _, tk := range []struct {
		name string
		role warden.Role
		org  string
	}{{"admin", warden.RoleAdmin, ""}, {"ana", warden.RoleAnalyst, ""}, {"lin", warden.RoleLiaison, ""}, {"sam", warden.RoleScreener, ""}, {"cn-cert", warden.RoleCounterpart, "cn-cert"}} {
		tok, _, err := a.CreateToken(op, "t-"+tk.name, tk.role, tk.org, nil)
		if err != nil {
			t.Fatal(err)
		}
		tokens[tk.name] = tok
	}
	clk := &clock{t: time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)} // Monday, 09:00 in Shanghai
	smtp := notifytest.NewSMTP(t)
	host, port := smtp.Addr()
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ws := web.NewTestServer(db, nil, a)
	ws.Lists.Public, ws.Public = []string{"cyber_sanctions"}, web.Public{Key: key}
	ws.Log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ws.Now, ws.Cooperation.Now, ws.Enforcement.Now = clk.now, clk.now, clk.now
	ws.Hotline = hotline.New(db, hotline.Options{Now: clk.now, BaseURL: base, Log: ws.Log,
		Senders: hotlinerun.Senders(&notify.Email{Host: host, Port: port, From: "Warden hotline <hotline@warden.example>", TLSConfig: smtp.TLSConfig()}, &notify.Webhook{})})
	srv.Config.Handler = ws.Handler()
	srv.Start()
	t.Cleanup(srv.Close)
	jobs := func() { // what serve's jobs do, at the clock
		t.Helper()
		if _, err := ws.Cooperation.Sweep(op); err != nil {
			t.Fatal(err)
		}
		if _, err := ws.Hotline.HandleEvents(op); err != nil {
			t.Fatal(err)
		}
		if _, _, err := ws.Hotline.RunDue(op); err != nil {
			t.Fatal(err)
		}
	}
	api := func(method, path, token, ct string, body []byte, accept string) (int, []byte) {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	apiJSON := func(method, path, token string, v any, want int) []byte {
		t.Helper()
		body, _ := json.Marshal(v)
		code, b := api(method, path, token, "application/json", body, "")
		if code != want {
			t.Fatalf("%s %s: %d, want %d: %s", method, path, code, want, b)
		}
		return b
	}
	idOf := func(url string) string { return url[strings.LastIndex(url, "/")+1:] }
	has := func(what, text string, wants ...string) {
		t.Helper()
		for _, w := range wants {
			if !strings.Contains(text, w) {
				t.Errorf("%s lacks %q: %q", what, w, text)
			}
		}
	}
	hasNot := func(what, text string, secrets ...string) {
		t.Helper()
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("%s shows %q: %q", what, s, text)
			}
		}
	}

	// Set-up through the API: cn-cert's business calendar, its
	// collection, lin on call for missed deadlines.
	apiJSON("PUT", "/v1/organisations/cn-cert/calendar", tokens["admin"], map[string]string{"time_zone": "Asia/Shanghai", "country": "CN", "office_hours": "09:00-17:00"}, 200)
	var coll warden.Collection
	json.Unmarshal(apiJSON("POST", "/v1/intel/collections", tokens["admin"], map[string]any{"title": "CN-CERT", "orgs": []string{"cn-cert"}, "can_read": true}, 201), &coll)
	var rot warden.Rotation
	json.Unmarshal(apiJSON("POST", "/v1/hotline/rotations", tokens["admin"], map[string]any{"name": "Liaison on call", "time_zone": "Europe/Paris",
		"start": clk.now().Add(-time.Hour), "shift_length": 1, "shift_unit": "weeks", "participants": []string{"lin"}}, 201), &rot)
	var pol warden.EscalationPolicy
	json.Unmarshal(apiJSON("POST", "/v1/hotline/policies", tokens["admin"], map[string]any{"name": "Cooperation deadlines",
		"steps": []map[string]any{{"delay": "0s", "targets": []map[string]string{{"kind": "rotation", "id": fmt.Sprint(rot.ID)}}}}}, 201), &pol)
	apiJSON("POST", "/v1/hotline/triggers", tokens["admin"], map[string]any{"event": "request.deadline_missed", "severity": "high", "policy": pol.ID, "enabled": true}, 201)

	// Lin adds her e-mail on her contact page and enters the code it
	// receives.
	var methods string
	run(t, ctx,
		loginAs(base, "lin"),
		chromedp.Navigate(base+"/hotline/contact"),
		chromedp.WaitVisible(`#contact-form`, chromedp.ByQuery),
		chromedp.SetValue(`#c-address`, "lin@warden.example", chromedp.ByQuery),
		chromedp.Click(`#contact-form button[value=add]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.verify-form`, chromedp.ByQuery),
	)
	jobs()
	code := regexp.MustCompile(`\b\d{6}\b`).FindString(smtp.WaitFor(1, 10*time.Second)[0].Text)
	run(t, ctx,
		chromedp.SetValue(`.verify-form input[name=code]`, code, chromedp.ByQuery),
		chromedp.Click(`.verify-form button[value=verify]`, chromedp.ByQuery),
		chromedp.WaitNotPresent(`.verify-form`, chromedp.ByQuery),
		chromedp.Text(`main`, &methods, chromedp.ByQuery),
		logout(),
	)
	has("lin's contact methods", methods, "lin@warden.example", "verified")

	// 1. Intelligence: ana records the incident, the actor and the
	// indicators in the forms, relates them, and shares them with cn-cert.
	record := func(kind string, fill ...chromedp.Action) string {
		t.Helper()
		var url string
		steps := []chromedp.Action{chromedp.Navigate(base + "/intel/" + kind), chromedp.WaitVisible(`#record-form`, chromedp.ByQuery)}
		steps = append(steps, fill...)
		steps = append(steps, chromedp.Click(`#f-submit`, chromedp.ByQuery), chromedp.WaitVisible(`#tlp-badge`, chromedp.ByQuery), chromedp.Location(&url))
		run(t, ctx, steps...)
		return idOf(url)
	}
	// relate relates source, whose page the browser shows, to target.
	relate := func(typ, target string) {
		t.Helper()
		run(t, ctx,
			chromedp.WaitVisible(`#relate-form`, chromedp.ByQuery),
			chromedp.SetValue(`#r-type`, typ, chromedp.ByQuery),
			chromedp.SetValue(`#r-target`, target, chromedp.ByQuery),
			chromedp.SetValue(`#r-tlp`, "amber", chromedp.ByQuery),
			chromedp.Click(`#r-submit`, chromedp.ByQuery),
			chromedp.WaitVisible(`#edges a[href="/intel/objects/`+target+`"]`, chromedp.ByQuery),
		)
	}
	run(t, ctx, loginAs(base, "ana"))
	incident := record("incidents",
		chromedp.SetValue(`#f-name`, demo.IncidentName, chromedp.ByQuery),
		chromedp.SetValue(`#f-description`, demo.IncidentDescription, chromedp.ByQuery),
		chromedp.SetValue(`#f-tlp`, "amber", chromedp.ByQuery))
	actor := record("actors",
		chromedp.SetValue(`#f-name`, demo.ActorName, chromedp.ByQuery),
		chromedp.SetValue(`#f-aliases`, demo.CompanyAlias, chromedp.ByQuery),
		chromedp.SetValue(`#f-countries`, "CN", chromedp.ByQuery),
		chromedp.SetValue(`#f-tlp`, "amber", chromedp.ByQuery))
	var indicators []string
	for _, in := range demo.Indicators {
		fill := []chromedp.Action{chromedp.SetValue(`#f-kind`, in.Kind, chromedp.ByQuery), chromedp.SetValue(`#f-value`, in.Value, chromedp.ByQuery),
			chromedp.SetValue(`#f-name`, in.Name, chromedp.ByQuery), chromedp.SetValue(`#f-tlp`, "amber", chromedp.ByQuery)}
		if in.Chain != "" {
			fill = append(fill, chromedp.SetValue(`#f-chain`, in.Chain, chromedp.ByQuery))
		}
		id := record("indicators", fill...)
		relate("indicates", incident)
		indicators = append(indicators, id)
	}
	run(t, ctx, chromedp.Navigate(base+"/intel/objects/"+incident))
	relate("attributed-to", actor)
	red := record("indicators",
		chromedp.SetValue(`#f-kind`, "ipv4", chromedp.ByQuery),
		chromedp.SetValue(`#f-value`, demo.RedIndicatorIP, chromedp.ByQuery),
		chromedp.SetValue(`#f-name`, demo.RedIndicatorName, chromedp.ByQuery),
		chromedp.SetValue(`#f-tlp`, "red", chromedp.ByQuery))
	// No page records a STIX note: the internal note goes through the API.
	var note warden.IntelObject
	json.Unmarshal(apiJSON("POST", "/v1/intel/objects", tokens["ana"], map[string]any{"type": "note", "tlp": "amber",
		"fields": map[string]any{"content": demo.InternalNote, "object_refs": []string{incident}}}, 201), &note)
	secrets := []string{red, demo.RedIndicatorIP, demo.RedIndicatorName, note.ID, demo.InternalNote}
	share := func(ids ...string) (flash string) {
		t.Helper()
		run(t, ctx,
			chromedp.Navigate(base+"/intel/sharing"),
			chromedp.WaitVisible(`#share-form`, chromedp.ByQuery),
			chromedp.SetValue(`#s-collection`, coll.ID, chromedp.ByQuery),
			chromedp.SetValue(`#s-ids`, strings.Join(ids, "\n"), chromedp.ByQuery),
			chromedp.Submit(`#s-ids`, chromedp.ByQuery),
			chromedp.WaitVisible(`.flash`, chromedp.ByQuery),
			chromedp.Text(`.flash`, &flash, chromedp.ByQuery),
		)
		return flash
	}
	has("sharing the RED indicator", share(red), "RED")
	// The relationships are shared with what they join; their ids are
	// not on the forms' pages, so the analyst's list of them is read
	// through the API.
	var rels struct{ Objects []warden.IntelObject }
	json.Unmarshal(apiJSON("GET", "/v1/intel/objects?type=relationship", tokens["ana"], nil, 200), &rels)
	toShare := append([]string{incident, actor}, indicators...)
	for _, r := range rels.Objects {
		toShare = append(toShare, r.ID)
	}
	if len(rels.Objects) != len(demo.Indicators)+1 {
		t.Fatalf("relationships: %+v", rels.Objects)
	}
	var sharedList string
	share(toShare...)
	run(t, ctx,
		chromedp.WaitVisible(`#collections`, chromedp.ByQuery),
		chromedp.Text(`#collections`, &sharedList, chromedp.ByQuery),
		logout(),
	)

	has("the collections", sharedList, "CN-CERT", "cn-cert")

	// Next: chen sees the incident and the indicators shared, and not the
	// RED one nor the note.
	var chenIncidents, chenIndicators, chenIncident, redPage string
	run(t, ctx,
		loginAs(base, "chen"),
		chromedp.Navigate(base+"/intel/incidents"),
		chromedp.WaitVisible(`#objects`, chromedp.ByQuery),
		chromedp.Text(`#objects`, &chenIncidents, chromedp.ByQuery),
		chromedp.Navigate(base+"/intel/indicators"),
		chromedp.WaitVisible(`#objects`, chromedp.ByQuery),
		chromedp.Text(`#objects`, &chenIndicators, chromedp.ByQuery),
		chromedp.Navigate(base+"/intel/objects/"+incident),
		chromedp.WaitVisible(`#edges`, chromedp.ByQuery),
		chromedp.Text(`main`, &chenIncident, chromedp.ByQuery),
		chromedp.Navigate(base+"/intel/objects/"+red),
		chromedp.WaitVisible(`main h1`, chromedp.ByQuery),
		chromedp.Text(`main`, &redPage, chromedp.ByQuery),
		logout(),
	)
	has("chen's incidents", chenIncidents, demo.IncidentName)
	has("chen's indicators", chenIndicators, demo.Indicators[0].Value, demo.Indicators[3].Value)
	has("the incident to chen", chenIncident, demo.ActorName, demo.Indicators[0].Value)
	for what, text := range map[string]string{"chen's incidents": chenIncidents, "chen's indicators": chenIndicators, "the incident to chen": chenIncident} {
		hasNot(what, text, secrets...)
	}
	has("the RED indicator's page to chen", redPage, "Not Found")
	hasNot("the RED indicator's page to chen", redPage, demo.RedIndicatorIP, demo.RedIndicatorName)

	// 2. Cooperation: lin sends the urgent request in the form; the RED
	// indicator is linked for the authority only.
	var status, ackDue, answerDue, reqURL string
	run(t, ctx,
		loginAs(base, "lin"),
		chromedp.Navigate(base+"/requests/new"),
		chromedp.WaitVisible(`#request-form`, chromedp.ByQuery),
		chromedp.SetValue(`#f-counterpart`, "cn-cert", chromedp.ByQuery),
		chromedp.SetValue(`#f-reference`, "CSO-CN-2026-0007", chromedp.ByQuery),
		chromedp.SetValue(`#f-type`, "preservation", chromedp.ByQuery),
		chromedp.SetValue(`#f-priority`, "urgent", chromedp.ByQuery),
		chromedp.SetValue(`#f-urgency`, demo.RequestUrgency, chromedp.ByQuery),
		chromedp.SetValue(`#f-requesting-name`, "Cyber Sanctions Office", chromedp.ByQuery),
		chromedp.SetValue(`#f-requesting-tz`, "America/New_York", chromedp.ByQuery),
		chromedp.SetValue(`#f-requesting-country`, "US", chromedp.ByQuery),
		chromedp.SetValue(`#f-requested-name`, "CN-CERT", chromedp.ByQuery),
		chromedp.SetValue(`#f-legal`, "The 2015 arrangement on requests about malicious cyber activity.", chromedp.ByQuery),
		chromedp.SetValue(`#f-offence`, demo.RequestOffence, chromedp.ByQuery),
		chromedp.SetValue(`#f-need`, demo.RequestNeed, chromedp.ByQuery),
		chromedp.SetValue(`#f-facts`, demo.RequestFacts, chromedp.ByQuery),
		chromedp.SetValue(`#f-sought`, demo.RequestSought, chromedp.ByQuery),
		chromedp.SetValue(`#f-custodian`, demo.RequestCustodian, chromedp.ByQuery),
		chromedp.SetValue(`#f-days`, "90", chromedp.ByQuery),
		chromedp.SetValue(`#f-links`, "incident:"+incident+"\nactor:"+actor+"\nindicator:"+indicators[0], chromedp.ByQuery),
		chromedp.SetValue(`#f-private`, "indicator:"+red, chromedp.ByQuery),
		chromedp.SetValue(`#f-parties`, "Organization | "+demo.CompanyName+" | CN | | | "+demo.Wallet+"\nPerson | "+demo.EmployeeName+" | CN", chromedp.ByQuery),
		chromedp.Click(`#f-save`, chromedp.ByQuery),
		chromedp.WaitVisible(`#send`, chromedp.ByQuery),
		chromedp.Click(`#send`, chromedp.ByQuery),
		chromedp.WaitNotPresent(`#send`, chromedp.ByQuery),
		chromedp.WaitVisible(`#ack-due`, chromedp.ByQuery),
		chromedp.Text(`#status`, &status, chromedp.ByQuery),
		chromedp.Text(`#ack-due`, &ackDue, chromedp.ByQuery),
		chromedp.Text(`#answer-due`, &answerDue, chromedp.ByQuery),
		chromedp.Location(&reqURL),
		logout(),
	)
	// One business day in Shanghai to acknowledge, seven to answer.
	if status != "sent" || ackDue != "2026-03-03 09:00 UTC" || answerDue != "2026-03-11 09:00 UTC" {
		t.Fatalf("the request: %q, acknowledge by %q, answer by %q", status, ackDue, answerDue)
	}
	reqID := idOf(reqURL)
	// The request to the other counterpart (set-up, through the API).
	apiJSON("POST", "/v1/requests", tokens["lin"], map[string]any{"send": true, "reference": "CSO-RU-2026-0017", "type": "information", "counterpart": "ru-cert", "priority": "routine",
		"requesting":  map[string]any{"name": "Cyber Sanctions Office", "time_zone": "America/New_York", "country": "US"},
		"requested":   map[string]any{"name": "RU-CERT", "time_zone": "Europe/Moscow", "country": "NO"},
		"legal_basis": "Mutual assistance.", "facts": "Ransomware payments through Moscow exchanges.", "offence": "Extortion", "sought": "Exchange account holders."}, 201)

	// Next: chen finds it in the portal, with the shared links only.
	var toYou, links string
	run(t, ctx,
		loginAs(base, "chen"),
		chromedp.Navigate(base+"/portal"),
		chromedp.WaitVisible(`#to-you`, chromedp.ByQuery),
		chromedp.Text(`#main`, &toYou, chromedp.ByQuery),
		chromedp.Navigate(base+"/portal/requests/"+reqID),
		chromedp.WaitVisible(`#links`, chromedp.ByQuery),
		chromedp.Text(`#links`, &links, chromedp.ByQuery),
		logout(),
	)
	has("chen's portal", toYou, "CSO-CN-2026-0007")
	hasNot("chen's portal", toYou, "CSO-RU-2026-0017")
	has("the request's links to chen", links, incident, indicators[0])
	hasNot("the request's links to chen", links, red)

	// 3. Hotline: Tuesday 17:00 in Shanghai passes; the alert's e-mail
	// reaches lin, on call; its link, opened in the browser, acknowledges.
	clk.add(32*time.Hour + 5*time.Minute)
	jobs()
	mail := smtp.WaitFor(2, 10*time.Second)[1]
	link := regexp.MustCompile(`Acknowledge: (` + regexp.QuoteMeta(base) + `/hotline/link/[A-Za-z0-9_-]+)`).FindStringSubmatch(mail.Text)
	if mail.To[0] != "lin@warden.example" || !strings.Contains(mail.Subject, "CSO-CN-2026-0007") || link == nil {
		t.Fatalf("the hotline's e-mail: to %v, %q:\n%s", mail.To, mail.Subject, mail.Text)
	}
	var done, alertStatus, timeline string
	run(t, ctx,
		chromedp.Navigate(link[1]),
		chromedp.WaitVisible(`#link-do`, chromedp.ByQuery),
		chromedp.Click(`#link-do`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash.ok`, chromedp.ByQuery),
		chromedp.Text(`main`, &done, chromedp.ByQuery),
		loginAs(base, "lin"),
		chromedp.Navigate(base+"/hotline/alerts"),
		chromedp.WaitVisible(`main table a[href^="/hotline/alerts/"]`, chromedp.ByQuery),
		chromedp.Click(`main table a[href^="/hotline/alerts/"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#timeline`, chromedp.ByQuery),
		chromedp.Text(`#alert-status`, &alertStatus, chromedp.ByQuery),
		chromedp.Text(`#timeline`, &timeline, chromedp.ByQuery),
		logout(),
	)
	has("after the link", done, "is acknowledged")
	has("the alert's timeline", timeline, "triggered", "delivered", "link used", "link:lin")
	if alertStatus != "acknowledged" {
		t.Errorf("the alert: %q", alertStatus)
	}

	// Chen acknowledges on Wednesday morning, late, and answers in part
	// on Thursday 12 March, after the answer deadline.
	clk.add(17 * time.Hour)
	var acked, answerKind string
	run(t, ctx,
		loginAs(base, "chen"),
		chromedp.Navigate(base+"/portal/requests/"+reqID),
		chromedp.WaitVisible(`#acknowledge`, chromedp.ByQuery),
		chromedp.SetValue(`#ack-note`, "Received. We are contacting the hosting provider.", chromedp.ByQuery),
		chromedp.Click(`#acknowledge`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash.ok`, chromedp.ByQuery),
		chromedp.Text(`.flash.ok`, &acked, chromedp.ByQuery),
	)
	clk.add(8*24*time.Hour + 3*time.Hour)
	jobs()
	run(t, ctx,
		chromedp.Navigate(base+"/portal/requests/"+reqID),
		chromedp.WaitVisible(`#answer-form`, chromedp.ByQuery),
		chromedp.SetValue(`#answer-body`, demo.AnswerText, chromedp.ByQuery),
		chromedp.Click(`#answer-partial`, chromedp.ByQuery),
		chromedp.Click(`#answer-submit`, chromedp.ByQuery),
		chromedp.WaitVisible(`#answer-kind`, chromedp.ByQuery),
		chromedp.Text(`#answer-kind`, &answerKind, chromedp.ByQuery),
		logout(),
	)
	has("the acknowledgement", acked, "acknowledged")
	has("the answer", answerKind, "partial")

	// 4. Review: lin rates the answer; the quarter's scorecard shows it.
	var review string
	var cells []map[string]string
	run(t, ctx,
		loginAs(base, "lin"),
		chromedp.Navigate(base+"/requests/"+reqID),
		chromedp.WaitVisible(`.review-form`, chromedp.ByQuery),
		chromedp.SetValue(`.review-form select[name=completeness]`, "2", chromedp.ByQuery),
		chromedp.SetValue(`.review-form select[name=accuracy]`, "2", chromedp.ByQuery),
		chromedp.SetValue(`.review-form select[name=actionability]`, "1", chromedp.ByQuery),
		chromedp.SetValue(`.review-form select[name=updates]`, "1", chromedp.ByQuery),
		chromedp.SetValue(`.review-form select[name=use]`, "designation", chromedp.ByQuery),
		chromedp.SetValue(`.review-form textarea[name=comments]`, "One server of three; nothing on the company.", chromedp.ByQuery),
		chromedp.Click(`.review-form button`, chromedp.ByQuery),
		chromedp.WaitVisible(`.review`, chromedp.ByQuery),
		chromedp.Text(`.review`, &review, chromedp.ByQuery),
		chromedp.Navigate(base+"/scorecards?org=cn-cert&period=quarter&at=2026-03-12"),
		chromedp.WaitVisible(`#figures`, chromedp.ByQuery),
		chromedp.WaitVisible(`#chart svg`, chromedp.ByQuery),
		chromedp.Evaluate(`[...document.querySelectorAll('#figures tbody tr')].map(r => ({id: r.id, out: r.querySelector('.out').textContent}))`, &cells),
		logout(),
	)
	has("the rating", review, "nothing on the company")
	figures := map[string]string{}
	for _, c := range cells {
		figures[c["id"]] = c["out"]
	}
	for id, want := range map[string]string{"row-requests": "1", "row-ack-on-time": "0.0% (0)", "row-reviews": "1", "row-completeness": "2.00", "row-actionability": "1.00", "row-overall": "1.50", "row-open": "1", "row-overdue": "1"} {
		if figures[id] != want {
			t.Errorf("scorecard %s: %q, want %q", id, figures[id], want)
		}
	}

	// 5. Referral and designation: sofia refers the request; a proposal
	// for each party; she links the incident and its indicators to both
	// as evidence, on their pages.
	var referred string
	var proposals []string
	run(t, ctx,
		loginAs(base, "sofia"),
		chromedp.Navigate(base+"/requests/"+reqID),
		chromedp.WaitVisible(`#refer-form`, chromedp.ByQuery),
		chromedp.SetValue(`#refer-ground`, "low_quality", chromedp.ByQuery),
		chromedp.SetValue(`#refer-program`, "CYBER2", chromedp.ByQuery),
		chromedp.SetValue(`#refer-order`, "Executive Order 13694, as amended", chromedp.ByQuery),
		chromedp.SetValue(`#refer-criterion`, "Responsible for a significant malicious cyber-enabled activity", chromedp.ByQuery),
		chromedp.SetValue(`#refer-reason`, "The answer withholds what the designation needs.", chromedp.ByQuery),
		chromedp.Click(`#refer`, chromedp.ByQuery),
		chromedp.WaitVisible(`#referrals a.designation-link`, chromedp.ByQuery),
		chromedp.Text(`.flash.ok`, &referred, chromedp.ByQuery),
		chromedp.Evaluate(`[...document.querySelectorAll('#referrals a.designation-link')].map(a => a.getAttribute('href'))`, &proposals),
	)
	if len(proposals) != 2 {
		t.Fatalf("referred: %q, proposals %v", referred, proposals)
	}
	evidence := append([]string{incident}, indicators...)
	for _, d := range proposals {
		for _, obj := range evidence {
			run(t, ctx,
				chromedp.Navigate(base+"/intel/objects/"+obj),
				chromedp.WaitVisible(`#link-form`, chromedp.ByQuery),
				chromedp.SetValue(`#l-kind`, "designation", chromedp.ByQuery),
				chromedp.SetValue(`#l-ref`, idOf(d), chromedp.ByQuery),
				chromedp.SetValue(`#l-note`, "evidence", chromedp.ByQuery),
				chromedp.Click(`#l-submit`, chromedp.ByQuery),
				chromedp.WaitVisible(`#links a[href="`+d+`"]`, chromedp.ByQuery),
			)
		}
		var linked struct{ Objects []warden.IntelObject }
		json.Unmarshal(apiJSON("GET", "/v1/intel/links?kind=designation&ref="+idOf(d), tokens["ana"], nil, 200), &linked)
		for _, obj := range evidence {
			if !slices.ContainsFunc(linked.Objects, func(o warden.IntelObject) bool { return o.ID == obj }) {
				t.Errorf("%s's intelligence lacks %s", d, obj)
			}
		}
	}
	var own string
	run(t, ctx,
		chromedp.Navigate(base+proposals[0]),
		chromedp.WaitVisible(`#second-officer`, chromedp.ByQuery),
		chromedp.Text(`#second-officer`, &own, chromedp.ByQuery),
		logout(),
	)
	has("sofia's proposal", own, "second sanctions officer")

	// Next: oscar reads each proposal, its evidence, and approves it; the
	// page says in which version of the list it is published.
	company, companyName := "", ""
	versions := map[string]int{} // the party's name: the version publishing it
	run(t, ctx, loginAs(base, "oscar"))
	for _, d := range proposals {
		var proposal, published, version string
		run(t, ctx,
			chromedp.Navigate(base+d),
			chromedp.WaitVisible(`#decide-form`, chromedp.ByQuery),
			chromedp.Text(`#proposal`, &proposal, chromedp.ByQuery),
			chromedp.SetValue(`#decide-reason`, "The evidence holds.", chromedp.ByQuery),
			chromedp.Click(`#decide-form button[value=approve]`, chromedp.ByQuery),
			chromedp.WaitVisible(`#published`, chromedp.ByQuery),
			chromedp.Text(`#published`, &published, chromedp.ByQuery),
			chromedp.AttributeValue(`#published a[href^="/lists/cyber_sanctions/versions/"]`, "href", &version, nil, chromedp.ByQuery),
		)
		has("the proposal", proposal, "request.json", "thread.json", "timeline.json", "request:"+reqID)
		name := demo.EmployeeName
		if strings.Contains(proposal, demo.CompanyName) {
			company, companyName, name = d, published, demo.CompanyName
		}
		v, err := strconv.Atoi(idOf(version))
		if err != nil {
			t.Fatalf("the version %s is published in: %q", d, version)
		}
		versions[name] = v
	}
	if company == "" {
		t.Fatalf("no proposal names %s", demo.CompanyName)
	}
	has("the company's publication", companyName, "cyber_sanctions")
	run(t, ctx, logout())

	// Anyone, signed out, reads the public notice of the version that
	// published each party, and the signed export of the list as the
	// second approval left it: the manifest's signature verifies with the
	// server's key, and so does every file the manifest lists.
	last := 0
	for name, v := range versions {
		var notice string
		run(t, ctx,
			chromedp.Navigate(fmt.Sprintf("%s/public/lists/cyber_sanctions/versions/%d/notice", base, v)),
			chromedp.WaitVisible(`main.notice`, chromedp.ByQuery),
			chromedp.Text(`main.notice`, &notice, chromedp.ByQuery),
		)
		has(fmt.Sprint("the public notice of version ", v), notice, fmt.Sprint("cyber_sanctions, version ", v), "have been added to the cyber_sanctions list", name)
		last = max(last, v)
	}
	get := func(name string) ([]byte, error) {
		resp, err := http.Get(fmt.Sprintf("%s/public/lists/cyber_sanctions/versions/%d/ftm/%s", base, last, name))
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("%s: %d %s", name, resp.StatusCode, b)
		}
		return b, err
	}
	manifest, err := get(publish.ManifestName)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := get(publish.SignatureName)
	if err != nil {
		t.Fatal(err)
	}
	m, err := publish.Verify(key.Public().(ed25519.PublicKey), manifest, sig, get)
	if err != nil || len(m.Files) == 0 {
		t.Fatalf("the signed export of version %d: %v %+v", last, err, m)
	}
	export, err := get(m.Files[0].Name)
	if err != nil {
		t.Fatal(err)
	}
	has("the signed export", string(export), demo.CompanyName, demo.EmployeeName, demo.Wallet)

	// Sofia adds the company's name in Chinese characters by an
	// amendment; oscar approves it.
	var amendURL, party string
	run(t, ctx,
		loginAs(base, "sofia"),
		chromedp.Navigate(base+company),
		chromedp.WaitVisible(`#amend-form`, chromedp.ByQuery),
		chromedp.Evaluate(fmt.Sprintf(`document.querySelector('#amend-form #d-aliases').value += "\n" + %q`, demo.CompanyNameZH), nil),
		chromedp.SetValue(`#amend-form #d-reasons`, "Its registered name in Chinese characters.", chromedp.ByQuery),
		chromedp.Submit(`#amend-form #d-reasons`, chromedp.ByQuery),
		chromedp.WaitVisible(`#second-officer`, chromedp.ByQuery),
		chromedp.Location(&amendURL),
		logout(),
	)
	run(t, ctx,
		loginAs(base, "oscar"),
		chromedp.Navigate(amendURL),
		chromedp.WaitVisible(`#decide-form`, chromedp.ByQuery),
		chromedp.SetValue(`#decide-reason`, "The registered name.", chromedp.ByQuery),
		chromedp.Click(`#decide-form button[value=approve]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#published`, chromedp.ByQuery),
		chromedp.Click(`#party-link`, chromedp.ByQuery),
		chromedp.WaitVisible(`#history`, chromedp.ByQuery),
		chromedp.Text(`main`, &party, chromedp.ByQuery),
		logout(),
	)
	has("the company's listing", party, demo.CompanyNameZH, demo.CompanyName, demo.Wallet)

	// 6. Enforcement: the index takes the version (serve's refresh); the
	// payment system sends a payment to the company's wallet (API); sam
	// uploads customers on the bulk page.
	if _, err := ws.Screening.Refresh(op); err != nil {
		t.Fatal(err)
	}
	var pay warden.TxDecision
	json.Unmarshal(apiJSON("POST", "/v1/transactions", tokens["sam"], map[string]any{"reference": demo.PaymentReference, "amount": map[string]any{"currency": demo.PaymentCurrency, "minor": demo.PaymentMinor},
		"parties": []map[string]any{{"role": "originator", "name": demo.PaymentPayer, "account": "US-1"}, {"role": "beneficiary", "wallet": demo.Wallet}}}, 200), &pay)
	if pay.Decision != "blocked" {
		t.Fatalf("the payment to the wallet: %+v", pay)
	}
	customers := filepath.Join(t.TempDir(), "customers.csv")
	if err := os.WriteFile(customers, []byte("id,schema,name,country\n"+demo.CustomerID+",Organization,"+demo.CustomerName+",\nCUST-0089,Person,Jane Ordinary,GB\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var job string
	run(t, ctx,
		loginAs(base, "sam"),
		chromedp.Navigate(base+"/bulk"),
		chromedp.WaitVisible(`#bulk-customers-form`, chromedp.ByQuery),
		chromedp.SetUploadFiles(`#bulk-customers-file`, []string{customers}, chromedp.ByQuery),
		chromedp.Click(`#bulk-customers-submit`, chromedp.ByQuery),
		chromedp.WaitVisible(`#job-done`, chromedp.ByQuery),
		chromedp.Text(`#job`, &job, chromedp.ByQuery),
		logout(),
	)
	has("the customers' upload", job, "2 customers")

	// Next: ana finds the held customer's case, the blocked payment in the
	// ledger, and the initial report listing it with its deadline.
	var casesPage, casePage, ledger, report string
	run(t, ctx,
		loginAs(base, "ana"),
		chromedp.Navigate(base+"/cases"),
		chromedp.WaitVisible(`section.case`, chromedp.ByQuery),
		chromedp.Text(`main`, &casesPage, chromedp.ByQuery),
		chromedp.Click(`section.case h2 a`, chromedp.ByQuery),
		chromedp.WaitVisible(`#note-form`, chromedp.ByQuery),
		chromedp.SetValue(`#note`, "The customer's registered name is the designated company's.", chromedp.ByQuery),
		chromedp.Submit(`#note`, chromedp.ByQuery),
		chromedp.WaitVisible(`div.note`, chromedp.ByQuery), // only the page after the note has one
		chromedp.Text(`main`, &casePage, chromedp.ByQuery),
		chromedp.Navigate(base+"/ledger"),
		chromedp.WaitVisible(`main table`, chromedp.ByQuery),
		chromedp.Text(`main`, &ledger, chromedp.ByQuery),
		chromedp.Navigate(base+"/v1/reports/initial?format=html"),
		chromedp.WaitVisible(`table`, chromedp.ByQuery),
		chromedp.Text(`body`, &report, chromedp.ByQuery),
	)
	has("the review queue", casesPage, demo.CompanyNameZH)
	has("the case", casePage, demo.CompanyNameZH, "registered name is the designated")
	has("the ledger", ledger, demo.PaymentReference, "USD 25000.00")
	has("the initial report", report, demo.PaymentReference, "2026-03-12", "2026-03-26")

	// 7. Sharing: the designated parties, exported as STIX identities
	// (through the API: no page exports parties), are imported on the
	// import page and shared with cn-cert; its system reads the
	// collection over TAXII.
	var parties []string
	for _, d := range proposals {
		var des warden.Designation
		json.Unmarshal(apiJSON("GET", "/v1/designations/"+idOf(d), tokens["ana"], nil, 200), &des)
		parties = append(parties, "cyber_sanctions:"+des.Party.SourceID)
	}
	code2, bundle := api("GET", "/v1/intel/export?entity="+strings.Join(parties, ","), tokens["ana"], "", nil, "")
	if code2 != 200 {
		t.Fatalf("the parties' bundle: %d %s", code2, bundle)
	}
	bundleFile := filepath.Join(t.TempDir(), "designated-parties.json")
	if err := os.WriteFile(bundleFile, bundle, 0o600); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, id := range regexp.MustCompile(`"id":"((?:identity|relationship)--[0-9a-f-]+)"`).FindAllStringSubmatch(string(bundle), -1) {
		ids = append(ids, id[1])
	}
	var imported string
	run(t, ctx,
		chromedp.Navigate(base+"/intel/import"),
		chromedp.WaitVisible(`#import-form`, chromedp.ByQuery),
		chromedp.SetUploadFiles(`#i-bundle`, []string{bundleFile}, chromedp.ByQuery),
		chromedp.Click(`#i-submit`, chromedp.ByQuery),
		chromedp.WaitVisible(`#report`, chromedp.ByQuery),
		chromedp.Text(`#report`, &imported, chromedp.ByQuery),
	)
	has("the parties' import", imported, "Imported")
	share(ids...)
	run(t, ctx, logout())
	code2, objects := api("GET", "/taxii2/api/collections/"+coll.ID+"/objects/?limit=1000", tokens["cn-cert"], "", nil, "application/taxii+json;version=2.1")
	if code2 != 200 {
		t.Fatalf("the counterpart's collection over TAXII: %d %s", code2, objects)
	}
	has("the counterpart's collection", string(objects), demo.CompanyName, demo.CompanyNameZH, demo.EmployeeName, incident, actor, indicators[0])
	hasNot("the counterpart's collection", string(objects), secrets...)

	// The counterpart's portal shows the request's whole history, and
	// nothing of the authority's own.
	var history string
	run(t, ctx,
		loginAs(base, "chen"),
		chromedp.Navigate(base+"/portal/requests/"+reqID),
		chromedp.WaitVisible(`#timeline`, chromedp.ByQuery),
		chromedp.Text(`main`, &history, chromedp.ByQuery),
	)
	has("the request in chen's portal", history, "CSO-CN-2026-0007", "We are contacting the hosting provider", demo.AnswerText, "nothing on the company",
		"request sent", "deadline missed", "receipt acknowledged", "answer sent", "answer rated")
	hasNot("the request in chen's portal", history, append(secrets, "referr", "low_quality", "withholds what", "CSO-RU-2026-0017")...)
	for _, path := range []string{"/cases", "/ledger", "/designations", proposals[0], "/requests/" + reqID} {
		var body string
		run(t, ctx,
			chromedp.Navigate(base+path),
			chromedp.WaitVisible(`main`, chromedp.ByQuery),
			chromedp.Text(`main`, &body, chromedp.ByQuery),
		)
		hasNot("chen at "+path, body, demo.CompanyNameZH, demo.PaymentReference, "withholds what")
	}
}
