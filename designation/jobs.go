package designation

import (
	"context"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"warden"
)

// PublishArgs is the River job that publishes the approved designations
// whose publication time has come (Service.PublishDue). A periodic job
// inserts it; River runs periodic jobs on its leader, and publish itself
// stores nothing when another node published first.
type PublishArgs struct{}

// Kind names the job.
func (PublishArgs) Kind() string { return "designation.publish" }

// InsertOpts makes the job unique among the jobs not yet finished, so
// that a slow publication is not queued again behind itself.
func (PublishArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning, rivertype.JobStateRetryable, rivertype.JobStateScheduled}}}
}

type publishWorker struct {
	river.WorkerDefaults[PublishArgs]
	s    *Service
	logf func(string, ...any)
}

// Work publishes what is due, acting as the operator. A failure is the
// job's error: River logs it and the next period tries again.
func (w publishWorker) Work(ctx context.Context, _ *river.Job[PublishArgs]) error {
	n, err := w.s.PublishDue(warden.WithPrincipal(ctx, warden.Operator))
	if n > 0 {
		w.logf("designations: published %d", n)
	}
	return err
}

// Workers registers the designation workers of s with w; logf reports
// what was published.
func Workers(s *Service, w *river.Workers, logf func(string, ...any)) {
	river.AddWorker(w, publishWorker{s: s, logf: logf})
}

// PeriodicJobs publishes what is due every every (from start).
func PeriodicJobs(every time.Duration) []*river.PeriodicJob {
	return []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(every), func() (river.JobArgs, *river.InsertOpts) { return PublishArgs{}, nil },
		&river.PeriodicJobOpts{ID: "designation.publish", RunOnStart: true})}
}
