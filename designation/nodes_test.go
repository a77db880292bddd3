package designation_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"warden"
	"warden/designation"
	"warden/jobs"
	"warden/store"
)

// publishNode is one node of the scheduled publication tests: a service
// on its own store handle, with the test's clock, and a job queue that
// works designation.publish and inserts it periodically, as warden serve
// configures it.
type publishNode struct {
	s         *designation.Service
	q         *jobs.Queue
	published atomic.Int64 // the publications its worker reported
}

// newPublishNode opens a node named id on db; its queue is not started.
func newPublishNode(t *testing.T, db *store.DB, id string, now func() time.Time, every time.Duration, cfg jobs.Config) *publishNode {
	t.Helper()
	n := &publishNode{s: newService(db, now)}
	w := river.NewWorkers()
	designation.Workers(n.s, w, func(f string, a ...any) {
		var k int64
		if _, err := fmt.Sscanf(fmt.Sprintf(f, a...), "designations: published %d", &k); err == nil {
			n.published.Add(k)
		}
	})
	cfg.ID, cfg.Workers, cfg.Periodic, cfg.PollInterval = id, w, designation.PeriodicJobs(every), 20*time.Millisecond
	q, err := jobs.Open(context.Background(), db, cfg)
	if err != nil {
		t.Fatal(err)
	}
	n.q = q
	return n
}

// publishJob is a designation.publish job's row.
type publishJob struct {
	state       string
	attempt     int
	attemptedBy []string
}

// publishJobs reads the designation.publish jobs, oldest first.
func publishJobs(t *testing.T, db *store.DB) []publishJob {
	t.Helper()
	raw, err := sql.Open(db.Driver(), db.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query(`SELECT state, attempt, array_to_string(attempted_by, ',') FROM river_job WHERE kind = 'designation.publish' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []publishJob
	for rows.Next() {
		var j publishJob
		var by sql.NullString
		if err := rows.Scan(&j.state, &j.attempt, &by); err != nil {
			t.Fatal(err)
		}
		if by.String != "" {
			j.attemptedBy = strings.Split(by.String, ",")
		}
		out = append(out, j)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// waitJobs waits until at least n designation.publish jobs have
// completed, and returns how many have.
func waitJobs(t *testing.T, db *store.DB, n int, within time.Duration) int {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		done := 0
		for _, j := range publishJobs(t, db) {
			if j.state == "completed" {
				done++
			}
		}
		if done >= n {
			return done
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d designation.publish jobs completed after %s, want %d", done, within, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// scheduled has two sanctions officers approve the fixture's designation
// to be published at at, through s, and returns it.
func scheduled(t *testing.T, s *designation.Service, at time.Time) warden.Designation {
	t.Helper()
	in := fixture(t)
	in.PublishAt = &at
	d, err := s.Create(so1, in, true)
	if err == nil {
		d, err = s.Decide(so2, d.ID, true, "at its time")
	}
	if err != nil || d.Status != warden.DesignationApproved {
		t.Fatalf("approval for later: %+v %v", d, err)
	}
	return d
}

// waitPublished waits until designation id is published.
func waitPublished(t *testing.T, db *store.DB, id int64, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		d, err := db.Designation(context.Background(), id)
		if err == nil && d.Status == warden.DesignationPublished {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("designation %d not published after %s: %s %v", id, within, d.Status, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// checkPublishedOnce checks that designation id was published once: one
// version of the list, one designation.published audit event and domain
// event, the designation at that version.
func checkPublishedOnce(t *testing.T, db *store.DB, id int64) {
	t.Helper()
	ctx := context.Background()
	vs, err := db.Versions(ctx, designation.DefaultList)
	if err != nil {
		t.Fatal(err)
	}
	audited := 0
	if err := db.AuditEvents(ctx, warden.AuditFilter{Action: "designation.published"}, func(warden.AuditEvent) error { audited++; return nil }); err != nil {
		t.Fatal(err)
	}
	if len(vs) != 1 || audited != 1 || len(events(t, db, "designation.published")) != 1 {
		t.Errorf("%d list versions, %d audit events and %d events of the publication, want one each", len(vs), audited, len(events(t, db, "designation.published")))
	}
	if d, err := db.Designation(ctx, id); err != nil || d.Status != warden.DesignationPublished || d.Version != 1 {
		t.Errorf("the designation: %s v%d %v, want published as version 1", d.Status, d.Version, err)
	}
}

// TestScheduledPublishTwoNodes: a designation approved for later is
// published by the designation.publish job, which two nodes, each with its
// own store handle and queue configured as warden serve's (the job
// inserted every 100 ms by the leader, worked by either), run while the
// clock passes its time: it is published once, by one job, and no job
// fails.
func TestScheduledPublishTwoNodes(t *testing.T) {
	db1, db2 := openTwice(t, "postgres")
	var mu sync.Mutex
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	}
	a := newPublishNode(t, db1, "node-a", clock, 100*time.Millisecond, jobs.Config{})
	b := newPublishNode(t, db2, "node-b", clock, 100*time.Millisecond, jobs.Config{})
	d := scheduled(t, a.s, now.Add(time.Minute))
	ctx := context.Background()
	for _, n := range []*publishNode{a, b} {
		if err := n.q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { n.q.Stop(ctx) })
	}
	// The job runs a few times with nothing due (once the leader's
	// periodic insertion has started, up to seconds after the start), then
	// the clock passes the publication time.
	before := waitJobs(t, db1, 3, 10*time.Second)
	if got, _ := db1.Designation(ctx, d.ID); got.Status != warden.DesignationApproved {
		t.Fatalf("published before its time: %s", got.Status)
	}
	mu.Lock()
	now = now.Add(time.Minute)
	mu.Unlock()
	waitPublished(t, db2, d.ID, 10*time.Second)
	// A few more runs, which must publish nothing, then the nodes stop.
	waitJobs(t, db1, before+4, 10*time.Second)
	for _, n := range []*publishNode{a, b} {
		if err := n.q.Stop(ctx); err != nil {
			t.Fatal(err)
		}
	}
	checkPublishedOnce(t, db1, d.ID)
	if pa, pb := a.published.Load(), b.published.Load(); pa+pb != 1 {
		t.Errorf("the nodes' jobs reported %d and %d publications, want one between them", pa, pb)
	}
	js := publishJobs(t, db1)
	ran := map[string]int{}
	for _, j := range js {
		if j.attempt == 0 && (j.state == "available" || j.state == "scheduled") {
			continue // inserted by the leader's periodic enqueuer as the nodes stopped: never run
		}
		if j.state != "completed" || j.attempt != 1 {
			t.Errorf("a designation.publish job %s on its attempt %d by %v, want completed on its first", j.state, j.attempt, j.attemptedBy)
		}
		for _, by := range j.attemptedBy {
			ran[by]++
		}
	}
	t.Logf("%d designation.publish jobs, run per node %v; published by a %d, b %d", len(js), ran, a.published.Load(), b.published.Load())
}

// TestScheduledPublishRescued: the node that took the designation.publish
// job whose designation is due dies in it, before publishing; another
// node, once the job is past the rescue delay, runs it again and
// publishes the designation, once.
func TestScheduledPublishRescued(t *testing.T) {
	db1, db2 := openTwice(t, "postgres")
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	at := start.Add(time.Minute)
	var mu sync.Mutex
	now := start
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	}
	// The dying node's clock hangs the first time it is read once the
	// designation is due: in its job, which is running then.
	taken, gone := make(chan struct{}), make(chan struct{})
	var trap sync.Once
	dying := func() time.Time {
		t := clock()
		if !t.Before(at) {
			trap.Do(func() {
				close(taken)
				<-gone
			})
		}
		return t
	}
	t.Cleanup(func() { close(gone) })
	a := newPublishNode(t, db1, "dying", dying, time.Hour, jobs.Config{RescueAfter: time.Hour})
	d := scheduled(t, a.s, at)
	mu.Lock()
	now = at
	mu.Unlock()
	ctx := context.Background()
	// The node starts alone, leader: it inserts the job (run on start)
	// and takes it.
	if err := a.q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case <-taken:
	case <-time.After(10 * time.Second):
		t.Fatal("the node did not take the job")
	}
	// The node is gone: its job stays running in the queue.
	stop, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	a.q.Stop(stop)
	if js := publishJobs(t, db1); len(js) != 1 || js[0].state != "running" {
		t.Fatalf("the dead node's job: %+v, want one running", js)
	}
	// Time passes beyond the rescue delay: the job was attempted long ago.
	raw, err := sql.Open(db1.Driver(), db1.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`UPDATE river_job SET attempted_at = now() - interval '1 hour' WHERE state = 'running'`); err != nil {
		t.Fatal(err)
	}
	// Another node starts; as leader it rescues the job (its own periodic
	// one is not inserted while the job is unfinished) and works it.
	b := newPublishNode(t, db2, "rescuer", clock, time.Hour, jobs.Config{RescueAfter: time.Minute, RetryBase: 10 * time.Millisecond})
	if err := b.q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.q.Stop(ctx) })
	waitPublished(t, db2, d.ID, 15*time.Second)
	if err := b.q.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	checkPublishedOnce(t, db1, d.ID)
	if b.published.Load() != 1 {
		t.Errorf("the rescuer's job reported %d publications, want 1", b.published.Load())
	}
	js := publishJobs(t, db1)
	if len(js) != 1 || js[0].state != "completed" || js[0].attempt != 2 || !slices.Equal(js[0].attemptedBy, []string{"dying", "rescuer"}) {
		t.Errorf("designation.publish jobs: %+v, want one, completed on its second attempt, by the dying node then the rescuer", js)
	}
}
