package intel

import (
	"context"
	"database/sql"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"warden"
)

// The intelligence's River jobs: the pull of each partner feed, a
// periodic job that queues them all, and the sync of the listed parties'
// indicators. Each is unique among the jobs not yet finished, so that a
// slow pull is not queued again behind itself.
var unique = river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning, rivertype.JobStateRetryable, rivertype.JobStateScheduled}}

// jobPrincipal is who the jobs act as: the operator, in the role of
// sanctions officer, which may import intelligence (the operator's own
// role, admin, may not).
var jobPrincipal = warden.Principal{Name: warden.Operator.Name, Role: warden.RoleSanctionsOfficer, Org: warden.HomeOrg, Kind: warden.Operator.Kind, Person: warden.Operator.Person}

// PullArgs pulls one feed (Service.Pull).
type PullArgs struct {
	Feed string `json:"feed"`
}

// Kind names the job.
func (PullArgs) Kind() string { return "intel.pull" }

// InsertOpts makes the job unique per feed.
func (PullArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{UniqueOpts: unique} }

// PullAllArgs queues a pull of every feed.
type PullAllArgs struct{}

// Kind names the job.
func (PullAllArgs) Kind() string { return "intel.pull_all" }

// InsertOpts makes the job unique.
func (PullAllArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{UniqueOpts: unique} }

// ListsArgs turns the listed parties' e-mail addresses, websites and
// wallets into indicators (Service.SyncListIndicators).
type ListsArgs struct{}

// Kind names the job.
func (ListsArgs) Kind() string { return "intel.lists" }

// InsertOpts makes the job unique.
func (ListsArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{UniqueOpts: unique} }

type pullWorker struct {
	river.WorkerDefaults[PullArgs]
	s    *Service
	logf func(string, ...any)
}

// Work pulls the feed as the operator (jobPrincipal). A failure is recorded on the feed
// and is the job's error: River retries it, and the next period pulls
// again anyway. A feed removed since is done with.
func (w pullWorker) Work(ctx context.Context, j *river.Job[PullArgs]) error {
	rep, err := w.s.Pull(warden.WithPrincipal(ctx, jobPrincipal), j.Args.Feed)
	if warden.ErrorCode(err) == warden.ENOTFOUND {
		if _, ferr := w.s.DB.FeedToken(ctx, j.Args.Feed); warden.ErrorCode(ferr) == warden.ENOTFOUND {
			return nil
		}
	}
	if rep.Total > 0 {
		w.logf("intel: feed %s: %d objects, %d new, %d new versions", j.Args.Feed, rep.Total, rep.Added, rep.Versions)
	}
	return err
}

type pullAllWorker struct {
	river.WorkerDefaults[PullAllArgs]
	s *Service
}

// Work queues one pull per feed, in the job's own queue.
func (w pullAllWorker) Work(ctx context.Context, _ *river.Job[PullAllArgs]) error {
	fs, err := w.s.Feeds(warden.WithPrincipal(ctx, jobPrincipal))
	if err != nil || len(fs) == 0 {
		return err
	}
	params := make([]river.InsertManyParams, len(fs))
	for i, f := range fs {
		params[i] = river.InsertManyParams{Args: PullArgs{Feed: f.Name}}
	}
	return insertMany(ctx, params)
}

// insertMany inserts jobs with the client running the job in ctx, over
// SQLite or PostgreSQL.
func insertMany(ctx context.Context, params []river.InsertManyParams) error {
	if c, err := river.ClientFromContextSafely[*sql.Tx](ctx); err == nil {
		_, err = c.InsertMany(ctx, params)
		return err
	}
	c, err := river.ClientFromContextSafely[pgx.Tx](ctx)
	if err != nil {
		return warden.Errorf(warden.EINTERNAL, "intel.pull_all: no job queue: %w", err)
	}
	_, err = c.InsertMany(ctx, params)
	return err
}

type listsWorker struct {
	river.WorkerDefaults[ListsArgs]
	s    *Service
	logf func(string, ...any)
}

// Work syncs the listed parties' indicators as the operator (jobPrincipal).
func (w listsWorker) Work(ctx context.Context, _ *river.Job[ListsArgs]) error {
	n, err := w.s.SyncListIndicators(warden.WithPrincipal(ctx, jobPrincipal))
	if n > 0 {
		w.logf("intel: %d indicators of listed parties changed", n)
	}
	return err
}

// Workers registers the intelligence workers of s with w; logf reports
// what the pulls and the sync changed.
func Workers(s *Service, w *river.Workers, logf func(string, ...any)) {
	river.AddWorker(w, pullWorker{s: s, logf: logf})
	river.AddWorker(w, pullAllWorker{s: s})
	river.AddWorker(w, listsWorker{s: s, logf: logf})
}

// PeriodicJobs pulls every feed every pullEvery, and syncs the listed
// parties' indicators every minute (cheap when no list changed); both
// from start.
func PeriodicJobs(pullEvery time.Duration) []*river.PeriodicJob {
	return []*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(pullEvery), func() (river.JobArgs, *river.InsertOpts) { return PullAllArgs{}, nil },
			&river.PeriodicJobOpts{ID: "intel.pull_all", RunOnStart: true}),
		river.NewPeriodicJob(river.PeriodicInterval(time.Minute), func() (river.JobArgs, *river.InsertOpts) { return ListsArgs{}, nil },
			&river.PeriodicJobOpts{ID: "intel.lists", RunOnStart: true}),
	}
}
