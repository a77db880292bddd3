package hotline

import (
	"context"
	"errors"
	"fmt"
	"html"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"warden"
	"warden/store"
)

// sendsAtOnce bounds the notifications of one fired step that the firing
// job sends at the same time.
const sendsAtOnce = 8

// Fire fires step of round of an alert, if the alert is still triggered at
// that step and round and the step is due: the job engine calls it at the
// step's time. Otherwise it does nothing (another node or an earlier run
// fired the step, or someone acknowledged the alert).
func (s *Service) Fire(ctx context.Context, alert int64, step, round int) error {
	a, err := s.db.HotlineAlert(ctx, alert)
	if err != nil {
		if warden.ErrorCode(err) == warden.ENOTFOUND {
			return nil
		}
		return err
	}
	_, _, err = s.fireDue(ctx, a, step, round)
	return err
}

// fireDue fires a's step of round if it is due now, and sends the
// notifications due at once itself. It reports whether it fired the step
// and how many notifications it delivered.
func (s *Service) fireDue(ctx context.Context, a store.Alert, step, round int) (bool, int, error) {
	if a.Status != warden.AlertTriggered || a.Step != step || a.Round != round || a.NextAt == nil || a.NextAt.After(s.now()) {
		return false, 0, nil
	}
	pol, err := s.db.EscalationPolicy(ctx, a.Policy)
	if err != nil {
		return false, 0, err
	}
	if a.Step >= len(pol.Steps) {
		return s.fireGone(ctx, a, pol)
	}
	f, eps, err := s.fire(ctx, a, pol, *a.NextAt, "", nil)
	if err != nil || f == nil {
		return false, 0, err
	}
	var claimed []store.Outgoing
	for _, o := range f.Notifications {
		if !o.ClaimedUntil.IsZero() {
			claimed = append(claimed, o)
		}
	}
	a.Status, a.Step, a.Round, a.NextAt = warden.AlertTriggered, f.NextStep, f.NextRound, &f.NextAt
	return true, s.sendClaimed(ctx, &a.Alert, eps, claimed), nil
}

// fireGone moves on an alert whose due step its policy no longer has (the
// policy lost steps since the alert was raised): as if the policy's last
// step had fired, to the next round if one is left, or to the end of its
// escalation, with a log line saying so. The update is conditional on the
// step stored, as a fire is, so the alert is never left due with nothing
// to fire. It reports whether it moved the alert.
func (s *Service) fireGone(ctx context.Context, a store.Alert, pol warden.EscalationPolicy) (bool, int, error) {
	now := s.now()
	line := warden.HotlineEntry{At: now, Alert: a.ID, Kind: "escalation ended",
		Detail: fmt.Sprintf("the policy %q has no step %d any more (it has %d)", pol.Name, a.Step+1, len(pol.Steps))}
	f := store.AlertFire{Alert: a.ID, Fired: a.Fired, At: now, Step: a.Step, Round: a.Round, NextStep: len(pol.Steps), NextRound: a.Round}
	if step, round, next, ok := next(pol, a.Severity, len(pol.Steps)-1, a.Round, *a.NextAt); ok {
		f.NextStep, f.NextRound, f.NextAt = step, round, next
		line.Kind = "escalated"
		line.Detail += fmt.Sprintf(": round %d begins at step %d at %s", round+1, step+1, next.Format(time.RFC3339))
	}
	f.Log = []warden.HotlineEntry{line}
	fired, err := s.db.FireAlert(ctx, &f, nil)
	if err != nil || !fired {
		return false, 0, err
	}
	if !f.NextAt.IsZero() {
		s.enqueue(ctx, Job{Alert: a.ID, Step: f.NextStep, Round: f.NextRound, At: f.NextAt})
	}
	return true, 0, nil
}

// fire fires a.Step of a.Round at at (the time it was due), by the engine
// (who "") or by hand (who, audited as ev): the step's notifications and
// the alert moved to its next step, in one transaction. The engine's fire
// claims the notifications due now, for its caller to send (sendClaimed);
// the job engine gets the next step and the other notifications, in one
// insert. fire returns what it stored, with the endpoints it read, or nil
// if the alert moved since it was read.
func (s *Service) fire(ctx context.Context, a store.Alert, pol warden.EscalationPolicy, at time.Time, who string, ev *warden.AuditEvent) (*store.AlertFire, map[int64]warden.Endpoint, error) {
	now := s.now()
	eps := map[int64]warden.Endpoint{}
	outs, lines, err := s.plan(ctx, a.Alert, pol.Steps[a.Step], at, now, eps)
	if err != nil {
		return nil, nil, err
	}
	head := warden.HotlineEntry{At: now, Alert: a.ID, Kind: "escalated", Detail: fmt.Sprintf("step %d of %d, round %d", a.Step+1, len(pol.Steps), a.Round+1)}
	if who != "" {
		head.Kind, head.Actor = "escalated by hand", who
	}
	f := store.AlertFire{Alert: a.ID, Fired: a.Fired, Manual: who != "", At: now, Step: a.Step, Round: a.Round, NextStep: len(pol.Steps), NextRound: a.Round,
		Notifications: outs, Log: append([]warden.HotlineEntry{head}, lines...)}
	if who == "" {
		// A person escalating by hand does not wait for the sending.
		f.ClaimUntil = now.Add(s.o.ClaimFor)
	}
	if step, round, next, ok := next(pol, a.Severity, a.Step, a.Round, at); ok {
		f.NextStep, f.NextRound, f.NextAt = step, round, next
	}
	fired, err := s.db.FireAlert(ctx, &f, ev)
	if err != nil || !fired {
		return nil, nil, err
	}
	var jobs []Job
	for _, o := range f.Notifications {
		if o.ClaimedUntil.IsZero() {
			jobs = append(jobs, deliverJob(o.Notification))
		}
	}
	if !f.NextAt.IsZero() {
		jobs = append(jobs, Job{Alert: a.ID, Step: f.NextStep, Round: f.NextRound, At: f.NextAt})
	}
	s.enqueue(ctx, jobs...)
	return &f, eps, nil
}

// sendClaimed sends the notifications of alert a that fire claimed, a few
// at a time, records each outcome and schedules the retries. It returns
// how many it delivered. A process that dies before recording an outcome
// leaves the claim to run out, after which Reconcile schedules the
// notification again: it is sent at least once, and twice only if the
// receiver got it before the process died (receivers drop the duplicate
// by its DeliveryID).
func (s *Service) sendClaimed(ctx context.Context, a *warden.Alert, eps map[int64]warden.Endpoint, claimed []store.Outgoing) int {
	var delivered atomic.Int64
	var retries []Job
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, sendsAtOnce)
	for _, o := range claimed {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			var secrets []string
			if o.Endpoint != 0 {
				secrets = endpointSecrets(eps[o.Endpoint])
			}
			outcome, due, err := s.send(ctx, o, s.compose(o, a, secrets), o.Attempts)
			switch {
			case err != nil:
				s.o.Log.Warn("hotline: record delivery", "notification", o.ID, "err", err)
			case outcome == warden.NotificationDelivered:
				delivered.Add(1)
			case outcome == warden.NotificationFailed:
				mu.Lock()
				retries = append(retries, Job{Notification: o.ID, At: due})
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	s.enqueue(ctx, retries...)
	return int(delivered.Load())
}

// plan returns the notifications a step of a fired at at creates, one per
// destination, and the log lines for the targets it cannot reach.
// The endpoints it reads go into eps.
func (s *Service) plan(ctx context.Context, a warden.Alert, st warden.EscalationStep, at, now time.Time, eps map[int64]warden.Endpoint) ([]store.Outgoing, []warden.HotlineEntry, error) {
	var outs []store.Outgoing
	var lines []warden.HotlineEntry
	seen := map[string]bool{}
	add := func(o store.Outgoing) {
		if seen[o.Destination] {
			return
		}
		seen[o.Destination] = true
		o.Alert, o.Step, o.Round, o.Kind = a.ID, a.Step, a.Round, "alert"
		outs = append(outs, o)
	}
	missing := func(detail string) {
		lines = append(lines, warden.HotlineEntry{At: now, Alert: a.ID, Kind: "target missing", Detail: detail})
	}
	// person pages name through their verified methods. It reports false,
	// paging no one, if name was disabled: their methods are never used.
	person := func(name, why string) (bool, error) {
		ms, err := s.db.ContactMethods(ctx, name, true)
		if err != nil {
			return false, err
		}
		if len(ms) == 0 {
			// Disabled people's methods are not listed: say which it is.
			off, err := s.db.Disabled(ctx, name)
			if err != nil {
				return false, err
			}
			if off != nil {
				return false, nil
			}
			lines = append(lines, warden.HotlineEntry{At: now, Alert: a.ID, Kind: "no contact method", Detail: name + why})
		}
		for _, m := range ms {
			add(store.Outgoing{Notification: warden.Notification{Person: name, Method: m.ID, Channel: m.Channel, Address: m.Address, Format: m.Format,
				DueAt: at.Add(m.Delay.Std())}, Destination: "method:" + strconv.FormatInt(m.ID, 10)})
		}
		return true, nil
	}
	disabled := func(detail string) {
		lines = append(lines, warden.HotlineEntry{At: now, Alert: a.ID, Kind: "disabled", Detail: detail})
	}
	for _, t := range st.Targets {
		switch t.Kind {
		case warden.TargetPerson:
			ok, err := person(t.ID, "")
			if err != nil {
				return nil, nil, err
			}
			if !ok {
				disabled(t.ID + " is disabled")
			}
		case warden.TargetRotation:
			id, _ := strconv.ParseInt(t.ID, 10, 64)
			r, err := s.db.Rotation(ctx, id)
			if warden.ErrorCode(err) == warden.ENOTFOUND {
				missing("no rotation " + t.ID)
				continue
			}
			if err != nil {
				return nil, nil, err
			}
			sh, _, err := ShiftAt(r, at)
			if err != nil {
				missing(err.Error())
				continue
			}
			lines = append(lines, warden.HotlineEntry{At: now, Alert: a.ID, Kind: "on call", Detail: fmt.Sprintf("%s is on call in %q", sh.Person, r.Name)})
			ok, err := person(sh.Person, fmt.Sprintf(" (on call in %q)", r.Name))
			if err != nil {
				return nil, nil, err
			}
			// A disabled person on call is skipped for the next
			// participant in the rotation's order who is not.
			skipped := sh.Person
			for _, p := range after(r, sh.Person, at) {
				if ok {
					break
				}
				if ok, err = person(p, fmt.Sprintf(" (next on call in %q)", r.Name)); err != nil {
					return nil, nil, err
				}
				if ok {
					disabled(fmt.Sprintf("%s is disabled: paging %s, next in %q", skipped, p, r.Name))
				}
			}
			if !ok {
				disabled(fmt.Sprintf("%s is disabled, and so is everyone else in %q", skipped, r.Name))
			}
		case warden.TargetEndpoint:
			id, _ := strconv.ParseInt(t.ID, 10, 64)
			es, err := s.db.Endpoints(ctx, id)
			if warden.ErrorCode(err) == warden.ENOTFOUND {
				missing("no endpoint " + t.ID)
				continue
			}
			if err != nil {
				return nil, nil, err
			}
			e := es[0]
			eps[e.ID] = e
			add(store.Outgoing{Notification: warden.Notification{Endpoint: e.ID, Channel: e.Channel, Address: e.Address, Format: e.Format, DueAt: at},
				Destination: "endpoint:" + strconv.FormatInt(e.ID, 10)})
		}
	}
	return outs, lines, nil
}

// Deliver sends a notification, if it is pending or failed and no other
// node is sending it, and records the outcome. It returns an error when
// the attempt failed and another is due (the job engine retries it with
// backoff); after the configured attempts (the notification's own count,
// or the job engine's attempt if that is higher), or at once for a
// failure wrapping ErrPermanent, the notification is dead and Deliver
// returns nil.
func (s *Service) Deliver(ctx context.Context, notification int64, attempt int) error {
	_, err := s.deliver(ctx, notification, attempt)
	return err
}

// deliver is Deliver, which also returns the outcome: "" if the
// notification was not sent (not due, or another node has it).
func (s *Service) deliver(ctx context.Context, id int64, attempt int) (warden.NotificationStatus, error) {
	now := s.now()
	o, ok, err := s.db.ClaimNotification(ctx, id, now, now.Add(s.o.ClaimFor))
	if err != nil || !ok {
		return "", err
	}
	m, err := s.message(ctx, o)
	tries := max(o.Attempts, attempt)
	outcome, _, failure, err := s.sendWith(ctx, o, m, err, tries)
	if err != nil {
		return outcome, err
	}
	if outcome == warden.NotificationFailed {
		return outcome, fmt.Errorf("notification %d: attempt %d of %d: %w", o.ID, tries, s.o.Attempts, failure)
	}
	return outcome, nil
}

// send sends claimed notification o, saying m, on its tries-th attempt
// and records the outcome: delivered, failed (due again at the time it
// returns) or dead. The error is about recording it.
func (s *Service) send(ctx context.Context, o store.Outgoing, m Message, tries int) (warden.NotificationStatus, time.Time, error) {
	outcome, due, _, err := s.sendWith(ctx, o, m, nil, tries)
	return outcome, due, err
}

// sendWith is send, failing at once with err if it is not nil (the
// message could not be built); it also returns why the attempt failed.
func (s *Service) sendWith(ctx context.Context, o store.Outgoing, m Message, err error, tries int) (outcome warden.NotificationStatus, due time.Time, failure, _ error) {
	if err == nil {
		if sender := s.o.Senders[o.Channel]; sender == nil {
			err = fmt.Errorf("no sender for %s on this server", o.Channel)
		} else {
			err = sender.Send(ctx, o.Notification, m)
		}
	}
	at := s.now()
	line := warden.HotlineEntry{At: at, Alert: o.Alert, Notification: o.ID}
	due = o.DueAt
	switch {
	case err == nil:
		outcome, line.Kind, line.Detail = warden.NotificationDelivered, "delivered", fmt.Sprintf("%s to %s", o.Channel, warden.RedactAddress(o.Channel, o.Address))
	case tries >= s.o.Attempts || errors.Is(err, ErrPermanent):
		outcome, line.Kind, line.Detail = warden.NotificationDead, "dead", fmt.Sprintf("attempt %d of %d: %v", tries, s.o.Attempts, err)
	default:
		due = at.Add(s.retry(tries))
		outcome, line.Kind = warden.NotificationFailed, "failed"
		line.Detail = fmt.Sprintf("attempt %d of %d: %v; next after %s", tries, s.o.Attempts, err, due.Format(time.RFC3339))
	}
	errText := ""
	if err != nil {
		errText = err.Error()
	}
	// The attempt is made: record it even if the job is being stopped,
	// or it would be made again.
	if ferr := s.db.FinishNotification(context.WithoutCancel(ctx), o.ID, outcome, at, due, errText, line); ferr != nil {
		return "", due, err, ferr
	}
	s.Metrics.notification(o.Channel, outcome)
	return outcome, due, err, nil
}

// message builds what notification o says, reading its alert and its
// endpoint's secrets.
func (s *Service) message(ctx context.Context, o store.Outgoing) (Message, error) {
	if o.Alert == 0 {
		return s.compose(o, nil, nil), nil
	}
	a, err := s.db.HotlineAlert(ctx, o.Alert)
	if err != nil {
		return Message{}, err
	}
	var secrets []string
	if o.Endpoint != 0 {
		es, err := s.db.Endpoints(ctx, o.Endpoint)
		if err != nil {
			return Message{}, err
		}
		secrets = endpointSecrets(es[0])
	}
	return s.compose(o, &a.Alert, secrets), nil
}

// endpointSecrets are the secrets a webhook to e is signed with.
func endpointSecrets(e warden.Endpoint) []string {
	var out []string
	for _, sec := range []string{e.Secret, e.NextSecret} {
		if sec != "" {
			out = append(out, sec)
		}
	}
	return out
}

// compose builds what notification o says: about alert a (nil for a
// notification that is not an alert's, which carries its own text),
// signed with secrets if it goes to an endpoint.
func (s *Service) compose(o store.Outgoing, a *warden.Alert, secrets []string) Message {
	m := Message{DeliveryID: "warden-n-" + strconv.FormatInt(o.ID, 10), Event: o.Kind}
	if a == nil {
		m.Subject, m.Text = o.Subject, o.Body
		m.HTML = "<p>" + strings.ReplaceAll(html.EscapeString(o.Body), "\n", "<br>\n") + "</p>"
		return m
	}
	m.Alert, m.Secrets = a, secrets
	m.Event = "alert.escalated"
	if o.Step == 0 && o.Round == 0 {
		m.Event = "alert.triggered"
	}
	m.AckURL, m.ResolveURL = s.linkURL(o.Notification, "ack"), s.linkURL(o.Notification, "resolve")
	m.Subject = fmt.Sprintf("[%s] %s", a.Severity, a.Summary)
	facts := [][2]string{{"Alert", "#" + strconv.FormatInt(a.ID, 10)}, {"Severity", string(a.Severity)}, {"Raised", a.CreatedAt.UTC().Format(time.RFC3339) + " by " + a.CreatedBy},
		{"Step", fmt.Sprintf("%d, round %d", o.Step+1, o.Round+1)}}
	if a.Object != "" {
		facts = append(facts, [2]string{"About", a.Object})
	}
	var t, h strings.Builder
	fmt.Fprintf(&t, "%s\n\n", a.Summary)
	fmt.Fprintf(&h, "<h2>%s</h2>\n", html.EscapeString(a.Summary))
	if a.Details != "" {
		fmt.Fprintf(&t, "%s\n\n", a.Details)
		fmt.Fprintf(&h, "<p>%s</p>\n", strings.ReplaceAll(html.EscapeString(a.Details), "\n", "<br>\n"))
	}
	h.WriteString("<table>\n")
	for _, f := range facts {
		fmt.Fprintf(&t, "%s: %s\n", f[0], f[1])
		fmt.Fprintf(&h, "<tr><th align=\"left\">%s</th><td>%s</td></tr>\n", f[0], html.EscapeString(f[1]))
	}
	h.WriteString("</table>\n")
	page := s.o.BaseURL + "/hotline/alerts/" + strconv.FormatInt(a.ID, 10)
	fmt.Fprintf(&t, "\nAcknowledge: %s\nResolve: %s\nThe alert in Warden (signed in): %s\n", m.AckURL, m.ResolveURL, page)
	fmt.Fprintf(&h, "<p><a href=\"%s\">Acknowledge</a> &middot; <a href=\"%s\">Resolve</a> &middot; <a href=\"%s\">The alert in Warden</a></p>\n",
		html.EscapeString(m.AckURL), html.EscapeString(m.ResolveURL), html.EscapeString(page))
	m.Text, m.HTML = t.String(), h.String()
	return m
}

// Reconcile schedules, in the job engine, every alert step and every
// notification that is due and not being sent: those whose jobs were lost
// between a commit and their insertion, and those whose sender died (its
// claim ran out). Jobs are unique, so scheduling one that exists does
// nothing. It returns how many it scheduled.
func (s *Service) Reconcile(ctx context.Context) (int, error) {
	if s.o.Jobs == nil {
		return 0, nil
	}
	now := s.now()
	as, err := s.db.DueAlerts(ctx, now)
	if err != nil {
		return 0, err
	}
	ns, err := s.db.DueNotifications(ctx, now)
	if err != nil {
		return 0, err
	}
	jobs := make([]Job, 0, len(as)+len(ns))
	for _, a := range as {
		jobs = append(jobs, Job{Alert: a.ID, Step: a.Step, Round: a.Round, At: *a.NextAt})
	}
	for _, o := range ns {
		jobs = append(jobs, deliverJob(o.Notification))
	}
	for len(jobs) > 0 {
		n := min(len(jobs), reconcileBatch)
		if err := s.o.Jobs.InsertMany(ctx, jobs[:n]); err != nil {
			return 0, err
		}
		jobs = jobs[n:]
	}
	return len(as) + len(ns), nil
}

// Resume is Reconcile for a node whose job queue has just started, which
// every node runs, not only River's leader, which runs the periodic
// reconcile: a node restarted after a crash resumes the work at once. It
// also schedules each notification someone holds a claim on for when the
// claim runs out: if the holder died sending it (a node killed and
// restarted), this node sends it then; if the holder finished, the job
// finds nothing to do. It returns how many it scheduled.
func (s *Service) Resume(ctx context.Context) (int, error) {
	n, err := s.Reconcile(ctx)
	if err != nil || s.o.Jobs == nil {
		return n, err
	}
	ns, err := s.db.ClaimedNotifications(ctx, s.now())
	if err != nil {
		return n, err
	}
	jobs := make([]Job, len(ns))
	for i, o := range ns {
		jobs[i] = Job{Notification: o.ID, At: o.ClaimedUntil}
	}
	for len(jobs) > 0 {
		k := min(len(jobs), reconcileBatch)
		if err := s.o.Jobs.InsertMany(ctx, jobs[:k]); err != nil {
			return n, err
		}
		jobs, n = jobs[k:], n+k
	}
	return n, nil
}

// reconcileBatch is the most jobs Reconcile inserts in one transaction.
const reconcileBatch = 500

// RunDue does, at the service's clock, what the job engine would: it fires
// every step that is due (a step whose successor is due too fires that
// one next), sending the notifications due with it, and tries every other
// notification that is due once. It returns the steps fired and the
// notifications delivered. Failed attempts are not errors: they are
// recorded and due again later.
func (s *Service) RunDue(ctx context.Context) (fired, delivered int, err error) {
	for {
		as, err := s.db.DueAlerts(ctx, s.now())
		if err != nil {
			return fired, delivered, err
		}
		n := 0
		for _, a := range as {
			ok, d, err := s.fireDue(ctx, a, a.Step, a.Round)
			if err != nil {
				return fired, delivered, err
			}
			if ok {
				n++
			}
			delivered += d
		}
		fired += n
		if n == 0 {
			break
		}
	}
	ns, err := s.db.DueNotifications(ctx, s.now())
	if err != nil {
		return fired, delivered, err
	}
	for _, o := range ns {
		outcome, err := s.deliver(ctx, o.ID, 0)
		if outcome == "" && err != nil {
			return fired, delivered, err
		}
		if outcome == warden.NotificationDelivered {
			delivered++
		}
	}
	return fired, delivered, nil
}

// after returns the participants of r after person, in r's order, round to
// the one before: who would be on call next. For a person covering by an
// override, the order starts after the participant whose shift it is.
func after(r warden.Rotation, person string, at time.Time) []string {
	i := slices.Index(r.Participants, person)
	if i < 0 {
		r.Overrides = nil
		if sh, _, err := ShiftAt(r, at); err == nil {
			// The participant whose shift it is comes first.
			i = slices.Index(r.Participants, sh.Person) - 1
		}
	}
	var out []string
	for k := 1; k <= len(r.Participants); k++ {
		p := r.Participants[(i+k+len(r.Participants))%len(r.Participants)]
		if p != person && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// shown returns ns as a caller of role may see them: webhook addresses
// redacted (warden.RedactAddress) unless the role manages the hotline.
func shown(role warden.Role, ns []warden.Notification) []warden.Notification {
	if warden.Allowed(role, warden.ActHotlineManage) {
		return ns
	}
	for i := range ns {
		ns[i].Address = warden.RedactAddress(ns[i].Channel, ns[i].Address)
	}
	return ns
}
