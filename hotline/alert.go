package hotline

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"warden"
	"warden/store"
)

// RaiseInput is an alert to raise: by hand, from an outside system, or
// from a trigger.
type RaiseInput struct {
	Summary  string          `json:"summary"`
	Details  string          `json:"details,omitempty"`
	Severity warden.Severity `json:"severity"`
	// Policy escalates the alert; 0 picks the only policy, if there is
	// exactly one.
	Policy int64 `json:"policy,omitempty"`
	// Object is what the alert is about: request:ID, case:ID,
	// designation:ID.
	Object string `json:"object,omitempty"`
	// DedupKey makes raising idempotent: while an alert with the key is
	// not resolved, raising again returns it.
	DedupKey string `json:"dedup_key,omitempty"`
	// Source is where the alert comes from: api, ui or cli ("api" if
	// empty).
	Source string `json:"source,omitempty"`
}

// Raise raises an alert (hotline.raise), audited, and returns it with
// created false if an alert with the same dedup key is open. An alert
// raised in a suppression window of its policy is suppressed: it notifies
// nobody. A step due in a maintenance window is due at the window's end.
func (s *Service) Raise(ctx context.Context, in RaiseInput) (warden.Alert, bool, error) {
	p, err := warden.Authorize(ctx, warden.ActHotlineRaise)
	if err != nil {
		return warden.Alert{}, false, err
	}
	if err := checkRaise(&in); err != nil {
		return warden.Alert{}, false, err
	}
	if in.Severity == "" {
		in.Severity = warden.SeverityHigh
	}
	if !in.Severity.Valid() {
		return warden.Alert{}, false, warden.Errorf(warden.EINVALID, "severity %q is not critical, high or low", in.Severity)
	}
	switch in.Source {
	case "":
		in.Source = "api"
	case "api", "ui", "cli":
	default:
		return warden.Alert{}, false, warden.Errorf(warden.EINVALID, "source %q is not api, ui or cli", in.Source)
	}
	if in.Policy == 0 {
		id, err := s.policyFor(ctx, in.Severity)
		if err != nil {
			return warden.Alert{}, false, err
		}
		in.Policy = id
	}
	ev := warden.NewAuditEvent(ctx, "hotline.raise", "", "", map[string]any{"summary": in.Summary, "severity": in.Severity, "policy": in.Policy, "object": in.Object})
	return s.raise(ctx, in, p.Name, ev)
}

// objectRE is what an alert may be about: kind:id, as request:12,
// case:7, designation:3, customer:C-779.
var objectRE = regexp.MustCompile(`^[A-Za-z][A-Za-z-]*:[A-Za-z0-9_.:/-]+$`)

// checkRaise trims and checks the text of an alert raised by a person or
// an outside system: it is shown on pages, in e-mails and in chat, and
// must read there as it was sent.
func checkRaise(in *RaiseInput) error {
	in.Summary = strings.TrimSpace(in.Summary)
	in.Details = strings.TrimSpace(in.Details)
	in.Object = strings.TrimSpace(in.Object)
	if in.Summary == "" {
		return warden.Errorf(warden.EINVALID, "an alert needs a summary")
	}
	if err := warden.CheckText(warden.TextName, "the summary", in.Summary, 500); err != nil {
		return err
	}
	if err := warden.CheckText(warden.TextNote, "the details", in.Details, 10000); err != nil {
		return err
	}
	if err := warden.CheckText(warden.TextID, "the dedup key", in.DedupKey, 200); err != nil {
		return err
	}
	if strings.HasPrefix(in.DedupKey, "event:") {
		return warden.Errorf(warden.EINVALID, "dedup keys beginning with event: are the triggers'")
	}
	if in.Object != "" && (len(in.Object) > 200 || !objectRE.MatchString(in.Object)) {
		return warden.Errorf(warden.EINVALID, "the object must be kind:id, such as case:12 or designation:3 (letters, digits, -_.:/, at most 200 characters)")
	}
	return nil
}

// policyFor picks the policy of an alert that names none: the one policy
// that takes alerts of severity sev, or else the only policy there is.
func (s *Service) policyFor(ctx context.Context, sev warden.Severity) (int64, error) {
	ps, err := s.db.EscalationPolicies(ctx)
	if err != nil {
		return 0, err
	}
	var names []string
	var id int64
	for _, p := range ps {
		if slices.Contains(p.Severities, sev) {
			names, id = append(names, strconv.Quote(p.Name)), p.ID
		}
	}
	switch {
	case len(names) == 1:
		return id, nil
	case len(names) > 1:
		return 0, warden.Errorf(warden.EINVALID, "say which escalation policy: %s all take %s alerts", strings.Join(names, ", "), sev)
	case len(ps) == 1:
		return ps[0].ID, nil
	}
	return 0, warden.Errorf(warden.EINVALID, "say which escalation policy: none takes %s alerts and there are %d", sev, len(ps))
}

// raise stores an alert raised by who (a person, or the trigger that
// raised it, ev nil) and schedules its first step.
func (s *Service) raise(ctx context.Context, in RaiseInput, who string, ev *warden.AuditEvent) (warden.Alert, bool, error) {
	pol, err := s.db.EscalationPolicy(ctx, in.Policy)
	if err != nil {
		if warden.ErrorCode(err) == warden.ENOTFOUND {
			return warden.Alert{}, false, warden.Errorf(warden.EINVALID, "no escalation policy %d", in.Policy)
		}
		return warden.Alert{}, false, err
	}
	now := s.now()
	a := warden.Alert{Summary: in.Summary, Details: in.Details, Severity: in.Severity, Policy: pol.ID, Source: in.Source, Object: in.Object,
		DedupKey: in.DedupKey, Status: warden.AlertTriggered, CreatedBy: who, CreatedAt: now}
	line := warden.HotlineEntry{At: now, Kind: "triggered", Actor: who, Detail: fmt.Sprintf("%s: %s (policy %q)", in.Severity, in.Summary, pol.Name)}
	var suppressed time.Time
	if w, ok := window(pol, warden.WindowSuppression, now); ok {
		suppressed = w.Start
		a.Status = warden.AlertSuppressed
		line.Kind, line.Detail = "suppressed", fmt.Sprintf("%s: %s, raised in a suppression window until %s %s", in.Severity, in.Summary, w.End.UTC().Format(time.RFC3339), w.Reason)
	} else if step, round, at, ok := next(pol, a.Severity, -1, 0, now); ok {
		a.Step, a.Round, a.NextAt = step, round, &at
	}
	created, err := s.db.RaiseAlert(ctx, &a, strings.HasPrefix(in.DedupKey, "event:"), suppressed, []warden.HotlineEntry{line}, ev)
	if err != nil {
		return a, false, err
	}
	if created {
		s.enqueue(ctx, fireJob(a)...)
	}
	return a, created, nil
}

// window returns the window of kind of p that covers t, if any.
func window(p warden.EscalationPolicy, kind warden.WindowKind, t time.Time) (warden.Window, bool) {
	for _, w := range p.Windows {
		if w.Kind == kind && w.Covers(t) {
			return w, true
		}
	}
	return warden.Window{}, false
}

// next returns the step that fires after step (-1: before the first) of
// round, for an alert of sev, and when: its delay after from, postponed to
// the end of any maintenance window that covers it. Steps that rank above
// sev are skipped; after the last step the policy starts again while
// rounds remain. It reports false if nothing is left.
func next(p warden.EscalationPolicy, sev warden.Severity, step, round int, from time.Time) (int, int, time.Time, bool) {
	for {
		step++
		if step >= len(p.Steps) {
			if round >= p.Repeat {
				return 0, 0, time.Time{}, false
			}
			step, round = 0, round+1
		}
		st := p.Steps[step]
		if st.MinSeverity.Rank() > sev.Rank() {
			if !anyEligible(p, sev) {
				return 0, 0, time.Time{}, false
			}
			continue
		}
		at := from.Add(st.Delay.Std())
		for {
			w, ok := window(p, warden.WindowMaintenance, at)
			if !ok {
				break
			}
			at = w.End
		}
		return step, round, at, true
	}
}

func anyEligible(p warden.EscalationPolicy, sev warden.Severity) bool {
	for _, st := range p.Steps {
		if st.MinSeverity.Rank() <= sev.Rank() {
			return true
		}
	}
	return false
}

// Alert returns one alert (hotline.read).
func (s *Service) Alert(ctx context.Context, id int64) (warden.Alert, error) {
	if _, err := warden.Authorize(ctx, warden.ActHotlineRead); err != nil {
		return warden.Alert{}, err
	}
	a, err := s.db.HotlineAlert(ctx, id)
	return a.Alert, err
}

// Lists of alerts and of log lines hold DefaultLimit items unless asked
// for more, and at most MaxLimit: the rest is read page by page.
const (
	DefaultLimit = 200
	MaxLimit     = 1000
)

// limit checks a list's limit: 0 is DefaultLimit.
func limit(n int) (int, error) {
	switch {
	case n == 0:
		return DefaultLimit, nil
	case n < 0 || n > MaxLimit:
		return 0, warden.Errorf(warden.EINVALID, "limit must be between 1 and %d", MaxLimit)
	}
	return n, nil
}

// AlertFilter selects alerts; zero fields do not filter, but a zero
// Limit is DefaultLimit.
type AlertFilter struct {
	Status warden.AlertStatus
	Object string
	Limit  int
}

// Alerts lists the alerts f selects, newest first (hotline.read);
// EINVALID for a status that is none.
func (s *Service) Alerts(ctx context.Context, f AlertFilter) ([]warden.Alert, error) {
	if _, err := warden.Authorize(ctx, warden.ActHotlineRead); err != nil {
		return nil, err
	}
	switch f.Status {
	case "", warden.AlertTriggered, warden.AlertAcknowledged, warden.AlertResolved, warden.AlertSuppressed:
	default:
		return nil, warden.Errorf(warden.EINVALID, "status %q is not triggered, acknowledged, resolved or suppressed", f.Status)
	}
	n, err := limit(f.Limit)
	if err != nil {
		return nil, err
	}
	return s.db.HotlineAlerts(ctx, f.Status, f.Object, n)
}

// Acknowledge acknowledges a triggered alert (hotline.respond), audited:
// its escalation stops and its notifications not yet sent are cancelled.
// ECONFLICT if it is acknowledged, resolved or suppressed (a suppressed
// alert notifies nobody: it is resolved, not acknowledged).
func (s *Service) Acknowledge(ctx context.Context, id int64, note string) (warden.Alert, error) {
	p, err := warden.Authorize(ctx, warden.ActHotlineRespond)
	if err != nil {
		return warden.Alert{}, err
	}
	ev := warden.NewAuditEvent(ctx, "hotline.acknowledge", alertObject(id), note, nil)
	return s.setStatus(ctx, id, warden.AlertAcknowledged, p.Name, note, nil, ev)
}

// Resolve resolves an alert that is not resolved yet (hotline.respond),
// audited: its escalation stops and its notifications not yet sent are
// cancelled.
func (s *Service) Resolve(ctx context.Context, id int64, note string) (warden.Alert, error) {
	p, err := warden.Authorize(ctx, warden.ActHotlineRespond)
	if err != nil {
		return warden.Alert{}, err
	}
	ev := warden.NewAuditEvent(ctx, "hotline.resolve", alertObject(id), note, nil)
	return s.setStatus(ctx, id, warden.AlertResolved, p.Name, note, nil, ev)
}

func alertObject(id int64) string { return "alert:" + strconv.FormatInt(id, 10) }

// setStatus acknowledges or resolves an alert for who, with the link used
// if any, and times the acknowledgement.
func (s *Service) setStatus(ctx context.Context, id int64, to warden.AlertStatus, who, note string, link *store.LinkUse, ev *warden.AuditEvent) (warden.Alert, error) {
	from := []warden.AlertStatus{warden.AlertTriggered}
	kind := "acknowledged"
	if to == warden.AlertResolved {
		from, kind = append(from, warden.AlertAcknowledged, warden.AlertSuppressed), "resolved"
	}
	now := s.now()
	lines := []warden.HotlineEntry{{At: now, Alert: id, Kind: kind, Actor: who, Detail: note}}
	if link != nil {
		lines = append([]warden.HotlineEntry{{At: now, Alert: id, Notification: link.Notification, Kind: "link used", Actor: who, Detail: link.Action}}, lines...)
	}
	a, err := s.db.SetAlertStatus(ctx, id, from, to, who, now, link, lines, ev)
	if err != nil {
		return a, err
	}
	if to == warden.AlertAcknowledged {
		s.Metrics.acknowledged(now.Sub(a.CreatedAt))
	}
	return a, nil
}

// EscalateTo fires step (counted from 0) of an alert's policy now, by hand
// (hotline.respond), audited, whatever the alert's severity; escalation
// goes on from there. An acknowledged alert is triggered again; a resolved
// one is ECONFLICT.
func (s *Service) EscalateTo(ctx context.Context, id int64, step int) (warden.Alert, error) {
	p, err := warden.Authorize(ctx, warden.ActHotlineRespond)
	if err != nil {
		return warden.Alert{}, err
	}
	a, err := s.db.HotlineAlert(ctx, id)
	if err != nil {
		return warden.Alert{}, err
	}
	if a.Status == warden.AlertResolved {
		return a.Alert, warden.Errorf(warden.ECONFLICT, "alert %d is resolved", id)
	}
	pol, err := s.db.EscalationPolicy(ctx, a.Policy)
	if err != nil {
		return a.Alert, err
	}
	if step < 0 || step >= len(pol.Steps) {
		// Said as the pages number steps, from 1, and as the API does.
		return a.Alert, warden.Errorf(warden.EINVALID, "policy %q has steps 1 to %d: there is no step %d (%d counted from 0, as the API counts)",
			pol.Name, len(pol.Steps), step+1, step)
	}
	ev := warden.NewAuditEvent(ctx, "hotline.escalate", alertObject(id), "", map[string]int{"step": step})
	a.Step = step
	f, _, err := s.fire(ctx, a, pol, s.now(), p.Name, ev)
	if err != nil {
		return a.Alert, err
	}
	if f == nil {
		return a.Alert, warden.Errorf(warden.ECONFLICT, "alert %d changed while it was escalated: try again", id)
	}
	b, err := s.db.HotlineAlert(ctx, id)
	return b.Alert, err
}

// Notifications lists an alert's notifications (hotline.read).
func (s *Service) Notifications(ctx context.Context, alert int64) ([]warden.Notification, error) {
	p, err := warden.Authorize(ctx, warden.ActHotlineRead)
	if err != nil {
		return nil, err
	}
	ns, err := s.db.Notifications(ctx, alert)
	return shown(p.Role, plain(ns)), err
}

func plain(os []store.Outgoing) []warden.Notification {
	out := make([]warden.Notification, len(os))
	for i, o := range os {
		out[i] = o.Notification
	}
	return out
}

// LogFilter selects lines of the hotline log: an alert's (0: all), after a
// line id, at most Limit (0: DefaultLimit).
type LogFilter struct {
	Alert int64
	After int64
	Limit int
}

// Log returns the hotline log lines f selects, oldest first
// (hotline.read).
func (s *Service) Log(ctx context.Context, f LogFilter) ([]warden.HotlineEntry, error) {
	if _, err := warden.Authorize(ctx, warden.ActHotlineRead); err != nil {
		return nil, err
	}
	n, err := limit(f.Limit)
	if err != nil {
		return nil, err
	}
	return s.db.HotlineLog(ctx, f.Alert, f.After, n)
}

// DeadLetters lists the dead notifications: tried the configured number of
// times without success (hotline.manage).
func (s *Service) DeadLetters(ctx context.Context) ([]warden.Notification, error) {
	if _, err := warden.Authorize(ctx, warden.ActHotlineManage); err != nil {
		return nil, err
	}
	ns, err := s.db.NotificationsWith(ctx, warden.NotificationDead, time.Time{})
	return plain(ns), err
}

// Replay sends a dead notification again (hotline.manage), audited: it is
// pending again, with its attempts reset.
func (s *Service) Replay(ctx context.Context, notification int64) (warden.Notification, error) {
	p, err := warden.Authorize(ctx, warden.ActHotlineManage)
	if err != nil {
		return warden.Notification{}, err
	}
	now := s.now()
	o, err := s.db.ReplayNotification(ctx, notification, now, warden.HotlineEntry{At: now, Kind: "replayed", Actor: p.Name, Notification: notification},
		warden.NewAuditEvent(ctx, "hotline.replay", "notification:"+strconv.FormatInt(notification, 10), "", nil))
	if err != nil {
		return o.Notification, err
	}
	s.enqueue(ctx, deliverJob(o.Notification))
	return o.Notification, nil
}
