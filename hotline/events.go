package hotline

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"warden"
	"warden/store"
)

// HandleEvents reads the domain events written since the last call (a
// cursor kept in the database): each enabled trigger on an event's type
// raises an alert (dedup key "event:<event>:trigger:<trigger>", so an
// event raises each trigger's alert once, on any node), and each verified
// contact method subscribed to the type gets a notification, if its
// person's role, as it is now, may read what the event is about (roles
// change after people subscribe). Alerts and notifications say what
// happened and where to look, never the event's payload, which only
// those who may read its object see, on its own page. It returns the
// events handled.
func (s *Service) HandleEvents(ctx context.Context) (int, error) {
	cursor, err := s.db.HotlineCursor(ctx)
	if err != nil {
		return 0, err
	}
	const batch = 500
	evs, err := s.db.Events(ctx, "", cursor, batch)
	if err != nil || len(evs) == 0 {
		return 0, err
	}
	ts, err := s.db.Triggers(ctx, 0)
	if err != nil {
		return 0, err
	}
	ms, err := s.db.ContactMethods(ctx, "", true)
	if err != nil {
		return 0, err
	}
	roles, err := s.roles(ctx, ms)
	if err != nil {
		return 0, err
	}
	now := s.now()
	var outs []store.Outgoing
	for _, e := range evs {
		for _, t := range ts {
			if !t.Enabled || t.Event != e.Type || !above(t, e) {
				continue
			}
			in := RaiseInput{Summary: summary(e), Details: where(e), Severity: t.Severity, Policy: t.Policy, Object: e.Object,
				DedupKey: fmt.Sprintf("event:%d:trigger:%d", e.ID, t.ID), Source: "event:" + strconv.FormatInt(e.ID, 10)}
			if _, _, err := s.raise(ctx, in, "trigger:"+strconv.FormatInt(t.ID, 10), nil); err != nil {
				return 0, fmt.Errorf("event %d, trigger %d: %w", e.ID, t.ID, err)
			}
		}
		for _, m := range ms {
			role, ok := roles[m.Person]
			if !ok || !subscribed(m.Events, e.Type) || !mayKnow(role, e.Type) {
				continue
			}
			outs = append(outs, store.Outgoing{Notification: warden.Notification{Kind: e.Type, Person: m.Person, Method: m.ID, Channel: m.Channel,
				Address: m.Address, Format: m.Format, DueAt: now.Add(m.Delay.Std())},
				Destination: fmt.Sprintf("event:%d:method:%d", e.ID, m.ID), Subject: "Warden: " + summary(e),
				Body: fmt.Sprintf("%s\n\n%s\nEvent %d at %s", summary(e), where(e), e.ID, e.CreatedAt.UTC().Format("2006-01-02 15:04:05 UTC"))})
		}
	}
	moved, err := s.db.AdvanceHotlineCursor(ctx, cursor, evs[len(evs)-1].ID, now, outs)
	if err != nil || !moved {
		return 0, err
	}
	var jobs []Job
	for _, o := range outs {
		if o.ID != 0 { // 0: another node stored it
			jobs = append(jobs, deliverJob(o.Notification))
		}
	}
	s.enqueue(ctx, jobs...)
	return len(evs), nil
}

// roles returns the role, as it is now, of each person with one of ms;
// a person disabled or gone has none, and is told nothing.
func (s *Service) roles(ctx context.Context, ms []store.ContactMethod) (map[string]warden.Role, error) {
	out := map[string]warden.Role{}
	for _, m := range ms {
		if _, ok := out[m.Person]; ok || len(m.Events) == 0 {
			continue
		}
		u, err := s.db.User(ctx, m.Person)
		if warden.ErrorCode(err) == warden.ENOTFOUND || err == nil && u.DisabledAt != nil {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[m.Person] = u.Role
	}
	return out, nil
}

// where says, in a line, where to read what an event is about: its
// object's page, for those who may read it.
func where(e warden.DomainEvent) string {
	if e.Object == "" {
		return "See the " + e.Type + " events in Warden."
	}
	kind, id, _ := strings.Cut(e.Object, ":")
	return "See " + kind + " " + id + " in Warden."
}

// newHits are the events that put a new possible hit in the review queue:
// what a person subscribed to "hits.new" is told about.
var newHits = []string{"payment.held", "customer.hit"}

// subscribed reports whether a contact method taking events is told about
// an event of type typ.
func subscribed(events []string, typ string) bool {
	return slices.Contains(events, typ) || slices.Contains(newHits, typ) && slices.Contains(events, "hits.new")
}

// summary says what an event is in a line.
func summary(e warden.DomainEvent) string {
	var p struct {
		Reference string       `json:"reference"`
		Amount    warden.Money `json:"amount"`
		Customer  string       `json:"customer"`
		List      string       `json:"list"`
		Version   any          `json:"version"`
		Import    string       `json:"import"`
		Source    string       `json:"source"`
		Added     int          `json:"added"`
		Versions  int          `json:"versions"`
	}
	json.Unmarshal(e.Payload, &p)
	if strings.HasPrefix(e.Type, "request.") {
		if s, ok := requestSummary(e); ok {
			return s
		}
	}
	switch {
	case strings.HasPrefix(e.Type, "payment.") && p.Amount.Currency != "":
		return fmt.Sprintf("payment %s of %s %s", p.Reference, p.Amount, strings.TrimPrefix(e.Type, "payment."))
	case e.Type == "customer.hit" && p.Customer != "":
		return fmt.Sprintf("customer %s is a possible hit", p.Customer)
	case e.Type == "list.changed" && p.List != "":
		return fmt.Sprintf("list %s changed (version %v)", p.List, p.Version)
	case e.Type == warden.EventIntelImported && p.Import != "":
		return fmt.Sprintf("intelligence imported from %s: %d new objects, %d new versions", p.Source, p.Added, p.Versions)
	}
	if e.Object != "" {
		return e.Type + " " + e.Object
	}
	return e.Type
}

// requestDoings say what each request event did, after "request REF
// (counterpart X)".
var requestDoings = map[string]string{
	warden.EventRequestSent:             "sent",
	warden.EventRequestAcknowledged:     "acknowledged",
	warden.EventRequestInProgress:       "in progress",
	warden.EventRequestMessage:          "has a new message",
	warden.EventRequestAnswered:         "answered",
	warden.EventRequestReviewed:         "answer reviewed",
	warden.EventRequestClosed:           "closed",
	warden.EventRequestRefused:          "refused",
	warden.EventRequestWithdrawn:        "withdrawn",
	warden.EventRequestLapsed:           "lapsed",
	warden.EventRequestExtensionAsked:   "extension asked",
	warden.EventRequestExtensionDecided: "extension decided",
	warden.EventRequestReferred:         "referred for sanctions",
	warden.EventRequestReviewResponded:  "review responded to",
}

// requestSummary says what a request event is in a line, from its
// warden.RequestEvent payload: "request R-7 (counterpart cn-mps)
// deadline to acknowledge missed (due 2026-03-03 17:00 UTC)". A liaison
// knows from it which request and which side's clock, without opening
// the event. False for a payload without a reference.
func requestSummary(e warden.DomainEvent) (string, bool) {
	var p warden.RequestEvent
	if json.Unmarshal(e.Payload, &p) != nil || p.Reference == "" {
		return "", false
	}
	head := "request " + p.Reference
	if p.Counterpart != "" {
		head += " (counterpart " + p.Counterpart + ")"
	}
	var what string
	switch e.Type {
	case warden.EventRequestDeadlineMissed, warden.EventRequestDeadlineNear:
		what = "deadline to " + p.Deadline + " missed"
		if e.Type == warden.EventRequestDeadlineNear {
			what = "deadline to " + p.Deadline + " approaching"
		}
		if p.Due != nil {
			what += " (due " + p.Due.UTC().Format("2006-01-02 15:04 UTC") + ")"
		}
	default:
		var ok bool
		if what, ok = requestDoings[e.Type]; !ok {
			what = strings.TrimPrefix(e.Type, "request.")
		}
	}
	return head + " " + what, true
}

// above reports whether e passes t's minimum amount: a payment.blocked
// event at least the minimum in its currency (none in its currency: no),
// or any event of a trigger without minimums.
func above(t warden.Trigger, e warden.DomainEvent) bool {
	if len(t.MinAmount) == 0 {
		return true
	}
	var p struct {
		Amount warden.Money `json:"amount"`
	}
	if json.Unmarshal(e.Payload, &p) != nil {
		return false
	}
	for _, m := range t.MinAmount {
		if m.Currency == p.Amount.Currency {
			return p.Amount.Minor >= m.Minor
		}
	}
	return false
}
