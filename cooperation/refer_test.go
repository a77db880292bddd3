package cooperation_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"warden"
	"warden/auth"
	"warden/cooperation"
	"warden/designation"
	"warden/store"
	"warden/store/storetest"
)

var basis = warden.LegalBasis{Order: "Executive Order 13694", Criterion: "Section 1(a)(ii)(B)"}

// TestRefer: a request of home's to cn that stays unanswered more than 30
// days past its answer deadline is referred for sanctions by a sanctions
// officer: one designation proposal for each of its two parties, each
// with request.json, thread.json and timeline.json attached as JSON
// evidence and linked to the request, and the referral stored with their
// ids and a request.referred event. Before the threshold, without a
// party, for a ground that does not hold, or by another role, nothing is
// stored. A low rating is a ground too; a request is referred once on
// each ground; the counterpart sees no referral.
func TestRefer(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		t0 := utc(t, "2026-06-01T12:00:00Z")
		w := newWorld(t, db, t0)
		des := designation.New(db, auth.NewApprovals(db, w.clock))
		des.Now = w.clock
		w.s.Designations = des
		in := form("cn", false)
		in.Priority, in.Urgency = warden.PriorityEmergency, "Ongoing attack."
		r, err := w.s.Create(liaison, in)
		if err == nil {
			r, err = w.s.Send(liaison, r.ID)
		}
		if err != nil {
			t.Fatal(err)
		}
		bare := in
		bare.Parties = nil
		partyless, err := w.s.Create(liaison, bare)
		if err == nil {
			partyless, err = w.s.Send(liaison, partyless.ID)
		}
		if err != nil {
			t.Fatal(err)
		}
		refer := cooperation.ReferInput{Ground: warden.ReferralOverdue, Reason: "No answer to an emergency request in a month.", LegalBasis: basis}
		// Due T+24h; the threshold is 30 days after that.
		w.at(t0.Add(24*time.Hour + 30*24*time.Hour))
		for _, c := range []struct {
			name string
			ctx  context.Context
			id   int64
			in   cooperation.ReferInput
			code string
			msg  string
		}{
			{"at the threshold", officer, r.ID, refer, warden.EINVALID, "ground"},
			{"an analyst", analyst, r.ID, refer, warden.EFORBIDDEN, ""},
			{"a liaison", liaison, r.ID, refer, warden.EFORBIDDEN, ""},
			{"no rating below 2", officer, r.ID, cooperation.ReferInput{Ground: warden.ReferralQuality, Reason: "bad", LegalBasis: basis}, warden.EINVALID, "ground"},
			{"no ground", officer, r.ID, cooperation.ReferInput{Reason: "bad", LegalBasis: basis}, warden.EINVALID, "ground"},
		} {
			before := snap(t, db, c.id)
			_, err := w.s.Refer(c.ctx, c.id, c.in)
			if warden.ErrorCode(err) != c.code || !strings.HasPrefix(warden.ErrorMessage(err), c.msg) {
				t.Errorf("%s: %v, want %s %s", c.name, err, c.code, c.msg)
			}
			unchanged(t, db, c.id, before, c.name)
		}
		w.at(t0.Add(24*time.Hour + 30*24*time.Hour + time.Second))
		for _, c := range []struct {
			name, field string
			id          int64
			edit        func(*cooperation.ReferInput)
		}{
			{"no party", "parties", partyless.ID, func(*cooperation.ReferInput) {}},
			{"no reason", "reason", r.ID, func(in *cooperation.ReferInput) { in.Reason = " " }},
			{"no order", "legal_basis.order", r.ID, func(in *cooperation.ReferInput) { in.LegalBasis.Order = "" }},
			{"no criterion", "legal_basis.criterion", r.ID, func(in *cooperation.ReferInput) { in.LegalBasis.Criterion = "\u200b" }},
		} {
			in := refer
			c.edit(&in)
			before := snap(t, db, c.id)
			if _, err := w.s.Refer(officer, c.id, in); warden.ErrorCode(err) != warden.EINVALID || !strings.HasPrefix(warden.ErrorMessage(err), c.field) {
				t.Errorf("%s: %v, want invalid naming %s", c.name, err, c.field)
			}
			unchanged(t, db, c.id, before, c.name)
		}
		if ds, _ := db.Designations(ctx, ""); len(ds) != 0 {
			t.Fatalf("%d designations opened by refused referrals", len(ds))
		}

		f, err := w.s.Refer(officer, r.ID, refer)
		if err != nil {
			t.Fatal(err)
		}
		if f.Ground != warden.ReferralOverdue || f.By != "sofia" || !slices.Equal(f.Designations, []int64{1, 2}) {
			t.Fatalf("referral: %+v", f)
		}
		for i, want := range []struct {
			name   string
			schema warden.Schema
			wallet bool
		}{{"Ivan Coldsteel", warden.SchemaPerson, true}, {"Steel Hosting LLC", warden.SchemaOrganization, false}} {
			d, err := db.Designation(ctx, f.Designations[i])
			if err != nil {
				t.Fatal(err)
			}
			if d.Status != warden.DesignationProposed || d.Party.Caption() != want.name || d.Party.Schema != want.schema || d.Program != "CYBER" ||
				d.LegalBasis != basis || !slices.Equal(d.Links, []string{"request:1"}) || !strings.Contains(d.Reasons, "R-2026-0001") || !strings.HasPrefix(d.Reasons, refer.Reason) {
				t.Errorf("designation %d: %+v", d.ID, d)
			}
			if got := len(d.Party.Wallets()); got != map[bool]int{true: 1, false: 0}[want.wallet] {
				t.Errorf("designation %d has %d wallets", d.ID, got)
			}
			var names []string
			for _, e := range d.Evidence {
				names = append(names, e.Name+" "+e.MediaType)
			}
			if strings.Join(names, ", ") != "request.json application/json, thread.json application/json, timeline.json application/json" {
				t.Errorf("evidence of designation %d: %v", d.ID, names)
			}
			_, data, err := db.EvidenceFile(ctx, d.ID, d.Evidence[2].ID)
			var tl []warden.DomainEvent
			if err != nil || json.Unmarshal(data, &tl) != nil || len(tl) != 1 || tl[0].Type != warden.EventRequestSent {
				t.Errorf("timeline evidence: %s %v", data, err)
			}
			_, data, _ = db.EvidenceFile(ctx, d.ID, d.Evidence[0].ID)
			var req warden.Request
			if json.Unmarshal(data, &req) != nil || req.ID != r.ID || len(req.Links) != 2 {
				t.Errorf("request evidence: %s", data)
			}
		}
		if fs, err := w.s.Referrals(liaison, r.ID); err != nil || len(fs) != 1 || !slices.Equal(fs[0].Designations, []int64{1, 2}) {
			t.Errorf("referrals: %+v %v", fs, err)
		}
		if fs, err := w.s.Referrals(cnUser, r.ID); err != nil || len(fs) != 0 {
			t.Errorf("cn sees referrals: %+v %v", fs, err)
		}
		if tl := timeline(t, db, r.ID); tl != "sent referred" {
			t.Errorf("timeline: %s", tl)
		}
		if evs, err := w.s.Timeline(cnUser, r.ID); err != nil || len(evs) != 1 {
			t.Errorf("cn's timeline: %+v %v", evs, err)
		}

		// A request is referred once on a ground: lapsed, it is not
		// referred as overdue again (its proposals are open already).
		if _, err := w.s.Lapse(liaison, r.ID, "No answer."); err != nil {
			t.Fatal(err)
		}
		before := snap(t, db, r.ID)
		if _, err := w.s.Refer(officer, r.ID, refer); warden.ErrorCode(err) != warden.EINVALID || !strings.HasPrefix(warden.ErrorMessage(err), "ground: ") ||
			!strings.Contains(warden.ErrorMessage(err), fmt.Sprintf("referral %d", f.ID)) {
			t.Errorf("referring a request twice as overdue: %v", err)
		}
		unchanged(t, db, r.ID, before, "a second referral")
		if ds, _ := db.Designations(ctx, ""); len(ds) != 2 {
			t.Errorf("%d designations after a second referral, want 2", len(ds))
		}
		q, err := w.s.Create(liaison, form("cn", false))
		if err == nil {
			q, err = w.s.Send(liaison, q.ID)
		}
		if err != nil {
			t.Fatal(err)
		}
		_, m, err := w.s.Answer(cnUser, q.ID, warden.AnswerFull, "Nothing useful.", nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.Review(analyst, q.ID, cooperation.ReviewInput{Message: m.ID, Rubric: warden.Rubric{Completeness: 2, Accuracy: 2, Actionability: 1, Updates: 2}, Use: warden.UseNone}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.Refer(officer, q.ID, cooperation.ReferInput{Ground: warden.ReferralOverdue, Reason: "late", LegalBasis: basis}); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("an answered request referred as overdue: %v", err)
		}
		w.s.Designations = nil
		f, err = w.s.Refer(officer, q.ID, cooperation.ReferInput{Ground: warden.ReferralQuality, Reason: "Rated 1.75.", LegalBasis: basis})
		if err != nil || f.Ground != warden.ReferralQuality || len(f.Designations) != 0 {
			t.Errorf("a low rating referred without designations: %+v %v", f, err)
		}
		if ds, _ := db.Designations(ctx, ""); len(ds) != 2 {
			t.Errorf("%d designations, want 2", len(ds))
		}
		if _, err := w.s.Refer(officer, q.ID, cooperation.ReferInput{Ground: warden.ReferralQuality, Reason: "Again.", LegalBasis: basis}); warden.ErrorCode(err) != warden.EINVALID ||
			!strings.HasPrefix(warden.ErrorMessage(err), "ground: ") {
			t.Errorf("referring a request twice for its rating: %v", err)
		}
	})
}
