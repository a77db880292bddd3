package store

import (
	"context"
	"fmt"
	"time"

	"warden"
)

// CaseAges counts the cases not yet decided (neither confirmed nor
// cleared) by how long ago they were opened, as of now: counts[i] is
// those opened within bounds[i] but not within bounds[i-1], and the last
// count those older than every bound. bounds ascend. One pass over the
// cases' status and opening time, however many there are.
func (db *DB) CaseAges(ctx context.Context, now time.Time, bounds []time.Duration) ([]int, error) {
	q := `SELECT `
	args := []any{}
	prev := ""
	for i, b := range bounds {
		args = append(args, timestamp(now.Add(-b)))
		cond := fmt.Sprintf("created_at >= $%d", i+1)
		if prev != "" {
			cond += " AND NOT (" + prev + ")"
		}
		q += fmt.Sprintf("COALESCE(SUM(CASE WHEN %s THEN 1 ELSE 0 END), 0), ", cond)
		prev = fmt.Sprintf("created_at >= $%d", i+1)
	}
	if prev == "" {
		prev = "1 = 0"
	}
	q += "COALESCE(SUM(CASE WHEN NOT (" + prev + ") THEN 1 ELSE 0 END), 0) FROM cases WHERE status NOT IN ('confirmed', 'cleared')"
	counts := make([]int, len(bounds)+1)
	dest := make([]any, len(counts))
	for i := range counts {
		dest[i] = &counts[i]
	}
	if err := db.sql.QueryRowContext(ctx, q, args...).Scan(dest...); err != nil {
		return nil, fmt.Errorf("case ages: %w", err)
	}
	return counts, nil
}

// RecentBlockings returns the blockings (ledger entries of kind block)
// made since, newest first, at most limit: those whose initial reports
// fall due about now.
func (db *DB) RecentBlockings(ctx context.Context, since time.Time, limit int) ([]warden.LedgerEntry, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT seq, holder, entity_id, program, currency, minor, reference, hit, at, actor FROM ledger
		WHERE kind = $1 AND at >= $2 ORDER BY at DESC, seq DESC LIMIT $3`, string(warden.LedgerBlock), timestamp(since), limit)
	if err != nil {
		return nil, fmt.Errorf("recent blockings: %w", err)
	}
	defer rows.Close()
	out := []warden.LedgerEntry{}
	for rows.Next() {
		e := warden.LedgerEntry{Kind: warden.LedgerBlock}
		var at string
		if err := rows.Scan(&e.Seq, &e.Holder, &e.EntityID, &e.Program, &e.Amount.Currency, &e.Amount.Minor, &e.Reference, &e.Hit, &at, &e.Actor); err != nil {
			return nil, fmt.Errorf("recent blockings: %w", err)
		}
		e.Time = parseTime(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// StatusChange is a customer whose status changed after onboarding (a
// case decided, a re-screening that found a hit), and when.
type StatusChange struct {
	Customer warden.Customer
	At       time.Time
}

// RecentStatusChanges returns the customers whose status changed since,
// the latest change first, at most limit.
func (db *DB) RecentStatusChanges(ctx context.Context, since time.Time, limit int) ([]StatusChange, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+customerColumns+`, t.status_at FROM customers c JOIN transactions t ON t.reference = c.reference
		WHERE t.status_at <> '' AND t.status_at >= $1 ORDER BY t.status_at DESC, c.id LIMIT $2`, timestamp(since), limit)
	if err != nil {
		return nil, fmt.Errorf("status changes: %w", err)
	}
	defer rows.Close()
	out := []StatusChange{}
	for rows.Next() {
		var at string
		c, err := scanCustomer(func(dest ...any) error { return rows.Scan(append(dest, &at)...) })
		if err != nil {
			return nil, fmt.Errorf("status changes: %w", err)
		}
		out = append(out, StatusChange{Customer: c, At: parseTime(at)})
	}
	return out, rows.Err()
}
