package store

import (
	"context"
	"database/sql"
	"fmt"

	"warden"
)

// SetStake records (or replaces) a stake; percent 0 removes it.
func (db *DB) SetStake(ctx context.Context, s warden.Stake, ev *warden.AuditEvent) error {
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM ownership WHERE owner = $1 AND owned = $2`, s.Owner, s.Owned); err != nil {
			return fmt.Errorf("ownership: %w", err)
		}
		if s.Percent == 0 {
			return nil
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO ownership (owner, owned, owned_name, percent_bp, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			s.Owner, s.Owned, s.OwnedName, int64(s.Percent), s.RecordedBy, timestamp(s.RecordedAt))
		if err != nil {
			return fmt.Errorf("ownership: %w", err)
		}
		return nil
	})
}

// Stakes returns every recorded stake.
func (db *DB) Stakes(ctx context.Context) ([]warden.Stake, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT owner, owned, owned_name, percent_bp, recorded_by, recorded_at FROM ownership ORDER BY owned, owner`)
	if err != nil {
		return nil, fmt.Errorf("ownership: %w", err)
	}
	defer rows.Close()
	out := []warden.Stake{}
	for rows.Next() {
		var s warden.Stake
		var bp int64
		var at string
		if err := rows.Scan(&s.Owner, &s.Owned, &s.OwnedName, &bp, &s.RecordedBy, &at); err != nil {
			return nil, err
		}
		s.Percent, s.RecordedAt = warden.Percent(bp), parseTime(at)
		out = append(out, s)
	}
	return out, rows.Err()
}
