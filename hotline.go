package warden

import (
	"encoding/json"
	"fmt"
	"net/url"
	"time"
)

// Severity is how urgent a hotline alert is. A trigger gives it; it picks
// the escalation policy and lets a policy's steps skip the alerts below
// their minimum.
type Severity string

// Severities, most urgent first.
const (
	SeverityCritical Severity = "critical"
	SeverityHigh     Severity = "high"
	SeverityLow      Severity = "low"
)

// Rank orders severities: critical 3, high 2, low 1, anything else 0.
func (s Severity) Rank() int {
	switch s {
	case SeverityCritical:
		return 3
	case SeverityHigh:
		return 2
	case SeverityLow:
		return 1
	}
	return 0
}

// Valid reports whether s is one of the severities above.
func (s Severity) Valid() bool { return s.Rank() > 0 }

// Duration is a time.Duration that JSON reads and writes as Go's duration
// text ("15m", "1h30m"), so that policies and contact methods say their
// delays the way people write them. A bare number is read as seconds.
type Duration time.Duration

// MarshalJSON writes d as text such as "15m0s".
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads "15m" or a number of seconds; negative durations are
// refused.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		var n float64
		if err := json.Unmarshal(b, &n); err != nil {
			return Errorf(EINVALID, "duration must be text such as \"15m\" or a number of seconds")
		}
		s = fmt.Sprintf("%gs", n)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return Errorf(EINVALID, "duration %q: say it like 30s, 15m or 1h30m", s)
	}
	if v < 0 {
		return Errorf(EINVALID, "duration %q is negative", s)
	}
	*d = Duration(v)
	return nil
}

// Std returns d as a time.Duration.
func (d Duration) Std() time.Duration { return time.Duration(d) }

// TargetKind says who a step of an escalation policy notifies.
type TargetKind string

// Target kinds: a person (by user name, through their verified contact
// methods), a rotation (whoever is on call when the step fires), or an
// endpoint (a named e-mail address or webhook: a chat channel, a
// counterpart's 24/7 contact point).
const (
	TargetPerson   TargetKind = "person"
	TargetRotation TargetKind = "rotation"
	TargetEndpoint TargetKind = "endpoint"
)

// Target is one recipient of an escalation step. ID is the user name of a
// person, or the id (as text) of a rotation or endpoint.
type Target struct {
	Kind TargetKind `json:"kind"`
	ID   string     `json:"id"`
}

// EscalationStep is one step of a policy: after Delay from the previous
// step (or from the alert for the first), its targets are notified. An alert
// whose severity ranks below MinSeverity skips the step.
type EscalationStep struct {
	Delay       Duration `json:"delay"`
	Targets     []Target `json:"targets"`
	MinSeverity Severity `json:"min_severity,omitempty"`
}

// WindowKind says what a policy window does to the alerts it covers.
type WindowKind string

// Window kinds. During maintenance, alerts are recorded and escalate when
// the window ends; during suppression they are recorded as suppressed and
// notify nobody.
const (
	WindowMaintenance WindowKind = "maintenance"
	WindowSuppression WindowKind = "suppression"
)

// Window is a period in which a policy does not notify: planned
// maintenance, or a known noisy period whose alerts are suppressed.
type Window struct {
	Kind   WindowKind `json:"kind"`
	Start  time.Time  `json:"start"`
	End    time.Time  `json:"end"`
	Reason string     `json:"reason,omitempty"`
}

// Covers reports whether t falls in the window [Start, End).
func (w Window) Covers(t time.Time) bool { return !t.Before(w.Start) && t.Before(w.End) }

// EscalationPolicy says who is notified about an alert, step by step, until
// someone acknowledges it: each step after its delay, the whole list Repeat
// more times after the last step.
type EscalationPolicy struct {
	ID          int64            `json:"id"`
	Name        string           `json:"name"`
	Description string           `json:"description,omitempty"`
	Steps       []EscalationStep `json:"steps"`
	Repeat      int              `json:"repeat"`
	// Severities are the severities whose alerts this policy takes when
	// an alert names no policy: critical alerts to the duty officer's
	// policy, low ones to a mailbox.
	Severities []Severity `json:"severities,omitempty"`
	Windows    []Window   `json:"windows,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
}

// ShiftUnit is how a rotation's shift length is counted.
type ShiftUnit string

// Shift units. Days and weeks are counted on the rotation's local calendar,
// so the hand-off keeps its local time across a daylight-saving change;
// hours are counted in absolute time.
const (
	ShiftHours ShiftUnit = "hours"
	ShiftDays  ShiftUnit = "days"
	ShiftWeeks ShiftUnit = "weeks"
)

// Override puts Person on call in place of the rotation's participant from
// Start to End (someone covers a shift).
type Override struct {
	Person string    `json:"person"`
	Start  time.Time `json:"start"`
	End    time.Time `json:"end"`
}

// Rotation is an on-call schedule: its participants take turns, in order,
// for shifts of ShiftLength units, the first starting at Start (a hand-off
// time, read in TimeZone). Overrides cover shifts.
type Rotation struct {
	ID           int64      `json:"id"`
	Name         string     `json:"name"`
	TimeZone     string     `json:"time_zone"`
	Start        time.Time  `json:"start"`
	ShiftLength  int        `json:"shift_length"`
	ShiftUnit    ShiftUnit  `json:"shift_unit"`
	Participants []string   `json:"participants"`
	Overrides    []Override `json:"overrides,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
}

// Shift is one person's turn on call, [Start, End).
type Shift struct {
	Person   string    `json:"person"`
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
	Override bool      `json:"override,omitempty"`
	// Instead names the person whose shift it is when they are disabled:
	// Person, the next participant who is not, is paged for them.
	Instead string `json:"instead,omitempty"`
}

// Channel is how a notification travels.
type Channel string

// Channels.
const (
	ChannelEmail   Channel = "email"
	ChannelWebhook Channel = "webhook"
)

// WebhookFormat is the shape of a webhook's JSON body: Warden's own, or one
// that Slack's or Microsoft Teams' incoming webhooks accept.
type WebhookFormat string

// Webhook formats.
const (
	FormatGeneric WebhookFormat = "generic"
	FormatSlack   WebhookFormat = "slack"
	FormatTeams   WebhookFormat = "teams"
)

// ContactMethod is one way to reach a person. It is used only once verified
// (a code sent through it, entered back). Delay holds its notifications back
// after the step fires (e-mail at once, the chat webhook five minutes later).
// Events are the other notifications the person takes on this method
// (hits.new, list.changed, designation.published, request.message, ...).
type ContactMethod struct {
	ID         int64         `json:"id"`
	Person     string        `json:"person"`
	Channel    Channel       `json:"channel"`
	Address    string        `json:"address"` // e-mail address or webhook URL
	Format     WebhookFormat `json:"format,omitempty"`
	Delay      Duration      `json:"delay"`
	Events     []string      `json:"events,omitempty"`
	Verified   bool          `json:"verified"`
	VerifiedAt *time.Time    `json:"verified_at,omitempty"`
	CreatedAt  time.Time     `json:"created_at"`
}

// Endpoint is a named destination that is not a person: a chat channel's
// webhook, a shared mailbox, a counterpart organisation's 24/7 contact point.
// Webhooks are signed with Secret (HMAC-SHA256); during a rotation
// NextSecret signs too, so that receivers can switch without downtime.
// Secrets are never shown after they are set.
type Endpoint struct {
	ID         int64         `json:"id"`
	Name       string        `json:"name"`
	Org        string        `json:"org,omitempty"` // the counterpart whose contact point it is
	Channel    Channel       `json:"channel"`
	Address    string        `json:"address"`
	Format     WebhookFormat `json:"format,omitempty"`
	Secret     string        `json:"-"`
	NextSecret string        `json:"-"`
	Rotating   bool          `json:"rotating"` // NextSecret is set
	CreatedAt  time.Time     `json:"created_at"`
}

// Trigger turns a domain event into a hotline alert: events of Event (and,
// for payment.blocked, at least MinAmount in its currency) raise an alert of
// Severity on Policy.
type Trigger struct {
	ID        int64    `json:"id"`
	Event     string   `json:"event"`
	MinAmount []Money  `json:"min_amount,omitempty"`
	Severity  Severity `json:"severity"`
	Policy    int64    `json:"policy"`
	Enabled   bool     `json:"enabled"`
}

// Hotline trigger events: the domain events a trigger may subscribe to.
// A refused request and an extension asked of the authority need someone
// soon, like a deadline.
var HotlineEvents = []string{"request.deadline_missed", "request.deadline_approaching", "request.refused", "request.extension_asked",
	"payment.blocked", "customer.hit", "designation.published", "list.changed"}

// AlertStatus is where an alert stands.
type AlertStatus string

// Alert statuses. A triggered alert escalates until acknowledged; a
// suppressed one was raised in a suppression window and notifies nobody.
const (
	AlertTriggered    AlertStatus = "triggered"
	AlertAcknowledged AlertStatus = "acknowledged"
	AlertResolved     AlertStatus = "resolved"
	AlertSuppressed   AlertStatus = "suppressed"
)

// Alert is one issue on the hotline. Step and Round say which step fires
// next and in which pass through the policy; NextAt when (nil once nothing
// more is due).
type Alert struct {
	ID         int64       `json:"id"`
	Summary    string      `json:"summary"`
	Details    string      `json:"details,omitempty"`
	Severity   Severity    `json:"severity"`
	Policy     int64       `json:"policy"`
	Source     string      `json:"source"`              // "api", "ui", "cli" or "event:ID"
	Object     string      `json:"object,omitempty"`    // what it is about: request:ID, case:ID, designation:ID
	DedupKey   string      `json:"dedup_key,omitempty"` // a second raise with the same key returns this alert
	Status     AlertStatus `json:"status"`
	Step       int         `json:"step"`
	Round      int         `json:"round"`
	NextAt     *time.Time  `json:"next_at,omitempty"`
	CreatedBy  string      `json:"created_by"`
	CreatedAt  time.Time   `json:"created_at"`
	AckedBy    string      `json:"acked_by,omitempty"`
	AckedAt    *time.Time  `json:"acked_at,omitempty"`
	ResolvedBy string      `json:"resolved_by,omitempty"`
	ResolvedAt *time.Time  `json:"resolved_at,omitempty"`
}

// NotificationStatus is where a notification stands.
type NotificationStatus string

// Notification statuses. A failed attempt is retried with backoff; after
// the last attempt the notification is dead: it is in the dead-letter list,
// from which an admin can replay it.
const (
	NotificationPending   NotificationStatus = "pending"
	NotificationDelivered NotificationStatus = "delivered"
	NotificationFailed    NotificationStatus = "failed" // an attempt failed; another is due
	NotificationDead      NotificationStatus = "dead"
	// Cancelled: the alert was acknowledged or resolved before the
	// notification went out, so it never will.
	NotificationCancelled NotificationStatus = "cancelled"
)

// Notification is one message to one destination: a step of an alert's
// escalation reaching a contact method or endpoint, a verification code, or
// one of the other notifications a person subscribed to (Alert 0).
type Notification struct {
	ID          int64              `json:"id"`
	Alert       int64              `json:"alert,omitempty"`
	Step        int                `json:"step"`
	Round       int                `json:"round"`
	Kind        string             `json:"kind"`             // "alert", "verify", or the event type
	Person      string             `json:"person,omitempty"` // the person reached, if a person
	Method      int64              `json:"method,omitempty"` // contact method id
	Endpoint    int64              `json:"endpoint,omitempty"`
	Channel     Channel            `json:"channel"`
	Address     string             `json:"address"`
	Format      WebhookFormat      `json:"format,omitempty"` // a webhook's body shape
	Status      NotificationStatus `json:"status"`
	Attempts    int                `json:"attempts"`
	DueAt       time.Time          `json:"due_at"`
	DeliveredAt *time.Time         `json:"delivered_at,omitempty"`
	LastError   string             `json:"last_error,omitempty"`
	CreatedAt   time.Time          `json:"created_at"`
}

// HotlineEntry is one line of the hotline log: an alert triggered,
// escalated, notified, delivered, failed, acknowledged, resolved.
type HotlineEntry struct {
	ID           int64     `json:"id"`
	At           time.Time `json:"at"`
	Alert        int64     `json:"alert,omitempty"`
	Notification int64     `json:"notification,omitempty"`
	Kind         string    `json:"kind"`
	Actor        string    `json:"actor,omitempty"`
	Detail       string    `json:"detail,omitempty"`
}

// Permissions of the hotline (rows in Permissions).
const (
	ActHotlineRead    Action = "hotline.read"    // alerts, policies, rotations, on call, the log
	ActHotlineRaise   Action = "hotline.raise"   // raise an alert by hand or from an outside system
	ActHotlineRespond Action = "hotline.respond" // acknowledge, resolve, escalate an alert
	ActHotlineManage  Action = "hotline.manage"  // policies, rotations, endpoints, triggers, dead letters
	ActContactManage  Action = "contact.manage"  // one's own contact methods
)

// RedactAddress returns how a notification's address is shown to those
// who may not manage the hotline, and in the hotline log: a webhook's URL
// as scheme://host/… (chat systems' incoming-webhook URLs carry their
// token in the path or query, so the URL is a credential); an e-mail
// address as it is.
func RedactAddress(ch Channel, address string) string {
	if ch != ChannelWebhook {
		return address
	}
	u, err := url.Parse(address)
	if err != nil || u.Host == "" {
		return "(a webhook)"
	}
	shown := u.Scheme + "://" + u.Host
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		shown += "/…"
	}
	return shown
}
