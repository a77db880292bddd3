package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"warden"
	"warden/cooperation"
	"warden/store"
)

// requestCommands are the subcommands of warden request, by name. They
// act on the database as the operator on the home side: in the role of
// sanctions officer for the requests themselves (operatorOfficer: it
// drafts, sends, answers, reviews and refers), as the operator (admin)
// for the priority table, closures and dialogues. A counterpart acts in
// its portal or through the API, never here.
var requestCommands = map[string]func(ctx context.Context, e *env, args []string) error{
	"create":     cmdRequestCreate,
	"list":       cmdRequestList,
	"show":       cmdRequestShow,
	"send":       cmdRequestStep("send"),
	"ack":        cmdRequestStep("ack"),
	"start":      cmdRequestStep("start"),
	"close":      cmdRequestStep("close"),
	"withdraw":   cmdRequestStep("withdraw"),
	"lapse":      cmdRequestStep("lapse"),
	"answer":     cmdRequestAnswer,
	"refuse":     cmdRequestRefuse,
	"message":    cmdRequestMessage,
	"extend":     cmdRequestExtend,
	"extension":  cmdRequestExtension,
	"review":     cmdRequestReview,
	"refer":      cmdRequestRefer,
	"priorities": cmdRequestPriorities,
	"closures":   cmdRequestClosures,
	"dialogue":   cmdRequestDialogue,
}

const requestUsage = "warden request create|list|show|send|ack|start|close|withdraw|lapse|answer|refuse|message|extend|extension|review|refer|priorities|closures|dialogue ..."

func cmdRequest(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || requestCommands[args[0]] == nil {
		return fmt.Errorf("%w: %s", errUsage, requestUsage)
	}
	return requestCommands[args[0]](ctx, e, args[1:])
}

// cooperationService opens the cooperation service as warden serve
// configures it: referrals open designation proposals.
func cooperationService(db *store.DB) *cooperation.Service {
	return cooperation.New(db, designations(db))
}

// withCooperation opens the database and runs f with the service, as the
// operator in the role of sanctions officer.
func withCooperation(ctx context.Context, e *env, f func(ctx context.Context, s *cooperation.Service) error) error {
	db, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	return f(warden.WithPrincipal(ctx, operatorOfficer), cooperationService(db))
}

// requestIDs reads the positional arguments, the ids a subcommand takes
// (one for each name in what: "request id", "extension id").
func requestIDs(pos []string, usage string, what ...string) ([]int64, error) {
	if len(pos) != len(what) {
		return nil, fmt.Errorf("%w: %s", errUsage, usage)
	}
	ids := make([]int64, len(pos))
	for i, p := range pos {
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil || id <= 0 {
			return nil, fmt.Errorf("%w: %s %q is not a positive integer", errUsage, what[i], p)
		}
		ids[i] = id
	}
	return ids, nil
}

// requestFile is what warden request create reads: the body of POST
// /v1/requests, the form with due_by as RFC 3339 text and whether to
// send it at once.
type requestFile struct {
	cooperation.Input
	DueBy string `json:"due_by,omitempty"`
	Send  bool   `json:"send,omitempty"`
}

// readRequestFile decodes a request's form from a JSON file: an unknown
// field, or a value of the wrong type, is named with the file.
func readRequestFile(path string) (requestFile, error) {
	var f requestFile
	b, err := os.ReadFile(path)
	if err != nil {
		return f, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return f, fmt.Errorf("%s: %w", path, err)
	}
	if dec.More() {
		return f, fmt.Errorf("%s: more than one JSON value", path)
	}
	if f.DueBy != "" {
		t, err := time.Parse(time.RFC3339, f.DueBy)
		if err != nil {
			return f, fmt.Errorf("%s: due_by must be an RFC 3339 time such as 2026-12-01T17:00:00Z", path)
		}
		f.Input.DueBy = &t
	}
	return f, nil
}

// cmdRequestCreate drafts the request in a JSON file, outgoing to its
// counterpart, and with --send (or "send": true in the file) sends it;
// it prints the request as JSON.
func cmdRequestCreate(ctx context.Context, e *env, args []string) error {
	const usage = "request create --file request.json [--send]"
	fs := newFlags("request create", usage, e.stderr)
	file := fs.String("file", "", "the request's form, JSON (the body of POST /v1/requests; required)")
	send := fs.Bool("send", false, "send it at once (the clock starts)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if *file == "" || len(pos) != 0 {
		return fmt.Errorf("%w: %s", errUsage, usage)
	}
	f, err := readRequestFile(*file)
	if err != nil {
		return err
	}
	return withCooperation(ctx, e, func(ctx context.Context, s *cooperation.Service) error {
		r, err := s.Create(ctx, f.Input)
		if err != nil {
			return err
		}
		if *send || f.Send {
			if r, err = s.Send(ctx, r.ID); err != nil {
				return fmt.Errorf("request %d was drafted but not sent: %w", r.ID, err)
			}
		}
		return printJSON(e, r)
	})
}

// cmdRequestList prints the requests, newest first, with their deadlines;
// an open request past one is marked overdue.
func cmdRequestList(ctx context.Context, e *env, args []string) error {
	fs := newFlags("request list", "request list [--status S] [--direction outgoing|incoming] [--counterpart ORG] [--overdue] [--limit N] [--json]", e.stderr)
	var f cooperation.Filter
	status := fs.String("status", "", "draft, sent, acknowledged, in_progress, answered, reviewed, closed, refused, withdrawn or lapsed")
	direction := fs.String("direction", "", "outgoing (ours to a counterpart) or incoming (a counterpart's to us)")
	fs.StringVar(&f.Counterpart, "counterpart", "", "the counterpart organisation's `id`")
	fs.BoolVar(&f.Overdue, "overdue", false, "only the requests awaiting an answer past their answer deadline")
	fs.IntVar(&f.Limit, "limit", 100, "most requests to show (at most 1000)")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return fmt.Errorf("%w: request list takes no arguments", errUsage)
	}
	if f.Limit < 1 || f.Limit > 1000 {
		return fmt.Errorf("%w: --limit %d must be between 1 and 1000", errUsage, f.Limit)
	}
	f.Status, f.Direction = warden.RequestStatus(*status), warden.Direction(*direction)
	return withCooperation(ctx, e, func(ctx context.Context, s *cooperation.Service) error {
		rs, err := s.List(ctx, f)
		if err != nil {
			return err
		}
		if *asJSON {
			return printJSON(e, map[string]any{"requests": rs})
		}
		now := s.Now
		if now == nil {
			now = time.Now
		}
		w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tREFERENCE\tDIRECTION\tCOUNTERPART\tTYPE\tPRIORITY\tSTATUS\tSENT\tACK DUE\tANSWER DUE")
		for _, r := range rs {
			fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Reference, r.Direction, r.Counterpart, r.Type, r.Priority, r.Status,
				stamp(r.SentAt), due(r.AckDue, r.AcknowledgedAt == nil && r.Status.Open(), now()), due(r.AnswerDue, awaitingAnswer(r), now()))
		}
		return w.Flush()
	})
}

// awaitingAnswer reports whether r still waits for its answer
// (Request.AwaitsAnswer).
func awaitingAnswer(r warden.Request) bool { return r.AwaitsAnswer() }

// stamp shows a time of the clock in UTC to the minute, "-" if unset.
func stamp(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04Z")
}

// due shows a deadline, marked "(overdue)" when it is still waited on
// and has passed.
func due(t *time.Time, waiting bool, now time.Time) string {
	if t != nil && waiting && now.After(*t) {
		return stamp(t) + " (overdue)"
	}
	return stamp(t)
}

// cmdRequestShow prints one request: its form, its clock, the thread, the
// extensions, reviews and referrals, and its timeline of events.
func cmdRequestShow(ctx context.Context, e *env, args []string) error {
	const usage = "request show ID [--json]"
	fs := newFlags("request show", usage, e.stderr)
	asJSON := fs.Bool("json", false, "print JSON: {request, messages, extensions, reviews, referrals, timeline}")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	ids, err := requestIDs(pos, usage, "request id")
	if err != nil {
		return err
	}
	return withCooperation(ctx, e, func(ctx context.Context, s *cooperation.Service) error {
		var v requestView
		var err error
		if v.Request, err = s.Get(ctx, ids[0]); err != nil {
			return err
		}
		if v.Messages, err = s.Messages(ctx, ids[0]); err != nil {
			return err
		}
		if v.Extensions, err = s.Extensions(ctx, ids[0]); err != nil {
			return err
		}
		if v.Reviews, err = s.Reviews(ctx, ids[0]); err != nil {
			return err
		}
		if v.Referrals, err = s.Referrals(ctx, ids[0]); err != nil {
			return err
		}
		if v.Timeline, err = s.Timeline(ctx, ids[0]); err != nil {
			return err
		}
		if *asJSON {
			return printJSON(e, v)
		}
		return v.write(e.stdout)
	})
}

// requestView is everything warden request show prints.
type requestView struct {
	Request    warden.Request          `json:"request"`
	Messages   []warden.RequestMessage `json:"messages"`
	Extensions []warden.Extension      `json:"extensions"`
	Reviews    []warden.Review         `json:"reviews"`
	Referrals  []warden.Referral       `json:"referrals"`
	Timeline   []warden.DomainEvent    `json:"timeline"`
}

// write prints v for a person: the form's fields one a line, then the
// clock, thread, extensions, reviews, referrals and timeline.
func (v requestView) write(out io.Writer) error {
	r := v.Request
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	field := func(name, value string) {
		if value != "" {
			fmt.Fprintf(w, "%s\t%s\n", name, strings.ReplaceAll(value, "\n", "\n\t"))
		}
	}
	authority := func(a warden.Authority) string {
		s := a.Name + " (" + a.Org + ")"
		for _, x := range []string{a.Contact, a.Email, a.Phone} {
			if x != "" {
				s += ", " + x
			}
		}
		return s + fmt.Sprintf("; %s, %s, office hours %s, reply by %s", a.Country, a.TimeZone, or(a.OfficeHours, "09:00-17:00"), or(a.ReplyChannel, "portal"))
	}
	fmt.Fprintf(w, "Request %d\t%s\n", r.ID, r.Reference)
	field("status", string(r.Status)+suffixIf(r.Answer != "", " ("+string(r.Answer)+" answer)"))
	field("direction", fmt.Sprintf("%s (counterpart %s)", r.Direction, r.Counterpart))
	field("kind", string(r.Kind)+suffixIf(r.Earlier != "", " of "+r.Earlier))
	field("type", string(r.Type))
	field("priority", string(r.Priority)+suffixIf(r.PriorityCase, ", a priority case"))
	field("urgency", r.Urgency)
	field("requesting", authority(r.Requesting))
	field("requested", authority(r.Requested))
	field("investigating", r.Investigating)
	field("case numbers", strings.Join(r.CaseNumbers, ", "))
	field("legal basis", r.LegalBasis)
	field("facts", r.Facts)
	field("offence", r.Offence)
	field("sought", r.Sought)
	field("need", r.Need)
	if p := r.Preservation; p != nil {
		field("preservation", fmt.Sprintf("%d days by %s%s", p.Days, p.Custodian, suffixIf(p.System != "", " ("+p.System+")")))
	}
	field("confidentiality", r.Confidentiality)
	field("related", strings.Join(r.Related, ", "))
	for _, l := range r.Links {
		field("link", l.Object+suffixIf(l.Shared, " (shared)"))
	}
	for _, p := range r.Parties {
		field("party", strings.Join(nonEmpty(p.Name, string(p.Schema), p.EntityID, p.Country, p.BirthDate, strings.Join(p.Wallets, " ")), ", "))
	}
	if r.DueBy != nil {
		field("due by", stamp(r.DueBy))
	}
	if r.RefusalReason != "" {
		field("refused", string(r.RefusalReason)+suffixIf(r.RefusalText != "", ": "+r.RefusalText))
	}
	field("created", stamp(&r.CreatedAt)+" by "+r.CreatedBy)

	fmt.Fprintln(w, "\nClock (UTC)")
	for _, c := range []struct {
		name string
		t    *time.Time
	}{{"sent", r.SentAt}, {"acknowledge by", r.AckDue}, {"acknowledged", r.AcknowledgedAt}, {"answer by", r.AnswerDue},
		{"answer by, first set", r.AnswerDueOriginal}, {"first answer", r.FirstAnswerAt}, {"answered in full", r.AnsweredAt},
		{"reviewed", r.ReviewedAt}, {"ended", r.ClosedAt}} {
		if c.t != nil {
			fmt.Fprintf(w, "  %s\t%s\n", c.name, stamp(c.t))
		}
	}
	if len(v.Messages) > 0 {
		fmt.Fprintln(w, "\nThread")
	}
	for _, m := range v.Messages {
		kind := string(m.Kind) + suffixIf(m.Answer != "", " ("+string(m.Answer)+")")
		fmt.Fprintf(w, "  #%d %s\t%s by %s (%s)\n", m.ID, stamp(&m.CreatedAt), kind, m.Author, m.Org)
		fmt.Fprintf(w, "\t%s\n", strings.ReplaceAll(m.Body, "\n", "\n\t"))
		for _, a := range m.Attachments {
			fmt.Fprintf(w, "\tattachment %d: %s (%s, %d bytes, sha256 %s)\n", a.ID, a.Name, a.MediaType, a.Size, a.SHA256)
		}
	}
	if len(v.Extensions) > 0 {
		fmt.Fprintln(w, "\nExtensions")
	}
	for _, x := range v.Extensions {
		fmt.Fprintf(w, "  #%d until %s\t%s, asked by %s: %s", x.ID, stamp(&x.Until), x.Status, x.AskedBy, x.Reason)
		if x.DecidedAt != nil {
			fmt.Fprintf(w, "; %s by %s: %s", x.Status, x.DecidedBy, x.Decision)
		}
		fmt.Fprintln(w)
	}
	if len(v.Reviews) > 0 {
		fmt.Fprintln(w, "\nReviews")
	}
	for _, rv := range v.Reviews {
		fmt.Fprintf(w, "  #%d of message %d\tcompleteness %d, accuracy %d, actionability %d, updates %d (mean %.2f); use %s; by %s\n",
			rv.ID, rv.Message, rv.Rubric.Completeness, rv.Rubric.Accuracy, rv.Rubric.Actionability, rv.Rubric.Updates, rv.Rubric.Mean(), rv.Use, rv.By)
		if rv.Comments != "" {
			fmt.Fprintf(w, "\t%s\n", rv.Comments)
		}
		if rv.Response != "" {
			fmt.Fprintf(w, "\tresponse by %s: %s\n", rv.RespondedBy, rv.Response)
		}
	}
	if len(v.Referrals) > 0 {
		fmt.Fprintln(w, "\nReferrals")
	}
	for _, rf := range v.Referrals {
		fmt.Fprintf(w, "  #%d %s\t%s by %s: %s; designations %v\n", rf.ID, stamp(&rf.At), rf.Ground, rf.By, rf.Reason, rf.Designations)
	}
	if len(v.Timeline) > 0 {
		fmt.Fprintln(w, "\nTimeline")
	}
	for _, ev := range v.Timeline {
		var p warden.RequestEvent
		json.Unmarshal(ev.Payload, &p)
		line := ev.Type
		if p.Deadline != "" {
			line += " (" + p.Deadline + ", due " + stamp(p.Due) + ")"
		}
		fmt.Fprintf(w, "  %s\t%s\n", stamp(&ev.CreatedAt), line)
	}
	return w.Flush()
}

// suffixIf returns s if cond holds, else "": a clause shown only when it applies.
func suffixIf(cond bool, s string) string {
	if cond {
		return s
	}
	return ""
}

// or returns v, or def if v is empty.
func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// nonEmpty returns the values that are not empty.
func nonEmpty(vs ...string) []string {
	var out []string
	for _, v := range vs {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// cmdRequestStep moves a request one step of its lifecycle (send, ack,
// start, close, withdraw, lapse) and prints it as JSON. The service
// refuses a step out of order (naming the status) or by the wrong side
// (naming the side that takes it).
func cmdRequestStep(step string) func(ctx context.Context, e *env, args []string) error {
	return func(ctx context.Context, e *env, args []string) error {
		usage := "request " + step + " ID [--note TEXT]"
		if step == "send" {
			usage = "request send ID"
		}
		fs := newFlags("request "+step, usage, e.stderr)
		var note *string
		if step != "send" {
			note = fs.String("note", "", "why, or what is being done (withdraw and lapse: the reason)")
		}
		pos, err := parse(fs, args)
		if err != nil {
			return err
		}
		ids, err := requestIDs(pos, usage, "request id")
		if err != nil {
			return err
		}
		return withCooperation(ctx, e, func(ctx context.Context, s *cooperation.Service) error {
			id := ids[0]
			var r warden.Request
			var err error
			switch step {
			case "send":
				r, err = s.Send(ctx, id)
			case "ack":
				r, err = s.Acknowledge(ctx, id, *note)
			case "start":
				r, err = s.Start(ctx, id, *note)
			case "close":
				r, err = s.Close(ctx, id, *note)
			case "withdraw":
				r, err = s.Withdraw(ctx, id, *note)
			case "lapse":
				r, err = s.Lapse(ctx, id, *note)
			}
			if err != nil {
				return err
			}
			return printJSON(e, r)
		})
	}
}

// readFiles reads the files to attach; each keeps its base name.
func readFiles(paths []string) ([]cooperation.File, error) {
	var fs []cooperation.File
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		fs = append(fs, cooperation.File{Name: filepath.Base(p), Data: b})
	}
	return fs, nil
}

// cmdRequestAnswer answers an incoming request, partly or in full, with
// files; it prints the request and the answer's message.
func cmdRequestAnswer(ctx context.Context, e *env, args []string) error {
	const usage = "request answer ID --completeness full|partial --body TEXT [--attach FILE]..."
	fs := newFlags("request answer", usage, e.stderr)
	completeness := fs.String("completeness", "", "full (it settles the request) or partial (required)")
	body := fs.String("body", "", "the answer (required)")
	var attach stringList
	fs.Var(&attach, "attach", "a `file` to attach (repeatable): PDF, PNG, JPEG, plain text or JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	ids, err := requestIDs(pos, usage, "request id")
	if err != nil {
		return err
	}
	if *completeness == "" || *body == "" {
		return fmt.Errorf("%w: %s", errUsage, usage)
	}
	files, err := readFiles(attach)
	if err != nil {
		return err
	}
	return withCooperation(ctx, e, func(ctx context.Context, s *cooperation.Service) error {
		r, m, err := s.Answer(ctx, ids[0], warden.AnswerCompleteness(*completeness), *body, files)
		if err != nil {
			return err
		}
		return printJSON(e, map[string]any{"request": r, "message": m})
	})
}

// cmdRequestRefuse refuses an incoming request for a reason of the fixed
// list.
func cmdRequestRefuse(ctx context.Context, e *env, args []string) error {
	const usage = "request refuse ID --reason R [--text T]"
	fs := newFlags("request refuse", usage, e.stderr)
	reason := fs.String("reason", "", "one of "+joinAny(warden.RefusalReasons)+" (required)")
	text := fs.String("text", "", "why, in words (required with --reason other)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	ids, err := requestIDs(pos, usage, "request id")
	if err != nil {
		return err
	}
	if *reason == "" {
		return fmt.Errorf("%w: %s", errUsage, usage)
	}
	return withCooperation(ctx, e, func(ctx context.Context, s *cooperation.Service) error {
		r, err := s.Refuse(ctx, ids[0], warden.RefusalReason(*reason), *text)
		if err != nil {
			return err
		}
		return printJSON(e, r)
	})
}

// joinAny joins values of a string type with ", ".
func joinAny[T ~string](vs []T) string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return strings.Join(out, ", ")
}

// cmdRequestMessage adds a question, an update or a note to a request's
// thread (answers go through request answer).
func cmdRequestMessage(ctx context.Context, e *env, args []string) error {
	const usage = "request message ID --kind question|update|note --body TEXT [--attach FILE]..."
	fs := newFlags("request message", usage, e.stderr)
	kind := fs.String("kind", string(warden.MessageNote), "question, update or note")
	body := fs.String("body", "", "the message (required)")
	var attach stringList
	fs.Var(&attach, "attach", "a `file` to attach (repeatable)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	ids, err := requestIDs(pos, usage, "request id")
	if err != nil {
		return err
	}
	if *body == "" {
		return fmt.Errorf("%w: %s", errUsage, usage)
	}
	files, err := readFiles(attach)
	if err != nil {
		return err
	}
	return withCooperation(ctx, e, func(ctx context.Context, s *cooperation.Service) error {
		m, err := s.Message(ctx, ids[0], warden.MessageKind(*kind), *body, files)
		if err != nil {
			return err
		}
		return printJSON(e, m)
	})
}

// cmdRequestExtend asks for more time to answer an incoming request.
// A date alone means the end of that day where the requested side works
// (its time zone on the request).
func cmdRequestExtend(ctx context.Context, e *env, args []string) error {
	const usage = "request extend ID --until YYYY-MM-DD|RFC3339 --reason R"
	fs := newFlags("request extend", usage, e.stderr)
	until := fs.String("until", "", "the new answer deadline: a date (the end of that day in the requested side's time zone) or an RFC 3339 time (required)")
	reason := fs.String("reason", "", "why more time is needed (required)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	ids, err := requestIDs(pos, usage, "request id")
	if err != nil {
		return err
	}
	if *until == "" || *reason == "" {
		return fmt.Errorf("%w: %s", errUsage, usage)
	}
	return withCooperation(ctx, e, func(ctx context.Context, s *cooperation.Service) error {
		r, err := s.Get(ctx, ids[0])
		if err != nil {
			return err
		}
		t, err := untilTime(*until, r.Requested.TimeZone)
		if err != nil {
			return err
		}
		x, err := s.AskExtension(ctx, ids[0], t, *reason)
		if err != nil {
			return err
		}
		return printJSON(e, x)
	})
}

// untilTime reads --until: an RFC 3339 time, or a date meaning its last
// second in time zone tz.
func untilTime(v, tz string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	d, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: --until %q: give a date such as 2026-04-30 or an RFC 3339 time such as 2026-04-30T17:00:00+08:00", errUsage, v)
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return time.Time{}, fmt.Errorf("the request's requested time zone %q: %w", tz, err)
	}
	return time.Date(d.Year(), d.Month(), d.Day(), 23, 59, 59, 0, loc).UTC(), nil
}

// cmdRequestExtension grants or refuses an extension the counterpart
// asked on an outgoing request.
func cmdRequestExtension(ctx context.Context, e *env, args []string) error {
	const usage = "request extension grant|refuse ID EID --reason R"
	if len(args) == 0 || args[0] != "grant" && args[0] != "refuse" {
		return fmt.Errorf("%w: %s", errUsage, usage)
	}
	grant := args[0] == "grant"
	fs := newFlags("request extension "+args[0], usage, e.stderr)
	reason := fs.String("reason", "", "why (required)")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	ids, err := requestIDs(pos, usage, "request id", "extension id")
	if err != nil {
		return err
	}
	if *reason == "" {
		return fmt.Errorf("%w: %s", errUsage, usage)
	}
	return withCooperation(ctx, e, func(ctx context.Context, s *cooperation.Service) error {
		x, err := s.DecideExtension(ctx, ids[0], ids[1], grant, *reason)
		if err != nil {
			return err
		}
		return printJSON(e, x)
	})
}

// cmdRequestReview rates an answer to an outgoing request on the rubric
// and records how it was used.
func cmdRequestReview(ctx context.Context, e *env, args []string) error {
	const usage = "request review ID --message MID --completeness N --accuracy N --actionability N --updates N --use U [--comments TEXT]"
	fs := newFlags("request review", usage, e.stderr)
	var in cooperation.ReviewInput
	fs.Int64Var(&in.Message, "message", 0, "the answer's message `id` (required)")
	fs.IntVar(&in.Rubric.Completeness, "completeness", 0, "1 to 5 (required)")
	fs.IntVar(&in.Rubric.Accuracy, "accuracy", 0, "1 to 5 (required)")
	fs.IntVar(&in.Rubric.Actionability, "actionability", 0, "1 to 5 (required)")
	fs.IntVar(&in.Rubric.Updates, "updates", 0, "timeliness of updates, 1 to 5 (required)")
	use := fs.String("use", "", "how the answer was used: "+joinAny(warden.Uses)+" (required)")
	fs.StringVar(&in.Comments, "comments", "", "comments the counterpart sees")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	ids, err := requestIDs(pos, usage, "request id")
	if err != nil {
		return err
	}
	if in.Message <= 0 || *use == "" {
		return fmt.Errorf("%w: %s", errUsage, usage)
	}
	in.Use = warden.Use(*use)
	return withCooperation(ctx, e, func(ctx context.Context, s *cooperation.Service) error {
		rv, err := s.Review(ctx, ids[0], in)
		if err != nil {
			return err
		}
		return printJSON(e, rv)
	})
}

// cmdRequestRefer refers an outgoing request for sanctions: it opens a
// designation proposal for each party the request concerns, with the
// request, its thread and its timeline as evidence.
func cmdRequestRefer(ctx context.Context, e *env, args []string) error {
	const usage = "request refer ID --ground overdue|low_quality --reason R --order O --criterion C [--program P]"
	fs := newFlags("request refer", usage, e.stderr)
	var in cooperation.ReferInput
	ground := fs.String("ground", "", "overdue or low_quality (required)")
	fs.StringVar(&in.Reason, "reason", "", "why (required; the proposals' reasons carry it)")
	fs.StringVar(&in.LegalBasis.Order, "order", "", "the legal basis's order, e.g. E.O. 13694 (required)")
	fs.StringVar(&in.LegalBasis.Criterion, "criterion", "", "the legal basis's criterion (required)")
	fs.StringVar(&in.Program, "program", "", "the designation program (default: the first configured)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	ids, err := requestIDs(pos, usage, "request id")
	if err != nil {
		return err
	}
	if *ground == "" || in.Reason == "" {
		return fmt.Errorf("%w: %s", errUsage, usage)
	}
	in.Ground = warden.ReferralGround(*ground)
	return withCooperation(ctx, e, func(ctx context.Context, s *cooperation.Service) error {
		rf, err := s.Refer(ctx, ids[0], in)
		if err != nil {
			return err
		}
		return printJSON(e, rf)
	})
}

// cmdRequestPriorities prints the priority table, after setting it from a
// JSON file (an array of {priority, acknowledge, answer}) with --set.
func cmdRequestPriorities(ctx context.Context, e *env, args []string) error {
	const usage = "request priorities [--set FILE] [--json]"
	fs := newFlags("request priorities", usage, e.stderr)
	set := fs.String("set", "", "a JSON `file`: [{\"priority\": \"routine\", \"acknowledge\": {\"n\": 3, \"unit\": \"business_days\"}, \"answer\": {...}}, ...]")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return fmt.Errorf("%w: %s", errUsage, usage)
	}
	var table []warden.PriorityDeadlines
	if *set != "" {
		b, err := os.ReadFile(*set)
		if err != nil {
			return err
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&table); err != nil {
			return fmt.Errorf("%s: %w", *set, err)
		}
	}
	db, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	s := cooperationService(db)
	if *set != "" {
		if err := s.SetPriorityTable(ctx, table); err != nil {
			return err
		}
	}
	if table, err = s.PriorityTable(ctx); err != nil {
		return err
	}
	if *asJSON {
		return printJSON(e, map[string]any{"priorities": table})
	}
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "PRIORITY\tACKNOWLEDGE\tANSWER")
	for _, p := range table {
		fmt.Fprintf(w, "%s\t%s\t%s\n", p.Priority, p.Acknowledge, p.Answer)
	}
	return w.Flush()
}

// cmdRequestClosures lists an organisation's closures (days it does not
// work besides its country's public holidays), after adding or removing
// one.
func cmdRequestClosures(ctx context.Context, e *env, args []string) error {
	const usage = "request closures ORG [--add YYYY-MM-DD --reason R | --remove YYYY-MM-DD]"
	fs := newFlags("request closures", usage, e.stderr)
	add := fs.String("add", "", "a `date` the organisation is closed")
	reason := fs.String("reason", "", "why it is closed (with --add)")
	remove := fs.String("remove", "", "a closure's `date` to remove")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *add != "" && *remove != "" || *reason != "" && *add == "" {
		return fmt.Errorf("%w: %s", errUsage, usage)
	}
	org := pos[0]
	db, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	s := cooperationService(db)
	switch {
	case *add != "":
		err = s.AddClosure(ctx, warden.Closure{Org: org, Date: *add, Reason: *reason})
	case *remove != "":
		err = s.RemoveClosure(ctx, org, *remove)
	}
	if err != nil {
		return err
	}
	cs, err := s.Closures(ctx, org)
	if err != nil {
		return err
	}
	for _, c := range cs {
		fmt.Fprintf(e.stdout, "%s\t%s\n", c.Date, c.Reason)
	}
	return nil
}

// cmdRequestDialogue records a meeting of the high-level dialogue with a
// counterpart: a scorecard may run from the last one.
func cmdRequestDialogue(ctx context.Context, e *env, args []string) error {
	const usage = "request dialogue add --org ORG --on YYYY-MM-DD [--notes TEXT]"
	if len(args) == 0 || args[0] != "add" {
		return fmt.Errorf("%w: %s", errUsage, usage)
	}
	fs := newFlags("request dialogue add", usage, e.stderr)
	var d warden.Dialogue
	fs.StringVar(&d.Org, "org", "", "the counterpart organisation's `id` (required)")
	fs.StringVar(&d.HeldOn, "on", "", "the `date` it was held (required)")
	fs.StringVar(&d.Notes, "notes", "", "what was agreed")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 0 || d.Org == "" || d.HeldOn == "" {
		return fmt.Errorf("%w: %s", errUsage, usage)
	}
	db, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	d, err = cooperationService(db).AddDialogue(ctx, d)
	if err != nil {
		return err
	}
	return printJSON(e, d)
}
