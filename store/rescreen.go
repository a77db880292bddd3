package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"warden"
)

// Re-screening runs (issue 17). A run is keyed by what it screens against
// (warden.Rescreen.Versions) and claimed before it is done: ClaimRescreen
// inserts its row, and a second node trying the same key finds it taken.
// The claimer plans it (PlanRescreen: its parts, ranges of customer ids)
// and then either works the parts itself or hands them to the job queue
// (QueueRescreen); FinishRescreenPart records each part and, with the
// last, the run's full counts.

// RescreenPart is one part of a run: the cleared customers whose ids are
// in (After, Last], Last "" for no bound.
type RescreenPart struct {
	Part    int
	After   string
	Last    string
	Planned int  // cleared customers in it when planned
	Done    bool // its customers are all screened
	// Cursor is the id up to which it is screened (After at first);
	// Customers and Decided count the cleared customers screened up to
	// there and those given the full decision.
	Cursor    string
	Customers int
	Decided   int
}

const rescreenColumns = `versions, customers, changed, at, actor, state, mode, base, lists, basis, parties, delisted, decided, total, parts, parts_done, started_at, finished_at, lease_until`

func scanRescreen(scan func(...any) error) (warden.Rescreen, error) {
	var r warden.Rescreen
	var at, lists, started, finished, lease string
	if err := scan(&r.Versions, &r.Customers, &r.Changed, &at, &r.Actor, &r.State, &r.Mode, &r.Base, &lists, &r.Basis, &r.Parties, &r.Delisted, &r.Decided, &r.Total,
		&r.Parts, &r.PartsDone, &started, &finished, &lease); err != nil {
		return r, err
	}
	if lists != "" {
		if err := json.Unmarshal([]byte(lists), &r.Lists); err != nil {
			return r, fmt.Errorf("re-screening %s: lists: %w", r.Versions, err)
		}
	}
	r.At, r.Started, r.Finished, r.LeaseUntil = parseTime(at), parseTime(started), parseTime(finished), parseTime(lease)
	return r, nil
}

// Rescreened returns the re-screening run keyed versions, in whatever
// state it is; ENOTFOUND if there has been none.
func (db *DB) Rescreened(ctx context.Context, versions string) (warden.Rescreen, error) {
	r, err := scanRescreen(db.sql.QueryRowContext(ctx, `SELECT `+rescreenColumns+` FROM rescreens WHERE versions = $1`, versions).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return r, warden.Errorf(warden.ENOTFOUND, "no re-screening against %s", versions)
	}
	return r, err
}

// LastRescreen returns the latest run claimed that is done and knows its
// list versions: what a delta run is measured from. ENOTFOUND if none.
func (db *DB) LastRescreen(ctx context.Context) (warden.Rescreen, error) {
	r, err := scanRescreen(db.sql.QueryRowContext(ctx, `SELECT `+rescreenColumns+` FROM rescreens WHERE state = 'done' AND lists <> ''
		ORDER BY started_at DESC, versions DESC LIMIT 1`).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return r, warden.Errorf(warden.ENOTFOUND, "no re-screening done yet")
	}
	return r, err
}

// LatestRescreen returns the run claimed last, done or not, with the
// customers screened and decided so far by its parts done; ENOTFOUND if
// there has been none.
func (db *DB) LatestRescreen(ctx context.Context) (warden.Rescreen, error) {
	r, err := scanRescreen(db.sql.QueryRowContext(ctx, `SELECT `+rescreenColumns+` FROM rescreens WHERE started_at <> ''
		ORDER BY started_at DESC, versions DESC LIMIT 1`).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return r, warden.Errorf(warden.ENOTFOUND, "no re-screening yet")
	}
	if err != nil || r.State == warden.RescreenDone {
		return r, err
	}
	err = db.sql.QueryRowContext(ctx, `SELECT COALESCE(SUM(customers), 0), COALESCE(SUM(decided), 0) FROM rescreen_parts WHERE run = $1 AND done_at <> ''`, r.Versions).Scan(&r.Customers, &r.Decided)
	if err != nil {
		return r, fmt.Errorf("re-screening progress: %w", err)
	}
	err = db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM rescreen_changes WHERE run = $1`, r.Versions).Scan(&r.Changed)
	return r, err
}

// ClaimRescreen claims run r (its Versions, Lists, Basis, Actor and
// Started) for owner until lease: it inserts the run's row, or takes over
// a run not yet queued whose claim lapsed before now (its owner died). It
// reports false, changing nothing, when another owner holds the run or it
// is queued or done. On success r is the run as stored (a run taken over
// keeps its plan).
func (db *DB) ClaimRescreen(ctx context.Context, r *warden.Rescreen, owner string, now, lease time.Time) (bool, error) {
	lists, err := json.Marshal(r.Lists)
	if err != nil {
		return false, err
	}
	claimed := false
	err = db.change(ctx, nil, func(tx *sql.Tx) error {
		var state string
		err := tx.QueryRowContext(ctx, `INSERT INTO rescreens (versions, customers, changed, at, actor, state, lists, basis, owner, lease_until, started_at)
			VALUES ($1, 0, 0, $2, $3, 'claimed', $4, $5, $6, $7, $2)
			ON CONFLICT (versions) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until
			WHERE rescreens.state IN ('claimed', 'planned') AND rescreens.lease_until < $8
			RETURNING state`, r.Versions, timestamp(r.Started), r.Actor, string(lists), r.Basis, owner, timestamp(lease), timestamp(now)).Scan(&state)
		claimed = err == nil
		if errors.Is(err, sql.ErrNoRows) {
			return errSkipAudit
		}
		if err != nil {
			return fmt.Errorf("claim re-screening: %w", err)
		}
		return nil
	})
	if err != nil || !claimed {
		return false, err
	}
	*r, err = db.Rescreened(ctx, r.Versions)
	return true, err
}

// RenewRescreen extends owner's claim on a run it plans or works itself
// until lease; false if the claim is no longer owner's (it lapsed and
// another node took the run over).
func (db *DB) RenewRescreen(ctx context.Context, versions, owner string, lease time.Time) (bool, error) {
	held := false
	err := db.change(ctx, nil, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE rescreens SET lease_until = $1 WHERE versions = $2 AND owner = $3 AND state IN ('claimed', 'planned')`, timestamp(lease), versions, owner)
		if err != nil {
			return fmt.Errorf("renew re-screening: %w", err)
		}
		n, _ := res.RowsAffected()
		held = n == 1
		return errSkipAudit
	})
	return held, err
}

// PlanRescreen sets the plan of run r, which owner has claimed: its Mode,
// Base, Parties, Delisted and Total, and its parts, numbered from 0 in
// order. ECONFLICT, storing nothing, if the claim is no longer owner's.
func (db *DB) PlanRescreen(ctx context.Context, r warden.Rescreen, owner string, parts []RescreenPart) error {
	return db.change(ctx, nil, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE rescreens SET state = 'planned', mode = $1, base = $2, parties = $3, delisted = $4, total = $5, parts = $6
			WHERE versions = $7 AND owner = $8 AND state = 'claimed'`, r.Mode, r.Base, r.Parties, r.Delisted, r.Total, len(parts), r.Versions, owner)
		if err != nil {
			return fmt.Errorf("plan re-screening: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return warden.Errorf(warden.ECONFLICT, "re-screening %s was taken over by another node", r.Versions)
		}
		for _, p := range parts {
			if _, err := tx.ExecContext(ctx, `INSERT INTO rescreen_parts (run, part, after_id, last_id, planned, resume_id) VALUES ($1, $2, $3, $4, $5, $3)`,
				r.Versions, p.Part, p.After, p.Last, p.Planned); err != nil {
				return fmt.Errorf("plan re-screening: %w", err)
			}
		}
		return errSkipAudit
	})
}

// QueueRescreen records that a planned run's parts are jobs of the queue,
// which any node works and which outlive their node: no claim lapses any
// more. ECONFLICT if the run is not owner's to queue.
func (db *DB) QueueRescreen(ctx context.Context, versions, owner string) error {
	return db.change(ctx, nil, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE rescreens SET state = 'queued', lease_until = '' WHERE versions = $1 AND owner = $2 AND state = 'planned'`, versions, owner)
		if err != nil {
			return fmt.Errorf("queue re-screening: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return warden.Errorf(warden.ECONFLICT, "re-screening %s is not planned by this node", versions)
		}
		return errSkipAudit
	})
}

// RescreenParts returns a run's parts in order.
func (db *DB) RescreenParts(ctx context.Context, versions string) ([]RescreenPart, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT part, after_id, last_id, planned, resume_id, customers, decided, done_at FROM rescreen_parts WHERE run = $1 ORDER BY part`, versions)
	if err != nil {
		return nil, fmt.Errorf("re-screening parts: %w", err)
	}
	defer rows.Close()
	var out []RescreenPart
	for rows.Next() {
		var p RescreenPart
		var done string
		if err := rows.Scan(&p.Part, &p.After, &p.Last, &p.Planned, &p.Cursor, &p.Customers, &p.Decided, &done); err != nil {
			return nil, err
		}
		p.Done = done != ""
		out = append(out, p)
	}
	return out, rows.Err()
}

// RescreenPartOf returns part n of a run; ENOTFOUND if there is none.
func (db *DB) RescreenPartOf(ctx context.Context, versions string, n int) (RescreenPart, error) {
	p := RescreenPart{Part: n}
	var done string
	err := db.sql.QueryRowContext(ctx, `SELECT after_id, last_id, planned, resume_id, customers, decided, done_at FROM rescreen_parts WHERE run = $1 AND part = $2`, versions, n).
		Scan(&p.After, &p.Last, &p.Planned, &p.Cursor, &p.Customers, &p.Decided, &done)
	if errors.Is(err, sql.ErrNoRows) {
		return p, warden.Errorf(warden.ENOTFOUND, "re-screening %s has no part %d", versions, n)
	}
	p.Done = done != ""
	return p, err
}

// SaveRescreenPart records how far part n of run is screened: up to id
// cursor, customers screened and decided given the full decision, so that
// a job interrupted (its time up, its node stopping or dead) resumes
// there. A part done is left as it is.
func (db *DB) SaveRescreenPart(ctx context.Context, run string, n int, cursor string, customers, decided int) error {
	return db.change(ctx, nil, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE rescreen_parts SET resume_id = $1, customers = $2, decided = $3 WHERE run = $4 AND part = $5 AND done_at = ''`,
			cursor, customers, decided, run, n); err != nil {
			return fmt.Errorf("save re-screening part: %w", err)
		}
		return errSkipAudit
	})
}

// idRange is the SQL condition on column for ids in (after, last], and
// its arguments from the n-th placeholder on: no upper bound for last "".
func idRange(column, after, last string, n int) (string, []any) {
	if last == "" {
		return fmt.Sprintf("%s > $%d", column, n), []any{after}
	}
	return fmt.Sprintf("%s > $%d AND %s <= $%d", column, n, column, n+1), []any{after, last}
}

// RescreenChanged counts the customers with ids in (after, last] that run
// has changed: those a part's earlier attempt changed before its node
// died, which are no longer cleared when the part runs again.
func (db *DB) RescreenChanged(ctx context.Context, run, after, last string) (int, error) {
	cond, args := idRange("customer", after, last, 2)
	var n int
	err := db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM rescreen_changes WHERE run = $1 AND `+cond, append([]any{run}, args...)...).Scan(&n)
	return n, err
}

// ClearedIDs calls fn with the id of every customer cleared now, in id
// order, to split the register into parts.
func (db *DB) ClearedIDs(ctx context.Context, fn func(id string) error) error {
	rows, err := db.sql.QueryContext(ctx, `SELECT c.id FROM customers c JOIN transactions t ON t.reference = c.reference WHERE t.status = 'cleared' ORDER BY c.id`)
	if err != nil {
		return fmt.Errorf("cleared customers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return err
		}
		if err := fn(id); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ClearedCustomers returns up to limit customers cleared now with ids in
// (after, last] (last "" for no bound), in id order, as registered: their
// details to screen, without their decisions, which re-screening does not
// read.
func (db *DB) ClearedCustomers(ctx context.Context, after, last string, limit int) ([]warden.Customer, error) {
	// The customers' id range first, each one's status looked up by its
	// transaction's key: a plan that needs no statistics. Joined instead,
	// SQLite without statistics took the index on status, and PostgreSQL
	// before its first ANALYZE (a register just loaded or migrated) hashed
	// every cleared transaction for each page: 1.04 s a page of 1,000 at
	// 1,000,000 customers, against 77 ms so.
	cond, args := idRange("c.id", after, last, 1)
	rows, err := db.sql.QueryContext(ctx, `SELECT c.body FROM customers c
		WHERE `+cond+` AND (SELECT t.status FROM transactions t WHERE t.reference = c.reference) = 'cleared'
		ORDER BY c.id LIMIT `+fmt.Sprint(limit), args...)
	if err != nil {
		return nil, fmt.Errorf("cleared customers: %w", err)
	}
	defer rows.Close()
	var out []warden.Customer
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			return nil, err
		}
		var c warden.Customer
		if err := json.Unmarshal([]byte(body), &c); err != nil {
			return nil, fmt.Errorf("cleared customers: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// RescreenCustomer records that screening a cleared customer again found
// hits: its status becomes d's decision, cases are opened and the decision
// is kept as the customer's latest. It changes nothing (changed false) if
// the customer is no longer cleared, so that two nodes re-screening at
// once, or a part run again after its node died, open its cases once. run,
// if not "", is the re-screening run that counts the change.
func (db *DB) RescreenCustomer(ctx context.Context, run, id string, d *warden.TxDecision, cases []warden.PendingCase, ev *warden.AuditEvent) (changed bool, err error) {
	err = db.change(ctx, ev, func(tx *sql.Tx) error {
		changed = false
		res, err := tx.ExecContext(ctx, `UPDATE transactions SET status = $1, status_at = $2 WHERE reference = $3 AND status = 'cleared'`, d.Decision, timestamp(d.DecidedAt), d.Reference)
		if err != nil {
			return fmt.Errorf("rescreen: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errSkipAudit
		}
		if err := countCustomer(ctx, tx, d.Reference, warden.DecisionCleared, d.Decision, 1); err != nil {
			return err
		}
		if err := numberCases(ctx, tx, d, cases); err != nil {
			return err
		}
		for i := range cases {
			if err := insertCase(ctx, tx, d.Reference, cases[i]); err != nil {
				return err
			}
		}
		b, _ := json.Marshal(d)
		if _, err := tx.ExecContext(ctx, `UPDATE customers SET latest = $1 WHERE id = $2`, string(b), id); err != nil {
			return fmt.Errorf("rescreen: %w", err)
		}
		var body string
		if err := tx.QueryRowContext(ctx, `SELECT body FROM customers WHERE id = $1`, id).Scan(&body); err != nil {
			return fmt.Errorf("rescreen: %w", err)
		}
		var c warden.Customer
		if err := json.Unmarshal([]byte(body), &c); err != nil {
			return fmt.Errorf("rescreen: customer %q: %w", id, err)
		}
		if err := customerEvent(ctx, tx, id, c.Name, d, "rescreening", db.now()); err != nil {
			return err
		}
		if run != "" {
			if _, err := tx.ExecContext(ctx, `INSERT INTO rescreen_changes (run, customer, decision) VALUES ($1, $2, $3) ON CONFLICT (run, customer) DO NOTHING`,
				run, id, d.Decision); err != nil {
				return fmt.Errorf("rescreen: %w", err)
			}
		}
		changed = true
		return nil
	})
	return changed, err
}

// FinishRescreenPart records part n of run done, having screened
// customers and given decided of them the full decision. The part that
// finishes the run, whichever node works it, also makes the run done with
// its full counts (the parts' customers and decisions added up, the
// changes its customers recorded counted), finished at now, and writes ev,
// the run's audit event, its detail those counts. done reports that. A
// part already done changes nothing.
func (db *DB) FinishRescreenPart(ctx context.Context, run string, n, customers, decided int, now time.Time, ev *warden.AuditEvent) (done bool, err error) {
	err = db.change(ctx, ev, func(tx *sql.Tx) error {
		done = false
		res, err := tx.ExecContext(ctx, `UPDATE rescreen_parts SET customers = $1, decided = $2, done_at = $3 WHERE run = $4 AND part = $5 AND done_at = ''`,
			customers, decided, timestamp(now), run, n)
		if err != nil {
			return fmt.Errorf("finish re-screening part: %w", err)
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return errSkipAudit
		}
		var partsDone, parts int
		if err := tx.QueryRowContext(ctx, `UPDATE rescreens SET parts_done = parts_done + 1 WHERE versions = $1 RETURNING parts_done, parts`, run).Scan(&partsDone, &parts); err != nil {
			return fmt.Errorf("finish re-screening part: %w", err)
		}
		if partsDone < parts {
			return errSkipAudit
		}
		var r warden.Rescreen
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(customers), 0), COALESCE(SUM(decided), 0) FROM rescreen_parts WHERE run = $1`, run).Scan(&r.Customers, &r.Decided); err != nil {
			return err
		}
		decisions := map[string]int{}
		rows, err := tx.QueryContext(ctx, `SELECT decision, COUNT(*) FROM rescreen_changes WHERE run = $1 GROUP BY decision`, run)
		if err != nil {
			return err
		}
		for rows.Next() {
			var d string
			var k int
			if err := rows.Scan(&d, &k); err != nil {
				rows.Close()
				return err
			}
			decisions[d] = k
			r.Changed += k
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE rescreens SET state = 'done', customers = $1, changed = $2, decided = $3, at = $4, finished_at = $4, owner = '', lease_until = ''
			WHERE versions = $5`, r.Customers, r.Changed, r.Decided, timestamp(now), run); err != nil {
			return fmt.Errorf("finish re-screening: %w", err)
		}
		if ev != nil {
			ev.Detail, _ = json.Marshal(map[string]any{"customers": r.Customers, "changed": r.Changed, "decided": r.Decided, "decisions": decisions})
		}
		done = true
		return nil
	})
	return done, err
}

// RescreenDecisions counts the customers a run changed, by their new
// decision.
func (db *DB) RescreenDecisions(ctx context.Context, run string) (map[string]int, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT decision, COUNT(*) FROM rescreen_changes WHERE run = $1 GROUP BY decision`, run)
	if err != nil {
		return nil, fmt.Errorf("re-screening decisions: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var d string
		var n int
		if err := rows.Scan(&d, &n); err != nil {
			return nil, err
		}
		out[d] = n
	}
	return out, rows.Err()
}

// UndecidedCasesOf returns the cases still waiting for someone (open or
// pending a second review) whose listed party is entity, oldest first.
func (db *DB) UndecidedCasesOf(ctx context.Context, entity string) ([]warden.Case, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+caseColumns+` FROM cases WHERE entity_id = $1 AND status IN ('open', 'pending_review') ORDER BY id`, entity)
	if err != nil {
		return nil, fmt.Errorf("cases of %s: %w", entity, err)
	}
	defer rows.Close()
	var out []warden.Case
	for rows.Next() {
		p, err := scanCase(rows.Scan)
		if err != nil {
			return nil, err
		}
		out = append(out, p.Case)
	}
	return out, rows.Err()
}

// FlagDelisted adds note n to its case and the step "delisted" (the note's
// text) to the case's history, with ev, unless that step with that text
// is there already: a run taken over after its node died flags each case
// once. It reports whether it added them.
func (db *DB) FlagDelisted(ctx context.Context, n *warden.CaseNote, ev *warden.AuditEvent) (bool, error) {
	added := false
	err := db.change(ctx, ev, func(tx *sql.Tx) error {
		var k int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM case_history WHERE case_id = $1 AND action = 'delisted' AND detail = $2`, n.Case, n.Text).Scan(&k); err != nil {
			return fmt.Errorf("flag delisted: %w", err)
		}
		if k > 0 {
			return errSkipAudit
		}
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM case_notes`).Scan(&n.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_notes (id, case_id, text, added_by, added_at) VALUES ($1, $2, $3, $4, $5)`,
			n.ID, n.Case, n.Text, n.AddedBy, timestamp(n.AddedAt)); err != nil {
			return fmt.Errorf("flag delisted: %w", err)
		}
		added = true
		return addHistory(ctx, tx, n.Case, n.AddedAt, n.AddedBy, "delisted", n.Text)
	})
	return added, err
}

// SeedClearedCustomers registers customers as cleared without screening
// them and without audit events, in transactions of 2,000: it fills a
// register of a million customers for benchmarks and load tests
// (BenchmarkRescreen) in minutes, where onboarding them one by one takes
// hours. Never for real customers, whom Onboard screens and audits.
func (db *DB) SeedClearedCustomers(ctx context.Context, cs []warden.Customer, at time.Time) error {
	// Rows per INSERT: SQLite's driver binds parameters in a time that
	// grows with the square of their number.
	const rows, perTx = 20, 2000
	for from := 0; from < len(cs); from += perTx {
		tx, err := db.sql.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		for k := from; k < min(from+perTx, len(cs)); k += rows {
			if err := seedCustomers(ctx, tx, cs[k:min(k+rows, from+perTx, len(cs))], at); err != nil {
				tx.Rollback()
				return err
			}
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("seed customers: %w", err)
		}
	}
	return nil
}

// seedCustomers inserts customers, cleared, in two statements.
func seedCustomers(ctx context.Context, tx *sql.Tx, cs []warden.Customer, at time.Time) error {
	var txs, cus strings.Builder
	txArgs, cuArgs := make([]any, 0, 4*len(cs)), make([]any, 0, 4*len(cs))
	for i, c := range cs {
		ref := warden.CustomerReference(c.ID)
		d := warden.TxDecision{Reference: ref, Decision: warden.DecisionCleared, Status: warden.DecisionCleared, DecidedAt: at, Hits: []warden.TxHit{}}
		resp, _ := json.Marshal(d)
		c.OnboardedAt, c.OnboardedBy = at, "seed"
		body, _ := json.Marshal(c)
		if i > 0 {
			txs.WriteString(", ")
			cus.WriteString(", ")
		}
		fmt.Fprintf(&txs, "($%d, $%d, 'cleared', 'cleared', $%d, $%d)", 4*i+1, 4*i+2, 4*i+3, 4*i+4)
		fmt.Fprintf(&cus, "($%d, $%d, $%d, $%d, 'seed')", 4*i+1, 4*i+2, 4*i+3, 4*i+4)
		txArgs = append(txArgs, ref, "seed", string(resp), timestamp(at))
		cuArgs = append(cuArgs, c.ID, ref, string(body), timestamp(at))
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO transactions (reference, body_hash, decision, status, response, created_at) VALUES `+txs.String(), txArgs...); err != nil {
		return fmt.Errorf("seed customers: %w", err)
	}
	if err := countCustomer(ctx, tx, "customer:", "", warden.DecisionCleared, len(txArgs)/4); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO customers (id, reference, body, created_at, created_by) VALUES `+cus.String(), cuArgs...); err != nil {
		return fmt.Errorf("seed customers: %w", err)
	}
	return nil
}
