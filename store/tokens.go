package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"warden"
)

// CreateToken stores a token under a new name. ECONFLICT if the name is
// taken by a person or a token, in any case (NameTaken).
func (db *DB) CreateToken(ctx context.Context, t warden.Token, hash string, ev *warden.AuditEvent) error {
	if t.Org == "" {
		t.Org = warden.HomeOrg
	}
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM organisations WHERE id = $1`, t.Org).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return warden.Errorf(warden.EINVALID, "no organisation %q", t.Org)
		}
		return insertToken(ctx, tx, t, hash)
	})
}

// InsertToken stores a token inside the change ctx runs in: an approved
// creation (see DecideApproval). ECONFLICT if the name is taken
// (NameTaken).
func (db *DB) InsertToken(ctx context.Context, t warden.Token, hash string) error {
	tx, err := joinTx(ctx)
	if err != nil {
		return err
	}
	return insertToken(ctx, tx, t, hash)
}

func insertToken(ctx context.Context, tx *sql.Tx, t warden.Token, hash string) error {
	if err := nameTaken(ctx, tx, t.Name); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (name, role, hash, created_at, expires_at, org, created_by, owner) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		t.Name, string(t.Role), hash, timestamp(t.CreatedAt), optStamp(t.ExpiresAt), t.Org, t.CreatedBy, t.Owner)
	if err != nil {
		if isUnique(err) {
			return warden.Errorf(warden.ECONFLICT, "a token named %q exists", t.Name)
		}
		return fmt.Errorf("create token: %w", err)
	}
	return nil
}

func isUnique(err error) bool {
	s := strings.ToLower(err.Error())
	return strings.Contains(s, "unique") || strings.Contains(s, "duplicate key")
}

// TokenByHash returns the token with the hash and when its owner was
// disabled (nil while the owner is active or is not a person, such as the
// operator), read in the same query, so that every request with a token
// learns that its person has gone at the price of one lookup; ENOTFOUND
// if there is no such token.
func (db *DB) TokenByHash(ctx context.Context, hash string) (warden.Token, *time.Time, error) {
	var disabled string
	row := db.sql.QueryRowContext(ctx, `SELECT t.name, t.role, t.created_at, t.expires_at, t.revoked_at, t.org, t.created_by, t.owner, COALESCE(u.disabled_at, '')
		FROM api_tokens t LEFT JOIN users u ON u.name = t.owner WHERE t.hash = $1`, hash)
	t, err := scanToken(func(dest ...any) error { return row.Scan(append(dest, &disabled)...) })
	if errors.Is(err, sql.ErrNoRows) {
		return t, nil, warden.Errorf(warden.ENOTFOUND, "no such token")
	}
	return t, optTime(disabled), err
}

// Tokens lists all tokens, newest first.
func (db *DB) Tokens(ctx context.Context) ([]warden.Token, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT name, role, created_at, expires_at, revoked_at, org, created_by, owner FROM api_tokens ORDER BY created_at DESC, name`)
	if err != nil {
		return nil, fmt.Errorf("tokens: %w", err)
	}
	defer rows.Close()
	var out []warden.Token
	for rows.Next() {
		t, err := scanToken(rows.Scan)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken revokes the named token; ENOTFOUND if there is none that is
// not already revoked.
func (db *DB) RevokeToken(ctx context.Context, name string, at time.Time, ev *warden.AuditEvent) error {
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE name = $2 AND revoked_at = ''`, timestamp(at), name)
		if err != nil {
			return fmt.Errorf("revoke token: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return warden.Errorf(warden.ENOTFOUND, "no active token named %q", name)
		}
		return nil
	})
}

func scanToken(scan func(...any) error) (warden.Token, error) {
	var t warden.Token
	var role, created, exp, rev string
	if err := scan(&t.Name, &role, &created, &exp, &rev, &t.Org, &t.CreatedBy, &t.Owner); err != nil {
		return t, err
	}
	t.Role = warden.Role(role)
	t.CreatedAt = parseTime(created)
	if exp != "" {
		e := parseTime(exp)
		t.ExpiresAt = &e
	}
	if rev != "" {
		r := parseTime(rev)
		t.RevokedAt = &r
	}
	return t, nil
}
