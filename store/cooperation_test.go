package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"warden"
	"warden/store"
	"warden/store/storetest"
)

// request is a routine outgoing draft to org cn created at t.
func request(t time.Time, ref string) *warden.Request {
	return &warden.Request{Reference: ref, Kind: warden.KindNew, Type: warden.RequestDisclosure, Status: warden.RequestDraft, Direction: warden.Outgoing,
		Counterpart: "cn", Requesting: warden.Authority{Org: warden.HomeOrg, Name: "Home CERT", TimeZone: "America/New_York", Country: "US"},
		Requested:  warden.Authority{Org: "cn", Name: "CN CERT", TimeZone: "Asia/Shanghai", Country: "CN"},
		LegalBasis: "Budapest Convention art. 29", Facts: "Ransomware <Cold&Steel> 100%_done", Offence: "extortion", Sought: "subscriber data",
		Priority: warden.PriorityRoutine, Links: []warden.RequestLink{{Object: "entity:ofac:1", Shared: true}}, CreatedBy: "ana", CreatedAt: t, UpdatedAt: t}
}

// audits counts the audit events of an object.
func audits(t *testing.T, db *store.DB, object string) int {
	t.Helper()
	n := 0
	if err := db.AuditEvents(context.Background(), warden.AuditFilter{Object: object}, func(warden.AuditEvent) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

func events(t *testing.T, db *store.DB, typ string) []warden.DomainEvent {
	t.Helper()
	evs, err := db.Events(context.Background(), typ, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// TestRequestRows: a request's columns and form round-trip; an update is
// conditional on the status and the version read (ECONFLICT, nothing
// stored, otherwise); a new answer deadline clears the answer marks; the
// list filters, searches (with LIKE's own characters taken literally) and
// pages newest first.
func TestRequestRows(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		t0 := time.Date(2026, 2, 10, 9, 30, 0, 0, time.UTC)
		r := request(t0, "")
		if err := db.CreateRequest(ctx, r, warden.NewAuditEvent(ctx, "request.create", "", "", nil)); err != nil {
			t.Fatal(err)
		}
		if r.ID != 1 || r.Reference != "R-2026-0001" {
			t.Fatalf("created %d %q", r.ID, r.Reference)
		}
		if err := db.CreateRequest(ctx, request(t0, "R-2026-0001"), nil); warden.ErrorCode(err) != warden.ECONFLICT {
			t.Errorf("taken reference: %v", err)
		}
		var detail map[string]any
		db.AuditEvents(ctx, warden.AuditFilter{Object: "request:1"}, func(e warden.AuditEvent) error { return json.Unmarshal(e.Detail, &detail) })
		if detail["reference"] != "R-2026-0001" {
			t.Errorf("the audit event of the creation says reference %v", detail["reference"])
		}
		got, err := db.Request(ctx, 1)
		if err != nil || !reflect.DeepEqual(&got, r) {
			t.Fatalf("read back:\n%+v\nwant\n%+v\n%v", got, *r, err)
		}

		// Send: the clock and deadlines go to the columns.
		sent := got
		t1 := t0.Add(time.Hour)
		ackDue, answerDue := t1.Add(72*time.Hour), t1.Add(30*24*time.Hour)
		secs := int64(3600)
		sent.Status, sent.SentAt, sent.AckDue, sent.AnswerDue, sent.AnswerDueOriginal, sent.AckBusinessSecs = warden.RequestSent, &t1, &ackDue, &answerDue, &answerDue, &secs
		payload, _ := json.Marshal(warden.RequestEvent{Reference: sent.Reference, Status: warden.RequestSent})
		if err := db.UpdateRequest(ctx, &sent, warden.RequestDraft, t1, warden.NewAuditEvent(ctx, "request.send", "request:1", "", nil),
			warden.DomainEvent{Type: warden.EventRequestSent, Object: "request:1", Payload: payload}); err != nil {
			t.Fatal(err)
		}
		if got, _ = db.Request(ctx, 1); !reflect.DeepEqual(got, sent) || !got.UpdatedAt.Equal(t1) {
			t.Errorf("sent:\n%+v\nwant\n%+v", got, sent)
		}
		// Stale: the status or the version read.
		stale := got
		stale.Status = warden.RequestAcknowledged
		if err := db.UpdateRequest(ctx, &stale, warden.RequestDraft, t1, warden.NewAuditEvent(ctx, "request.x", "request:1", "", nil)); warden.ErrorCode(err) != warden.ECONFLICT {
			t.Errorf("stale status: %v", err)
		}
		stale.UpdatedAt = t0
		if err := db.UpdateRequest(ctx, &stale, warden.RequestSent, t1, warden.NewAuditEvent(ctx, "request.x", "request:1", "", nil)); warden.ErrorCode(err) != warden.ECONFLICT || !stale.UpdatedAt.Equal(t0) {
			t.Errorf("stale version: %v (updated_at %v)", err, stale.UpdatedAt)
		}
		if got, _ := db.Request(ctx, 1); got.Status != warden.RequestSent || audits(t, db, "request:1") != 2 || len(events(t, db, "")) != 1 {
			t.Errorf("after refused updates: %s, %d audit events, %d events", got.Status, audits(t, db, "request:1"), len(events(t, db, "")))
		}

		// The sweep's marks: once each; a moved deadline is watched again.
		missed := warden.DomainEvent{Type: warden.EventRequestDeadlineMissed, Object: "request:1"}
		for i, want := range []bool{true, false} {
			ok, err := db.MarkDeadline(ctx, 1, store.AnswerMissed, answerDue, missed, warden.NewAuditEvent(ctx, "request.deadline_missed", "request:1", "", nil))
			if err != nil || ok != want {
				t.Errorf("mark %d: %v %v, want %v", i, ok, err, want)
			}
		}
		if ok, _ := db.MarkDeadline(ctx, 1, store.AckWarned, t1, missed, nil); ok {
			t.Errorf("marked a deadline that is not the request's")
		}
		ws, err := db.Watched(ctx)
		if err != nil || len(ws) != 1 || !ws[0].AnswerWarned || !ws[0].AnswerMissed || ws[0].AckWarned || !ws[0].Request.AckDue.Equal(ackDue) {
			t.Fatalf("watched: %+v %v", ws, err)
		}
		later := answerDue.Add(7 * 24 * time.Hour)
		got.AnswerDue = &later
		if err := db.UpdateRequest(ctx, &got, warden.RequestSent, t1.Add(time.Hour), nil); err != nil {
			t.Fatal(err)
		}
		if ws, _ = db.Watched(ctx); len(ws) != 1 || ws[0].AnswerWarned || ws[0].AnswerMissed || !ws[0].Request.AnswerDueOriginal.Equal(answerDue) {
			t.Errorf("after the deadline moved: %+v", ws)
		}
		if n := len(events(t, db, warden.EventRequestDeadlineMissed)); n != 1 || audits(t, db, "request:1") != 3 {
			t.Errorf("%d missed events, %d audit events", n, audits(t, db, "request:1"))
		}

		// More requests to list.
		for i, c := range []struct {
			cp  string
			dir warden.Direction
			p   warden.Priority
		}{{"cn", warden.Incoming, warden.PriorityUrgent}, {"us", warden.Outgoing, warden.PriorityRoutine}, {"cn", warden.Outgoing, warden.PriorityEmergency}} {
			x := request(t0, fmt.Sprintf("X-%d", i))
			x.Counterpart, x.Direction, x.Priority, x.Facts = c.cp, c.dir, c.p, "plain"
			if err := db.CreateRequest(ctx, x, nil); err != nil {
				t.Fatal(err)
			}
		}
		for _, tc := range []struct {
			f    store.RequestFilter
			want string
		}{
			{store.RequestFilter{}, "4 3 2 1"},
			{store.RequestFilter{Counterpart: "cn"}, "4 2 1"},
			{store.RequestFilter{Direction: warden.Incoming}, "2"},
			{store.RequestFilter{Priority: warden.PriorityRoutine}, "3 1"},
			{store.RequestFilter{Status: warden.RequestSent}, "1"},
			{store.RequestFilter{OverdueAt: later.Add(time.Second)}, "1"},
			{store.RequestFilter{OverdueAt: later}, ""},
			{store.RequestFilter{Query: "cold&STEEL"}, "1"},
			{store.RequestFilter{Query: "100%_"}, "1"},
			{store.RequestFilter{Query: "0%d"}, ""},
			{store.RequestFilter{Query: "x-1"}, "3"},
			{store.RequestFilter{Counterpart: "cn", HideUnsent: warden.Outgoing}, "2 1"},
			{store.RequestFilter{Limit: 2}, "4 3"},
			{store.RequestFilter{After: 3, Limit: 2}, "2 1"},
		} {
			rs, err := db.Requests(ctx, tc.f)
			var ids []string
			for _, r := range rs {
				ids = append(ids, fmt.Sprint(r.ID))
			}
			if err != nil || strings.Join(ids, " ") != tc.want {
				t.Errorf("%+v: %v %v, want %s", tc.f, ids, err, tc.want)
			}
		}
	})
}

// TestRequestReferences: a reference is unique among the requests of one
// counterpart in one direction, not across them; a reference drawn for a
// request without one counts that scope's requests of the year and skips
// the references taken in it, whoever took them.
func TestRequestReferences(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		t0 := time.Date(2026, 2, 10, 9, 30, 0, 0, time.UTC)
		create := func(cp string, dir warden.Direction, ref string, at time.Time) (string, error) {
			r := request(at, ref)
			r.Counterpart, r.Direction = cp, dir
			err := db.CreateRequest(ctx, r, nil)
			return r.Reference, err
		}
		for _, c := range []struct {
			cp   string
			dir  warden.Direction
			ref  string
			at   time.Time
			want string
			code string
		}{
			{"cn", warden.Incoming, "R-2026-0001", t0, "R-2026-0001", ""}, // cn takes the authority's next reference, in its own scope
			{"cn", warden.Incoming, "R-2026-0003", t0, "R-2026-0003", ""},
			{"cn", warden.Outgoing, "", t0, "R-2026-0001", ""},
			{"cn", warden.Outgoing, "", t0, "R-2026-0002", ""},
			{"us", warden.Outgoing, "", t0, "R-2026-0001", ""},
			{"us", warden.Incoming, "R-2026-0001", t0, "R-2026-0001", ""},
			{"cn", warden.Incoming, "", t0, "R-2026-0004", ""}, // 3 taken: the third of the year would be 0003
			{"cn", warden.Incoming, "", t0, "R-2026-0005", ""},
			{"cn", warden.Incoming, "R-2026-0003", t0, "", warden.ECONFLICT},
			{"us", warden.Incoming, "R-2026-0001", t0, "", warden.ECONFLICT},
			{"cn", warden.Outgoing, "", t0.AddDate(1, 0, 0), "R-2027-0001", ""},
		} {
			got, err := create(c.cp, c.dir, c.ref, c.at)
			if warden.ErrorCode(err) != c.code || c.code == "" && got != c.want {
				t.Errorf("%s %s %q: %q %v, want %q %s", c.dir, c.cp, c.ref, got, err, c.want, c.code)
			}
		}
		r := request(t0, "")
		r.Direction = warden.Incoming
		if err := db.CreateRequest(ctx, r, nil); err != nil || r.Reference != "R-2026-0006" {
			t.Fatalf("drawn: %q %v", r.Reference, err)
		}
		r.Reference = "R-2026-0005"
		if err := db.UpdateRequest(ctx, r, r.Status, t0, nil); warden.ErrorCode(err) != warden.ECONFLICT {
			t.Errorf("an update to a reference taken in its scope: %v", err)
		}
		r.Reference, r.Counterpart = "R-2026-0005", "us"
		if err := db.UpdateRequest(ctx, r, r.Status, t0, nil); err != nil {
			t.Errorf("an update to a reference free in its scope: %v", err)
		}
	})
}

// TestRequestThread: messages keep their attachments' bytes; an answer
// that changes a request moved meanwhile stores nothing; extensions and
// reviews are decided once, a request referred once per ground; the
// timeline is the request's events in order.
func TestRequestThread(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		t0 := time.Date(2026, 11, 20, 14, 0, 0, 0, time.UTC)
		r := request(t0, "T-1")
		r.Status, r.SentAt = warden.RequestSent, &t0
		if err := db.CreateRequest(ctx, r, nil); err != nil {
			t.Fatal(err)
		}
		ev := func(typ string) warden.DomainEvent { return warden.DomainEvent{Type: typ, Object: "request:1"} }
		m := warden.RequestMessage{Request: 1, Kind: warden.MessageQuestion, Body: "which account?", Author: "li", Org: "cn", CreatedAt: t0,
			Attachments: []warden.Attachment{{Name: "a.txt", MediaType: "text/plain; charset=utf-8", Size: 3, SHA256: "x", AddedBy: "li", AddedAt: t0}, {Name: "b.json", MediaType: "application/json", Size: 2, SHA256: "y", AddedBy: "li", AddedAt: t0}}}
		if err := db.AddRequestMessage(ctx, &m, [][]byte{[]byte("abc"), []byte("{}")}, nil, "", nil, ev(warden.EventRequestMessage)); err != nil {
			t.Fatal(err)
		}
		if m.ID != 1 || m.Attachments[1].ID != 2 || m.Attachments[1].Message != 1 {
			t.Fatalf("message %+v", m)
		}
		// An answer from a status the request is no longer in.
		answered := *r
		answered.Status = warden.RequestAnswered
		a := warden.RequestMessage{Request: 1, Kind: warden.MessageAnswer, Answer: warden.AnswerFull, Body: "here", Author: "li", Org: "cn", CreatedAt: t0.Add(time.Hour),
			Attachments: []warden.Attachment{{Name: "c.txt", Size: 1}}}
		if err := db.AddRequestMessage(ctx, &a, [][]byte{[]byte("c")}, &answered, warden.RequestAcknowledged, nil, ev(warden.EventRequestAnswered)); warden.ErrorCode(err) != warden.ECONFLICT {
			t.Errorf("stale answer: %v", err)
		}
		if err := db.AddRequestMessage(ctx, &a, [][]byte{[]byte("c")}, &answered, warden.RequestSent, nil, ev(warden.EventRequestAnswered)); err != nil {
			t.Fatal(err)
		}
		ms, err := db.RequestMessages(ctx, 1)
		if err != nil || len(ms) != 2 || len(ms[0].Attachments) != 2 || len(ms[1].Attachments) != 1 || ms[1].Attachments[0].ID != 3 || ms[1].Answer != warden.AnswerFull {
			t.Fatalf("thread: %+v %v", ms, err)
		}
		if _, data, err := db.RequestAttachment(ctx, 1, 2); err != nil || string(data) != "{}" {
			t.Errorf("attachment 2: %q %v", data, err)
		}
		if _, _, err := db.RequestAttachment(ctx, 2, 2); warden.ErrorCode(err) != warden.ENOTFOUND {
			t.Errorf("attachment through another request: %v", err)
		}
		if got, _ := db.Request(ctx, 1); got.Status != warden.RequestAnswered || !got.UpdatedAt.Equal(a.CreatedAt) {
			t.Errorf("after the answer: %s at %v", got.Status, got.UpdatedAt)
		}

		// Extensions: asked while the request is as read; decided once.
		x := warden.Extension{Request: 1, Until: t0.Add(40 * 24 * time.Hour), Reason: "volume", Status: warden.ExtensionAsked, AskedBy: "li", AskedAt: t0}
		if err := db.AddExtension(ctx, &x, warden.RequestSent, nil); warden.ErrorCode(err) != warden.ECONFLICT {
			t.Errorf("extension on a moved request: %v", err)
		}
		if err := db.AddExtension(ctx, &x, warden.RequestAnswered, nil, ev(warden.EventRequestExtensionAsked)); err != nil || x.ID != 1 {
			t.Fatal(x.ID, err)
		}
		dec := t0.Add(2 * time.Hour)
		x.Status, x.DecidedBy, x.DecidedAt = warden.ExtensionRefused, "ana", &dec
		for i, want := range []string{"", warden.ECONFLICT} {
			if err := db.DecideExtension(ctx, &x, nil, warden.RequestAnswered, nil, ev(warden.EventRequestExtensionDecided)); warden.ErrorCode(err) != want {
				t.Errorf("decision %d: %v", i, err)
			}
		}
		if xs, err := db.RequestExtensions(ctx, 1); err != nil || len(xs) != 1 || xs[0].Status != warden.ExtensionRefused || !xs[0].DecidedAt.Equal(dec) {
			t.Errorf("extensions: %+v %v", xs, err)
		}

		// Reviews: one per answer; a response once.
		cur, _ := db.Request(ctx, 1)
		reviewed := cur
		reviewed.Status = warden.RequestReviewed
		v := warden.Review{Request: 1, Message: a.ID, Rubric: warden.Rubric{Completeness: 2, Accuracy: 3, Actionability: 1, Updates: 2}, Use: warden.UseNone, By: "ana", At: dec}
		if err := db.AddReview(ctx, &v, &reviewed, warden.RequestAnswered, nil, ev(warden.EventRequestReviewed)); err != nil {
			t.Fatal(err)
		}
		again := v
		r2 := reviewed
		if err := db.AddReview(ctx, &again, &r2, warden.RequestReviewed, nil); warden.ErrorCode(err) != warden.ECONFLICT {
			t.Errorf("second review of one answer: %v", err)
		}
		v.Response, v.RespondedBy, v.RespondedAt = "we disagree", "li", &dec
		for i, want := range []string{"", warden.ECONFLICT} {
			if err := db.RespondReview(ctx, &v, nil, ev(warden.EventRequestReviewResponded)); warden.ErrorCode(err) != want {
				t.Errorf("response %d: %v", i, err)
			}
		}
		if vs, err := db.RequestReviews(ctx, 1); err != nil || len(vs) != 1 || vs[0].Rubric.Mean() != 2 || vs[0].Response != "we disagree" {
			t.Errorf("reviews: %+v %v", vs, err)
		}

		f := warden.Referral{Request: 1, Ground: warden.ReferralQuality, Reason: "useless", Designations: []int64{4, 5}, By: "sofia", At: dec}
		if err := db.AddReferral(ctx, &f, warden.RequestReviewed, nil, ev(warden.EventRequestReferred)); err != nil {
			t.Fatal(err)
		}
		again2 := warden.Referral{Request: 1, Ground: warden.ReferralQuality, Reason: "still useless", By: "sofia", At: dec}
		if err := db.AddReferral(ctx, &again2, warden.RequestReviewed, nil, ev(warden.EventRequestReferred)); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("a second referral on one ground: %v", err)
		}
		if fs, err := db.RequestReferrals(ctx, 1); err != nil || len(fs) != 1 || fmt.Sprint(fs[0].Designations) != "[4 5]" {
			t.Errorf("referrals: %+v %v", fs, err)
		}

		tl, err := db.RequestEvents(ctx, 1)
		var types []string
		for _, e := range tl {
			types = append(types, e.Type)
		}
		if err != nil || strings.Join(types, " ") != "request.message request.answered request.extension_asked request.extension_decided request.reviewed request.review_responded request.referred" {
			t.Errorf("timeline: %v %v", types, err)
		}
	})
}

// TestCooperationSettings: closures, dialogues and settings.
func TestCooperationSettings(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		t0 := time.Date(2026, 1, 2, 9, 0, 0, 0, time.UTC)
		at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
		for i, c := range []warden.Closure{{Org: "cn", Date: "2026-03-02", Reason: "move"}, {Org: "cn", Date: "2026-01-05"}, {Org: "us", Date: "2026-01-05"}} {
			c.AddedAt = at(i)
			if err := db.AddClosure(ctx, c, 3, nil); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.AddClosure(ctx, warden.Closure{Org: "cn", Date: "2026-01-05", AddedAt: at(3)}, 3, nil); warden.ErrorCode(err) != warden.ECONFLICT {
			t.Errorf("closure twice: %v", err)
		}
		if err := db.AddClosure(ctx, warden.Closure{Org: "cn", Date: "2026-01-06", AddedAt: at(3)}, 2, nil); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("a third closure of 2026 with two a year: %v", err)
		}
		if err := db.AddClosure(ctx, warden.Closure{Org: "cn", Date: "2027-01-06", AddedAt: at(3)}, 2, nil); err != nil {
			t.Errorf("a closure of 2027 with two a year: %v", err)
		}
		days := func(cs []warden.Closure, err error) string {
			var out []string
			for _, c := range cs {
				out = append(out, c.Date+" "+c.Reason+" "+c.AddedAt.Format("15"))
			}
			return fmt.Sprint(out, err)
		}
		if got := days(db.Closures(ctx, "cn")); got != "[2026-01-05  10 2026-03-02 move 09 2027-01-06  12] <nil>" {
			t.Errorf("closures: %s", got)
		}
		if err := db.RemoveClosure(ctx, "cn", "2026-01-05", at(4), nil); err != nil {
			t.Fatal(err)
		}
		if err := db.RemoveClosure(ctx, "cn", "2026-01-05", at(4), nil); warden.ErrorCode(err) != warden.ENOTFOUND {
			t.Errorf("removed twice: %v", err)
		}
		if err := db.AddClosure(ctx, warden.Closure{Org: "cn", Date: "2026-01-05", Reason: "again", AddedAt: at(5)}, 3, nil); err != nil {
			t.Errorf("closed again: %v", err)
		}
		// In force at each time: added by then and not removed by then.
		for h, want := range map[int]string{
			0: "[2026-03-02 move 09] <nil>", 1: "[2026-01-05  10 2026-03-02 move 09] <nil>", 3: "[2026-01-05  10 2026-03-02 move 09 2027-01-06  12] <nil>",
			4: "[2026-03-02 move 09 2027-01-06  12] <nil>", 5: "[2026-01-05 again 14 2026-03-02 move 09 2027-01-06  12] <nil>",
		} {
			if got := days(db.ClosuresAt(ctx, "cn", at(h))); got != want {
				t.Errorf("in force at %v: %s, want %s", at(h), got, want)
			}
		}
		for _, on := range []string{"2026-05-01", "2025-11-01"} {
			d := warden.Dialogue{Org: "cn", HeldOn: on, AddedBy: "lee", AddedAt: time.Date(2026, 5, 2, 0, 0, 0, 0, time.UTC)}
			if err := db.AddDialogue(ctx, &d, nil); err != nil {
				t.Fatal(err)
			}
		}
		if ds, err := db.Dialogues(ctx, "cn"); err != nil || len(ds) != 2 || ds[0].HeldOn != "2025-11-01" || ds[0].ID != 2 {
			t.Errorf("dialogues: %+v %v", ds, err)
		}
		var th warden.ReferralThresholds
		if ok, err := db.CooperationSetting(ctx, "thresholds", &th); ok || err != nil {
			t.Errorf("unset setting: %v %v", ok, err)
		}
		for _, v := range []warden.ReferralThresholds{{OverdueDays: 10, MinQuality: 2.5}, {OverdueDays: 20, MinQuality: 3}} {
			if err := db.SetCooperationSetting(ctx, "thresholds", v, nil); err != nil {
				t.Fatal(err)
			}
		}
		if ok, err := db.CooperationSetting(ctx, "thresholds", &th); !ok || err != nil || th.OverdueDays != 20 || th.MinQuality != 3 {
			t.Errorf("setting: %+v %v %v", th, ok, err)
		}
	})
}
