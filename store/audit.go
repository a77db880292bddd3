package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"warden"
)

// change runs fn in a transaction and appends the events that are not nil
// to the audit chain in the same transaction, so a change and its audit
// events are stored together or not at all.
//
// Changes go through one committer per DB handle (a process opens one),
// which groups the changes waiting at that moment into one database
// transaction (each in its own savepoint, so one failing leaves the others
// alone) and answers each only after the commit: one chain lock and one disk
// flush per group instead of per change. Other handles and processes (a CLI
// import beside a server, another node) write beside it, serialised by the
// database: SQLite's write lock, taken at BEGIN (immediate transactions)
// and waited for up to busyTimeout, or PostgreSQL's chain lock. A group the
// database refuses as a whole (another writer got there first) is redone
// change by change, each retried on the new head of the chain for at least
// busyTimeout.
func (db *DB) change(ctx context.Context, ev *warden.AuditEvent, fn func(tx *sql.Tx) error, more ...*warden.AuditEvent) error {
	j := &job{ctx: ctx, evs: append([]*warden.AuditEvent{ev}, more...), fn: fn, done: make(chan error, 1)}
	db.startCommitter.Do(func() {
		db.jobs = make(chan *job, 1024)
		db.quit = make(chan struct{})
		db.stopped = make(chan struct{})
		go db.commitLoop()
	})
	select {
	case db.jobs <- j:
	case <-db.quit:
		return warden.Errorf(warden.EINTERNAL, "database closed")
	case <-ctx.Done():
		return ctx.Err()
	}
	// Once queued, a change is answered after its commit, or refused if
	// the database closes first.
	select {
	case err := <-j.done:
		return err
	case <-db.stopped:
		select {
		case err := <-j.done:
			return err
		default:
			return warden.Errorf(warden.EINTERNAL, "database closed")
		}
	}
}

// job is one change waiting for the committer.
type job struct {
	ctx  context.Context
	evs  []*warden.AuditEvent
	fn   func(tx *sql.Tx) error
	done chan error
}

// maxGroup is the most changes committed together.
const maxGroup = 128

func (db *DB) commitLoop() {
	defer close(db.stopped)
	for {
		var first *job
		select {
		case first = <-db.jobs:
		case <-db.quit:
			return
		}
		group := []*job{first}
	fill:
		for len(group) < maxGroup {
			select {
			case j := <-db.jobs:
				group = append(group, j)
			default:
				break fill
			}
		}
		if len(group) == 1 || db.commitGroup(group) != nil {
			for _, j := range group {
				j.done <- db.alone(j)
			}
		}
	}
}

// commitGroup commits a group of changes in one transaction and answers
// each; if the group as a whole fails it answers none and returns the error.
func (db *DB) commitGroup(group []*job) error {
	bg := context.Background()
	tx, err := db.sql.BeginTx(bg, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if db.driver == "pgx" {
		if _, err := tx.ExecContext(bg, `SELECT pg_advisory_xact_lock(7202)`); err != nil {
			return fmt.Errorf("audit lock: %w", err)
		}
	}
	results := make([]error, len(group))
	var head chainHead
	for i, j := range group {
		if err := j.ctx.Err(); err != nil {
			results[i] = err
			continue
		}
		if _, err := tx.ExecContext(bg, `SAVEPOINT change`); err != nil {
			return err
		}
		before := head
		err := db.run(bg, tx, &head, j)
		if err != nil {
			if retryable(err) {
				return err
			}
			if _, e := tx.ExecContext(bg, `ROLLBACK TO SAVEPOINT change`); e != nil {
				return e
			}
			head = before
			results[i] = err
			continue
		}
		if _, err := tx.ExecContext(bg, `RELEASE SAVEPOINT change`); err != nil {
			return err
		}
	}
	if err := head.flush(bg, tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	for i, j := range group {
		j.done <- results[i]
	}
	return nil
}

// alone commits one change in its own transaction, retrying when another
// writer got there first, for as long as SQLite would wait for its lock
// (busyTimeout): a writer in another process holding the database for a
// few seconds delays the change but does not fail it.
func (db *DB) alone(j *job) error {
	deadline := time.Now().Add(busyTimeout)
	for attempt := 1; ; attempt++ {
		err := db.changeOnce(j.ctx, j.evs, j.fn)
		if err == nil || !retryable(err) || time.Now().After(deadline) || j.ctx.Err() != nil {
			return err
		}
		time.Sleep(time.Duration(min(attempt, 20)) * 5 * time.Millisecond)
	}
}

// errSkipAudit, returned by a change's function, means success with
// nothing to audit (a repeated request that changed nothing).
var errSkipAudit = errors.New("nothing changed")

// run runs a change's function and appends its events to the chain.
func (db *DB) run(ctx context.Context, tx *sql.Tx, head *chainHead, j *job) error {
	err := j.fn(tx)
	if err == errSkipAudit {
		return nil
	}
	for _, ev := range j.evs {
		if ev != nil && err == nil {
			err = head.add(ctx, tx, ev, db.now())
		}
	}
	return err
}

func (db *DB) changeOnce(ctx context.Context, evs []*warden.AuditEvent, fn func(tx *sql.Tx) error) error {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if db.driver == "pgx" {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7202)`); err != nil {
			return fmt.Errorf("audit lock: %w", err)
		}
	}
	var head chainHead
	if err := db.run(ctx, tx, &head, &job{ctx: ctx, evs: evs, fn: fn}); err != nil {
		return err
	}
	if err := head.flush(ctx, tx); err != nil {
		return err
	}
	return tx.Commit()
}

// retryable reports errors that another writer caused: a taken sequence
// number, a busy SQLite database, or a wait for the audit chain's lock
// that ran past PostgreSQL's lock_timeout (a server or role may set one).
func retryable(err error) bool {
	s := strings.ToLower(err.Error())
	return isUnique(err) && strings.Contains(s, "audit_events") || strings.Contains(s, "database is locked") ||
		strings.Contains(s, "sqlite_busy") || strings.Contains(s, "could not serialize") || strings.Contains(s, "sqlstate 55p03")
}

// chainHead is the newest event of the chain as a transaction sees it:
// read once, advanced by each event appended, written back to audit_head
// once at the end.
type chainHead struct {
	seq           int64
	hash          string
	loaded, dirty bool
}

func (h *chainHead) add(ctx context.Context, tx *sql.Tx, ev *warden.AuditEvent, now time.Time) error {
	if !h.loaded {
		err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1`).Scan(&h.seq, &h.hash)
		if err != nil && err != sql.ErrNoRows {
			return fmt.Errorf("audit head: %w", err)
		}
		h.loaded = true
	}
	ev.Seq = h.seq + 1
	if ev.Time.IsZero() {
		ev.Time = now
	}
	ev.Time = parseTime(timestamp(ev.Time)) // the precision stored
	ev.Seal(h.hash)
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_events (seq, at, actor, actor_kind, role, org, action, object, reason, request_id, detail, prev, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		ev.Seq, timestamp(ev.Time), ev.Actor, ev.ActorKind, string(ev.Role), ev.Org, ev.Action, ev.Object, ev.Reason, ev.RequestID, string(ev.Detail), ev.Prev, ev.Hash)
	if err != nil {
		return fmt.Errorf("append audit_events: %w", err)
	}
	h.seq, h.hash, h.dirty = ev.Seq, ev.Hash, true
	return nil
}

// flush records the head beside the chain, if events were added.
func (h *chainHead) flush(ctx context.Context, tx *sql.Tx) error {
	if !h.dirty {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1`, h.seq, h.hash); err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	return nil
}

// AuditHead returns the sequence number and hash of the newest event as
// recorded beside the chain; ENOTFOUND if the record is gone (the table
// was emptied).
func (db *DB) AuditHead(ctx context.Context) (int64, string, error) {
	var seq int64
	var hash string
	err := db.sql.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&seq, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", warden.Errorf(warden.ENOTFOUND, "the audit chain's head record is missing")
	}
	if err != nil {
		return 0, "", fmt.Errorf("audit head: %w", err)
	}
	return seq, hash, nil
}

// Audit appends an event that goes with no other stored change (a login,
// a failed login, an export).
func (db *DB) Audit(ctx context.Context, ev *warden.AuditEvent) error {
	return db.change(ctx, ev, func(*sql.Tx) error { return nil })
}

const auditColumns = `seq, at, actor, actor_kind, role, org, action, object, reason, request_id, detail, prev, hash`

func scanAudit(scan func(...any) error) (warden.AuditEvent, error) {
	var e warden.AuditEvent
	var at, role, detail string
	err := scan(&e.Seq, &at, &e.Actor, &e.ActorKind, &role, &e.Org, &e.Action, &e.Object, &e.Reason, &e.RequestID, &detail, &e.Prev, &e.Hash)
	e.Time, e.Role = parseTime(at), warden.Role(role)
	if detail != "" {
		e.Detail = []byte(detail)
	}
	return e, err
}

// AuditEvents calls fn with the events f selects, in sequence order.
func (db *DB) AuditEvents(ctx context.Context, f warden.AuditFilter, fn func(warden.AuditEvent) error) error {
	var w where
	w.eq("actor", f.Actor)
	if f.Action != "" {
		if strings.HasSuffix(f.Action, ".") {
			w.and("action LIKE " + w.arg(f.Action+"%"))
		} else {
			w.and("action = " + w.arg(f.Action))
		}
	}
	w.eq("object", f.Object)
	if !f.Since.IsZero() {
		w.and("at >= " + w.arg(timestamp(f.Since)))
	}
	if !f.Until.IsZero() {
		w.and("at < " + w.arg(timestamp(f.Until)))
	}
	if f.After > 0 {
		w.and("seq > " + w.arg(f.After))
	}
	q := `SELECT ` + auditColumns + ` FROM audit_events` + w.String() + " ORDER BY seq"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	rows, err := db.sql.QueryContext(ctx, q, w.args...)
	if err != nil {
		return fmt.Errorf("audit events: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanAudit(rows.Scan)
		if err != nil {
			return err
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}
