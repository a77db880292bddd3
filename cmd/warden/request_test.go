package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"warden"
	"warden/auth"
	"warden/cooperation"
	"warden/store"
)

// requestForm is an emergency request to cn-mps, as a file would hold it:
// 8 and 24 hours on the clock, so its deadlines are exact whatever the
// time the test runs.
const requestForm = `{
  "reference": "US-2026-0001",
  "type": "disclosure",
  "counterpart": "cn-mps",
  "requesting": {"name": "Cyber Sanctions Office", "time_zone": "America/New_York", "country": "US"},
  "requested": {"name": "Ministry of Public Security", "contact": "Li Wei", "time_zone": "Asia/Shanghai", "country": "CN"},
  "legal_basis": "2015 arrangement on cyber cooperation",
  "facts": "Ransomware payments to wallets hosted in the requested territory.",
  "offence": "computer fraud",
  "sought": "subscriber data of the hosting accounts",
  "priority": "emergency",
  "urgency": "payments continue daily",
  "parties": [{"name": "Wang Lei", "schema": "Person"}]
}`

// TestRequestCLI: the operator drafts and sends an outgoing request from
// a file, cannot acknowledge it (the counterpart's side), answers an
// incoming request a counterpart sent through the service, and reads
// both; bad input names the field and stores nothing; usage errors exit
// 2.
func TestRequestCLI(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "w.db")
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	sdb, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := auth.New(sdb).CreateOrg(ctx, "cn-mps", "Ministry of Public Security", "counterpart"); err != nil {
		t.Fatal(err)
	}
	sdb.Close()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	form := write("request.json", requestForm)

	code, out, errs := cli(t, db, "request", "create", "--file", form, "--send")
	var r warden.Request
	if json.Unmarshal([]byte(out), &r); code != 0 || r.ID != 1 || r.Status != warden.RequestSent || r.Direction != warden.Outgoing || r.CreatedBy != "operator" {
		t.Fatalf("create --send: %d %s %s", code, out, errs)
	}
	if r.SentAt == nil || r.AckDue == nil || r.AnswerDue == nil || r.AnswerDueOriginal == nil ||
		r.AckDue.Sub(*r.SentAt) != 8*time.Hour || r.AnswerDue.Sub(*r.SentAt) != 24*time.Hour || !r.AnswerDueOriginal.Equal(*r.AnswerDue) {
		t.Errorf("deadlines: sent %v, ack due %v, answer due %v (first %v); want 8 h and 24 h after sending", r.SentAt, r.AckDue, r.AnswerDue, r.AnswerDueOriginal)
	}
	if r.Requesting.Org != warden.HomeOrg || r.Requested.Org != "cn-mps" || r.Requested.ReplyChannel != "portal" {
		t.Errorf("sides: %+v / %+v", r.Requesting, r.Requested)
	}
	// The counterpart acknowledges an outgoing request, not the operator.
	if code, out, errs := cli(t, db, "request", "ack", "1", "--note", "seen"); code != 1 || out != "" || !strings.Contains(errs, "the requested side acknowledges") {
		t.Errorf("ack of our own request: %d %q %q", code, out, errs)
	}
	if code, _, errs := cli(t, db, "request", "send", "1"); code != 1 || !strings.Contains(errs, "status: request 1 is sent") {
		t.Errorf("send twice: %d %q", code, errs)
	}

	// Two incoming requests, drafted and sent by a counterpart's person on
	// 5 January 2026: both deadlines of each have passed since.
	sdb, err = store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	li := warden.WithPrincipal(context.Background(), warden.Principal{Name: "li", Role: warden.RoleCounterpart, Org: "cn-mps", Kind: "user"})
	coop := cooperation.New(sdb, nil)
	coop.Now = func() time.Time { return time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC) }
	// The authority works in New York: its calendar, not the form, says so.
	adm := warden.WithPrincipal(context.Background(), warden.Principal{Name: "adam", Role: warden.RoleAdmin, Org: warden.HomeOrg, Kind: "user"})
	if _, err := coop.SetOrgCalendar(adm, warden.HomeOrg, "America/New_York", "US", ""); err != nil {
		t.Fatal(err)
	}
	for i, ref := range []string{"CN-2026-0042", "CN-2026-0043"} {
		in, err := coop.Create(li, cooperation.Input{Reference: ref, Type: warden.RequestInformation,
			Requesting: warden.Authority{Name: "Ministry of Public Security", TimeZone: "Asia/Shanghai", Country: "CN"},
			Requested:  warden.Authority{Name: "Cyber Sanctions Office", TimeZone: "America/New_York", Country: "US"},
			LegalBasis: "2015 arrangement", Facts: "Intrusions from a botnet's servers.", Offence: "unauthorised access", Sought: "the servers' logs",
			Priority: warden.PriorityRoutine})
		if err == nil {
			in, err = coop.Send(li, in.ID)
		}
		if err != nil || in.ID != int64(i+2) || in.Direction != warden.Incoming {
			t.Fatal(in, err)
		}
	}
	sdb.Close()
	if code, out, errs := cli(t, db, "request", "ack", "2", "--note", "received"); code != 0 || !strings.Contains(out, `"status": "acknowledged"`) || !strings.Contains(out, `"acknowledged_at"`) {
		t.Errorf("ack: %d %s %s", code, out, errs)
	}
	logs := "2026-03-02 10:14 192.0.2.7 login ok\n2026-03-02 10:15 192.0.2.7 upload 4 MB\n"
	logFile := write("logs.txt", logs)
	code, out, errs = cli(t, db, "request", "answer", "2", "--completeness", "full", "--body", "The logs of both servers.", "--attach", logFile)
	var ans struct {
		Request warden.Request        `json:"request"`
		Message warden.RequestMessage `json:"message"`
	}
	sum := sha256.Sum256([]byte(logs))
	if json.Unmarshal([]byte(out), &ans); code != 0 || ans.Request.Status != warden.RequestAnswered || ans.Request.Answer != warden.AnswerFull || ans.Request.AnsweredAt == nil ||
		ans.Message.Kind != warden.MessageAnswer || len(ans.Message.Attachments) != 1 || ans.Message.Attachments[0].SHA256 != hex.EncodeToString(sum[:]) ||
		ans.Message.Attachments[0].Size != int64(len(logs)) || ans.Message.Attachments[0].MediaType != "text/plain; charset=utf-8" {
		t.Fatalf("answer: %d %s %s", code, out, errs)
	}
	// Reviewing is the requester's: the counterpart's, on its own request.
	if code, _, errs := cli(t, db, "request", "review", "2", "--message", "1", "--completeness", "5", "--accuracy", "5", "--actionability", "5", "--updates", "5", "--use", "no_use"); code != 1 || !strings.Contains(errs, "the requesting side") {
		t.Errorf("review of our own answer: %d %q", code, errs)
	}

	code, out, _ = cli(t, db, "request", "show", "2", "--json")
	var v requestView
	// The note of the acknowledgement is an update in the thread.
	if json.Unmarshal([]byte(out), &v); code != 0 || v.Request.Reference != "CN-2026-0042" || len(v.Messages) != 2 ||
		v.Messages[0].Kind != warden.MessageUpdate || v.Messages[0].Body != "received" || v.Messages[1].ID != ans.Message.ID || len(v.Timeline) != 3 ||
		v.Timeline[0].Type != warden.EventRequestSent || v.Timeline[1].Type != warden.EventRequestAcknowledged || v.Timeline[2].Type != warden.EventRequestAnswered {
		t.Errorf("show --json: %d %s", code, out)
	}
	code, out, _ = cli(t, db, "request", "show", "2")
	for _, want := range []string{"CN-2026-0042", "incoming (counterpart cn-mps)", "answered (full answer)", "legal basis", "2015 arrangement",
		"The logs of both servers.", "attachment 1: logs.txt", hex.EncodeToString(sum[:]), "request.acknowledged", "acknowledged"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("show lacks %q: %d\n%s", want, code, out)
		}
	}

	// Bad input names the field, whether JSON or the form's rules refuse
	// it, and stores nothing.
	for _, c := range []struct{ file, want string }{
		{strings.Replace(requestForm, `"legal_basis": "2015 arrangement on cyber cooperation",`, "", 1), "legal_basis is required"},
		{strings.Replace(requestForm, `"priority": "emergency"`, `"priority": "whenever"`, 1), `priority "whenever"`},
		{strings.Replace(requestForm, `"country": "CN"`, `"country": "XX"`, 1), "requested.country"},
		{strings.Replace(requestForm, `"reference"`, `"referenc"`, 1), `unknown field "referenc"`},
		{strings.Replace(requestForm, `"type": "disclosure",`, `"type": "disclosure", "priority_case": "yes",`, 1), "priority_case"},
		{strings.Replace(requestForm, `"counterpart": "cn-mps"`, `"counterpart": "ru-fsb"`, 1), `counterpart: "ru-fsb" is not a counterpart organisation`},
		{strings.Replace(requestForm, `"priority": "emergency"`, `"priority": "emergency", "due_by": "tomorrow"`, 1), "due_by must be an RFC 3339 time"},
		{strings.Replace(requestForm, `"priority": "emergency"`, `"priority": "emergency", "due_by": "2026-01-01T00:00:00Z"`, 1), "due_by: 2026-01-01T00:00:00Z is in the past"},
	} {
		if code, out, errs := cli(t, db, "request", "create", "--file", write("bad.json", c.file)); code != 1 || out != "" || !strings.Contains(errs, c.want) {
			t.Errorf("bad form (want %q): %d %q %q", c.want, code, out, errs)
		}
	}
	// Request 3 still waits for its acknowledgement and its answer, both
	// due in New York: the third business day, and the thirtieth, which
	// skips Martin Luther King Day and Presidents Day.
	code, out, _ = cli(t, db, "request", "list")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 4 || !strings.HasSuffix(lines[1], "2026-01-05 09:00Z  2026-01-08 22:00Z (overdue)  2026-02-18 22:00Z (overdue)") ||
		!strings.HasPrefix(lines[2], "2 ") || strings.Contains(lines[2], "overdue") || !strings.Contains(lines[3], "US-2026-0001") {
		t.Errorf("list: %d\n%s", code, out)
	}
	var list struct{ Requests []warden.Request }
	code, out, _ = cli(t, db, "request", "list", "--overdue", "--json")
	if json.Unmarshal([]byte(out), &list); code != 0 || len(list.Requests) != 1 || list.Requests[0].ID != 3 {
		t.Errorf("list --overdue: %d %s", code, out)
	}
	code, out, _ = cli(t, db, "request", "list", "--direction", "outgoing", "--json")
	if json.Unmarshal([]byte(out), &list); code != 0 || len(list.Requests) != 1 || list.Requests[0].ID != 1 {
		t.Errorf("list --direction outgoing: %d %s", code, out)
	}

	code, out, _ = cli(t, db, "request", "priorities")
	if lines := strings.Split(strings.TrimSpace(out), "\n"); code != 0 || len(lines) != 4 || strings.Join(strings.Fields(lines[3]), " ") != "routine 3 business_days 30 business_days" {
		t.Errorf("priorities: %d\n%s", code, out)
	}
	// A closure is from today on, and more time is asked after now: the
	// CLI runs on the wall clock.
	week := time.Now().UTC().AddDate(0, 0, 7).Format(time.DateOnly)
	if code, out, errs := cli(t, db, "request", "closures", "cn-mps", "--add", week, "--reason", "office move"); code != 0 || out != week+"\toffice move\n" {
		t.Errorf("closures --add: %d %q %s", code, out, errs)
	}
	if code, out, errs := cli(t, db, "request", "closures", "cn-mps", "--remove", week); code != 0 || out != "" {
		t.Errorf("closures --remove: %d %q %s", code, out, errs)
	}
	code, out, errs = cli(t, db, "request", "dialogue", "add", "--org", "cn-mps", "--on", "2026-01-15", "--notes", "first review")
	var d warden.Dialogue
	if json.Unmarshal([]byte(out), &d); code != 0 || d.ID != 1 || d.Org != "cn-mps" || d.AddedBy != "operator" {
		t.Errorf("dialogue add: %d %s %s", code, out, errs)
	}

	// The overdue incoming request: a question on the thread, more time
	// asked to the end of a day in New York (the requested side's zone),
	// which the counterpart decides, not the operator; then a refusal.
	code, out, errs = cli(t, db, "request", "message", "3", "--kind", "question", "--body", "Which botnet?")
	var m warden.RequestMessage
	if json.Unmarshal([]byte(out), &m); code != 0 || m.Kind != warden.MessageQuestion || m.Org != warden.HomeOrg || m.Author != "operator" {
		t.Errorf("message: %d %s %s", code, out, errs)
	}
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	month := time.Now().In(ny).AddDate(0, 0, 30)
	code, out, errs = cli(t, db, "request", "extend", "3", "--until", month.Format(time.DateOnly), "--reason", "the logs are archived")
	var x warden.Extension
	if json.Unmarshal([]byte(out), &x); code != 0 || x.ID != 1 || x.Status != warden.ExtensionAsked || !x.Until.Equal(time.Date(month.Year(), month.Month(), month.Day(), 23, 59, 59, 0, ny)) {
		t.Errorf("extend: %d %s %s", code, out, errs)
	}
	if code, _, errs := cli(t, db, "request", "extension", "grant", "3", "1", "--reason", "fine"); code != 1 || !strings.Contains(errs, "the requesting side decides extensions") {
		t.Errorf("granting our own extension: %d %q", code, errs)
	}
	if code, out, errs := cli(t, db, "request", "refuse", "3", "--reason", "no_data", "--text", "the logs were not kept"); code != 0 || !strings.Contains(out, `"status": "refused"`) || !strings.Contains(out, `"refusal_reason": "no_data"`) {
		t.Errorf("refuse: %d %s %s", code, out, errs)
	}

	// The body of POST /v1/requests as it is: "send" in the file sends.
	sendForm := strings.Replace(strings.Replace(requestForm, "US-2026-0001", "US-2026-0002", 1), `"type"`, `"send": true, "type"`, 1)
	code, out, errs = cli(t, db, "request", "create", "--file", write("send.json", sendForm))
	if json.Unmarshal([]byte(out), &r); code != 0 || r.ID != 4 || r.Status != warden.RequestSent {
		t.Errorf("create with \"send\": true: %d %s %s", code, out, errs)
	}

	for _, args := range [][]string{{}, {"nothing"}, {"create"}, {"show"}, {"show", "x"}, {"ack", "1", "2"}, {"answer", "2", "--body", "b"},
		{"refuse", "2"}, {"extension", "grant", "1", "--reason", "r"}, {"extension", "1", "1"}, {"review", "1", "--use", "arrest"},
		{"list", "--limit", "0"}, {"closures", "cn-mps", "--add", "2026-05-04", "--remove", "2026-05-05"}, {"dialogue", "add", "--org", "cn-mps"},
		{"extend", "2", "--until", "soon", "--reason", "r"}} {
		if code, _, errs := cli(t, db, append([]string{"request"}, args...)...); code != 2 {
			t.Errorf("request %v: exit %d %s", args, code, errs)
		}
	}
}
