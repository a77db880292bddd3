package enforcement

import (
	"context"
	"errors"

	"github.com/riverqueue/river"

	"warden"
)

// RescreenArgs is the River job that screens one part of a re-screening
// run (Service.RescreenPart). RescreenIfNew inserts one per part; they are
// unique by run and part, so that a run queued twice (its claimer died
// between queueing and recording it) is worked once. A job whose node
// dies is rescued by River and resumes, on any node, where the part's
// last page ended.
type RescreenArgs struct {
	Run  string `json:"run"`
	Part int    `json:"part"`
}

// Kind names the job.
func (RescreenArgs) Kind() string { return "customers.rescreen" }

// InsertOpts makes the job unique by its run and part, in every state.
func (RescreenArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

type rescreenWorker struct {
	river.WorkerDefaults[RescreenArgs]
	s *Service
}

// Work screens the part as the operator. A part that paused before its
// job's deadline is snoozed, not failed: it goes on at once where it
// stopped, without using up an attempt.
func (w rescreenWorker) Work(ctx context.Context, j *river.Job[RescreenArgs]) error {
	err := w.s.RescreenPart(warden.WithPrincipal(ctx, warden.Operator), j.Args.Run, j.Args.Part)
	if errors.Is(err, errRescreenPause) {
		return river.JobSnooze(0)
	}
	return err
}

// Workers registers the enforcement workers of s (re-screening parts)
// with w.
func Workers(s *Service, w *river.Workers) {
	river.AddWorker(w, rescreenWorker{s: s})
}
