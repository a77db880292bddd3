// Package jobs runs Warden's durable background work (escalation steps,
// deliveries and their retries) on River, in the database the store already
// uses: SQLite through riversqlite, PostgreSQL through riverpgxv5. A job is
// a row in River's tables, so it outlives the process that inserted it;
// River's unique jobs, retries and rescue of jobs whose process died make
// several nodes on one PostgreSQL work as one queue.
package jobs

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"warden"
	"warden/store"
)

// Defaults of Config.
const (
	DefaultMaxWorkers   = 100
	DefaultPollInterval = 100 * time.Millisecond
	DefaultRetryBase    = 2 * time.Second
	DefaultRetryMax     = 10 * time.Minute
	DefaultRescueAfter  = time.Minute
)

// stopCancelWait bounds how long Stop waits for running jobs to return once
// their contexts are cancelled.
const stopCancelWait = 5 * time.Second

// Config is what a Queue runs.
type Config struct {
	// Workers are the job kinds this process works, registered by the
	// capabilities (hotline.Workers). Nil makes a queue that only inserts
	// (a CLI command), which cannot be started.
	Workers *river.Workers
	// Periodic are jobs the leader node inserts on a schedule (the
	// hotline's reconcile job).
	Periodic []*river.PeriodicJob
	// MaxWorkers is how many jobs run at once in this process
	// (DefaultMaxWorkers if zero). River fetches at most the free
	// workers' worth of jobs per poll, so MaxWorkers / PollInterval bounds
	// the jobs a process starts per second; most of the hotline's jobs
	// wait on a database or a receiver, not on a CPU.
	MaxWorkers int
	// PollInterval is how often the queue looks for due jobs: the most a
	// job runs after its time. Escalation steps must run within a second
	// of their time.
	PollInterval time.Duration
	// RetryBase and RetryMax shape the wait between the attempts of a job
	// that failed: up to RetryBase * 2^(failures-1), at most RetryMax,
	// drawn at random (full jitter) so that retries of many jobs that
	// failed together (an endpoint down) spread out.
	RetryBase, RetryMax time.Duration
	// RescueAfter is how long a job may stay running before it is taken
	// for abandoned (its process died) and run again. A job's context is
	// cancelled after half of it, so that no job still running in a live
	// process is rescued.
	RescueAfter time.Duration
	// Logger receives River's logs; nil discards them.
	Logger *slog.Logger
	// ID names this client (the node) in River's tables and logs; River
	// makes one up when empty.
	ID string
}

// Queue is the job queue of one process: River's client over its own
// connections to the store's database.
type Queue struct {
	client  client
	close   func()
	works   bool // it has workers
	started bool

	// inserts takes InsertMany's calls to the goroutine that inserts them
	// together; stop ends it.
	inserts   chan *insertCall
	stop      chan struct{}
	startOnce sync.Once
	stopOnce  sync.Once
	loopDone  chan struct{}
}

// insertCall is one InsertMany waiting for the inserter.
type insertCall struct {
	params []river.InsertManyParams
	done   chan error
}

// maxInsertGroup is the most jobs inserted in one transaction.
const maxInsertGroup = 500

// client is what a Queue uses of River's client, the same whatever the
// driver's transaction type.
type client interface {
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	StopAndCancel(ctx context.Context) error
	Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
	InsertMany(ctx context.Context, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error)
	JobGet(ctx context.Context, id int64) (*rivertype.JobRow, error)
}

// Open opens River's own connections to db's database, applies River's
// migrations and builds the client. SQLite gets one connection, as River's
// SQLite driver wants (parallel River operations on several connections
// fail with SQLITE_BUSY), with the store's pragmas; PostgreSQL a pool from
// the store's URL, search_path included. An in-memory SQLite database
// cannot be shared with a second connection and is refused.
func Open(ctx context.Context, db *store.DB, cfg Config) (*Queue, error) {
	dsn := db.DSN()
	if dsn == "" {
		return nil, warden.Errorf(warden.EINVALID, "jobs: an in-memory database cannot hold the job queue; use a file")
	}
	rc := riverConfig(cfg)
	switch db.Driver() {
	case "sqlite":
		pool, err := sql.Open("sqlite", dsn)
		if err != nil {
			return nil, fmt.Errorf("jobs: open database: %w", err)
		}
		pool.SetMaxOpenConns(1)
		// A poll every PollInterval on one connection: SQLite has no
		// notifications between processes, and River's substitute (a table
		// polled every 50 ms) would only compete for the connection.
		rc.PollOnly = true
		driver := riversqlite.New(pool)
		err = migrate(ctx, driver, rc.Logger, func(ctx context.Context, m *rivermigrate.Migrator[*sql.Tx]) error {
			tx, err := pool.BeginTx(ctx, nil) // immediate: the write lock serialises nodes
			if err != nil {
				return err
			}
			defer tx.Rollback()
			if _, err := m.MigrateTx(ctx, tx, rivermigrate.DirectionUp, nil); err != nil {
				return err
			}
			return tx.Commit()
		})
		if err != nil {
			pool.Close()
			return nil, err
		}
		c, err := river.NewClient(driver, rc)
		if err != nil {
			pool.Close()
			return nil, fmt.Errorf("jobs: %w", err)
		}
		return &Queue{client: c, close: func() { pool.Close() }, works: cfg.Workers != nil}, nil
	case "pgx":
		pool, err := pgxpool.New(ctx, dsn)
		if err != nil {
			return nil, fmt.Errorf("jobs: open database: %w", err)
		}
		driver := riverpgxv5.New(pool)
		err = migrate(ctx, driver, rc.Logger, func(ctx context.Context, m *rivermigrate.Migrator[pgx.Tx]) error {
			// Each migration in its own transaction (one adds an enum value
			// the next uses, which PostgreSQL refuses in one transaction),
			// under a lock: nodes starting together migrate one at a time,
			// the later ones finding nothing left to do. (7201 to 7203 are
			// the store's locks.)
			conn, err := pool.Acquire(ctx)
			if err != nil {
				return err
			}
			defer conn.Release()
			if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(7204)`); err != nil {
				return err
			}
			defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(7204)`)
			_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
			return err
		})
		if err != nil {
			pool.Close()
			return nil, err
		}
		c, err := river.NewClient(driver, rc)
		if err != nil {
			pool.Close()
			return nil, fmt.Errorf("jobs: %w", err)
		}
		return &Queue{client: c, close: pool.Close, works: cfg.Workers != nil}, nil
	}
	return nil, warden.Errorf(warden.EINTERNAL, "jobs: unknown database driver %q", db.Driver())
}

// migrate applies River's migrations with run, which gives them a
// transaction.
func migrate[TTx any](ctx context.Context, driver riverdriver.Driver[TTx], logger *slog.Logger, run func(context.Context, *rivermigrate.Migrator[TTx]) error) error {
	m, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: logger})
	if err != nil {
		return fmt.Errorf("jobs: migrations: %w", err)
	}
	if err := run(ctx, m); err != nil {
		return fmt.Errorf("jobs: migrations: %w", err)
	}
	return nil
}

// riverConfig fills in River's configuration from cfg and its defaults.
func riverConfig(cfg Config) *river.Config {
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	rescue := cmp.Or(cfg.RescueAfter, DefaultRescueAfter)
	rc := &river.Config{
		ID:                   cfg.ID,
		Logger:               logger,
		FetchPollInterval:    cmp.Or(cfg.PollInterval, DefaultPollInterval),
		JobTimeout:           rescue / 2,
		RescueStuckJobsAfter: rescue,
		RetryPolicy:          &Backoff{Base: cmp.Or(cfg.RetryBase, DefaultRetryBase), Max: cmp.Or(cfg.RetryMax, DefaultRetryMax)},
		PeriodicJobs:         cfg.Periodic,
		Middleware:           []rivertype.Middleware{river.JobInsertMiddlewareFunc(dueNow)},
	}
	// River refuses a fetch cool-down longer than the poll interval.
	rc.FetchCooldown = min(river.FetchCooldownDefault, rc.FetchPollInterval)
	if cfg.Workers != nil {
		rc.Workers = cfg.Workers
		rc.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cmp.Or(cfg.MaxWorkers, DefaultMaxWorkers)}}
	}
	return rc
}

// dueNow inserts a job scheduled for later as available at its time rather
// than as scheduled. River makes a scheduled job available when its
// scheduler passes, every 5 s and on the leader node only, so a job due in
// less than that could run seconds late, and every scheduled job waits
// while a dead leader's term runs out; the fetch of an available job
// already waits for its scheduled_at, as River does itself for retries
// due within the scheduler's interval.
func dueNow(ctx context.Context, params []*rivertype.JobInsertParams, next func(context.Context) ([]*rivertype.JobInsertResult, error)) ([]*rivertype.JobInsertResult, error) {
	for _, p := range params {
		if p.State == rivertype.JobStateScheduled {
			p.State = rivertype.JobStateAvailable
		}
	}
	return next(ctx)
}

// Start starts fetching and working jobs. The queue runs until Stop, not
// until ctx ends (whose values the jobs' contexts carry).
func (q *Queue) Start(ctx context.Context) error {
	if !q.works {
		return warden.Errorf(warden.EINTERNAL, "jobs: a queue without workers only inserts")
	}
	if err := q.client.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	q.started = true
	return nil
}

// Stop stops fetching jobs and waits for the running ones until ctx ends,
// then cancels them and waits for them to return (a few seconds at most),
// and closes River's connections. A job cancelled part way is run again
// later, here or on another node: workers must be safe to run twice,
// which the store's conditional updates make them.
func (q *Queue) Stop(ctx context.Context) error {
	defer q.close()
	defer q.stopInserter()
	if !q.started {
		return nil
	}
	err := q.client.Stop(ctx)
	if err != nil && ctx.Err() != nil {
		cctx, cancel := context.WithTimeout(context.Background(), stopCancelWait)
		defer cancel()
		err = q.client.StopAndCancel(cctx)
	}
	if err != nil {
		return fmt.Errorf("jobs: stop: %w", err)
	}
	return nil
}

// Insert inserts a job, to run at once or at opts.ScheduledAt. It reports
// false, and inserts nothing, when the job is unique (opts.UniqueOpts or
// the args' InsertOpts) and one like it already exists.
func (q *Queue) Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (bool, error) {
	res, err := q.client.Insert(ctx, args, opts)
	if err != nil {
		return false, fmt.Errorf("jobs: insert %s: %w", args.Kind(), err)
	}
	return !res.UniqueSkippedAsDuplicate, nil
}

// InsertMany inserts jobs in one of River's transactions; unique jobs
// that already exist are skipped. Calls made at the same time, by jobs
// running together, are inserted together: River's transactions, each a
// turn of the database's write lock on SQLite, are then per group rather
// than per call. A call returns once its jobs are committed.
func (q *Queue) InsertMany(ctx context.Context, params []river.InsertManyParams) error {
	if len(params) == 0 {
		return nil
	}
	q.startOnce.Do(func() {
		q.inserts, q.stop, q.loopDone = make(chan *insertCall, 256), make(chan struct{}), make(chan struct{})
		go q.insertLoop()
	})
	c := &insertCall{params: params, done: make(chan error, 1)}
	select {
	case q.inserts <- c:
	case <-q.stop:
		return warden.Errorf(warden.EINTERNAL, "jobs: queue stopped")
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-c.done:
		return err
	case <-q.loopDone:
		select {
		case err := <-c.done:
			return err
		default:
			return warden.Errorf(warden.EINTERNAL, "jobs: queue stopped")
		}
	}
}

// insertLoop inserts the calls waiting together, until stop.
func (q *Queue) insertLoop() {
	defer close(q.loopDone)
	for {
		var first *insertCall
		select {
		case first = <-q.inserts:
		case <-q.stop:
			return
		}
		group, n := []*insertCall{first}, len(first.params)
	fill:
		for n < maxInsertGroup {
			select {
			case c := <-q.inserts:
				group, n = append(group, c), n+len(c.params)
			default:
				break fill
			}
		}
		params := make([]river.InsertManyParams, 0, n)
		for _, c := range group {
			params = append(params, c.params...)
		}
		err := q.insert(params)
		if err != nil && len(group) > 1 {
			// One call's jobs may be what the transaction refused: each
			// alone, so that the others go in.
			for _, c := range group {
				c.done <- q.insert(c.params)
			}
			continue
		}
		for _, c := range group {
			c.done <- err
		}
	}
}

// insert inserts params in one transaction.
func (q *Queue) insert(params []river.InsertManyParams) error {
	if _, err := q.client.InsertMany(context.Background(), params); err != nil {
		return fmt.Errorf("jobs: insert %d jobs: %w", len(params), err)
	}
	return nil
}

// stopInserter ends the inserter, if it runs, once the calls it holds are
// answered.
func (q *Queue) stopInserter() {
	q.startOnce.Do(func() { // never started: calls after Stop are refused
		q.stop, q.loopDone = make(chan struct{}), make(chan struct{})
		close(q.loopDone)
	})
	q.stopOnce.Do(func() {
		close(q.stop)
		<-q.loopDone
	})
}

// Backoff is the retry policy: exponential backoff with full jitter. The
// n-th failure of a job waits a random time in [0, min(Base*2^(n-1), Max)].
// River stops retrying after the job's MaxAttempts and discards it.
type Backoff struct {
	Base, Max time.Duration
	// now and rand replace the clock and the random source in tests.
	now  func() time.Time
	rand func(n int64) int64
}

// NextRetry returns when a job that has just failed runs again.
func (b *Backoff) NextRetry(job *rivertype.JobRow) time.Time {
	now := time.Now
	if b.now != nil {
		now = b.now
	}
	// The job's errors are its failures before this one; River counts
	// errors, not attempts, since a snoozed job's attempts are not
	// failures.
	return now().UTC().Add(b.Delay(len(job.Errors) + 1))
}

// Delay is the wait after failures failures: a random time in [0,
// min(Base*2^(failures-1), Max)].
func (b *Backoff) Delay(failures int) time.Duration {
	rnd := rand.Int64N
	if b.rand != nil {
		rnd = b.rand
	}
	d := b.Base
	for range failures - 1 {
		if d >= b.Max/2 {
			d = b.Max
			break
		}
		d *= 2
	}
	d = min(d, b.Max)
	return time.Duration(rnd(int64(d) + 1))
}
