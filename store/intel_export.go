package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"warden"
)

// The reads of an export (intel.Service.Export) that the rest of the
// intelligence store has no use for: what refers to a set of objects,
// and what was shared with whom since when. The objects themselves, and
// who sees them, are read as every other read does (IntelCurrent,
// IntelSharedWith).

// ExportReferrers returns the objects whose current version refers to one
// of ids: the relationships and sightings touching them, and the objects
// that name them in a reference (a report's or a note's object_refs). A
// created_by_ref does not count: every object its author wrote would
// follow an identity.
func (db *DB) ExportReferrers(ctx context.Context, ids []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for chunk := range chunks(ids, 1000) {
		in := dollars(1, len(chunk))
		owners, err := queryAll(ctx, db.reader(ctx), "export referrers", scanExportString, `
			SELECT DISTINCT owner FROM intel_edges
			WHERE type <> 'created_by_ref' AND (target IN (`+in+`) OR (rel <> '' AND source IN (`+in+`)))`, anys(chunk)...)
		if err != nil {
			return nil, err
		}
		for _, o := range owners {
			if !seen[o] {
				seen[o] = true
				out = append(out, o)
			}
		}
	}
	return out, nil
}

// scanExportString reads a one-column row of text.
func scanExportString(scan func(...any) error) (string, error) {
	var s string
	err := scan(&s)
	return s, err
}

// ExportShares returns the ids shared after since, in the order they were
// shared: in collection, or, with collection "", in any collection of
// org's.
func (db *DB) ExportShares(ctx context.Context, collection, org string, since time.Time) ([]string, error) {
	q, arg := `SELECT s.stix_id FROM intel_shares s WHERE s.collection = $1 AND s.added_at > $2`, collection
	if collection == "" {
		q, arg = `SELECT s.stix_id FROM intel_shares s JOIN intel_collection_orgs o ON o.collection = s.collection
			WHERE o.org = $1 AND s.added_at > $2`, org
	}
	return queryAll(ctx, db.reader(ctx), "export shares", scanExportString,
		q+` GROUP BY s.stix_id ORDER BY MIN(s.seq), s.stix_id`, arg, timestamp(since))
}

// ListVersionTime is when a version of a list was imported: the time a
// party's STIX identity is dated, so that it keeps its created and
// modified between exports while its listing does not change.
func (db *DB) ListVersionTime(ctx context.Context, list string, version int) (time.Time, error) {
	var at string
	err := db.reader(ctx).QueryRowContext(ctx, `SELECT imported_at FROM list_versions WHERE list = $1 AND version = $2`, list, version).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, warden.Errorf(warden.ENOTFOUND, "list %q has no version %d", list, version)
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("list version time: %w", err)
	}
	return parseTime(at), nil
}
