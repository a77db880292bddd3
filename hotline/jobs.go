package hotline

import (
	"context"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// The hotline's River jobs. Each kind is unique by its arguments among the
// jobs not yet finished, so a job inserted twice (after a commit, and
// again by Reconcile) runs once; a finished one does not block a later
// one with the same arguments (a replayed notification).
var unique = river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning, rivertype.JobStateRetryable, rivertype.JobStateScheduled}}

// FireArgs fires a step of an alert (Service.Fire).
type FireArgs struct {
	Alert int64 `json:"alert"`
	Step  int   `json:"step"`
	Round int   `json:"round"`
}

// Kind names the job.
func (FireArgs) Kind() string { return "hotline.fire" }

// InsertOpts makes the job unique by its arguments.
func (FireArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{UniqueOpts: unique} }

// DeliverArgs sends a notification (Service.Deliver). The job's retries,
// at the hotline's backoff, are the notification's attempts: insert it with
// MaxAttempts at least Service.Attempts, so that Deliver marks the
// notification dead before River gives the job up.
type DeliverArgs struct {
	Notification int64 `json:"notification"`
}

// Kind names the job.
func (DeliverArgs) Kind() string { return "hotline.deliver" }

// InsertOpts makes the job unique by its arguments.
func (DeliverArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{UniqueOpts: unique} }

// ReconcileArgs schedules what is due and has no job (Service.Reconcile).
type ReconcileArgs struct{}

// Kind names the job.
func (ReconcileArgs) Kind() string { return "hotline.reconcile" }

// InsertOpts makes the job unique.
func (ReconcileArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{UniqueOpts: unique} }

// EventsArgs handles new domain events (Service.HandleEvents).
type EventsArgs struct{}

// Kind names the job.
func (EventsArgs) Kind() string { return "hotline.events" }

// InsertOpts makes the job unique.
func (EventsArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{UniqueOpts: unique} }

type fireWorker struct {
	river.WorkerDefaults[FireArgs]
	s *Service
}

func (w fireWorker) Work(ctx context.Context, j *river.Job[FireArgs]) error {
	return w.s.Fire(ctx, j.Args.Alert, j.Args.Step, j.Args.Round)
}

type deliverWorker struct {
	river.WorkerDefaults[DeliverArgs]
	s *Service
}

func (w deliverWorker) Work(ctx context.Context, j *river.Job[DeliverArgs]) error {
	return w.s.Deliver(ctx, j.Args.Notification, j.Attempt)
}

// NextRetry retries a failed delivery when the hotline recorded it would
// (Service.RetryAt), not on River's own backoff.
func (w deliverWorker) NextRetry(j *river.Job[DeliverArgs]) time.Time {
	return w.s.RetryAt(context.Background(), j.Args.Notification, j.Attempt)
}

type reconcileWorker struct {
	river.WorkerDefaults[ReconcileArgs]
	s *Service
}

func (w reconcileWorker) Work(ctx context.Context, _ *river.Job[ReconcileArgs]) error {
	_, err := w.s.Reconcile(ctx)
	return err
}

type eventsWorker struct {
	river.WorkerDefaults[EventsArgs]
	s *Service
}

func (w eventsWorker) Work(ctx context.Context, _ *river.Job[EventsArgs]) error {
	_, err := w.s.HandleEvents(ctx)
	return err
}

// Workers registers the hotline's workers with w.
func Workers(s *Service, w *river.Workers) {
	river.AddWorker(w, fireWorker{s: s})
	river.AddWorker(w, deliverWorker{s: s})
	river.AddWorker(w, reconcileWorker{s: s})
	river.AddWorker(w, eventsWorker{s: s})
}

// PeriodicJobs are the periodic jobs of s, run every every (from start):
// Reconcile and HandleEvents, which the workers Workers registered for s
// run. River runs periodic jobs on its leader only, so one node of several
// runs them.
func PeriodicJobs(_ *Service, every time.Duration) []*river.PeriodicJob {
	return []*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(every), func() (river.JobArgs, *river.InsertOpts) { return ReconcileArgs{}, nil },
			&river.PeriodicJobOpts{ID: "hotline.reconcile", RunOnStart: true}),
		river.NewPeriodicJob(river.PeriodicInterval(every), func() (river.JobArgs, *river.InsertOpts) { return EventsArgs{}, nil },
			&river.PeriodicJobOpts{ID: "hotline.events", RunOnStart: true}),
	}
}
