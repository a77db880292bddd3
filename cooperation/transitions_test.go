package cooperation_test

import (
	"context"
	"fmt"
	"reflect"
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

// snapshot is everything a step on request id could change: the row, and
// how many events, audit events (the chain's head), messages, extensions
// and reviews there are.
type snapshot struct {
	r                                             warden.Request
	events, audits, messages, extensions, reviews int
}

func snap(t *testing.T, db *store.DB, id int64) snapshot {
	t.Helper()
	ctx := context.Background()
	var s snapshot
	var err error
	if id != 0 {
		if s.r, err = db.Request(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	evs, err := db.Events(ctx, "", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	seq, _, err := db.AuditHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s.events, s.audits = len(evs), int(seq)
	ms, _ := db.RequestMessages(ctx, id)
	xs, _ := db.RequestExtensions(ctx, id)
	vs, _ := db.RequestReviews(ctx, id)
	s.messages, s.extensions, s.reviews = len(ms), len(xs), len(vs)
	return s
}

// unchanged fails t if request id or the counts moved since before.
func unchanged(t *testing.T, db *store.DB, id int64, before snapshot, what string) {
	t.Helper()
	if after := snap(t, db, id); !reflect.DeepEqual(after, before) {
		t.Errorf("%s changed something:\nbefore %+v\nafter  %+v", what, before, after)
	}
}

// states drives one emergency request of cn's to home into each status
// (answered twice: in part and in full), all at start, then lapses one a
// day later; it returns the request of each state and the answer message
// of each answered one. An incoming request, so that both sides see its
// draft.
func states(t *testing.T, w *world, start time.Time) (map[string]int64, map[string]int64) {
	t.Helper()
	w.at(start)
	ids, answers := map[string]int64{}, map[string]int64{}
	steps := map[string][]string{
		"draft": {}, "sent": {"send"}, "acknowledged": {"send", "ack"}, "in_progress": {"send", "start"},
		"answered_partial": {"send", "partial"}, "answered_full": {"send", "full"}, "reviewed": {"send", "full", "review"},
		"closed": {"send", "full", "close"}, "refused": {"send", "refuse"}, "withdrawn": {"send", "withdraw"}, "lapsed": {"send"},
	}
	for _, name := range []string{"draft", "sent", "acknowledged", "in_progress", "answered_partial", "answered_full", "reviewed", "closed", "refused", "withdrawn", "lapsed"} {
		in := form("cn", true)
		in.Priority, in.Urgency = warden.PriorityEmergency, "Ongoing attack."
		r, err := w.s.Create(cnUser, in)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range steps[name] {
			switch st {
			case "send":
				_, err = w.s.Send(cnUser, r.ID)
			case "ack":
				_, err = w.s.Acknowledge(liaison, r.ID, "")
			case "start":
				_, err = w.s.Start(liaison, r.ID, "")
			case "partial", "full":
				var m warden.RequestMessage
				_, m, err = w.s.Answer(liaison, r.ID, warden.AnswerCompleteness(st), "Here.", nil)
				answers[name] = m.ID
			case "review":
				_, err = w.s.Review(cnUser, r.ID, cooperation.ReviewInput{Message: answers[name], Rubric: warden.Rubric{Completeness: 3, Accuracy: 3, Actionability: 3, Updates: 3}, Use: warden.UseNone})
			case "close":
				_, err = w.s.Close(cnUser, r.ID, "")
			case "refuse":
				_, err = w.s.Refuse(liaison, r.ID, warden.RefusalNoData, "")
			case "withdraw":
				_, err = w.s.Withdraw(cnUser, r.ID, "")
			}
			if err != nil {
				t.Fatalf("%s: %s: %v", name, st, err)
			}
		}
		ids[name] = r.ID
	}
	w.at(start.Add(30 * time.Hour))
	if _, err := w.s.Lapse(cnUser, ids["lapsed"], "No answer."); err != nil {
		t.Fatal(err)
	}
	return ids, answers
}

// TestOutOfOrder: every step taken from a status it is not allowed from
// is refused with EINVALID naming status, and changes nothing: not the
// row, nor the events, the audit log, the thread, the extensions or the
// reviews. A lapse before the answer deadline is refused the same way.
func TestOutOfOrder(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		start := utc(t, "2026-06-01T12:00:00Z")
		w := newWorld(t, db, start)
		ids, answers := states(t, w, start)
		if r, _ := db.Request(context.Background(), ids["answered_partial"]); r.Status != warden.RequestAnswered || r.Answer != warden.AnswerPartial {
			t.Fatalf("answered_partial is %s %s", r.Status, r.Answer)
		}
		until := start.Add(40 * 24 * time.Hour)
		actions := []struct {
			name    string
			allowed []string
			do      func(id, answer int64) error
		}{
			{"update", []string{"draft"}, func(id, _ int64) error { _, err := w.s.Update(cnUser, id, form("cn", true)); return err }},
			{"send", []string{"draft"}, func(id, _ int64) error { _, err := w.s.Send(cnUser, id); return err }},
			{"acknowledge", []string{"sent"}, func(id, _ int64) error { _, err := w.s.Acknowledge(liaison, id, "ok"); return err }},
			{"start", []string{"sent", "acknowledged"}, func(id, _ int64) error { _, err := w.s.Start(liaison, id, "ok"); return err }},
			{"answer", []string{"sent", "acknowledged", "in_progress", "answered_partial"}, func(id, _ int64) error {
				_, _, err := w.s.Answer(liaison, id, warden.AnswerFull, "All.", []cooperation.File{{Name: "a.txt", Data: []byte("a")}})
				return err
			}},
			{"refuse", []string{"sent", "acknowledged", "in_progress"}, func(id, _ int64) error { _, err := w.s.Refuse(liaison, id, warden.RefusalNoData, ""); return err }},
			{"withdraw", []string{"draft", "sent", "acknowledged", "in_progress", "answered_partial"}, func(id, _ int64) error { _, err := w.s.Withdraw(cnUser, id, "no longer needed"); return err }},
			{"lapse", []string{"sent", "acknowledged", "in_progress"}, func(id, _ int64) error { _, err := w.s.Lapse(cnUser, id, "late"); return err }},
			{"close", []string{"answered_partial", "answered_full", "reviewed"}, func(id, _ int64) error { _, err := w.s.Close(cnUser, id, "done"); return err }},
			{"message", []string{"sent", "acknowledged", "in_progress", "answered_partial", "answered_full", "reviewed", "closed", "refused", "withdrawn", "lapsed"},
				func(id, _ int64) error {
					_, err := w.s.Message(liaison, id, warden.MessageQuestion, "?", nil)
					return err
				}},
			{"ask extension", []string{"sent", "acknowledged", "in_progress", "answered_partial"}, func(id, _ int64) error {
				_, err := w.s.AskExtension(liaison, id, until, "more time")
				return err
			}},
			{"decide extension", []string{"sent", "acknowledged", "in_progress", "answered_partial"}, func(id, _ int64) error {
				_, err := w.s.DecideExtension(cnUser, id, 1, true, "")
				return err
			}},
			{"review", []string{"answered_partial", "answered_full", "reviewed"}, func(id, answer int64) error {
				_, err := w.s.Review(cnUser, id, cooperation.ReviewInput{Message: max(answer, 1), Rubric: warden.Rubric{Completeness: 5, Accuracy: 5, Actionability: 5, Updates: 5}, Use: warden.UseArrest})
				return err
			}},
		}
		refused := 0
		for state, id := range ids {
			before := snap(t, db, id)
			for _, a := range actions {
				if slices.Contains(a.allowed, state) {
					continue
				}
				err := a.do(id, answers[state])
				if warden.ErrorCode(err) != warden.EINVALID || !strings.HasPrefix(warden.ErrorMessage(err), "status: ") {
					t.Errorf("%s a %s request: %v, want invalid naming status", a.name, state, err)
				}
				refused++
			}
			unchanged(t, db, id, before, "the steps refused on a "+state+" request")
		}
		if refused != 99 {
			t.Errorf("%d refusals tried, want 99", refused)
		}

		// A lapse before the answer deadline.
		in := form("cn", false)
		r, err := w.s.Create(liaison, in)
		if err == nil {
			r, err = w.s.Send(liaison, r.ID)
		}
		if err != nil {
			t.Fatal(err)
		}
		before := snap(t, db, r.ID)
		if _, err := w.s.Lapse(liaison, r.ID, "impatient"); warden.ErrorCode(err) != warden.EINVALID || !strings.Contains(warden.ErrorMessage(err), "has not passed") {
			t.Errorf("lapse before the deadline: %v", err)
		}
		unchanged(t, db, r.ID, before, "an early lapse")
		// A decided extension is not decided again.
		x, err := w.s.AskExtension(cnUser, r.ID, r.AnswerDue.Add(24*time.Hour), "holidays")
		if err == nil {
			_, err = w.s.DecideExtension(liaison, r.ID, x.ID, false, "no")
		}
		if err != nil {
			t.Fatal(err)
		}
		before = snap(t, db, r.ID)
		if _, err := w.s.DecideExtension(liaison, r.ID, x.ID, true, "yes after all"); warden.ErrorCode(err) != warden.EINVALID || !strings.HasPrefix(warden.ErrorMessage(err), "status: extension") {
			t.Errorf("deciding twice: %v", err)
		}
		unchanged(t, db, r.ID, before, "a second decision")
	})
}

// linked imports parties 7 and 8 of list ofac, which the form links.
func linked(t *testing.T, db *store.DB) {
	t.Helper()
	im, err := db.BeginImport(context.Background(), "ofac", "test", false)
	if err != nil {
		t.Fatal(err)
	}
	for id, name := range map[string]string{"7": "Ivan Coldsteel", "8": "Pyotr Coldsteel"} {
		if err := im.Put(&warden.Entity{SourceID: id, Schema: warden.SchemaPerson, Names: []warden.Name{{Full: name, Kind: warden.NamePrimary}}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := im.Commit(warden.SourceMeta{Published: "2026-01-01"}); err != nil {
		t.Fatal(err)
	}
}

// TestSides: a counterpart reaches nothing of a request that is not its
// organisation's, nor the authority's drafts (withdrawn or not): every
// method answers not found. On its own requests each side takes only its
// own steps (the wrong side is forbidden, naming the side). A
// counterpart sees only the shared links and, through Linked, only the
// listed parties they name, never the authority's records (a shared
// designation); it links nothing itself, and no one links an object
// Warden does not hold.
func TestSides(t *testing.T) {
	db := storetest.OpenSQLite(t)
	start := utc(t, "2026-06-01T12:00:00Z")
	w := newWorld(t, db, start)
	out, err := w.s.Create(liaison, form("cn", false))
	if err != nil {
		t.Fatal(err)
	}
	draft, err := w.s.Create(liaison, form("cn", false))
	if err != nil {
		t.Fatal(err)
	}
	inc, err := w.s.Create(cnUser, form("cn", true))
	if err != nil {
		t.Fatal(err)
	}
	if inc.Direction != warden.Incoming || inc.Counterpart != "cn" || inc.Requested.Org != warden.HomeOrg || inc.Requesting.Org != "cn" {
		t.Fatalf("incoming: %+v", inc)
	}
	if _, err := w.s.Send(liaison, out.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.Send(cnUser, inc.ID); err != nil {
		t.Fatal(err)
	}
	_, m, err := w.s.Answer(cnUser, out.ID, warden.AnswerFull, "Done.", []cooperation.File{{Name: "a.txt", Data: []byte("a")}})
	if err != nil {
		t.Fatal(err)
	}
	v, err := w.s.Review(analyst, out.ID, cooperation.ReviewInput{Message: m.ID, Rubric: warden.Rubric{Completeness: 2, Accuracy: 2, Actionability: 2, Updates: 2}, Use: warden.UseNone})
	if err != nil {
		t.Fatal(err)
	}
	aid := m.Attachments[0].ID

	methods := map[string]func(ctx context.Context, id int64) error{
		"Get": func(ctx context.Context, id int64) error { _, err := w.s.Get(ctx, id); return err },
		"Update": func(ctx context.Context, id int64) error {
			_, err := w.s.Update(ctx, id, form("cn", false))
			return err
		},
		"Send":        func(ctx context.Context, id int64) error { _, err := w.s.Send(ctx, id); return err },
		"Acknowledge": func(ctx context.Context, id int64) error { _, err := w.s.Acknowledge(ctx, id, ""); return err },
		"Start":       func(ctx context.Context, id int64) error { _, err := w.s.Start(ctx, id, ""); return err },
		"Answer": func(ctx context.Context, id int64) error {
			_, _, err := w.s.Answer(ctx, id, warden.AnswerFull, "x", nil)
			return err
		},
		"Refuse": func(ctx context.Context, id int64) error {
			_, err := w.s.Refuse(ctx, id, warden.RefusalNoData, "")
			return err
		},
		"Withdraw": func(ctx context.Context, id int64) error { _, err := w.s.Withdraw(ctx, id, ""); return err },
		"Lapse":    func(ctx context.Context, id int64) error { _, err := w.s.Lapse(ctx, id, ""); return err },
		"Close":    func(ctx context.Context, id int64) error { _, err := w.s.Close(ctx, id, ""); return err },
		"Message": func(ctx context.Context, id int64) error {
			_, err := w.s.Message(ctx, id, warden.MessageNote, "x", nil)
			return err
		},
		"Messages":   func(ctx context.Context, id int64) error { _, err := w.s.Messages(ctx, id); return err },
		"Attachment": func(ctx context.Context, id int64) error { _, _, err := w.s.Attachment(ctx, id, aid); return err },
		"AskExtension": func(ctx context.Context, id int64) error {
			_, err := w.s.AskExtension(ctx, id, start.AddDate(1, 0, 0), "x")
			return err
		},
		"DecideExtension": func(ctx context.Context, id int64) error {
			_, err := w.s.DecideExtension(ctx, id, 1, true, "")
			return err
		},
		"Extensions": func(ctx context.Context, id int64) error { _, err := w.s.Extensions(ctx, id); return err },
		"Review": func(ctx context.Context, id int64) error {
			_, err := w.s.Review(ctx, id, cooperation.ReviewInput{Message: m.ID, Rubric: warden.Rubric{Completeness: 1, Accuracy: 1, Actionability: 1, Updates: 1}, Use: warden.UseNone})
			return err
		},
		"RespondReview": func(ctx context.Context, id int64) error { _, err := w.s.RespondReview(ctx, id, v.ID, "x"); return err },
		"Reviews":       func(ctx context.Context, id int64) error { _, err := w.s.Reviews(ctx, id); return err },
		"Referrals":     func(ctx context.Context, id int64) error { _, err := w.s.Referrals(ctx, id); return err },
		"Timeline":      func(ctx context.Context, id int64) error { _, err := w.s.Timeline(ctx, id); return err },
		"Linked":        func(ctx context.Context, id int64) error { _, err := w.s.Linked(ctx, id, "entity:ofac:7"); return err },
	}
	before := snap(t, db, 0)
	for name, call := range methods {
		for _, c := range []struct {
			who string
			ctx context.Context
			id  int64
		}{{"us on cn's request", usUser, out.ID}, {"us on cn's own request", usUser, inc.ID}, {"cn on home's draft", cnUser, draft.ID}, {"home on no request", liaison, 99}} {
			if err := call(c.ctx, c.id); warden.ErrorCode(err) != warden.ENOTFOUND {
				t.Errorf("%s: %s: %v, want not found", c.who, name, err)
			}
		}
	}
	unchanged(t, db, 0, before, "calls on requests not found")
	if _, err := w.s.Refer(usUser, out.ID, cooperation.ReferInput{}); warden.ErrorCode(err) != warden.EFORBIDDEN {
		t.Errorf("a counterpart refers: %v", err)
	}

	// The wrong side: home on the steps of the requested side of its own
	// request and cn on those of the requesting side, and the reverse on
	// cn's request.
	requested := []string{"Acknowledge", "Start", "Answer", "Refuse", "AskExtension", "RespondReview"}
	requesting := []string{"Update", "Send", "Withdraw", "Lapse", "Close", "DecideExtension", "Review"}
	for _, c := range []struct {
		ctx   context.Context
		id    int64
		names []string
		side  string
	}{
		{liaison, out.ID, requested, "the requested side"}, {cnUser, out.ID, requesting, "the requesting side"},
		{cnUser, inc.ID, requested, "the requested side"}, {liaison, inc.ID, requesting, "the requesting side"},
	} {
		before := snap(t, db, c.id)
		for _, name := range c.names {
			if err := methods[name](c.ctx, c.id); warden.ErrorCode(err) != warden.EFORBIDDEN || !strings.HasPrefix(warden.ErrorMessage(err), c.side) {
				t.Errorf("request %d: %s by the wrong side: %v, want forbidden naming %s", c.id, name, err, c.side)
			}
		}
		unchanged(t, db, c.id, before, "steps by the wrong side")
	}
	if _, err := w.s.Acknowledge(auditor, inc.ID, ""); warden.ErrorCode(err) != warden.EFORBIDDEN {
		t.Errorf("an auditor acknowledges: %v", err)
	}
	if _, err := w.s.Refer(officer, inc.ID, cooperation.ReferInput{Ground: warden.ReferralOverdue}); warden.ErrorCode(err) != warden.EFORBIDDEN {
		t.Errorf("referring the counterpart's request: %v", err)
	}

	// Lists and links.
	ids := func(ctx context.Context, f cooperation.Filter) []int64 {
		rs, err := w.s.List(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, r := range rs {
			out = append(out, r.ID)
			if ctx == cnUser && len(r.Links) != map[warden.Direction]int{warden.Outgoing: 1, warden.Incoming: 0}[r.Direction] {
				t.Errorf("cn sees links %v of request %d", r.Links, r.ID)
			}
		}
		return out
	}
	for _, c := range []struct {
		who  string
		ctx  context.Context
		f    cooperation.Filter
		want []int64
	}{
		{"home", admin, cooperation.Filter{}, []int64{3, 2, 1}},
		{"cn", cnUser, cooperation.Filter{}, []int64{3, 1}},
		{"cn naming us", cnUser, cooperation.Filter{Counterpart: "us"}, nil},
		{"us", usUser, cooperation.Filter{}, nil},
		{"home incoming", liaison, cooperation.Filter{Direction: warden.Incoming}, []int64{3}},
		{"home drafts", liaison, cooperation.Filter{Status: warden.RequestDraft}, []int64{2}},
	} {
		if got := ids(c.ctx, c.f); !slices.Equal(got, c.want) {
			t.Errorf("%s lists %v, want %v", c.who, got, c.want)
		}
	}
	// A draft withdrawn was never addressed to the counterpart.
	gone, err := w.s.Create(liaison, form("cn", false))
	if err == nil {
		gone, err = w.s.Withdraw(liaison, gone.ID, "drafted by mistake")
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.Get(cnUser, gone.ID); warden.ErrorCode(err) != warden.ENOTFOUND {
		t.Errorf("cn reads a withdrawn draft: %v", err)
	}
	if got := ids(cnUser, cooperation.Filter{}); !slices.Equal(got, []int64{3, 1}) {
		t.Errorf("cn lists %v after a draft was withdrawn", got)
	}
	if r, err := w.s.Get(cnUser, out.ID); err != nil || len(r.Links) != 1 || r.Links[0].Object != "entity:ofac:7" {
		t.Errorf("cn's view of the links: %+v %v", r.Links, err)
	}
	if r, _ := w.s.Get(liaison, out.ID); len(r.Links) != 2 {
		t.Errorf("home's view of the links: %+v", r.Links)
	}
	if stored, _ := db.Request(context.Background(), out.ID); len(stored.Links) != 2 {
		t.Errorf("the counterpart's steps lost the unshared link: %+v", stored.Links)
	}
	if v, err := w.s.Linked(cnUser, out.ID, "entity:ofac:7"); err != nil || v.(*warden.Entity).Caption() != "Ivan Coldsteel" {
		t.Errorf("cn reads the shared party: %v %v", v, err)
	}
	for _, obj := range []string{"entity:ofac:8", "entity:ofac:9", "case:3", "designation:1"} {
		if _, err := w.s.Linked(cnUser, out.ID, obj); warden.ErrorCode(err) != warden.ENOTFOUND {
			t.Errorf("cn reads %s: %v", obj, err)
		}
	}
	if v, err := w.s.Linked(liaison, out.ID, "entity:ofac:8"); err != nil || v.(*warden.Entity).Caption() != "Pyotr Coldsteel" {
		t.Errorf("home reads the party it did not share: %v %v", v, err)
	}

	// The authority's records are not the counterpart's to see, shared or
	// not: a designation shared on a request sent to cn is read by home
	// people with designations.read only.
	des := designation.New(db, auth.NewApprovals(db, w.clock))
	des.Now = w.clock
	d, err := des.Create(officer, designation.Input{Party: warden.Entity{Schema: warden.SchemaPerson, Names: []warden.Name{{Full: "Ivan Coldsteel", Kind: warden.NamePrimary}}},
		Program: "CYBER", LegalBasis: basis, Reasons: "Ransomware."}, false)
	if err != nil {
		t.Fatal(err)
	}
	in := form("cn", false)
	in.Links = []warden.RequestLink{{Object: fmt.Sprintf("designation:%d", d.ID), Shared: true}}
	shared, err := w.s.Create(liaison, in)
	if err == nil {
		shared, err = w.s.Send(liaison, shared.ID)
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.Linked(cnUser, shared.ID, in.Links[0].Object); warden.ErrorCode(err) != warden.ENOTFOUND {
		t.Errorf("cn reads a shared designation: %v", err)
	}
	if _, err := w.s.Linked(liaison, shared.ID, in.Links[0].Object); warden.ErrorCode(err) != warden.EFORBIDDEN {
		t.Errorf("a liaison reads a designation: %v, want forbidden (designations.read)", err)
	}
	if v, err := w.s.Linked(analyst, shared.ID, in.Links[0].Object); err != nil || v.(warden.Designation).ID != d.ID {
		t.Errorf("an analyst reads the designation: %v %v", v, err)
	}

	// A counterpart links nothing: not on a new request, nor on its draft;
	// and no one links what Warden does not hold.
	own := form("cn", true)
	own.Links = []warden.RequestLink{{Object: in.Links[0].Object, Shared: true}}
	if _, err := w.s.Create(cnUser, own); warden.ErrorCode(err) != warden.EINVALID || !strings.HasPrefix(warden.ErrorMessage(err), "links: ") {
		t.Errorf("cn links a designation to its request: %v", err)
	}
	cnDraft, err := w.s.Create(cnUser, form("cn", true))
	if err != nil {
		t.Fatal(err)
	}
	before = snap(t, db, cnDraft.ID)
	if _, err := w.s.Update(cnUser, cnDraft.ID, own); warden.ErrorCode(err) != warden.EINVALID || !strings.HasPrefix(warden.ErrorMessage(err), "links: ") {
		t.Errorf("cn links a designation to its draft: %v", err)
	}
	unchanged(t, db, cnDraft.ID, before, "a counterpart's links")
	for _, obj := range []string{"entity:ofac:9", "entity:eu:7", "case:3", "tx:PAY-1", "designation:99", "designation:x"} {
		bad := form("cn", false)
		bad.Links = append(bad.Links, warden.RequestLink{Object: obj})
		if _, err := w.s.Create(analyst, bad); warden.ErrorCode(err) != warden.EINVALID || !strings.HasPrefix(warden.ErrorMessage(err), "links[2].object: ") {
			t.Errorf("linking %s: %v", obj, err)
		}
		if _, err := w.s.Update(liaison, draft.ID, bad); warden.ErrorCode(err) != warden.EINVALID || !strings.HasPrefix(warden.ErrorMessage(err), "links[2].object: ") {
			t.Errorf("linking %s to a draft: %v", obj, err)
		}
	}
}

// TestEndRefusesExtensions: a request withdrawn, refused, lapsed or
// closed answers the extensions still asked of it in the same step:
// refused by the system, saying why; one decided before stays as it was.
func TestEndRefusesExtensions(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) { endRefusesExtensions(t, db) })
}

func endRefusesExtensions(t *testing.T, db *store.DB) {
	start := utc(t, "2026-06-01T12:00:00Z")
	w := newWorld(t, db, start)
	for _, c := range []struct {
		end      string
		decision string
	}{{"withdraw", "the request was withdrawn"}, {"refuse", "the request was refused"}, {"lapse", "the request lapsed"}, {"close", "the request was closed"}} {
		w.at(start)
		in := form("cn", false)
		in.Priority, in.Urgency = warden.PriorityEmergency, "Ongoing attack." // answer due in 24 hours
		r, err := w.s.Create(liaison, in)
		if err == nil {
			r, err = w.s.Send(liaison, r.ID)
		}
		if err != nil {
			t.Fatal(err)
		}
		w.at(start.Add(time.Hour))
		if c.end == "close" {
			if _, _, err := w.s.Answer(cnUser, r.ID, warden.AnswerPartial, "The first logs.", nil); err != nil {
				t.Fatal(err)
			}
		}
		decided, err := w.s.AskExtension(cnUser, r.ID, start.Add(48*time.Hour), "More logs.")
		if err == nil {
			decided, err = w.s.DecideExtension(liaison, r.ID, decided.ID, false, "No.")
		}
		if err != nil {
			t.Fatal(err)
		}
		asked, err := w.s.AskExtension(cnUser, r.ID, start.Add(72*time.Hour), "Still more logs.")
		if err != nil {
			t.Fatal(err)
		}
		at := start.Add(25 * time.Hour)
		w.at(at)
		switch c.end {
		case "withdraw":
			_, err = w.s.Withdraw(liaison, r.ID, "Solved otherwise.")
		case "refuse":
			_, err = w.s.Refuse(cnUser, r.ID, warden.RefusalNoData, "")
		case "lapse":
			_, err = w.s.Lapse(liaison, r.ID, "")
		case "close":
			_, err = w.s.Close(liaison, r.ID, "Enough.")
		}
		if err != nil {
			t.Fatalf("%s: %v", c.end, err)
		}
		xs, err := w.s.Extensions(liaison, r.ID)
		if err != nil || len(xs) != 2 {
			t.Fatalf("%s: extensions %+v %v", c.end, xs, err)
		}
		if !reflect.DeepEqual(xs[0], decided) {
			t.Errorf("%s: the extension decided before became %+v", c.end, xs[0])
		}
		want := asked
		want.Status, want.DecidedBy, want.DecidedAt, want.Decision = warden.ExtensionRefused, "system", &at, c.decision
		if !reflect.DeepEqual(xs[1], want) {
			t.Errorf("%s: the extension asked is %+v, want %+v", c.end, xs[1], want)
		}
		if _, err := w.s.DecideExtension(liaison, r.ID, asked.ID, true, "Yes after all."); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("%s: deciding it after: %v", c.end, err)
		}
	}
}

// TestNames: a counterpart never learns the names of the authority's
// people: who drafted a request, wrote a message or attached a file,
// rated an answer or responded to a rating, asked or decided an
// extension reads as the authority ("home") to it, in everything the
// service returns; its own people, and the authority's people to the
// authority, keep their names.
func TestNames(t *testing.T) {
	db := storetest.OpenSQLite(t)
	w := newWorld(t, db, utc(t, "2026-06-01T12:00:00Z"))
	out, err := w.s.Create(liaison, form("cn", false))
	if err == nil {
		out, err = w.s.Send(liaison, out.ID)
	}
	if err != nil {
		t.Fatal(err)
	}
	q, err := w.s.Message(liaison, out.ID, warden.MessageQuestion, "Which provider?", []cooperation.File{{Name: "q.txt", Data: []byte("q")}})
	if err != nil {
		t.Fatal(err)
	}
	x, err := w.s.AskExtension(cnUser, out.ID, out.AnswerDue.Add(24*time.Hour), "Holidays.")
	if err == nil {
		x, err = w.s.DecideExtension(liaison, out.ID, x.ID, true, "Agreed.")
	}
	if err != nil || x.DecidedBy != "lee" {
		t.Fatalf("decided: %+v %v", x, err)
	}
	_, m, err := w.s.Answer(cnUser, out.ID, warden.AnswerFull, "Here.", nil)
	if err != nil {
		t.Fatal(err)
	}
	v, err := w.s.Review(analyst, out.ID, cooperation.ReviewInput{Message: m.ID, Rubric: warden.Rubric{Completeness: 3, Accuracy: 3, Actionability: 3, Updates: 3}, Use: warden.UseNone})
	if err != nil || v.By != "ana" {
		t.Fatalf("review: %+v %v", v, err)
	}
	if v, err = w.s.RespondReview(cnUser, out.ID, v.ID, "We disagree."); err != nil || v.By != warden.HomeOrg || v.RespondedBy != "li" {
		t.Errorf("the response as cn has it: %+v %v", v, err)
	}
	inc, err := w.s.Create(cnUser, form("cn", true))
	if err == nil {
		inc, err = w.s.Send(cnUser, inc.ID)
	}
	if err == nil {
		_, err = w.s.Acknowledge(liaison, inc.ID, "Received.")
	}
	if err != nil {
		t.Fatal(err)
	}
	y, err := w.s.AskExtension(liaison, inc.ID, inc.AnswerDue.Add(24*time.Hour), "Holidays.")
	if err == nil {
		y, err = w.s.DecideExtension(cnUser, inc.ID, y.ID, false, "No.")
	}
	if err != nil || y.AskedBy != warden.HomeOrg || y.DecidedBy != "li" {
		t.Fatalf("the extension of cn's request as cn has it: %+v %v", y, err)
	}

	// Each reader's view: who drafted, wrote, attached, reviewed,
	// responded, asked and decided.
	names := func(ctx context.Context) string {
		t.Helper()
		var got []string
		for _, id := range []int64{out.ID, inc.ID} {
			r, err := w.s.Get(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			rs, err := w.s.List(ctx, cooperation.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range rs {
				if l.ID == id && l.CreatedBy != r.CreatedBy {
					t.Errorf("request %d: listed as drafted by %s, read as by %s", id, l.CreatedBy, r.CreatedBy)
				}
			}
			got = append(got, "drafted:"+r.CreatedBy)
			ms, err := w.s.Messages(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range ms {
				got = append(got, string(m.Kind)+":"+m.Author)
				for _, a := range m.Attachments {
					got = append(got, "attached:"+a.AddedBy)
				}
			}
			vs, err := w.s.Reviews(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range vs {
				got = append(got, "reviewed:"+v.By, "responded:"+v.RespondedBy)
			}
			xs, err := w.s.Extensions(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range xs {
				got = append(got, "asked:"+x.AskedBy, "decided:"+x.DecidedBy)
			}
		}
		a, _, err := w.s.Attachment(ctx, out.ID, q.Attachments[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(append(got, "downloaded:"+a.AddedBy), " ")
	}
	for _, c := range []struct {
		who  string
		ctx  context.Context
		want string
	}{
		{"cn", cnUser, "drafted:home question:home attached:home answer:li reviewed:home responded:li asked:li decided:home " +
			"drafted:li update:home asked:home decided:li downloaded:home"},
		{"home", auditor, "drafted:lee question:lee attached:lee answer:li reviewed:ana responded:li asked:li decided:lee " +
			"drafted:li update:lee asked:lee decided:li downloaded:lee"},
	} {
		if got := names(c.ctx); got != c.want {
			t.Errorf("%s reads\n%s\nwant\n%s", c.who, got, c.want)
		}
	}
}
