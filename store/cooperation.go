package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"warden"
)

// The cooperation store: requests, their threads, extensions, reviews and
// referrals, organisations' closures, dialogues and settings. A request's
// form is kept as JSON in data; its columns repeat what lists, the
// deadline sweep and scorecards select on (status, clock, deadlines,
// business seconds), written from the same struct in the same statement,
// and are what a read trusts. Every write goes through change: the row,
// its domain events and its audit event are one transaction.

// requestObject is the object a request's events and audit events name.
func requestObject(id int64) string { return "request:" + strconv.FormatInt(id, 10) }

// requestData is what the data column holds: the request as JSON, with
// characters such as < > & kept as they are so that a search finds them.
func requestData(r *warden.Request) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// optSecs is a business-seconds column: -1 until measured.
func optSecs(v *int64) int64 {
	if v == nil {
		return -1
	}
	return *v
}

func secsOpt(v int64) *int64 {
	if v < 0 {
		return nil
	}
	return &v
}

// CreateRequest stores a new request and sets its id, with the audit
// event, whose object it sets. A request without a reference gets one
// drawn in the same transaction (see nextReference), which the audit
// event's detail records. ECONFLICT if the reference is taken among the
// requests of the same counterpart and direction (the only ones it must
// differ from, so that no one learns of another's).
func (db *DB) CreateRequest(ctx context.Context, r *warden.Request, ev *warden.AuditEvent) error {
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		id, err := nextID(ctx, tx, "requests")
		if err != nil {
			return fmt.Errorf("create request: %w", err)
		}
		r.ID = id
		if r.Reference == "" {
			if r.Reference, err = nextReference(ctx, tx, r); err != nil {
				r.Reference = ""
				return err
			}
			if ev != nil {
				if ev.Detail, err = setDetail(ev.Detail, "reference", r.Reference); err != nil {
					return err
				}
			}
		}
		if ev != nil {
			ev.Object = requestObject(id)
		}
		data, err := requestData(r)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO requests (id, reference, direction, counterpart, status, priority, type, priority_case,
			sent_at, acknowledged_at, first_answer_at, answered_at, closed_at, ack_due, answer_due, answer_due_original,
			ack_business_secs, answer_business_secs, refusal_reason, data, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)`,
			r.ID, r.Reference, string(r.Direction), r.Counterpart, string(r.Status), string(r.Priority), string(r.Type), boolInt(r.PriorityCase),
			optStamp(r.SentAt), optStamp(r.AcknowledgedAt), optStamp(r.FirstAnswerAt), optStamp(r.AnsweredAt), optStamp(r.ClosedAt),
			optStamp(r.AckDue), optStamp(r.AnswerDue), optStamp(r.AnswerDueOriginal), optSecs(r.AckBusinessSecs), optSecs(r.AnswerBusinessSecs),
			string(r.RefusalReason), data, r.CreatedBy, timestamp(r.CreatedAt), timestamp(r.UpdatedAt))
		if err != nil && isUnique(err) {
			return referenceTaken(r)
		}
		if err != nil {
			return fmt.Errorf("create request: %w", err)
		}
		return nil
	})
}

// nextReference draws the reference of r, in tx: "R-", the year it was
// created, and the next number of the requests of its counterpart and
// direction created that year ("R-2026-0007"), skipping the references
// taken in that scope (someone may have chosen R-2026-0007 for a request
// of its own), so that no one can keep another from drawing one. The
// number counts only the scope's requests: a reference tells its reader
// nothing of the requests of others. Changes are serialised (see
// change), so the reference found free is free at the insert.
func nextReference(ctx context.Context, tx *sql.Tx, r *warden.Request) (string, error) {
	year := r.CreatedAt.UTC().Year()
	from, to := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(year+1, 1, 1, 0, 0, 0, 0, time.UTC)
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM requests WHERE counterpart = $1 AND direction = $2 AND created_at >= $3 AND created_at < $4`,
		r.Counterpart, string(r.Direction), timestamp(from), timestamp(to)).Scan(&n); err != nil {
		return "", fmt.Errorf("draw a reference: %w", err)
	}
	prefix := fmt.Sprintf("R-%d-", year)
	rows, err := tx.QueryContext(ctx, `SELECT reference FROM requests WHERE counterpart = $1 AND direction = $2 AND reference LIKE $3`,
		r.Counterpart, string(r.Direction), prefix+"%")
	if err != nil {
		return "", fmt.Errorf("draw a reference: %w", err)
	}
	defer rows.Close()
	taken := map[string]bool{}
	for rows.Next() {
		var ref string
		if err := rows.Scan(&ref); err != nil {
			return "", err
		}
		taken[ref] = true
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	for n++; ; n++ {
		if ref := fmt.Sprintf("%s%04d", prefix, n); !taken[ref] {
			return ref, nil
		}
	}
}

// referenceTaken is the conflict of a reference taken in r's scope.
func referenceTaken(r *warden.Request) error {
	scope := "to"
	if r.Direction == warden.Incoming {
		scope = "from"
	}
	return warden.Errorf(warden.ECONFLICT, "reference: a request %q %s %s exists", r.Reference, scope, r.Counterpart)
}

// setDetail returns an audit event's detail (a JSON object, or nothing)
// with key set to v.
func setDetail(detail json.RawMessage, key string, v any) (json.RawMessage, error) {
	m := map[string]any{}
	if len(detail) > 0 {
		if err := json.Unmarshal(detail, &m); err != nil {
			return nil, fmt.Errorf("audit detail: %w", err)
		}
	}
	m[key] = v
	return json.Marshal(m)
}

// UpdateRequest stores r (its form, status, clock and deadlines) if it is
// still in status from and was not updated since r.UpdatedAt as read,
// with its domain events and the audit event; r.UpdatedAt becomes now,
// the time of the change. ECONFLICT if someone moved or changed it first;
// nothing is stored then. A new answer deadline clears the sweep's
// answer marks, so that the new deadline is watched.
func (db *DB) UpdateRequest(ctx context.Context, r *warden.Request, from warden.RequestStatus, now time.Time, ev *warden.AuditEvent, events ...warden.DomainEvent) error {
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		return updateRequest(ctx, tx, r, from, now, events)
	})
}

func updateRequest(ctx context.Context, tx *sql.Tx, r *warden.Request, from warden.RequestStatus, now time.Time, events []warden.DomainEvent) error {
	read := r.UpdatedAt
	r.UpdatedAt = now
	data, err := requestData(r)
	if err != nil {
		r.UpdatedAt = read
		return err
	}
	due := optStamp(r.AnswerDue)
	res, err := tx.ExecContext(ctx, `UPDATE requests SET reference = $1, counterpart = $22, status = $2, priority = $3, type = $4, priority_case = $5,
		sent_at = $6, acknowledged_at = $7, first_answer_at = $8, answered_at = $9, closed_at = $10, ack_due = $11,
		answer_warned = CASE WHEN answer_due = $12 THEN answer_warned ELSE 0 END,
		answer_missed = CASE WHEN answer_due = $12 THEN answer_missed ELSE 0 END,
		answer_due = $12, answer_due_original = $13, ack_business_secs = $14, answer_business_secs = $15, refusal_reason = $16,
		data = $17, updated_at = $18
		WHERE id = $19 AND status = $20 AND updated_at = $21`,
		r.Reference, string(r.Status), string(r.Priority), string(r.Type), boolInt(r.PriorityCase),
		optStamp(r.SentAt), optStamp(r.AcknowledgedAt), optStamp(r.FirstAnswerAt), optStamp(r.AnsweredAt), optStamp(r.ClosedAt), optStamp(r.AckDue),
		due, optStamp(r.AnswerDueOriginal), optSecs(r.AckBusinessSecs), optSecs(r.AnswerBusinessSecs), string(r.RefusalReason),
		data, timestamp(now), r.ID, string(from), timestamp(read), r.Counterpart)
	if err != nil && isUnique(err) {
		r.UpdatedAt = read
		return referenceTaken(r)
	}
	if err != nil {
		r.UpdatedAt = read
		return fmt.Errorf("update request: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		r.UpdatedAt = read
		return warden.Errorf(warden.ECONFLICT, "request %d is no longer %s as read: someone changed it first", r.ID, from)
	}
	return insertEvents(ctx, tx, events, now)
}

// insertEvents writes domain events at now, unless an event says when.
func insertEvents(ctx context.Context, tx *sql.Tx, events []warden.DomainEvent, now time.Time) error {
	for _, e := range events {
		at := now
		if !e.CreatedAt.IsZero() {
			at = e.CreatedAt
		}
		if err := insertEvent(ctx, tx, e, at); err != nil {
			return err
		}
	}
	return nil
}

// requireStatus fails with ECONFLICT unless request id is in status from,
// in tx: a step that adds a row beside a request (an extension asked, a
// referral) but does not change it is refused once the request moved.
func requireStatus(ctx context.Context, tx *sql.Tx, id int64, from warden.RequestStatus) error {
	var status string
	err := tx.QueryRowContext(ctx, `SELECT status FROM requests WHERE id = $1`, id).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return warden.Errorf(warden.ENOTFOUND, "no request %d", id)
	}
	if err != nil {
		return err
	}
	if status != string(from) {
		return warden.Errorf(warden.ECONFLICT, "request %d is no longer %s: someone moved it first", id, from)
	}
	return nil
}

// requestColumns are the requests columns that scanRequest reads, in its
// order; the scorecard's queries may select them too.
const requestColumns = `id, reference, direction, counterpart, status, priority, type, priority_case, sent_at, acknowledged_at,
	first_answer_at, answered_at, closed_at, ack_due, answer_due, answer_due_original, ack_business_secs, answer_business_secs,
	refusal_reason, created_by, created_at, updated_at`

// scanRequest reads requestColumns and then, if withData, the data
// column: the form from data, everything the columns hold from them.
func scanRequest(scan func(...any) error, withData bool) (warden.Request, error) {
	var r warden.Request
	var direction, status, priority, typ, refusal, data string
	var pcase int
	var sent, acked, first, answered, closed, ackDue, answerDue, original, created, updated string
	var ackSecs, answerSecs int64
	dest := []any{&r.ID, &r.Reference, &direction, &r.Counterpart, &status, &priority, &typ, &pcase, &sent, &acked,
		&first, &answered, &closed, &ackDue, &answerDue, &original, &ackSecs, &answerSecs, &refusal, &r.CreatedBy, &created, &updated}
	if withData {
		dest = append(dest, &data)
	}
	if err := scan(dest...); err != nil {
		return r, err
	}
	if withData {
		id, by := r.ID, r.CreatedBy
		if err := json.Unmarshal([]byte(data), &r); err != nil {
			return r, fmt.Errorf("decode request %d: %w", id, err)
		}
		r.ID, r.CreatedBy = id, by
	}
	r.Direction, r.Status, r.Priority, r.Type = warden.Direction(direction), warden.RequestStatus(status), warden.Priority(priority), warden.RequestType(typ)
	r.PriorityCase, r.RefusalReason = pcase != 0, warden.RefusalReason(refusal)
	r.SentAt, r.AcknowledgedAt, r.FirstAnswerAt, r.AnsweredAt, r.ClosedAt = optTime(sent), optTime(acked), optTime(first), optTime(answered), optTime(closed)
	r.AckDue, r.AnswerDue, r.AnswerDueOriginal = optTime(ackDue), optTime(answerDue), optTime(original)
	r.AckBusinessSecs, r.AnswerBusinessSecs = secsOpt(ackSecs), secsOpt(answerSecs)
	r.CreatedAt, r.UpdatedAt = parseTime(created), parseTime(updated)
	return r, nil
}

// Request returns one request; ENOTFOUND if there is none.
func (db *DB) Request(ctx context.Context, id int64) (warden.Request, error) {
	r, err := scanRequest(db.reader(ctx).QueryRowContext(ctx, `SELECT `+requestColumns+`, data FROM requests WHERE id = $1`, id).Scan, true)
	if errors.Is(err, sql.ErrNoRows) {
		return r, warden.Errorf(warden.ENOTFOUND, "no request %d", id)
	}
	if err != nil {
		return r, fmt.Errorf("request %d: %w", id, err)
	}
	return r, nil
}

// RequestFilter selects requests; the zero value selects all.
type RequestFilter struct {
	Status      warden.RequestStatus
	Direction   warden.Direction
	Counterpart string
	Priority    warden.Priority
	// OverdueAt, if set, keeps the requests awaiting an answer (sent,
	// acknowledged, in progress, or answered in part only) whose answer
	// deadline passed before it.
	OverdueAt time.Time
	// Query keeps the requests whose reference or form holds it, in any
	// letter case.
	Query string
	// HideUnsent leaves out the requests of that direction never sent
	// (drafts, and drafts withdrawn): a counterpart does not see the
	// authority's.
	HideUnsent warden.Direction
	// After keeps the ids below it (the next page, newest first); Limit
	// is the most returned (0: all).
	After int64
	Limit int
}

// Requests returns the requests f selects, newest first.
func (db *DB) Requests(ctx context.Context, f RequestFilter) ([]warden.Request, error) {
	var where []string
	var args []any
	add := func(cond string, vs ...any) {
		ph := make([]any, len(vs))
		for i, v := range vs {
			args = append(args, v)
			ph[i] = len(args)
		}
		where = append(where, fmt.Sprintf(cond, ph...))
	}
	if f.Status != "" {
		add("status = $%d", string(f.Status))
	}
	if f.Direction != "" {
		add("direction = $%d", string(f.Direction))
	}
	if f.Counterpart != "" {
		add("counterpart = $%d", f.Counterpart)
	}
	if f.Priority != "" {
		add("priority = $%d", string(f.Priority))
	}
	if !f.OverdueAt.IsZero() {
		add("status IN ('sent', 'acknowledged', 'in_progress', 'answered', 'reviewed') AND answered_at = '' AND answer_due <> '' AND answer_due < $%d", timestamp(f.OverdueAt))
	}
	if f.Query != "" {
		q := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(f.Query)) + "%"
		add(`(LOWER(reference) LIKE $%d ESCAPE '\' OR LOWER(data) LIKE $%d ESCAPE '\')`, q, q)
	}
	if f.HideUnsent != "" {
		add("NOT (sent_at = '' AND direction = $%d)", string(f.HideUnsent))
	}
	if f.After > 0 {
		add("id < $%d", f.After)
	}
	q := `SELECT ` + requestColumns + `, data FROM requests`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY id DESC"
	if f.Limit > 0 {
		q += " LIMIT " + strconv.Itoa(f.Limit)
	}
	rows, err := db.sql.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("requests: %w", err)
	}
	defer rows.Close()
	out := []warden.Request{}
	for rows.Next() {
		r, err := scanRequest(rows.Scan, true)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// AddRequestMessage stores message m in its request's thread with its
// attachments (m.Attachments, whose bytes are data, in order), setting
// their ids, with the domain events and the audit event (whose detail,
// unless set, says what was added). If r is not nil
// the request changes with it (an answer), as UpdateRequest would, at
// m.CreatedAt. ECONFLICT if r moved first; nothing is stored then.
func (db *DB) AddRequestMessage(ctx context.Context, m *warden.RequestMessage, data [][]byte, r *warden.Request, from warden.RequestStatus, ev *warden.AuditEvent, events ...warden.DomainEvent) error {
	if len(data) != len(m.Attachments) {
		return warden.Errorf(warden.EINTERNAL, "store: %d attachments with %d files", len(m.Attachments), len(data))
	}
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		if r != nil {
			if err := updateRequest(ctx, tx, r, from, m.CreatedAt, nil); err != nil {
				return err
			}
		}
		if err := insertMessage(ctx, tx, m, data); err != nil {
			return err
		}
		if ev != nil && ev.Detail == nil {
			ev.Detail, _ = json.Marshal(map[string]any{"message": m.ID, "kind": m.Kind, "answer": m.Answer, "attachments": m.Attachments})
		}
		return insertEvents(ctx, tx, events, m.CreatedAt)
	})
}

// insertMessage inserts message m and its attachments, whose bytes are
// data, setting their ids.
func insertMessage(ctx context.Context, tx *sql.Tx, m *warden.RequestMessage, data [][]byte) error {
	id, err := nextID(ctx, tx, "request_messages")
	if err != nil {
		return err
	}
	m.ID = id
	_, err = tx.ExecContext(ctx, `INSERT INTO request_messages (id, request, kind, answer, body, author, org, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		m.ID, m.Request, string(m.Kind), string(m.Answer), m.Body, m.Author, m.Org, timestamp(m.CreatedAt))
	if err != nil {
		return fmt.Errorf("add message: %w", err)
	}
	for i := range m.Attachments {
		a := &m.Attachments[i]
		if a.ID, err = nextID(ctx, tx, "request_attachments"); err != nil {
			return err
		}
		a.Message = m.ID
		_, err = tx.ExecContext(ctx, `INSERT INTO request_attachments (id, request, message, name, media_type, size, sha256, data, added_by, added_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, a.ID, m.Request, m.ID, a.Name, a.MediaType, a.Size, a.SHA256, data[i], a.AddedBy, timestamp(a.AddedAt))
		if err != nil {
			return fmt.Errorf("add attachment: %w", err)
		}
	}
	return nil
}

// Ending says who decides, and why, the extensions still asked of a
// request that a step ends.
type Ending struct {
	By, Decision string
}

// EndRequest stores r, which a step ended (refused, withdrawn, lapsed or
// closed) from status from at now, as UpdateRequest would, with note, if
// not nil, in its thread, and refuses the extensions still asked of it
// as end says, at now: all in one transaction with the domain events and
// the audit event, whose detail records how many it refused.
// ECONFLICT if the request moved first; nothing is stored then.
func (db *DB) EndRequest(ctx context.Context, r *warden.Request, from warden.RequestStatus, now time.Time, note *warden.RequestMessage, end Ending, ev *warden.AuditEvent, events ...warden.DomainEvent) error {
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		if err := updateRequest(ctx, tx, r, from, now, events); err != nil {
			return err
		}
		if note != nil {
			if err := insertMessage(ctx, tx, note, nil); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE request_extensions SET status = $1, decided_by = $2, decided_at = $3, decision = $4 WHERE request = $5 AND status = 'asked'`,
			string(warden.ExtensionRefused), end.By, timestamp(now), end.Decision, r.ID)
		if err != nil {
			return fmt.Errorf("refuse extensions: %w", err)
		}
		if n, _ := res.RowsAffected(); n > 0 && ev != nil {
			ev.Detail, err = setDetail(ev.Detail, "extensions_refused", n)
		}
		return err
	})
}

const messageColumns = `id, request, kind, answer, body, author, org, created_at`

func scanMessage(scan func(...any) error) (warden.RequestMessage, error) {
	var m warden.RequestMessage
	var kind, answer, at string
	err := scan(&m.ID, &m.Request, &kind, &answer, &m.Body, &m.Author, &m.Org, &at)
	m.Kind, m.Answer, m.CreatedAt, m.Attachments = warden.MessageKind(kind), warden.AnswerCompleteness(answer), parseTime(at), []warden.Attachment{}
	return m, err
}

// RequestMessages returns the thread of request id, oldest first, each
// message with its attachments (without their bytes).
func (db *DB) RequestMessages(ctx context.Context, id int64) ([]warden.RequestMessage, error) {
	q := db.reader(ctx)
	rows, err := q.QueryContext(ctx, `SELECT `+messageColumns+` FROM request_messages WHERE request = $1 ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("messages: %w", err)
	}
	out := []warden.RequestMessage{}
	index := map[int64]int{}
	for rows.Next() {
		m, err := scanMessage(rows.Scan)
		if err != nil {
			rows.Close()
			return nil, err
		}
		index[m.ID] = len(out)
		out = append(out, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT `+attachmentColumns+` FROM request_attachments WHERE request = $1 ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("attachments: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		a, err := scanAttachment(rows.Scan)
		if err != nil {
			return nil, err
		}
		if i, ok := index[a.Message]; ok {
			out[i].Attachments = append(out[i].Attachments, a)
		}
	}
	return out, rows.Err()
}

// RequestMessage returns message mid of request id, without its
// attachments; ENOTFOUND if the request has no such message.
func (db *DB) RequestMessage(ctx context.Context, id, mid int64) (warden.RequestMessage, error) {
	m, err := scanMessage(db.reader(ctx).QueryRowContext(ctx, `SELECT `+messageColumns+` FROM request_messages WHERE request = $1 AND id = $2`, id, mid).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return m, warden.Errorf(warden.ENOTFOUND, "request %d has no message %d", id, mid)
	}
	return m, err
}

const attachmentColumns = `id, message, name, media_type, size, sha256, added_by, added_at`

func scanAttachment(scan func(...any) error, more ...any) (warden.Attachment, error) {
	var a warden.Attachment
	var at string
	err := scan(append([]any{&a.ID, &a.Message, &a.Name, &a.MediaType, &a.Size, &a.SHA256, &a.AddedBy, &at}, more...)...)
	a.AddedAt = parseTime(at)
	return a, err
}

// RequestAttachment returns attachment aid of request id with its bytes;
// ENOTFOUND if the request has no such attachment (one of another request
// is not found through this one).
func (db *DB) RequestAttachment(ctx context.Context, id, aid int64) (warden.Attachment, []byte, error) {
	var data []byte
	a, err := scanAttachment(db.sql.QueryRowContext(ctx, `SELECT `+attachmentColumns+`, data FROM request_attachments WHERE request = $1 AND id = $2`, id, aid).Scan, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return a, nil, warden.Errorf(warden.ENOTFOUND, "request %d has no attachment %d", id, aid)
	}
	if err != nil {
		return a, nil, fmt.Errorf("attachment: %w", err)
	}
	return a, data, nil
}

// AddExtension stores an extension asked for request x.Request while the
// request is in status from, setting its id, with the domain events and
// the audit event. ECONFLICT if the request moved first.
func (db *DB) AddExtension(ctx context.Context, x *warden.Extension, from warden.RequestStatus, ev *warden.AuditEvent, events ...warden.DomainEvent) error {
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		if err := requireStatus(ctx, tx, x.Request, from); err != nil {
			return err
		}
		id, err := nextID(ctx, tx, "request_extensions")
		if err != nil {
			return err
		}
		x.ID = id
		_, err = tx.ExecContext(ctx, `INSERT INTO request_extensions (id, request, until_at, reason, status, asked_by, asked_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			x.ID, x.Request, timestamp(x.Until), x.Reason, string(x.Status), x.AskedBy, timestamp(x.AskedAt))
		if err != nil {
			return fmt.Errorf("add extension: %w", err)
		}
		return insertEvents(ctx, tx, events, x.AskedAt)
	})
}

// DecideExtension stores the decision on extension x (its status,
// decider, time and reason) if it is still asked, and, when r is not nil
// (a granted extension moves the deadline), the request as UpdateRequest
// would, with the domain events and the audit event, at x.DecidedAt.
// ECONFLICT if someone decided the extension or moved the request first.
func (db *DB) DecideExtension(ctx context.Context, x *warden.Extension, r *warden.Request, from warden.RequestStatus, ev *warden.AuditEvent, events ...warden.DomainEvent) error {
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE request_extensions SET status = $1, decided_by = $2, decided_at = $3, decision = $4 WHERE id = $5 AND request = $6 AND status = 'asked'`,
			string(x.Status), x.DecidedBy, optStamp(x.DecidedAt), x.Decision, x.ID, x.Request)
		if err != nil {
			return fmt.Errorf("decide extension: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return warden.Errorf(warden.ECONFLICT, "extension %d was decided by someone else first", x.ID)
		}
		if r != nil {
			return updateRequest(ctx, tx, r, from, *x.DecidedAt, events)
		}
		if err := requireStatus(ctx, tx, x.Request, from); err != nil {
			return err
		}
		return insertEvents(ctx, tx, events, *x.DecidedAt)
	})
}

const extensionColumns = `id, request, until_at, reason, status, asked_by, asked_at, decided_by, decided_at, decision`

func scanExtension(scan func(...any) error) (warden.Extension, error) {
	var x warden.Extension
	var until, status, asked, decided string
	err := scan(&x.ID, &x.Request, &until, &x.Reason, &status, &x.AskedBy, &asked, &x.DecidedBy, &decided, &x.Decision)
	x.Until, x.Status, x.AskedAt, x.DecidedAt = parseTime(until), warden.ExtensionStatus(status), parseTime(asked), optTime(decided)
	return x, err
}

// RequestExtensions returns the extensions asked for request id, oldest
// first.
func (db *DB) RequestExtensions(ctx context.Context, id int64) ([]warden.Extension, error) {
	return queryAll(ctx, db.reader(ctx), "extensions", scanExtension, `SELECT `+extensionColumns+` FROM request_extensions WHERE request = $1 ORDER BY id`, id)
}

// RequestExtension returns extension xid of request id; ENOTFOUND if the
// request has no such extension.
func (db *DB) RequestExtension(ctx context.Context, id, xid int64) (warden.Extension, error) {
	x, err := scanExtension(db.reader(ctx).QueryRowContext(ctx, `SELECT `+extensionColumns+` FROM request_extensions WHERE request = $1 AND id = $2`, id, xid).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return x, warden.Errorf(warden.ENOTFOUND, "request %d has no extension %d", id, xid)
	}
	return x, err
}

// queryAll reads every row a query returns with scan; what names the read
// in errors.
func queryAll[T any](ctx context.Context, q querier, what string, scan func(func(...any) error) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows.Scan)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// AddReview stores review v of an answer, setting its id, and the request
// r as UpdateRequest would (it becomes reviewed), at v.At, with the
// domain events and the audit event. ECONFLICT if the answer has a review
// already or the request moved first.
func (db *DB) AddReview(ctx context.Context, v *warden.Review, r *warden.Request, from warden.RequestStatus, ev *warden.AuditEvent, events ...warden.DomainEvent) error {
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		if err := updateRequest(ctx, tx, r, from, v.At, nil); err != nil {
			return err
		}
		id, err := nextID(ctx, tx, "request_reviews")
		if err != nil {
			return err
		}
		v.ID = id
		_, err = tx.ExecContext(ctx, `INSERT INTO request_reviews (id, request, message, completeness, accuracy, actionability, updates, comments, use_made, reviewed_by, reviewed_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			v.ID, v.Request, v.Message, v.Rubric.Completeness, v.Rubric.Accuracy, v.Rubric.Actionability, v.Rubric.Updates, v.Comments, string(v.Use), v.By, timestamp(v.At))
		if err != nil && isUnique(err) {
			return warden.Errorf(warden.ECONFLICT, "message: answer %d has a review already", v.Message)
		}
		if err != nil {
			return fmt.Errorf("add review: %w", err)
		}
		return insertEvents(ctx, tx, events, v.At)
	})
}

// RespondReview stores the response to review v (its text, author and
// time) if it has none yet, with the domain events and the audit event.
// ECONFLICT if it was answered first.
func (db *DB) RespondReview(ctx context.Context, v *warden.Review, ev *warden.AuditEvent, events ...warden.DomainEvent) error {
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE request_reviews SET response = $1, responded_by = $2, responded_at = $3 WHERE id = $4 AND request = $5 AND responded_at = ''`,
			v.Response, v.RespondedBy, optStamp(v.RespondedAt), v.ID, v.Request)
		if err != nil {
			return fmt.Errorf("respond to review: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return warden.Errorf(warden.ECONFLICT, "review %d has a response already", v.ID)
		}
		return insertEvents(ctx, tx, events, *v.RespondedAt)
	})
}

const reviewColumns = `id, request, message, completeness, accuracy, actionability, updates, comments, use_made, reviewed_by, reviewed_at, response, responded_by, responded_at`

func scanReview(scan func(...any) error) (warden.Review, error) {
	var v warden.Review
	var use, at, responded string
	err := scan(&v.ID, &v.Request, &v.Message, &v.Rubric.Completeness, &v.Rubric.Accuracy, &v.Rubric.Actionability, &v.Rubric.Updates,
		&v.Comments, &use, &v.By, &at, &v.Response, &v.RespondedBy, &responded)
	v.Use, v.At, v.RespondedAt = warden.Use(use), parseTime(at), optTime(responded)
	return v, err
}

// RequestReviews returns the reviews of request id's answers, oldest
// first.
func (db *DB) RequestReviews(ctx context.Context, id int64) ([]warden.Review, error) {
	return queryAll(ctx, db.reader(ctx), "reviews", scanReview, `SELECT `+reviewColumns+` FROM request_reviews WHERE request = $1 ORDER BY id`, id)
}

// RequestReview returns review vid of request id; ENOTFOUND if the
// request has no such review.
func (db *DB) RequestReview(ctx context.Context, id, vid int64) (warden.Review, error) {
	v, err := scanReview(db.reader(ctx).QueryRowContext(ctx, `SELECT `+reviewColumns+` FROM request_reviews WHERE request = $1 AND id = $2`, id, vid).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return v, warden.Errorf(warden.ENOTFOUND, "request %d has no review %d", id, vid)
	}
	return v, err
}

// AddReferral stores referral f of its request, setting its id, with the
// domain events and the audit event, if the request is still in status
// from; ECONFLICT if it moved first, EINVALID naming ground if it was
// referred on that ground already.
func (db *DB) AddReferral(ctx context.Context, f *warden.Referral, from warden.RequestStatus, ev *warden.AuditEvent, events ...warden.DomainEvent) error {
	if f.Designations == nil {
		f.Designations = []int64{}
	}
	ids, err := json.Marshal(f.Designations)
	if err != nil {
		return err
	}
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		if err := requireStatus(ctx, tx, f.Request, from); err != nil {
			return err
		}
		id, err := nextID(ctx, tx, "request_referrals")
		if err != nil {
			return err
		}
		f.ID = id
		_, err = tx.ExecContext(ctx, `INSERT INTO request_referrals (id, request, ground, reason, designations, referred_by, referred_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			f.ID, f.Request, string(f.Ground), f.Reason, string(ids), f.By, timestamp(f.At))
		if err != nil && isUnique(err) {
			return warden.Errorf(warden.EINVALID, "ground: request %d was referred as %s already", f.Request, f.Ground)
		}
		if err != nil {
			return fmt.Errorf("add referral: %w", err)
		}
		return insertEvents(ctx, tx, events, f.At)
	})
}

// RequestReferrals returns the referrals of request id, oldest first.
func (db *DB) RequestReferrals(ctx context.Context, id int64) ([]warden.Referral, error) {
	return queryAll(ctx, db.reader(ctx), "referrals", func(scan func(...any) error) (warden.Referral, error) {
		var f warden.Referral
		var ground, ids, at string
		if err := scan(&f.ID, &f.Request, &ground, &f.Reason, &ids, &f.By, &at); err != nil {
			return f, err
		}
		f.Ground, f.At = warden.ReferralGround(ground), parseTime(at)
		return f, json.Unmarshal([]byte(ids), &f.Designations)
	}, `SELECT id, request, ground, reason, designations, referred_by, referred_at FROM request_referrals WHERE request = $1 ORDER BY id`, id)
}

// RequestEvents returns the domain events of request id (its timeline),
// oldest first.
func (db *DB) RequestEvents(ctx context.Context, id int64) ([]warden.DomainEvent, error) {
	return queryAll(ctx, db.reader(ctx), "request events", func(scan func(...any) error) (warden.DomainEvent, error) {
		var e warden.DomainEvent
		var payload, at string
		err := scan(&e.ID, &e.Type, &e.Object, &payload, &at)
		e.Payload, e.CreatedAt = json.RawMessage(payload), parseTime(at)
		return e, err
	}, `SELECT id, type, object, payload, created_at FROM events WHERE object = $1 ORDER BY id`, requestObject(id))
}

// OrgCalendar returns organisation org's business calendar (empty
// fields if it has none); ENOTFOUND if there is no such organisation.
func (db *DB) OrgCalendar(ctx context.Context, org string) (warden.OrgCalendar, error) {
	c := warden.OrgCalendar{Org: org}
	err := db.reader(ctx).QueryRowContext(ctx, `SELECT time_zone, country, office_hours FROM organisations WHERE id = $1`, org).Scan(&c.TimeZone, &c.Country, &c.OfficeHours)
	if errors.Is(err, sql.ErrNoRows) {
		return c, warden.Errorf(warden.ENOTFOUND, "no organisation %q", org)
	}
	if err != nil {
		return c, fmt.Errorf("calendar of %s: %w", org, err)
	}
	return c, nil
}

// SetOrgCalendar stores organisation c.Org's business calendar with the
// audit event; ENOTFOUND if there is no such organisation.
func (db *DB) SetOrgCalendar(ctx context.Context, c warden.OrgCalendar, ev *warden.AuditEvent) error {
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE organisations SET time_zone = $1, country = $2, office_hours = $3 WHERE id = $4`, c.TimeZone, c.Country, c.OfficeHours, c.Org)
		if err != nil {
			return fmt.Errorf("set the calendar of %s: %w", c.Org, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return warden.Errorf(warden.ENOTFOUND, "no organisation %q", c.Org)
		}
		return nil
	})
}

// Closures returns the closures of organisation org in force (not
// removed), by date.
func (db *DB) Closures(ctx context.Context, org string) ([]warden.Closure, error) {
	return queryAll(ctx, db.reader(ctx), "closures", scanClosure,
		`SELECT org, day, reason, added_at FROM org_closures WHERE org = $1 AND removed_at = '' ORDER BY day`, org)
}

// ClosuresAt returns the closures of organisation org that were in force
// at at (added by then and not removed by then), by date: those a
// request sent at at counts.
func (db *DB) ClosuresAt(ctx context.Context, org string, at time.Time) ([]warden.Closure, error) {
	return queryAll(ctx, db.reader(ctx), "closures", scanClosure,
		`SELECT org, day, reason, added_at FROM org_closures WHERE org = $1 AND added_at <= $2 AND (removed_at = '' OR removed_at > $2) ORDER BY day`, org, timestamp(at))
}

func scanClosure(scan func(...any) error) (warden.Closure, error) {
	var c warden.Closure
	var added string
	err := scan(&c.Org, &c.Date, &c.Reason, &added)
	c.AddedAt = parseTime(added)
	return c, err
}

// AddClosure stores closure c, added at c.AddedAt, with the audit event,
// unless the organisation has perYear closures in force in c's calendar
// year already (EINVALID naming date). ECONFLICT if it is closed that day
// already.
func (db *DB) AddClosure(ctx context.Context, c warden.Closure, perYear int, ev *warden.AuditEvent) error {
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM org_closures WHERE org = $1 AND removed_at = '' AND day LIKE $2`, c.Org, c.Date[:4]+"-%").Scan(&n); err != nil {
			return fmt.Errorf("add closure: %w", err)
		}
		if n >= perYear {
			return warden.Errorf(warden.EINVALID, "date: %s has %d closures in %s already, the most a year", c.Org, n, c.Date[:4])
		}
		id, err := nextID(ctx, tx, "org_closures")
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO org_closures (id, org, day, reason, added_at) VALUES ($1, $2, $3, $4, $5)`, id, c.Org, c.Date, c.Reason, timestamp(c.AddedAt))
		if err != nil && isUnique(err) {
			return warden.Errorf(warden.ECONFLICT, "date: %s is closed on %s already", c.Org, c.Date)
		}
		return err
	})
}

// RemoveClosure removes organisation org's closure of date as of at,
// with the audit event: it is kept, so that the requests sent while it
// was in force still count it. ENOTFOUND if there is none in force.
func (db *DB) RemoveClosure(ctx context.Context, org, date string, at time.Time, ev *warden.AuditEvent) error {
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE org_closures SET removed_at = $1 WHERE org = $2 AND day = $3 AND removed_at = ''`, timestamp(at), org, date)
		if err != nil {
			return fmt.Errorf("remove closure: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return warden.Errorf(warden.ENOTFOUND, "%s has no closure on %s", org, date)
		}
		return nil
	})
}

// Dialogues returns the dialogues held with organisation org ("" for
// all), by date.
func (db *DB) Dialogues(ctx context.Context, org string) ([]warden.Dialogue, error) {
	var w where
	w.eq("org", org)
	return queryAll(ctx, db.reader(ctx), "dialogues", func(scan func(...any) error) (warden.Dialogue, error) {
		var d warden.Dialogue
		var at string
		err := scan(&d.ID, &d.Org, &d.HeldOn, &d.Notes, &d.AddedBy, &at)
		d.AddedAt = parseTime(at)
		return d, err
	}, `SELECT id, org, held_on, notes, added_by, added_at FROM dialogues`+w.String()+` ORDER BY held_on, id`, w.args...)
}

// AddDialogue stores a dialogue, setting its id, with the audit event,
// whose object it sets.
func (db *DB) AddDialogue(ctx context.Context, d *warden.Dialogue, ev *warden.AuditEvent) error {
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		id, err := nextID(ctx, tx, "dialogues")
		if err != nil {
			return err
		}
		d.ID = id
		if ev != nil {
			ev.Object = "dialogue:" + strconv.FormatInt(id, 10)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO dialogues (id, org, held_on, notes, added_by, added_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			d.ID, d.Org, d.HeldOn, d.Notes, d.AddedBy, timestamp(d.AddedAt))
		if err != nil {
			return fmt.Errorf("add dialogue: %w", err)
		}
		return nil
	})
}

// CooperationSetting reads the setting under key into v (a pointer) and
// reports whether there is one.
func (db *DB) CooperationSetting(ctx context.Context, key string, v any) (bool, error) {
	var value string
	err := db.reader(ctx).QueryRowContext(ctx, `SELECT value FROM cooperation_settings WHERE key = $1`, key).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("setting %s: %w", key, err)
	}
	if err := json.Unmarshal([]byte(value), v); err != nil {
		return false, fmt.Errorf("decode setting %s: %w", key, err)
	}
	return true, nil
}

// SetCooperationSetting stores v as JSON under key, with the audit event.
func (db *DB) SetCooperationSetting(ctx context.Context, key string, v any, ev *warden.AuditEvent) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO cooperation_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, string(b))
		if err != nil {
			return fmt.Errorf("set %s: %w", key, err)
		}
		return nil
	})
}

// DeadlineMark is one of the deadline sweep's marks on a request: each
// deadline event is written once.
type DeadlineMark string

// The marks. A missed mark sets the warned one too: a deadline found
// missed needs no warning any more.
const (
	AckWarned    DeadlineMark = "ack_warned"
	AckMissed    DeadlineMark = "ack_missed"
	AnswerWarned DeadlineMark = "answer_warned"
	AnswerMissed DeadlineMark = "answer_missed"
)

// Watched is a request the deadline sweep watches, with its marks. The
// request holds what its columns say, not its form.
type Watched struct {
	Request                                          warden.Request
	AckWarned, AckMissed, AnswerWarned, AnswerMissed bool
}

// Watched returns the requests with a deadline not yet marked missed:
// sent and not acknowledged, or awaiting an answer (sent, acknowledged,
// in progress, or answered in part only), by id.
func (db *DB) Watched(ctx context.Context) ([]Watched, error) {
	return queryAll(ctx, db.sql, "watched requests", func(scan func(...any) error) (Watched, error) {
		var w Watched
		var marks [4]int
		r, err := scanRequest(func(dest ...any) error {
			return scan(append(dest, &marks[0], &marks[1], &marks[2], &marks[3])...)
		}, false)
		w.Request = r
		w.AckWarned, w.AckMissed, w.AnswerWarned, w.AnswerMissed = marks[0] != 0, marks[1] != 0, marks[2] != 0, marks[3] != 0
		return w, err
	}, `SELECT `+requestColumns+`, ack_warned, ack_missed, answer_warned, answer_missed FROM requests
		WHERE status IN ('sent', 'acknowledged', 'in_progress', 'answered', 'reviewed')
		AND ((acknowledged_at = '' AND ack_missed = 0) OR (answered_at = '' AND answer_missed = 0)) ORDER BY id`)
}

// MarkDeadline sets mark on request id, with the domain event e and the
// audit event, if it is not set yet, the deadline it is about is still
// due (as due, the time the sweep read) and not yet met (the request not
// acknowledged, or not answered in full, and still awaiting it). It
// reports whether it marked: of sweeps on several nodes at once, exactly
// one writes the event.
func (db *DB) MarkDeadline(ctx context.Context, id int64, mark DeadlineMark, due time.Time, e warden.DomainEvent, ev *warden.AuditEvent) (bool, error) {
	var set, met, dueCol string
	switch mark {
	case AckWarned:
		set, met, dueCol = "ack_warned = 1", "acknowledged_at", "ack_due"
	case AckMissed:
		set, met, dueCol = "ack_warned = 1, ack_missed = 1", "acknowledged_at", "ack_due"
	case AnswerWarned:
		set, met, dueCol = "answer_warned = 1", "answered_at", "answer_due"
	case AnswerMissed:
		set, met, dueCol = "answer_warned = 1, answer_missed = 1", "answered_at", "answer_due"
	default:
		return false, warden.Errorf(warden.EINTERNAL, "store: no deadline mark %q", mark)
	}
	marked := false
	err := db.change(ctx, ev, func(tx *sql.Tx) error {
		marked = false // a group the database refused is run again
		res, err := tx.ExecContext(ctx, `UPDATE requests SET `+set+` WHERE id = $1 AND `+string(mark)+` = 0 AND `+met+` = ''
			AND `+dueCol+` = $2 AND status IN ('sent', 'acknowledged', 'in_progress', 'answered', 'reviewed')`, id, timestamp(due))
		if err != nil {
			return fmt.Errorf("mark deadline: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errSkipAudit
		}
		marked = true
		return insertEvents(ctx, tx, []warden.DomainEvent{e}, db.now())
	})
	return marked, err
}
