package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"warden"
)

// RecordTransaction stores a screened payment with its cases, ledger
// entries and audit event, all in one transaction, unless its reference is
// known: then it stores nothing and returns the first decision (and
// existed), or ECONFLICT if the reference came with another payment.
// EINVALID, storing nothing, if a blocking would take its balance beyond
// warden.MaxBalance.
func (db *DB) RecordTransaction(ctx context.Context, d *warden.TxDecision, bodyHash string, cases []warden.PendingCase, entries []warden.LedgerEntry, ev *warden.AuditEvent) (existed bool, err error) {
	err = db.change(ctx, ev, func(tx *sql.Tx) error {
		var err error
		existed, err = recordDecision(ctx, tx, d, bodyHash, cases, entries)
		if existed {
			return errSkipAudit
		}
		if err != nil {
			return err
		}
		return paymentEvent(ctx, tx, d, d.Decision, d.Case, "screening", db.now())
	})
	return existed, err
}

// paymentEvents are the events that report a payment's decision or
// status; a cleared payment has none.
var paymentEvents = map[string]string{
	warden.DecisionBlocked:  warden.EventPaymentBlocked,
	warden.DecisionRejected: warden.EventPaymentRejected,
	warden.DecisionHeld:     warden.EventPaymentHeld,
}

// paymentEvent writes, in tx, the event that reports d's payment becoming
// status, if any: by "screening" (its first decision) or "case" (a case
// decided it).
func paymentEvent(ctx context.Context, tx *sql.Tx, d *warden.TxDecision, status string, caseID *int64, by string, now time.Time) error {
	typ, ok := paymentEvents[status]
	if !ok {
		return nil
	}
	payload, err := json.Marshal(warden.PaymentEvent{Reference: d.Reference, Amount: d.Amount, Decision: status,
		Hits: warden.EventHits(d.Hits), HitCount: len(d.Hits), Case: caseID, By: by})
	if err != nil {
		return err
	}
	return insertEvent(ctx, tx, warden.DomainEvent{Type: typ, Object: "tx:" + d.Reference, Payload: payload}, now)
}

// customerEvent writes, in tx, customer.hit for a screening of c
// ("onboarding" or "rescreening") that decided d, unless d cleared it.
func customerEvent(ctx context.Context, tx *sql.Tx, id, name string, d *warden.TxDecision, screening string, now time.Time) error {
	if d.Decision == warden.DecisionCleared {
		return nil
	}
	payload, err := json.Marshal(warden.CustomerEvent{Customer: id, Name: name, Decision: d.Decision, Case: d.Case,
		Hits: warden.EventHits(d.Hits), HitCount: len(d.Hits), Screening: screening})
	if err != nil {
		return err
	}
	return insertEvent(ctx, tx, warden.DomainEvent{Type: warden.EventCustomerHit, Object: "customer:" + id, Payload: payload}, now)
}

// RecordCustomer stores a customer with its onboarding decision and cases,
// unless the customer is known: then it stores nothing and returns the
// first decision (and existed), or ECONFLICT if the id came with other
// details.
func (db *DB) RecordCustomer(ctx context.Context, c *warden.Customer, d *warden.TxDecision, bodyHash string, cases []warden.PendingCase, ev *warden.AuditEvent) (existed bool, err error) {
	err = db.change(ctx, ev, func(tx *sql.Tx) error {
		var err error
		existed, err = recordDecision(ctx, tx, d, bodyHash, cases, nil)
		if existed || err != nil {
			if existed {
				return errSkipAudit
			}
			return err
		}
		b, _ := json.Marshal(c)
		if _, err := tx.ExecContext(ctx, `INSERT INTO customers (id, reference, body, created_at, created_by) VALUES ($1, $2, $3, $4, $5)`,
			c.ID, d.Reference, string(b), timestamp(c.OnboardedAt), c.OnboardedBy); err != nil {
			return fmt.Errorf("insert customer: %w", err)
		}
		return customerEvent(ctx, tx, c.ID, c.Name, d, "onboarding", db.now())
	})
	return existed, err
}

// recordDecision stores a decision with its cases and ledger entries in tx
// unless its reference is known (existed: d becomes the first decision).
func recordDecision(ctx context.Context, tx *sql.Tx, d *warden.TxDecision, bodyHash string, cases []warden.PendingCase, entries []warden.LedgerEntry) (bool, error) {
	var hash, resp string
	err := tx.QueryRowContext(ctx, `SELECT body_hash, response FROM transactions WHERE reference = $1`, d.Reference).Scan(&hash, &resp)
	switch {
	case err == nil:
		if hash != bodyHash {
			if strings.HasPrefix(d.Reference, "customer:") {
				return false, warden.Errorf(warden.ECONFLICT, "customer %q was onboarded with other details", strings.TrimPrefix(d.Reference, "customer:"))
			}
			return false, warden.Errorf(warden.ECONFLICT, "reference %q was used for another payment", d.Reference)
		}
		var first warden.TxDecision // fresh: d may share slices with others
		if err := json.Unmarshal([]byte(resp), &first); err != nil {
			return false, err
		}
		*d = first
		return true, nil
	case !errors.Is(err, sql.ErrNoRows):
		return false, fmt.Errorf("find transaction: %w", err)
	}
	if err := numberCases(ctx, tx, d, cases); err != nil {
		return false, err
	}
	b, _ := json.Marshal(d)
	if _, err := tx.ExecContext(ctx, `INSERT INTO transactions (reference, body_hash, decision, status, response, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		d.Reference, bodyHash, d.Decision, d.Status, string(b), timestamp(d.DecidedAt)); err != nil {
		return false, fmt.Errorf("insert transaction: %w", err)
	}
	if err := countCustomer(ctx, tx, d.Reference, "", d.Status, 1); err != nil {
		return false, err
	}
	for i := range cases {
		if err := insertCase(ctx, tx, d.Reference, cases[i]); err != nil {
			return false, err
		}
	}
	for i := range entries {
		if err := appendLedger(ctx, tx, &entries[i]); err != nil {
			return false, err
		}
	}
	return false, linkIndicators(ctx, tx, d, cases)
}

// numberCases gives cases their ids and records them in d.
func numberCases(ctx context.Context, tx *sql.Tx, d *warden.TxDecision, cases []warden.PendingCase) error {
	d.Cases, d.Case = nil, nil
	var next int64
	if len(cases) > 0 {
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM cases`).Scan(&next); err != nil {
			return err
		}
	}
	for i := range cases {
		cases[i].Case.ID = next + int64(i)
		d.Cases = append(d.Cases, cases[i].Case.ID)
	}
	if len(d.Cases) > 0 {
		first := d.Cases[0]
		d.Case = &first
	}
	return nil
}

// Customer returns a customer with its onboarding decision and status now;
// ENOTFOUND if there is none.
func (db *DB) Customer(ctx context.Context, id string) (warden.Customer, error) {
	c, err := scanCustomer(db.sql.QueryRowContext(ctx, `SELECT `+customerColumns+` FROM customers c JOIN transactions t ON t.reference = c.reference WHERE c.id = $1`, id).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return c, warden.Errorf(warden.ENOTFOUND, "no customer %q", id)
	}
	return c, err
}

// CountCustomers counts the customers whose status is now status ("" for
// all).
func (db *DB) CountCustomers(ctx context.Context, status string) (int, error) {
	var n int
	q, args := countCustomersQuery(status)
	err := db.sql.QueryRowContext(ctx, q, args...).Scan(&n)
	return n, err
}

// countCustomersQuery counts the customers with a status ("" for all),
// as customer_counts keeps them (countCustomer): each customer's
// transaction is written with the customer, and payments may not take a
// customer's reference (enforcement refuses them), so the customers'
// transactions are the customers.
func countCustomersQuery(status string) (string, []any) {
	if status == "" {
		return `SELECT COALESCE(SUM(n), 0) FROM customer_counts`, nil
	}
	return `SELECT COALESCE(SUM(n), 0) FROM customer_counts WHERE status = $1`, []any{status}
}

// countCustomer moves n customers of reference's kind from status from
// ("" for new ones) to status to in customer_counts, in the transaction
// that changes them; a payment's reference counts nothing.
func countCustomer(ctx context.Context, tx *sql.Tx, reference, from, to string, n int) error {
	if !strings.HasPrefix(reference, "customer:") || from == to || n == 0 {
		return nil
	}
	if from != "" {
		if _, err := tx.ExecContext(ctx, `UPDATE customer_counts SET n = n - $1 WHERE status = $2`, n, from); err != nil {
			return fmt.Errorf("count customers: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO customer_counts (status, n) VALUES ($1, $2) ON CONFLICT (status) DO UPDATE SET n = customer_counts.n + $2`, to, n); err != nil {
		return fmt.Errorf("count customers: %w", err)
	}
	return nil
}

// Customers lists customers in id order.
func (db *DB) Customers(ctx context.Context, f warden.CustomerFilter) ([]warden.Customer, error) {
	q, args := customersQuery(f)
	rows, err := db.sql.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("customers: %w", err)
	}
	defer rows.Close()
	out := []warden.Customer{}
	for rows.Next() {
		c, err := scanCustomer(rows.Scan)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// customersQuery selects the page of customers f asks for. All customers
// are read in id order from the primary key, each one's transaction
// looked up: CROSS JOIN keeps SQLite to that order (PostgreSQL plans it
// as a join). Those of a status are read from the other side, as a range
// of transactions_customer_status: the customers' transactions of the
// status after the reference customer:<After>, in reference order, each
// one's customer looked up by id. Reading customers in id order and
// keeping those of the status looked up 2,500 transactions for a page of
// 50 when 2% hold it. References are customer:<id>, so their order is
// the ids' in SQLite's and a C-collated PostgreSQL's byte order; under
// another collation the page is still in reference order, and a page
// after the last one's id neither skips nor repeats a customer.
//
// The customer is joined by id, not by reference: PostgreSQL has no
// statistics for the prefix condition (it guesses that 0.5% of the
// transactions are customers', not 20%) and, joined on reference, read
// customers_reference from the first customer in a merge join: 200 ms
// for a page of 1,000 cleared customers from the middle of 250,000. By
// id, the transactions' index is the one way to the order.
func customersQuery(f warden.CustomerFilter) (string, []any) {
	var w where
	if f.Status == "" {
		w.and("t.reference = c.reference")
		w.and("c.id > " + w.arg(f.After))
		limit := w.arg(f.Limit)
		return `SELECT ` + customerColumns + ` FROM customers c CROSS JOIN transactions t` + w.String() + ` ORDER BY c.id LIMIT ` + limit, w.args
	}
	w.and(customerTransaction)
	w.eq("t.status", f.Status)
	w.and("t.reference > " + w.arg(warden.CustomerReference(f.After)))
	limit := w.arg(f.Limit)
	return `SELECT ` + customerColumns + ` FROM transactions t JOIN customers c ON c.id = substr(t.reference, 10)` + w.String() + ` ORDER BY t.reference LIMIT ` + limit, w.args
}

// customerTransaction selects the customers' transactions, written as
// migration 0035 writes the condition of transactions_customer_status:
// both engines use a partial index only for a query that states its
// condition.
const customerTransaction = `substr(t.reference, 1, 9) = 'customer:'`

const customerColumns = `c.body, t.response, t.status, c.latest`

func scanCustomer(scan func(...any) error) (warden.Customer, error) {
	var c warden.Customer
	var body, resp, status, latest string
	if err := scan(&body, &resp, &status, &latest); err != nil {
		return c, err
	}
	var d warden.TxDecision
	if err := json.Unmarshal([]byte(body), &c); err != nil {
		return c, fmt.Errorf("customer: %w", err)
	}
	if err := json.Unmarshal([]byte(resp), &d); err != nil {
		return c, fmt.Errorf("customer decision: %w", err)
	}
	c.Decision, c.Status, c.Hits, c.Cases = d.Decision, status, d.Hits, d.Cases
	if latest != "" {
		var l warden.TxDecision
		if err := json.Unmarshal([]byte(latest), &l); err != nil {
			return c, fmt.Errorf("customer re-screening: %w", err)
		}
		c.Hits, c.Cases, c.RescreenedAt = l.Hits, append(c.Cases, l.Cases...), l.DecidedAt
	}
	return c, nil
}

func insertCase(ctx context.Context, tx *sql.Tx, ref string, p warden.PendingCase) error {
	c := p.Case
	source := warden.CaseSourcePayment
	if strings.HasPrefix(ref, warden.CustomerReference("")) {
		source = warden.CaseSourceCustomer
	}
	list, _, _ := strings.Cut(c.EntityID, ":")
	screened := ""
	if p.Screened.Role != "" {
		b, _ := json.Marshal(p.Screened)
		screened = string(b)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO cases (id, reference, party, counterparty, name, holder, entity_id, entity_hash, programs, score, status, created_at,
		source, list, listed_name, search, screened)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'open', $11, $12, $13, $14, $15, $16)`, c.ID, ref, c.Party, c.Counterparty, c.Name, c.Holder, c.EntityID, p.EntityHash,
		strings.Join(p.Programs, ","), c.Score, timestamp(c.CreatedAt), source, list, c.ListedName, caseSearch(c.Name, ref, c.EntityID, c.ListedName), screened)
	if err != nil {
		return fmt.Errorf("insert case: %w", err)
	}
	seen := map[string]bool{}
	for _, prog := range p.Programs {
		if prog == "" || seen[prog] {
			continue
		}
		seen[prog] = true
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_programs (case_id, program) VALUES ($1, $2)`, c.ID, prog); err != nil {
			return fmt.Errorf("insert case: programs: %w", err)
		}
	}
	return nil
}

// Transaction returns a stored payment's decision with its current status;
// ENOTFOUND if the reference is unknown.
func (db *DB) Transaction(ctx context.Context, ref string) (warden.TxDecision, error) {
	var d warden.TxDecision
	var resp, status, at string
	err := db.sql.QueryRowContext(ctx, `SELECT response, status, status_at FROM transactions WHERE reference = $1`, ref).Scan(&resp, &status, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return d, warden.Errorf(warden.ENOTFOUND, "no transaction %q", ref)
	}
	if err != nil {
		return d, err
	}
	if err := json.Unmarshal([]byte(resp), &d); err != nil {
		return d, err
	}
	d.Status, d.StatusAt = status, statusAt(d, at)
	return d, nil
}

// statusAt is when a decision's status became what it is: a case's
// decision if one changed it, else the first decision.
func statusAt(d warden.TxDecision, at string) time.Time {
	if at != "" {
		return parseTime(at)
	}
	return d.DecidedAt
}

const caseColumns = `id, reference, party, counterparty, name, holder, entity_id, entity_hash, programs, score, status, outcome, reason, decided_by, decided_at, created_at, review_flag,
	source, list, listed_name, assignee, assigned_at, cleared_by, clear_reason, cleared_at, screened`

func scanCase(scan func(...any) error) (warden.PendingCase, error) {
	var p warden.PendingCase
	c := &p.Case
	var programs, decided, created, assigned, cleared, screened string
	err := scan(&c.ID, &c.Reference, &c.Party, &c.Counterparty, &c.Name, &c.Holder, &c.EntityID, &p.EntityHash, &programs, &c.Score, &c.Status, &c.Outcome, &c.Reason, &c.DecidedBy, &decided, &created, &c.ReviewFlag,
		&c.Source, &c.List, &c.ListedName, &c.Assignee, &assigned, &c.ClearedBy, &c.ClearReason, &cleared, &screened)
	if err != nil {
		return p, err
	}
	if programs != "" {
		p.Programs = strings.Split(programs, ",")
		c.Programs = p.Programs
	}
	c.DecidedAt, c.CreatedAt, c.AssignedAt, c.ClearedAt = optTime(decided), parseTime(created), optTime(assigned), optTime(cleared)
	if screened != "" {
		if err := json.Unmarshal([]byte(screened), &p.Screened); err != nil {
			return p, fmt.Errorf("case %d: screened party: %w", c.ID, err)
		}
	}
	return p, nil
}

// Case returns one case; ENOTFOUND if there is none.
func (db *DB) Case(ctx context.Context, id int64) (warden.PendingCase, error) {
	p, err := scanCase(db.sql.QueryRowContext(ctx, `SELECT `+caseColumns+` FROM cases WHERE id = $1`, id).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return p, warden.Errorf(warden.ENOTFOUND, "no case %d", id)
	}
	return p, err
}

// Cases lists cases with a status ("" for all), oldest first.
func (db *DB) Cases(ctx context.Context, status warden.CaseStatus, limit int) ([]warden.Case, error) {
	q, args := casesQuery(status, limit)
	rows, err := db.sql.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("cases: %w", err)
	}
	defer rows.Close()
	out := []warden.Case{}
	for rows.Next() {
		p, err := scanCase(rows.Scan)
		if err != nil {
			return nil, err
		}
		out = append(out, p.Case)
	}
	return out, rows.Err()
}

// casesQuery selects the first limit cases with a status ("" for all).
func casesQuery(status warden.CaseStatus, limit int) (string, []any) {
	var w where
	w.eqLeading("status", string(status))
	n := w.arg(limit)
	return `SELECT ` + caseColumns + ` FROM cases` + w.String() + w.orderBy("id") + ` LIMIT ` + n, w.args
}

// DecideCase closes an open case as confirmed or cleared and, in the same
// transaction, moves its payment's (or customer's) status by what the
// decision and the other cases now say, with conditional updates, so that
// cases of one payment decided at once agree:
//
//   - confirmed with outcome blocked: the status becomes blocked, and
//     block (the amount, nil for a customer) goes to the ledger, once per
//     payment however many of its cases are confirmed;
//   - confirmed with outcome rejected: a held payment becomes rejected (a
//     blocked one stays blocked);
//   - cleared: fp is remembered, and a held payment becomes cleared once
//     none of its cases is open.
//
// The case's status, outcome, reason, decider and time come from c. Along
// with the audit event it is all or nothing. ECONFLICT if someone decided
// the case first.
//
// from is the status the case must still have (open, or pending_review
// for a second review's approval). The decision is added to the case's
// history.
func (db *DB) DecideCase(ctx context.Context, c warden.Case, from warden.CaseStatus, block *warden.LedgerEntry, fp *warden.FalsePositive, ev *warden.AuditEvent) error {
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE cases SET status = $1, outcome = $2, reason = $3, decided_by = $4, decided_at = $5 WHERE id = $6 AND status = $7`,
			string(c.Status), c.Outcome, c.Reason, c.DecidedBy, optStamp(c.DecidedAt), c.ID, string(from))
		if err != nil {
			return fmt.Errorf("decide case: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return warden.Errorf(warden.ECONFLICT, "case %d was decided or changed by someone else first", c.ID)
		}
		if err := addHistory(ctx, tx, c.ID, *c.DecidedAt, c.DecidedBy, string(c.Status), c.Reason); err != nil {
			return err
		}
		at := timestamp(*c.DecidedAt)
		var was string // a customer's status before, for customer_counts
		if strings.HasPrefix(c.Reference, "customer:") {
			if err := tx.QueryRowContext(ctx, `SELECT status FROM transactions WHERE reference = $1`, c.Reference).Scan(&was); err != nil && !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("decide case: customer status: %w", err)
			}
		}
		var now string
		switch {
		case c.Status == warden.CaseConfirmed && c.Outcome == warden.DecisionBlocked:
			now = warden.DecisionBlocked
			res, err = tx.ExecContext(ctx, `UPDATE transactions SET status = 'blocked', status_at = $1 WHERE reference = $2 AND status <> 'blocked'`, at, c.Reference)
		case c.Status == warden.CaseConfirmed:
			now = warden.DecisionRejected
			res, err = tx.ExecContext(ctx, `UPDATE transactions SET status = 'rejected', status_at = $1 WHERE reference = $2 AND status = 'held'`, at, c.Reference)
		default:
			now = warden.DecisionCleared
			res, err = tx.ExecContext(ctx, `UPDATE transactions SET status = 'cleared', status_at = $1 WHERE reference = $2 AND status = 'held'
				AND NOT EXISTS (SELECT 1 FROM cases WHERE reference = $2 AND status IN ('open', 'pending_review'))`, at, c.Reference)
		}
		if err != nil {
			return fmt.Errorf("decide case: payment status: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			if err := countCustomer(ctx, tx, c.Reference, was, now, 1); err != nil {
				return err
			}
			if block != nil {
				if err := appendLedger(ctx, tx, block); err != nil {
					return err
				}
			}
			if err := decidedEvent(ctx, tx, c, db.now()); err != nil {
				return err
			}
		}
		if fp != nil {
			if _, err := tx.ExecContext(ctx, `DELETE FROM false_positives WHERE counterparty = $1 AND entity_id = $2`, fp.Counterparty, fp.EntityID); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO false_positives (counterparty, entity_id, entity_hash, case_id, expires_at) VALUES ($1, $2, $3, $4, $5)`,
				fp.Counterparty, fp.EntityID, fp.EntityHash, c.ID, timestamp(fp.Expires)); err != nil {
				return fmt.Errorf("remember false positive: %w", err)
			}
		}
		return nil
	})
}

// decidedEvent writes, in tx, the event of a payment whose status c's
// decision has just moved to blocked or rejected (a customer's case
// decides no screening, and a cleared payment has no event).
func decidedEvent(ctx context.Context, tx *sql.Tx, c warden.Case, now time.Time) error {
	if c.Status != warden.CaseConfirmed || strings.HasPrefix(c.Reference, "customer:") {
		return nil
	}
	var resp string
	if err := tx.QueryRowContext(ctx, `SELECT response FROM transactions WHERE reference = $1`, c.Reference).Scan(&resp); err != nil {
		return fmt.Errorf("decide case: payment: %w", err)
	}
	var d warden.TxDecision
	if err := json.Unmarshal([]byte(resp), &d); err != nil {
		return fmt.Errorf("decide case: payment %q: %w", c.Reference, err)
	}
	id := c.ID
	return paymentEvent(ctx, tx, &d, c.Outcome, &id, "case", now)
}

// IsFalsePositive reports whether counterparty was cleared against entity
// as listed with hash, and the clearing has not expired.
func (db *DB) IsFalsePositive(ctx context.Context, counterparty, entity, hash string, now time.Time) (bool, error) {
	var n int
	err := db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM false_positives WHERE counterparty = $1 AND entity_id = $2 AND entity_hash = $3 AND expires_at > $4`,
		counterparty, entity, hash, timestamp(now)).Scan(&n)
	return n > 0, err
}

// appendLedger appends an entry to the ledger inside a transaction and
// sets its sequence number. It refuses (EINVALID) an entry that would take
// its balance (holder, party, currency) below zero or above
// warden.MaxBalance, so that every sum of the ledger fits an int64.
func appendLedger(ctx context.Context, tx *sql.Tx, e *warden.LedgerEntry) error {
	bal, err := balance(ctx, tx, e.Holder, e.EntityID, e.Amount.Currency)
	if err != nil {
		return err
	}
	after := new(big.Int).Add(big.NewInt(bal), big.NewInt(e.Amount.Minor))
	if after.Sign() < 0 || after.Cmp(big.NewInt(warden.MaxBalance)) > 0 {
		return warden.Errorf(warden.EINVALID, "%s of %s refused: %s is blocked for %s at %s, and a balance stays between 0 and %s",
			e.Kind, e.Amount, warden.Money{Currency: e.Amount.Currency, Minor: bal}, e.EntityID, e.Holder, warden.Money{Currency: e.Amount.Currency, Minor: warden.MaxBalance})
	}
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM ledger`).Scan(&e.Seq); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO ledger (seq, kind, holder, entity_id, program, currency, minor, reference, hit, licence, at, actor)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		e.Seq, string(e.Kind), e.Holder, e.EntityID, e.Program, e.Amount.Currency, e.Amount.Minor, e.Reference, e.Hit, e.Licence, timestamp(e.Time), e.Actor)
	if err != nil {
		return fmt.Errorf("append ledger: %w", err)
	}
	return nil
}

// exactSum sums the ledger's minor column in two parts that cannot
// overflow (the quotient and the remainder by 10^9: each row adds at most
// about 9.2 × 10^9 to the first and 10^9 to the second), so neither
// SQLite's integer SUM (an error on overflow) nor a scan of PostgreSQL's
// numeric SUM into an int64 can fail on a sum of large amounts; joinSum
// puts the parts together.
const exactSum = `COALESCE(SUM(minor / 1000000000), 0), COALESCE(SUM(minor % 1000000000), 0)`

// joinSum is hi × 10^9 + lo, exactly; EINTERNAL if it does not fit an
// int64 (appendLedger keeps every balance far below that).
func joinSum(hi, lo int64) (int64, error) {
	sum := new(big.Int).Mul(big.NewInt(hi), big.NewInt(1_000_000_000))
	sum.Add(sum, big.NewInt(lo))
	if !sum.IsInt64() {
		return 0, warden.Errorf(warden.EINTERNAL, "ledger sum %s does not fit in 64 bits", sum)
	}
	return sum.Int64(), nil
}

// balance is what is blocked for a holder, party and currency, as q sees
// it.
func balance(ctx context.Context, q querier, holder, entity, currency string) (int64, error) {
	var hi, lo int64
	if err := q.QueryRowContext(ctx, `SELECT `+exactSum+` FROM ledger WHERE holder = $1 AND entity_id = $2 AND currency = $3`, holder, entity, currency).Scan(&hi, &lo); err != nil {
		return 0, fmt.Errorf("balance: %w", err)
	}
	return joinSum(hi, lo)
}

// ReleaseBasis reads what a proposed release is checked against: the
// licence numbered licence (ENOTFOUND if there is none), the programs
// under which holder's property of entity was blocked, and its balance in
// currency, from the whole ledger.
func (db *DB) ReleaseBasis(ctx context.Context, licence, holder, entity, currency string) (warden.ReleaseBasis, error) {
	return releaseBasis(ctx, db.sql, licence, holder, entity, currency)
}

func releaseBasis(ctx context.Context, q querier, licence, holder, entity, currency string) (warden.ReleaseBasis, error) {
	var b warden.ReleaseBasis
	var err error
	b.Licence, err = scanLicence(q.QueryRowContext(ctx, `SELECT `+licenceColumns+` FROM licences WHERE number = $1`, licence).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return b, warden.Errorf(warden.ENOTFOUND, "no licence %q", licence)
	}
	if err != nil {
		return b, fmt.Errorf("licence: %w", err)
	}
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT program FROM ledger WHERE holder = $1 AND entity_id = $2 AND kind = 'block' ORDER BY program`, holder, entity)
	if err != nil {
		return b, fmt.Errorf("programs blocked: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return b, err
		}
		b.Programs = append(b.Programs, p)
	}
	if err := rows.Err(); err != nil {
		return b, err
	}
	b.Balance.Currency = currency
	b.Balance.Minor, err = balance(ctx, q, holder, entity, currency)
	return b, err
}

// Release appends e, a release of blocked property, to the ledger inside
// the change ctx runs in (its approval's, see DecideApproval): check sees
// the licence, programs and balance as that transaction does and e is
// written only if check approves, so two releases approved at once never
// take out more than is blocked. ENOTFOUND if the licence does not exist.
func (db *DB) Release(ctx context.Context, e *warden.LedgerEntry, check func(warden.ReleaseBasis) error) error {
	tx, err := joinTx(ctx)
	if err != nil {
		return err
	}
	b, err := releaseBasis(ctx, tx, e.Licence, e.Holder, e.EntityID, e.Amount.Currency)
	if err != nil {
		return err
	}
	if err := check(b); err != nil {
		return err
	}
	return appendLedger(ctx, tx, e)
}

// Ledger returns entries f selects, oldest first.
func (db *DB) Ledger(ctx context.Context, f warden.LedgerFilter) ([]warden.LedgerEntry, error) {
	q, args := ledgerQuery(f)
	rows, err := db.sql.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("ledger: %w", err)
	}
	defer rows.Close()
	out := []warden.LedgerEntry{}
	for rows.Next() {
		var e warden.LedgerEntry
		var at, kind string
		if err := rows.Scan(&e.Seq, &kind, &e.Holder, &e.EntityID, &e.Program, &e.Amount.Currency, &e.Amount.Minor, &e.Reference, &e.Hit, &e.Licence, &at, &e.Actor); err != nil {
			return nil, err
		}
		e.Time, e.Kind = parseTime(at), warden.LedgerKind(kind)
		out = append(out, e)
	}
	return out, rows.Err()
}

// ledgerQuery selects the page of entries f asks for.
func ledgerQuery(f warden.LedgerFilter) (string, []any) {
	w := ledgerWhere(f)
	w.eq("reference", f.Reference)
	w.and("seq > " + w.arg(f.After))
	limit := w.arg(f.Limit)
	return `SELECT seq, kind, holder, entity_id, program, currency, minor, reference, hit, licence, at, actor FROM ledger` + w.String() +
		w.orderBy("seq") + ` LIMIT ` + limit, w.args
}

// ledgerWhere selects the entries of f's party, holder and currency.
func ledgerWhere(f warden.LedgerFilter) where {
	var w where
	w.eq("entity_id", f.EntityID)
	w.eq("holder", f.Holder)
	w.eqLeading("currency", f.Currency)
	return w
}

// Balances sums the ledger per holder, party and currency, exactly,
// leaving out what is fully released; f's party, holder and currency
// select the balances, and its reference, if set, those of the holders,
// parties and currencies of that payment's entries (its paging does not).
func (db *DB) Balances(ctx context.Context, f warden.LedgerFilter) ([]warden.Balance, error) {
	q, args := balancesQuery(f)
	return db.balances(ctx, q, args...)
}

// balancesQuery sums the entries of f's party, holder and currency, and of
// its reference's holders, parties and currencies: a look-up of one payment
// sums what is held for whom it concerns, not the whole ledger.
func balancesQuery(f warden.LedgerFilter) (string, []any) {
	w := ledgerWhere(f)
	if f.Reference != "" {
		w.and("(holder, entity_id, currency) IN (SELECT holder, entity_id, currency FROM ledger WHERE reference = " + w.arg(f.Reference) + ")")
	}
	return sumQuery(w), w.args
}

// sumQuery sums the entries w selects, per holder, party and currency.
func sumQuery(w where) string {
	return `SELECT holder, entity_id, currency, ` + exactSum + ` FROM ledger` + w.String() + `
		GROUP BY holder, entity_id, currency ORDER BY entity_id, holder, currency`
}

// balances runs q, a sumQuery, leaving out zero balances.
func (db *DB) balances(ctx context.Context, q string, args ...any) ([]warden.Balance, error) {
	rows, err := db.sql.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("balances: %w", err)
	}
	defer rows.Close()
	out := []warden.Balance{}
	for rows.Next() {
		var b warden.Balance
		var hi, lo int64
		if err := rows.Scan(&b.Holder, &b.EntityID, &b.Amount.Currency, &hi, &lo); err != nil {
			return nil, err
		}
		if b.Amount.Minor, err = joinSum(hi, lo); err != nil {
			return nil, err
		}
		if b.Amount.Minor != 0 {
			out = append(out, b)
		}
	}
	return out, rows.Err()
}

// CreateLicence stores a licence; ECONFLICT if its number is taken.
func (db *DB) CreateLicence(ctx context.Context, l warden.Licence, ev *warden.AuditEvent) error {
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO licences (number, issuer, kind, programs, entities, expires, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			l.Number, l.Issuer, l.Kind, strings.Join(l.Programs, ","), strings.Join(l.Entities, ","), optStamp(l.Expires), timestamp(l.Created))
		if err != nil && isUnique(err) {
			return warden.Errorf(warden.ECONFLICT, "a licence numbered %q exists", l.Number)
		}
		return err
	})
}

const licenceColumns = `number, issuer, kind, programs, entities, expires, created_at`

// Licence returns one licence; ENOTFOUND if there is none.
func (db *DB) Licence(ctx context.Context, number string) (warden.Licence, error) {
	l, err := scanLicence(db.sql.QueryRowContext(ctx, `SELECT `+licenceColumns+` FROM licences WHERE number = $1`, number).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return l, warden.Errorf(warden.ENOTFOUND, "no licence %q", number)
	}
	return l, err
}

// Licences lists every licence, newest first.
func (db *DB) Licences(ctx context.Context) ([]warden.Licence, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+licenceColumns+` FROM licences ORDER BY created_at DESC, number`)
	if err != nil {
		return nil, fmt.Errorf("licences: %w", err)
	}
	defer rows.Close()
	out := []warden.Licence{}
	for rows.Next() {
		l, err := scanLicence(rows.Scan)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

func scanLicence(scan func(...any) error) (warden.Licence, error) {
	var l warden.Licence
	var programs, entities, expires, created string
	err := scan(&l.Number, &l.Issuer, &l.Kind, &programs, &entities, &expires, &created)
	if programs != "" {
		l.Programs = strings.Split(programs, ",")
	}
	if entities != "" {
		l.Entities = strings.Split(entities, ",")
	}
	l.Expires, l.Created = optTime(expires), parseTime(created)
	return l, err
}

// BalancesAsOf sums the ledger up to and including time t per holder, party
// and currency, exactly, leaving out zero balances.
func (db *DB) BalancesAsOf(ctx context.Context, t time.Time) ([]warden.Balance, error) {
	var w where
	w.and("at <= " + w.arg(timestamp(t)))
	return db.balances(ctx, sumQuery(w), w.args...)
}

// TransactionsWithStatus returns the payments (not customers) whose status
// is now status and became so at or after since, in that order.
func (db *DB) TransactionsWithStatus(ctx context.Context, status string, since time.Time) ([]warden.TxDecision, error) {
	q, args := transactionsWithStatusQuery(status, since)
	rows, err := db.sql.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("transactions: %w", err)
	}
	defer rows.Close()
	var out []warden.TxDecision
	for rows.Next() {
		var resp, st, at string
		if err := rows.Scan(&resp, &st, &at); err != nil {
			return nil, err
		}
		var d warden.TxDecision
		if err := json.Unmarshal([]byte(resp), &d); err != nil {
			return nil, err
		}
		d.Status, d.StatusAt = st, statusAt(d, at)
		out = append(out, d)
	}
	return out, rows.Err()
}

// transactionsWithStatusQuery selects the payments with a status since a
// time, in the order of the transactions_status index.
func transactionsWithStatusQuery(status string, since time.Time) (string, []any) {
	return `SELECT response, status, status_at FROM transactions
		WHERE status = $1 AND (CASE WHEN status_at = '' THEN created_at ELSE status_at END) >= $2 AND reference NOT LIKE 'customer:%'
		ORDER BY CASE WHEN status_at = '' THEN created_at ELSE status_at END, reference`, []any{status, timestamp(since)}
}
