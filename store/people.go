package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"warden"
)

func optTime(s string) *time.Time {
	if s == "" {
		return nil
	}
	t := parseTime(s)
	return &t
}

func optStamp(t *time.Time) string {
	if t == nil {
		return ""
	}
	return timestamp(*t)
}

// CreateOrg stores a new organisation; ECONFLICT if the id is taken.
func (db *DB) CreateOrg(ctx context.Context, o warden.Organisation, ev *warden.AuditEvent) error {
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO organisations (id, name, kind, created_at) VALUES ($1, $2, $3, $4)`, o.ID, o.Name, o.Kind, timestamp(o.CreatedAt))
		if err != nil && isUnique(err) {
			return warden.Errorf(warden.ECONFLICT, "an organisation %q exists", o.ID)
		}
		return err
	})
}

// Org returns one organisation; ENOTFOUND if there is none.
func (db *DB) Org(ctx context.Context, id string) (warden.Organisation, error) {
	var o warden.Organisation
	var created string
	err := db.sql.QueryRowContext(ctx, `SELECT id, name, kind, created_at FROM organisations WHERE id = $1`, id).Scan(&o.ID, &o.Name, &o.Kind, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return o, warden.Errorf(warden.ENOTFOUND, "no organisation %q", id)
	}
	o.CreatedAt = parseTime(created)
	return o, err
}

// Orgs lists the organisations by id.
func (db *DB) Orgs(ctx context.Context) ([]warden.Organisation, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT id, name, kind, created_at FROM organisations ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("organisations: %w", err)
	}
	defer rows.Close()
	out := []warden.Organisation{}
	for rows.Next() {
		var o warden.Organisation
		var created string
		if err := rows.Scan(&o.ID, &o.Name, &o.Kind, &created); err != nil {
			return nil, err
		}
		o.CreatedAt = parseTime(created)
		out = append(out, o)
	}
	return out, rows.Err()
}

const userColumns = `name, role, org, password_hash, created_at, disabled_at, failed_logins, locked_until, created_by, password_set_by`

func scanUser(scan func(...any) error) (warden.User, error) {
	var u warden.User
	var role, created, disabled, locked string
	err := scan(&u.Name, &role, &u.Org, &u.PasswordHash, &created, &disabled, &u.FailedLogins, &locked, &u.CreatedBy, &u.PasswordSetBy)
	u.Role, u.CreatedAt, u.DisabledAt, u.LockedUntil = warden.Role(role), parseTime(created), optTime(disabled), optTime(locked)
	return u, err
}

// CreateUser stores a new person; ECONFLICT if the name is taken (NameTaken), EINVALID
// if the organisation does not exist.
func (db *DB) CreateUser(ctx context.Context, u warden.User, ev *warden.AuditEvent) error {
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM organisations WHERE id = $1`, u.Org).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return warden.Errorf(warden.EINVALID, "no organisation %q", u.Org)
		}
		return insertUser(ctx, tx, u)
	})
}

// User returns one person; ENOTFOUND if there is none.
func (db *DB) User(ctx context.Context, name string) (warden.User, error) {
	u, err := scanUser(db.sql.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE name = $1`, name).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return u, warden.Errorf(warden.ENOTFOUND, "no user %q", name)
	}
	return u, err
}

// Users lists people by name.
func (db *DB) Users(ctx context.Context) ([]warden.User, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("users: %w", err)
	}
	defer rows.Close()
	out := []warden.User{}
	for rows.Next() {
		u, err := scanUser(rows.Scan)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// updateUser runs one UPDATE on the named user; ENOTFOUND if there is none.
func (db *DB) updateUser(ctx context.Context, ev *warden.AuditEvent, name, set string, args ...any) error {
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET `+set+fmt.Sprintf(` WHERE name = $%d`, len(args)+1), append(args, name)...)
		if err != nil {
			return fmt.Errorf("update user: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return warden.Errorf(warden.ENOTFOUND, "no user %q", name)
		}
		return nil
	})
}

// SetPassword replaces a person's password hash, records the person who
// chose it (setBy; a control edge when that is someone else), clears a
// lock-out and ends the person's sessions, all in one change.
func (db *DB) SetPassword(ctx context.Context, name, hash, setBy string, ev *warden.AuditEvent) error {
	return db.change(ctx, ev, func(tx *sql.Tx) error { return setPassword(ctx, tx, name, hash, setBy, db.now()) })
}

// ResetPassword does what SetPassword does inside the change ctx runs in:
// an approved reset (see DecideApproval).
func (db *DB) ResetPassword(ctx context.Context, name, hash, setBy string) error {
	tx, err := joinTx(ctx)
	if err != nil {
		return err
	}
	return setPassword(ctx, tx, name, hash, setBy, db.now())
}

func setPassword(ctx context.Context, tx *sql.Tx, name, hash, setBy string, at time.Time) error {
	res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, password_set_by = $2, failed_logins = 0, locked_until = '' WHERE name = $3`, hash, setBy, name)
	if err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return warden.Errorf(warden.ENOTFOUND, "no user %q", name)
	}
	if err := addControl(ctx, tx, setBy, name, "password", at); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_name = $1`, name); err != nil {
		return fmt.Errorf("end sessions: %w", err)
	}
	return nil
}

// addControl records, for ever, that controller controls person because
// of how ("created" or "password"): nothing is recorded for the person
// themselves or an unknown controller, and a repeated edge keeps its
// first time, at.
func addControl(ctx context.Context, tx *sql.Tx, controller, person, how string, at time.Time) error {
	if controller == "" || controller == person {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO control (controller, person, how, at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
		controller, person, how, timestamp(at))
	if err != nil {
		return fmt.Errorf("control: %w", err)
	}
	return nil
}

// RecordLoginFailure counts one more failed login of name in a row, in the
// database (nodes failing logins of one person at once each count), and
// locks the person out until lockUntil when the count reaches lockAfter
// (starting the count again). ev, written with the change, gets the
// lock-out in its detail; locked reports it.
func (db *DB) RecordLoginFailure(ctx context.Context, name string, lockAfter int, lockUntil time.Time, ev *warden.AuditEvent) (locked bool, err error) {
	err = db.change(ctx, ev, func(tx *sql.Tx) error {
		locked = false
		var n int
		err := tx.QueryRowContext(ctx, `UPDATE users SET failed_logins = failed_logins + 1 WHERE name = $1 RETURNING failed_logins`, name).Scan(&n)
		if errors.Is(err, sql.ErrNoRows) {
			return warden.Errorf(warden.ENOTFOUND, "no user %q", name)
		}
		if err != nil {
			return fmt.Errorf("record login failure: %w", err)
		}
		var until *time.Time
		if n >= lockAfter {
			locked, until = true, &lockUntil
			if _, err := tx.ExecContext(ctx, `UPDATE users SET failed_logins = 0, locked_until = $1 WHERE name = $2`, optStamp(until), name); err != nil {
				return fmt.Errorf("lock out: %w", err)
			}
		}
		ev.Detail, _ = json.Marshal(map[string]any{"locked_until": until})
		return nil
	})
	return locked, err
}

// SetLoginFailures records failed logins in a row and a lock-out, if any.
func (db *DB) SetLoginFailures(ctx context.Context, name string, failed int, lockedUntil *time.Time, ev *warden.AuditEvent) error {
	return db.updateUser(ctx, ev, name, `failed_logins = $1, locked_until = $2`, failed, optStamp(lockedUntil))
}

// DisableUser stops a person from logging in and ends their sessions.
// Their tokens stop too: TokenByHash reports the owner's disabling with
// every token; and a disabled person proposes nothing (CreateApproval)
// and decides nothing (auth reads Disabled in the decision).
func (db *DB) DisableUser(ctx context.Context, name string, at time.Time, ev *warden.AuditEvent) error {
	if err := db.updateUser(ctx, ev, name, `disabled_at = $1`, timestamp(at)); err != nil {
		return err
	}
	return db.DeleteSessions(ctx, name)
}

// CreateSession stores a session under the hash of its cookie value.
func (db *DB) CreateSession(ctx context.Context, hash string, s warden.Session) error {
	_, err := db.sql.ExecContext(ctx, `INSERT INTO sessions (hash, user_name, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
		hash, s.User.Name, s.CSRF, timestamp(s.CreatedAt), timestamp(s.ExpiresAt))
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// Session returns the session stored under hash with its person;
// ENOTFOUND if there is none.
func (db *DB) Session(ctx context.Context, hash string) (warden.Session, error) {
	var s warden.Session
	var csrf, created, expires string
	row := db.sql.QueryRowContext(ctx, `SELECT s.csrf, s.created_at, s.expires_at, u.name, u.role, u.org, u.password_hash, u.created_at, u.disabled_at, u.failed_logins, u.locked_until, u.created_by, u.password_set_by
		FROM sessions s JOIN users u ON u.name = s.user_name WHERE s.hash = $1`, hash)
	u, err := scanUser(func(dest ...any) error { return row.Scan(append([]any{&csrf, &created, &expires}, dest...)...) })
	if errors.Is(err, sql.ErrNoRows) {
		return s, warden.Errorf(warden.ENOTFOUND, "no session")
	}
	s.User, s.CSRF, s.CreatedAt, s.ExpiresAt = u, csrf, parseTime(created), parseTime(expires)
	return s, err
}

// DeleteSession ends one session.
func (db *DB) DeleteSession(ctx context.Context, hash string) error {
	_, err := db.sql.ExecContext(ctx, `DELETE FROM sessions WHERE hash = $1`, hash)
	return err
}

// DeleteSessions ends all of a person's sessions.
func (db *DB) DeleteSessions(ctx context.Context, user string) error {
	_, err := db.sql.ExecContext(ctx, `DELETE FROM sessions WHERE user_name = $1`, user)
	return err
}

const approvalColumns = `id, action, object, payload, role, status, proposed_by, proposed_at, reason, decided_by, decided_at, decision_reason, proposed_by_person`

func scanApproval(scan func(...any) error) (warden.Approval, error) {
	var a warden.Approval
	var payload, role, proposed, decided string
	err := scan(&a.ID, &a.Action, &a.Object, &payload, &role, &a.Status, &a.ProposedBy, &proposed, &a.Reason, &a.DecidedBy, &decided, &a.Decision, &a.ProposedByPerson)
	a.Payload, a.Role, a.ProposedAt, a.DecidedAt = []byte(payload), warden.Role(role), parseTime(proposed), optTime(decided)
	return a, err
}

// Disabled returns when person was disabled: nil while they are active,
// and for names that are not people (the operator, a token's unknown
// owner). Called inside a change (an approval being decided), it reads in
// that change's transaction, so the answer holds when the change commits.
func (db *DB) Disabled(ctx context.Context, person string) (*time.Time, error) {
	return disabledAt(ctx, db.reader(ctx), person)
}

func disabledAt(ctx context.Context, q querier, person string) (*time.Time, error) {
	var at string
	err := q.QueryRowContext(ctx, `SELECT disabled_at FROM users WHERE name = $1`, person).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("disabled: %w", err)
	}
	return optTime(at), nil
}

// CreateApproval stores a new pending proposal and sets its id.
// EUNAUTHORIZED if the person behind the proposer has been disabled
// (through a token, or a principal read before the disabling): a
// disabled person proposes nothing. With, when not nil, runs in the same
// transaction once a has its id (the context it gets carries that
// transaction, as DecideApproval's apply does), so that what the proposal
// is about (a designation marked proposed) is stored with it or not at
// all; evs are audited after ev.
func (db *DB) CreateApproval(ctx context.Context, a *warden.Approval, with func(ctx context.Context) error, ev *warden.AuditEvent, evs ...*warden.AuditEvent) error {
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		at, err := disabledAt(ctx, tx, a.ProposedByPerson)
		if err != nil {
			return err
		}
		if at != nil {
			return warden.Errorf(warden.EUNAUTHORIZED, "%s has been disabled and can propose nothing", a.ProposedByPerson)
		}
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM approvals`).Scan(&a.ID); err != nil {
			return err
		}
		if ev != nil {
			ev.Object = fmt.Sprintf("approval:%d", a.ID)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO approvals (id, action, object, payload, role, status, proposed_by, proposed_at, reason, proposed_by_person) VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $8, $9)`,
			a.ID, a.Action, a.Object, string(a.Payload), string(a.Role), a.ProposedBy, timestamp(a.ProposedAt), a.Reason, a.ProposedByPerson)
		if err != nil {
			return fmt.Errorf("create approval: %w", err)
		}
		a.Status = "pending"
		if with != nil {
			return with(withTx(ctx, tx))
		}
		return nil
	}, evs...)
}

// Approval returns one proposal; ENOTFOUND if there is none.
func (db *DB) Approval(ctx context.Context, id int64) (warden.Approval, error) {
	a, err := scanApproval(db.sql.QueryRowContext(ctx, `SELECT `+approvalColumns+` FROM approvals WHERE id = $1`, id).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return a, warden.Errorf(warden.ENOTFOUND, "no approval %d", id)
	}
	return a, err
}

// Approvals lists proposals with a status ("" for all), newest first.
func (db *DB) Approvals(ctx context.Context, status string) ([]warden.Approval, error) {
	var w where
	w.eq("status", status)
	rows, err := db.sql.QueryContext(ctx, `SELECT `+approvalColumns+` FROM approvals`+w.String()+` ORDER BY id DESC`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("approvals: %w", err)
	}
	defer rows.Close()
	out := []warden.Approval{}
	for rows.Next() {
		a, err := scanApproval(rows.Scan)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// DecideApproval marks a pending proposal approved or rejected and runs
// apply (when not nil: the checks of the decision and, when approved, the
// action) in the same transaction, so the action and its approval are
// stored together or not at all: the context apply gets carries that
// transaction, and the store methods apply calls (Disabled, InsertUser,
// Release) read and write in it. ECONFLICT if it was already decided.
func (db *DB) DecideApproval(ctx context.Context, a warden.Approval, apply func(ctx context.Context) error, evs ...*warden.AuditEvent) error {
	if len(evs) == 0 {
		evs = []*warden.AuditEvent{nil}
	}
	return db.change(ctx, evs[0], func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE approvals SET status = $1, decided_by = $2, decided_at = $3, decision_reason = $4 WHERE id = $5 AND status = 'pending'`,
			a.Status, a.DecidedBy, optStamp(a.DecidedAt), a.Decision, a.ID)
		if err != nil {
			return fmt.Errorf("decide approval: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return warden.Errorf(warden.ECONFLICT, "approval %d was already decided", a.ID)
		}
		if apply != nil {
			return apply(withTx(ctx, tx))
		}
		return nil
	}, evs[1:]...)
}

// InsertUser stores a new person inside the change ctx runs in: an
// approved creation (see DecideApproval). ECONFLICT if the name is taken (NameTaken).
func (db *DB) InsertUser(ctx context.Context, u warden.User) error {
	tx, err := joinTx(ctx)
	if err != nil {
		return err
	}
	return insertUser(ctx, tx, u)
}

func insertUser(ctx context.Context, tx *sql.Tx, u warden.User) error {
	if err := nameTaken(ctx, tx, u.Name); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO users (name, role, org, password_hash, created_at, created_by, password_set_by) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		u.Name, string(u.Role), u.Org, u.PasswordHash, timestamp(u.CreatedAt), u.CreatedBy, u.PasswordSetBy)
	if err != nil {
		if isUnique(err) {
			return warden.Errorf(warden.ECONFLICT, "a user named %q exists", u.Name)
		}
		return fmt.Errorf("create user: %w", err)
	}
	if err := addControl(ctx, tx, u.CreatedBy, u.Name, "created", u.CreatedAt); err != nil {
		return err
	}
	return addControl(ctx, tx, u.PasswordSetBy, u.Name, "password", u.CreatedAt)
}

// NameTaken returns ECONFLICT if a person or a token has a name equal to
// name but for case: people and tokens share one namespace, in which
// "Bob" cannot pass for "bob" in the audit trail or a proposal.
func (db *DB) NameTaken(ctx context.Context, name string) error {
	return nameTaken(ctx, db.sql, name)
}

func nameTaken(ctx context.Context, q querier, name string) error {
	var kind, taken string
	err := q.QueryRowContext(ctx, `SELECT 'user', name FROM users WHERE lower(name) = lower($1)
		UNION ALL SELECT 'token', name FROM api_tokens WHERE lower(name) = lower($1) LIMIT 1`, name).Scan(&kind, &taken)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("names: %w", err)
	}
	if taken != name {
		return warden.Errorf(warden.ECONFLICT, "a %s named %q exists, and names that differ only in case are one name", kind, taken)
	}
	return warden.Errorf(warden.ECONFLICT, "a %s named %q exists", kind, taken)
}

// Controllers returns, for every person, the persons who control them
// directly: everyone who ever created them or chose a password of theirs
// (each at most once, never the person themselves). These edges are never
// removed; four-eyes control follows them transitively (auth.Related).
func (db *DB) Controllers(ctx context.Context) (map[string][]string, error) {
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT DISTINCT person, controller FROM control ORDER BY person, controller`)
	if err != nil {
		return nil, fmt.Errorf("controllers: %w", err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var person, controller string
		if err := rows.Scan(&person, &controller); err != nil {
			return nil, err
		}
		out[person] = append(out[person], controller)
	}
	return out, rows.Err()
}
