package cooperation

import (
	"context"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"warden"
)

// DeadlinesArgs is the River job that writes the requests' deadline
// events that are due (Service.Sweep). A periodic job inserts it; River
// runs periodic jobs on its leader, and each event is written once
// however many sweeps run.
type DeadlinesArgs struct{}

// Kind names the job.
func (DeadlinesArgs) Kind() string { return "request.deadlines" }

// InsertOpts makes the job unique among the jobs not yet finished, so
// that a slow sweep is not queued again behind itself.
func (DeadlinesArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning, rivertype.JobStateRetryable, rivertype.JobStateScheduled}}}
}

type deadlinesWorker struct {
	river.WorkerDefaults[DeadlinesArgs]
	s    *Service
	logf func(string, ...any)
}

// Work sweeps the deadlines, acting as the operator. A failure is the
// job's error: River logs it and the next period tries again.
func (w deadlinesWorker) Work(ctx context.Context, _ *river.Job[DeadlinesArgs]) error {
	n, err := w.s.Sweep(warden.WithPrincipal(ctx, warden.Operator))
	if n > 0 {
		w.logf("requests: %d deadline events", n)
	}
	return err
}

// Workers registers the cooperation workers of s with w; logf reports
// the deadline events written.
func Workers(s *Service, w *river.Workers, logf func(string, ...any)) {
	river.AddWorker(w, deadlinesWorker{s: s, logf: logf})
}

// PeriodicJobs sweeps the deadlines every every (from start).
func PeriodicJobs(every time.Duration) []*river.PeriodicJob {
	return []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(every), func() (river.JobArgs, *river.InsertOpts) { return DeadlinesArgs{}, nil },
		&river.PeriodicJobOpts{ID: "request.deadlines", RunOnStart: true})}
}
