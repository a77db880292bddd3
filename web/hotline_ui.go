package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"warden"
	"warden/hotline"
)

// The hotline's pages: alerts (raise, acknowledge, resolve, escalate), one
// alert's timeline, policies, who is on call, the log, dead letters, one's
// own contact methods, and the page a signed link opens.

// hotlineView renders a hotline page; a failed form is shown with its
// error and the status the error maps to.
func (s *Server) hotlineView(w http.ResponseWriter, r *http.Request, status int, page, title string, data map[string]any, flash string, err error) {
	v := view{Title: title, Nav: "hotline", Flash: flash, Data: data}
	if err != nil {
		status, _, v.Error = s.status(r, err)
	}
	s.render(w, r, status, page, v)
}

// names maps the ids of the policies, rotations and endpoints to their
// names, for pages that show targets.
type names struct {
	Policies, Rotations, Endpoints map[int64]string
}

func (s *Server) hotlineNames(r *http.Request) (names, []warden.EscalationPolicy, error) {
	n := names{map[int64]string{}, map[int64]string{}, map[int64]string{}}
	ps, err := s.Hotline.Policies(r.Context())
	if err != nil {
		return n, nil, err
	}
	for _, p := range ps {
		n.Policies[p.ID] = p.Name
	}
	rs, err := s.Hotline.Rotations(r.Context())
	if err != nil {
		return n, nil, err
	}
	for _, x := range rs {
		n.Rotations[x.ID] = x.Name
	}
	es, err := s.Hotline.Endpoints(r.Context())
	if err != nil {
		return n, nil, err
	}
	for _, e := range es {
		n.Endpoints[e.ID] = e.Name
	}
	return n, ps, nil
}

// stepText says a step in words: "after 5m0s: person alice, rotation
// Primary (high and above)".
func (n names) stepText(st warden.EscalationStep) string {
	var ts []string
	for _, t := range st.Targets {
		id, _ := strconv.ParseInt(t.ID, 10, 64)
		switch t.Kind {
		case warden.TargetRotation:
			ts = append(ts, "whoever is on call in "+cmpName(n.Rotations[id], t.ID))
		case warden.TargetEndpoint:
			ts = append(ts, "endpoint "+cmpName(n.Endpoints[id], t.ID))
		default:
			ts = append(ts, string(t.Kind)+" "+t.ID)
		}
	}
	s := fmt.Sprintf("after %s: %s", st.Delay.Std(), strings.Join(ts, ", "))
	if st.MinSeverity != "" {
		s += fmt.Sprintf(" (%s and above)", st.MinSeverity)
	}
	return s
}

func cmpName(name, id string) string {
	if name == "" {
		return "#" + id
	}
	return name
}

// alertsPage lists the alerts, the open ones first, with the form that
// raises one (its object filled from ?object=).
func (s *Server) alertsPage(w http.ResponseWriter, r *http.Request) {
	s.alertsView(w, r, http.StatusOK, hotline.RaiseInput{Object: r.URL.Query().Get("object"), Severity: warden.SeverityHigh}, "", nil)
}

// raisePage shows the form that raises an alert, its object filled from
// ?object=: where the "raise on the hotline" links of other pages lead,
// open to every role that may raise alerts, including those that may not
// read them (a screener).
func (s *Server) raisePage(w http.ResponseWriter, r *http.Request) {
	s.raiseView(w, r, http.StatusOK, hotline.RaiseInput{Object: r.URL.Query().Get("object"), Severity: warden.SeverityHigh}, "", nil)
}

// raiseView shows the raise form; the policies to choose from to those
// who may read them.
func (s *Server) raiseView(w http.ResponseWriter, r *http.Request, status int, form hotline.RaiseInput, flash string, ferr error) {
	var ps []warden.EscalationPolicy
	if canRead(r) {
		var err error
		if ps, err = s.Hotline.Policies(r.Context()); err != nil {
			s.errorPage(w, r, err)
			return
		}
	}
	s.hotlineView(w, r, status, "hotline-raise", "Raise on the hotline", map[string]any{"Policies": ps, "Form": form,
		"Severities": []warden.Severity{warden.SeverityCritical, warden.SeverityHigh, warden.SeverityLow}}, flash, ferr)
}

// alertsView shows the alerts page.
func (s *Server) alertsView(w http.ResponseWriter, r *http.Request, status int, form hotline.RaiseInput, flash string, ferr error) {
	as, err := s.Hotline.Alerts(r.Context(), hotline.AlertFilter{Limit: 500})
	var n names
	var ps []warden.EscalationPolicy
	if err == nil {
		n, ps, err = s.hotlineNames(r)
	}
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	var open, closed []warden.Alert
	for _, a := range as {
		if a.Status == warden.AlertTriggered || a.Status == warden.AlertAcknowledged {
			open = append(open, a)
		} else {
			closed = append(closed, a)
		}
	}
	s.hotlineView(w, r, status, "hotline-alerts", "Hotline", map[string]any{"Open": open, "Closed": closed, "Names": n, "Policies": ps, "Form": form,
		"Severities": []warden.Severity{warden.SeverityCritical, warden.SeverityHigh, warden.SeverityLow}}, flash, ferr)
}

// raiseForm raises an alert from the raise form (on its page or the
// alerts page) and shows it; a refused form is shown again with its error.
func (s *Server) raiseForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	in := hotline.RaiseInput{Summary: r.PostFormValue("summary"), Details: r.PostFormValue("details"), Severity: warden.Severity(r.PostFormValue("severity")),
		Object: strings.TrimSpace(r.PostFormValue("object")), Source: "ui"}
	var err error
	if v := r.PostFormValue("policy"); v != "" {
		if in.Policy, err = parseDigits(v); err != nil {
			err = warden.Errorf(warden.EINVALID, "choose an escalation policy")
		}
	}
	var a warden.Alert
	if err == nil {
		a, _, err = s.Hotline.Raise(r.Context(), in)
	}
	if err != nil {
		status, _, _ := s.status(r, err)
		s.raiseView(w, r, status, in, "", err)
		return
	}
	if !canRead(r) {
		s.raiseView(w, r, http.StatusOK, hotline.RaiseInput{Severity: warden.SeverityHigh}, fmt.Sprintf("Alert %d is raised.", a.ID), nil)
		return
	}
	goTo(w, r, fmt.Sprintf("/hotline/alerts/%d", a.ID))
}

// canRead reports whether the caller may read the hotline.
func canRead(r *http.Request) bool {
	p, _ := warden.PrincipalFrom(r.Context())
	return warden.Allowed(p.Role, warden.ActHotlineRead)
}

// alertPage shows one alert: what it is, the buttons that act on it, its
// timeline from the hotline log and its notifications.
func (s *Server) alertPage(w http.ResponseWriter, r *http.Request) {
	id, err := hotlineID(r, "alert")
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	s.alertView(w, r, http.StatusOK, id, "", nil)
}

func (s *Server) alertView(w http.ResponseWriter, r *http.Request, status int, id int64, flash string, ferr error) {
	d, err := s.alertDetail(r, id)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	n, _, err := s.hotlineNames(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	var steps []string
	var numbers []int
	if p, err := s.Hotline.Policy(r.Context(), d.Alert.Policy); err == nil {
		for i, st := range p.Steps {
			steps, numbers = append(steps, n.stepText(st)), append(numbers, i+1)
		}
	}
	// Pages count steps and rounds from 1; the API from 0.
	type notification struct {
		warden.Notification
		StepNo, RoundNo int
	}
	ns := make([]notification, len(d.Notifications))
	for i, x := range d.Notifications {
		ns[i] = notification{x, x.Step + 1, x.Round + 1}
	}
	s.hotlineView(w, r, status, "hotline-alert", fmt.Sprintf("Alert %d", id), map[string]any{"D": d, "Names": n, "Steps": steps, "StepNumbers": numbers, "Notifications": ns,
		"Open": d.Alert.Status == warden.AlertTriggered || d.Alert.Status == warden.AlertAcknowledged}, flash, ferr)
}

// alertForm acknowledges, resolves or escalates an alert from its page.
func (s *Server) alertForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	id, err := hotlineID(r, "alert")
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	note := r.PostFormValue("note")
	var a warden.Alert
	switch op := r.PostFormValue("op"); op {
	case "ack":
		a, err = s.Hotline.Acknowledge(r.Context(), id, note)
	case "resolve":
		a, err = s.Hotline.Resolve(r.Context(), id, note)
	case "escalate":
		var step int64
		if step, err = parseDigits(r.PostFormValue("step")); err == nil {
			a, err = s.Hotline.EscalateTo(r.Context(), id, int(step-1))
		} else {
			err = warden.Errorf(warden.EINVALID, "choose the step to escalate to")
		}
	default:
		err = warden.Errorf(warden.EINVALID, "choose acknowledge, resolve or escalate")
	}
	if err != nil {
		status, _, _ := s.status(r, err)
		s.alertView(w, r, status, id, "", err)
		return
	}
	s.alertView(w, r, http.StatusOK, id, fmt.Sprintf("Alert %d is %s.", a.ID, a.Status), nil)
}

// policyForm is the policy form as typed: the steps and windows as JSON.
type policyForm struct {
	Name, Description, Repeat, Steps, Windows string
	Severities                                []string // the severities ticked
}

const stepsExample = `[{"delay": "0s", "targets": [{"kind": "rotation", "id": "1"}]},
 {"delay": "15m", "targets": [{"kind": "person", "id": "alice"}], "min_severity": "high"}]`

func (s *Server) policiesPage(w http.ResponseWriter, r *http.Request) {
	s.policiesView(w, r, http.StatusOK, policyForm{Repeat: "0", Steps: stepsExample}, "", nil)
}

func (s *Server) policiesView(w http.ResponseWriter, r *http.Request, status int, f policyForm, flash string, ferr error) {
	n, ps, err := s.hotlineNames(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	type policyShown struct {
		warden.EscalationPolicy
		Steps []string
	}
	out := make([]policyShown, 0, len(ps))
	for _, p := range ps {
		x := policyShown{EscalationPolicy: p}
		for _, st := range p.Steps {
			x.Steps = append(x.Steps, n.stepText(st))
		}
		out = append(out, x)
	}
	s.hotlineView(w, r, status, "hotline-policies", "Escalation policies", map[string]any{"Policies": out, "Form": f}, flash, ferr)
}

// policyCreateForm creates a policy from the form.
func (s *Server) policyCreateForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	f := policyForm{Name: r.PostFormValue("name"), Description: r.PostFormValue("description"), Repeat: r.PostFormValue("repeat"), Steps: r.PostFormValue("steps"), Windows: r.PostFormValue("windows"),
		Severities: r.PostForm["severities"]}
	p := warden.EscalationPolicy{Name: f.Name, Description: f.Description}
	for _, v := range f.Severities {
		p.Severities = append(p.Severities, warden.Severity(v))
	}
	var err error
	if strings.TrimSpace(f.Repeat) != "" {
		var n int64
		n, err = parseDigits(strings.TrimSpace(f.Repeat))
		p.Repeat = int(n)
	}
	if err == nil {
		err = formJSON("steps", f.Steps, &p.Steps)
	}
	if err == nil && strings.TrimSpace(f.Windows) != "" {
		err = formJSON("windows", f.Windows, &p.Windows)
	}
	if err == nil {
		p, err = s.Hotline.CreatePolicy(r.Context(), p)
	}
	if err != nil {
		status, _, _ := s.status(r, err)
		s.policiesView(w, r, status, f, "", err)
		return
	}
	s.policiesView(w, r, http.StatusOK, policyForm{Repeat: "0", Steps: stepsExample}, fmt.Sprintf("Policy %q created (id %d).", p.Name, p.ID), nil)
}

// formJSON reads a form field holding JSON into v, refusing fields v does
// not have.
func formJSON(field, text string, v any) error {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if warden.ErrorCode(err) == warden.EINVALID {
			return warden.Errorf(warden.EINVALID, "%s: %s", field, warden.ErrorMessage(err))
		}
		return warden.Errorf(warden.EINVALID, "%s: not the JSON the example shows: %v", field, err)
	}
	return nil
}

// onCallPage shows every rotation with who is on call now and next, the
// form that creates a rotation and the one that adds an override.
func (s *Server) onCallPage(w http.ResponseWriter, r *http.Request) {
	s.onCallView(w, r, http.StatusOK, rotationForm{TimeZone: "UTC", ShiftLength: "1", ShiftUnit: "weeks"}, "", nil)
}

// rotationForm is the rotation form as typed.
type rotationForm struct {
	Name, TimeZone, Start, ShiftLength, ShiftUnit, Participants string
}

func (s *Server) onCallView(w http.ResponseWriter, r *http.Request, status int, f rotationForm, flash string, ferr error) {
	now := s.now()
	oc, err := s.Hotline.OnCall(r.Context(), now)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	s.hotlineView(w, r, status, "hotline-oncall", "On call", map[string]any{"OnCall": oc, "Now": now, "Form": f,
		"Units": []warden.ShiftUnit{warden.ShiftHours, warden.ShiftDays, warden.ShiftWeeks}}, flash, ferr)
}

// localTime reads a datetime-local field (or an RFC 3339 time) in zone.
func localTime(field, v, zone string) (time.Time, error) {
	v = strings.TrimSpace(v)
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return time.Time{}, warden.Errorf(warden.EINVALID, "time zone %q is unknown: use an IANA name such as Europe/Paris", zone)
	}
	t, err := time.ParseInLocation("2006-01-02T15:04", v, loc)
	if err != nil {
		return t, warden.Errorf(warden.EINVALID, "%s must be a time YYYY-MM-DDTHH:MM", field)
	}
	return t, nil
}

// rotationCreateForm creates a rotation: its start is read in its time
// zone.
func (s *Server) rotationCreateForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	v := r.PostFormValue
	f := rotationForm{Name: v("name"), TimeZone: strings.TrimSpace(v("time_zone")), Start: v("start"), ShiftLength: v("shift_length"), ShiftUnit: v("shift_unit"), Participants: v("participants")}
	rot := warden.Rotation{Name: f.Name, TimeZone: f.TimeZone, ShiftUnit: warden.ShiftUnit(f.ShiftUnit), Participants: lines(f.Participants, true)}
	n, err := parseDigits(strings.TrimSpace(f.ShiftLength))
	if err != nil {
		err = warden.Errorf(warden.EINVALID, "shift length must be a whole number")
	}
	rot.ShiftLength = int(n)
	if err == nil {
		rot.Start, err = localTime("start", f.Start, f.TimeZone)
	}
	if err == nil {
		rot, err = s.Hotline.CreateRotation(r.Context(), rot)
	}
	if err != nil {
		status, _, _ := s.status(r, err)
		s.onCallView(w, r, status, f, "", err)
		return
	}
	s.onCallView(w, r, http.StatusOK, rotationForm{TimeZone: "UTC", ShiftLength: "1", ShiftUnit: "weeks"}, fmt.Sprintf("Rotation %q created (id %d).", rot.Name, rot.ID), nil)
}

// overrideForm puts someone on call in a rotation for a time, read in the
// rotation's time zone.
func (s *Server) overrideForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	id, err := hotlineID(r, "rotation")
	var rot warden.Rotation
	if err == nil {
		rot, err = s.Hotline.Rotation(r.Context(), id)
	}
	o := warden.Override{Person: strings.TrimSpace(r.PostFormValue("person"))}
	if err == nil {
		o.Start, err = localTime("start", r.PostFormValue("start"), rot.TimeZone)
	}
	if err == nil {
		o.End, err = localTime("end", r.PostFormValue("end"), rot.TimeZone)
	}
	if err == nil {
		rot, err = s.Hotline.AddOverride(r.Context(), id, o)
	}
	blank := rotationForm{TimeZone: "UTC", ShiftLength: "1", ShiftUnit: "weeks"}
	if err != nil {
		status, _, _ := s.status(r, err)
		s.onCallView(w, r, status, blank, "", err)
		return
	}
	s.onCallView(w, r, http.StatusOK, blank, fmt.Sprintf("%s covers %s from %s.", o.Person, rot.Name, o.Start.UTC().Format("2006-01-02 15:04 UTC")), nil)
}

// logPage shows the hotline log, newest lines last, 500 at a time.
func (s *Server) logPage(w http.ResponseWriter, r *http.Request) {
	after, err := queryInt64(r, "after")
	var es []warden.HotlineEntry
	if err == nil {
		es, err = s.Hotline.Log(r.Context(), hotline.LogFilter{After: after, Limit: 500})
	}
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	next := int64(0)
	if len(es) == 500 {
		next = es[len(es)-1].ID
	}
	s.hotlineView(w, r, http.StatusOK, "hotline-log", "Hotline log", map[string]any{"Entries": es, "Next": next}, "", nil)
}

func (s *Server) deadLettersPage(w http.ResponseWriter, r *http.Request) {
	s.deadLettersView(w, r, http.StatusOK, "", nil)
}

func (s *Server) deadLettersView(w http.ResponseWriter, r *http.Request, status int, flash string, ferr error) {
	ns, err := s.Hotline.DeadLetters(r.Context())
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	s.hotlineView(w, r, status, "hotline-dead", "Dead letters", map[string]any{"Notifications": ns}, flash, ferr)
}

// replayForm replays a dead notification.
func (s *Server) replayForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	id, err := hotlineID(r, "notification")
	if err == nil {
		_, err = s.Hotline.Replay(r.Context(), id)
	}
	if err != nil {
		status, _, _ := s.status(r, err)
		s.deadLettersView(w, r, status, "", err)
		return
	}
	s.deadLettersView(w, r, http.StatusOK, fmt.Sprintf("Notification %d is sent again.", id), nil)
}

// contactForm is the add form of the contact methods page as typed.
type contactForm struct {
	Channel, Address, Format, Delay string
}

func (s *Server) contactPage(w http.ResponseWriter, r *http.Request) {
	s.contactView(w, r, http.StatusOK, contactForm{Channel: "email", Delay: "0s"}, "", nil)
}

func (s *Server) contactView(w http.ResponseWriter, r *http.Request, status int, f contactForm, flash string, ferr error) {
	ms, err := s.Hotline.ContactMethods(r.Context())
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	type method struct {
		warden.ContactMethod
		Subscribed map[string]bool
	}
	out := make([]method, 0, len(ms))
	for _, m := range ms {
		x := method{ContactMethod: m, Subscribed: map[string]bool{}}
		for _, e := range m.Events {
			x.Subscribed[e] = true
		}
		out = append(out, x)
	}
	s.hotlineView(w, r, status, "hotline-contact", "Contact methods", map[string]any{"Methods": out, "Events": hotline.SubscribableEvents, "Form": f,
		"Formats": []warden.WebhookFormat{warden.FormatGeneric, warden.FormatSlack, warden.FormatTeams}}, flash, ferr)
}

// formDuration reads a delay field ("5m"; empty is none).
func formDuration(v string) (warden.Duration, error) {
	var d warden.Duration
	if v = strings.TrimSpace(v); v == "" {
		return d, nil
	}
	b, _ := json.Marshal(v)
	err := d.UnmarshalJSON(b)
	return d, err
}

// contactMethodForm adds, verifies, updates, deletes a contact method of
// the signed-in person's, or sends it a new code (op).
func (s *Server) contactMethodForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	v := r.PostFormValue
	f := contactForm{Channel: "email", Delay: "0s"}
	var flash string
	var err error
	var id int64
	op := v("op")
	if op != "add" {
		if id, err = parseDigits(v("id")); err != nil {
			err = warden.Errorf(warden.EINVALID, "which contact method?")
		}
	}
	if err == nil {
		switch op {
		case "add":
			f = contactForm{Channel: v("channel"), Address: v("address"), Format: v("format"), Delay: v("delay")}
			var d warden.Duration
			if d, err = formDuration(f.Delay); err == nil {
				var m warden.ContactMethod
				m, err = s.Hotline.AddContactMethod(r.Context(), warden.ContactMethod{Channel: warden.Channel(f.Channel), Address: strings.TrimSpace(f.Address), Format: warden.WebhookFormat(f.Format), Delay: d})
				flash = fmt.Sprintf("A code is on its way to %s: enter it below.", m.Address)
			}
		case "verify":
			if _, err = s.Hotline.VerifyContactMethod(r.Context(), id, strings.TrimSpace(v("code"))); err == nil {
				flash = "Verified: the hotline uses it from now on."
			}
		case "resend":
			if err = s.Hotline.ResendCode(r.Context(), id); err == nil {
				flash = "A new code is on its way."
			}
		case "update":
			var d warden.Duration
			if d, err = formDuration(v("delay")); err == nil {
				events := slices.DeleteFunc(r.PostForm["events"], func(e string) bool { return e == "" })
				if _, err = s.Hotline.UpdateContactMethod(r.Context(), id, d, events); err == nil {
					flash = "Saved."
				}
			}
		case "delete":
			if err = s.Hotline.DeleteContactMethod(r.Context(), id); err == nil {
				flash = "Removed."
			}
		default:
			err = warden.Errorf(warden.EINVALID, "choose add, verify, resend, update or delete")
		}
	}
	if err != nil {
		status, _, _ := s.status(r, err)
		s.contactView(w, r, status, f, "", err)
		return
	}
	s.contactView(w, r, http.StatusOK, contactForm{Channel: "email", Delay: "0s"}, flash, nil)
}

// linkPage shows what a signed link from a notification would do, with a
// button that does it. Following a link (a mail client's preview fetches
// it too) changes nothing: only the button's POST does.
func (s *Server) linkPage(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	a, action, err := s.Hotline.Link(r.Context(), token)
	if err != nil {
		s.linkError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "hotline-link", view{Title: "Hotline", Data: map[string]any{"Alert": a, "Action": action, "Token": token}})
}

// useLink does what a signed link says, once.
func (s *Server) useLink(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	a, err := s.Hotline.UseLink(r.Context(), token)
	if err != nil {
		s.linkError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "hotline-link", view{Title: "Hotline", Flash: fmt.Sprintf("Alert %d is %s. Thank you.", a.ID, a.Status), Data: map[string]any{"Alert": a, "Done": true}})
}

// linkError shows why a link does nothing (used, expired, not valid, or
// the alert is past what it does).
func (s *Server) linkError(w http.ResponseWriter, r *http.Request, err error) {
	status, _, detail := s.status(r, err)
	s.render(w, r, status, "hotline-link", view{Title: "Hotline", Error: detail, Data: map[string]any{}})
}
