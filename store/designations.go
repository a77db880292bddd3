package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"warden"
)

// designationData is what the data column holds: the designation without
// what its columns say (status, version, approval) or what its own table
// holds (evidence).
func designationData(d *warden.Designation) (string, error) {
	c := *d
	c.Status, c.Version, c.Approval, c.Evidence = "", 0, 0, nil
	b, err := json.Marshal(c)
	return string(b), err
}

// CreateDesignation stores a new designation and sets its id. A party
// without a source id is a new one: it gets the designation's id, and its
// companies without one get id-1, id-2, ..., so every later amendment or
// delisting of the party names the same source id.
func (db *DB) CreateDesignation(ctx context.Context, d *warden.Designation, ev *warden.AuditEvent) error {
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM designations`).Scan(&d.ID); err != nil {
			return fmt.Errorf("create designation: %w", err)
		}
		id := strconv.FormatInt(d.ID, 10)
		if d.Party.SourceID == "" {
			d.Party.SourceID = id
		}
		for i := range d.Companies {
			if d.Companies[i].SourceID == "" {
				d.Companies[i].SourceID = id + "-" + strconv.Itoa(i+1)
			}
		}
		if ev != nil {
			ev.Object = "designation:" + id
		}
		data, err := designationData(d)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO designations (id, status, kind, party, publish_at, version, approval, data, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, 0, 0, $6, $7, $7)`,
			d.ID, string(d.Status), string(d.Kind), d.Party.SourceID, optStamp(d.PublishAt), data, timestamp(d.CreatedAt))
		if err != nil {
			return fmt.Errorf("create designation: %w", err)
		}
		return nil
	})
}

// ApplyDesignation stores d (its status, approval, decision) if its status
// is still from, with the domain events, inside the change ctx runs in (a
// proposal being stored, an approval being decided, a version being
// committed: see CreateApproval, DecideApproval, Import.Also), whose audit
// events record it. ECONFLICT if someone moved it first.
func (db *DB) ApplyDesignation(ctx context.Context, d *warden.Designation, from warden.DesignationStatus, events ...warden.DomainEvent) error {
	tx, err := joinTx(ctx)
	if err != nil {
		return err
	}
	return updateDesignation(ctx, tx, d, from, db.now(), events)
}

func updateDesignation(ctx context.Context, tx *sql.Tx, d *warden.Designation, from warden.DesignationStatus, now time.Time, events []warden.DomainEvent) error {
	data, err := designationData(d)
	if err != nil {
		return err
	}
	d.UpdatedAt = now
	res, err := tx.ExecContext(ctx, `UPDATE designations SET status = $1, publish_at = $2, version = $3, approval = $4, data = $5, updated_at = $6
		WHERE id = $7 AND status = $8`,
		string(d.Status), optStamp(d.PublishAt), d.Version, d.Approval, data, timestamp(now), d.ID, string(from))
	if err != nil {
		return fmt.Errorf("update designation: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return warden.Errorf(warden.ECONFLICT, "designation %d is no longer %s", d.ID, from)
	}
	for _, e := range events {
		if err := insertEvent(ctx, tx, e, now); err != nil {
			return err
		}
	}
	return nil
}

// DelistParty, inside the change ctx runs in (the version that takes the
// party off the list), marks the party's published designations delisted
// and flags the open cases on the parties ids (the party's and its
// companies' entity ids) for review, with a case.flagged event each. It
// returns the cases flagged. Nothing is closed: a case stays open and
// blocked property stays blocked.
func (db *DB) DelistParty(ctx context.Context, party string, except int64, ids []string, why string) ([]int64, error) {
	tx, err := joinTx(ctx)
	if err != nil {
		return nil, err
	}
	now := db.now()
	if _, err := tx.ExecContext(ctx, `UPDATE designations SET status = 'delisted', updated_at = $1 WHERE party = $2 AND status = 'published' AND id <> $3`,
		timestamp(now), party, except); err != nil {
		return nil, fmt.Errorf("delist designations: %w", err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	args := []any{}
	ph := make([]string, len(ids))
	for i, id := range ids {
		args = append(args, id)
		ph[i] = "$" + strconv.Itoa(i+1)
	}
	rows, err := tx.QueryContext(ctx, `SELECT id FROM cases WHERE status IN ('open', 'pending_review') AND entity_id IN (`+strings.Join(ph, ",")+`) ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("cases to flag: %w", err)
	}
	var flagged []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		flagged = append(flagged, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, id := range flagged {
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET review_flag = $1 WHERE id = $2`, why, id); err != nil {
			return nil, fmt.Errorf("flag case: %w", err)
		}
		payload, _ := json.Marshal(map[string]string{"reason": why})
		if err := insertEvent(ctx, tx, warden.DomainEvent{Type: "case.flagged", Object: "case:" + strconv.FormatInt(id, 10), Payload: payload}, now); err != nil {
			return nil, err
		}
	}
	return flagged, nil
}

// insertEvent writes a domain event in tx, the transaction of its change.
// Its id is the largest plus one: every transaction that writes events
// holds the database's write lock (SQLite) or the audit chain's lock
// (PostgreSQL, pg_advisory_xact_lock(7202), taken by every change and
// import before it writes an event) until it commits, so ids are unique
// and follow commit order, and a consumer's cursor (the last id it read)
// never passes an event that commits later.
func insertEvent(ctx context.Context, tx *sql.Tx, e warden.DomainEvent, now time.Time) error {
	if e.Payload == nil {
		e.Payload = json.RawMessage("{}")
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO events (id, type, object, payload, created_at)
		VALUES ((SELECT COALESCE(MAX(id), 0) + 1 FROM events), $1, $2, $3, $4)`, e.Type, e.Object, string(e.Payload), timestamp(now))
	if err != nil {
		return fmt.Errorf("insert event: %w", err)
	}
	return nil
}

// Events returns at most limit (0: all) domain events of a type ("" for
// all) after id after, oldest first: consumers page through them with
// their cursor.
func (db *DB) Events(ctx context.Context, typ string, after int64, limit int) ([]warden.DomainEvent, error) {
	if limit <= 0 {
		limit = math.MaxInt32
	}
	var w where
	w.eq("type", typ)
	w.and("id > " + w.arg(after))
	n := w.arg(limit)
	rows, err := db.sql.QueryContext(ctx, `SELECT id, type, object, payload, created_at FROM events`+w.String()+` ORDER BY id LIMIT `+n, w.args...)
	if err != nil {
		return nil, fmt.Errorf("events: %w", err)
	}
	defer rows.Close()
	out := []warden.DomainEvent{}
	for rows.Next() {
		var e warden.DomainEvent
		var payload, at string
		if err := rows.Scan(&e.ID, &e.Type, &e.Object, &payload, &at); err != nil {
			return nil, err
		}
		e.Payload, e.CreatedAt = json.RawMessage(payload), parseTime(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

const designationColumns = `id, status, version, approval, data, created_at, updated_at`

func scanDesignation(scan func(...any) error) (warden.Designation, error) {
	var d warden.Designation
	var id int64
	var status, data, created, updated string
	var version int
	var approval int64
	if err := scan(&id, &status, &version, &approval, &data, &created, &updated); err != nil {
		return d, err
	}
	if err := json.Unmarshal([]byte(data), &d); err != nil {
		return d, fmt.Errorf("decode designation %d: %w", id, err)
	}
	d.ID, d.Status, d.Version, d.Approval = id, warden.DesignationStatus(status), version, approval
	d.CreatedAt, d.UpdatedAt = parseTime(created), parseTime(updated)
	d.Evidence = []warden.Evidence{}
	return d, nil
}

// Designation returns one designation with its evidence (without the
// files' bytes); ENOTFOUND if there is none.
func (db *DB) Designation(ctx context.Context, id int64) (warden.Designation, error) {
	q := db.reader(ctx) // an approval reads the designation in its own transaction
	d, err := scanDesignation(q.QueryRowContext(ctx, `SELECT `+designationColumns+` FROM designations WHERE id = $1`, id).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return d, warden.Errorf(warden.ENOTFOUND, "no designation %d", id)
	}
	if err != nil {
		return d, err
	}
	rows, err := q.QueryContext(ctx, `SELECT id, name, media_type, size, sha256, added_by, added_at FROM designation_evidence WHERE designation = $1 ORDER BY id`, id)
	if err != nil {
		return d, fmt.Errorf("evidence: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e warden.Evidence
		var at string
		if err := rows.Scan(&e.ID, &e.Name, &e.MediaType, &e.Size, &e.SHA256, &e.AddedBy, &at); err != nil {
			return d, err
		}
		e.AddedAt = parseTime(at)
		d.Evidence = append(d.Evidence, e)
	}
	return d, rows.Err()
}

// Designations lists designations with a status ("" for all), newest
// first, without their evidence.
func (db *DB) Designations(ctx context.Context, status warden.DesignationStatus) ([]warden.Designation, error) {
	var w where
	w.eq("status", string(status))
	return db.queryDesignations(ctx, "designations", w.String()+` ORDER BY id DESC`, w.args...)
}

// ListedDesignations returns the published designations that state what
// the authority's list holds, in the order they were published: for each
// party, the last of them is what the list says of it.
func (db *DB) ListedDesignations(ctx context.Context) ([]warden.Designation, error) {
	return db.queryDesignations(ctx, "listed designations", `WHERE status = 'published' AND kind <> 'delist' ORDER BY version, id`)
}

// queryDesignations reads the designations that where (a WHERE and ORDER
// BY clause) selects, without their evidence; what names the read in errors.
func (db *DB) queryDesignations(ctx context.Context, what, where string, args ...any) ([]warden.Designation, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+designationColumns+` FROM designations `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	out := []warden.Designation{}
	for rows.Next() {
		d, err := scanDesignation(rows.Scan)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// DuePublications returns the ids of the approved designations whose
// publication time has come by now (or that have none), oldest first.
func (db *DB) DuePublications(ctx context.Context, now time.Time) ([]int64, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT id FROM designations WHERE status = 'approved' AND (publish_at = '' OR publish_at <= $1) ORDER BY id`, timestamp(now))
	if err != nil {
		return nil, fmt.Errorf("due publications: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// EvidenceFile returns file eid attached to designation, with its bytes;
// ENOTFOUND if the designation has no such file (one of another
// designation is not found through this one).
func (db *DB) EvidenceFile(ctx context.Context, designation, eid int64) (warden.Evidence, []byte, error) {
	var e warden.Evidence
	var at string
	var data []byte
	err := db.sql.QueryRowContext(ctx, `SELECT id, name, media_type, size, sha256, added_by, added_at, data FROM designation_evidence WHERE designation = $1 AND id = $2`, designation, eid).
		Scan(&e.ID, &e.Name, &e.MediaType, &e.Size, &e.SHA256, &e.AddedBy, &at, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return e, nil, warden.Errorf(warden.ENOTFOUND, "designation %d has no evidence %d", designation, eid)
	}
	if err != nil {
		return e, nil, fmt.Errorf("evidence file: %w", err)
	}
	e.AddedAt = parseTime(at)
	return e, data, nil
}

// AddEvidence stores a file attached to designation (its bytes with
// their type and SHA-256) while the designation is a draft or a proposal,
// with the audit event, and sets e's id. ECONFLICT once it was decided.
func (db *DB) AddEvidence(ctx context.Context, designation int64, e *warden.Evidence, data []byte, ev *warden.AuditEvent) error {
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		var status string
		err := tx.QueryRowContext(ctx, `SELECT status FROM designations WHERE id = $1`, designation).Scan(&status)
		if errors.Is(err, sql.ErrNoRows) {
			return warden.Errorf(warden.ENOTFOUND, "no designation %d", designation)
		}
		if err != nil {
			return err
		}
		if status != string(warden.DesignationDraft) && status != string(warden.DesignationProposed) {
			return warden.Errorf(warden.ECONFLICT, "designation %d is %s: evidence can be added only to drafts and proposals", designation, status)
		}
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM designation_evidence`).Scan(&e.ID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO designation_evidence (id, designation, name, media_type, size, sha256, data, added_by, added_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, e.ID, designation, e.Name, e.MediaType, e.Size, e.SHA256, data, e.AddedBy, timestamp(e.AddedAt))
		if err != nil {
			return fmt.Errorf("add evidence: %w", err)
		}
		return nil
	})
}

// ListedDesignation returns the published designation that states what
// the authority's list holds of party (a source id) now, read in the
// transaction ctx carries if any; ENOTFOUND if the party is not listed
// (never published, or delisted).
func (db *DB) ListedDesignation(ctx context.Context, party string) (warden.Designation, error) {
	d, err := scanDesignation(db.reader(ctx).QueryRowContext(ctx, `SELECT `+designationColumns+` FROM designations
		WHERE party = $1 AND status = 'published' AND kind <> 'delist' ORDER BY version DESC, id DESC LIMIT 1`, party).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return d, warden.Errorf(warden.ENOTFOUND, "party %s is not listed", party)
	}
	return d, err
}

// PendingDelisting returns the id of a delisting of party (a source id)
// that is a draft, a proposal or approved, or 0 if there is none.
func (db *DB) PendingDelisting(ctx context.Context, party string) (int64, error) {
	var id int64
	err := db.reader(ctx).QueryRowContext(ctx, `SELECT id FROM designations
		WHERE party = $1 AND kind = 'delist' AND status IN ('draft', 'proposed', 'approved') ORDER BY id LIMIT 1`, party).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("pending delisting: %w", err)
	}
	return id, nil
}
