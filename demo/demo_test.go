package demo_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"warden"
	"warden/cooperation"
	"warden/demo"
	"warden/enforcement"
	"warden/hotline"
	"warden/intel"
	"warden/publish"
	"warden/store"
	"warden/store/storetest"
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
// back through the services as the roles that would look at it, checks
// what the counterpart must not see, and that a second run refuses.
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
			if d.Status != warden.DesignationPublished || d.Version == 0 || d.ApprovedBy == d.ProposedBy || !slices.Contains(d.Links, "incident:"+res.Incident) || len(d.Evidence) == 0 {
				t.Errorf("designation %d: %s v%d proposed by %s approved by %s, links %v, %d evidence", id, d.Status, d.Version, d.ProposedBy, d.ApprovedBy, d.Links, len(d.Evidence))
			}
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
		if len(rep.Rows) != 1 || rep.Rows[0][col("reference")] != demo.PaymentReference || rep.Rows[0][col("deadline")] == "" {
			t.Errorf("initial report %v: %q", rep.Columns, rep.Rows)
		}

		// 7. Sharing: the counterpart's collection holds the report of the
		// designations, the incident and what it shared, never RED nor the note.
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
		for _, id := range append([]string{res.Report, res.Incident, res.Actor}, res.Indicators...) {
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
