package web

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"warden"
	"warden/demo"
	"warden/hotline"
	"warden/internal/hotlinerun"
	"warden/notify"
	"warden/notify/notifytest"
	"warden/publish"
	"warden/store"
	"warden/store/storetest"
)

// loopAckLink finds the acknowledge link in a hotline e-mail.
var loopAckLink = regexp.MustCompile(`Acknowledge: (https?://[^\s]+/hotline/link/[A-Za-z0-9_-]+)`)

// TestLoopAPI walks the story of issue 18, with the demo's data
// (demo/story.go), through the HTTP API alone, on SQLite and PostgreSQL,
// as the people of each role with their own
// sessions (the counterpart's systems with their own tokens): an analyst
// records the incident, its indicators and the actor behind it at AMBER
// and shares them with the counterpart, keeping a RED indicator and an
// internal note; a liaison sends an urgent request to the counterpart,
// counted in its business time (Shanghai); the acknowledgement deadline
// passes, the hotline e-mails the liaison on call, who acknowledges
// through the link in the e-mail; the counterpart acknowledges late and
// answers in part after the answer deadline; the answer is rated 2/5 for
// completeness and 1/5 for actionability and the quarter's scorecard
// says so; a sanctions officer refers the request, which proposes the
// company and the employee for designation, adds the incident and
// indicators as evidence; a second officer approves, the version is
// published with its notice and signed exports that verify; the
// company's name in Chinese is added by an amendment; a payment to the
// company's wallet is blocked into the ledger, a customer of the Chinese
// name is held with a case, the initial report lists the blocking with
// its deadline; the designated parties and the incident are shared in
// the counterpart's TAXII collection, which its system reads; the
// counterpart's portal shows the request's history. At each step it
// checks what the next role sees, and that the counterpart never sees
// the RED indicator, the internal note, the referral, the cases, the
// ledger, nor the request of another counterpart.
//
// The server's periodic work — the cooperation sweep, the hotline's
// event handling and deliveries, the screening index refresh — is run
// here by calling what warden serve's jobs call, at the test's clock.
func TestLoopAPI(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		op := warden.WithPrincipal(context.Background(), warden.Operator)
		clk := &coopClock{t: coopStart} // Monday 2 March 2026, 09:00 in Shanghai
		_, key, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		p := newPlatform(t, db, func(s *Server) {
			s.Cooperation.Now, s.Enforcement.Now = clk.now, clk.now
			s.Lists.Public, s.Public = []string{"cyber_sanctions"}, Public{Key: key}
		})
		smtp := notifytest.NewSMTP(t)
		host, port := smtp.Addr()
		// The hotline is made once the server's address is known: the
		// links in its e-mails point at it.
		p.s.Hotline = hotline.New(db, hotline.Options{Now: clk.now, BaseURL: p.srv.URL,
			Senders: hotlinerun.Senders(&notify.Email{Host: host, Port: port, From: "Warden hotline <hotline@warden.example>", TLSConfig: smtp.TLSConfig()}, &notify.Webhook{})})
		jobs := func() { // what serve's jobs do at the clock
			t.Helper()
			if _, err := p.s.Cooperation.Sweep(op); err != nil {
				t.Fatal(err)
			}
			if _, err := p.s.Hotline.HandleEvents(op); err != nil {
				t.Fatal(err)
			}
			if _, _, err := p.s.Hotline.RunDue(op); err != nil {
				t.Fatal(err)
			}
		}

		id := &identities{t: t, p: p}
		ana, lin := id.bootstrap("ana", warden.RoleAnalyst), id.bootstrap("lin", warden.RoleLiaison)
		sofia, oscar := id.bootstrap("sofia", warden.RoleSanctionsOfficer), id.bootstrap("oscar", warden.RoleSanctionsOfficer)
		sam := id.bootstrap("sam", warden.RoleScreener)
		admin := &client{token: p.tokens[warden.RoleAdmin], p: p, t: t}
		if _, err := p.s.Auth.CreateUser(op, "chen", warden.RoleCounterpart, "cn-cert", testPassword, "bootstrap"); err != nil {
			t.Fatal(err)
		}
		chen := id.login("chen", testPassword) // the counterpart's liaison, in its portal
		cnTok, _, err := p.s.Auth.CreateToken(op, "cn-cert-taxii", warden.RoleCounterpart, "cn-cert", nil)
		if err != nil {
			t.Fatal(err)
		}
		cnSys := &client{token: cnTok, p: p, t: t}                            // the counterpart's TAXII client
		other := &client{token: p.tokens[warden.RoleCounterpart], p: p, t: t} // another counterpart, ru-cert

		want := func(what string, code int, b []byte, status int) []byte {
			t.Helper()
			if code != status {
				t.Fatalf("%s: %d, want %d: %s", what, code, status, b)
			}
			return b
		}
		absent := func(what string, b []byte, secrets ...string) {
			t.Helper()
			for _, s := range secrets {
				if strings.Contains(string(b), s) {
					t.Errorf("%s shows %q: %.400s", what, s, b)
				}
			}
		}

		// Setting up, once: the counterpart's business calendar, its
		// collection, and the liaison on call with a verified e-mail.
		code, b := lin.call("PUT", "/v1/organisations/cn-cert/calendar", map[string]string{"time_zone": "Asia/Shanghai", "country": "CN", "office_hours": "09:00-17:00"})
		want("cn-cert's calendar", code, b, 200)
		code, b = sofia.call("POST", "/v1/intel/collections", map[string]any{"title": "CN-CERT", "orgs": []string{"cn-cert"}, "can_read": true})
		coll := decodeAs[warden.Collection](t, want("the counterpart's collection", code, b, 201))
		code, b = lin.call("POST", "/v1/me/contact-methods", map[string]any{"channel": "email", "address": "lin@warden.example"})
		method := decodeAs[warden.ContactMethod](t, want("lin's e-mail", code, b, 201))
		jobs()
		verification := regexp.MustCompile(`\b\d{6}\b`).FindString(smtp.WaitFor(1, 10*time.Second)[0].Text)
		code, b = lin.call("POST", fmt.Sprintf("/v1/me/contact-methods/%d/verify", method.ID), map[string]string{"code": verification})
		want("lin verifies the e-mail", code, b, 200)
		code, b = admin.call("POST", "/v1/hotline/rotations", map[string]any{"name": "Liaison on call", "time_zone": "Europe/Paris", "start": clk.now().Add(-time.Hour),
			"shift_length": 1, "shift_unit": "weeks", "participants": []string{"lin"}})
		rot := decodeAs[warden.Rotation](t, want("rotation", code, b, 201))
		code, b = admin.call("POST", "/v1/hotline/policies", map[string]any{"name": "Cooperation deadlines",
			"steps": []map[string]any{{"delay": "0s", "targets": []map[string]string{{"kind": "rotation", "id": fmt.Sprint(rot.ID)}}}}})
		pol := decodeAs[warden.EscalationPolicy](t, want("policy", code, b, 201))
		code, b = admin.call("POST", "/v1/hotline/triggers", map[string]any{"event": "request.deadline_missed", "severity": "high", "policy": pol.ID, "enabled": true})
		want("trigger", code, b, 201)

		// 1. Intelligence: the analyst records the incident, its
		// indicators and the actor at AMBER, related, and shares them with
		// the counterpart; a RED indicator and an internal note stay home.
		mk := func(what string, in map[string]any) warden.IntelObject {
			t.Helper()
			code, b := ana.call("POST", "/v1/intel/objects", in)
			return decodeAs[warden.IntelObject](t, want(what, code, b, 201))
		}
		incident := mk("incident", map[string]any{"type": "incident", "tlp": "amber", "fields": map[string]any{"name": demo.IncidentName, "description": demo.IncidentDescription, "x_warden_status": "open"}})
		actor := mk("actor", map[string]any{"type": "threat-actor", "tlp": "amber", "fields": map[string]any{"name": demo.ActorName, "description": demo.ActorDescription, "x_warden_countries": []string{"CN"}}})
		shared := []string{incident.ID, actor.ID}
		var indicators []string
		for _, in := range demo.Indicators {
			o := mk("indicator "+in.Value, map[string]any{"type": "indicator", "tlp": "amber", "fields": map[string]any{"name": in.Name}, "observable": map[string]string{"kind": in.Kind, "value": in.Value, "chain": in.Chain}})
			indicators = append(indicators, o.ID)
			code, b := ana.call("POST", "/v1/intel/relationships", map[string]any{"source_ref": o.ID, "relationship_type": "indicates", "target_ref": incident.ID, "confidence": 85, "tlp": "amber"})
			shared = append(shared, o.ID, decodeAs[warden.IntelObject](t, want("indicates", code, b, 201)).ID)
		}
		code, b = ana.call("POST", "/v1/intel/relationships", map[string]any{"source_ref": incident.ID, "relationship_type": "attributed-to", "target_ref": actor.ID, "confidence": 70, "tlp": "amber"})
		shared = append(shared, decodeAs[warden.IntelObject](t, want("attributed-to", code, b, 201)).ID)
		red := mk("RED indicator", map[string]any{"type": "indicator", "tlp": "red", "fields": map[string]any{"name": demo.RedIndicatorName}, "observable": map[string]string{"kind": "ipv4", "value": demo.RedIndicatorIP}})
		note := mk("internal note", map[string]any{"type": "note", "tlp": "amber", "fields": map[string]any{"content": demo.InternalNote, "object_refs": []string{incident.ID}}})
		code, b = ana.call("POST", "/v1/intel/collections/"+coll.ID+"/shares", map[string]any{"ids": []string{red.ID}})
		want("sharing the RED indicator", code, b, 400)
		code, b = ana.call("POST", "/v1/intel/collections/"+coll.ID+"/shares", map[string]any{"ids": shared})
		want("sharing", code, b, 204)
		secrets := []string{red.ID, demo.RedIndicatorIP, note.ID, demo.InternalNote}
		// Next: the counterpart sees what was shared, and nothing else.
		code, b = chen.call("GET", "/v1/intel/objects?limit=1000", nil)
		page := decodeAs[struct{ Objects []warden.IntelObject }](t, want("the counterpart's intelligence", code, b, 200))
		for _, id := range shared {
			if !slices.Contains(objectIDs(page.Objects), id) {
				t.Errorf("the counterpart does not see %s", id)
			}
		}
		absent("the counterpart's intelligence", b, secrets...)
		for _, id := range []string{red.ID, note.ID} {
			code, b = chen.call("GET", "/v1/intel/objects/"+id, nil)
			want("the counterpart reading "+id, code, b, 404)
		}
		code, b = chen.call("GET", "/v1/intel/objects/"+incident.ID+"/view", nil)
		absent("the incident's view to the counterpart", want("the incident's view", code, b, 200), secrets...)
		code, b = other.call("GET", "/v1/intel/objects/"+incident.ID, nil)
		want("another counterpart reading the incident", code, b, 404)
		code, b = sofia.call("GET", "/v1/intel/objects/"+red.ID, nil)
		want("a sanctions officer reading the RED indicator", code, b, 200)

		// 2. Cooperation: the liaison asks the counterpart, urgently, for
		// information on the company and the preservation of the servers'
		// data; and asks another counterpart something else.
		code, b = lin.call("POST", "/v1/requests", map[string]any{"send": true, "reference": "CSO-CN-2026-0007", "type": "preservation", "counterpart": "cn-cert", "priority": "urgent",
			"urgency":     demo.RequestUrgency,
			"requesting":  map[string]any{"name": "Cyber Sanctions Office", "time_zone": "America/New_York", "country": "US"},
			"requested":   map[string]any{"name": "CN-CERT"},
			"legal_basis": "The 2015 arrangement on requests about malicious cyber activity.",
			"facts":       demo.RequestFacts,
			"offence":     demo.RequestOffence, "sought": demo.RequestSought,
			"need":         demo.RequestNeed,
			"preservation": map[string]any{"custodian": demo.RequestCustodian, "days": 90},
			"links": []map[string]any{{"object": "incident:" + incident.ID, "shared": true}, {"object": "indicator:" + indicators[0], "shared": true},
				{"object": "actor:" + actor.ID, "shared": true}, {"object": "indicator:" + red.ID, "shared": false}},
			"parties": []map[string]any{{"name": demo.CompanyName, "schema": "Organization", "country": demo.CompanyCountry, "wallets": []string{demo.Wallet}},
				{"name": demo.EmployeeName, "schema": "Person", "country": demo.EmployeeCountry}}})
		req := decodeAs[warden.Request](t, want("the urgent request", code, b, 201))
		// One business day to acknowledge: 17:00 in Shanghai on Tuesday;
		// seven to answer: 17:00 on Wednesday 11 March.
		if ackDue, ansDue := time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC), time.Date(2026, 3, 11, 9, 0, 0, 0, time.UTC); req.Status != warden.RequestSent ||
			!sameTime(req.AckDue, ackDue) || !sameTime(req.AnswerDue, ansDue) {
			t.Fatalf("the request: %s, ack due %v (want %v), answer due %v (want %v)", req.Status, req.AckDue, ackDue, req.AnswerDue, ansDue)
		}
		reqPath := fmt.Sprintf("/v1/requests/%d", req.ID)
		code, b = lin.call("POST", "/v1/requests", map[string]any{"send": true, "reference": "CSO-RU-2026-0017", "type": "information", "counterpart": "ru-cert", "priority": "routine",
			"requesting":  map[string]any{"name": "Cyber Sanctions Office", "time_zone": "America/New_York", "country": "US"},
			"requested":   map[string]any{"name": "RU-CERT", "time_zone": "Europe/Moscow", "country": "NO"},
			"legal_basis": "Mutual assistance.", "facts": "Ransomware payments through Moscow exchanges.", "offence": "Extortion", "sought": "Exchange account holders."})
		want("the other request", code, b, 201)
		ruReq := decodeAs[warden.Request](t, b)
		// Next: the counterpart sees its request, with the shared links
		// only, and not the other counterpart's.
		code, b = chen.call("GET", "/v1/requests", nil)
		list := decodeAs[struct{ Requests []warden.Request }](t, want("the counterpart's requests", code, b, 200))
		if len(list.Requests) != 1 || list.Requests[0].ID != req.ID {
			t.Errorf("the counterpart's requests: %s", b)
		}
		code, b = chen.call("GET", reqPath, nil)
		absent("the request to the counterpart", want("the counterpart reading its request", code, b, 200), red.ID)
		code, b = chen.call("GET", fmt.Sprintf("/v1/requests/%d", ruReq.ID), nil)
		want("the counterpart reading another's request", code, b, 404)
		// Nor through the intelligence the request links.
		for _, path := range []string{fmt.Sprintf("/v1/intel/export?request=%d", req.ID), "/v1/intel/export?id=" + incident.ID, "/v1/intel/export?for=cn-cert",
			fmt.Sprintf("/v1/intel/links?kind=request&ref=%d", req.ID), "/v1/intel/objects?q=" + demo.RedIndicatorIP} {
			code, b = chen.call("GET", path, nil)
			if code != 200 && code != 404 && code != 403 {
				t.Errorf("the counterpart reading %s: %d %s", path, code, b)
			}
			absent("the counterpart reading "+path, b, secrets...)
		}
		code, b = chen.call("GET", fmt.Sprintf("/v1/requests/%d/objects/indicator:%s", req.ID, red.ID), nil)
		want("the counterpart reading the RED link", code, b, 404)
		code, b = other.call("GET", reqPath, nil)
		want("another counterpart reading the request", code, b, 404)

		// 3. Hotline: Tuesday 17:00 in Shanghai passes unacknowledged; the
		// sweep finds it, the trigger raises an alert, the liaison on call
		// gets the e-mail and acknowledges through its link.
		clk.add(32*time.Hour + 5*time.Minute)
		jobs()
		mails := smtp.WaitFor(2, 10*time.Second)
		mail := mails[1]
		if mail.To[0] != "lin@warden.example" || !strings.Contains(mail.Subject, req.Reference) || !strings.Contains(mail.Subject, "deadline to acknowledge missed") {
			t.Fatalf("the hotline's e-mail: to %v, %q", mail.To, mail.Subject)
		}
		link := loopAckLink.FindStringSubmatch(mail.Text)
		if link == nil || !strings.HasPrefix(link[1], p.srv.URL) {
			t.Fatalf("no acknowledge link in the e-mail:\n%s", mail.Text)
		}
		resp, err := http.Get(link[1])
		if err != nil {
			t.Fatal(err)
		}
		page1, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(page1), `id="link-do"`) {
			t.Fatalf("the link's page: %d %s", resp.StatusCode, page1)
		}
		resp, err = http.Post(link[1], "application/x-www-form-urlencoded", nil)
		if err != nil {
			t.Fatal(err)
		}
		done, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(done), "is acknowledged") {
			t.Fatalf("following the link: %d %s", resp.StatusCode, done)
		}
		code, b = lin.call("GET", fmt.Sprintf("/v1/hotline/alerts?object=request:%d", req.ID), nil)
		alerts := decodeAs[struct{ Alerts []warden.Alert }](t, want("the request's alerts", code, b, 200))
		if len(alerts.Alerts) != 1 || alerts.Alerts[0].Status != warden.AlertAcknowledged {
			t.Fatalf("the request's alerts: %s", b)
		}
		code, b = lin.call("GET", fmt.Sprintf("/v1/hotline/alerts/%d", alerts.Alerts[0].ID), nil)
		detail := decodeAs[alertDetail](t, want("the alert", code, b, 200))
		if !hasKinds(detail.Log, "triggered", "notified", "delivered", "acknowledged") || !strings.Contains(string(b), "link:lin") {
			t.Errorf("the alert's log: %s", b)
		}
		code, b = chen.call("GET", "/v1/hotline/alerts", nil)
		want("the counterpart reading the hotline", code, b, 403)

		// The counterpart acknowledges on Wednesday morning, late, and
		// answers in part on Thursday 12 March, past the answer deadline.
		clk.add(17 * time.Hour) // Wednesday 4 March 10:05 in Shanghai
		code, b = chen.call("POST", reqPath+"/acknowledge", map[string]string{"note": "Received. We are contacting the hosting provider."})
		if r := decodeAs[warden.Request](t, want("the late acknowledgement", code, b, 200)); r.AcknowledgedAt == nil || !r.AcknowledgedAt.After(*r.AckDue) {
			t.Errorf("acknowledged %v, due %v", r.AcknowledgedAt, r.AckDue)
		}
		clk.add(8*24*time.Hour + 3*time.Hour) // Thursday 12 March 13:05 in Shanghai
		jobs()                                // the answer deadline is missed too: a second alert
		code, b = chen.call("POST", reqPath+"/answer", map[string]string{"completeness": "partial",
			"body": demo.AnswerText})
		answer := decodeAs[answerResult](t, want("the partial answer", code, b, 201))
		if answer.Request.Status != warden.RequestAnswered || answer.Request.AnsweredAt != nil || answer.Request.FirstAnswerAt == nil {
			t.Errorf("after the partial answer: %+v", answer.Request)
		}
		code, b = lin.call("GET", fmt.Sprintf("/v1/hotline/alerts?object=request:%d", req.ID), nil)
		if alerts := decodeAs[struct{ Alerts []warden.Alert }](t, want("alerts", code, b, 200)); len(alerts.Alerts) != 2 {
			t.Errorf("the request's alerts after the answer deadline: %s", b)
		}

		// 4. Review: the answer is rated; the quarter's scorecard shows it.
		code, b = lin.call("POST", reqPath+"/reviews", map[string]any{"message": answer.Message.ID,
			"rubric": map[string]int{"completeness": 2, "accuracy": 2, "actionability": 1, "updates": 1}, "use": "designation",
			"comments": "One server of three; nothing on the company."})
		want("the review", code, b, 201)
		code, b = chen.call("GET", reqPath+"/reviews", nil)
		if !strings.Contains(string(want("the counterpart reading the rating", code, b, 200)), `"actionability":1`) {
			t.Errorf("the counterpart does not see the rating: %s", b)
		}
		code, b = ana.call("GET", "/v1/scorecards?org=cn-cert&period=quarter&at=2026-03-12", nil)
		card := decodeAs[warden.Scorecard](t, want("the quarter's scorecard", code, b, 200))
		if q := card.Outgoing.Quality; card.Outgoing.Requests != 1 || q.N != 1 || q.Completeness != 2 || q.Actionability != 1 ||
			card.Outgoing.AckDue != 1 || card.Outgoing.AckOnTime != 0 || card.Outgoing.AnswerDue != 1 || card.Outgoing.AnswerOnTime != 0 || card.Outgoing.Answered != 0 ||
			card.Outgoing.Open != 1 || card.Outgoing.Overdue != 1 {
			t.Errorf("the scorecard: %+v", card.Outgoing)
		}
		code, b = ana.call("GET", "/v1/scorecards?org=cn-cert&period=quarter&at=2026-03-12&format=svg", nil)
		want("the scorecard's chart", code, b, 200)
		code, b = chen.call("GET", "/v1/scorecards?org=cn-cert&period=quarter&at=2026-03-12", nil)
		want("the counterpart reading the scorecard", code, b, 403)

		// 5. Referral and designation: officer A refers the request; a
		// proposal for each party, with the request as evidence; she adds
		// the incident and its indicators.
		code, b = sofia.call("POST", reqPath+"/referrals", map[string]any{"ground": "low_quality", "reason": "The answer withholds what the designation needs.",
			"program": "CYBER2", "legal_basis": map[string]string{"order": "Executive Order 13694, as amended", "criterion": "Responsible for a significant malicious cyber-enabled activity"}})
		ref := decodeAs[warden.Referral](t, want("the referral", code, b, 201))
		if len(ref.Designations) != 2 {
			t.Fatalf("the referral: %s", b)
		}
		code, b = sofia.call("GET", "/v1/intel/export?id="+incident.ID, nil)
		bundle := want("the incident's bundle", code, b, 200)
		absent("the evidence bundle", bundle, red.ID, demo.RedIndicatorIP) // designations' readers read their evidence: nothing RED
		for _, d := range ref.Designations {
			for _, obj := range append([]string{incident.ID, actor.ID}, indicators...) {
				code, b = sofia.call("POST", "/v1/intel/links", map[string]string{"object": obj, "kind": "designation", "ref": fmt.Sprint(d), "note": "evidence"})
				want("linking "+obj, code, b, 201)
			}
			code, b = sofia.loopUpload(fmt.Sprintf("/v1/designations/%d/evidence", d), "incident.json", bundle)
			want("the incident as evidence", code, b, 201)
		}
		// Next: officer B sees the proposals with their evidence.
		code, b = oscar.call("GET", "/v1/designations?status=proposed", nil)
		proposed := decodeAs[struct{ Designations []warden.Designation }](t, want("the proposals", code, b, 200))
		if len(proposed.Designations) != 2 {
			t.Fatalf("proposals: %s", b)
		}
		company := ref.Designations[0]
		for _, d := range proposed.Designations {
			if d.Party.Names[0].Full == demo.CompanyName {
				company = d.ID
			}
			code, b := oscar.call("GET", fmt.Sprintf("/v1/designations/%d", d.ID), nil)
			d = decodeAs[warden.Designation](t, want("a proposal", code, b, 200))
			if len(d.Evidence) != 4 || !slices.Contains(d.Links, fmt.Sprintf("request:%d", req.ID)) || d.ProposedBy != "sofia" {
				t.Errorf("proposal %d: evidence %d, links %v, by %s", d.ID, len(d.Evidence), d.Links, d.ProposedBy)
			}
		}
		code, b = ana.call("GET", fmt.Sprintf("/v1/intel/links?kind=designation&ref=%d", company), nil)
		linked := decodeAs[struct{ Objects []warden.IntelObject }](t, want("the designation's intelligence", code, b, 200))
		for _, id := range append([]string{incident.ID, actor.ID}, indicators...) {
			if !slices.Contains(objectIDs(linked.Objects), id) {
				t.Errorf("the designation's intelligence lacks %s: %s", id, b)
			}
		}
		code, b = sofia.call("POST", fmt.Sprintf("/v1/designations/%d/approve", company), map[string]string{"reason": "mine"})
		want("the proposer approving", code, b, 403)
		var version int
		for _, d := range ref.Designations {
			code, b := oscar.call("POST", fmt.Sprintf("/v1/designations/%d/approve", d), map[string]string{"reason": "The evidence holds."})
			pub := decodeAs[warden.Designation](t, want("approval", code, b, 200))
			if pub.Status != warden.DesignationPublished || pub.Version == 0 {
				t.Fatalf("approved: %s", b)
			}
			version = pub.Version
		}
		// The company's name in Chinese characters, by an amendment.
		code, b = sofia.call("GET", fmt.Sprintf("/v1/designations/%d", company), nil)
		cd := decodeAs[warden.Designation](t, want("the company's designation", code, b, 200))
		party := cd.Party
		party.Names = append(party.Names, warden.Name{Full: demo.CompanyNameZH, Kind: warden.NameAKA})
		code, b = sofia.call("POST", fmt.Sprintf("/v1/designations/%d/amend", company), map[string]any{"party": party, "reasons": "Its registered name in Chinese characters."})
		amend := decodeAs[warden.Designation](t, want("the amendment", code, b, 201))
		code, b = oscar.call("POST", fmt.Sprintf("/v1/designations/%d/approve", amend.ID), map[string]string{"reason": "The registered name."})
		if pub := decodeAs[warden.Designation](t, want("the amendment's approval", code, b, 200)); pub.Status != warden.DesignationPublished {
			t.Fatalf("the amendment: %s", b)
		} else {
			version = pub.Version
		}
		entity := "cyber_sanctions:" + cd.Party.SourceID
		code, b = sofia.call("GET", fmt.Sprintf("/v1/lists/cyber_sanctions/versions/%d/notice?format=text", version), nil)
		if !strings.Contains(string(want("the notice", code, b, 200)), demo.CompanyNameZH) {
			t.Errorf("the notice: %s", b)
		}
		// The signed exports, verified with the key the server publishes.
		resp, err = http.Get(p.srv.URL + "/.well-known/warden-signing-key")
		if err != nil {
			t.Fatal(err)
		}
		pem, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		pub, err := publish.ParsePublicKey(pem)
		if err != nil {
			t.Fatal(err)
		}
		get := func(name string) ([]byte, error) {
			resp, err := http.Get(fmt.Sprintf("%s/public/lists/cyber_sanctions/versions/%d/ftm/%s", p.srv.URL, version, name))
			if err != nil {
				return nil, err
			}
			defer resp.Body.Close()
			if resp.StatusCode != 200 {
				return nil, fmt.Errorf("%s: %d", name, resp.StatusCode)
			}
			return io.ReadAll(resp.Body)
		}
		manifest, err := get(publish.ManifestName)
		sig, err2 := get(publish.SignatureName)
		if err != nil || err2 != nil {
			t.Fatal(err, err2)
		}
		m, err := publish.Verify(pub, manifest, sig, get)
		if err != nil || len(m.Files) == 0 {
			t.Fatalf("the signed export: %v %+v", err, m)
		}
		ftm, _ := get(m.Files[0].Name)
		for _, n := range []string{demo.CompanyName, demo.CompanyNameZH, demo.EmployeeName, demo.Wallet} {
			if !strings.Contains(string(ftm), n) {
				t.Errorf("the export lacks %q", n)
			}
		}
		code, b = chen.call("GET", "/v1/designations", nil)
		want("the counterpart reading designations", code, b, 403)
		code, b = chen.call("GET", reqPath+"/referrals", nil)
		absent("the referrals to the counterpart", b, "low_quality", "withholds what")
		code, b = chen.call("GET", reqPath+"/timeline", nil)
		absent("the timeline to the counterpart", want("the counterpart's timeline", code, b, 200), "request.referred")

		// 6. Enforcement: the index takes the version; a payment to the
		// company's wallet is blocked; a customer named in Chinese is held.
		if _, err := p.s.Screening.Refresh(op); err != nil {
			t.Fatal(err)
		}
		code, b = sam.call("POST", "/v1/transactions", map[string]any{"reference": demo.PaymentReference, "amount": map[string]any{"currency": demo.PaymentCurrency, "minor": demo.PaymentMinor},
			"parties": []map[string]any{{"role": "originator", "name": demo.PaymentPayer, "account": "US-1"}, {"role": "beneficiary", "wallet": demo.Wallet}}})
		if d := decodeAs[warden.TxDecision](t, want("the payment", code, b, 200)); d.Decision != "blocked" || len(d.Hits) == 0 || d.Hits[0].EntityID != entity {
			t.Fatalf("the payment to the wallet: %s", b)
		}
		code, b = sam.call("POST", "/v1/customers", map[string]any{"id": demo.CustomerID, "schema": "Organization", "name": demo.CompanyNameZH})
		cust := decodeAs[warden.Customer](t, want("the customer", code, b, 201))
		if cust.Decision != "held" || len(cust.Cases) == 0 {
			t.Fatalf("the customer named %s: %s", demo.CompanyNameZH, b)
		}
		// Next: the analyst finds the ledger entry, the case and the
		// initial report with its deadline: ten business days.
		code, b = ana.call("GET", "/v1/blocked-property?reference="+demo.PaymentReference, nil)
		led := decodeAs[struct{ Entries []warden.LedgerEntry }](t, want("the ledger", code, b, 200))
		if len(led.Entries) != 1 {
			t.Errorf("the ledger's entries for %s: %s", demo.PaymentReference, b)
		} else if e := led.Entries[0]; e.Kind != warden.LedgerBlock || e.Reference != demo.PaymentReference || e.EntityID != entity || e.Holder != demo.Wallet ||
			e.Amount != (warden.Money{Currency: demo.PaymentCurrency, Minor: demo.PaymentMinor}) {
			t.Errorf("the payment's ledger entry: %+v", e)
		}
		// The payment's status, as an analyst reads it: blocked for good.
		code, b = ana.call("GET", "/v1/transactions/"+demo.PaymentReference, nil)
		if tx := decodeAs[warden.TxDecision](t, want("the payment", code, b, 200)); tx.Reference != demo.PaymentReference || tx.Status != warden.DecisionBlocked || tx.Amount.Minor != demo.PaymentMinor {
			t.Errorf("the payment read back: %s", b)
		}
		code, b = ana.call("GET", fmt.Sprintf("/v1/cases/%d", cust.Cases[0]), nil)
		if !strings.Contains(string(want("the case", code, b, 200)), entity) {
			t.Errorf("the case: %s", b)
		}
		code, b = ana.call("POST", fmt.Sprintf("/v1/cases/%d/notes", cust.Cases[0]), map[string]string{"text": "The customer's registered name is the designated company's."})
		want("the case note", code, b, 201)
		code, b = ana.call("GET", "/v1/reports/initial", nil)
		rep := decodeAs[struct {
			Columns []string
			Rows    [][]string
		}](t, want("the initial report", code, b, 200))
		col := func(name string) int { return slices.Index(rep.Columns, name) }
		found := false
		for _, row := range rep.Rows {
			if row[col("reference")] == demo.PaymentReference {
				found = true
				if row[col("party")] != entity || row[col("blocked_on")] != "2026-03-12" || row[col("deadline")] != "2026-03-26" {
					t.Errorf("the initial report's row: %v", row)
				}
			}
		}
		if !found {
			t.Errorf("the initial report lacks the payment: %s", b)
		}
		// The counterpart is refused all of it: its role's boundary, since
		// the analyst read the same case, ledger, report and payment above.
		for _, path := range []string{"/v1/cases", fmt.Sprintf("/v1/cases/%d", cust.Cases[0]), "/v1/blocked-property", "/v1/customers", "/v1/reports/initial", "/v1/transactions/" + demo.PaymentReference} {
			code, b = chen.call("GET", path, nil)
			want("the counterpart reading "+path, code, b, 403)
		}

		// 7. Sharing: the designated parties, as STIX identities, join the
		// incident in the counterpart's collection; its system reads them
		// over TAXII.
		code, b = ana.call("GET", "/v1/intel/export?entity="+entity+",cyber_sanctions:"+proposedParty(proposed.Designations, demo.EmployeeName), nil)
		parties := want("the parties' bundle", code, b, 200)
		code, b = ana.loopSend("POST", "/v1/intel/import", "application/stix+json", "", parties)
		want("importing the parties", code, b, 201)
		var ids []string
		for _, id := range bundleIDs(t, parties) {
			if strings.HasPrefix(id, "identity--") || strings.HasPrefix(id, "relationship--") {
				ids = append(ids, id)
			}
		}
		code, b = ana.call("POST", "/v1/intel/collections/"+coll.ID+"/shares", map[string]any{"ids": ids})
		want("sharing the parties", code, b, 204)
		code, b = cnSys.taxii("/taxii2/api/collections/")
		if cs := string(want("the counterpart's collections", code, b, 200)); !strings.Contains(cs, coll.ID) || strings.Count(cs, `"id"`) != 1 {
			t.Errorf("the counterpart's TAXII collections: %s", cs)
		}
		code, b = cnSys.taxii("/taxii2/api/collections/" + coll.ID + "/objects/?limit=1000")
		env := want("the collection's objects", code, b, 200)
		for _, s := range append([]string{demo.CompanyName, demo.CompanyNameZH, demo.EmployeeName, incident.ID, actor.ID}, indicators...) {
			if !strings.Contains(string(env), s) {
				t.Errorf("the counterpart's collection lacks %q", s)
			}
		}
		absent("the counterpart's collection", env, secrets...)
		for _, path := range []string{"/taxii2/api/collections/" + coll.ID + "/", "/taxii2/api/collections/" + coll.ID + "/objects/"} {
			code, b = other.taxii(path)
			want("another counterpart reading "+path, code, b, 404)
		}
		code, b = cnSys.taxii("/taxii2/api/collections/" + coll.ID + "/objects/" + red.ID + "/")
		want("the RED indicator over TAXII", code, b, 404)

		// The counterpart's portal shows the request's whole history, and
		// nothing of the authority's own.
		code, b = chen.call("GET", reqPath+"/timeline", nil)
		tl := string(want("the timeline", code, b, 200))
		at := -1
		for _, ev := range []string{"request.sent", "request.deadline_missed", "request.acknowledged", "request.answered", "request.reviewed"} {
			i := strings.Index(tl[at+1:], `"`+ev+`"`)
			if i < 0 {
				t.Errorf("the counterpart's timeline lacks %s after %d: %s", ev, at, tl)
				break
			}
			at += 1 + i
		}
		code, b = chen.call("GET", reqPath+"/messages", nil)
		if ms := string(want("the thread", code, b, 200)); !strings.Contains(ms, "We are contacting the hosting provider") || !strings.Contains(ms, demo.AnswerText) {
			t.Errorf("the counterpart's thread: %s", ms)
		}
		code, b = chen.call("GET", fmt.Sprintf("/portal/requests/%d", req.ID), nil)
		portal := want("the portal's request page", code, b, 200)
		for _, s := range []string{req.Reference, html.EscapeString(demo.AnswerText), "We are contacting the hosting provider"} {
			if !strings.Contains(string(portal), s) {
				t.Errorf("the portal's page lacks %q", s)
			}
		}
		// The page's timeline is the request's events as the API gives
		// them to the counterpart, in order, without the referral.
		at = strings.Index(string(portal), `id="timeline"`)
		for _, ev := range []string{"request.sent", "request.deadline_missed", "request.acknowledged", "request.deadline_missed", "request.answered", "request.reviewed"} {
			i := -1
			if at >= 0 {
				i = strings.Index(string(portal[at+1:]), `data-event="`+ev+`"`)
			}
			if i < 0 {
				t.Errorf("the portal's timeline lacks %s after %d", ev, at)
				break
			}
			at += 1 + i
		}
		absent("the portal's page", portal, append(secrets, "low_quality", "withholds what", ruReq.Reference, "referr")...)
		code, b = chen.call("GET", "/portal", nil)
		absent("the portal's home", want("the portal", code, b, 200), ruReq.Reference)
	})
}

// proposedParty is the source id on the authority's list of the party
// named name among ds.
func proposedParty(ds []warden.Designation, name string) string {
	for _, d := range ds {
		if d.Party.Names[0].Full == name {
			return d.Party.SourceID
		}
	}
	return ""
}

// loopSend sends body with content type ct (and Accept accept, if given)
// in c's session or with c's token.
func (c *client) loopSend(method, path, ct, accept string, body []byte) (int, []byte) {
	c.t.Helper()
	req, _ := http.NewRequest(method, c.p.srv.URL+path, bytes.NewReader(body))
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	} else {
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: c.cookie})
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// loopUpload posts data as the part file of a multipart form.
func (c *client) loopUpload(path, name string, data []byte) (int, []byte) {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	return c.loopSend("POST", path, mw.FormDataContentType(), "", body.Bytes())
}

// taxii GETs a TAXII 2.1 resource.
func (c *client) taxii(path string) (int, []byte) {
	c.t.Helper()
	return c.loopSend("GET", path, "", "application/taxii+json;version=2.1", nil)
}

// TestLoopPartialAnswerRated: rating a partial answer, as the story's
// liaison does, does not end the wait for the rest. The request is still
// open for the counterpart, which answers in full later; its answer
// deadline still runs, so the sweep reports it missed (and the hotline
// can escalate); it is overdue in the list and on the scorecard.
func TestLoopPartialAnswerRated(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		c := newCoopPlatform(t, db)
		ana, cp := c.client(t, c.tokens[warden.RoleAnalyst]), c.client(t, c.tokens[warden.RoleCounterpart])
		op := warden.WithPrincipal(context.Background(), warden.Operator)
		code, b := ana.call("POST", "/v1/requests", requestJSON("ru-cert", func(m map[string]any) { m["send"] = true }))
		r := decodeAs[warden.Request](t, b)
		if code != 201 || r.AnswerDue == nil {
			t.Fatalf("send: %d %s", code, b)
		}
		path := fmt.Sprintf("/v1/requests/%d", r.ID)
		c.clock.add(2 * time.Hour)
		code, b = cp.call("POST", path+"/answer", map[string]string{"completeness": "partial", "body": "The subscriber's name; the logs follow."})
		answer := decodeAs[answerResult](t, b)
		if code != 201 {
			t.Fatalf("partial answer: %d %s", code, b)
		}
		code, b = ana.call("POST", path+"/reviews", map[string]any{"message": answer.Message.ID, "rubric": map[string]int{"completeness": 2, "accuracy": 3, "actionability": 1, "updates": 2}, "use": "other"})
		if code != 201 {
			t.Fatalf("review: %d %s", code, b)
		}
		c.clock.add(23 * time.Hour) // past the 24 hours to answer
		if _, err := c.s.Cooperation.Sweep(op); err != nil {
			t.Fatal(err)
		}
		code, b = ana.call("GET", path+"/timeline", nil)
		if !strings.Contains(string(b), `"request.deadline_missed"`) || !strings.Contains(string(b), `"deadline":"answer"`) {
			t.Errorf("the rated partial answer's deadline passed unreported: %d %s", code, b)
		}
		code, b = ana.call("GET", "/v1/requests?overdue=true", nil)
		if l := decodeAs[struct{ Requests []warden.Request }](t, b); code != 200 || len(l.Requests) != 1 {
			t.Errorf("overdue requests: %d %s", code, b)
		}
		code, b = ana.call("GET", "/v1/scorecards?org=ru-cert&period=month&at=2026-03-03", nil)
		if s := decodeAs[warden.Scorecard](t, b).Outgoing; code != 200 || s.Open != 1 || s.Overdue != 1 {
			t.Errorf("the scorecard: %d open %d, overdue %d", code, s.Open, s.Overdue)
		}
		code, b = cp.call("POST", path+"/answer", map[string]string{"completeness": "full", "body": "The logs."})
		if full := decodeAs[answerResult](t, b); code != 201 || full.Request.AnsweredAt == nil || full.Request.Status != warden.RequestAnswered {
			t.Errorf("the rest of the answer: %d %s", code, b)
		}
	})
}
