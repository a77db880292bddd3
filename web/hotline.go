package web

import (
	"net/http"
	"strconv"
	"time"

	"warden"
	"warden/hotline"
)

// The hotline's API: policies, rotations, endpoints, triggers, alerts and
// their log, dead letters, and each person's own contact methods. The
// hotline service authorises and audits every call; these handlers only
// read requests and write answers.

// hotlineID reads the {id} path value; what names the object for the
// error.
func hotlineID(r *http.Request, what string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, warden.Errorf(warden.EINVALID, "%s id must be a positive integer", what)
	}
	return id, nil
}

// optionalJSON decodes a JSON body into v if there is one: the bodies of
// acknowledge, resolve and replay may be left out.
func optionalJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if r.ContentLength == 0 {
		return nil
	}
	return decodeJSON(w, r, v)
}

// answer writes v, or the error.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, status int, v any, err error) {
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, status, v)
}

func (s *Server) hotlinePolicies(w http.ResponseWriter, r *http.Request) {
	ps, err := s.Hotline.Policies(r.Context())
	s.answer(w, r, http.StatusOK, map[string]any{"policies": ps}, err)
}

func (s *Server) hotlinePolicy(w http.ResponseWriter, r *http.Request) {
	id, err := hotlineID(r, "policy")
	var p warden.EscalationPolicy
	if err == nil {
		p, err = s.Hotline.Policy(r.Context(), id)
	}
	s.answer(w, r, http.StatusOK, p, err)
}

func (s *Server) createHotlinePolicy(w http.ResponseWriter, r *http.Request) {
	var in warden.EscalationPolicy
	err := decodeJSON(w, r, &in)
	if err == nil {
		in, err = s.Hotline.CreatePolicy(r.Context(), in)
	}
	s.answer(w, r, http.StatusCreated, in, err)
}

func (s *Server) updateHotlinePolicy(w http.ResponseWriter, r *http.Request) {
	var in warden.EscalationPolicy
	id, err := hotlineID(r, "policy")
	if err == nil {
		err = decodeJSON(w, r, &in)
	}
	if err == nil {
		in, err = s.Hotline.UpdatePolicy(r.Context(), id, in)
	}
	s.answer(w, r, http.StatusOK, in, err)
}

func (s *Server) hotlineRotations(w http.ResponseWriter, r *http.Request) {
	rs, err := s.Hotline.Rotations(r.Context())
	s.answer(w, r, http.StatusOK, map[string]any{"rotations": rs}, err)
}

func (s *Server) hotlineRotation(w http.ResponseWriter, r *http.Request) {
	id, err := hotlineID(r, "rotation")
	var rot warden.Rotation
	if err == nil {
		rot, err = s.Hotline.Rotation(r.Context(), id)
	}
	s.answer(w, r, http.StatusOK, rot, err)
}

func (s *Server) createHotlineRotation(w http.ResponseWriter, r *http.Request) {
	var in warden.Rotation
	err := decodeJSON(w, r, &in)
	if err == nil {
		in, err = s.Hotline.CreateRotation(r.Context(), in)
	}
	s.answer(w, r, http.StatusCreated, in, err)
}

func (s *Server) updateHotlineRotation(w http.ResponseWriter, r *http.Request) {
	var in warden.Rotation
	id, err := hotlineID(r, "rotation")
	if err == nil {
		err = decodeJSON(w, r, &in)
	}
	if err == nil {
		in, err = s.Hotline.UpdateRotation(r.Context(), id, in)
	}
	s.answer(w, r, http.StatusOK, in, err)
}

func (s *Server) addHotlineOverride(w http.ResponseWriter, r *http.Request) {
	var in warden.Override
	var rot warden.Rotation
	id, err := hotlineID(r, "rotation")
	if err == nil {
		err = decodeJSON(w, r, &in)
	}
	if err == nil {
		rot, err = s.Hotline.AddOverride(r.Context(), id, in)
	}
	s.answer(w, r, http.StatusCreated, rot, err)
}

// queryTime reads an RFC 3339 query parameter; def if absent.
func queryTime(r *http.Request, name string, def time.Time) (time.Time, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return t, warden.Errorf(warden.EINVALID, "%s must be an RFC 3339 time such as 2026-03-02T09:00:00Z", name)
	}
	return t, nil
}

func (s *Server) hotlineOnCall(w http.ResponseWriter, r *http.Request) {
	at, err := queryTime(r, "at", s.now())
	var oc []hotline.OnCall
	if err == nil {
		oc, err = s.Hotline.OnCall(r.Context(), at)
	}
	s.answer(w, r, http.StatusOK, map[string]any{"at": at, "oncall": oc}, err)
}

// endpointRequest is the body of POST /v1/hotline/endpoints: an endpoint
// with its secret, which warden.Endpoint never reads nor writes.
type endpointRequest struct {
	Name    string               `json:"name"`
	Org     string               `json:"org,omitempty"`
	Channel warden.Channel       `json:"channel"`
	Address string               `json:"address"`
	Format  warden.WebhookFormat `json:"format,omitempty"`
	Secret  string               `json:"secret,omitempty"`
}

// endpointCreated answers the creation of an endpoint with its secret,
// shown this once.
type endpointCreated struct {
	warden.Endpoint
	Secret string `json:"secret,omitempty"`
}

func (s *Server) hotlineEndpoints(w http.ResponseWriter, r *http.Request) {
	es, err := s.Hotline.Endpoints(r.Context())
	s.answer(w, r, http.StatusOK, map[string]any{"endpoints": es}, err)
}

func (s *Server) createHotlineEndpoint(w http.ResponseWriter, r *http.Request) {
	var in endpointRequest
	var out endpointCreated
	err := decodeJSON(w, r, &in)
	if err == nil {
		out.Endpoint, out.Secret, err = s.Hotline.CreateEndpoint(r.Context(), warden.Endpoint{Name: in.Name, Org: in.Org, Channel: in.Channel, Address: in.Address, Format: in.Format, Secret: in.Secret})
	}
	s.answer(w, r, http.StatusCreated, out, err)
}

func (s *Server) rotateHotlineSecret(w http.ResponseWriter, r *http.Request) {
	var in struct {
		NextSecret string `json:"next_secret"`
	}
	var e warden.Endpoint
	id, err := hotlineID(r, "endpoint")
	if err == nil {
		err = decodeJSON(w, r, &in)
	}
	if err == nil {
		e, err = s.Hotline.RotateSecret(r.Context(), id, in.NextSecret)
	}
	s.answer(w, r, http.StatusOK, e, err)
}

func (s *Server) finishHotlineRotation(w http.ResponseWriter, r *http.Request) {
	id, err := hotlineID(r, "endpoint")
	var e warden.Endpoint
	if err == nil {
		e, err = s.Hotline.FinishRotation(r.Context(), id)
	}
	s.answer(w, r, http.StatusOK, e, err)
}

func (s *Server) hotlineTriggers(w http.ResponseWriter, r *http.Request) {
	ts, err := s.Hotline.Triggers(r.Context())
	s.answer(w, r, http.StatusOK, map[string]any{"triggers": ts}, err)
}

// triggerRequest is the body of POST /v1/hotline/triggers: a trigger
// whose enabled, left out, is true, since a trigger is made to raise
// alerts.
type triggerRequest struct {
	Event     string          `json:"event"`
	MinAmount []warden.Money  `json:"min_amount,omitempty"`
	Severity  warden.Severity `json:"severity"`
	Policy    int64           `json:"policy"`
	Enabled   *bool           `json:"enabled,omitempty"`
}

func (s *Server) createHotlineTrigger(w http.ResponseWriter, r *http.Request) {
	var in triggerRequest
	var t warden.Trigger
	err := decodeJSON(w, r, &in)
	if err == nil {
		t = warden.Trigger{Event: in.Event, MinAmount: in.MinAmount, Severity: in.Severity, Policy: in.Policy, Enabled: in.Enabled == nil || *in.Enabled}
		t, err = s.Hotline.CreateTrigger(r.Context(), t)
	}
	s.answer(w, r, http.StatusCreated, t, err)
}

func (s *Server) enableHotlineTrigger(on bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := hotlineID(r, "trigger")
		var t warden.Trigger
		if err == nil {
			t, err = s.Hotline.SetTriggerEnabled(r.Context(), id, on)
		}
		s.answer(w, r, http.StatusOK, t, err)
	}
}

func (s *Server) hotlineAlerts(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, err := queryLimit(q)
	var as []warden.Alert
	if err == nil {
		as, err = s.Hotline.Alerts(r.Context(), hotline.AlertFilter{Status: warden.AlertStatus(q.Get("status")), Object: q.Get("object"), Limit: limit})
	}
	s.answer(w, r, http.StatusOK, map[string]any{"alerts": as}, err)
}

// raiseAlert raises an alert: 201 with a new one, 200 with the open alert
// of the same dedup key.
func (s *Server) raiseAlert(w http.ResponseWriter, r *http.Request) {
	var in hotline.RaiseInput
	if err := decodeJSON(w, r, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	a, created, err := s.Hotline.Raise(r.Context(), in)
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	s.answer(w, r, status, a, err)
}

// alertDetail is an alert with its notifications and its log.
type alertDetail struct {
	Alert         warden.Alert          `json:"alert"`
	Notifications []warden.Notification `json:"notifications"`
	Log           []warden.HotlineEntry `json:"log"`
}

// alertDetail reads alert id with its notifications and log lines.
func (s *Server) alertDetail(r *http.Request, id int64) (alertDetail, error) {
	var d alertDetail
	var err error
	if d.Alert, err = s.Hotline.Alert(r.Context(), id); err != nil {
		return d, err
	}
	if d.Notifications, err = s.Hotline.Notifications(r.Context(), id); err != nil {
		return d, err
	}
	d.Log, err = s.Hotline.Log(r.Context(), hotline.LogFilter{Alert: id, Limit: hotline.MaxLimit})
	return d, err
}

func (s *Server) hotlineAlert(w http.ResponseWriter, r *http.Request) {
	id, err := hotlineID(r, "alert")
	var d alertDetail
	if err == nil {
		d, err = s.alertDetail(r, id)
	}
	s.answer(w, r, http.StatusOK, d, err)
}

// noteRequest is the body of an acknowledgement or a resolution.
type noteRequest struct {
	Note string `json:"note"`
}

func (s *Server) respondAlert(resolve bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var in noteRequest
		var a warden.Alert
		id, err := hotlineID(r, "alert")
		if err == nil {
			err = optionalJSON(w, r, &in)
		}
		if err == nil {
			if resolve {
				a, err = s.Hotline.Resolve(r.Context(), id, in.Note)
			} else {
				a, err = s.Hotline.Acknowledge(r.Context(), id, in.Note)
			}
		}
		s.answer(w, r, http.StatusOK, a, err)
	}
}

func (s *Server) escalateAlert(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Step *int `json:"step"`
	}
	var a warden.Alert
	id, err := hotlineID(r, "alert")
	if err == nil {
		err = decodeJSON(w, r, &in)
	}
	if err == nil && in.Step == nil {
		err = warden.Errorf(warden.EINVALID, "step is required: the step to escalate to, counted from 0")
	}
	if err == nil {
		a, err = s.Hotline.EscalateTo(r.Context(), id, *in.Step)
	}
	s.answer(w, r, http.StatusOK, a, err)
}

// queryInt64 reads a non-negative integer query parameter; 0 if absent.
func queryInt64(r *http.Request, name string) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := parseDigits(v)
	if err != nil {
		return 0, warden.Errorf(warden.EINVALID, "%s must be a whole number written in digits", name)
	}
	return n, nil
}

func (s *Server) hotlineLog(w http.ResponseWriter, r *http.Request) {
	var f hotline.LogFilter
	var err error
	var es []warden.HotlineEntry
	if f.Alert, err = queryInt64(r, "alert"); err == nil {
		if f.After, err = queryInt64(r, "after"); err == nil {
			if f.Limit, err = queryLimit(r.URL.Query()); err == nil {
				es, err = s.Hotline.Log(r.Context(), f)
			}
		}
	}
	s.answer(w, r, http.StatusOK, map[string]any{"entries": es}, err)
}

func (s *Server) hotlineDeadLetters(w http.ResponseWriter, r *http.Request) {
	ns, err := s.Hotline.DeadLetters(r.Context())
	s.answer(w, r, http.StatusOK, map[string]any{"notifications": ns}, err)
}

func (s *Server) replayDeadLetter(w http.ResponseWriter, r *http.Request) {
	id, err := hotlineID(r, "notification")
	var n warden.Notification
	if err == nil {
		n, err = s.Hotline.Replay(r.Context(), id)
	}
	s.answer(w, r, http.StatusOK, n, err)
}

// contactRequest is the body of POST /v1/me/contact-methods.
type contactRequest struct {
	Channel warden.Channel       `json:"channel"`
	Address string               `json:"address"`
	Format  warden.WebhookFormat `json:"format,omitempty"`
	Delay   warden.Duration      `json:"delay"`
	Events  []string             `json:"events,omitempty"`
}

func (s *Server) contactMethods(w http.ResponseWriter, r *http.Request) {
	ms, err := s.Hotline.ContactMethods(r.Context())
	s.answer(w, r, http.StatusOK, map[string]any{"contact_methods": ms, "events": hotline.SubscribableEvents}, err)
}

func (s *Server) addContactMethod(w http.ResponseWriter, r *http.Request) {
	var in contactRequest
	var m warden.ContactMethod
	err := decodeJSON(w, r, &in)
	if err == nil {
		m, err = s.Hotline.AddContactMethod(r.Context(), warden.ContactMethod{Channel: in.Channel, Address: in.Address, Format: in.Format, Delay: in.Delay, Events: in.Events})
	}
	s.answer(w, r, http.StatusCreated, m, err)
}

func (s *Server) verifyContactMethod(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Code string `json:"code"`
	}
	var m warden.ContactMethod
	id, err := hotlineID(r, "contact method")
	if err == nil {
		err = decodeJSON(w, r, &in)
	}
	if err == nil {
		m, err = s.Hotline.VerifyContactMethod(r.Context(), id, in.Code)
	}
	s.answer(w, r, http.StatusOK, m, err)
}

func (s *Server) resendContactCode(w http.ResponseWriter, r *http.Request) {
	id, err := hotlineID(r, "contact method")
	if err == nil {
		err = s.Hotline.ResendCode(r.Context(), id)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) updateContactMethod(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Delay  warden.Duration `json:"delay"`
		Events []string        `json:"events"`
	}
	var m warden.ContactMethod
	id, err := hotlineID(r, "contact method")
	if err == nil {
		err = decodeJSON(w, r, &in)
	}
	if err == nil {
		m, err = s.Hotline.UpdateContactMethod(r.Context(), id, in.Delay, in.Events)
	}
	s.answer(w, r, http.StatusOK, m, err)
}

func (s *Server) deleteContactMethod(w http.ResponseWriter, r *http.Request) {
	id, err := hotlineID(r, "contact method")
	if err == nil {
		err = s.Hotline.DeleteContactMethod(r.Context(), id)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
