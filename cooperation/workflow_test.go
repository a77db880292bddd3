package cooperation_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"warden"
	"warden/cooperation"
	"warden/store"
	"warden/store/storetest"
)

// actor is a context acting as name in role for org.
func actor(name string, role warden.Role, org string) context.Context {
	kind := "user"
	return warden.WithPrincipal(context.Background(), warden.Principal{Name: name, Role: role, Org: org, Kind: kind, Person: name})
}

// The people of the workflow tests: home's liaison, analyst, sanctions
// officer, admin and auditor, and a person of each counterpart.
var (
	liaison = actor("lee", warden.RoleLiaison, warden.HomeOrg)
	analyst = actor("ana", warden.RoleAnalyst, warden.HomeOrg)
	officer = actor("sofia", warden.RoleSanctionsOfficer, warden.HomeOrg)
	admin   = actor("adam", warden.RoleAdmin, warden.HomeOrg)
	auditor = actor("aud", warden.RoleAuditor, warden.HomeOrg)
	cnUser  = actor("li", warden.RoleCounterpart, "cn")
	usUser  = actor("sam", warden.RoleCounterpart, "us")
)

// world is a service over a database holding the counterparts cn and us
// and the parties the form links, with a clock the test moves.
type world struct {
	db  *store.DB
	s   *cooperation.Service
	mu  sync.Mutex
	now time.Time
}

func newWorld(t *testing.T, db *store.DB, start time.Time) *world {
	t.Helper()
	for _, id := range []string{"cn", "us"} {
		if err := db.CreateOrg(context.Background(), warden.Organisation{ID: id, Name: "Org " + id, Kind: "counterpart", CreatedAt: start}, nil); err != nil {
			t.Fatal(err)
		}
	}
	linked(t, db)
	w := &world{db: db, now: start}
	w.s = cooperation.New(db, nil)
	w.s.Now = w.clock
	return w
}

func (w *world) clock() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.now
}

// at sets the clock.
func (w *world) at(t time.Time) {
	w.mu.Lock()
	w.now = t
	w.mu.Unlock()
}

// home is the side of the authority as a form states it.
var home = warden.Authority{Name: "Home CERT", Contact: "Lee", TimeZone: "America/New_York", Country: "US"}

// side is a counterpart's authority as a form states it.
func side(org string) warden.Authority {
	switch org {
	case "cn":
		return warden.Authority{Name: "CNCERT/CC", Contact: "Li", TimeZone: "Asia/Shanghai", Country: "CN"}
	default:
		return warden.Authority{Name: "US-CERT", Contact: "Sam", TimeZone: "America/New_York", Country: "us"}
	}
}

// form is a complete routine disclosure request of home's to org, linking
// two listed parties, one shared (or, with incoming, of org's to home,
// which links none).
func form(org string, incoming bool) cooperation.Input {
	in := cooperation.Input{Type: warden.RequestDisclosure, Counterpart: org, Requesting: home, Requested: side(org),
		LegalBasis: "Budapest Convention, art. 31", Facts: "Ransomware paid to a wallet hosted by a provider on your territory.",
		Offence: "extortion", Sought: "Subscriber data of account 4471", Need: "To identify the operator.", Priority: warden.PriorityRoutine,
		Links: []warden.RequestLink{{Object: "entity:ofac:7", Shared: true}, {Object: "entity:ofac:8", Shared: false}},
		Parties: []warden.RequestParty{{Name: "Ivan Coldsteel", Schema: warden.SchemaPerson, Country: "RU", Wallets: []string{"0x9f2c4e4b1f3a8d0c7e5b6a1d2c3b4a5f6e7d8c9b"}},
			{Name: "Steel Hosting LLC", Schema: warden.SchemaOrganization}}}
	if incoming {
		in.Requesting, in.Requested, in.Links = side(org), home, nil
	}
	return in
}

// utc parses an RFC 3339 time.
func utc(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v.UTC()
}

func same(t *testing.T, what string, got *time.Time, want string) {
	t.Helper()
	if got == nil || !got.Equal(utc(t, want)) {
		t.Errorf("%s = %v, want %s", what, got, want)
	}
}

// timeline is the types of request id's events, in order.
func timeline(t *testing.T, db *store.DB, id int64) string {
	t.Helper()
	evs, err := db.RequestEvents(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, e := range evs {
		types = append(types, strings.TrimPrefix(e.Type, "request."))
	}
	return strings.Join(types, " ")
}

// TestLifecycle walks a routine request of home's to the Chinese
// counterpart, sent on Friday 13 February 2026 at 10:00 in Beijing, the
// last working day but one before the Spring Festival: Saturday 14 is a
// make-up working day, 15 to 23 February are off. Three business days to
// acknowledge end on Wednesday 25 February at 17:00 Beijing time; thirty
// on Thursday 2 April. The counterpart acknowledges on Tuesday 24 at
// 11:30 (17.5 business hours: 7 on the 13th, 8 on the make-up Saturday,
// 2.5 on the 24th), answers in part, asks for an extension, which is
// granted (answer_due moves, answer_due_original stays), answers in full
// on Tuesday 3 March at 10:00 (64 business hours); home reviews, the
// counterpart responds, home closes. Every figure is read back from the
// store, on both engines.
func TestLifecycle(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db, utc(t, "2026-02-12T08:00:00Z"))
		r, err := w.s.Create(liaison, form("cn", false))
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != warden.RequestDraft || r.Direction != warden.Outgoing || r.Requested.Org != "cn" || r.Requesting.Org != warden.HomeOrg || r.Reference != "R-2026-0001" {
			t.Fatalf("draft: %+v", r)
		}
		w.at(utc(t, "2026-02-13T02:00:00Z")) // 10:00 in Beijing
		if r, err = w.s.Send(liaison, r.ID); err != nil {
			t.Fatal(err)
		}
		same(t, "sent_at", r.SentAt, "2026-02-13T02:00:00Z")
		same(t, "ack_due", r.AckDue, "2026-02-25T09:00:00Z")
		same(t, "answer_due", r.AnswerDue, "2026-04-02T09:00:00Z")
		same(t, "answer_due_original", r.AnswerDueOriginal, "2026-04-02T09:00:00Z")

		w.at(utc(t, "2026-02-24T03:30:00Z"))
		if r, err = w.s.Acknowledge(cnUser, r.ID, "Received; assigned to the duty officer."); err != nil {
			t.Fatal(err)
		}
		if r.AckBusinessSecs == nil || *r.AckBusinessSecs != 63000 {
			t.Errorf("ack business seconds %v, want 63000 (17.5 h)", r.AckBusinessSecs)
		}
		w.at(utc(t, "2026-02-25T01:00:00Z"))
		if r, err = w.s.Start(cnUser, r.ID, ""); err != nil || r.Status != warden.RequestInProgress {
			t.Fatalf("start: %+v %v", r, err)
		}
		w.at(utc(t, "2026-02-27T06:00:00Z"))
		r, part, err := w.s.Answer(cnUser, r.ID, warden.AnswerPartial, "The account exists; its logs follow.", []cooperation.File{{Name: "account.txt", Data: []byte("account 4471: opened 2025-11-02\n")}})
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != warden.RequestAnswered || r.Answer != warden.AnswerPartial || r.AnsweredAt != nil || r.AnswerBusinessSecs != nil {
			t.Errorf("after a partial answer: %+v", r)
		}
		same(t, "first_answer_at", r.FirstAnswerAt, "2026-02-27T06:00:00Z")
		sum := sha256.Sum256([]byte("account 4471: opened 2025-11-02\n"))
		if len(part.Attachments) != 1 || part.Attachments[0].MediaType != "text/plain; charset=utf-8" || part.Attachments[0].SHA256 != hex.EncodeToString(sum[:]) || part.Attachments[0].Size != 32 {
			t.Errorf("attachment: %+v", part.Attachments)
		}
		x, err := w.s.AskExtension(cnUser, r.ID, utc(t, "2026-04-30T09:00:00Z"), "The logs are held by a second provider.")
		if err != nil {
			t.Fatal(err)
		}
		w.at(utc(t, "2026-02-28T14:00:00Z"))
		if x, err = w.s.DecideExtension(liaison, r.ID, x.ID, true, "Agreed."); err != nil || x.Status != warden.ExtensionGranted || x.DecidedBy != "lee" {
			t.Fatalf("grant: %+v %v", x, err)
		}
		w.at(utc(t, "2026-03-03T02:00:00Z"))
		r, full, err := w.s.Answer(cnUser, r.ID, warden.AnswerFull, "Logs attached.", []cooperation.File{{Name: "logs.json", Data: []byte(`{"ip":"203.0.113.7"}`)}})
		if err != nil {
			t.Fatal(err)
		}
		if r.AnswerBusinessSecs == nil || *r.AnswerBusinessSecs != 64*3600 || r.Answer != warden.AnswerFull {
			t.Errorf("answer business seconds %v, want %d (64 h)", r.AnswerBusinessSecs, 64*3600)
		}
		w.at(utc(t, "2026-03-05T15:00:00Z"))
		v, err := w.s.Review(analyst, r.ID, cooperation.ReviewInput{Message: full.ID, Rubric: warden.Rubric{Completeness: 4, Accuracy: 5, Actionability: 4, Updates: 3}, Use: warden.UseIndictment, Comments: "Usable."})
		if err != nil {
			t.Fatal(err)
		}
		if v, err = w.s.RespondReview(cnUser, r.ID, v.ID, "Thank you."); err != nil || v.Response != "Thank you." || v.RespondedBy != "li" {
			t.Fatalf("respond: %+v %v", v, err)
		}
		w.at(utc(t, "2026-03-06T15:00:00Z"))
		if r, err = w.s.Close(liaison, r.ID, ""); err != nil || r.Status != warden.RequestClosed {
			t.Fatalf("close: %+v %v", r, err)
		}

		got, err := db.Request(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			what string
			v    *time.Time
			want string
		}{
			{"sent_at", got.SentAt, "2026-02-13T02:00:00Z"}, {"acknowledged_at", got.AcknowledgedAt, "2026-02-24T03:30:00Z"},
			{"first_answer_at", got.FirstAnswerAt, "2026-02-27T06:00:00Z"}, {"answered_at", got.AnsweredAt, "2026-03-03T02:00:00Z"},
			{"reviewed_at", got.ReviewedAt, "2026-03-05T15:00:00Z"}, {"closed_at", got.ClosedAt, "2026-03-06T15:00:00Z"},
			{"ack_due", got.AckDue, "2026-02-25T09:00:00Z"}, {"answer_due", got.AnswerDue, "2026-04-30T09:00:00Z"},
			{"answer_due_original", got.AnswerDueOriginal, "2026-04-02T09:00:00Z"},
		} {
			same(t, "stored "+c.what, c.v, c.want)
		}
		if !reflect.DeepEqual(got, r) {
			t.Errorf("stored request differs from the one returned:\n%+v\n%+v", got, r)
		}
		if *got.AckBusinessSecs != 63000 || *got.AnswerBusinessSecs != 230400 {
			t.Errorf("stored business seconds %d %d", *got.AckBusinessSecs, *got.AnswerBusinessSecs)
		}
		if want := "acknowledged in_progress answered extension_asked extension_decided answered reviewed review_responded closed"; timeline(t, db, r.ID) != "sent "+want {
			t.Errorf("timeline: %s", timeline(t, db, r.ID))
		}
		ms, err := w.s.Messages(cnUser, r.ID)
		if err != nil || len(ms) != 3 || ms[0].Kind != warden.MessageUpdate || ms[0].Org != "cn" || ms[2].Attachments[0].MediaType != "application/json" {
			t.Fatalf("thread: %+v %v", ms, err)
		}
		a, data, err := w.s.Attachment(liaison, r.ID, ms[2].Attachments[0].ID)
		if err != nil || string(data) != `{"ip":"203.0.113.7"}` || a.Name != "logs.json" || a.Size != int64(len(data)) {
			t.Errorf("attachment: %+v %q %v", a, data, err)
		}
		var payload warden.RequestEvent
		evs, _ := w.s.Timeline(liaison, r.ID)
		if err := json.Unmarshal(evs[0].Payload, &payload); err != nil || payload.Reference != "R-2026-0001" || payload.Counterpart != "cn" || payload.Status != warden.RequestSent {
			t.Errorf("sent event payload: %s", evs[0].Payload)
		}
		var actions []string
		db.AuditEvents(ctx, warden.AuditFilter{Object: "request:1"}, func(e warden.AuditEvent) error { actions = append(actions, e.Action); return nil })
		if strings.Join(actions, " ") != "request.create request.send request.acknowledge request.start request.answer request.extension.ask request.extension.decide request.answer request.review request.review.respond request.close" {
			t.Errorf("audit: %v", actions)
		}
	})
}

// TestDeadlines: the deadlines a request gets when it is sent, in the
// requested side's business time: across China's Spring Festival and its
// make-up Saturday, Thanksgiving and Christmas in the United States, a
// weekend, on the clock for an emergency, and the answer's brought
// forward by the requester's own due_by, which never moves the
// acknowledgement's (a due_by before it is refused, naming the earliest
// allowed); and a deadline beyond the years whose holidays the calendar
// knows is noted on the request.
func TestDeadlines(t *testing.T) {
	db := storetest.OpenSQLite(t)
	w := newWorld(t, db, utc(t, "2026-01-01T00:00:00Z"))
	// The authority works in New York (without a calendar set it would
	// count in UTC: TestHomeCalendarDefault).
	if _, err := w.s.SetOrgCalendar(admin, warden.HomeOrg, "America/New_York", "US", ""); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name        string
		org         string
		incoming    bool
		priority    warden.Priority
		sent        string
		dueBy       string
		ack, answer string
		refused     string // the error of sending
		note        string // the calendar note
	}{
		// Day 0 is Friday 13; Saturday 14 is day 1; 24 and 25 February
		// days 2 and 3; the thirtieth is Thursday 2 April (Qingming is 4-6
		// April).
		{name: "cn routine over the Spring Festival", org: "cn", priority: warden.PriorityRoutine, sent: "2026-02-13T02:00:00Z",
			ack: "2026-02-25T09:00:00Z", answer: "2026-04-02T09:00:00Z"},
		// Received on Saturday 14 (a working day, day 0) in the evening:
		// day 1 is the 24th.
		{name: "cn urgent on the make-up Saturday", org: "cn", priority: warden.PriorityUrgent, sent: "2026-02-14T12:00:00Z",
			ack: "2026-02-24T09:00:00Z", answer: "2026-03-03T09:00:00Z"},
		// Day 0 is Wednesday 25 November at 16:00 in New York; Thursday
		// 26 is Thanksgiving; Friday 27 is day 1, Monday 30 day 2,
		// Tuesday 1 December day 3. Christmas (Friday 25 December) and New
		// Year's Day (Friday 1 January) are off: the thirtieth is Monday
		// 11 January 2027.
		{name: "us routine over Thanksgiving", org: "us", priority: warden.PriorityRoutine, sent: "2026-11-25T21:00:00Z",
			ack: "2026-12-01T22:00:00Z", answer: "2027-01-11T22:00:00Z"},
		// An incoming request is counted in home's calendar (New York).
		{name: "incoming urgent on a Friday evening", org: "cn", incoming: true, priority: warden.PriorityUrgent, sent: "2026-11-27T23:30:00Z",
			ack: "2026-11-30T22:00:00Z", answer: "2026-12-08T22:00:00Z"},
		{name: "emergency on the clock", org: "cn", priority: warden.PriorityEmergency, sent: "2026-02-14T20:00:00Z",
			ack: "2026-02-15T04:00:00Z", answer: "2026-02-15T20:00:00Z"},
		{name: "due_by earlier than the table", org: "us", priority: warden.PriorityRoutine, sent: "2026-11-25T21:00:00Z", dueBy: "2026-12-15T17:00:00Z",
			ack: "2026-12-01T22:00:00Z", answer: "2026-12-15T17:00:00Z"},
		{name: "due_by later than the table", org: "us", priority: warden.PriorityRoutine, sent: "2026-11-25T21:00:00Z", dueBy: "2027-02-01T17:00:00Z",
			ack: "2026-12-01T22:00:00Z", answer: "2027-01-11T22:00:00Z"},
		// due_by moves the answer's deadline only, and not before the
		// acknowledgement's.
		{name: "due_by between the deadlines", org: "cn", priority: warden.PriorityRoutine, sent: "2026-02-13T02:00:00Z", dueBy: "2026-02-25T09:00:00Z",
			ack: "2026-02-25T09:00:00Z", answer: "2026-02-25T09:00:00Z"},
		// lunar-go knows China's holidays through 2027: from 1 January
		// 2028 days count weekends only, and the request says so. Day 0
		// is Wednesday 1 December 2027; the 22nd working day is Friday
		// 31 December, the 30th Wednesday 12 January 2028.
		{name: "cn routine beyond the holidays known", org: "cn", priority: warden.PriorityRoutine, sent: "2027-12-01T02:00:00Z",
			ack: "2027-12-06T09:00:00Z", answer: "2028-01-12T09:00:00Z", note: "CN public holidays are known through 2027: days after it count weekends only"},
		{name: "due_by before the acknowledgement deadline", org: "us", priority: warden.PriorityRoutine, sent: "2026-11-25T21:00:00Z", dueBy: "2026-12-01T21:59:59Z",
			refused: "due_by: 2026-12-01T21:59:59Z comes before the acknowledgement deadline; the earliest allowed is 2026-12-01T22:00:00Z"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w.at(utc(t, tc.sent).Add(-24 * time.Hour))
			in := form(tc.org, tc.incoming)
			in.Priority = tc.priority
			if tc.priority != warden.PriorityRoutine {
				in.Urgency = "An attack is under way."
			}
			if tc.dueBy != "" {
				d := utc(t, tc.dueBy)
				in.DueBy = &d
			}
			who := liaison
			if tc.incoming {
				who = cnUser
			}
			r, err := w.s.Create(who, in)
			if err != nil {
				t.Fatal(err)
			}
			w.at(utc(t, tc.sent))
			id, before := r.ID, snap(t, db, r.ID)
			if r, err = w.s.Send(who, id); tc.refused != "" {
				if warden.ErrorCode(err) != warden.EINVALID || warden.ErrorMessage(err) != tc.refused+" (change it in the draft)" {
					t.Errorf("sent: %v, want %s", err, tc.refused)
				}
				unchanged(t, db, id, before, "a refused sending")
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			same(t, "ack_due", r.AckDue, tc.ack)
			same(t, "answer_due", r.AnswerDue, tc.answer)
			same(t, "answer_due_original", r.AnswerDueOriginal, tc.answer)
			if r.CalendarNote != tc.note {
				t.Errorf("calendar note %q, want %q", r.CalendarNote, tc.note)
			}
		})
	}

	// An extension granted into 2028 sets the note too.
	w.at(utc(t, "2027-12-19T02:00:00Z"))
	in := form("cn", false)
	in.Priority, in.Urgency = warden.PriorityEmergency, "An attack is under way."
	r, err := w.s.Create(liaison, in)
	if err == nil {
		r, err = w.s.Send(liaison, r.ID)
	}
	if err != nil || r.CalendarNote != "" {
		t.Fatalf("sent: %q %v", r.CalendarNote, err)
	}
	x, err := w.s.AskExtension(cnUser, r.ID, utc(t, "2028-01-10T09:00:00Z"), "The provider closes for the New Year.")
	if err == nil {
		_, err = w.s.DecideExtension(liaison, r.ID, x.ID, true, "Agreed.")
	}
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := db.Request(context.Background(), r.ID); got.CalendarNote != "CN public holidays are known through 2027: days after it count weekends only" {
		t.Errorf("calendar note after the extension: %q", got.CalendarNote)
	}
}

// TestClosures: an organisation's own closure is skipped like a holiday,
// by the requests sent after it was added: one added or removed later
// moves neither their deadlines nor their measured business time (a
// counterpart once closed the day it acknowledged, to be measured at
// nought). A closure is from today to 400 days ahead, at most 15 a
// calendar year; a counterpart manages only its own.
func TestClosures(t *testing.T) {
	db := storetest.OpenSQLite(t)
	w := newWorld(t, db, utc(t, "2026-03-01T00:00:00Z"))
	if err := w.s.AddClosure(cnUser, warden.Closure{Org: "cn", Date: "2026-03-03", Reason: "office move"}); err != nil {
		t.Fatal(err)
	}
	if err := w.s.AddClosure(cnUser, warden.Closure{Org: "us", Date: "2026-03-03"}); warden.ErrorCode(err) != warden.ENOTFOUND {
		t.Errorf("a counterpart closes another: %v", err)
	}
	if _, err := w.s.Closures(usUser, "cn"); warden.ErrorCode(err) != warden.ENOTFOUND {
		t.Errorf("a counterpart reads another's closures: %v", err)
	}
	if err := w.s.AddClosure(liaison, warden.Closure{Org: "cn", Date: "2026-03-03"}); warden.ErrorCode(err) != warden.ECONFLICT {
		t.Errorf("closed twice: %v", err)
	}
	// Sent Monday 2 March at 10:00 Beijing (day 0); Tuesday 3 is closed:
	// day 1 is Wednesday 4, day 3 Friday 6.
	r, err := w.s.Create(liaison, form("cn", false))
	if err != nil {
		t.Fatal(err)
	}
	w.at(utc(t, "2026-03-02T02:00:00Z"))
	if r, err = w.s.Send(liaison, r.ID); err != nil {
		t.Fatal(err)
	}
	same(t, "ack_due", r.AckDue, "2026-03-06T09:00:00Z")
	// After sending, cn reopens the 3rd and, on the morning of the 4th,
	// closes the 4th and the 5th.
	w.at(utc(t, "2026-03-02T03:00:00Z"))
	if err := w.s.RemoveClosure(cnUser, "cn", "2026-03-03"); err != nil {
		t.Fatal(err)
	}
	if err := w.s.RemoveClosure(cnUser, "cn", "2026-03-03"); warden.ErrorCode(err) != warden.ENOTFOUND {
		t.Errorf("removed twice: %v", err)
	}
	w.at(utc(t, "2026-03-04T01:00:00Z"))
	for _, d := range []string{"2026-03-04", "2026-03-05"} {
		if err := w.s.AddClosure(cnUser, warden.Closure{Org: "cn", Date: d, Reason: "inspection"}); err != nil {
			t.Fatal(err)
		}
	}
	// Acknowledged Wednesday 4 at 10:00: as the calendar stood when it
	// was sent, 7 h on the 2nd, none on the closed 3rd, 1 h on the 4th.
	w.at(utc(t, "2026-03-04T02:00:00Z"))
	if r, err = w.s.Acknowledge(cnUser, r.ID, ""); err != nil || *r.AckBusinessSecs != 8*3600 {
		t.Errorf("acknowledged: %v %v", r.AckBusinessSecs, err)
	}
	if got, _ := db.Request(context.Background(), r.ID); !got.AckDue.Equal(utc(t, "2026-03-06T09:00:00Z")) {
		t.Errorf("ack_due moved to %v", got.AckDue)
	}
	// A request sent now skips the 5th: day 0 is the 4th (closed), day 1
	// Friday 6, day 3 Tuesday 10.
	q, err := w.s.Create(liaison, form("cn", false))
	if err == nil {
		q, err = w.s.Send(liaison, q.ID)
	}
	if err != nil {
		t.Fatal(err)
	}
	same(t, "ack_due of a request sent after the closures", q.AckDue, "2026-03-10T09:00:00Z")
	cs, err := w.s.Closures(cnUser, "cn")
	if err != nil || len(cs) != 2 || cs[0].Date != "2026-03-04" || !cs[0].AddedAt.Equal(utc(t, "2026-03-04T01:00:00Z")) || cs[1].Reason != "inspection" {
		t.Errorf("closures: %+v %v", cs, err)
	}

	// Dates: from today (4 March, UTC) to 400 days ahead; 15 a year.
	before := snap(t, db, 0)
	for _, d := range []string{"3 March", "2026-03-03", "1999-12-31", "9999-12-31", "2027-04-09", "2026-02-30"} {
		if err := w.s.AddClosure(liaison, warden.Closure{Org: "cn", Date: d}); warden.ErrorCode(err) != warden.EINVALID || !strings.HasPrefix(warden.ErrorMessage(err), "date") {
			t.Errorf("closing %s: %v", d, err)
		}
	}
	unchanged(t, db, 0, before, "closures refused")
	if err := w.s.AddClosure(liaison, warden.Closure{Org: "cn", Date: "2027-04-08"}); err != nil {
		t.Errorf("closing 400 days ahead: %v", err)
	}
	for d := 1; d <= 14; d++ {
		if err := w.s.AddClosure(cnUser, warden.Closure{Org: "cn", Date: fmt.Sprintf("2027-01-%02d", d)}); err != nil {
			t.Fatal(err)
		}
	}
	before = snap(t, db, 0)
	if err := w.s.AddClosure(cnUser, warden.Closure{Org: "cn", Date: "2027-01-15"}); warden.ErrorCode(err) != warden.EINVALID || !strings.HasPrefix(warden.ErrorMessage(err), "date") || !strings.Contains(warden.ErrorMessage(err), "15") {
		t.Errorf("a sixteenth closure in 2027: %v", err)
	}
	unchanged(t, db, 0, before, "a sixteenth closure")
	if err := w.s.RemoveClosure(cnUser, "cn", "2027-01-14"); err != nil {
		t.Fatal(err)
	}
	if err := w.s.AddClosure(cnUser, warden.Closure{Org: "cn", Date: "2027-01-15"}); err != nil {
		t.Errorf("a fifteenth closure once one is removed: %v", err)
	}
	if err := w.s.AddClosure(cnUser, warden.Closure{Org: "cn", Date: "2026-12-31"}); err != nil {
		t.Errorf("a closure of 2026: %v", err)
	}
}

// TestClosePartial: a request answered only in part and then closed was
// answered when its last partial answer came: answered_at and the
// business time to it are set on closing.
func TestClosePartial(t *testing.T) {
	db := storetest.OpenSQLite(t)
	w := newWorld(t, db, utc(t, "2026-06-01T12:00:00Z")) // Monday, 08:00 in New York
	r, err := w.s.Create(liaison, form("us", false))
	if err == nil {
		r, err = w.s.Send(liaison, r.ID)
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, at := range []string{"2026-06-02T14:00:00Z", "2026-06-03T15:30:00Z"} {
		w.at(utc(t, at))
		if r, _, err = w.s.Answer(usUser, r.ID, warden.AnswerPartial, "Part of it.", nil); err != nil {
			t.Fatal(err)
		}
	}
	same(t, "first_answer_at", r.FirstAnswerAt, "2026-06-02T14:00:00Z")
	if r.AnsweredAt != nil {
		t.Fatalf("answered_at set by a partial answer: %v", r.AnsweredAt)
	}
	w.at(utc(t, "2026-06-05T12:00:00Z"))
	if r, err = w.s.Close(liaison, r.ID, "Enough for us."); err != nil {
		t.Fatal(err)
	}
	same(t, "answered_at", r.AnsweredAt, "2026-06-03T15:30:00Z")
	// Monday 09:00-17:00, Tuesday 09:00-17:00, Wednesday 09:00-11:30.
	if got, _ := db.Request(context.Background(), r.ID); got.AnswerBusinessSecs == nil || *got.AnswerBusinessSecs != (16*3600+9000) || got.Status != warden.RequestClosed {
		t.Errorf("stored: %s, answer business seconds %v", got.Status, got.AnswerBusinessSecs)
	}
}

// TestReferences: a counterpart learns nothing of another's references
// and cannot block the authority's: references are unique per
// counterpart and direction, and one drawn skips those taken. The audit
// event of a creation records the reference drawn.
func TestReferences(t *testing.T) {
	db := storetest.OpenSQLite(t)
	w := newWorld(t, db, utc(t, "2026-06-01T12:00:00Z"))
	create := func(ctx context.Context, org string, incoming bool, ref string) (warden.Request, error) {
		in := form(org, incoming)
		in.Reference = ref
		return w.s.Create(ctx, in)
	}
	if _, err := create(usUser, "us", true, "US-2026-1"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		who      context.Context
		org      string
		incoming bool
		ref      string
		want     string
		code     string
	}{
		{cnUser, "cn", true, "US-2026-1", "US-2026-1", ""}, // us has it: cn learns nothing
		{cnUser, "cn", true, "R-2026-0001", "R-2026-0001", ""},
		{cnUser, "cn", true, "R-2026-0002", "R-2026-0002", ""},
		{liaison, "cn", false, "", "R-2026-0001", ""}, // cn's cannot block the authority's
		{liaison, "cn", false, "", "R-2026-0002", ""},
		{liaison, "cn", false, "US-2026-1", "US-2026-1", ""},
		{cnUser, "cn", true, "", "R-2026-0004", ""},               // its fourth, the third taken
		{cnUser, "cn", true, "R-2026-0002", "", warden.ECONFLICT}, // its own
		{liaison, "cn", false, "R-2026-0001", "", warden.ECONFLICT},
	} {
		r, err := create(c.who, c.org, c.incoming, c.ref)
		if warden.ErrorCode(err) != c.code || c.code == "" && r.Reference != c.want {
			t.Errorf("%q of %s (incoming %v): %q %v, want %q %s", c.ref, c.org, c.incoming, r.Reference, err, c.want, c.code)
		}
		if err != nil {
			continue
		}
		var detail map[string]any
		db.AuditEvents(context.Background(), warden.AuditFilter{Object: fmt.Sprintf("request:%d", r.ID)}, func(e warden.AuditEvent) error {
			return json.Unmarshal(e.Detail, &detail)
		})
		if detail["reference"] != c.want {
			t.Errorf("the audit event of request %d says reference %v, want %s", r.ID, detail["reference"], c.want)
		}
	}
}

// TestOrgCalendar: an organisation's calendar, set by the authority,
// counts the deadlines of the requests it is asked whatever the
// requester's form says (a counterpart once shrank the authority's
// deadlines by stating a requested side in Kiritimati keeping office
// hours of a minute), from drafting to sending; without one the form's
// requested side counts. Bad calendars are refused naming the field,
// with nothing stored.
func TestOrgCalendar(t *testing.T) {
	db := storetest.OpenSQLite(t)
	w := newWorld(t, db, utc(t, "2026-11-23T12:00:00Z"))
	if _, err := w.s.SetOrgCalendar(cnUser, "cn", "Asia/Shanghai", "CN", ""); warden.ErrorCode(err) != warden.EFORBIDDEN {
		t.Errorf("a counterpart sets its calendar: %v", err)
	}
	before := snap(t, db, 0)
	for _, c := range []struct {
		org, tz, country, hours string
		code, field             string
	}{
		{"home", "Mars/Olympus_Mons", "US", "", warden.EINVALID, "time_zone"},
		{"home", "", "US", "", warden.EINVALID, "time_zone"},
		{"home", "Local", "US", "", warden.EINVALID, "time_zone"},
		{"home", "America/New_York", "", "", warden.EINVALID, "country"},
		{"home", "America/New_York", "XZ", "", warden.EINVALID, "country"},
		{"home", "America/New_York", "US", "9-5", warden.EINVALID, "office_hours"},
		{"home", "America/New_York", "US", "17:00-09:00", warden.EINVALID, "office_hours"},
		{"home", "America/New_York", "US", "09:00-09:01", warden.EINVALID, "office_hours"},
		{"nowhere", "America/New_York", "US", "", warden.ENOTFOUND, ""},
	} {
		if _, err := w.s.SetOrgCalendar(admin, c.org, c.tz, c.country, c.hours); warden.ErrorCode(err) != c.code || !strings.HasPrefix(warden.ErrorMessage(err), c.field) {
			t.Errorf("%+v: %v", c, err)
		}
	}
	unchanged(t, db, 0, before, "bad calendars")
	if c, err := w.s.SetOrgCalendar(admin, warden.HomeOrg, "America/New_York", "us", "09:00-17:00"); err != nil || c.Country != "US" {
		t.Fatalf("home's calendar: %+v %v", c, err)
	}
	n := 0
	db.AuditEvents(context.Background(), warden.AuditFilter{Action: "organisation.calendar", Object: "org:home"}, func(warden.AuditEvent) error { n++; return nil })
	if n != 1 {
		t.Errorf("%d audit events of home's calendar", n)
	}

	// cn's request to the authority states a requested side that keeps a
	// minute a day in Kiritimati: it is counted in New York all the same.
	// Sent Wednesday 25 November at 16:00 in New York, the day before
	// Thanksgiving: as TestDeadlines' "us routine over Thanksgiving".
	in := form("cn", true)
	in.Requested = warden.Authority{Name: "Home CERT", TimeZone: "Pacific/Kiritimati", Country: "JP", OfficeHours: "00:00-00:01"}
	r, err := w.s.Create(cnUser, in)
	if err != nil {
		t.Fatal(err)
	}
	if want := (warden.Authority{Org: warden.HomeOrg, Name: "Home CERT", TimeZone: "America/New_York", Country: "US", OfficeHours: "09:00-17:00", ReplyChannel: "portal"}); r.Requested != want {
		t.Errorf("the requested side of cn's draft: %+v", r.Requested)
	}
	w.at(utc(t, "2026-11-25T21:00:00Z"))
	if r, err = w.s.Send(cnUser, r.ID); err != nil {
		t.Fatal(err)
	}
	same(t, "ack_due", r.AckDue, "2026-12-01T22:00:00Z")
	same(t, "answer_due", r.AnswerDue, "2027-01-11T22:00:00Z")

	// cn has no calendar: home's form counts, until one is set; a draft
	// sent after that takes it.
	w.at(utc(t, "2026-11-24T12:00:00Z"))
	out := form("cn", false)
	out.Requested = warden.Authority{Name: "CNCERT/CC", TimeZone: "Europe/London", Country: "GB"}
	o, err := w.s.Create(liaison, out)
	if err != nil || o.Requested.TimeZone != "Europe/London" {
		t.Fatalf("a draft to cn: %+v %v", o.Requested, err)
	}
	if _, err := w.s.SetOrgCalendar(liaison, "cn", "Asia/Shanghai", "CN", "09:00-17:00"); err != nil {
		t.Fatal(err)
	}
	// Sent Wednesday 25 November at 10:00 in Beijing (day 0): day 3 is
	// Monday 30 November, at 17:00 in Beijing.
	w.at(utc(t, "2026-11-25T02:00:00Z"))
	if o, err = w.s.Send(liaison, o.ID); err != nil {
		t.Fatal(err)
	}
	if o.Requested.TimeZone != "Asia/Shanghai" || o.Requested.Country != "CN" || o.Requested.OfficeHours != "09:00-17:00" || o.Requested.Name != "CNCERT/CC" {
		t.Errorf("the requested side as sent: %+v", o.Requested)
	}
	same(t, "ack_due", o.AckDue, "2026-11-30T09:00:00Z")

	// Reading: a counterpart its own and the authority's only.
	for _, c := range []struct {
		who  context.Context
		org  string
		tz   string
		code string
	}{
		{cnUser, "cn", "Asia/Shanghai", ""}, {cnUser, warden.HomeOrg, "America/New_York", ""}, {usUser, "cn", "", warden.ENOTFOUND},
		{usUser, "us", "", ""}, {auditor, "cn", "Asia/Shanghai", ""}, {liaison, "nowhere", "", warden.ENOTFOUND},
	} {
		if got, err := w.s.OrgCalendar(c.who, c.org); warden.ErrorCode(err) != c.code || got.TimeZone != c.tz {
			t.Errorf("calendar of %s: %+v %v", c.org, got, err)
		}
	}
	if _, err := w.s.SetOrgCalendar(liaison, "cn", "", "", ""); err != nil {
		t.Fatal(err)
	}
	if got, err := w.s.OrgCalendar(cnUser, "cn"); err != nil || got.Set() {
		t.Errorf("a cleared calendar: %+v %v", got, err)
	}
	// Set without office hours, it is counted in 09:00-17:00 and says so.
	if c, err := w.s.SetOrgCalendar(liaison, "cn", "Asia/Shanghai", "CN", ""); err != nil || c.OfficeHours != "09:00-17:00" {
		t.Errorf("a calendar without office hours: %+v %v", c, err)
	}
	if got, err := w.s.OrgCalendar(cnUser, "cn"); err != nil || got.OfficeHours != "09:00-17:00" {
		t.Errorf("reading a calendar set without office hours: %+v %v", got, err)
	}
}

// TestHomeCalendarDefault: without a calendar set for the authority, a
// counterpart's request to it is counted in UTC, weekends only, office
// hours 09:00-17:00 — never in what the counterpart's form says of the
// authority — and the request says so in its calendar note.
func TestHomeCalendarDefault(t *testing.T) {
	db := storetest.OpenSQLite(t)
	w := newWorld(t, db, utc(t, "2026-11-23T12:00:00Z"))
	in := form("cn", true)
	in.Requested = warden.Authority{Name: "Home CERT", TimeZone: "Pacific/Kiritimati", Country: "JP", OfficeHours: "00:00-00:01"}
	r, err := w.s.Create(cnUser, in)
	if err != nil {
		t.Fatal(err)
	}
	if want := (warden.Authority{Org: warden.HomeOrg, Name: "Home CERT", TimeZone: "UTC", OfficeHours: "09:00-17:00", ReplyChannel: "portal"}); r.Requested != want {
		t.Errorf("the requested side of cn's draft: %+v", r.Requested)
	}
	// Sent Wednesday 25 November at 21:00 UTC (day 0); Thanksgiving and
	// Japan's holidays do not count: day 3 is Monday 30 November, closing
	// at 17:00 UTC.
	w.at(utc(t, "2026-11-25T21:00:00Z"))
	if r, err = w.s.Send(cnUser, r.ID); err != nil {
		t.Fatal(err)
	}
	same(t, "ack_due", r.AckDue, "2026-11-30T17:00:00Z")
	if r.CalendarNote != "the authority's calendar is not set: UTC, weekends only" || r.Requested.Country != "" {
		t.Errorf("calendar note %q, requested side %+v", r.CalendarNote, r.Requested)
	}
}
