package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"warden"
)

// SyncState returns the state recorded for url; a zero state if none.
func (db *DB) SyncState(ctx context.Context, url string) (warden.SyncState, error) {
	s := warden.SyncState{URL: url}
	err := db.sql.QueryRowContext(ctx, `SELECT etag, last_modified, sha256 FROM sync_state WHERE url = $1`, url).
		Scan(&s.ETag, &s.LastModified, &s.SHA256)
	if errors.Is(err, sql.ErrNoRows) {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("sync state: %w", err)
	}
	return s, nil
}

// SetSyncState records what a sync fetched from s.URL.
func (db *DB) SetSyncState(ctx context.Context, s warden.SyncState) error {
	_, err := db.sql.ExecContext(ctx, `
		INSERT INTO sync_state (url, etag, last_modified, sha256, fetched_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified,
			sha256 = excluded.sha256, fetched_at = excluded.fetched_at`,
		s.URL, s.ETag, s.LastModified, s.SHA256, timestamp(db.now()))
	if err != nil {
		return fmt.Errorf("set sync state: %w", err)
	}
	return nil
}
