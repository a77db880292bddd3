package demo_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"warden"
	"warden/audit"
	"warden/cooperation"
	"warden/demo"
	"warden/enforcement"
	"warden/hotline"
	"warden/intel"
	"warden/lists"
	"warden/publish"
	"warden/stix"
	"warden/store"
	"warden/store/storetest"
	"warden/taxii"
	"warden/web"
)

// as acts as the demo's person of role (the n-th of them).
func as(t *testing.T, role warden.Role, n int) context.Context {
	t.Helper()
	for _, u := range demo.Users {
		if u.Role == string(role) {
			if n == 0 {
				return warden.WithPrincipal(context.Background(), warden.Principal{Name: u.Name, Role: role, Org: u.Org, Kind: "user", Person: u.Name})
			}
			n--
		}
	}
	t.Fatalf("no demo person of role %s", role)
	return nil
}

// TestDemo builds the demo on each engine, then reads each step's state
// back through the services as the roles that would look at it, reads
// the counterpart's collection over TAXII from a server on the database
// with the demo's token, checks what the counterpart must not see, and
// that a second run refuses.
func TestDemo(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock, mail := &demo.Clock{}, &demo.Mailbox{}
		s, err := demo.Wire(ctx, db, demo.Config{}, clock, mail)
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC()
		res, err := demo.Run(ctx, s, clock, mail, now)
		if err != nil {
			t.Fatal(err)
		}
		if !res.End.Before(now) || !res.Start.Before(res.End) {
			t.Errorf("the story ran from %s to %s, want it over before now (%s)", res.Start, res.End, now)
		}
		analyst, liaison := as(t, warden.RoleAnalyst, 0), as(t, warden.RoleLiaison, 0)
		officer, cp, auditor := as(t, warden.RoleSanctionsOfficer, 1), as(t, warden.RoleCounterpart, 0), as(t, warden.RoleAuditor, 0)

		// The people, each able to log in with the password printed.
		if len(res.People) != len(demo.Users) {
			t.Fatalf("%d people, want %d", len(res.People), len(demo.Users))
		}
		for _, p := range res.People {
			if _, _, err := s.Auth.Login(ctx, p.Name, p.Password); err != nil {
				t.Errorf("login as %s: %v", p.Name, err)
			}
		}

		// 1. Intelligence: the incident, its actor and indicators, AMBER.
		v, err := s.Intel.View(analyst, res.Incident)
		if err != nil {
			t.Fatal(err)
		}
		if v.Object.TLP != warden.TLPAmber || v.Object.Name != demo.IncidentName {
			t.Errorf("incident: %s %q", v.Object.TLP, v.Object.Name)
		}
		var near []string
		for _, o := range v.Neighbours {
			near = append(near, o.ID)
		}
		for _, id := range append([]string{res.Actor, res.RedIndicator}, res.Indicators...) {
			if !slices.Contains(near, id) {
				t.Errorf("the incident's graph lacks %s", id)
			}
		}

		// 2. Cooperation: acknowledged late, answered in part, both deadlines missed.
		r, err := s.Cooperation.Get(liaison, res.Request)
		if err != nil {
			t.Fatal(err)
		}
		if r.Priority != warden.PriorityUrgent || r.Answer != warden.AnswerPartial || r.AcknowledgedAt == nil || !r.AcknowledgedAt.After(*r.AckDue) ||
			r.FirstAnswerAt == nil || r.AnswerDue.After(res.End) || r.Requested.TimeZone != demo.CounterpartTimeZone {
			t.Errorf("request: priority %s, answer %q, acknowledged %v (due %v), first answer %v, answer due %v, counted in %s",
				r.Priority, r.Answer, r.AcknowledgedAt, r.AckDue, r.FirstAnswerAt, r.AnswerDue, r.Requested.TimeZone)
		}
		tl, err := s.Cooperation.Timeline(liaison, res.Request)
		if err != nil {
			t.Fatal(err)
		}
		missed := 0
		for _, e := range tl {
			if e.Type == warden.EventRequestDeadlineMissed {
				missed++
			}
		}
		if missed != 2 {
			t.Errorf("%d deadline_missed events in the timeline, want 2 (acknowledge, answer)", missed)
		}

		// 3. Hotline: each miss escalated to the on-call liaison, acknowledged by the e-mailed link.
		if len(res.Alerts) != 2 {
			t.Fatalf("alerts %v, want 2", res.Alerts)
		}
		for _, id := range res.Alerts {
			a, err := s.Hotline.Alert(liaison, id)
			if err != nil {
				t.Fatal(err)
			}
			if a.Status != warden.AlertAcknowledged || a.Object != "request:"+strconv.FormatInt(res.Request, 10) {
				t.Errorf("alert %d: %s on %s, want acknowledged on the request", id, a.Status, a.Object)
			}
			log, err := s.Hotline.Log(liaison, hotline.LogFilter{Alert: id})
			if err != nil {
				t.Fatal(err)
			}
			var kinds []string
			acked := false
			for _, l := range log {
				kinds = append(kinds, l.Kind)
				acked = acked || strings.HasPrefix(l.Actor, "link:demo-liaison")
			}
			if !slices.Contains(kinds, "escalated") || !slices.Contains(kinds, "delivered") || !acked {
				t.Errorf("alert %d's log %q: want the step escalated, the e-mail delivered and the acknowledgement by the liaison's link", id, kinds)
			}
		}

		// 4. Review: 2/5 complete, 1/5 actionable, in the quarter's scorecard.
		from, to, err := cooperation.Period("quarter", *r.SentAt, nil)
		if err != nil {
			t.Fatal(err)
		}
		sc, err := s.Cooperation.Scorecard(liaison, demo.CounterpartOrg, from, to)
		if err != nil {
			t.Fatal(err)
		}
		q := sc.Outgoing.Quality
		if q.N != 1 || q.Completeness != demo.ReviewCompleteness || q.Actionability != demo.ReviewActionability || sc.Outgoing.Requests != 1 {
			t.Errorf("scorecard %s..%s: %d requests, quality %+v", from, to, sc.Outgoing.Requests, q)
		}

		// 5. Referral and designation: published, with its notice.
		fs, err := s.Cooperation.Referrals(officer, res.Request)
		if err != nil || len(fs) != 1 || fs[0].Ground != warden.ReferralQuality {
			t.Errorf("referrals %+v (%v)", fs, err)
		}
		for _, id := range res.Superseded {
			if d, err := s.Designations.Get(officer, id); err != nil || d.Status != warden.DesignationRejected {
				t.Errorf("the referral's proposal %d: %s (%v), want rejected as superseded", id, d.Status, err)
			}
		}
		var listed []string
		for _, id := range res.Designations {
			d, err := s.Designations.Get(auditor, id)
			if err != nil {
				t.Fatal(err)
			}
			if d.Status != warden.DesignationPublished || d.Version == 0 || d.ApprovedBy == d.ProposedBy {
				t.Errorf("designation %d: %s v%d proposed by %s approved by %s", id, d.Status, d.Version, d.ProposedBy, d.ApprovedBy)
			}
			checkEvidence(t, s, auditor, d, res)
			n, err := publish.BuildNotice(ctx, db, s.Designations.ListName, d.Version, res.End)
			if err != nil {
				t.Fatal(err)
			}
			listed = append(listed, n.Added...)
		}
		if len(listed) != 2 || !strings.Contains(strings.Join(listed, "\n"), demo.CompanyNameZH) {
			t.Errorf("notice entries %q, want both parties with the company's Chinese name", listed)
		}

		// 6. Enforcement: the blocked payment in the ledger, the held customer's case, the report's deadline.
		entries, _, err := s.Enforcement.Ledger(auditor, warden.LedgerFilter{Reference: demo.PaymentReference})
		if err != nil || len(entries) != 1 || entries[0].Amount != (warden.Money{Currency: demo.PaymentCurrency, Minor: demo.PaymentMinor}) || entries[0].Kind != warden.LedgerBlock {
			t.Errorf("ledger for %s: %+v (%v)", demo.PaymentReference, entries, err)
		}
		c, err := s.Enforcement.Customer(analyst, demo.CustomerID)
		if err != nil || c.Status != string(warden.DecisionHeld) {
			t.Errorf("customer %s: %q (%v), want held", demo.CustomerID, c.Status, err)
		}
		cases, err := s.Enforcement.FindCases(analyst, enforcement.CaseQuery{})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, k := range cases.Cases {
			found = found || k.Reference == "customer:"+demo.CustomerID && k.Status == warden.CaseOpen && k.ListedName == demo.CompanyName
		}
		if !found {
			t.Errorf("no open case for customer %s in the queue: %+v", demo.CustomerID, cases.Cases)
		}
		rep, err := s.Enforcement.InitialReports(auditor)
		if err != nil {
			t.Fatal(err)
		}
		col := func(name string) int { return slices.Index(rep.Columns, name) }
		if len(rep.Rows) != 1 || len(entries) != 1 || rep.Rows[0][col("reference")] != demo.PaymentReference {
			t.Fatalf("initial report %v: %q", rep.Columns, rep.Rows)
		}
		// Due 10 business days after the block, in the calendar of the
		// policy in force (weekends and its holidays skipped).
		pv, err := s.Enforcement.CurrentPolicy(auditor)
		if err != nil {
			t.Fatal(err)
		}
		var pol enforcement.Policy
		if err := json.Unmarshal(pv.Policy, &pol); err != nil {
			t.Fatal(err)
		}
		holidays := map[string]bool{}
		for _, h := range pol.Holidays {
			holidays[h] = true
		}
		blocked := entries[0].Time
		due := enforcement.AddBusinessDays(blocked, enforcement.InitialDays, holidays)
		if got := rep.Rows[0][col("blocked_on")] + " " + rep.Rows[0][col("deadline")]; got != blocked.Format(time.DateOnly)+" "+due.Format(time.DateOnly) {
			t.Errorf("initial report: blocked on and due %s, want %s and %s (%d business days later)", got, blocked.Format(time.DateOnly), due.Format(time.DateOnly), enforcement.InitialDays)
		}

		// 7. Sharing: the counterpart's collection holds the report of the
		// designations, the designated parties, the incident and what it
		// shared with their relationships, never RED nor the note.
		tp, err := s.Auth.Authenticate(ctx, "Bearer "+res.Token)
		if err != nil || tp.Role != warden.RoleCounterpart || tp.Org != demo.CounterpartOrg {
			t.Fatalf("the counterpart's token: %+v (%v)", tp, err)
		}
		page, err := s.Intel.Objects(warden.WithPrincipal(ctx, tp), intel.Filter{Collection: res.Collection, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		var shared []string
		for _, o := range page.Objects {
			shared = append(shared, o.ID)
		}
		for _, id := range append(append([]string{res.Report, res.Incident, res.Actor, res.Company, res.Employee}, res.Indicators...), res.Relationships...) {
			if !slices.Contains(shared, id) {
				t.Errorf("the counterpart's collection lacks %s", id)
			}
		}
		for _, id := range []string{res.RedIndicator, res.InternalNote} {
			if slices.Contains(shared, id) {
				t.Errorf("the counterpart's collection holds %s", id)
			}
			if _, err := s.Intel.Object(cp, id); warden.ErrorCode(err) != warden.ENOTFOUND {
				t.Errorf("the counterpart reading %s: %v, want not found", id, err)
			}
		}
		// Over TAXII, as the counterpart's system reads it: a server on
		// the demo's database, the token the demo printed.
		srv := httptest.NewServer((&web.Server{Lists: &lists.Service{DB: db}, Audit: &audit.Service{DB: db}, Screening: s.Screening, Auth: s.Auth,
			Enforcement: s.Enforcement, Designations: s.Designations, Hotline: s.Hotline, Cooperation: s.Cooperation, Intel: s.Intel,
			Log: slog.New(slog.DiscardHandler)}).Handler())
		defer srv.Close()
		checkTAXII(t, srv.URL, res)

		// The portal: the request's whole history, without the unshared link or the referral.
		cr, err := s.Cooperation.Get(cp, res.Request)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range cr.Links {
			if strings.Contains(l.Object, res.RedIndicator) {
				t.Errorf("the counterpart sees the request's unshared link %s", l.Object)
			}
		}
		ctl, err := s.Cooperation.Timeline(cp, res.Request)
		if err != nil {
			t.Fatal(err)
		}
		var types []string
		for _, e := range ctl {
			types = append(types, e.Type)
			if e.Type == warden.EventRequestSent && !e.CreatedAt.Equal(*r.SentAt) {
				t.Errorf("request.sent at %s in the timeline, sent at %s: the story's clock", e.CreatedAt, r.SentAt)
			}
		}
		for _, want := range []string{warden.EventRequestSent, warden.EventRequestAcknowledged, warden.EventRequestMessage, warden.EventRequestAnswered,
			warden.EventRequestDeadlineMissed, warden.EventRequestReviewed} {
			if !slices.Contains(types, want) {
				t.Errorf("the counterpart's timeline %q lacks %s", types, want)
			}
		}
		if fs, err := s.Cooperation.Referrals(cp, res.Request); err == nil && len(fs) > 0 {
			t.Errorf("the counterpart sees the referrals: %+v", fs)
		}
		ms, err := s.Cooperation.Messages(cp, res.Request)
		if err != nil || len(ms) < 2 {
			t.Errorf("the counterpart's thread: %d messages (%v)", len(ms), err)
		}

		// Twice: refused, naming nothing built.
		if _, err := demo.Run(ctx, s, clock, mail, time.Now()); !errors.Is(err, demo.ErrBuilt) {
			t.Errorf("second run: %v, want %v", err, demo.ErrBuilt)
		}
	})
}

// checkEvidence checks that published designation d rests on the demo's
// request and incident (its links) and holds the incident's indicators
// as a STIX bundle of evidence, read back as an auditor would, with
// nothing RED in it.
func checkEvidence(t *testing.T, s *demo.Services, auditor context.Context, d warden.Designation, res *demo.Result) {
	t.Helper()
	for _, l := range []string{"request:" + strconv.FormatInt(res.Request, 10), "incident:" + res.Incident} {
		if !slices.Contains(d.Links, l) {
			t.Errorf("designation %d's links %q lack %s", d.ID, d.Links, l)
		}
	}
	if len(d.Evidence) != 1 {
		t.Fatalf("designation %d: %d evidence files, want the indicators' STIX bundle", d.ID, len(d.Evidence))
	}
	ev, b, err := s.Designations.EvidenceFile(auditor, d.ID, d.Evidence[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	var bundle struct {
		Type    string `json:"type"`
		Objects []struct {
			ID string `json:"id"`
		} `json:"objects"`
	}
	if err := json.Unmarshal(b, &bundle); err != nil || bundle.Type != "bundle" {
		t.Fatalf("designation %d's evidence %s (%s) is no STIX bundle: %v", d.ID, ev.Name, ev.MediaType, err)
	}
	var ids []string
	for _, o := range bundle.Objects {
		ids = append(ids, o.ID)
	}
	for _, id := range append([]string{res.Incident}, res.Indicators...) {
		if !slices.Contains(ids, id) {
			t.Errorf("designation %d's evidence %s lacks %s", d.ID, ev.Name, id)
		}
	}
	if slices.Contains(ids, res.RedIndicator) {
		t.Errorf("designation %d's evidence %s holds the RED indicator", d.ID, ev.Name)
	}
}

// taxiiObject is what checkTAXII reads of an object in the envelope.
type taxiiObject struct {
	ID       string   `json:"id"`
	Type     string   `json:"type"`
	Name     string   `json:"name"`
	Class    string   `json:"identity_class"`
	RelType  string   `json:"relationship_type"`
	Source   string   `json:"source_ref"`
	Target   string   `json:"target_ref"`
	Refs     []string `json:"object_refs"`
	Markings []string `json:"object_marking_refs"`
}

// taxiiGet reads path from the server at base with the counterpart's
// token, as TAXII 2.1 asks, and returns the status and the body.
func taxiiGet(t *testing.T, base, path, token string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", taxii.MediaType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

// checkTAXII reads the counterpart's collection over TAXII from the
// server at base with the demo's token: the designated company and
// employee as identities, the incident, the actor, the indicators, the
// relationships that attribute the incident to the actor and the actor
// to the parties, and the report of the designations over all of them,
// the authority's intelligence still AMBER; no RED object, no note, and
// the RED indicator not found by its id.
func checkTAXII(t *testing.T, base string, res *demo.Result) {
	t.Helper()
	path := "/taxii2/api/collections/" + res.Collection + "/objects/"
	code, body := taxiiGet(t, base, path+"?limit=1000", res.Token)
	if code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, code, body)
	}
	var env struct {
		More    bool          `json:"more"`
		Objects []taxiiObject `json:"objects"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		t.Fatalf("the envelope: %v: %s", err, body)
	}
	if env.More {
		t.Errorf("the envelope has more than 1000 objects: %d read", len(env.Objects))
	}
	got := map[string]taxiiObject{}
	edges := map[[3]string]bool{}
	for _, o := range env.Objects {
		got[o.ID] = o
		if o.Type == "relationship" {
			edges[[3]string{o.Source, o.RelType, o.Target}] = true
		}
		if o.Type == "note" || slices.Contains(o.Markings, stix.TLPMarkingID(warden.TLPRed)) {
			t.Errorf("the counterpart's collection holds %s %s", o.Type, o.ID)
		}
	}
	for _, p := range []struct{ id, name, class string }{{res.Company, demo.CompanyName, "organization"}, {res.Employee, demo.EmployeeName, "individual"}} {
		if o, ok := got[p.id]; !ok || o.Type != "identity" || o.Name != p.name || o.Class != p.class || !slices.Contains(o.Markings, stix.TLPMarkingID(warden.TLPClear)) {
			t.Errorf("the designated party %s over TAXII: %+v (found %v), want the %s identity %q, TLP:CLEAR as the published list", p.id, o, ok, p.class, p.name)
		}
	}
	amber := append(append([]string{res.Report, res.Incident, res.Actor}, res.Indicators...), res.Relationships...)
	for _, id := range amber {
		if o, ok := got[id]; !ok || !slices.Contains(o.Markings, stix.TLPMarkingID(warden.TLPAmber)) {
			t.Errorf("%s over TAXII: %+v (found %v), want it marked TLP:AMBER", id, o, ok)
		}
	}
	want := [][3]string{{res.Incident, "attributed-to", res.Actor}, {res.Actor, "attributed-to", res.Company}, {res.Actor, "attributed-to", res.Employee}}
	for _, id := range res.Indicators {
		want = append(want, [3]string{id, "indicates", res.Incident})
	}
	for _, e := range want {
		if !edges[e] {
			t.Errorf("the counterpart's collection lacks the relationship %s %s %s", e[0], e[1], e[2])
		}
	}
	if len(res.Relationships) != len(want) {
		t.Errorf("%d relationships shared, want %d", len(res.Relationships), len(want))
	}
	for _, id := range append(slices.Clone(amber[1:]), res.Company, res.Employee) {
		if !slices.Contains(got[res.Report].Refs, id) {
			t.Errorf("the report's object_refs lack %s", id)
		}
	}
	for _, secret := range []string{res.RedIndicator, demo.RedIndicatorIP, res.InternalNote, demo.InternalNote} {
		if strings.Contains(string(body), secret) {
			t.Errorf("the counterpart's collection holds %q", secret)
		}
	}
	if code, b := taxiiGet(t, base, path+res.RedIndicator+"/", res.Token); code != http.StatusNotFound {
		t.Errorf("the RED indicator over TAXII: %d %s, want 404", code, b)
	}
}

// TestDemoCalendar: whatever the day it runs, the story fits before now
// in the counterpart's business time and the authority's working days:
// after China's National Day week, after the Spring Festival, on a
// Monday morning, on New Year's Eve.
func TestDemoCalendar(t *testing.T) {
	for _, now := range []time.Time{
		time.Date(2026, 10, 9, 8, 0, 0, 0, time.UTC),
		time.Date(2027, 2, 15, 1, 0, 0, 0, time.UTC),
		time.Date(2026, 11, 30, 0, 30, 0, 0, time.UTC),
		time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC),
	} {
		t.Run(now.Format("2006-01-02"), func(t *testing.T) {
			db := storetest.OpenSQLite(t)
			ctx := context.Background()
			clock, mail := &demo.Clock{}, &demo.Mailbox{}
			s, err := demo.Wire(ctx, db, demo.Config{}, clock, mail)
			if err != nil {
				t.Fatal(err)
			}
			res, err := demo.Run(ctx, s, clock, mail, now)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Alerts) != 2 || !res.End.Before(now) || now.Sub(res.Start) > 30*24*time.Hour {
				t.Errorf("from %s to %s with alerts %v", res.Start, res.End, res.Alerts)
			}
		})
	}
}
