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

// caseSearch is what the queue's search looks in: the screened name, the
// reference, the listed party's id and name, in lower case.
func caseSearch(name, ref, entity, listed string) string {
	return strings.ToLower(strings.Join([]string{name, ref, entity, listed}, " "))
}

// likeEscape escapes s for a LIKE pattern with ESCAPE '\'.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// caseWhere builds the WHERE clause of f from the conditions it sets, and
// their arguments, numbered from 1.
func caseWhere(f warden.CaseFilter) (string, []any) {
	var w where
	if len(f.Statuses) == 1 {
		w.and("status = " + w.arg(string(f.Statuses[0])))
	} else if len(f.Statuses) > 1 {
		ph := make([]string, len(f.Statuses))
		for i, st := range f.Statuses {
			ph[i] = w.arg(string(st))
		}
		w.and("status IN (" + strings.Join(ph, ", ") + ")")
	}
	w.eq("list", f.List)
	if f.Program != "" {
		w.and("id IN (SELECT case_id FROM case_programs WHERE program = " + w.arg(f.Program) + ")")
	}
	if f.MinScore > 0 {
		w.and("score >= " + w.arg(f.MinScore))
	}
	if f.MaxScore > 0 {
		w.and("score <= " + w.arg(f.MaxScore))
	}
	if f.Unassigned {
		w.and("assignee = ''")
	} else {
		w.eq("assignee", f.Assignee)
	}
	w.eq("source", f.Source)
	if !f.OpenedBefore.IsZero() {
		w.and("created_at < " + w.arg(timestamp(f.OpenedBefore)))
	}
	if !f.OpenedAfter.IsZero() {
		w.and("created_at >= " + w.arg(timestamp(f.OpenedAfter)))
	}
	if q := strings.TrimSpace(f.Search); q != "" {
		w.and(`search LIKE ` + w.arg("%"+likeEscape(strings.ToLower(q))+"%") + ` ESCAPE '\'`)
	}
	if f.After > 0 {
		w.and("id > " + w.arg(f.After))
	}
	return w.String(), w.args
}

// caseOrder is the ORDER BY of a sort order.
var caseOrder = map[string]string{
	"":                       "created_at, id",
	warden.CaseSortOldest:    "created_at, id",
	warden.CaseSortNewest:    "created_at DESC, id DESC",
	warden.CaseSortScoreDesc: "score DESC, id",
	warden.CaseSortScoreAsc:  "score, id",
	warden.CaseSortReference: "reference, id",
	warden.CaseSortID:        "id",
}

// FindCases returns the page of cases f selects, in its order, and how
// many it selects in all (not counted when f pages by After, as exports
// do: Total is then -1).
func (db *DB) FindCases(ctx context.Context, f warden.CaseFilter) (warden.CaseList, error) {
	out := warden.CaseList{Cases: []warden.Case{}, Total: -1}
	order, ok := caseOrder[f.Sort]
	if !ok {
		return out, warden.Errorf(warden.EINVALID, "sort must be one of %s", strings.Join(warden.CaseSorts, ", "))
	}
	where, args := caseWhere(f)
	if f.After == 0 {
		if err := db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM cases`+where, args...).Scan(&out.Total); err != nil {
			return out, fmt.Errorf("count cases: %w", err)
		}
	}
	// The page's ids first, sorted from the indexes alone, then their
	// rows: sorting whole rows to skip most of them took ten times as
	// long (2.9 s against 0.2 s for page 2,001 of 100,000 cases, SQLite).
	q := `SELECT ` + caseColumns + ` FROM cases WHERE id IN (SELECT id FROM cases` + where + ` ORDER BY ` + order +
		fmt.Sprintf(" LIMIT %d OFFSET %d", max(f.Limit, 1), max(f.Offset, 0)) + `) ORDER BY ` + order
	rows, err := db.sql.QueryContext(ctx, q, args...)
	if err != nil {
		return out, fmt.Errorf("cases: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		p, err := scanCase(rows.Scan)
		if err != nil {
			return out, err
		}
		out.Cases = append(out.Cases, p.Case)
	}
	return out, rows.Err()
}

// addHistory appends a step to case id's history in tx.
func addHistory(ctx context.Context, tx *sql.Tx, id int64, at time.Time, actor, action, detail string) error {
	var seq int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM case_history`).Scan(&seq); err != nil {
		return fmt.Errorf("case history: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO case_history (seq, case_id, at, actor, action, detail) VALUES ($1, $2, $3, $4, $5, $6)`,
		seq, id, timestamp(at), actor, action, detail); err != nil {
		return fmt.Errorf("case history: %w", err)
	}
	return nil
}

// CaseHistory returns every step recorded of case id, in order.
func (db *DB) CaseHistory(ctx context.Context, id int64) ([]warden.CaseEvent, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT seq, case_id, at, actor, action, detail FROM case_history WHERE case_id = $1 ORDER BY seq`, id)
	if err != nil {
		return nil, fmt.Errorf("case history: %w", err)
	}
	defer rows.Close()
	out := []warden.CaseEvent{}
	for rows.Next() {
		var e warden.CaseEvent
		var at string
		if err := rows.Scan(&e.Seq, &e.Case, &at, &e.Actor, &e.Action, &e.Detail); err != nil {
			return nil, err
		}
		e.At = parseTime(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// caseState explains why a conditional update of case id changed nothing:
// ENOTFOUND if there is no such case, else ECONFLICT saying where it
// stands.
func caseState(ctx context.Context, tx *sql.Tx, id int64) error {
	var status, assignee, decidedBy string
	err := tx.QueryRowContext(ctx, `SELECT status, assignee, decided_by FROM cases WHERE id = $1`, id).Scan(&status, &assignee, &decidedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return warden.Errorf(warden.ENOTFOUND, "no case %d", id)
	}
	if err != nil {
		return err
	}
	switch {
	case !warden.CaseStatus(status).Undecided():
		return warden.Errorf(warden.ECONFLICT, "case %d was already %s by %s", id, status, decidedBy)
	case assignee != "":
		return warden.Errorf(warden.ECONFLICT, "case %d is assigned to %s", id, assignee)
	}
	return warden.Errorf(warden.ECONFLICT, "case %d is %s", id, status)
}

// AssignCase assigns undecided case id to assignee ("" to nobody) at at,
// recording by as who did it. Unless force (a lead reassigning), a case
// held by someone other than assignee is not taken: ECONFLICT, naming
// who holds it. ECONFLICT too for a decided case, ENOTFOUND for none.
func (db *DB) AssignCase(ctx context.Context, id int64, assignee, by string, force bool, at time.Time, ev *warden.AuditEvent) error {
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		stamp := timestamp(at)
		if assignee == "" {
			stamp = ""
		}
		q := `UPDATE cases SET assignee = $1, assigned_at = $2 WHERE id = $3 AND status IN ('open', 'pending_review')`
		args := []any{assignee, stamp, id}
		if !force {
			q += ` AND (assignee = '' OR assignee = $1 OR $1 = '' AND assignee = $4)`
			args = append(args, by)
		}
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("assign case: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return caseState(ctx, tx, id)
		}
		action, detail := "assigned", assignee
		switch {
		case assignee == "":
			action, detail = "unassigned", ""
		case assignee == by:
			action, detail = "claimed", ""
		}
		return addHistory(ctx, tx, id, at, by, action, detail)
	})
}

// ClearForReview records a first analyst's clearing of open case id that
// needs a second person: the case becomes pending_review with who cleared
// it, when and why. ECONFLICT if it is no longer open.
func (db *DB) ClearForReview(ctx context.Context, id int64, by, reason string, at time.Time, ev *warden.AuditEvent) error {
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE cases SET status = 'pending_review', cleared_by = $1, clear_reason = $2, cleared_at = $3 WHERE id = $4 AND status = 'open'`,
			by, reason, timestamp(at), id)
		if err != nil {
			return fmt.Errorf("clear case: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return caseState(ctx, tx, id)
		}
		return addHistory(ctx, tx, id, at, by, "cleared, pending second review", reason)
	})
}

// SendBack returns case id, pending a second review, to the queue: open
// again, its first clearing forgotten but for its history, which records
// why. ECONFLICT if it is no longer pending.
func (db *DB) SendBack(ctx context.Context, id int64, by, reason string, at time.Time, ev *warden.AuditEvent) error {
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE cases SET status = 'open', cleared_by = '', clear_reason = '', cleared_at = '' WHERE id = $1 AND status = 'pending_review'`, id)
		if err != nil {
			return fmt.Errorf("send case back: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return caseState(ctx, tx, id)
		}
		return addHistory(ctx, tx, id, at, by, "sent back", reason)
	})
}

// AddCaseNote adds a note to case id (ENOTFOUND if there is none) and sets
// its number.
func (db *DB) AddCaseNote(ctx context.Context, n *warden.CaseNote, ev *warden.AuditEvent) error {
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		if err := caseExists(ctx, tx, n.Case); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM case_notes`).Scan(&n.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_notes (id, case_id, text, added_by, added_at) VALUES ($1, $2, $3, $4, $5)`,
			n.ID, n.Case, n.Text, n.AddedBy, timestamp(n.AddedAt)); err != nil {
			return fmt.Errorf("add note: %w", err)
		}
		return addHistory(ctx, tx, n.Case, n.AddedAt, n.AddedBy, "noted", n.Text)
	})
}

func caseExists(ctx context.Context, tx *sql.Tx, id int64) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM cases WHERE id = $1`, id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return warden.Errorf(warden.ENOTFOUND, "no case %d", id)
	}
	return nil
}

// CaseNotes returns case id's notes, oldest first.
func (db *DB) CaseNotes(ctx context.Context, id int64) ([]warden.CaseNote, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT id, case_id, text, added_by, added_at FROM case_notes WHERE case_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("case notes: %w", err)
	}
	defer rows.Close()
	out := []warden.CaseNote{}
	for rows.Next() {
		var n warden.CaseNote
		var at string
		if err := rows.Scan(&n.ID, &n.Case, &n.Text, &n.AddedBy, &at); err != nil {
			return nil, err
		}
		n.AddedAt = parseTime(at)
		out = append(out, n)
	}
	return out, rows.Err()
}

// AddCaseAttachment stores a file attached to case a.Case (ENOTFOUND if
// there is none) with its bytes, and sets its number.
func (db *DB) AddCaseAttachment(ctx context.Context, a *warden.CaseAttachment, data []byte, ev *warden.AuditEvent) error {
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		if err := caseExists(ctx, tx, a.Case); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM case_attachments`).Scan(&a.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_attachments (id, case_id, name, media_type, size, sha256, data, added_by, added_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			a.ID, a.Case, a.Name, a.MediaType, a.Size, a.SHA256, data, a.AddedBy, timestamp(a.AddedAt)); err != nil {
			return fmt.Errorf("add attachment: %w", err)
		}
		return addHistory(ctx, tx, a.Case, a.AddedAt, a.AddedBy, "attached", fmt.Sprintf("%s (%s, %d bytes)", a.Name, a.MediaType, a.Size))
	})
}

const caseAttachmentColumns = `id, case_id, name, media_type, size, sha256, added_by, added_at`

func scanCaseAttachment(scan func(...any) error, more ...any) (warden.CaseAttachment, error) {
	var a warden.CaseAttachment
	var at string
	err := scan(append([]any{&a.ID, &a.Case, &a.Name, &a.MediaType, &a.Size, &a.SHA256, &a.AddedBy, &at}, more...)...)
	a.AddedAt = parseTime(at)
	return a, err
}

// CaseAttachments lists the files attached to case id (not their bytes).
func (db *DB) CaseAttachments(ctx context.Context, id int64) ([]warden.CaseAttachment, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+caseAttachmentColumns+` FROM case_attachments WHERE case_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("case attachments: %w", err)
	}
	defer rows.Close()
	out := []warden.CaseAttachment{}
	for rows.Next() {
		a, err := scanCaseAttachment(rows.Scan)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// CaseAttachmentFile returns file aid of case id with its bytes; ENOTFOUND
// if the case has no such file.
func (db *DB) CaseAttachmentFile(ctx context.Context, id, aid int64) (warden.CaseAttachment, []byte, error) {
	var data []byte
	a, err := scanCaseAttachment(db.sql.QueryRowContext(ctx, `SELECT `+caseAttachmentColumns+`, data FROM case_attachments WHERE case_id = $1 AND id = $2`, id, aid).Scan, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return a, nil, warden.Errorf(warden.ENOTFOUND, "case %d has no attachment %d", id, aid)
	}
	return a, data, err
}

// GoodGuys lists the remembered false positives f selects, newest
// clearing first, with the case that cleared each, and how many it
// selects in all. Expired ones are left out.
func (db *DB) GoodGuys(ctx context.Context, f warden.GoodGuyFilter, now time.Time) ([]warden.GoodGuy, int, error) {
	where := ` WHERE fp.expires_at > $1`
	args := []any{timestamp(now)}
	if q := strings.TrimSpace(f.Search); q != "" {
		args = append(args, "%"+likeEscape(strings.ToLower(q))+"%")
		where += ` AND (lower(fp.counterparty) LIKE $2 ESCAPE '\' OR lower(fp.entity_id) LIKE $2 ESCAPE '\' OR c.search LIKE $2 ESCAPE '\')`
	}
	from := ` FROM false_positives fp LEFT JOIN cases c ON c.id = fp.case_id`
	var total int
	if err := db.sql.QueryRowContext(ctx, `SELECT COUNT(*)`+from+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("good guys: %w", err)
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT fp.counterparty, fp.entity_id, fp.case_id, fp.expires_at, COALESCE(c.name, ''), COALESCE(c.listed_name, ''),
		COALESCE(c.decided_by, ''), COALESCE(c.reason, '')`+from+where+fmt.Sprintf(` ORDER BY fp.case_id DESC LIMIT %d OFFSET %d`, max(f.Limit, 1), max(f.Offset, 0)), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("good guys: %w", err)
	}
	defer rows.Close()
	out := []warden.GoodGuy{}
	for rows.Next() {
		var g warden.GoodGuy
		var exp string
		if err := rows.Scan(&g.Counterparty, &g.EntityID, &g.Case, &exp, &g.Name, &g.ListedName, &g.ClearedBy, &g.Reason); err != nil {
			return nil, 0, err
		}
		g.Expires = parseTime(exp)
		out = append(out, g)
	}
	return out, total, rows.Err()
}

// RevokeGoodGuy forgets the false positive that case id remembered, so
// that screening stops that counterparty for that listing again; the
// case's history records who revoked it and why. ENOTFOUND if the case
// remembers none (never cleared, expired and replaced, or revoked).
func (db *DB) RevokeGoodGuy(ctx context.Context, id int64, by, reason string, at time.Time, ev *warden.AuditEvent) error {
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM false_positives WHERE case_id = $1`, id)
		if err != nil {
			return fmt.Errorf("revoke false positive: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return warden.Errorf(warden.ENOTFOUND, "case %d remembers no false positive", id)
		}
		return addHistory(ctx, tx, id, at, by, "false positive revoked", reason)
	})
}
