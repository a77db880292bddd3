package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"warden"
)

// ListFormats returns the format of each list's current version: the
// linking rules need to know which lists are OFAC's and which the
// Consolidated Screening List.
func (db *DB) ListFormats(ctx context.Context) (map[string]string, error) {
	rows, err := db.sql.QueryContext(ctx, `
		SELECT l.name, v.format FROM lists l JOIN list_versions v ON v.list = l.name AND v.version = l.current_version`)
	if err != nil {
		return nil, fmt.Errorf("list formats: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var name, format string
		if err := rows.Scan(&name, &format); err != nil {
			return nil, err
		}
		out[name] = format
	}
	return out, rows.Err()
}

// LinkState is what the stored links were computed from.
type LinkState struct {
	// Versions names the list versions the automatic links are for
	// (screening's key, "" before the first computation).
	Versions string
	// Links is how many automatic links there are.
	Links int
	// Generation counts the decisions people made.
	Generation int64
}

// LinkState returns the state of the stored links.
func (db *DB) LinkState(ctx context.Context) (LinkState, error) {
	var s LinkState
	err := db.sql.QueryRowContext(ctx, `SELECT versions, links, generation FROM link_state WHERE id = 1`).Scan(&s.Versions, &s.Links, &s.Generation)
	if err != nil {
		return s, fmt.Errorf("link state: %w", err)
	}
	return s, nil
}

// ReplaceLinks stores links as the automatic links for the list versions
// named by versions, in place of the ones stored, unless they are stored
// for those versions already (by another process, say): it reports
// whether it wrote them. They are computed, not a person's change, so
// they are not audited.
func (db *DB) ReplaceLinks(ctx context.Context, versions string, links []warden.ListingLink) (bool, error) {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("replace links: %w", err)
	}
	defer tx.Rollback()
	// Taking the state row first orders concurrent writers: the second
	// finds the versions stored and writes nothing.
	res, err := tx.ExecContext(ctx, `UPDATE link_state SET versions = $1, links = $2, computed_at = $3 WHERE id = 1 AND versions <> $1`,
		versions, len(links), timestamp(db.now()))
	if err != nil {
		return false, fmt.Errorf("replace links: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM listing_links`); err != nil {
		return false, fmt.Errorf("replace links: %w", err)
	}
	for start := 0; start < len(links); start += batchRows {
		batch := links[start:min(start+batchRows, len(links))]
		args := make([]any, 0, len(batch)*4)
		ph := make([]string, len(batch))
		for i, l := range batch {
			n := i * 4
			ph[i] = fmt.Sprintf("($%d,$%d,$%d,$%d)", n+1, n+2, n+3, n+4)
			args = append(args, l.A, l.B, string(l.Rule), l.Detail)
		}
		q := `INSERT INTO listing_links (a, b, rule, detail) VALUES ` + strings.Join(ph, ",") + ` ON CONFLICT (a, b, rule) DO NOTHING`
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return false, fmt.Errorf("replace links: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("replace links: %w", err)
	}
	return true, nil
}

// AllLinks returns every automatic link, ordered by ids and rule.
func (db *DB) AllLinks(ctx context.Context) ([]warden.ListingLink, error) {
	return db.queryLinks(ctx, `SELECT a, b, rule, detail FROM listing_links ORDER BY a, b, rule`)
}

func (db *DB) queryLinks(ctx context.Context, q string, args ...any) ([]warden.ListingLink, error) {
	rows, err := db.sql.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("links: %w", err)
	}
	defer rows.Close()
	var out []warden.ListingLink
	for rows.Next() {
		var l warden.ListingLink
		if err := rows.Scan(&l.A, &l.B, &l.Rule, &l.Detail); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// LinksOf returns the automatic links of a listing and the decisions
// people made about it, each in the order of the other listing's id.
func (db *DB) LinksOf(ctx context.Context, id string) ([]warden.ListingLink, []warden.LinkDecision, error) {
	links, err := db.queryLinks(ctx, `
		SELECT a, b, rule, detail FROM listing_links WHERE a = $1
		UNION ALL SELECT a, b, rule, detail FROM listing_links WHERE b = $1
		ORDER BY 1, 2, 3`, id)
	if err != nil {
		return nil, nil, err
	}
	ds, err := db.queryDecisions(ctx, `WHERE a = $1 OR b = $1`, id)
	return links, ds, err
}

// LinkDecisions returns every decision people made, and the generation
// they make (LinkState.Generation) read in the same statement's snapshot.
func (db *DB) LinkDecisions(ctx context.Context) ([]warden.LinkDecision, int64, error) {
	tx, err := db.sql.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, 0, fmt.Errorf("link decisions: %w", err)
	}
	defer tx.Rollback()
	var gen int64
	if err := tx.QueryRowContext(ctx, `SELECT generation FROM link_state WHERE id = 1`).Scan(&gen); err != nil {
		return nil, 0, fmt.Errorf("link decisions: %w", err)
	}
	ds, err := queryDecisions(ctx, tx, ``)
	return ds, gen, err
}

func (db *DB) queryDecisions(ctx context.Context, where string, args ...any) ([]warden.LinkDecision, error) {
	return queryDecisions(ctx, db.sql, where, args...)
}

func queryDecisions(ctx context.Context, q querier, where string, args ...any) ([]warden.LinkDecision, error) {
	rows, err := q.QueryContext(ctx, `SELECT a, b, linked, reason, decided_by, decided_at FROM link_decisions `+where+` ORDER BY a, b`, args...)
	if err != nil {
		return nil, fmt.Errorf("link decisions: %w", err)
	}
	defer rows.Close()
	var out []warden.LinkDecision
	for rows.Next() {
		var d warden.LinkDecision
		var linked int
		var at string
		if err := rows.Scan(&d.A, &d.B, &linked, &d.Reason, &d.DecidedBy, &at); err != nil {
			return nil, err
		}
		d.Linked, d.DecidedAt = linked == 1, parseTime(at)
		out = append(out, d)
	}
	return out, rows.Err()
}

// DecideLink records a person's decision on two listings (d.A < d.B), in
// place of any earlier one on them, with its audit event.
func (db *DB) DecideLink(ctx context.Context, d warden.LinkDecision, ev *warden.AuditEvent) error {
	linked := 0
	if d.Linked {
		linked = 1
	}
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO link_decisions (a, b, linked, reason, decided_by, decided_at) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (a, b) DO UPDATE SET linked = excluded.linked, reason = excluded.reason, decided_by = excluded.decided_by, decided_at = excluded.decided_at`,
			d.A, d.B, linked, d.Reason, d.DecidedBy, timestamp(d.DecidedAt)); err != nil {
			return fmt.Errorf("link decision: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE link_state SET generation = generation + 1 WHERE id = 1`); err != nil {
			return fmt.Errorf("link decision: %w", err)
		}
		return nil
	})
}

// EntityVersion is one stretch of versions over which a listed party's
// content stayed the same.
type EntityVersion struct {
	// Entity is the party as the list stated it from Entity.Version on.
	Entity *warden.Entity
	// To is the first version without this content (0 while it is current);
	// Removed is set when that version no longer lists the party.
	To      int
	Removed bool
	// Published is the list date of version Entity.Version.
	Published string
}

// History returns every content a listed party has had, oldest first;
// ENOTFOUND if no version of its list ever listed it.
func (db *DB) History(ctx context.Context, id string) ([]EntityVersion, error) {
	list, sid, ok := strings.Cut(id, ":")
	if !ok || list == "" || sid == "" {
		return nil, warden.Errorf(warden.EINVALID, "entity id %q is not of the form list:source_id", id)
	}
	rows, err := db.sql.QueryContext(ctx, `
		SELECT e.data, e.version_from, COALESCE(e.version_to, 0), COALESCE(v.published, '')
		FROM entity_versions e LEFT JOIN list_versions v ON v.list = e.list AND v.version = e.version_from
		WHERE e.list = $1 AND e.source_id = $2 ORDER BY e.version_from`, list, sid)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	defer rows.Close()
	var out []EntityVersion
	for rows.Next() {
		var data string
		var ev EntityVersion
		var from int
		if err := rows.Scan(&data, &from, &ev.To, &ev.Published); err != nil {
			return nil, err
		}
		if ev.Entity, err = decode(data, from); err != nil {
			return nil, err
		}
		out = append(out, ev)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Removed = out[i].To != 0 && (i+1 == len(out) || out[i+1].Entity.Version != out[i].To)
	}
	if len(out) == 0 {
		return nil, warden.Errorf(warden.ENOTFOUND, "entity %q not found", id)
	}
	return out, nil
}
