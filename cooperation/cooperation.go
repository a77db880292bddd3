// Package cooperation runs requests for information and assistance about
// malicious cyber activity between the authority and its counterparts:
// drafting and sending them, the requested side's acknowledgement and
// answers in its own portal, deadlines counted in the requested side's
// business time, extensions, the requester's review of each answer,
// scorecards for the dialogue, and referral for sanctions.
package cooperation

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"warden"
	"warden/designation"
	"warden/store"
)

// DefaultMaxAttachment is the largest attachment accepted (10 MiB).
const DefaultMaxAttachment = 10 << 20

// Scanner checks an attachment before it is stored (a virus scanner):
// an error refuses the file. None is configured by default.
type Scanner interface {
	Scan(ctx context.Context, name string, data []byte) error
}

// Designator opens designation proposals for a referral: the
// designation service.
type Designator interface {
	Create(ctx context.Context, in designation.Input, propose bool) (warden.Designation, error)
	AddEvidence(ctx context.Context, id int64, name string, data []byte) (warden.Evidence, error)
}

// Service runs the cooperation workflow. Set its fields before use; New
// fills the defaults.
type Service struct {
	DB *store.DB
	// Designations opens the proposals a referral makes; nil stores the
	// referral alone.
	Designations Designator
	// Now is the clock; time.Now if nil.
	Now func() time.Time
	// MaxAttachment is the largest attachment; Scanner, if set, checks
	// each.
	MaxAttachment int64
	Scanner       Scanner
}

// New returns the service over db.
func New(db *store.DB, des Designator) *Service {
	return &Service{DB: db, Designations: des, MaxAttachment: DefaultMaxAttachment}
}

// now is the time of a step, in UTC to the microsecond the store keeps,
// so that what a method returns is what a later read gives.
func (s *Service) now() time.Time {
	t := time.Now()
	if s.Now != nil {
		t = s.Now()
	}
	return t.UTC().Truncate(time.Microsecond)
}

// Limits on what a request holds, in characters.
const (
	maxReference = 64
	maxLine      = 1000
	maxText      = 20000
)

// maxAheadDays is how far ahead a requester's due_by and an extension's
// until may be: a year, leap day included.
const maxAheadDays = 366

// orgOf is the organisation a principal acts for: a counterpart's own,
// home for everyone else.
func orgOf(p warden.Principal) string {
	if p.Role == warden.RoleCounterpart {
		return p.Org
	}
	return warden.HomeOrg
}

// visible reports whether p may learn that r exists: home people see
// every request, a counterpart those its organisation sent or is asked,
// except the authority's that were never sent (drafts, and drafts
// withdrawn), which were never addressed to it.
func visible(p warden.Principal, r *warden.Request) bool {
	if p.Role != warden.RoleCounterpart {
		return true
	}
	return r.Counterpart == p.Org && !(r.Direction == warden.Outgoing && r.SentAt == nil)
}

// view is r as p may see it: a counterpart sees only the shared links,
// and the authority as the one who drafted it (see person).
func view(p warden.Principal, r warden.Request) warden.Request {
	if p.Role != warden.RoleCounterpart {
		return r
	}
	r.CreatedBy = person(p, r.Requester(), r.CreatedBy)
	if r.Links == nil {
		return r
	}
	links := []warden.RequestLink{}
	for _, l := range r.Links {
		if l.Shared {
			links = append(links, l)
		}
	}
	r.Links = links
	return r
}

// person is how p sees name, a person of organisation org: a counterpart
// sees the authority's people as the authority (warden.HomeOrg), never
// by name; anyone else, and anything but a person's name (none, the
// system), as it is.
func person(p warden.Principal, org, name string) string {
	if p.Role == warden.RoleCounterpart && org == warden.HomeOrg && name != "" && name != system {
		return warden.HomeOrg
	}
	return name
}

// viewMessage is m as p may see it: its author, and who attached its
// files, as person says.
func viewMessage(p warden.Principal, m warden.RequestMessage) warden.RequestMessage {
	m.Author = person(p, m.Org, m.Author)
	if p.Role == warden.RoleCounterpart && len(m.Attachments) > 0 {
		as := make([]warden.Attachment, len(m.Attachments))
		for i, a := range m.Attachments {
			a.AddedBy = person(p, m.Org, a.AddedBy)
			as[i] = a
		}
		m.Attachments = as
	}
	return m
}

// viewExtension is x, of request r, as p may see it: the requested side
// asks, the requesting side decides (see person).
func viewExtension(p warden.Principal, r *warden.Request, x warden.Extension) warden.Extension {
	x.AskedBy, x.DecidedBy = person(p, r.Responder(), x.AskedBy), person(p, r.Requester(), x.DecidedBy)
	return x
}

// viewReview is v, of request r, as p may see it: the requesting side
// rates, the requested side responds (see person).
func viewReview(p warden.Principal, r *warden.Request, v warden.Review) warden.Review {
	v.By, v.RespondedBy = person(p, r.Requester(), v.By), person(p, r.Responder(), v.RespondedBy)
	return v
}

// load authorises action and returns request id as stored; ENOTFOUND if
// there is none or p may not see it.
func (s *Service) load(ctx context.Context, action warden.Action, id int64) (warden.Principal, warden.Request, error) {
	p, err := warden.Authorize(ctx, action)
	if err != nil {
		return p, warden.Request{}, err
	}
	r, err := s.DB.Request(ctx, id)
	if err == nil && !visible(p, &r) {
		err = warden.Errorf(warden.ENOTFOUND, "no request %d", id)
	}
	return p, r, err
}

// side says which side of a request may take a step.
type side int

const (
	requester side = iota // the side that asks
	responder             // the side asked
	either
)

// step is one thing a side does to a request: the permission it needs,
// the side that takes it, what that side does (for errors: "the
// requested side acknowledges"), and the statuses it is taken from.
type step struct {
	action  warden.Action
	side    side
	does    string
	allowed func(r *warden.Request, now time.Time) error
}

// begin authorises st on request id for the principal in ctx and checks
// the request's status allows it now: ENOTFOUND for a request p may not
// see, EFORBIDDEN for the wrong side, EINVALID naming status for a step
// out of order.
func (s *Service) begin(ctx context.Context, id int64, st step) (warden.Principal, warden.Request, time.Time, error) {
	p, r, err := s.load(ctx, st.action, id)
	if err != nil {
		return p, r, time.Time{}, err
	}
	switch org := orgOf(p); {
	case st.side == requester && org != r.Requester():
		return p, r, time.Time{}, warden.Errorf(warden.EFORBIDDEN, "the requesting side %s; %s is the requested side of request %d", st.does, org, id)
	case st.side == responder && org != r.Responder():
		return p, r, time.Time{}, warden.Errorf(warden.EFORBIDDEN, "the requested side %s; %s is the requesting side of request %d", st.does, org, id)
	}
	now := s.now()
	if st.allowed != nil {
		if err := st.allowed(&r, now); err != nil {
			return p, r, now, err
		}
	}
	return p, r, now, nil
}

// stale maps a store conflict (someone moved the request between the
// read and the write) to the status error the step now meets, if it
// meets one; other errors are returned as they are.
func (s *Service) stale(ctx context.Context, id int64, st step, err error) error {
	if warden.ErrorCode(err) != warden.ECONFLICT || st.allowed == nil {
		return err
	}
	cur, rerr := s.DB.Request(ctx, id)
	if rerr != nil {
		return err
	}
	if serr := st.allowed(&cur, s.now()); serr != nil {
		return serr
	}
	return err
}

// only returns a status rule: r's status must be one of ok, else EINVALID
// "status: request 7 is draft; only a sent request can be acknowledged"
// with want the end of that sentence.
func only(want string, ok ...warden.RequestStatus) func(*warden.Request, time.Time) error {
	return func(r *warden.Request, _ time.Time) error {
		for _, st := range ok {
			if r.Status == st {
				return nil
			}
		}
		return statusError(r, want)
	}
}

func statusError(r *warden.Request, want string) error {
	status := string(r.Status)
	if (r.Status == warden.RequestAnswered || r.Status == warden.RequestReviewed) && r.Answer != "" {
		status += " (" + string(r.Answer) + ")"
	}
	return warden.Errorf(warden.EINVALID, "status: request %d is %s; %s", r.ID, status, want)
}

// awaiting reports whether r waits for an answer (Request.AwaitsAnswer).
func awaiting(r *warden.Request) bool { return r.AwaitsAnswer() }

// object is the object a request's events name.
func object(id int64) string { return "request:" + strconv.FormatInt(id, 10) }

// event is the domain event typ of r at now; deadline and due for the
// deadline events.
func event(typ string, r *warden.Request, now time.Time, deadline string, due *time.Time) warden.DomainEvent {
	b, _ := json.Marshal(warden.RequestEvent{Reference: r.Reference, Counterpart: r.Counterpart, Direction: r.Direction, Priority: r.Priority,
		Status: r.Status, Deadline: deadline, Due: due})
	return warden.DomainEvent{Type: typ, Object: object(r.ID), Payload: b, CreatedAt: now}
}

// audit is the audit event of a step on r.
func audit(ctx context.Context, action string, r *warden.Request, reason string, detail map[string]any) *warden.AuditEvent {
	if detail == nil {
		detail = map[string]any{}
	}
	detail["reference"], detail["status"] = r.Reference, r.Status
	return warden.NewAuditEvent(ctx, action, object(r.ID), reason, detail)
}

// required checks required text: present and well formed.
func required(kind warden.TextKind, field, v string, max int) error {
	if warden.Blank(v) {
		return warden.Errorf(warden.EINVALID, "%s is required", field)
	}
	return warden.CheckText(kind, field, v, max)
}

// The lifecycle's steps: who takes each, and from which statuses.
var (
	stepSend        = step{warden.ActRequestsWrite, requester, "sends its requests", only("only a draft can be sent", warden.RequestDraft)}
	stepAcknowledge = step{warden.ActRequestsWrite, responder, "acknowledges", only("only a sent request can be acknowledged", warden.RequestSent)}
	stepStart       = step{warden.ActRequestsWrite, responder, "starts work", only("only a sent or acknowledged request can be started", warden.RequestSent, warden.RequestAcknowledged)}
	stepRefuse      = step{warden.ActRequestsWrite, responder, "refuses", only("only a sent, acknowledged or in-progress request can be refused",
		warden.RequestSent, warden.RequestAcknowledged, warden.RequestInProgress)}
	stepWithdraw = step{warden.ActRequestsWrite, requester, "withdraws its requests", func(r *warden.Request, _ time.Time) error {
		if r.Status == warden.RequestDraft || awaiting(r) {
			return nil
		}
		return statusError(r, "only a draft or a request not yet answered in full can be withdrawn")
	}}
	stepLapse = step{warden.ActRequestsWrite, requester, "lets its requests lapse", func(r *warden.Request, now time.Time) error {
		if !r.Status.Open() {
			return statusError(r, "only a sent, acknowledged or in-progress request can lapse")
		}
		if r.AnswerDue != nil && !now.After(*r.AnswerDue) {
			return statusError(r, fmt.Sprintf("its answer deadline %s has not passed; it can lapse only once it has", r.AnswerDue.Format(time.RFC3339)))
		}
		return nil
	}}
	stepClose = step{warden.ActRequestsWrite, requester, "closes its requests", only("only an answered or reviewed request can be closed", warden.RequestAnswered, warden.RequestReviewed)}
	stepAsk   = step{warden.ActRequestsWrite, responder, "asks for more time", awaitingAnswer("only a request awaiting its answer can be extended")}
	stepGrant = step{warden.ActRequestsWrite, requester, "decides extensions", awaitingAnswer("extensions are decided only while the request awaits its answer")}
)

// awaitingAnswer is the rule of a step taken while a request awaits its
// answer (see awaiting).
func awaitingAnswer(want string) func(*warden.Request, time.Time) error {
	return func(r *warden.Request, _ time.Time) error {
		if awaiting(r) {
			return nil
		}
		return statusError(r, want)
	}
}

// move stores r, changed by a step from status from at now, with the
// step's events and, if note says something, note as an update message of
// p's in the thread, all in one transaction.
func (s *Service) move(ctx context.Context, p warden.Principal, r *warden.Request, from warden.RequestStatus, now time.Time, note string, ev *warden.AuditEvent, events ...warden.DomainEvent) error {
	if warden.Blank(note) {
		return s.DB.UpdateRequest(ctx, r, from, now, ev, events...)
	}
	m := warden.RequestMessage{Request: r.ID, Kind: warden.MessageUpdate, Body: note, Author: p.Name, Org: orgOf(p), CreatedAt: now, Attachments: []warden.Attachment{}}
	return s.DB.AddRequestMessage(ctx, &m, nil, r, from, ev, events...)
}

// Send sends a draft (the requester side): it stamps sent_at and sets the
// acknowledgement and answer deadlines from the priority table in the
// requested side's business time (see deadlines); answer_due_original is
// the answer deadline as first set. EINVALID naming status for anything
// but a draft, naming due_by if the draft's own date has passed.
func (s *Service) Send(ctx context.Context, id int64) (warden.Request, error) {
	p, r, now, err := s.begin(ctx, id, stepSend)
	if err != nil {
		return warden.Request{}, err
	}
	if err := s.deadlines(ctx, &r, now); err != nil {
		return warden.Request{}, err
	}
	from := r.Status
	r.Status, r.SentAt = warden.RequestSent, &now
	ev := audit(ctx, "request.send", &r, "", map[string]any{"ack_due": r.AckDue, "answer_due": r.AnswerDue})
	if err := s.DB.UpdateRequest(ctx, &r, from, now, ev, event(warden.EventRequestSent, &r, now, "", nil)); err != nil {
		return warden.Request{}, s.stale(ctx, id, stepSend, err)
	}
	return view(p, r), nil
}

// stampAck stamps r acknowledged at now, with the requested side's
// business time since it was sent, unless it is already; it returns the
// request.acknowledged event if it did.
func (s *Service) stampAck(ctx context.Context, r *warden.Request, now time.Time) ([]warden.DomainEvent, error) {
	if r.AcknowledgedAt != nil {
		return nil, nil
	}
	secs, err := s.businessSecs(ctx, r, now)
	if err != nil {
		return nil, err
	}
	r.AcknowledgedAt, r.AckBusinessSecs = &now, &secs
	return []warden.DomainEvent{event(warden.EventRequestAcknowledged, r, now, "", nil)}, nil
}

// Acknowledge acknowledges a sent request (the requested side), storing
// the business time it took; a note goes to the thread. EINVALID naming
// status unless the request is sent.
func (s *Service) Acknowledge(ctx context.Context, id int64, note string) (warden.Request, error) {
	p, r, now, err := s.begin(ctx, id, stepAcknowledge)
	if err != nil {
		return warden.Request{}, err
	}
	if err := warden.CheckText(warden.TextNote, "note", note, maxText); err != nil {
		return warden.Request{}, err
	}
	from := r.Status
	r.Status = warden.RequestAcknowledged
	events, err := s.stampAck(ctx, &r, now)
	if err != nil {
		return warden.Request{}, err
	}
	ev := audit(ctx, "request.acknowledge", &r, note, map[string]any{"ack_business_secs": r.AckBusinessSecs})
	if err := s.move(ctx, p, &r, from, now, note, ev, events...); err != nil {
		return warden.Request{}, s.stale(ctx, id, stepAcknowledge, err)
	}
	return view(p, r), nil
}

// Start marks a sent or acknowledged request in progress (the requested
// side), acknowledging it too if it was not; a note goes to the thread.
func (s *Service) Start(ctx context.Context, id int64, note string) (warden.Request, error) {
	p, r, now, err := s.begin(ctx, id, stepStart)
	if err != nil {
		return warden.Request{}, err
	}
	if err := warden.CheckText(warden.TextNote, "note", note, maxText); err != nil {
		return warden.Request{}, err
	}
	from := r.Status
	r.Status = warden.RequestInProgress
	events, err := s.stampAck(ctx, &r, now)
	if err != nil {
		return warden.Request{}, err
	}
	events = append(events, event(warden.EventRequestInProgress, &r, now, "", nil))
	if err := s.move(ctx, p, &r, from, now, note, audit(ctx, "request.start", &r, note, nil), events...); err != nil {
		return warden.Request{}, s.stale(ctx, id, stepStart, err)
	}
	return view(p, r), nil
}

// Refuse refuses a sent, acknowledged or in-progress request (the
// requested side) for a reason of warden.RefusalReasons, with text (which
// "other" requires); the extensions still asked are refused (see
// finish). EINVALID naming reason or text for bad input.
func (s *Service) Refuse(ctx context.Context, id int64, reason warden.RefusalReason, text string) (warden.Request, error) {
	p, r, now, err := s.begin(ctx, id, stepRefuse)
	if err != nil {
		return warden.Request{}, err
	}
	if !reason.Valid() {
		return warden.Request{}, warden.Errorf(warden.EINVALID, "reason %q must be one of %s", reason, join(warden.RefusalReasons))
	}
	if reason == warden.RefusalOther {
		err = required(warden.TextNote, "text", text, maxText)
	} else {
		err = warden.CheckText(warden.TextNote, "text", text, maxText)
	}
	if err != nil {
		return warden.Request{}, err
	}
	from := r.Status
	r.Status, r.ClosedAt, r.RefusalReason, r.RefusalText = warden.RequestRefused, &now, reason, text
	ev := audit(ctx, "request.refuse", &r, text, map[string]any{"refusal_reason": reason})
	if err := s.finish(ctx, p, &r, from, now, "", ev, event(warden.EventRequestRefused, &r, now, "", nil)); err != nil {
		return warden.Request{}, s.stale(ctx, id, stepRefuse, err)
	}
	return view(p, r), nil
}

// system is who decides what no one decided: the extensions still asked
// of a request that ends.
const system = "system"

// ended says, for an extension still asked, why it was refused: the
// request it would extend ended in status st.
var ended = map[warden.RequestStatus]string{
	warden.RequestRefused: "the request was refused", warden.RequestWithdrawn: "the request was withdrawn",
	warden.RequestLapsed: "the request lapsed", warden.RequestClosed: "the request was closed",
}

// finish stores r, ended by a step of p's from status from at now, with
// note, if it says something, as an update in the thread, and refuses
// the extensions still asked of it (decided by the system, saying how
// the request ended), all in one transaction with the step's events.
func (s *Service) finish(ctx context.Context, p warden.Principal, r *warden.Request, from warden.RequestStatus, now time.Time, note string, ev *warden.AuditEvent, events ...warden.DomainEvent) error {
	var m *warden.RequestMessage
	if !warden.Blank(note) {
		m = &warden.RequestMessage{Request: r.ID, Kind: warden.MessageUpdate, Body: note, Author: p.Name, Org: orgOf(p), CreatedAt: now, Attachments: []warden.Attachment{}}
	}
	return s.DB.EndRequest(ctx, r, from, now, m, store.Ending{By: system, Decision: ended[r.Status]}, ev, events...)
}

// Withdraw withdraws a request (the requester side) that is a draft or
// not yet answered in full; the reason goes to the thread.
func (s *Service) Withdraw(ctx context.Context, id int64, reason string) (warden.Request, error) {
	return s.end(ctx, id, stepWithdraw, warden.RequestWithdrawn, "request.withdraw", warden.EventRequestWithdrawn, "reason", reason)
}

// Lapse lets a sent, acknowledged or in-progress request go once its
// answer deadline has passed (the requester side); the reason goes to
// the thread. EINVALID naming status before the deadline.
func (s *Service) Lapse(ctx context.Context, id int64, reason string) (warden.Request, error) {
	return s.end(ctx, id, stepLapse, warden.RequestLapsed, "request.lapse", warden.EventRequestLapsed, "reason", reason)
}

// Close closes an answered or reviewed request (the requester side); a
// note goes to the thread. A request answered only in part ends there:
// its answered_at becomes the last partial answer's time.
func (s *Service) Close(ctx context.Context, id int64, note string) (warden.Request, error) {
	return s.end(ctx, id, stepClose, warden.RequestClosed, "request.close", warden.EventRequestClosed, "note", note)
}

// end takes a step that ends request id in status to, stamping closed_at,
// with its audit action and event; note (field names it) goes to the
// thread, and the extensions still asked are refused (see finish).
func (s *Service) end(ctx context.Context, id int64, st step, to warden.RequestStatus, action, typ, field, note string) (warden.Request, error) {
	p, r, now, err := s.begin(ctx, id, st)
	if err != nil {
		return warden.Request{}, err
	}
	if err := warden.CheckText(warden.TextNote, field, note, maxText); err != nil {
		return warden.Request{}, err
	}
	if to == warden.RequestClosed && r.AnsweredAt == nil && r.FirstAnswerAt != nil {
		if err := s.endedByPartial(ctx, &r); err != nil {
			return warden.Request{}, err
		}
	}
	from := r.Status
	r.Status, r.ClosedAt = to, &now
	if err := s.finish(ctx, p, &r, from, now, note, audit(ctx, action, &r, note, nil), event(typ, &r, now, "", nil)); err != nil {
		return warden.Request{}, s.stale(ctx, id, st, err)
	}
	return view(p, r), nil
}

// endedByPartial sets r's answered_at, and its business seconds, to the
// time of its last answer: the partial answer that ended it.
func (s *Service) endedByPartial(ctx context.Context, r *warden.Request) error {
	ms, err := s.DB.RequestMessages(ctx, r.ID)
	if err != nil {
		return err
	}
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].Kind != warden.MessageAnswer {
			continue
		}
		at := ms[i].CreatedAt
		secs, err := s.businessSecs(ctx, r, at)
		if err != nil {
			return err
		}
		r.AnsweredAt, r.AnswerBusinessSecs = &at, &secs
		return nil
	}
	return nil
}

// checkUntil refuses, as EINVALID naming until, a new answer deadline
// that is not after now and after r's current one, or is more than 366
// days ahead; what says whose date it is ("" for the one asked now).
func checkUntil(r *warden.Request, until, now time.Time, what string) error {
	switch last := now.AddDate(0, 0, maxAheadDays); {
	case !until.After(now):
		return warden.Errorf(warden.EINVALID, "until: %s%s has passed", what, until.Format(time.RFC3339))
	case r.AnswerDue != nil && !until.After(*r.AnswerDue):
		return warden.Errorf(warden.EINVALID, "until: %s%s is not after the answer deadline %s", what, until.Format(time.RFC3339), r.AnswerDue.Format(time.RFC3339))
	case until.After(last):
		return warden.Errorf(warden.EINVALID, "until: %s%s is more than %d days ahead; the latest allowed is %s", what, until.Format(time.RFC3339), maxAheadDays, last.Format(time.RFC3339))
	}
	return nil
}

// AskExtension asks for the answer deadline to move to until (the
// requested side), for reason, while the request awaits its answer.
// EINVALID naming until if it is not after now and after the current
// answer deadline, or more than 366 days ahead; reason if there is none.
func (s *Service) AskExtension(ctx context.Context, id int64, until time.Time, reason string) (warden.Extension, error) {
	p, r, now, err := s.begin(ctx, id, stepAsk)
	if err != nil {
		return warden.Extension{}, err
	}
	until = until.UTC().Truncate(time.Microsecond)
	if err := checkUntil(&r, until, now, ""); err != nil {
		return warden.Extension{}, err
	}
	if err := required(warden.TextNote, "reason", reason, maxText); err != nil {
		return warden.Extension{}, err
	}
	x := warden.Extension{Request: id, Until: until, Reason: reason, Status: warden.ExtensionAsked, AskedBy: p.Name, AskedAt: now}
	ev := audit(ctx, "request.extension.ask", &r, reason, map[string]any{"until": until})
	if err := s.DB.AddExtension(ctx, &x, r.Status, ev, event(warden.EventRequestExtensionAsked, &r, now, "answer", &until)); err != nil {
		return warden.Extension{}, s.stale(ctx, id, stepAsk, err)
	}
	return viewExtension(p, &r, x), nil
}

// DecideExtension grants or refuses an asked extension (the requester
// side) while the request awaits its answer: a granted one moves
// answer_due to its until (answer_due_original stays) and the deadline
// sweep watches the new deadline; either way with a reason. ENOTFOUND if
// the request has no such extension; EINVALID naming reason if there is
// none, status if it was decided, until if a grant
// would set a deadline that has passed, is not after the current one or
// is more than 366 days ahead.
func (s *Service) DecideExtension(ctx context.Context, id, extension int64, grant bool, reason string) (warden.Extension, error) {
	p, r, now, err := s.begin(ctx, id, stepGrant)
	if err != nil {
		return warden.Extension{}, err
	}
	x, err := s.DB.RequestExtension(ctx, id, extension)
	if err != nil {
		return warden.Extension{}, err
	}
	if x.Status != warden.ExtensionAsked {
		return warden.Extension{}, warden.Errorf(warden.EINVALID, "status: extension %d is %s; only an asked extension can be decided", extension, x.Status)
	}
	if err := required(warden.TextNote, "reason", reason, maxText); err != nil {
		return warden.Extension{}, err
	}
	x.Status, x.DecidedBy, x.DecidedAt, x.Decision = warden.ExtensionRefused, p.Name, &now, reason
	var moved *warden.Request
	if grant {
		if err := checkUntil(&r, x.Until, now, fmt.Sprintf("extension %d asks for ", extension)); err != nil {
			return warden.Extension{}, err
		}
		cal, err := s.calendar(ctx, r.Requested, *r.SentAt)
		if err != nil {
			return warden.Extension{}, err
		}
		until := x.Until
		noteCalendar(&r, cal, *r.SentAt, until)
		x.Status, r.AnswerDue, moved = warden.ExtensionGranted, &until, &r
	}
	ev := audit(ctx, "request.extension.decide", &r, reason, map[string]any{"extension": x.ID, "decision": x.Status, "answer_due": r.AnswerDue})
	if err := s.DB.DecideExtension(ctx, &x, moved, r.Status, ev, event(warden.EventRequestExtensionDecided, &r, now, "answer", r.AnswerDue)); err != nil {
		return warden.Extension{}, s.stale(ctx, id, stepGrant, err)
	}
	return viewExtension(p, &r, x), nil
}

// Extensions returns the extensions asked for request id, oldest first
// (to a counterpart, the authority's people as the authority).
func (s *Service) Extensions(ctx context.Context, id int64) ([]warden.Extension, error) {
	p, r, err := s.load(ctx, warden.ActRequestsRead, id)
	if err != nil {
		return nil, err
	}
	xs, err := s.DB.RequestExtensions(ctx, id)
	for i := range xs {
		xs[i] = viewExtension(p, &r, xs[i])
	}
	return xs, err
}

// join lists values for an error message.
func join[T ~string](vs []T) string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return strings.Join(out, ", ")
}
