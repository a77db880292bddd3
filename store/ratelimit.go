package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// TakeRate takes cost from key's rate limit shared by every handle on the
// database, the generic cell rate algorithm in one statement: the key's
// theoretical arrival time (tat) moves on by cost from itself or from now,
// whichever is later, if that leaves it at most limit ahead of now. A
// request costs 1/rate and limit is burst/rate: a key unused for limit may
// take burst requests at once. It returns 0 when it took cost, else how
// long until it could. cost must not exceed limit.
func (db *DB) TakeRate(ctx context.Context, key string, now time.Time, cost, limit time.Duration) (time.Duration, error) {
	at, c, lim := now.UnixNano(), int64(cost), int64(limit)
	var tat int64
	err := db.sql.QueryRowContext(ctx, `
		INSERT INTO rate_limits (key, tat) VALUES ($1, CAST($2 AS BIGINT) + CAST($3 AS BIGINT))
		ON CONFLICT (key) DO UPDATE SET tat = (CASE WHEN rate_limits.tat > CAST($2 AS BIGINT) THEN rate_limits.tat ELSE CAST($2 AS BIGINT) END) + CAST($3 AS BIGINT)
		WHERE (CASE WHEN rate_limits.tat > CAST($2 AS BIGINT) THEN rate_limits.tat ELSE CAST($2 AS BIGINT) END) + CAST($3 AS BIGINT) - CAST($2 AS BIGINT) <= CAST($4 AS BIGINT)
		RETURNING tat`, key, at, c, lim).Scan(&tat)
	if err == nil {
		return 0, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("rate limit: %w", err)
	}
	// Refused: the row stays as it was.
	if err := db.sql.QueryRowContext(ctx, `SELECT tat FROM rate_limits WHERE key = $1`, key).Scan(&tat); err != nil {
		return 0, fmt.Errorf("rate limit: %w", err)
	}
	return time.Duration(max(tat, at) + c - at - lim), nil
}

// SweepRates deletes the rate limits whose theoretical arrival time is
// before now: full buckets, the same as none.
func (db *DB) SweepRates(ctx context.Context, now time.Time) error {
	if _, err := db.sql.ExecContext(ctx, `DELETE FROM rate_limits WHERE tat < $1`, now.UnixNano()); err != nil {
		return fmt.Errorf("sweep rate limits: %w", err)
	}
	return nil
}
