package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"warden"
)

// The partner TAXII feeds Warden pulls from (intel_feeds). A feed's token
// is stored for the pulls and never read back by Feeds: only FeedToken,
// which the pull calls, returns it.

// Feed is a partner's TAXII collection Warden pulls from, and where its
// last pull left off.
type Feed struct {
	Name       string     `json:"name"`
	URL        string     `json:"url"` // the API root
	Collection string     `json:"collection"`
	Token      string     `json:"token,omitempty"`
	TLP        warden.TLP `json:"tlp"`                  // for objects that carry no TLP marking
	AddedAfter time.Time  `json:"added_after,omitzero"` // the partner's date_added of the last object pulled
	LastPull   time.Time  `json:"last_pull,omitzero"`   // when the last pull ended, well or not
	LastError  string     `json:"last_error,omitempty"` // why the last pull failed; "" if it did not
	Pulled     int64      `json:"pulled"`               // objects pulled, all pulls together
	CreatedBy  string     `json:"created_by"`
	CreatedAt  time.Time  `json:"created_at"`
}

// AddFeed stores feed f with the audit event. ECONFLICT if a feed of
// that name exists.
func (db *DB) AddFeed(ctx context.Context, f Feed, ev *warden.AuditEvent) error {
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO intel_feeds (name, url, collection, token, tlp, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			f.Name, f.URL, f.Collection, f.Token, string(f.TLP), f.CreatedBy, timestamp(f.CreatedAt))
		if err != nil && isUnique(err) {
			return warden.Errorf(warden.ECONFLICT, "name: a feed %q exists already", f.Name)
		}
		if err != nil {
			return fmt.Errorf("add feed: %w", err)
		}
		return nil
	})
}

// RemoveFeed removes feed name with the audit event. ENOTFOUND if there
// is none.
func (db *DB) RemoveFeed(ctx context.Context, name string, ev *warden.AuditEvent) error {
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM intel_feeds WHERE name = $1`, name)
		if err != nil {
			return fmt.Errorf("remove feed: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return warden.Errorf(warden.ENOTFOUND, "no feed %q", name)
		}
		return nil
	})
}

const feedColumns = `name, url, collection, tlp, added_after, last_pull, last_error, pulled, created_by, created_at`

func scanFeed(scan func(...any) error) (Feed, error) {
	var f Feed
	var tlp, after, last, created string
	err := scan(&f.Name, &f.URL, &f.Collection, &tlp, &after, &last, &f.LastError, &f.Pulled, &f.CreatedBy, &created)
	f.TLP = warden.TLP(tlp)
	f.AddedAfter, f.LastPull, f.CreatedAt = parseTime(after), parseTime(last), parseTime(created)
	return f, err
}

// Feeds returns every feed by name, without their tokens.
func (db *DB) Feeds(ctx context.Context) ([]Feed, error) {
	return queryAll(ctx, db.reader(ctx), "feeds", scanFeed, `SELECT `+feedColumns+` FROM intel_feeds ORDER BY name`)
}

// FeedToken returns feed name with its token, for a pull. ENOTFOUND if
// there is none.
func (db *DB) FeedToken(ctx context.Context, name string) (Feed, error) {
	var token string
	f, err := scanFeed(func(dest ...any) error {
		return db.reader(ctx).QueryRowContext(ctx, `SELECT `+feedColumns+`, token FROM intel_feeds WHERE name = $1`, name).Scan(append(dest, &token)...)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return f, warden.Errorf(warden.ENOTFOUND, "no feed %q", name)
	}
	if err != nil {
		return f, fmt.Errorf("feed %s: %w", name, err)
	}
	f.Token = token
	return f, nil
}

// RecordPull records the end of a pull of feed name at at: pulled more
// objects, the partner's date_added to resume after (unchanged when
// zero), and why it failed ("" if it did not). A pull is the server's
// own bookkeeping, audited by the imports it made; it is not audited
// again. ENOTFOUND if the feed was removed meanwhile.
func (db *DB) RecordPull(ctx context.Context, name string, at, addedAfter time.Time, pulled int, failure string) error {
	return db.change(ctx, nil, func(tx *sql.Tx) error {
		after := ""
		if !addedAfter.IsZero() {
			after = timestamp(addedAfter)
		}
		res, err := tx.ExecContext(ctx, `UPDATE intel_feeds SET last_pull = $1, last_error = $2, pulled = pulled + $3,
			added_after = CASE WHEN $4 = '' THEN added_after ELSE $4 END WHERE name = $5`, timestamp(at), failure, pulled, after, name)
		if err != nil {
			return fmt.Errorf("record pull: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return warden.Errorf(warden.ENOTFOUND, "no feed %q", name)
		}
		return nil
	})
}
