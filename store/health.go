package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"warden"
)

// JobBacklog counts the job engine's unfinished jobs by state and kind, with
// the earliest time one of each was due, from River's table. ENOTFOUND
// before the job engine has created its tables.
func (db *DB) JobBacklog(ctx context.Context) ([]warden.JobBacklog, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT CAST(state AS TEXT), kind, COUNT(*), MIN(scheduled_at) FROM river_job
		WHERE state IN ('available', 'retryable', 'running', 'scheduled') GROUP BY state, kind ORDER BY 1, 2`)
	if err != nil {
		if strings.Contains(err.Error(), "river_job") {
			return nil, warden.Errorf(warden.ENOTFOUND, "no job engine tables yet")
		}
		return nil, fmt.Errorf("job backlog: %w", err)
	}
	defer rows.Close()
	var out []warden.JobBacklog
	for rows.Next() {
		var b warden.JobBacklog
		var due any
		if err := rows.Scan(&b.State, &b.Kind, &b.Jobs, &due); err != nil {
			return nil, fmt.Errorf("job backlog: %w", err)
		}
		b.Due = riverTime(due)
		out = append(out, b)
	}
	return out, rows.Err()
}

// riverTime reads a time of River's: a timestamp on PostgreSQL, text on
// SQLite (River's SQLite driver writes Go's time format, or SQLite's
// CURRENT_TIMESTAMP for a default); the zero time for anything else.
func riverTime(v any) time.Time {
	switch v := v.(type) {
	case time.Time:
		return v.UTC()
	case []byte:
		return riverTime(string(v))
	case string:
		for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999"} {
			if t, err := time.Parse(layout, v); err == nil {
				return t.UTC()
			}
		}
	}
	return time.Time{}
}
