package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"warden"
)

// InstallPolicy stores p as version 1 of the policy if no policy is stored
// yet, with ev in the same transaction, and reports whether it did: an
// installation's first policy is installed once, whichever node or
// command starts first.
func (db *DB) InstallPolicy(ctx context.Context, p warden.PolicyVersion, ev *warden.AuditEvent) (bool, error) {
	installed := false
	err := db.change(ctx, ev, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO policies (version, policy, source, reason, proposed_by, approved_by, at) VALUES (1, $1, $2, $3, $4, $5, $6) ON CONFLICT (version) DO NOTHING`,
			string(p.Policy), p.Source, p.Reason, p.ProposedBy, p.ApprovedBy, timestamp(p.At))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		installed = n == 1
		if err == nil && !installed {
			return errSkipAudit // one was installed before: nothing to audit
		}
		return err
	})
	return installed, err
}

// AddPolicy stores p as the next version of the policy, in force from
// now, inside the transaction ctx carries (an approval's); p.Version is
// set.
func (db *DB) AddPolicy(ctx context.Context, p *warden.PolicyVersion) error {
	tx, err := joinTx(ctx)
	if err != nil {
		return err
	}
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) + 1 FROM policies`).Scan(&p.Version); err != nil {
		return fmt.Errorf("add policy: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO policies (version, policy, source, reason, proposed_by, approved_by, at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		p.Version, string(p.Policy), p.Source, p.Reason, p.ProposedBy, p.ApprovedBy, timestamp(p.At))
	if err != nil && isUnique(err) {
		return warden.Errorf(warden.ECONFLICT, "policy version %d was stored meanwhile; approve again", p.Version)
	}
	return err
}

const policyColumns = `version, policy, source, reason, proposed_by, approved_by, at`

func scanPolicy(scan func(...any) error) (warden.PolicyVersion, error) {
	var p warden.PolicyVersion
	var body, at string
	if err := scan(&p.Version, &body, &p.Source, &p.Reason, &p.ProposedBy, &p.ApprovedBy, &at); err != nil {
		return p, err
	}
	p.Policy, p.At = []byte(body), parseTime(at)
	return p, nil
}

// CurrentPolicy returns the policy in force: the highest version;
// ENOTFOUND if none is installed.
func (db *DB) CurrentPolicy(ctx context.Context) (warden.PolicyVersion, error) {
	p, err := scanPolicy(db.sql.QueryRowContext(ctx, `SELECT `+policyColumns+` FROM policies ORDER BY version DESC LIMIT 1`).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return p, warden.Errorf(warden.ENOTFOUND, "no policy is installed")
	}
	if err != nil {
		return p, fmt.Errorf("current policy: %w", err)
	}
	return p, nil
}

// PolicyVersionInForce returns the number of the policy version in force,
// 0 if none is installed: a cheap check for a change.
func (db *DB) PolicyVersionInForce(ctx context.Context) (int, error) {
	var v int
	if err := db.sql.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM policies`).Scan(&v); err != nil {
		return 0, fmt.Errorf("policy version: %w", err)
	}
	return v, nil
}

// Policies returns every version of the policy, newest first.
func (db *DB) Policies(ctx context.Context) ([]warden.PolicyVersion, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+policyColumns+` FROM policies ORDER BY version DESC`)
	if err != nil {
		return nil, fmt.Errorf("policies: %w", err)
	}
	defer rows.Close()
	var out []warden.PolicyVersion
	for rows.Next() {
		p, err := scanPolicy(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("policies: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
