// Package hotline is the escalation engine of the hotline the agreement sets
// up: escalation policies, on-call rotations, endpoints and triggers, the
// contact methods people verify, and alerts that notify, step by step, until
// someone acknowledges them.
//
// State lives in the database, not in timers. An alert row says which step
// fires next, in which round, and when. Firing a step (Fire) is one store
// transaction: a conditional update of the alert from the state that was
// read to the next one, with the step's notifications (one per destination)
// and the hotline log lines; if the update finds the alert moved (another
// node, an earlier run, an acknowledgement), nothing is stored. Delivering a
// notification (Deliver) claims it, sends it through its channel's Sender
// and records delivered, failed (to be retried) or dead. A job engine
// (package jobs, River) runs Fire and Deliver at their times; the jobs are
// inserted after the transaction commits, and Reconcile re-inserts those of
// every due alert and notification, so a crash in between loses nothing.
// Without a job engine, RunDue does the same work at the service's clock,
// which is how the tests drive it.
package hotline

import (
	"context"
	"crypto/rand"
	"errors"
	"log/slog"
	mrand "math/rand/v2"
	"time"

	"warden"
	"warden/store"
)

// Sender delivers one notification through its channel. Package notify
// implements it for e-mail and webhooks. An error wrapping ErrPermanent
// (notify.ErrPermanent, rewrapped by whoever adapts notify's channels to
// this interface) says that trying again cannot help: the notification is
// dead at once.
type Sender interface {
	Send(ctx context.Context, n warden.Notification, m Message) error
}

// ErrPermanent marks a delivery failure that another attempt cannot cure
// (an address the mail server refuses, a webhook answering 404).
var ErrPermanent = errors.New("permanent delivery failure")

// Message is what a notification says.
type Message struct {
	// Subject, Text and HTML are the message: Text and HTML are the plain
	// and HTML parts of an e-mail; chat shapes use Text.
	Subject, Text, HTML string
	// Alert is the alert the notification is about; nil for the others.
	Alert *warden.Alert
	// Event is "alert.triggered", "alert.escalated", "verify", or the
	// domain event a person subscribed to.
	Event string
	// AckURL and ResolveURL are signed one-time links that acknowledge or
	// resolve the alert; "" for notifications that are not an alert's.
	AckURL, ResolveURL string
	// Secrets sign a webhook to an endpoint: its secret and, while it is
	// rotated, the next one. Nil for e-mail and for people's own webhooks,
	// which have no secret.
	Secrets []string
	// DeliveryID is unique per notification ("warden-n-<id>") and the same
	// on every attempt, sent as a header or Message-ID so that receivers
	// can drop a duplicate.
	DeliveryID string
}

// Enqueuer schedules work in the job engine (package jobs implements it
// with River). Without one, nothing is scheduled and RunDue does the work.
type Enqueuer interface {
	// InsertMany schedules jobs in one transaction of the job engine;
	// a job like one not yet finished is skipped.
	InsertMany(ctx context.Context, jobs []Job) error
}

// Job is work for the job engine at At: a step of an alert to fire
// (FireArgs), or, if Notification is not 0, a notification to deliver
// (DeliverArgs).
type Job struct {
	Alert        int64
	Step, Round  int
	Notification int64
	At           time.Time
}

// DefaultClaimFor is Options.ClaimFor's default: longer than a sender
// takes to give up (notify's 10 s timeout), with a margin.
const DefaultClaimFor = 30 * time.Second

// Defaults of the delivery retries. A failed attempt is tried again after
// 15 s, then 30 s, 1 min, ... doubling up to an hour (each wait drawn
// between 80% and 100% of that, so that the retries of notifications
// that failed together spread out). DefaultAttempts tries a notification
// for about two hours before it is dead: the nine waits add up to between
// 1 h 39 min and 2 h 4 min, so a mail server or chat system down for an
// hour or so loses no page.
const (
	DefaultAttempts  = 10
	DefaultRetryBase = 15 * time.Second
	DefaultRetryMax  = time.Hour
)

// Options configure a Service.
type Options struct {
	// Now is the clock; time.Now if nil.
	Now func() time.Time
	// BaseURL is where people reach Warden (http://127.0.0.1:8080), for
	// the signed links in notifications.
	BaseURL string
	// LinkKey is the HMAC key of signed links. If nil, New draws a random
	// one, and links die with the process: serve passes a persisted key.
	LinkKey []byte
	// LinkTTL is how long a signed link works (24 hours if zero).
	LinkTTL time.Duration
	// Attempts is how many times a notification is tried before it is
	// dead (DefaultAttempts if zero).
	Attempts int
	// RetryBase and RetryMax shape the wait after a failed attempt: about
	// RetryBase * 2^(failures-1), at most RetryMax (DefaultRetryBase and
	// DefaultRetryMax if zero). The job engine retries a delivery when
	// the hotline says (its deliver worker's NextRetry), so the log's
	// "next after" is when the retry runs.
	RetryBase, RetryMax time.Duration
	// Jitter draws a number in [0, n) for the retries' jitter;
	// math/rand/v2's Int64N if nil.
	Jitter func(n int64) int64
	// Senders deliver notifications, by channel.
	Senders map[warden.Channel]Sender
	// Jobs is the job engine; SetJobs sets it later.
	Jobs Enqueuer
	// ClaimFor is how long a node holds a notification it is sending:
	// another node may take it over after that, so that a node killed
	// while sending loses nothing. Longer than a sender may take
	// (DefaultClaimFor if zero): a node still sending when its claim runs
	// out may see the notification sent twice.
	ClaimFor time.Duration
	// Log receives what the engine cannot return to anyone (a job not
	// inserted after a commit, which Reconcile makes good); slog.Default
	// if nil.
	Log *slog.Logger
}

// Service is the hotline.
type Service struct {
	db *store.DB
	o  Options
	// Metrics counts notifications and times acknowledgements, for
	// /metrics.
	Metrics *Metrics
}

// New returns the hotline over db.
func New(db *store.DB, o Options) *Service {
	if o.LinkKey == nil {
		o.LinkKey = make([]byte, 32)
		rand.Read(o.LinkKey)
	}
	if o.LinkTTL <= 0 {
		o.LinkTTL = 24 * time.Hour
	}
	if o.Attempts <= 0 {
		o.Attempts = DefaultAttempts
	}
	if o.RetryBase <= 0 {
		o.RetryBase = DefaultRetryBase
	}
	if o.RetryMax <= 0 {
		o.RetryMax = DefaultRetryMax
	}
	if o.Jitter == nil {
		o.Jitter = mrand.Int64N
	}
	if o.ClaimFor <= 0 {
		o.ClaimFor = DefaultClaimFor
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	return &Service{db: db, o: o, Metrics: newMetrics()}
}

// SetJobs sets the job engine, before the service is used: the engine is
// built after the service, whose workers it needs.
func (s *Service) SetJobs(e Enqueuer) { s.o.Jobs = e }

// Attempts is how many times a notification is tried before it is dead:
// the job engine lets a delivery job run at least as many times.
func (s *Service) Attempts() int { return s.o.Attempts }

func (s *Service) now() time.Time {
	if s.o.Now != nil {
		return s.o.Now().UTC()
	}
	return time.Now().UTC()
}

// enqueue schedules jobs in the job engine, if there is one. A failure is
// logged: the work is in the database, and Reconcile schedules it once it
// is due.
func (s *Service) enqueue(ctx context.Context, jobs ...Job) {
	if s.o.Jobs == nil || len(jobs) == 0 {
		return
	}
	if err := s.o.Jobs.InsertMany(ctx, jobs); err != nil {
		s.o.Log.Warn("hotline: schedule jobs", "jobs", len(jobs), "first", jobs[0], "err", err)
	}
}

// fireJob is the job that fires a's next step, if it has one.
func fireJob(a warden.Alert) []Job {
	if a.NextAt == nil || a.Status != warden.AlertTriggered {
		return nil
	}
	return []Job{{Alert: a.ID, Step: a.Step, Round: a.Round, At: *a.NextAt}}
}

// deliverJob is the job that delivers n at its time.
func deliverJob(n warden.Notification) Job {
	return Job{Notification: n.ID, At: n.DueAt}
}

// retry is how long after its failures-th failed attempt a notification
// is tried again: RetryBase doubling per failure, at most RetryMax, less
// up to a fifth drawn at random.
func (s *Service) retry(failures int) time.Duration {
	d := s.o.RetryBase
	for i := 1; i < failures && d < s.o.RetryMax; i++ {
		d *= 2
	}
	d = min(d, s.o.RetryMax)
	return d - time.Duration(s.o.Jitter(int64(d/5)+1))
}

// RetryAt is when a delivery whose attempt failed is tried again: the
// time the hotline recorded with the failure (and wrote in the log), or,
// if none is recorded, the wait after attempt failures from now. The job
// engine's deliver worker retries then.
func (s *Service) RetryAt(ctx context.Context, notification int64, failures int) time.Time {
	now := s.now()
	o, err := s.db.Notification(ctx, notification)
	if err == nil && o.Status == warden.NotificationFailed && o.DueAt.After(now) {
		return o.DueAt
	}
	return now.Add(s.retry(max(failures, 1)))
}

// activePerson checks that name is a person who is not disabled, as a
// policy target, a rotation participant or an override must be: a
// disabled person is paged no more. EINVALID otherwise.
func (s *Service) activePerson(ctx context.Context, name string) error {
	u, err := s.db.User(ctx, name)
	if warden.ErrorCode(err) == warden.ENOTFOUND {
		return warden.Errorf(warden.EINVALID, "no person %q", name)
	}
	if err != nil {
		return err
	}
	if u.DisabledAt != nil {
		return warden.Errorf(warden.EINVALID, "%s is disabled", name)
	}
	return nil
}

// checkHolder refuses a signed link sent to a person who has been
// disabled since: EFORBIDDEN. A link sent to an endpoint has no person.
func (s *Service) checkHolder(ctx context.Context, n warden.Notification) error {
	if n.Person == "" {
		return nil
	}
	at, err := s.db.Disabled(ctx, n.Person)
	if err != nil {
		return err
	}
	if at != nil {
		return warden.Errorf(warden.EFORBIDDEN, "this person is disabled")
	}
	return nil
}
