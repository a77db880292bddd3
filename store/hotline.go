package store

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"warden"
)

// The hotline's store: its configuration (policies, rotations, endpoints,
// triggers, contact methods) and the engine's state (alerts,
// notifications, used links, the hotline log, the event cursor). Every
// write goes through change, so that on PostgreSQL several nodes write one
// at a time and ids taken as MAX(id)+1 never collide.

// nextID returns the next id of table in tx.
func nextID(ctx context.Context, tx *sql.Tx, table string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM `+table).Scan(&id)
	return id, err
}

// putDoc inserts (id 0: a new one, whose id is set) or replaces a
// configuration document of table kept as JSON; what names it in errors.
func (db *DB) putDoc(ctx context.Context, table, what string, id *int64, name string, v any, created, updated time.Time, ev *warden.AuditEvent) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		var res sql.Result
		if *id == 0 {
			if *id, err = nextID(ctx, tx, table); err != nil {
				return err
			}
			res, err = tx.ExecContext(ctx, `INSERT INTO `+table+` (id, name, data, created_at, updated_at) VALUES ($1, $2, $3, $4, $5)`,
				*id, name, "", timestamp(created), timestamp(updated))
		} else {
			res, err = tx.ExecContext(ctx, `UPDATE `+table+` SET name = $2, updated_at = $3 WHERE id = $1`, *id, name, timestamp(updated))
		}
		if err != nil && isUnique(err) {
			return warden.Errorf(warden.ECONFLICT, "a %s named %q exists", what, name)
		}
		if err != nil {
			return fmt.Errorf("store %s: %w", what, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return warden.Errorf(warden.ENOTFOUND, "no %s %d", what, *id)
		}
		if ev != nil {
			ev.Object = fmt.Sprintf("%s:%d", strings.ReplaceAll(what, " ", "-"), *id)
		}
		// The data is written once the id is known: it holds it.
		_, err = tx.ExecContext(ctx, `UPDATE `+table+` SET data = $2 WHERE id = $1`, *id, string(data))
		return err
	})
}

// docs reads the configuration documents of table (id 0: all, by name) into
// out, a pointer to a slice; ENOTFOUND names what if id is not found.
func docs[T any](ctx context.Context, db *DB, table, what string, id int64, set func(*T, int64, time.Time, time.Time)) ([]T, error) {
	var w where
	if id != 0 {
		w.and("id = " + w.arg(id))
	}
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT id, data, created_at, updated_at FROM `+table+w.String()+` ORDER BY name`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		var v T
		var rid int64
		var data, created, updated string
		if err := rows.Scan(&rid, &data, &created, &updated); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(data), &v); err != nil {
			return nil, fmt.Errorf("decode %s %d: %w", what, rid, err)
		}
		set(&v, rid, parseTime(created), parseTime(updated))
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if id != 0 && len(out) == 0 {
		return nil, warden.Errorf(warden.ENOTFOUND, "no %s %d", what, id)
	}
	return out, nil
}

// SaveEscalationPolicy stores p, a new one if its id is 0 (then setting
// it), with the audit event; ECONFLICT if the name is taken, ENOTFOUND if
// there is no policy to update.
func (db *DB) SaveEscalationPolicy(ctx context.Context, p *warden.EscalationPolicy, ev *warden.AuditEvent) error {
	return db.putDoc(ctx, "hotline_policies", "escalation policy", &p.ID, p.Name, p, p.CreatedAt, p.UpdatedAt, ev)
}

func setPolicy(p *warden.EscalationPolicy, id int64, created, updated time.Time) {
	p.ID, p.CreatedAt, p.UpdatedAt = id, created, updated
}

// EscalationPolicy returns one policy; ENOTFOUND if there is none.
func (db *DB) EscalationPolicy(ctx context.Context, id int64) (warden.EscalationPolicy, error) {
	if id == 0 {
		return warden.EscalationPolicy{}, warden.Errorf(warden.ENOTFOUND, "no escalation policy 0")
	}
	ps, err := docs(ctx, db, "hotline_policies", "escalation policy", id, setPolicy)
	if err != nil {
		return warden.EscalationPolicy{}, err
	}
	return ps[0], nil
}

// EscalationPolicies lists the policies by name.
func (db *DB) EscalationPolicies(ctx context.Context) ([]warden.EscalationPolicy, error) {
	return docs(ctx, db, "hotline_policies", "escalation policy", 0, setPolicy)
}

// SaveRotation stores r, a new one if its id is 0 (then setting it), with
// the audit event; ECONFLICT if the name is taken, ENOTFOUND if there is
// no rotation to update.
func (db *DB) SaveRotation(ctx context.Context, r *warden.Rotation, ev *warden.AuditEvent) error {
	return db.putDoc(ctx, "hotline_rotations", "rotation", &r.ID, r.Name, r, r.CreatedAt, r.UpdatedAt, ev)
}

func setRotation(r *warden.Rotation, id int64, created, updated time.Time) {
	r.ID, r.CreatedAt, r.UpdatedAt = id, created, updated
}

// Rotation returns one rotation; ENOTFOUND if there is none.
func (db *DB) Rotation(ctx context.Context, id int64) (warden.Rotation, error) {
	if id == 0 {
		return warden.Rotation{}, warden.Errorf(warden.ENOTFOUND, "no rotation 0")
	}
	rs, err := docs(ctx, db, "hotline_rotations", "rotation", id, setRotation)
	if err != nil {
		return warden.Rotation{}, err
	}
	return rs[0], nil
}

// Rotations lists the rotations by name.
func (db *DB) Rotations(ctx context.Context) ([]warden.Rotation, error) {
	return docs(ctx, db, "hotline_rotations", "rotation", 0, setRotation)
}

// CreateEndpoint stores a new endpoint with its secrets and sets its id;
// ECONFLICT if the name is taken.
func (db *DB) CreateEndpoint(ctx context.Context, e *warden.Endpoint, ev *warden.AuditEvent) error {
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		var err error
		if e.ID, err = nextID(ctx, tx, "hotline_endpoints"); err != nil {
			return err
		}
		if ev != nil {
			ev.Object = fmt.Sprintf("endpoint:%d", e.ID)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO hotline_endpoints (id, name, org, channel, address, format, secret, next_secret, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, e.ID, e.Name, e.Org, string(e.Channel), e.Address, string(e.Format), e.Secret, e.NextSecret, timestamp(e.CreatedAt))
		if err != nil && isUnique(err) {
			return warden.Errorf(warden.ECONFLICT, "an endpoint named %q exists", e.Name)
		}
		return err
	})
}

// SetEndpointSecrets replaces an endpoint's secrets (a rotation begun or
// finished), with the audit event; ENOTFOUND if there is no endpoint.
func (db *DB) SetEndpointSecrets(ctx context.Context, id int64, secret, next string, ev *warden.AuditEvent) error {
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE hotline_endpoints SET secret = $2, next_secret = $3 WHERE id = $1`, id, secret, next)
		if err != nil {
			return fmt.Errorf("endpoint secrets: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return warden.Errorf(warden.ENOTFOUND, "no endpoint %d", id)
		}
		return nil
	})
}

// Endpoints returns the endpoint id (0: all, by name), with their secrets.
func (db *DB) Endpoints(ctx context.Context, id int64) ([]warden.Endpoint, error) {
	var w where
	if id != 0 {
		w.and("id = " + w.arg(id))
	}
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT id, name, org, channel, address, format, secret, next_secret, created_at
		FROM hotline_endpoints`+w.String()+` ORDER BY name`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("endpoints: %w", err)
	}
	defer rows.Close()
	out := []warden.Endpoint{}
	for rows.Next() {
		var e warden.Endpoint
		var channel, format, created string
		if err := rows.Scan(&e.ID, &e.Name, &e.Org, &channel, &e.Address, &format, &e.Secret, &e.NextSecret, &created); err != nil {
			return nil, err
		}
		e.Channel, e.Format, e.CreatedAt, e.Rotating = warden.Channel(channel), warden.WebhookFormat(format), parseTime(created), e.NextSecret != ""
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if id != 0 && len(out) == 0 {
		return nil, warden.Errorf(warden.ENOTFOUND, "no endpoint %d", id)
	}
	return out, nil
}

// CreateTrigger stores a new trigger and sets its id.
func (db *DB) CreateTrigger(ctx context.Context, t *warden.Trigger, at time.Time, ev *warden.AuditEvent) error {
	amounts, _ := json.Marshal(t.MinAmount)
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		var err error
		if t.ID, err = nextID(ctx, tx, "hotline_triggers"); err != nil {
			return err
		}
		if ev != nil {
			ev.Object = fmt.Sprintf("trigger:%d", t.ID)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO hotline_triggers (id, event, severity, policy, min_amount, enabled, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, t.ID, t.Event, string(t.Severity), t.Policy, string(amounts), t.Enabled, timestamp(at))
		return err
	})
}

// SetTriggerEnabled turns a trigger on or off; ENOTFOUND if there is none.
func (db *DB) SetTriggerEnabled(ctx context.Context, id int64, on bool, ev *warden.AuditEvent) error {
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE hotline_triggers SET enabled = $2 WHERE id = $1`, id, on)
		if err != nil {
			return fmt.Errorf("trigger: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return warden.Errorf(warden.ENOTFOUND, "no trigger %d", id)
		}
		return nil
	})
}

// Triggers returns trigger id (0: all), in id order.
func (db *DB) Triggers(ctx context.Context, id int64) ([]warden.Trigger, error) {
	var w where
	if id != 0 {
		w.and("id = " + w.arg(id))
	}
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT id, event, severity, policy, min_amount, enabled FROM hotline_triggers`+w.String()+` ORDER BY id`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("triggers: %w", err)
	}
	defer rows.Close()
	out := []warden.Trigger{}
	for rows.Next() {
		var t warden.Trigger
		var severity, amounts string
		if err := rows.Scan(&t.ID, &t.Event, &severity, &t.Policy, &amounts, &t.Enabled); err != nil {
			return nil, err
		}
		t.Severity = warden.Severity(severity)
		if err := json.Unmarshal([]byte(amounts), &t.MinAmount); err != nil {
			return nil, fmt.Errorf("trigger %d amounts: %w", t.ID, err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if id != 0 && len(out) == 0 {
		return nil, warden.Errorf(warden.ENOTFOUND, "no trigger %d", id)
	}
	return out, nil
}

// Outgoing is a notification to store: the row, the key that makes it
// unique among its alert's fire (Destination, such as "method:3" or
// "endpoint:2"), and the text of a notification that is not an alert's
// (a verification code, a subscribed event).
type Outgoing struct {
	warden.Notification
	Destination string
	Subject     string
	Body        string
	// ClaimedUntil is set by FireAlert on the notifications it claimed
	// for its caller to send at once: until then no one else sends them.
	ClaimedUntil time.Time
}

// insertNotification stores o (its id set) unless one with its key
// exists, and writes the hotline log line "notified"; it reports whether it
// stored it.
func insertNotification(ctx context.Context, tx *sql.Tx, o *Outgoing, fire int, now time.Time) (bool, error) {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM hotline_notifications WHERE alert = $1 AND step = $2 AND round = $3 AND fire = $4 AND destination = $5`,
		o.Alert, o.Step, o.Round, fire, o.Destination).Scan(&n); err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil
	}
	id, err := nextID(ctx, tx, "hotline_notifications")
	if err != nil {
		return false, err
	}
	o.ID, o.Status, o.CreatedAt = id, warden.NotificationPending, now
	_, err = tx.ExecContext(ctx, `INSERT INTO hotline_notifications (id, alert, step, round, fire, destination, kind, person, method, endpoint, channel, address, format, subject, body, status, due_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
		id, o.Alert, o.Step, o.Round, fire, o.Destination, o.Kind, o.Person, o.Method, o.Endpoint, string(o.Channel), o.Address, string(o.Format),
		o.Subject, o.Body, string(o.Status), timestamp(o.DueAt), timestamp(now))
	if err != nil {
		return false, fmt.Errorf("insert notification: %w", err)
	}
	return true, insertLog(ctx, tx, notified(o, now))
}

// notified is the log line of a notification stored at now.
func notified(o *Outgoing, now time.Time) warden.HotlineEntry {
	// Every reader of the log sees it: a webhook's URL is a credential.
	who := warden.RedactAddress(o.Channel, o.Address)
	if o.Person != "" {
		who = o.Person + " (" + who + ")"
	}
	detail := fmt.Sprintf("%s to %s, due %s", o.Channel, who, o.DueAt.UTC().Format(time.RFC3339))
	return warden.HotlineEntry{At: now, Alert: o.Alert, Notification: o.ID, Kind: "notified", Detail: detail}
}

func insertLog(ctx context.Context, tx *sql.Tx, e warden.HotlineEntry) error {
	return insertLogs(ctx, tx, []warden.HotlineEntry{e})
}

// insertLogs appends lines to the hotline log with one statement.
func insertLogs(ctx context.Context, tx *sql.Tx, lines []warden.HotlineEntry) error {
	if len(lines) == 0 {
		return nil
	}
	id, err := nextID(ctx, tx, "hotline_log")
	if err != nil {
		return err
	}
	var q strings.Builder
	q.WriteString(`INSERT INTO hotline_log (id, at, alert, notification, kind, actor, detail) VALUES `)
	args := make([]any, 0, 7*len(lines))
	for i, e := range lines {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString(placeholders(len(args), 7))
		args = append(args, id+int64(i), timestamp(e.At), e.Alert, e.Notification, e.Kind, e.Actor, e.Detail)
	}
	if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
		return fmt.Errorf("hotline log: %w", err)
	}
	return nil
}

// placeholders returns "($from+1, ..., $from+n)", a row of a multi-row
// INSERT.
func placeholders(from, n int) string {
	var b strings.Builder
	b.WriteByte('(')
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(from + i + 1))
	}
	b.WriteByte(')')
	return b.String()
}

// AddHotlineLog appends lines to the hotline log.
func (db *DB) AddHotlineLog(ctx context.Context, lines ...warden.HotlineEntry) error {
	return db.change(ctx, nil, func(tx *sql.Tx) error {
		for _, l := range lines {
			if err := insertLog(ctx, tx, l); err != nil {
				return err
			}
		}
		return nil
	})
}

// HotlineLog returns the log lines of alert (0: all) after id after,
// oldest first, at most limit (0: all).
func (db *DB) HotlineLog(ctx context.Context, alert, after int64, limit int) ([]warden.HotlineEntry, error) {
	var w where
	if alert != 0 {
		w.and("alert = " + w.arg(alert))
	}
	w.and("id > " + w.arg(after))
	q := `SELECT id, at, alert, notification, kind, actor, detail FROM hotline_log` + w.String() + ` ORDER BY id`
	if limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", limit)
	}
	rows, err := db.sql.QueryContext(ctx, q, w.args...)
	if err != nil {
		return nil, fmt.Errorf("hotline log: %w", err)
	}
	defer rows.Close()
	out := []warden.HotlineEntry{}
	for rows.Next() {
		var e warden.HotlineEntry
		var at string
		if err := rows.Scan(&e.ID, &at, &e.Alert, &e.Notification, &e.Kind, &e.Actor, &e.Detail); err != nil {
			return nil, err
		}
		e.At = parseTime(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// ContactMethod is a contact method as stored, with its verification
// code's state.
type ContactMethod struct {
	warden.ContactMethod
	CodeHash    string
	CodeExpires time.Time
	CodeTries   int
	CodesSent   int
}

const methodColumns = `id, person, channel, address, format, delay_ms, events, verified_at, code_hash, code_expires, code_tries, codes_sent, created_at`

func scanMethod(scan func(...any) error) (ContactMethod, error) {
	var m ContactMethod
	var channel, format, events, verified, expires, created string
	var delay int64
	if err := scan(&m.ID, &m.Person, &channel, &m.Address, &format, &delay, &events, &verified, &m.CodeHash, &expires, &m.CodeTries, &m.CodesSent, &created); err != nil {
		return m, err
	}
	m.Channel, m.Format, m.Delay = warden.Channel(channel), warden.WebhookFormat(format), warden.Duration(time.Duration(delay)*time.Millisecond)
	if err := json.Unmarshal([]byte(events), &m.Events); err != nil {
		return m, fmt.Errorf("contact method %d events: %w", m.ID, err)
	}
	m.VerifiedAt, m.Verified = optTime(verified), verified != ""
	m.CodeExpires, m.CreatedAt = parseTime(expires), parseTime(created)
	return m, nil
}

// CreateContactMethod stores a new, unverified contact method with the
// hash of its verification code and the notification that sends the code
// (Method and Destination are set here), and sets both ids.
func (db *DB) CreateContactMethod(ctx context.Context, m *ContactMethod, verify *Outgoing, ev *warden.AuditEvent) error {
	events, _ := json.Marshal(m.Events)
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		var err error
		if m.ID, err = nextID(ctx, tx, "contact_methods"); err != nil {
			return err
		}
		if ev != nil {
			ev.Object = fmt.Sprintf("contact-method:%d", m.ID)
		}
		m.CodesSent = 1
		_, err = tx.ExecContext(ctx, `INSERT INTO contact_methods (id, person, channel, address, format, delay_ms, events, code_hash, code_expires, codes_sent, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10)`, m.ID, m.Person, string(m.Channel), m.Address, string(m.Format),
			m.Delay.Std().Milliseconds(), string(events), m.CodeHash, timestamp(m.CodeExpires), timestamp(m.CreatedAt))
		if err != nil {
			return fmt.Errorf("create contact method: %w", err)
		}
		verify.Method, verify.Destination = m.ID, fmt.Sprintf("verify:%d:1", m.ID)
		_, err = insertNotification(ctx, tx, verify, 0, m.CreatedAt)
		return err
	})
}

// NewContactCode replaces an unverified method's code (the tries start
// again) and stores the notification that sends it; ENOTFOUND if person
// has no such method, ECONFLICT if it is verified.
func (db *DB) NewContactCode(ctx context.Context, id int64, person, hash string, now, expires time.Time, verify *Outgoing, ev *warden.AuditEvent) error {
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		m, err := scanMethod(tx.QueryRowContext(ctx, `SELECT `+methodColumns+` FROM contact_methods WHERE id = $1 AND person = $2`, id, person).Scan)
		if errors.Is(err, sql.ErrNoRows) {
			return warden.Errorf(warden.ENOTFOUND, "you have no contact method %d", id)
		}
		if err != nil {
			return err
		}
		if m.Verified {
			return warden.Errorf(warden.ECONFLICT, "contact method %d is verified", id)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE contact_methods SET code_hash = $2, code_expires = $3, code_tries = 0, codes_sent = codes_sent + 1 WHERE id = $1`,
			id, hash, timestamp(expires)); err != nil {
			return err
		}
		verify.Method, verify.Destination = id, fmt.Sprintf("verify:%d:%d", id, m.CodesSent+1)
		_, err = insertNotification(ctx, tx, verify, 0, now)
		return err
	})
}

// CheckContactCode checks the hash of a code entered for person's method
// id at now: a match before expiry, within tries, verifies the method; a
// mismatch counts a try. A refused code is audited with ".failed" added
// to ev's action. It returns the method and, as EINVALID, why the code
// was refused; ENOTFOUND if person has no such method.
func (db *DB) CheckContactCode(ctx context.Context, id int64, person, hash string, now time.Time, maxTries int, ev *warden.AuditEvent) (ContactMethod, error) {
	var m ContactMethod
	var refusal error
	action := ""
	if ev != nil {
		action = ev.Action
	}
	err := db.change(ctx, ev, func(tx *sql.Tx) error {
		var err error
		refusal = nil
		m, err = scanMethod(tx.QueryRowContext(ctx, `SELECT `+methodColumns+` FROM contact_methods WHERE id = $1 AND person = $2`, id, person).Scan)
		if errors.Is(err, sql.ErrNoRows) {
			return warden.Errorf(warden.ENOTFOUND, "you have no contact method %d", id)
		}
		switch {
		case err != nil:
			return err
		case m.Verified:
			return errSkipAudit
		case m.CodeHash == "" || m.CodeTries >= maxTries:
			refusal = warden.Errorf(warden.EINVALID, "too many wrong codes for contact method %d: ask for a new code", id)
		case !now.Before(m.CodeExpires):
			refusal = warden.Errorf(warden.EINVALID, "the code for contact method %d has expired: ask for a new code", id)
		case hash != m.CodeHash:
			m.CodeTries++
			refusal = warden.Errorf(warden.EINVALID, "wrong code for contact method %d (%d of %d tries)", id, m.CodeTries, maxTries)
			_, err = tx.ExecContext(ctx, `UPDATE contact_methods SET code_tries = code_tries + 1 WHERE id = $1`, id)
		default:
			m.Verified, m.VerifiedAt, m.CodeHash = true, &now, ""
			_, err = tx.ExecContext(ctx, `UPDATE contact_methods SET verified_at = $2, code_hash = '', code_expires = '' WHERE id = $1`, id, timestamp(now))
		}
		if ev != nil {
			ev.Action = action
			if refusal != nil {
				ev.Action = action + ".failed"
			}
		}
		return err
	})
	if err != nil {
		return m, err
	}
	return m, refusal
}

// UpdateContactMethod sets the delay and subscribed events of person's
// method id; ENOTFOUND if person has no such method.
func (db *DB) UpdateContactMethod(ctx context.Context, id int64, person string, delay warden.Duration, events []string, ev *warden.AuditEvent) error {
	b, _ := json.Marshal(events)
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE contact_methods SET delay_ms = $3, events = $4 WHERE id = $1 AND person = $2`, id, person, delay.Std().Milliseconds(), string(b))
		if err != nil {
			return fmt.Errorf("update contact method: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return warden.Errorf(warden.ENOTFOUND, "you have no contact method %d", id)
		}
		return nil
	})
}

// DeleteContactMethod removes person's method id and cancels what was
// still to be sent through it, dead letters included (a replay would send
// to an address its person took back); ENOTFOUND if person has no such
// method.
func (db *DB) DeleteContactMethod(ctx context.Context, id int64, person string, ev *warden.AuditEvent) error {
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM contact_methods WHERE id = $1 AND person = $2`, id, person)
		if err != nil {
			return fmt.Errorf("delete contact method: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return warden.Errorf(warden.ENOTFOUND, "you have no contact method %d", id)
		}
		_, err = tx.ExecContext(ctx, `UPDATE hotline_notifications SET status = 'cancelled' WHERE method = $1 AND status IN ('pending', 'failed', 'dead')`, id)
		return err
	})
}

// CodesSent counts the verification codes sent since a time for person
// and to address (in any letter case, for anyone), to methods still
// there or deleted.
func (db *DB) CodesSent(ctx context.Context, person, address string, since time.Time) (byPerson, toAddress int, err error) {
	err = db.reader(ctx).QueryRowContext(ctx, `SELECT
		COALESCE(SUM(CASE WHEN person = $1 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN LOWER(address) = LOWER($2) THEN 1 ELSE 0 END), 0)
		FROM hotline_notifications WHERE alert = 0 AND kind = 'verify' AND created_at >= $3 AND (person = $1 OR LOWER(address) = LOWER($2))`,
		person, address, timestamp(since)).Scan(&byPerson, &toAddress)
	if err != nil {
		return 0, 0, fmt.Errorf("codes sent: %w", err)
	}
	return byPerson, toAddress, nil
}

// ContactMethods returns person's methods ("" for everyone's), in id
// order. If verified, only the verified methods of people not disabled:
// those the hotline may send to.
func (db *DB) ContactMethods(ctx context.Context, person string, verified bool) ([]ContactMethod, error) {
	var w where
	w.eq("person", person)
	if verified {
		w.and("verified_at <> '' AND person IN (SELECT name FROM users WHERE disabled_at = '')")
	}
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT `+methodColumns+` FROM contact_methods`+w.String()+` ORDER BY id`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("contact methods: %w", err)
	}
	defer rows.Close()
	out := []ContactMethod{}
	for rows.Next() {
		m, err := scanMethod(rows.Scan)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

const alertColumns = `id, summary, details, severity, policy, source, object, dedup_key, status, step, round, fired, next_at, created_by, created_at, acked_by, acked_at, resolved_by, resolved_at`

// Alert is an alert as stored, with the count of its fired steps, which
// makes every change of its escalation conditional on what was read.
type Alert struct {
	warden.Alert
	Fired int
}

func scanAlert(scan func(...any) error) (Alert, error) {
	var a Alert
	var severity, status, next, created, acked, resolved string
	err := scan(&a.ID, &a.Summary, &a.Details, &severity, &a.Policy, &a.Source, &a.Object, &a.DedupKey, &status, &a.Step, &a.Round, &a.Fired,
		&next, &a.CreatedBy, &created, &a.AckedBy, &acked, &a.ResolvedBy, &resolved)
	a.Severity, a.Status = warden.Severity(severity), warden.AlertStatus(status)
	a.NextAt, a.CreatedAt, a.AckedAt, a.ResolvedAt = optTime(next), parseTime(created), optTime(acked), optTime(resolved)
	return a, err
}

// RaiseAlert stores a new alert (its id set) with its log lines, unless an
// alert with its dedup key is triggered or acknowledged (any alert, if
// anyResolved), which it returns instead with created false. A suppressed
// alert deduplicates only the raises of its own suppression window (those
// since suppressedSince, when that is not zero): the same key raised after
// the window is a new alert, which escalates.
func (db *DB) RaiseAlert(ctx context.Context, a *warden.Alert, anyResolved bool, suppressedSince time.Time, lines []warden.HotlineEntry, ev *warden.AuditEvent) (bool, error) {
	created := false
	err := db.change(ctx, ev, func(tx *sql.Tx) error {
		created = false
		if a.DedupKey != "" {
			since := ""
			if !suppressedSince.IsZero() {
				since = timestamp(suppressedSince)
			}
			q := `SELECT ` + alertColumns + ` FROM hotline_alerts WHERE dedup_key = $1
				AND (status IN ('triggered', 'acknowledged') OR $2 = 1 OR status = 'suppressed' AND $3 <> '' AND created_at >= $3) ORDER BY id DESC LIMIT 1`
			old, err := scanAlert(tx.QueryRowContext(ctx, q, a.DedupKey, boolInt(anyResolved), since).Scan)
			if err == nil {
				*a = old.Alert
				return errSkipAudit
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		var err error
		if a.ID, err = nextID(ctx, tx, "hotline_alerts"); err != nil {
			return err
		}
		if ev != nil {
			ev.Object = fmt.Sprintf("alert:%d", a.ID)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO hotline_alerts (`+alertColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 0, $12, $13, $14, '', '', '', '')`,
			a.ID, a.Summary, a.Details, string(a.Severity), a.Policy, a.Source, a.Object, a.DedupKey, string(a.Status), a.Step, a.Round,
			optStamp(a.NextAt), a.CreatedBy, timestamp(a.CreatedAt))
		if err != nil {
			return fmt.Errorf("raise alert: %w", err)
		}
		for _, l := range lines {
			l.Alert = a.ID
			if err := insertLog(ctx, tx, l); err != nil {
				return err
			}
		}
		created = true
		return nil
	})
	return created, err
}

// HotlineAlert returns one alert; ENOTFOUND if there is none.
func (db *DB) HotlineAlert(ctx context.Context, id int64) (Alert, error) {
	a, err := scanAlert(db.reader(ctx).QueryRowContext(ctx, `SELECT `+alertColumns+` FROM hotline_alerts WHERE id = $1`, id).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return a, warden.Errorf(warden.ENOTFOUND, "no alert %d", id)
	}
	return a, err
}

// HotlineAlerts lists alerts with a status and about an object ("" for
// any), newest first, at most limit (0: all).
func (db *DB) HotlineAlerts(ctx context.Context, status warden.AlertStatus, object string, limit int) ([]warden.Alert, error) {
	var w where
	w.eq("status", string(status))
	w.eq("object", object)
	q := `SELECT ` + alertColumns + ` FROM hotline_alerts` + w.String() + ` ORDER BY id DESC`
	if limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", limit)
	}
	rows, err := db.sql.QueryContext(ctx, q, w.args...)
	if err != nil {
		return nil, fmt.Errorf("alerts: %w", err)
	}
	defer rows.Close()
	out := []warden.Alert{}
	for rows.Next() {
		a, err := scanAlert(rows.Scan)
		if err != nil {
			return nil, err
		}
		out = append(out, a.Alert)
	}
	return out, rows.Err()
}

// DueAlerts returns the triggered alerts whose next step is due by now,
// soonest first.
func (db *DB) DueAlerts(ctx context.Context, now time.Time) ([]Alert, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+alertColumns+` FROM hotline_alerts WHERE status = 'triggered' AND next_at <> '' AND next_at <= $1 ORDER BY next_at, id`, timestamp(now))
	if err != nil {
		return nil, fmt.Errorf("due alerts: %w", err)
	}
	defer rows.Close()
	out := []Alert{}
	for rows.Next() {
		a, err := scanAlert(rows.Scan)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// AlertFire is one step of an alert's escalation fired at At: by the
// engine (Manual false: only if the alert is still triggered at Step and
// Round, due by At, and Fired is unchanged) or by hand (Manual: only if the
// alert is not resolved and Fired is unchanged; it becomes triggered
// again).
type AlertFire struct {
	Alert       int64
	Fired       int
	Manual      bool
	At          time.Time
	Step, Round int
	// What fires next, and when (zero: nothing more).
	NextStep, NextRound int
	NextAt              time.Time
	Notifications       []Outgoing
	Log                 []warden.HotlineEntry
	// ClaimUntil, if not zero, claims the notifications due by At for the
	// caller, which sends them right after the commit: their first attempt
	// is counted and no one else takes them before ClaimUntil (the caller
	// died sending them).
	ClaimUntil time.Time
}

// notificationInsert is the column list of FireAlert's multi-row insert.
const notificationInsert = `INSERT INTO hotline_notifications (id, alert, step, round, fire, destination, kind, person, method, endpoint, channel, address, format, subject, body, status, due_at, created_at, attempts, claimed_until) VALUES `

// FireAlert stores a fired step in one transaction: the alert moved to its
// next step, the step's notifications (their ids set, each with a
// "notified" log line; claimed if f.ClaimUntil says so) and the log lines,
// with one statement each. It reports false, storing nothing, if the alert
// moved since it was read (another node or an earlier run fired it,
// someone acknowledged it).
func (db *DB) FireAlert(ctx context.Context, f *AlertFire, ev *warden.AuditEvent) (bool, error) {
	fired := false
	err := db.change(ctx, ev, func(tx *sql.Tx) error {
		fired = false
		var res sql.Result
		var err error
		next := ""
		if !f.NextAt.IsZero() {
			next = timestamp(f.NextAt)
		}
		if f.Manual {
			res, err = tx.ExecContext(ctx, `UPDATE hotline_alerts SET status = 'triggered', step = $3, round = $4, next_at = $5, fired = fired + 1
				WHERE id = $1 AND fired = $2 AND status <> 'resolved'`, f.Alert, f.Fired, f.NextStep, f.NextRound, next)
		} else {
			res, err = tx.ExecContext(ctx, `UPDATE hotline_alerts SET step = $3, round = $4, next_at = $5, fired = fired + 1
				WHERE id = $1 AND fired = $2 AND status = 'triggered' AND step = $6 AND round = $7 AND next_at <> '' AND next_at <= $8`,
				f.Alert, f.Fired, f.NextStep, f.NextRound, next, f.Step, f.Round, timestamp(f.At))
		}
		if err != nil {
			return fmt.Errorf("fire alert: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errSkipAudit
		}
		lines := append([]warden.HotlineEntry(nil), f.Log...)
		if len(f.Notifications) > 0 {
			// The update moved fired on, so no notification of this fire
			// exists yet: no need to look before inserting.
			id, err := nextID(ctx, tx, "hotline_notifications")
			if err != nil {
				return err
			}
			var q strings.Builder
			q.WriteString(notificationInsert)
			args := make([]any, 0, 20*len(f.Notifications))
			for i := range f.Notifications {
				o := &f.Notifications[i]
				o.ID, o.Status, o.CreatedAt, o.Attempts, o.ClaimedUntil = id+int64(i), warden.NotificationPending, f.At, 0, time.Time{}
				claimed := ""
				if !f.ClaimUntil.IsZero() && !o.DueAt.After(f.At) {
					o.Attempts, o.ClaimedUntil, claimed = 1, f.ClaimUntil, timestamp(f.ClaimUntil)
				}
				if i > 0 {
					q.WriteString(", ")
				}
				q.WriteString(placeholders(len(args), 20))
				args = append(args, o.ID, o.Alert, o.Step, o.Round, f.Fired+1, o.Destination, o.Kind, o.Person, o.Method, o.Endpoint, string(o.Channel), o.Address,
					string(o.Format), o.Subject, o.Body, string(o.Status), timestamp(o.DueAt), timestamp(f.At), o.Attempts, claimed)
				lines = append(lines, notified(o, f.At))
			}
			if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
				return fmt.Errorf("insert notifications: %w", err)
			}
		}
		if err := insertLogs(ctx, tx, lines); err != nil {
			return err
		}
		fired = true
		return nil
	})
	return fired, err
}

// LinkUse is a signed link used: the notification it was sent with, its
// action, the hash of the token, who it was sent to.
type LinkUse struct {
	Notification int64
	Action       string
	TokenHash    string
	By           string
}

// SetAlertStatus moves an alert from one of the statuses from to to, by
// someone at a time (acknowledged or resolved), stops its escalation,
// cancels its notifications not yet sent, and stores the log lines and the
// link used, if any (EINVALID if it was used before). ECONFLICT if the
// alert's status is not one of from.
func (db *DB) SetAlertStatus(ctx context.Context, id int64, from []warden.AlertStatus, to warden.AlertStatus, by string, at time.Time, link *LinkUse, lines []warden.HotlineEntry, ev *warden.AuditEvent) (warden.Alert, error) {
	var a Alert
	err := db.change(ctx, ev, func(tx *sql.Tx) error {
		var err error
		a, err = scanAlert(tx.QueryRowContext(ctx, `SELECT `+alertColumns+` FROM hotline_alerts WHERE id = $1`, id).Scan)
		if errors.Is(err, sql.ErrNoRows) {
			return warden.Errorf(warden.ENOTFOUND, "no alert %d", id)
		}
		if err != nil {
			return err
		}
		if link != nil {
			_, err := tx.ExecContext(ctx, `INSERT INTO hotline_links (notification, action, token_hash, used_by, used_at) VALUES ($1, $2, $3, $4, $5)`,
				link.Notification, link.Action, link.TokenHash, link.By, timestamp(at))
			if err != nil && isUnique(err) {
				return warden.Errorf(warden.EINVALID, "this link was used already")
			}
			if err != nil {
				return fmt.Errorf("use link: %w", err)
			}
		}
		ok := false
		for _, s := range from {
			ok = ok || a.Status == s
		}
		if !ok {
			return warden.Errorf(warden.ECONFLICT, "alert %d is %s", id, a.Status)
		}
		set := `acked_by = $3, acked_at = $4`
		if to == warden.AlertResolved {
			set = `resolved_by = $3, resolved_at = $4`
		}
		if _, err := tx.ExecContext(ctx, `UPDATE hotline_alerts SET status = $2, next_at = '', `+set+` WHERE id = $1`, id, string(to), by, timestamp(at)); err != nil {
			return fmt.Errorf("alert status: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE hotline_notifications SET status = 'cancelled' WHERE alert = $1 AND status IN ('pending', 'failed')`, id); err != nil {
			return fmt.Errorf("cancel notifications: %w", err)
		}
		for _, l := range lines {
			if err := insertLog(ctx, tx, l); err != nil {
				return err
			}
		}
		a.Status, a.NextAt = to, nil
		if to == warden.AlertResolved {
			a.ResolvedBy, a.ResolvedAt = by, &at
		} else {
			a.AckedBy, a.AckedAt = by, &at
		}
		return nil
	})
	return a.Alert, err
}

const notificationColumns = `id, alert, step, round, kind, person, method, endpoint, channel, address, format, subject, body, status, attempts, due_at, delivered_at, last_error, created_at, destination`

func scanNotification(scan func(...any) error) (Outgoing, error) {
	var o Outgoing
	var channel, format, status, due, delivered, created string
	err := scan(&o.ID, &o.Alert, &o.Step, &o.Round, &o.Kind, &o.Person, &o.Method, &o.Endpoint, &channel, &o.Address, &format, &o.Subject, &o.Body,
		&status, &o.Attempts, &due, &delivered, &o.LastError, &created, &o.Destination)
	o.Channel, o.Format, o.Status = warden.Channel(channel), warden.WebhookFormat(format), warden.NotificationStatus(status)
	o.DueAt, o.DeliveredAt, o.CreatedAt = parseTime(due), optTime(delivered), parseTime(created)
	return o, err
}

// queryNotifications returns the notifications where (a WHERE and ORDER
// BY clause) selects.
func (db *DB) queryNotifications(ctx context.Context, where string, args ...any) ([]Outgoing, error) {
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT `+notificationColumns+` FROM hotline_notifications `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("notifications: %w", err)
	}
	defer rows.Close()
	out := []Outgoing{}
	for rows.Next() {
		o, err := scanNotification(rows.Scan)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// Notification returns one notification; ENOTFOUND if there is none.
func (db *DB) Notification(ctx context.Context, id int64) (Outgoing, error) {
	ns, err := db.queryNotifications(ctx, `WHERE id = $1`, id)
	if err != nil {
		return Outgoing{}, err
	}
	if len(ns) == 0 {
		return Outgoing{}, warden.Errorf(warden.ENOTFOUND, "no notification %d", id)
	}
	return ns[0], nil
}

// Notifications returns an alert's notifications in id order.
func (db *DB) Notifications(ctx context.Context, alert int64) ([]Outgoing, error) {
	return db.queryNotifications(ctx, `WHERE alert = $1 ORDER BY id`, alert)
}

// NotificationsWith returns the notifications with a status, oldest
// first; only those due by due if it is not zero.
func (db *DB) NotificationsWith(ctx context.Context, status warden.NotificationStatus, due time.Time) ([]Outgoing, error) {
	if due.IsZero() {
		return db.queryNotifications(ctx, `WHERE status = $1 ORDER BY id`, string(status))
	}
	return db.queryNotifications(ctx, `WHERE status = $1 AND due_at <= $2 ORDER BY due_at, id`, string(status), timestamp(due))
}

// DueNotifications returns the pending and failed notifications due by
// now that no one holds a claim on at now (none was ever taken, or its
// holder died sending), soonest first.
func (db *DB) DueNotifications(ctx context.Context, now time.Time) ([]Outgoing, error) {
	return db.queryNotifications(ctx, `WHERE status IN ('pending', 'failed') AND due_at <= $1 AND (claimed_until = '' OR claimed_until <= $1) ORDER BY due_at, id`,
		timestamp(now))
}

// ClaimedNotifications returns the pending and failed notifications that
// a claim holds at now (their ids and when each claim runs out), soonest
// out first: those a node is sending, or was sending when it died.
func (db *DB) ClaimedNotifications(ctx context.Context, now time.Time) ([]Outgoing, error) {
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT id, claimed_until FROM hotline_notifications
		WHERE status IN ('pending', 'failed') AND claimed_until > $1 ORDER BY claimed_until, id`, timestamp(now))
	if err != nil {
		return nil, fmt.Errorf("claimed notifications: %w", err)
	}
	defer rows.Close()
	out := []Outgoing{}
	for rows.Next() {
		var o Outgoing
		var until string
		if err := rows.Scan(&o.ID, &until); err != nil {
			return nil, err
		}
		o.ClaimedUntil = parseTime(until)
		out = append(out, o)
	}
	return out, rows.Err()
}

// ClaimNotification takes a pending or failed notification to send at
// now, for as long as until (another node's claim runs out then), and
// counts the attempt. It reports false if the notification is not
// pending or failed, or another claim holds it.
func (db *DB) ClaimNotification(ctx context.Context, id int64, now, until time.Time) (Outgoing, bool, error) {
	var o Outgoing
	claimed := false
	err := db.change(ctx, nil, func(tx *sql.Tx) error {
		claimed = false
		res, err := tx.ExecContext(ctx, `UPDATE hotline_notifications SET attempts = attempts + 1, claimed_until = $2
			WHERE id = $1 AND status IN ('pending', 'failed') AND (claimed_until = '' OR claimed_until <= $3)`, id, timestamp(until), timestamp(now))
		if err != nil {
			return fmt.Errorf("claim notification: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		o, err = scanNotification(tx.QueryRowContext(ctx, `SELECT `+notificationColumns+` FROM hotline_notifications WHERE id = $1`, id).Scan)
		claimed = err == nil
		return err
	})
	return o, claimed, err
}

// FinishNotification records the outcome of an attempt to send a claimed
// notification: delivered (at), failed (due again at due) or dead, with
// the error, and the log line. A notification cancelled while it was being
// sent keeps its status; the log line says what happened.
func (db *DB) FinishNotification(ctx context.Context, id int64, status warden.NotificationStatus, at, due time.Time, lastError string, line warden.HotlineEntry) error {
	return db.change(ctx, nil, func(tx *sql.Tx) error {
		delivered, body := "", "body"
		if status == warden.NotificationDelivered {
			delivered = timestamp(at)
		}
		if status == warden.NotificationDelivered || status == warden.NotificationDead {
			// A verification code is not kept once it is sent, nor once
			// it cannot be: the person asks for a new one.
			body = "CASE WHEN kind = 'verify' THEN '' ELSE body END"
		}
		_, err := tx.ExecContext(ctx, `UPDATE hotline_notifications SET status = CASE WHEN status = 'cancelled' THEN status ELSE $2 END,
			delivered_at = $3, due_at = $4, last_error = $5, claimed_until = '', body = `+body+` WHERE id = $1`,
			id, string(status), delivered, timestamp(due), lastError)
		if err != nil {
			return fmt.Errorf("finish notification: %w", err)
		}
		return insertLog(ctx, tx, line)
	})
}

// ReplayNotification makes a dead notification pending again, due at now,
// with its attempts reset, with the log line and the audit event;
// ECONFLICT if it is not dead or is not to be sent again (replayable).
func (db *DB) ReplayNotification(ctx context.Context, id int64, now time.Time, line warden.HotlineEntry, ev *warden.AuditEvent) (Outgoing, error) {
	var o Outgoing
	err := db.change(ctx, ev, func(tx *sql.Tx) error {
		var err error
		o, err = scanNotification(tx.QueryRowContext(ctx, `SELECT `+notificationColumns+` FROM hotline_notifications WHERE id = $1`, id).Scan)
		if errors.Is(err, sql.ErrNoRows) {
			return warden.Errorf(warden.ENOTFOUND, "no notification %d", id)
		}
		if err != nil {
			return err
		}
		if o.Status != warden.NotificationDead {
			return warden.Errorf(warden.ECONFLICT, "notification %d is %s, not dead", id, o.Status)
		}
		if err := replayable(ctx, tx, o); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE hotline_notifications SET status = 'pending', attempts = 0, due_at = $2, claimed_until = '' WHERE id = $1`, id, timestamp(now)); err != nil {
			return fmt.Errorf("replay notification: %w", err)
		}
		o.Status, o.Attempts, o.DueAt = warden.NotificationPending, 0, now
		line.Alert = o.Alert
		return insertLog(ctx, tx, line)
	})
	return o, err
}

// replayable refuses, as ECONFLICT, to send dead notification o again
// when it would say what is no longer true: an alert acknowledged or
// resolved since, whose links would look live; a verification code, which
// is not kept once the notification is dead (the method is verified or
// deleted since, or its person asks for a new code).
func replayable(ctx context.Context, tx *sql.Tx, o Outgoing) error {
	if o.Kind == "verify" {
		var verified string
		err := tx.QueryRowContext(ctx, `SELECT verified_at FROM contact_methods WHERE id = $1`, o.Method).Scan(&verified)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return warden.Errorf(warden.ECONFLICT, "contact method %d was deleted", o.Method)
		case err != nil:
			return fmt.Errorf("replay notification: %w", err)
		case verified != "":
			return warden.Errorf(warden.ECONFLICT, "contact method %d is verified already", o.Method)
		}
		return warden.Errorf(warden.ECONFLICT, "the code sent to contact method %d is not kept: ask for a new one", o.Method)
	}
	if o.Alert == 0 {
		return nil
	}
	var status string
	if err := tx.QueryRowContext(ctx, `SELECT status FROM hotline_alerts WHERE id = $1`, o.Alert).Scan(&status); err != nil {
		return fmt.Errorf("replay notification: alert %d: %w", o.Alert, err)
	}
	if status != string(warden.AlertTriggered) {
		return warden.Errorf(warden.ECONFLICT, "alert %d is %s", o.Alert, status)
	}
	return nil
}

// HotlineCursor returns the id of the last domain event the hotline
// handled.
func (db *DB) HotlineCursor(ctx context.Context) (int64, error) {
	var id int64
	err := db.sql.QueryRowContext(ctx, `SELECT event FROM hotline_cursor WHERE name = 'events'`).Scan(&id)
	return id, err
}

// AdvanceHotlineCursor stores the notifications events created (once
// each: those already stored by another node are skipped; the stored ones
// get their ids, created at now) and moves the cursor from from to to, in
// one transaction.
// It reports false, storing nothing, if another node moved the cursor
// first.
func (db *DB) AdvanceHotlineCursor(ctx context.Context, from, to int64, now time.Time, out []Outgoing) (bool, error) {
	moved := false
	err := db.change(ctx, nil, func(tx *sql.Tx) error {
		moved = false
		res, err := tx.ExecContext(ctx, `UPDATE hotline_cursor SET event = $2 WHERE name = 'events' AND event = $1`, from, to)
		if err != nil {
			return fmt.Errorf("hotline cursor: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		for i := range out {
			if _, err := insertNotification(ctx, tx, &out[i], 0, now); err != nil {
				return err
			}
		}
		moved = true
		return nil
	})
	return moved, err
}

// LinkUsed reports whether the link of a notification for action was
// used.
func (db *DB) LinkUsed(ctx context.Context, notification int64, action string) (bool, error) {
	var n int
	err := db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM hotline_links WHERE notification = $1 AND action = $2`, notification, action).Scan(&n)
	return n > 0, err
}

// RecordEvent stores a domain event that goes with no other change in this
// database (an outside system's report, a test feeding the hotline), with
// the audit event if any.
func (db *DB) RecordEvent(ctx context.Context, e warden.DomainEvent, ev *warden.AuditEvent) error {
	return db.change(ctx, ev, func(tx *sql.Tx) error { return insertEvent(ctx, tx, e, db.now()) })
}

// HotlineLinkKey returns the key that signs the hotline's one-time links,
// stored with fresh the first time any node asks: the first to commit
// wins, and every node reads that one.
func (db *DB) HotlineLinkKey(ctx context.Context, fresh []byte) ([]byte, error) {
	if len(fresh) < 32 {
		return nil, warden.Errorf(warden.EINVALID, "a link key has at least 32 bytes")
	}
	if _, err := db.sql.ExecContext(ctx, `INSERT INTO hotline_keys (name, value, created_at) VALUES ('links', $1, $2) ON CONFLICT (name) DO NOTHING`,
		hex.EncodeToString(fresh), timestamp(db.now())); err != nil {
		return nil, fmt.Errorf("store link key: %w", err)
	}
	var v string
	if err := db.sql.QueryRowContext(ctx, `SELECT value FROM hotline_keys WHERE name = 'links'`).Scan(&v); err != nil {
		return nil, fmt.Errorf("read link key: %w", err)
	}
	key, err := hex.DecodeString(v)
	if err != nil {
		return nil, fmt.Errorf("link key: %w", err)
	}
	return key, nil
}
