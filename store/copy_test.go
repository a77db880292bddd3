package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"warden"
	"warden/audit"
	"warden/auth"
	"warden/designation"
	"warden/hotline"
	"warden/internal/fixture"
	"warden/jobs"
	"warden/match"
	"warden/screening"
	"warden/store"
	"warden/store/storetest"
)

// filled opens a SQLite database at a new path that fixture.Fill has
// written everything to, and returns its path and the facts.
func filled(t *testing.T) (string, fixture.Facts) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "source.db")
	db, err := store.Open(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	f := fixture.Fill(t, db)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return p, f
}

// withJobs gives db River's tables, as `warden store migrate` does.
func withJobs(t *testing.T, db *store.DB) *store.DB {
	t.Helper()
	q, err := jobs.Open(context.Background(), db, jobs.Config{})
	if err != nil {
		t.Fatal(err)
	}
	q.Stop(context.Background())
	return db
}

// counts are the rows of every table of db.
func counts(t *testing.T, db *store.DB) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	rep, err := store.Count(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range rep {
		out[c.Name] = c.Rows
	}
	return out
}

// TestCopySQLiteToPostgres copies a database every feature wrote to (every
// table but fixture.Empty has rows) from SQLite to PostgreSQL and back:
// every table's rows, the audit chain that
// verifies on the copy, a screening that finds the designated party, a
// person who logs in, a token that authenticates, and the hotline's
// jobs, worked and waiting, which a new job's id follows.
func TestCopySQLiteToPostgres(t *testing.T) {
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	path, f := filled(t)
	src, err := store.OpenSource(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	// Opened here, to outlive the subtests.
	copied, resumed, written := withJobs(t, storetest.OpenPostgres(t)), withJobs(t, storetest.OpenPostgres(t)), withJobs(t, storetest.OpenPostgres(t))
	t.Run("everything", func(t *testing.T) { testCopyEverything(t, src, copied, f) })
	t.Run("resume", func(t *testing.T) { testCopyResume(t, src, resumed) })
	t.Run("refuse", func(t *testing.T) { testCopyRefuse(t, src, copied, resumed) })
	t.Run("while written", func(t *testing.T) { testCopyWhileWritten(t, path, src, written) })
}

// testCopyWhileWritten copies the source while another handle writes
// payments, audited changes and a new version of a list to it: the copy
// is of one moment, its counts those of its snapshot and its audit chain
// intact, and the writer was not held up.
func testCopyWhileWritten(t *testing.T, path string, src, dst *store.DB) {
	ctx := context.Background()
	w, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	stop := make(chan struct{})
	wait := busy(t, w, stop)
	start := rowsIn(t, w, "audit_events")
	rep, err := store.Copy(ctx, src, dst, store.CopyOptions{Batch: 100})
	if err != nil || !rep.Done {
		t.Fatalf("copy while written: done %v, %v", rep.Done, err)
	}
	if written := wait(); written == 0 {
		t.Error("the writer wrote nothing during the copy")
	}
	copied := rowsIn(t, dst, "audit_events")
	if n, err := audit.Verify(ctx, dst); err != nil || n != copied || copied < start || copied >= rowsIn(t, w, "audit_events") {
		t.Errorf("audit verify on the copy: %d events, %v; %d copied, %d at the start, %d at the end", n, err, copied, start, rowsIn(t, w, "audit_events"))
	}
}

// testCopyEverything copies src to dst, on PostgreSQL, and back.
func testCopyEverything(t *testing.T, src, dst *store.DB, f fixture.Facts) {
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	rep, err := store.Count(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	if u := fixture.Unfilled(rep); len(u) > 0 {
		t.Errorf("the fixture leaves tables empty that a copy should be tested on: %v", u)
	}
	before := counts(t, src)
	var calls int
	crep, err := store.Copy(ctx, src, dst, store.CopyOptions{Progress: func(string, int64, int64) { calls++ }})
	if err != nil {
		t.Fatal(err)
	}
	if !crep.Done || crep.Resumed || calls == 0 {
		t.Errorf("report: done %v, resumed %v, %d progress calls", crep.Done, crep.Resumed, calls)
	}
	after := counts(t, dst)
	for tbl, n := range before {
		if after[tbl] != n {
			t.Errorf("%s: %d rows in the source, %d in the copy", tbl, n, after[tbl])
		}
	}
	if !slices.Equal(sortedKeys(counts(t, src)), sortedKeys(before)) || counts(t, src)["audit_events"] != before["audit_events"] {
		t.Error("the source changed")
	}
	if err := src.CreateOrg(ctx, warden.Organisation{ID: "x", Name: "x", Kind: "counterpart"}, nil); err == nil {
		t.Error("the source, opened to copy, took a write")
	}

	n, err := audit.Verify(ctx, dst)
	if err != nil || n != before["audit_events"] {
		t.Errorf("audit verify on the copy: %d events, %v; the source has %d", n, err, before["audit_events"])
	}
	sc := screening.New(dst)
	if _, err := sc.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	hits, err := sc.Screen(ctx, match.Query{Names: []string{f.Party}}, match.Options{})
	if err != nil || len(hits) == 0 || hits[0].Entity.ID != f.PartyID {
		t.Errorf("screening %q on the copy: %v %v", f.Party, hits, err)
	}
	if _, b, err := designation.New(dst, auth.NewApprovals(dst, time.Now)).EvidenceFile(ctx, f.Designation, f.Evidence); err != nil || !bytes.Equal(b, f.Image) {
		t.Errorf("evidence on the copy: %d bytes, %v; want %d", len(b), err, len(f.Image))
	}
	if tr, err := hotline.New(dst, hotline.Options{}).Triggers(ctx); err != nil || len(tr) != 1 || !tr[0].Enabled {
		t.Errorf("triggers on the copy: %+v %v", tr, err)
	}
	a := auth.New(dst)
	if _, _, err := a.Login(context.Background(), f.User, f.Password); err != nil {
		t.Errorf("login on the copy: %v", err)
	}
	if p, err := a.Authenticate(ctx, "Bearer "+f.Token); err != nil || p.Role != warden.RoleScreener {
		t.Errorf("token on the copy: %+v %v", p, err)
	}
	for _, id := range []int64{f.Screening, f.Batch} { // the batch's record is stored compressed
		want, err := src.Screening(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		got, err := dst.Screening(ctx, id)
		if err != nil || got.Digest != want.Digest || len(got.Items) != len(want.Items) || len(got.Items) == 0 || !reflect.DeepEqual(got.Items, want.Items) {
			t.Errorf("screening %d on the copy: %d items, digest %s, %v; the source's %d items, digest %s", id, len(got.Items), got.Digest, err, len(want.Items), want.Digest)
		}
	}
	if b, err := dst.Screening(ctx, f.Batch); err == nil && len(b.Items) != fixture.BatchQueries {
		t.Errorf("the batch on the copy holds %d items, want %d", len(b.Items), fixture.BatchQueries)
	}
	for name, db := range map[string]*store.DB{"source": src, "copy": dst} {
		var n int
		if err := db.SQLForTest().QueryRowContext(ctx, `SELECT length(packed) FROM screenings WHERE id = $1`, f.Batch).Scan(&n); err != nil || n == 0 {
			t.Errorf("the batch's record in the %s: %d bytes packed, %v; want it compressed", name, n, err)
		}
	}
	jobsOf := func(db *store.DB) []string { return jobRows(t, db) }
	if got, want := jobsOf(dst), jobsOf(src); len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("jobs on the copy:\n%v\nin the source:\n%v", got, want)
	}
	q, err := jobs.Open(ctx, dst, jobs.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := q.Insert(ctx, hotline.FireArgs{Alert: f.Alert, Step: 9}, &river.InsertOpts{ScheduledAt: time.Now().Add(time.Hour)}); err != nil {
		t.Errorf("a new job on the copy: %v", err)
	}
	q.Stop(ctx)

	// Back to SQLite: River's columns mapped the other way. (The login
	// above is audited: the chain is one longer now.)
	n, err = audit.Verify(ctx, dst)
	if err != nil {
		t.Fatal(err)
	}
	back := withJobs(t, storetest.OpenSQLite(t))
	if _, err := store.Copy(ctx, dst, back, store.CopyOptions{}); err != nil {
		t.Fatal(err)
	}
	if m, err := audit.Verify(ctx, back); err != nil || m != n {
		t.Errorf("audit verify after the copy back: %d events, %v; want %d", m, err, n)
	}
	if got, want := jobsOf(back), jobsOf(src); !slices.Equal(got[:len(want)], want) {
		t.Errorf("jobs copied back:\n%v\nin the source:\n%v", got, want)
	}
}

// testCopyResume stops a copy after four batches and runs it again: it
// carries on where it stopped, and a third run finds nothing left to do.
func testCopyResume(t *testing.T, src, dst *store.DB) {
	ctx := context.Background()
	// The rows a copy copies: all but schema_migrations, which the target
	// has of its own.
	rows := func(db *store.DB) (n int64) {
		for tbl, c := range counts(t, db) {
			if tbl != "schema_migrations" {
				n += c
			}
		}
		return n
	}
	total := rows(src)
	rep, err := store.Copy(ctx, src, dst, store.CopyOptions{Batch: 300, MaxBatches: 4})
	if err != nil || rep.Done {
		t.Fatalf("stopped copy: done %v, %v", rep.Done, err)
	}
	first := rows(dst)
	if first == 0 || first >= total {
		t.Fatalf("after four batches of 300: %d rows of %d", first, total)
	}
	copied := func(rep store.CopyReport) (n int64) {
		for _, c := range rep.Tables {
			n += c.Copied
		}
		return n
	}
	rep, err = store.Copy(ctx, src, dst, store.CopyOptions{Batch: 300})
	if err != nil || !rep.Done || !rep.Resumed || copied(rep) != total-first {
		t.Fatalf("resumed copy: done %v, resumed %v, %d rows copied of %d, %v", rep.Done, rep.Resumed, copied(rep), total, err)
	}
	if got, want := counts(t, dst), counts(t, src); !maps.Equal(got, want) {
		t.Errorf("counts after resuming:\n%v\nwant\n%v", got, want)
	}
	if n, err := audit.Verify(ctx, dst); err != nil || n != counts(t, src)["audit_events"] {
		t.Errorf("audit verify after resuming: %d %v", n, err)
	}
	rep, err = store.Copy(ctx, src, dst, store.CopyOptions{})
	if err != nil || !rep.Done || copied(rep) != 0 {
		t.Errorf("third run: done %v, %d rows copied, %v", rep.Done, copied(rep), err)
	}
}

// testCopyRefuse: a copy refuses a target with rows no copy put there, a
// target with a copy of another database, and a target on the source's
// engine. pg is a copy of src on PostgreSQL, by then a source of its own.
func testCopyRefuse(t *testing.T, src, pg, copyOfSrc *store.DB) {
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	dst := withJobs(t, storetest.OpenSQLite(t))
	if err := dst.CreateOrg(ctx, warden.Organisation{ID: "cn", Name: "China", Kind: "counterpart"}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Copy(ctx, pg, dst, store.CopyOptions{}); warden.ErrorCode(err) != warden.ECONFLICT || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("onto a target with data: %v", err)
	}

	otherPath := filepath.Join(t.TempDir(), "other.db")
	other, err := store.Open(ctx, otherPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := other.CreateOrg(ctx, warden.Organisation{ID: "cn", Name: "China", Kind: "counterpart"}, nil); err != nil {
		t.Fatal(err)
	}
	other.Close()
	otherSrc, err := store.OpenSource(ctx, otherPath)
	if err != nil {
		t.Fatal(err)
	}
	defer otherSrc.Close()
	if _, err := store.Copy(ctx, otherSrc, copyOfSrc, store.CopyOptions{}); warden.ErrorCode(err) != warden.ECONFLICT || !strings.Contains(err.Error(), "another database") || !strings.Contains(err.Error(), otherPath) {
		t.Errorf("onto a copy of another database: %v", err)
	}
	if _, err := store.Copy(ctx, src, storetest.OpenSQLite(t), store.CopyOptions{}); warden.ErrorCode(err) != warden.EINVALID {
		t.Errorf("onto SQLite from SQLite: %v", err)
	}

	// A source of an older version of Warden (a migration short) is
	// refused before anything is written.
	raw, err := sql.Open("sqlite", otherPath)
	if err != nil {
		t.Fatal(err)
	}
	_, err = raw.Exec(`DELETE FROM schema_migrations WHERE version = (SELECT MAX(version) FROM schema_migrations)`)
	raw.Close()
	if err != nil {
		t.Fatal(err)
	}
	older, err := store.OpenSource(ctx, otherPath)
	if err != nil {
		t.Fatal(err)
	}
	defer older.Close()
	if _, err := store.Copy(ctx, older, copyOfSrc, store.CopyOptions{}); warden.ErrorCode(err) != warden.EINVALID || !strings.Contains(err.Error(), "upgrade the source") {
		t.Errorf("from an older schema: %v", err)
	}
}

// jobRows describes River's job rows alike on both engines: the id, kind,
// state, arguments (JSON as Go writes it), schedule to the millisecond,
// attempts, priority, queue, tags and unique states.
func jobRows(t *testing.T, db *store.DB) []string {
	t.Helper()
	q := `SELECT id, kind, state, json(args), substr(CAST(scheduled_at AS TEXT), 1, 23), attempt, max_attempts, priority, queue, json(tags), COALESCE(unique_states, -1) FROM river_job ORDER BY id`
	driver := "sqlite"
	if db.Driver() == "pgx" {
		driver = "pgx"
		q = `SELECT id, kind, CAST(state AS text), CAST(args AS text), to_char(scheduled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS'), attempt, max_attempts, priority, queue,
			CAST(to_json(tags) AS text), COALESCE(CAST(unique_states AS integer), -1) FROM river_job ORDER BY id`
	}
	conn, err := sql.Open(driver, db.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rows, err := conn.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, attempt, maxAttempts, priority, states int64
		var kind, state, args, at, queue, tags string
		if err := rows.Scan(&id, &kind, &state, &args, &at, &attempt, &maxAttempts, &priority, &queue, &tags, &states); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%d %s %s %s %s %d/%d p%d %s %s %d", id, kind, state, canonical(t, args), at, attempt, maxAttempts, priority, queue, canonical(t, tags), states))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// canonical rewrites JSON as Go writes it.
func canonical(t *testing.T, s string) string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func sortedKeys(m map[string]int64) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// TestCopyResumedAcrossAStatusChange: a copy stopped between the
// customers' transactions and their counts per status, resumed after a
// customer's status changed in the source, copies the same number of rows
// of each table, but counts and statuses of another moment: it fails
// naming customer_counts instead of ending done.
func TestCopyResumedAcrossAStatusChange(t *testing.T) {
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	path := filepath.Join(t.TempDir(), "w.db")
	rw, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer rw.Close()
	var cs []warden.Customer
	for i := range 10 {
		cs = append(cs, warden.Customer{ID: fmt.Sprintf("C%02d", i), Name: fmt.Sprintf("Customer %d", i)})
	}
	now := time.Now().UTC()
	if err := rw.SeedClearedCustomers(ctx, cs, now); err != nil {
		t.Fatal(err)
	}
	// A customer's status changed, and audited, as re-screening does (the
	// copy knows its source by the audit chain's first event).
	held := func(id string, ev *warden.AuditEvent) {
		t.Helper()
		d := &warden.TxDecision{Reference: warden.CustomerReference(id), Decision: warden.DecisionHeld, Status: warden.DecisionHeld, DecidedAt: now}
		if changed, err := rw.RescreenCustomer(ctx, "", id, d, nil, ev); err != nil || !changed {
			t.Fatalf("%s held: %v %v", id, changed, err)
		}
	}
	held("C05", warden.NewAuditEvent(ctx, "customer.rescreen", "customer:C05", "", nil))
	src, err := store.OpenSource(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst := storetest.OpenPostgres(t)
	// One batch at a time, until one of the two tables is copied whole
	// and the other not at all.
	for step := 0; ; step++ {
		rep, err := store.Copy(ctx, src, dst, store.CopyOptions{Batch: 5, MaxBatches: 1})
		if err != nil || rep.Done || step > 200 {
			t.Fatalf("step %d: done %v, %v: the copy never stood between the two tables", step, rep.Done, err)
		}
		tx, counted := rowsIn(t, dst, "transactions"), rowsIn(t, dst, "customer_counts")
		if tx == 10 && counted == 0 || tx == 0 && counted == 2 {
			break
		}
	}
	// Unaudited, so that no table's rows change in number: only a status.
	held("C03", nil)
	rep, err := store.Copy(ctx, src, dst, store.CopyOptions{Batch: 5})
	if err == nil || rep.Done || !strings.Contains(err.Error(), "customer_counts") {
		t.Errorf("resumed across the change: done %v, %v; want it refused naming customer_counts", rep.Done, err)
	}
}
