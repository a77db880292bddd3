package hotline

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/mail"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"warden"
)

// CreatePolicy stores a new escalation policy (hotline.manage), audited.
// EINVALID says what is wrong with it.
func (s *Service) CreatePolicy(ctx context.Context, p warden.EscalationPolicy) (warden.EscalationPolicy, error) {
	if _, err := warden.Authorize(ctx, warden.ActHotlineManage); err != nil {
		return p, err
	}
	if err := s.checkPolicy(ctx, &p); err != nil {
		return p, err
	}
	p.ID = 0
	p.CreatedAt = s.now()
	p.UpdatedAt = p.CreatedAt
	err := s.db.SaveEscalationPolicy(ctx, &p, warden.NewAuditEvent(ctx, "hotline.policy.create", "", "", map[string]any{"name": p.Name, "steps": len(p.Steps)}))
	return p, err
}

// UpdatePolicy replaces policy id (hotline.manage), audited. Alerts
// already raised on it follow the new steps from their next step on.
func (s *Service) UpdatePolicy(ctx context.Context, id int64, p warden.EscalationPolicy) (warden.EscalationPolicy, error) {
	if _, err := warden.Authorize(ctx, warden.ActHotlineManage); err != nil {
		return p, err
	}
	old, err := s.db.EscalationPolicy(ctx, id)
	if err != nil {
		return p, err
	}
	if err := s.checkPolicy(ctx, &p); err != nil {
		return p, err
	}
	p.ID, p.CreatedAt, p.UpdatedAt = id, old.CreatedAt, s.now()
	err = s.db.SaveEscalationPolicy(ctx, &p, warden.NewAuditEvent(ctx, "hotline.policy.update", "", "", map[string]any{"name": p.Name, "steps": len(p.Steps)}))
	return p, err
}

// Policy returns one escalation policy (hotline.read).
func (s *Service) Policy(ctx context.Context, id int64) (warden.EscalationPolicy, error) {
	if _, err := warden.Authorize(ctx, warden.ActHotlineRead); err != nil {
		return warden.EscalationPolicy{}, err
	}
	return s.db.EscalationPolicy(ctx, id)
}

// Policies lists the escalation policies by name (hotline.read).
func (s *Service) Policies(ctx context.Context) ([]warden.EscalationPolicy, error) {
	if _, err := warden.Authorize(ctx, warden.ActHotlineRead); err != nil {
		return nil, err
	}
	return s.db.EscalationPolicies(ctx)
}

func (s *Service) checkPolicy(ctx context.Context, p *warden.EscalationPolicy) error {
	p.Name = strings.TrimSpace(p.Name)
	if p.Name == "" {
		return warden.Errorf(warden.EINVALID, "a policy needs a name")
	}
	if len(p.Steps) == 0 {
		return warden.Errorf(warden.EINVALID, "policy %q has no steps", p.Name)
	}
	if p.Repeat < 0 || p.Repeat > 100 {
		return warden.Errorf(warden.EINVALID, "repeat must be between 0 and 100, not %d", p.Repeat)
	}
	for _, v := range p.Severities {
		if !v.Valid() {
			return warden.Errorf(warden.EINVALID, "policy %q: severity %q is not critical, high or low", p.Name, v)
		}
	}
	for i, st := range p.Steps {
		if st.MinSeverity != "" && !st.MinSeverity.Valid() {
			return warden.Errorf(warden.EINVALID, "step %d: severity %q is not critical, high or low", i+1, st.MinSeverity)
		}
		if len(st.Targets) == 0 {
			return warden.Errorf(warden.EINVALID, "step %d has no targets", i+1)
		}
		for _, t := range st.Targets {
			if err := s.checkTarget(ctx, t); err != nil {
				return warden.Errorf(warden.EINVALID, "step %d: %w", i+1, err)
			}
		}
	}
	for i, w := range p.Windows {
		if w.Kind != warden.WindowMaintenance && w.Kind != warden.WindowSuppression {
			return warden.Errorf(warden.EINVALID, "window %d: kind %q is not maintenance or suppression", i+1, w.Kind)
		}
		if !w.End.After(w.Start) {
			return warden.Errorf(warden.EINVALID, "window %d ends before it starts", i+1)
		}
	}
	if p.Steps == nil {
		p.Steps = []warden.EscalationStep{}
	}
	return nil
}

func (s *Service) checkTarget(ctx context.Context, t warden.Target) error {
	switch t.Kind {
	case warden.TargetPerson:
		return s.activePerson(ctx, t.ID)
	case warden.TargetRotation, warden.TargetEndpoint:
		id, err := strconv.ParseInt(t.ID, 10, 64)
		if err == nil && t.Kind == warden.TargetRotation {
			_, err = s.db.Rotation(ctx, id)
		} else if err == nil {
			_, err = s.db.Endpoints(ctx, id)
		}
		if err != nil {
			return warden.Errorf(warden.EINVALID, "no %s %q", t.Kind, t.ID)
		}
		return nil
	}
	return warden.Errorf(warden.EINVALID, "target kind %q is not person, rotation or endpoint", t.Kind)
}

// CreateRotation stores a new rotation (hotline.manage), audited.
func (s *Service) CreateRotation(ctx context.Context, r warden.Rotation) (warden.Rotation, error) {
	if _, err := warden.Authorize(ctx, warden.ActHotlineManage); err != nil {
		return r, err
	}
	if err := s.checkRotation(ctx, &r); err != nil {
		return r, err
	}
	r.ID, r.CreatedAt = 0, s.now()
	r.UpdatedAt = r.CreatedAt
	err := s.db.SaveRotation(ctx, &r, warden.NewAuditEvent(ctx, "hotline.rotation.create", "", "", map[string]any{"name": r.Name, "participants": r.Participants}))
	return r, err
}

// UpdateRotation replaces rotation id (hotline.manage), audited.
func (s *Service) UpdateRotation(ctx context.Context, id int64, r warden.Rotation) (warden.Rotation, error) {
	if _, err := warden.Authorize(ctx, warden.ActHotlineManage); err != nil {
		return r, err
	}
	old, err := s.db.Rotation(ctx, id)
	if err != nil {
		return r, err
	}
	if err := s.checkRotation(ctx, &r); err != nil {
		return r, err
	}
	r.ID, r.CreatedAt, r.UpdatedAt = id, old.CreatedAt, s.now()
	err = s.db.SaveRotation(ctx, &r, warden.NewAuditEvent(ctx, "hotline.rotation.update", "", "", map[string]any{"name": r.Name, "participants": r.Participants}))
	return r, err
}

// AddOverride puts someone on call in place of rotation's participant
// for a time (hotline.manage), audited.
func (s *Service) AddOverride(ctx context.Context, rotation int64, o warden.Override) (warden.Rotation, error) {
	if _, err := warden.Authorize(ctx, warden.ActHotlineManage); err != nil {
		return warden.Rotation{}, err
	}
	r, err := s.db.Rotation(ctx, rotation)
	if err != nil {
		return r, err
	}
	r.Overrides = append(r.Overrides, o)
	if err := s.checkRotation(ctx, &r); err != nil {
		return r, err
	}
	r.UpdatedAt = s.now()
	err = s.db.SaveRotation(ctx, &r, warden.NewAuditEvent(ctx, "hotline.rotation.override", "", "", o))
	return r, err
}

// Rotation returns one rotation (hotline.read).
func (s *Service) Rotation(ctx context.Context, id int64) (warden.Rotation, error) {
	if _, err := warden.Authorize(ctx, warden.ActHotlineRead); err != nil {
		return warden.Rotation{}, err
	}
	return s.db.Rotation(ctx, id)
}

// Rotations lists the rotations by name (hotline.read).
func (s *Service) Rotations(ctx context.Context) ([]warden.Rotation, error) {
	if _, err := warden.Authorize(ctx, warden.ActHotlineRead); err != nil {
		return nil, err
	}
	return s.db.Rotations(ctx)
}

// maxOverrides is the most overrides a rotation keeps; maxOverride the
// longest one.
const (
	maxOverrides = 1000
	maxOverride  = 366 * 24 * time.Hour
)

func (s *Service) checkRotation(ctx context.Context, r *warden.Rotation) error {
	r.Name = strings.TrimSpace(r.Name)
	if r.Name == "" {
		return warden.Errorf(warden.EINVALID, "a rotation needs a name")
	}
	if r.Start.IsZero() {
		return warden.Errorf(warden.EINVALID, "rotation %q needs a start (the first hand-off)", r.Name)
	}
	if _, err := checkShifts(*r); err != nil {
		return err
	}
	for _, p := range r.Participants {
		if err := s.activePerson(ctx, p); err != nil {
			return err
		}
	}
	if len(r.Overrides) > maxOverrides {
		return warden.Errorf(warden.EINVALID, "rotation %q has %d overrides: it keeps at most %d", r.Name, len(r.Overrides), maxOverrides)
	}
	for i, o := range r.Overrides {
		if err := s.activePerson(ctx, o.Person); err != nil {
			return warden.Errorf(warden.EINVALID, "override %d: %w", i+1, err)
		}
		if !o.End.After(o.Start) {
			return warden.Errorf(warden.EINVALID, "override %d ends before it starts", i+1)
		}
		if o.Start.Before(earliest) || o.End.After(latest) {
			return warden.Errorf(warden.EINVALID, "override %d must lie between 2000-01-01 and 2200-01-01", i+1)
		}
		if o.End.Sub(o.Start) > maxOverride {
			return warden.Errorf(warden.EINVALID, "override %d is longer than a year", i+1)
		}
	}
	// The rotation's shifts must be computable: prove it once.
	if _, _, err := ShiftAt(*r, r.Start); err != nil {
		return err
	}
	return nil
}

// CreateEndpoint stores a new endpoint (hotline.manage), audited, and
// returns it with its signing secret: e.Secret if given, or one drawn for a
// webhook without one. The secret is shown this once.
func (s *Service) CreateEndpoint(ctx context.Context, e warden.Endpoint) (warden.Endpoint, string, error) {
	if _, err := warden.Authorize(ctx, warden.ActHotlineManage); err != nil {
		return e, "", err
	}
	e.Name = strings.TrimSpace(e.Name)
	if e.Name == "" {
		return e, "", warden.Errorf(warden.EINVALID, "an endpoint needs a name")
	}
	format, err := checkAddress(e.Channel, e.Address, e.Format)
	if err != nil {
		return e, "", err
	}
	e.Format, e.NextSecret, e.Rotating = format, "", false
	if e.Channel == warden.ChannelWebhook && e.Secret == "" {
		e.Secret = newSecret()
	}
	if e.Channel == warden.ChannelEmail {
		e.Secret = ""
	}
	e.ID, e.CreatedAt = 0, s.now()
	err = s.db.CreateEndpoint(ctx, &e, warden.NewAuditEvent(ctx, "hotline.endpoint.create", "", "", map[string]any{"name": e.Name, "channel": e.Channel, "org": e.Org}))
	return e, e.Secret, err
}

// checkAddress checks an address for its channel and returns the webhook
// format (generic if none), "" for e-mail.
func checkAddress(ch warden.Channel, addr string, f warden.WebhookFormat) (warden.WebhookFormat, error) {
	switch ch {
	case warden.ChannelEmail:
		if a, err := mail.ParseAddress(addr); err != nil || a.Address != addr {
			return "", warden.Errorf(warden.EINVALID, "%q is not an e-mail address such as duty@example.org", addr)
		}
		return "", nil
	case warden.ChannelWebhook:
		u, err := url.Parse(addr)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return "", warden.Errorf(warden.EINVALID, "webhook URL %q must be an http or https URL", addr)
		}
		switch f {
		case "":
			return warden.FormatGeneric, nil
		case warden.FormatGeneric, warden.FormatSlack, warden.FormatTeams:
			return f, nil
		}
		return "", warden.Errorf(warden.EINVALID, "webhook format %q is not generic, slack or teams", f)
	}
	return "", warden.Errorf(warden.EINVALID, "channel %q is not email or webhook", ch)
}

func newSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Endpoints lists the endpoints by name, without their secrets
// (hotline.read).
func (s *Service) Endpoints(ctx context.Context) ([]warden.Endpoint, error) {
	p, err := warden.Authorize(ctx, warden.ActHotlineRead)
	if err != nil {
		return nil, err
	}
	es, err := s.db.Endpoints(ctx, 0)
	for i := range es {
		es[i].Secret, es[i].NextSecret = "", ""
		if !warden.Allowed(p.Role, warden.ActHotlineManage) {
			es[i].Address = warden.RedactAddress(es[i].Channel, es[i].Address)
		}
	}
	return es, err
}

// RotateSecret begins a rotation of a webhook endpoint's secret
// (hotline.manage), audited: until FinishRotation, webhooks are signed with
// both the old secret and next, so that the receiver can switch to next
// without missing a message. next is chosen by the caller (at least 16
// characters), who gives it to the receiver.
func (s *Service) RotateSecret(ctx context.Context, id int64, next string) (warden.Endpoint, error) {
	e, err := s.endpointToManage(ctx, id)
	if err != nil {
		return e, err
	}
	if e.Channel != warden.ChannelWebhook {
		return e, warden.Errorf(warden.EINVALID, "endpoint %d is not a webhook: it has no secret", id)
	}
	if len(next) < 16 {
		return e, warden.Errorf(warden.EINVALID, "the next secret must have at least 16 characters")
	}
	if err := s.db.SetEndpointSecrets(ctx, id, e.Secret, next, warden.NewAuditEvent(ctx, "hotline.endpoint.rotate", "endpoint:"+strconv.FormatInt(id, 10), "", nil)); err != nil {
		return e, err
	}
	e.Secret, e.NextSecret, e.Rotating = "", "", true
	return e, nil
}

// FinishRotation makes an endpoint's next secret its only one
// (hotline.manage), audited; ECONFLICT if no rotation is under way.
func (s *Service) FinishRotation(ctx context.Context, id int64) (warden.Endpoint, error) {
	e, err := s.endpointToManage(ctx, id)
	if err != nil {
		return e, err
	}
	if e.NextSecret == "" {
		return e, warden.Errorf(warden.ECONFLICT, "endpoint %d has no secret rotation under way", id)
	}
	if err := s.db.SetEndpointSecrets(ctx, id, e.NextSecret, "", warden.NewAuditEvent(ctx, "hotline.endpoint.rotated", "endpoint:"+strconv.FormatInt(id, 10), "", nil)); err != nil {
		return e, err
	}
	e.Secret, e.NextSecret, e.Rotating = "", "", false
	return e, nil
}

func (s *Service) endpointToManage(ctx context.Context, id int64) (warden.Endpoint, error) {
	if _, err := warden.Authorize(ctx, warden.ActHotlineManage); err != nil {
		return warden.Endpoint{}, err
	}
	es, err := s.db.Endpoints(ctx, id)
	if err != nil {
		return warden.Endpoint{}, err
	}
	return es[0], nil
}

// CreateTrigger stores a new trigger (hotline.manage), audited: events of
// its type raise alerts on its policy from then on.
func (s *Service) CreateTrigger(ctx context.Context, t warden.Trigger) (warden.Trigger, error) {
	if _, err := warden.Authorize(ctx, warden.ActHotlineManage); err != nil {
		return t, err
	}
	if !slices.Contains(warden.HotlineEvents, t.Event) {
		return t, warden.Errorf(warden.EINVALID, "a trigger cannot subscribe to %q: the events are %s", t.Event, strings.Join(warden.HotlineEvents, ", "))
	}
	if !t.Severity.Valid() {
		return t, warden.Errorf(warden.EINVALID, "severity %q is not critical, high or low", t.Severity)
	}
	if _, err := s.db.EscalationPolicy(ctx, t.Policy); err != nil {
		return t, warden.Errorf(warden.EINVALID, "no escalation policy %d", t.Policy)
	}
	if len(t.MinAmount) > 0 && t.Event != "payment.blocked" {
		return t, warden.Errorf(warden.EINVALID, "only payment.blocked triggers have minimum amounts")
	}
	seen := map[string]bool{}
	for _, m := range t.MinAmount {
		if err := warden.CheckMoney(m); err != nil {
			return t, warden.Errorf(warden.EINVALID, "minimum amount: %w", err)
		}
		if seen[m.Currency] {
			return t, warden.Errorf(warden.EINVALID, "two minimum amounts in %s", m.Currency)
		}
		seen[m.Currency] = true
	}
	t.ID = 0
	err := s.db.CreateTrigger(ctx, &t, s.now(), warden.NewAuditEvent(ctx, "hotline.trigger.create", "", "", t))
	return t, err
}

// SetTriggerEnabled turns a trigger on or off (hotline.manage), audited.
func (s *Service) SetTriggerEnabled(ctx context.Context, id int64, on bool) (warden.Trigger, error) {
	if _, err := warden.Authorize(ctx, warden.ActHotlineManage); err != nil {
		return warden.Trigger{}, err
	}
	if err := s.db.SetTriggerEnabled(ctx, id, on, warden.NewAuditEvent(ctx, "hotline.trigger.enable", "trigger:"+strconv.FormatInt(id, 10), "", map[string]bool{"enabled": on})); err != nil {
		return warden.Trigger{}, err
	}
	ts, err := s.db.Triggers(ctx, id)
	if err != nil {
		return warden.Trigger{}, err
	}
	return ts[0], nil
}

// Triggers lists the triggers (hotline.read).
func (s *Service) Triggers(ctx context.Context) ([]warden.Trigger, error) {
	if _, err := warden.Authorize(ctx, warden.ActHotlineRead); err != nil {
		return nil, err
	}
	return s.db.Triggers(ctx, 0)
}
