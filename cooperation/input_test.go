package cooperation_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"warden"
	"warden/cooperation"
	"warden/store"
	"warden/store/storetest"
)

// refuseEICAR is a scanner that refuses the EICAR test string.
type refuseEICAR struct{}

func (refuseEICAR) Scan(_ context.Context, name string, data []byte) error {
	if bytes.Contains(data, []byte("EICAR-STANDARD-ANTIVIRUS-TEST-FILE")) {
		return errors.New("EICAR test signature")
	}
	return nil
}

// TestBadInput: a form, a message, an answer, a refusal, a review, an
// extension or a setting that is wrong is refused with EINVALID (or
// ETOOLARGE for a file over the limit) whose message starts with the
// field, and nothing is stored or audited.
func TestBadInput(t *testing.T) {
	db := storetest.OpenSQLite(t)
	start := utc(t, "2026-06-01T12:00:00Z")
	w := newWorld(t, db, start)
	past := start.Add(-time.Hour)
	empty := snap(t, db, 0)
	for _, tc := range []struct {
		field string
		edit  func(*cooperation.Input)
	}{
		{"legal_basis", func(in *cooperation.Input) { in.LegalBasis = "" }},
		{"legal_basis", func(in *cooperation.Input) { in.LegalBasis = "\u200b \u2800" }},
		{"facts", func(in *cooperation.Input) { in.Facts = "" }},
		{"offence", func(in *cooperation.Input) { in.Offence = " " }},
		{"sought", func(in *cooperation.Input) { in.Sought = "" }},
		{"type", func(in *cooperation.Input) { in.Type = "" }},
		{"type", func(in *cooperation.Input) { in.Type = "surveillance" }},
		{"priority", func(in *cooperation.Input) { in.Priority = "" }},
		{"priority", func(in *cooperation.Input) { in.Priority = "whenever" }},
		{"urgency", func(in *cooperation.Input) { in.Priority = warden.PriorityEmergency }},
		{"urgency", func(in *cooperation.Input) { in.Priority, in.Urgency = warden.PriorityUrgent, "\u200b" }},
		{"requested.time_zone", func(in *cooperation.Input) { in.Requested.TimeZone = "" }},
		{"requested.time_zone", func(in *cooperation.Input) { in.Requested.TimeZone = "Mars/Olympus_Mons" }},
		{"requested.time_zone", func(in *cooperation.Input) { in.Requested.TimeZone = "Local" }},
		{"requested.country", func(in *cooperation.Input) { in.Requested.Country = "" }},
		{"requested.country", func(in *cooperation.Input) { in.Requested.Country = "XZ" }},
		{"requested.office_hours", func(in *cooperation.Input) { in.Requested.OfficeHours = "9-5" }},
		{"requested.office_hours", func(in *cooperation.Input) { in.Requested.OfficeHours = "17:00-09:00" }},
		{"requested.office_hours", func(in *cooperation.Input) { in.Requested.OfficeHours = "09:00-09:59" }},
		{"requested.reply_channel", func(in *cooperation.Input) { in.Requested.ReplyChannel = "pigeon" }},
		{"requesting.time_zone", func(in *cooperation.Input) { in.Requesting.TimeZone = "Nowhere/Town" }},
		{"requesting.country", func(in *cooperation.Input) { in.Requesting.Country = "United" }},
		{"requesting.name", func(in *cooperation.Input) { in.Requesting.Name = "Home\u202eTREC" }},
		{"preservation", func(in *cooperation.Input) { in.Type = warden.RequestPreservation }},
		{"preservation.days", func(in *cooperation.Input) {
			in.Type, in.Preservation = warden.RequestPreservation, &warden.Preservation{Custodian: "Provider", Days: 59}
		}},
		{"preservation.custodian", func(in *cooperation.Input) {
			in.Type, in.Preservation = warden.RequestPreservation, &warden.Preservation{Days: 90}
		}},
		{"due_by", func(in *cooperation.Input) { in.DueBy = &past }},
		{"due_by", func(in *cooperation.Input) { now := start; in.DueBy = &now }},
		{"due_by", func(in *cooperation.Input) { far := start.AddDate(0, 0, 366).Add(time.Microsecond); in.DueBy = &far }},
		{"due_by", func(in *cooperation.Input) { far := time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC); in.DueBy = &far }},
		{"reference", func(in *cooperation.Input) { in.Reference = strings.Repeat("R", 65) }},
		{"reference", func(in *cooperation.Input) { in.Reference = "R-1\x07" }},
		{"reference", func(in *cooperation.Input) { in.Reference = "R-1\nR-2" }},
		{"kind", func(in *cooperation.Input) { in.Kind = "renewal" }},
		{"earlier", func(in *cooperation.Input) { in.Kind = warden.KindFollowUp }},
		{"counterpart", func(in *cooperation.Input) { in.Counterpart = "" }},
		{"counterpart", func(in *cooperation.Input) { in.Counterpart = "nowhere" }},
		{"counterpart", func(in *cooperation.Input) { in.Counterpart = warden.HomeOrg }},
		{"links[1].object", func(in *cooperation.Input) { in.Links[1].Object = "account:4471" }},
		{"links[0].object", func(in *cooperation.Input) { in.Links[0].Object = "entity:" }},
		{"links[0].object", func(in *cooperation.Input) { in.Links[0].Object = "tx" }},
		{"links[1].object", func(in *cooperation.Input) { in.Links[1].Object = in.Links[0].Object }},
		{"parties[0].name", func(in *cooperation.Input) { in.Parties[0].Name = "" }},
		{"parties[1].schema", func(in *cooperation.Input) { in.Parties[1].Schema = warden.SchemaVessel }},
		{"parties[0].country", func(in *cooperation.Input) { in.Parties[0].Country = "Atlantis" }},
		{"parties[0].birth_date", func(in *cooperation.Input) { in.Parties[0].BirthDate = "1990-02-30" }},
		{"parties[0].wallets[0]", func(in *cooperation.Input) { in.Parties[0].Wallets[0] = "0x\u200b9f" }},
		{"case_numbers[0]", func(in *cooperation.Input) { in.CaseNumbers = []string{""} }},
		{"facts", func(in *cooperation.Input) { in.Facts = strings.Repeat("x", 20001) }},
	} {
		in := form("cn", false)
		tc.edit(&in)
		_, err := w.s.Create(liaison, in)
		if warden.ErrorCode(err) != warden.EINVALID || !strings.HasPrefix(warden.ErrorMessage(err), tc.field) {
			t.Errorf("%s: %v, want invalid naming %s", tc.field, err, tc.field)
		}
	}
	unchanged(t, db, 0, empty, "bad forms")
	if rs, _ := db.Requests(context.Background(), store.RequestFilter{}); len(rs) != 0 {
		t.Fatalf("%d requests stored from bad forms", len(rs))
	}

	// Steps on a sent request with bad input.
	r, err := w.s.Create(liaison, form("cn", false))
	if err == nil {
		r, err = w.s.Send(liaison, r.ID)
	}
	if err != nil {
		t.Fatal(err)
	}
	before := snap(t, db, r.ID)
	if _, err := w.s.Update(liaison, r.ID, form("cn", false)); warden.ErrorCode(err) != warden.EINVALID {
		t.Errorf("updating a sent request: %v", err)
	}
	w.s.MaxAttachment = 1 << 10
	w.s.Scanner = refuseEICAR{}
	txt := func(name, body string) cooperation.File { return cooperation.File{Name: name, Data: []byte(body)} }
	for _, tc := range []struct {
		field string
		code  string
		do    func() error
	}{
		{"body", warden.EINVALID, func() error { _, err := w.s.Message(cnUser, r.ID, warden.MessageQuestion, "", nil); return err }},
		{"body", warden.EINVALID, func() error {
			_, err := w.s.Message(cnUser, r.ID, warden.MessageQuestion, strings.Repeat("é", 20001), nil)
			return err
		}},
		{"body", warden.EINVALID, func() error {
			_, err := w.s.Message(cnUser, r.ID, warden.MessageNote, "pay \u202etnuocca", nil)
			return err
		}},
		{"body", warden.EINVALID, func() error { _, err := w.s.Message(cnUser, r.ID, warden.MessageNote, "a\x00b", nil); return err }},
		{"kind", warden.EINVALID, func() error { _, err := w.s.Message(cnUser, r.ID, warden.MessageAnswer, "All.", nil); return err }},
		{"kind", warden.EINVALID, func() error { _, err := w.s.Message(cnUser, r.ID, "gossip", "All.", nil); return err }},
		{"files[0]", warden.ETOOLARGE, func() error {
			_, err := w.s.Message(cnUser, r.ID, warden.MessageNote, "Logs.", []cooperation.File{txt("big.txt", strings.Repeat("a", 1025))})
			return err
		}},
		{"files[0]", warden.EINVALID, func() error {
			_, err := w.s.Message(cnUser, r.ID, warden.MessageNote, "Page.", []cooperation.File{txt("page.html", "<!DOCTYPE html><html><script>alert(1)</script></html>")})
			return err
		}},
		{"files[1]", warden.EINVALID, func() error {
			_, err := w.s.Message(cnUser, r.ID, warden.MessageNote, "Report.", []cooperation.File{txt("a.txt", "a"), txt("report.pdf", "not a pdf")})
			return err
		}},
		{"files[0]", warden.EINVALID, func() error {
			_, err := w.s.Message(cnUser, r.ID, warden.MessageNote, "Exe.", []cooperation.File{{Name: "x.exe", Data: []byte("MZ\x90\x00\x03\x00\x00\x00")}})
			return err
		}},
		{"files[0]", warden.EINVALID, func() error {
			_, err := w.s.Message(cnUser, r.ID, warden.MessageNote, "Empty.", []cooperation.File{txt("empty.txt", "")})
			return err
		}},
		{"files[0].name", warden.EINVALID, func() error {
			_, err := w.s.Message(cnUser, r.ID, warden.MessageNote, "Nameless.", []cooperation.File{txt(" ", "a")})
			return err
		}},
		{"files[0]", warden.EINVALID, func() error {
			_, err := w.s.Message(cnUser, r.ID, warden.MessageNote, "Sample.", []cooperation.File{txt("eicar.txt", "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*")})
			return err
		}},
		{"answer", warden.EINVALID, func() error { _, _, err := w.s.Answer(cnUser, r.ID, "mostly", "Here.", nil); return err }},
		{"files[0]", warden.ETOOLARGE, func() error {
			_, _, err := w.s.Answer(cnUser, r.ID, warden.AnswerFull, "Here.", []cooperation.File{txt("big.txt", strings.Repeat("a", 1025))})
			return err
		}},
		{"reason", warden.EINVALID, func() error { _, err := w.s.Refuse(cnUser, r.ID, "bored", ""); return err }},
		{"text", warden.EINVALID, func() error { _, err := w.s.Refuse(cnUser, r.ID, warden.RefusalOther, " "); return err }},
		{"until", warden.EINVALID, func() error { _, err := w.s.AskExtension(cnUser, r.ID, *r.AnswerDue, "more"); return err }},
		{"reason", warden.EINVALID, func() error { _, err := w.s.AskExtension(cnUser, r.ID, r.AnswerDue.Add(time.Hour), ""); return err }},
		{"note", warden.EINVALID, func() error { _, err := w.s.Acknowledge(cnUser, r.ID, "ok\u2066"); return err }},
		{"reason", warden.EINVALID, func() error { _, err := w.s.Withdraw(liaison, r.ID, "\x1b[31m"); return err }},
	} {
		err := tc.do()
		if warden.ErrorCode(err) != tc.code || !strings.HasPrefix(warden.ErrorMessage(err), tc.field) {
			t.Errorf("%s: %v, want %s naming %s", tc.field, err, tc.code, tc.field)
		}
	}
	unchanged(t, db, r.ID, before, "steps with bad input")

	// Reviews of an answer.
	_, m, err := w.s.Answer(cnUser, r.ID, warden.AnswerFull, "Here.", nil)
	if err != nil {
		t.Fatal(err)
	}
	q, err := w.s.Message(cnUser, r.ID, warden.MessageQuestion, "Anything else?", nil)
	if err != nil {
		t.Fatal(err)
	}
	good := warden.Rubric{Completeness: 3, Accuracy: 3, Actionability: 3, Updates: 3}
	before = snap(t, db, r.ID)
	for _, tc := range []struct {
		field string
		in    cooperation.ReviewInput
	}{
		{"rubric.completeness", cooperation.ReviewInput{Message: m.ID, Rubric: warden.Rubric{Completeness: 6, Accuracy: 3, Actionability: 3, Updates: 3}, Use: warden.UseNone}},
		{"rubric.updates", cooperation.ReviewInput{Message: m.ID, Rubric: warden.Rubric{Completeness: 3, Accuracy: 3, Actionability: 3}, Use: warden.UseNone}},
		{"use", cooperation.ReviewInput{Message: m.ID, Rubric: good, Use: "fun"}},
		{"use", cooperation.ReviewInput{Message: m.ID, Rubric: good}},
		{"message", cooperation.ReviewInput{Message: q.ID, Rubric: good, Use: warden.UseNone}},
		{"comments", cooperation.ReviewInput{Message: m.ID, Rubric: good, Use: warden.UseNone, Comments: "\u202e"}},
	} {
		if _, err := w.s.Review(liaison, r.ID, tc.in); warden.ErrorCode(err) != warden.EINVALID || !strings.HasPrefix(warden.ErrorMessage(err), tc.field) {
			t.Errorf("review: %s: %v", tc.field, err)
		}
	}
	unchanged(t, db, r.ID, before, "bad reviews")
	v, err := w.s.Review(liaison, r.ID, cooperation.ReviewInput{Message: m.ID, Rubric: good, Use: warden.UseTakedown})
	if err != nil {
		t.Fatal(err)
	}
	before = snap(t, db, r.ID)
	if _, err := w.s.Review(liaison, r.ID, cooperation.ReviewInput{Message: m.ID, Rubric: good, Use: warden.UseTakedown}); warden.ErrorCode(err) != warden.EINVALID || !strings.HasPrefix(warden.ErrorMessage(err), "message") {
		t.Errorf("a second review of one answer: %v", err)
	}
	if _, err := w.s.RespondReview(cnUser, r.ID, v.ID, ""); warden.ErrorCode(err) != warden.EINVALID || !strings.HasPrefix(warden.ErrorMessage(err), "response") {
		t.Errorf("a blank response: %v", err)
	}
	if _, err := w.s.Review(liaison, r.ID, cooperation.ReviewInput{Message: 99, Rubric: good, Use: warden.UseTakedown}); warden.ErrorCode(err) != warden.ENOTFOUND {
		t.Errorf("a review of no message: %v", err)
	}
	unchanged(t, db, r.ID, before, "a second review and a blank response")

	// Settings.
	table := append([]warden.PriorityDeadlines(nil), warden.DefaultPriorityTable...)
	before = snap(t, db, 0)
	for _, tc := range []struct {
		field string
		do    func() error
	}{
		{"priorities", func() error { return w.s.SetPriorityTable(admin, table[:2]) }},
		{"priorities[1].priority", func() error {
			return w.s.SetPriorityTable(admin, []warden.PriorityDeadlines{table[0], table[0], table[2]})
		}},
		{"priorities[2].answer", func() error {
			t := append([]warden.PriorityDeadlines(nil), table...)
			t[2].Answer = warden.Span{N: 0, Unit: warden.UnitBusinessDays}
			return w.s.SetPriorityTable(admin, t)
		}},
		{"priorities[0].acknowledge", func() error {
			t := append([]warden.PriorityDeadlines(nil), table...)
			t[0].Acknowledge.Unit = "fortnights"
			return w.s.SetPriorityTable(admin, t)
		}},
		// An acknowledgement due after the answer.
		{"priorities[0].acknowledge", func() error {
			t := append([]warden.PriorityDeadlines(nil), table...)
			t[0].Acknowledge = warden.Span{N: 25, Unit: warden.UnitHours}
			return w.s.SetPriorityTable(admin, t)
		}},
		{"priorities[1].acknowledge", func() error {
			t := append([]warden.PriorityDeadlines(nil), table...)
			t[1].Acknowledge = warden.Span{N: 8, Unit: warden.UnitBusinessDays}
			return w.s.SetPriorityTable(admin, t)
		}},
		{"priorities[2].acknowledge", func() error {
			t := append([]warden.PriorityDeadlines(nil), table...)
			t[2] = warden.PriorityDeadlines{Priority: warden.PriorityRoutine, Acknowledge: warden.Span{N: 1, Unit: warden.UnitDays}, Answer: warden.Span{N: 8, Unit: warden.UnitBusinessHours}}
			return w.s.SetPriorityTable(admin, t)
		}},
		{"min_quality", func() error {
			return w.s.SetThresholds(admin, warden.ReferralThresholds{OverdueDays: 30, MinQuality: 7})
		}},
		{"overdue_days", func() error {
			return w.s.SetThresholds(admin, warden.ReferralThresholds{OverdueDays: -1, MinQuality: 2})
		}},
		{"org", func() error {
			_, err := w.s.AddDialogue(liaison, warden.Dialogue{Org: warden.HomeOrg, HeldOn: "2026-05-01"})
			return err
		}},
		{"held_on", func() error {
			_, err := w.s.AddDialogue(liaison, warden.Dialogue{Org: "cn", HeldOn: "2026-07-01"})
			return err
		}},
		{"held_on", func() error {
			_, err := w.s.AddDialogue(liaison, warden.Dialogue{Org: "cn", HeldOn: "May 2026"})
			return err
		}},
		{"org", func() error { return w.s.AddClosure(admin, warden.Closure{Org: "nowhere", Date: "2026-05-01"}) }},
	} {
		if err := tc.do(); warden.ErrorCode(err) != warden.EINVALID || !strings.HasPrefix(warden.ErrorMessage(err), tc.field) {
			t.Errorf("%s: %v", tc.field, err)
		}
	}
	unchanged(t, db, 0, before, "bad settings")
	if got, err := w.s.PriorityTable(cnUser); err != nil || len(got) != 3 || got[2].Answer != (warden.Span{N: 30, Unit: warden.UnitBusinessDays}) {
		t.Errorf("priority table: %v %v", got, err)
	}
	if _, err := w.s.Thresholds(cnUser); warden.ErrorCode(err) != warden.EFORBIDDEN {
		t.Errorf("a counterpart reads the thresholds: %v", err)
	}
	if err := w.s.SetPriorityTable(liaison, table); err != nil {
		t.Errorf("setting the table: %v", err)
	}
	same := append([]warden.PriorityDeadlines(nil), table...)
	same[0].Acknowledge = same[0].Answer // due together is not after
	same[2].Acknowledge = warden.Span{N: 8, Unit: warden.UnitBusinessHours}
	if err := w.s.SetPriorityTable(liaison, same); err != nil {
		t.Errorf("an acknowledgement due with the answer, or in business hours: %v", err)
	}
	d, err := w.s.AddDialogue(liaison, warden.Dialogue{Org: "cn", HeldOn: "2026-05-20", Notes: "Quarterly review."})
	if err != nil || d.ID != 1 || d.AddedBy != "lee" {
		t.Errorf("dialogue: %+v %v", d, err)
	}
	if ds, err := w.s.Dialogues(auditor, "cn"); err != nil || len(ds) != 1 {
		t.Errorf("dialogues: %+v %v", ds, err)
	}
}

// TestExtensionDates: an extension's until is after now and after the
// answer deadline, at most 366 days ahead, at asking and again at
// granting: an overdue request is not extended into the past (which
// would set a deadline already missed, and miss it again). A decision
// needs a reason.
func TestExtensionDates(t *testing.T) {
	db := storetest.OpenSQLite(t)
	start := utc(t, "2026-06-01T12:00:00Z")
	w := newWorld(t, db, start)
	in := form("cn", false)
	in.Priority, in.Urgency = warden.PriorityEmergency, "Ongoing attack."
	r, err := w.s.Create(liaison, in)
	if err == nil {
		r, err = w.s.Send(liaison, r.ID) // answer due 2 June 12:00
	}
	if err != nil {
		t.Fatal(err)
	}
	now := utc(t, "2026-06-03T12:00:00Z")
	w.at(now)
	before := snap(t, db, r.ID)
	for _, until := range []time.Time{now.Add(-time.Second), now, r.AnswerDue.Add(time.Hour), now.AddDate(0, 0, 366).Add(time.Microsecond), time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)} {
		if _, err := w.s.AskExtension(cnUser, r.ID, until, "More time."); warden.ErrorCode(err) != warden.EINVALID || !strings.HasPrefix(warden.ErrorMessage(err), "until: ") {
			t.Errorf("until %v: %v", until, err)
		}
	}
	unchanged(t, db, r.ID, before, "extensions refused")
	soon, err := w.s.AskExtension(cnUser, r.ID, now.Add(24*time.Hour), "The logs are with a second provider.")
	if err != nil {
		t.Fatal(err)
	}
	later, err := w.s.AskExtension(cnUser, r.ID, now.AddDate(0, 0, 366), "Or a year.")
	if err != nil {
		t.Fatal(err)
	}
	w.at(now.Add(36 * time.Hour))
	before = snap(t, db, r.ID)
	if _, err := w.s.DecideExtension(liaison, r.ID, soon.ID, true, "Agreed."); warden.ErrorCode(err) != warden.EINVALID || !strings.HasPrefix(warden.ErrorMessage(err), "until: ") {
		t.Errorf("granting an extension whose date has passed: %v", err)
	}
	unchanged(t, db, r.ID, before, "a grant refused")
	for _, grant := range []bool{true, false} {
		if _, err := w.s.DecideExtension(liaison, r.ID, soon.ID, grant, " \u200b"); warden.ErrorCode(err) != warden.EINVALID || !strings.HasPrefix(warden.ErrorMessage(err), "reason") {
			t.Errorf("deciding (grant %v) without a reason: %v", grant, err)
		}
	}
	unchanged(t, db, r.ID, before, "decisions without a reason")
	if _, err := w.s.DecideExtension(liaison, r.ID, soon.ID, false, "Too late."); err != nil {
		t.Errorf("refusing it: %v", err)
	}
	if x, err := w.s.DecideExtension(liaison, r.ID, later.ID, true, "Agreed."); err != nil || x.Status != warden.ExtensionGranted {
		t.Errorf("granting a year: %+v %v", x, err)
	}
	if got, _ := db.Request(context.Background(), r.ID); !got.AnswerDue.Equal(now.AddDate(0, 0, 366)) {
		t.Errorf("answer_due %v", got.AnswerDue)
	}
}
