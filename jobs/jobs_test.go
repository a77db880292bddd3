package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"warden/store"
	"warden/store/storetest"
)

// testArgs is a job the tests insert; N tells jobs apart, and Fail makes
// the worker fail every attempt.
type testArgs struct {
	N    int  `json:"n"`
	Fail bool `json:"fail"`
}

func (testArgs) Kind() string { return "test" }

// run is one attempt the worker saw.
type run struct {
	id, n   int64
	attempt int
	at      time.Time
}

// recorder works testArgs jobs and records every attempt.
type recorder struct {
	river.WorkerDefaults[testArgs]
	mu   sync.Mutex
	runs []run
	ran  chan run
}

func newRecorder() *recorder { return &recorder{ran: make(chan run, 1024)} }

func (r *recorder) Work(ctx context.Context, job *river.Job[testArgs]) error {
	x := run{id: job.ID, n: int64(job.Args.N), attempt: job.Attempt, at: time.Now()}
	r.mu.Lock()
	r.runs = append(r.runs, x)
	r.mu.Unlock()
	r.ran <- x
	if job.Args.Fail {
		return errors.New("fails on purpose")
	}
	return nil
}

// wait returns the next attempt, failing the test after timeout.
func (r *recorder) wait(t *testing.T, timeout time.Duration) run {
	t.Helper()
	select {
	case x := <-r.ran:
		return x
	case <-time.After(timeout):
		t.Fatalf("no job ran within %s", timeout)
		return run{}
	}
}

// testConfig is a fast configuration for tests, working testArgs with w.
func testConfig(w river.Worker[testArgs]) Config {
	ws := river.NewWorkers()
	river.AddWorker(ws, w)
	return Config{Workers: ws, PollInterval: 20 * time.Millisecond, RetryBase: 5 * time.Millisecond, RetryMax: 20 * time.Millisecond}
}

// start opens and starts a queue on db, stopped when the test ends.
func start(t *testing.T, db *store.DB, cfg Config) *Queue {
	t.Helper()
	q, err := Open(context.Background(), db, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Workers != nil {
		if err := q.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		if err := q.Stop(context.Background()); err != nil {
			t.Error(err)
		}
	})
	return q
}

// job reads a job's row.
func job(t *testing.T, q *Queue, id int64) *rivertype.JobRow {
	t.Helper()
	j, err := q.client.JobGet(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// until polls cond until it holds, failing the test after timeout.
func until(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, timeout)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestRun(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		r := newRecorder()
		q := start(t, db, testConfig(r))
		ok, err := q.Insert(context.Background(), testArgs{N: 1}, nil)
		if err != nil || !ok {
			t.Fatalf("insert: %v, %v", ok, err)
		}
		x := r.wait(t, 5*time.Second)
		if x.n != 1 || x.attempt != 1 {
			t.Fatalf("ran %+v, want job 1, attempt 1", x)
		}
		until(t, 5*time.Second, "completed", func() bool { return job(t, q, x.id).State == rivertype.JobStateCompleted })
	})
}

func TestUnique(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		q := start(t, db, Config{}) // inserts only: the jobs stay
		ctx := context.Background()
		unique := &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
		for i, tc := range []struct {
			args testArgs
			want bool
		}{
			{testArgs{N: 1}, true},
			{testArgs{N: 1}, false},
			{testArgs{N: 2}, true},
			{testArgs{N: 1}, false},
		} {
			got, err := q.Insert(ctx, tc.args, unique)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("insert %d (%+v): inserted %v, want %v", i, tc.args, got, tc.want)
			}
		}
		err := q.InsertMany(ctx, []river.InsertManyParams{
			{Args: testArgs{N: 1}, InsertOpts: unique},
			{Args: testArgs{N: 3}, InsertOpts: unique},
		})
		if err != nil {
			t.Fatal(err)
		}
		if n := countJobs(t, db); n != 3 {
			t.Errorf("%d jobs stored, want 3 (1, 2, 3)", n)
		}
	})
}

// countJobs counts River's job rows, through a connection of the test's
// own.
func countJobs(t *testing.T, db *store.DB) int {
	t.Helper()
	c, err := sql.Open(db.Driver(), db.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var n int
	if err := c.QueryRow(`SELECT COUNT(*) FROM river_job`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestRetryThenDiscard(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		r := newRecorder()
		q := start(t, db, testConfig(r))
		if _, err := q.Insert(context.Background(), testArgs{N: 1, Fail: true}, &river.InsertOpts{MaxAttempts: 3}); err != nil {
			t.Fatal(err)
		}
		var id int64
		for want := 1; want <= 3; want++ {
			x := r.wait(t, 5*time.Second)
			if x.attempt != want {
				t.Fatalf("attempt %d, want %d", x.attempt, want)
			}
			id = x.id
		}
		until(t, 5*time.Second, "discarded", func() bool { return job(t, q, id).State == rivertype.JobStateDiscarded })
		j := job(t, q, id)
		if len(j.Errors) != 3 || j.Attempt != 3 {
			t.Errorf("attempt %d with %d errors, want 3 and 3", j.Attempt, len(j.Errors))
		}
		select {
		case x := <-r.ran:
			t.Errorf("a discarded job ran again: %+v", x)
		default:
		}
	})
}

func TestBackoff(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		failures int  // before this one
		top      bool // the jitter draws its largest value
		want     time.Duration
	}{
		{0, true, 2 * time.Second},
		{0, false, 0},
		{1, true, 4 * time.Second},
		{2, true, 8 * time.Second},
		{7, true, 256 * time.Second},
		{8, true, 512 * time.Second},
		{9, true, 10 * time.Minute},
		{300, true, 10 * time.Minute},
		{300, false, 0},
	} {
		var drawn int64
		b := &Backoff{Base: 2 * time.Second, Max: 10 * time.Minute, now: func() time.Time { return now }, rand: func(n int64) int64 {
			drawn = n
			if tc.top {
				return n - 1
			}
			return 0
		}}
		got := b.NextRetry(&rivertype.JobRow{Errors: make([]rivertype.AttemptError, tc.failures)}).Sub(now)
		if got != tc.want {
			t.Errorf("after %d failures (top %v): wait %s, want %s", tc.failures, tc.top, got, tc.want)
		}
		if tc.top && time.Duration(drawn-1) != tc.want {
			t.Errorf("after %d failures: jitter over [0, %s], want [0, %s]", tc.failures, time.Duration(drawn-1), tc.want)
		}
	}
}

func TestBackoffJitter(t *testing.T) {
	b := &Backoff{Base: time.Second, Max: time.Minute}
	seen := map[time.Duration]bool{}
	for range 100 {
		now := time.Now()
		d := b.NextRetry(&rivertype.JobRow{Errors: make([]rivertype.AttemptError, 2)}).Sub(now)
		if d < 0 || d > 4*time.Second+time.Second/10 {
			t.Fatalf("wait %s, want within [0, 4s]", d)
		}
		seen[d.Round(100*time.Millisecond)] = true
	}
	if len(seen) < 5 {
		t.Errorf("100 waits took %d values: not spread", len(seen))
	}
}

// periodicArgs is a job inserted by the leader on a schedule.
type periodicArgs struct{}

func (periodicArgs) Kind() string { return "test_periodic" }

type periodicWorker struct {
	river.WorkerDefaults[periodicArgs]
	ran chan struct{}
}

func (w *periodicWorker) Work(context.Context, *river.Job[periodicArgs]) error {
	w.ran <- struct{}{}
	return nil
}

func TestPeriodic(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		w := &periodicWorker{ran: make(chan struct{}, 16)}
		cfg := testConfig(newRecorder())
		river.AddWorker(cfg.Workers, w)
		cfg.Periodic = []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(200*time.Millisecond),
			func() (river.JobArgs, *river.InsertOpts) { return periodicArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true})}
		start(t, db, cfg)
		for i := range 2 {
			select {
			case <-w.ran:
			case <-time.After(10 * time.Second):
				t.Fatalf("periodic job ran %d times, want 2", i)
			}
		}
	})
}

// TestScheduledOnTime measures how late a job scheduled 1.5 s ahead runs:
// never before its time, and within a second of it (a few poll intervals
// in practice), although River's scheduler passes only every 5 s.
func TestScheduledOnTime(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		r := newRecorder()
		cfg := testConfig(r)
		cfg.PollInterval = DefaultPollInterval
		q := start(t, db, cfg)
		for n := range 3 {
			at := time.Now().Add(1500 * time.Millisecond)
			if _, err := q.Insert(context.Background(), testArgs{N: n}, &river.InsertOpts{ScheduledAt: at}); err != nil {
				t.Fatal(err)
			}
			x := r.wait(t, 10*time.Second)
			late := x.at.Sub(at)
			t.Logf("job %d ran %s after its time", n, late)
			if late < 0 || late > time.Second {
				t.Errorf("job %d ran %s after its time, want within [0, 1s]", n, late)
			}
		}
	})
}

// TestTwoNodes runs two queues on one PostgreSQL database, as two nodes:
// each job runs once, on one of them.
func TestTwoNodes(t *testing.T) {
	db1 := storetest.OpenPostgres(t)
	db2, err := store.Open(context.Background(), db1.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	var mu sync.Mutex
	count := map[int64]int{}
	ranOn := map[string]int{}
	done := make(chan struct{}, 1024)
	node := func(name string) Config {
		cfg := testConfig(&counter{name: name, mu: &mu, count: count, ranOn: ranOn, done: done})
		cfg.ID = name
		return cfg
	}
	q1 := start(t, db1, node("a"))
	start(t, db2, node("b"))
	const n = 200
	params := make([]river.InsertManyParams, n)
	for i := range params {
		params[i] = river.InsertManyParams{Args: testArgs{N: i}}
	}
	if err := q1.InsertMany(context.Background(), params); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Fatalf("%d of %d jobs ran", i, n)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for i := range int64(n) {
		if count[i] != 1 {
			t.Errorf("job %d ran %d times", i, count[i])
		}
	}
	t.Logf("jobs run per node: %v", ranOn)
}

// counter counts the runs of each job, for TestTwoNodes.
type counter struct {
	river.WorkerDefaults[testArgs]
	name  string
	mu    *sync.Mutex
	count map[int64]int
	ranOn map[string]int
	done  chan struct{}
}

func (c *counter) Work(ctx context.Context, job *river.Job[testArgs]) error {
	c.mu.Lock()
	c.count[int64(job.Args.N)]++
	c.ranOn[c.name]++
	c.mu.Unlock()
	c.done <- struct{}{}
	return nil
}

// TestStopThenOpen: jobs inserted while no queue works them run when one
// starts again.
func TestStopThenOpen(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r := newRecorder()
		q, err := Open(ctx, db, testConfig(r))
		if err != nil {
			t.Fatal(err)
		}
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := q.Insert(ctx, testArgs{N: 1}, nil); err != nil {
			t.Fatal(err)
		}
		r.wait(t, 5*time.Second)
		if err := q.Stop(ctx); err != nil {
			t.Fatal(err)
		}
		ins := start(t, db, Config{})
		for n := 2; n <= 3; n++ {
			if _, err := ins.Insert(ctx, testArgs{N: n}, nil); err != nil {
				t.Fatal(err)
			}
		}
		start(t, db, testConfig(r))
		got := map[int64]bool{}
		for range 2 {
			got[r.wait(t, 5*time.Second).n] = true
		}
		if !got[2] || !got[3] {
			t.Errorf("ran %v after the restart, want 2 and 3", got)
		}
	})
}

// TestRescue: a job left running by a process that died (SIGKILL leaves
// its row running, attempted long ago) is run again by the next leader's
// rescuer.
func TestRescue(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		ins := start(t, db, Config{})
		if _, err := ins.Insert(ctx, testArgs{N: 7}, nil); err != nil {
			t.Fatal(err)
		}
		c, err := sql.Open(db.Driver(), db.DSN())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		past, by := `now() - interval '1 hour'`, `'{dead}'`
		if db.Driver() == "sqlite" {
			past, by = `datetime('now', '-1 hour', 'subsec')`, `'["dead"]'`
		}
		if _, err := c.Exec(fmt.Sprintf(`UPDATE river_job SET state = 'running', attempt = 1, attempted_at = %s, attempted_by = %s`, past, by)); err != nil {
			t.Fatal(err)
		}
		r := newRecorder()
		start(t, db, testConfig(r))
		x := r.wait(t, 15*time.Second)
		if x.n != 7 || x.attempt != 2 {
			t.Errorf("ran %+v, want job 7 on attempt 2", x)
		}
	})
}

// TestInsertManyTogether: calls to InsertMany made at the same time are
// inserted, together or alone, each answered with its own outcome: a call
// River refuses fails without failing the others; unique jobs inserted by
// several calls are stored once; after Stop, calls are refused.
func TestInsertManyTogether(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		q, err := Open(context.Background(), db, Config{}) // inserts only
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		unique := &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
		const calls = 40
		errs := make([]error, calls)
		var wg sync.WaitGroup
		for i := range calls {
			wg.Go(func() {
				params := []river.InsertManyParams{{Args: testArgs{N: 1000}, InsertOpts: unique}, {Args: testArgs{N: i}, InsertOpts: unique}}
				if i == 7 {
					params[1].InsertOpts = &river.InsertOpts{Queue: "not a valid queue name!"}
				}
				errs[i] = q.InsertMany(ctx, params)
			})
		}
		wg.Wait()
		for i, err := range errs {
			if (err != nil) != (i == 7) {
				t.Errorf("call %d: %v", i, err)
			}
		}
		if n := countJobs(t, db); n != calls {
			t.Errorf("%d jobs stored, want %d (1000 once, and one per call but the refused one)", n, calls)
		}
		if err := q.Stop(ctx); err != nil {
			t.Fatal(err)
		}
		if err := q.InsertMany(ctx, []river.InsertManyParams{{Args: testArgs{N: 2000}}}); err == nil {
			t.Error("InsertMany after Stop: no error")
		}
	})
}
