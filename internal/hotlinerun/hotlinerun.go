// Package hotlinerun connects the hotline's engine to what runs it: the
// channels of package notify deliver its notifications, and the River queue
// of package jobs runs its steps and deliveries at their times. warden serve
// and the tests that run the whole engine wire the hotline through it, so that
// they wire it the same way.
package hotlinerun

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"warden"
	"warden/hotline"
	"warden/jobs"
	"warden/notify"
	"warden/store"
)

// Senders returns the hotline's senders over notify's channels: e-mail
// through email (none if nil) and webhooks through hook — endpoints'
// webhooks, which an admin sets up, go anywhere hook goes; the webhooks
// people enter as their own contact methods only to public addresses.
func Senders(email *notify.Email, hook *notify.Webhook) map[warden.Channel]hotline.Sender {
	people := &notify.Webhook{Timeout: hook.Timeout, Now: hook.Now, PublicOnly: true}
	m := map[warden.Channel]hotline.Sender{warden.ChannelWebhook: webhookSender{endpoints: hook, people: people}}
	if email != nil {
		m[warden.ChannelEmail] = emailSender{email}
	}
	return m
}

type emailSender struct{ e *notify.Email }

func (s emailSender) Send(ctx context.Context, n warden.Notification, m hotline.Message) error {
	return permanent(s.e.Send(ctx, n.Address, notify.Message(m)))
}

type webhookSender struct{ endpoints, people *notify.Webhook }

func (s webhookSender) Send(ctx context.Context, n warden.Notification, m hotline.Message) error {
	w := s.endpoints
	if n.Endpoint == 0 {
		w = s.people
	}
	return permanent(w.Send(ctx, n.Address, n.Format, notify.Message(m)))
}

// permanent carries notify's "do not retry" over to the hotline, which
// dead-letters such a notification at once.
func permanent(err error) error {
	if errors.Is(err, notify.ErrPermanent) {
		return permanentError{err}
	}
	return err
}

// permanentError is a failure of notify's that is also the hotline's
// ErrPermanent; it reads as notify's error alone, which says so already.
type permanentError struct{ err error }

func (e permanentError) Error() string   { return e.err.Error() }
func (e permanentError) Unwrap() []error { return []error{hotline.ErrPermanent, e.err} }

// Enqueuer schedules the hotline's work as River jobs in Queue. A delivery
// job may run Attempts times, the notification's attempts, so that the
// hotline marks a notification dead before River gives its job up.
type Enqueuer struct {
	Queue    *jobs.Queue
	Attempts int
}

// InsertMany schedules the hotline's jobs in one transaction of River.
func (e Enqueuer) InsertMany(ctx context.Context, js []hotline.Job) error {
	params := make([]river.InsertManyParams, len(js))
	for i, j := range js {
		if j.Notification != 0 {
			params[i] = river.InsertManyParams{Args: hotline.DeliverArgs{Notification: j.Notification},
				InsertOpts: &river.InsertOpts{ScheduledAt: j.At, MaxAttempts: max(e.Attempts, 1)}}
			continue
		}
		params[i] = river.InsertManyParams{Args: hotline.FireArgs{Alert: j.Alert, Step: j.Step, Round: j.Round},
			InsertOpts: &river.InsertOpts{ScheduledAt: j.At}}
	}
	return e.Queue.InsertMany(ctx, params)
}

// Open opens the job queue of s on db, with the hotline's workers and its
// periodic jobs (reconcile, domain events) every every, and makes it s's job
// engine. The hotline's workers and periodic jobs join those already in
// cfg (other capabilities' jobs run in the same queue). The caller starts
// the queue once the process is ready, and stops it before closing db.
func Open(ctx context.Context, db *store.DB, s *hotline.Service, every time.Duration, cfg jobs.Config) (*jobs.Queue, error) {
	if cfg.Workers == nil {
		cfg.Workers = river.NewWorkers()
	}
	hotline.Workers(s, cfg.Workers)
	cfg.Periodic = append(cfg.Periodic, hotline.PeriodicJobs(s, every)...)
	q, err := jobs.Open(ctx, db, cfg)
	if err != nil {
		return nil, fmt.Errorf("hotline job queue: %w", err)
	}
	s.SetJobs(Enqueuer{Queue: q, Attempts: s.Attempts()})
	return q, nil
}

// Start starts q, which Open opened for s, and resumes s's work on this
// node at once (Service.Resume): the periodic reconcile runs on River's
// leader only, and after a crash the dead leader's term must run out
// first. A failure to resume is logged: the periodic reconcile makes it
// good.
func Start(ctx context.Context, q *jobs.Queue, s *hotline.Service, log *slog.Logger) error {
	if err := q.Start(ctx); err != nil {
		return err
	}
	if n, err := s.Resume(ctx); err != nil {
		log.Warn("hotline: resume", "err", err)
	} else if n > 0 {
		log.Info("hotline: resumed", "jobs", n)
	}
	return nil
}
