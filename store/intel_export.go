package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"warden"
)

// The reads of an export (intel.Service.Export): objects by id, what
// refers to them, what is shared with whom and since when, and what is
// linked to a Warden record. They take ids in batches, so that a
// selection of thousands of objects is a few queries, not thousands.

// exportBatch is the most ids one query of an export takes: well under
// SQLite's limit of 32766 parameters and PostgreSQL's of 65535.
const exportBatch = 500

// inList returns "$from, $from+1, ..." for n placeholders and the ids as
// arguments after the ones before.
func exportIn(before []any, ids []string) (string, []any) {
	var b strings.Builder
	args := append([]any{}, before...)
	for i, id := range ids {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(len(args)+1))
		args = append(args, id)
	}
	return b.String(), args
}

// batches calls fn with ids in slices of at most exportBatch.
func exportBatches(ids []string, fn func([]string) error) error {
	for len(ids) > 0 {
		n := min(len(ids), exportBatch)
		if err := fn(ids[:n]); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

// scanExportObject reads one row of intel_objects as selected by
// ExportObjects.
func scanExportObject(scan func(...any) error) (warden.IntelObject, error) {
	var o warden.IntelObject
	var tlp, created, modified, added, object string
	var current, revoked, opaque int
	err := scan(&o.Seq, &o.ID, &o.Type, &modified, &created, &added, &tlp, &o.Name, &o.Source, &current, &revoked, &opaque, &object)
	if err != nil {
		return o, fmt.Errorf("intel object: %w", err)
	}
	o.TLP, o.Created, o.Modified, o.Added = warden.TLP(tlp), parseTime(created), parseTime(modified), parseTime(added)
	o.Current, o.Revoked, o.Opaque = current == 1, revoked == 1, opaque == 1
	o.Object = []byte(object)
	return o, nil
}

// ExportObjects returns the current version of each of ids that is
// stored, in the order they were stored (seq); ids not stored are left
// out. Visibility is the caller's to decide.
func (db *DB) ExportObjects(ctx context.Context, ids []string) ([]warden.IntelObject, error) {
	var out []warden.IntelObject
	err := exportBatches(ids, func(ids []string) error {
		in, args := exportIn(nil, ids)
		objs, err := queryAll(ctx, db.sql, "export objects", scanExportObject, `
			SELECT seq, stix_id, type, modified, created, added_at, tlp, name, source, current, revoked, opaque, object
			FROM intel_objects WHERE current = 1 AND stix_id IN (`+in+`)`, args...)
		out = append(out, objs...)
		return err
	})
	slices.SortFunc(out, func(a, b warden.IntelObject) int { return cmp.Compare(a.Seq, b.Seq) })
	return out, err
}

// ExportReferrers returns the objects whose current version refers to one
// of ids: the relationships and sightings touching them, and the objects
// that name them in a reference (a report's or a note's object_refs). A
// created_by_ref does not count: every object its author wrote would
// follow an identity.
func (db *DB) ExportReferrers(ctx context.Context, ids []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	err := exportBatches(ids, func(ids []string) error {
		in, args := exportIn(nil, ids)
		owners, err := queryAll(ctx, db.sql, "export referrers", scanExportString, `
			SELECT DISTINCT owner FROM intel_edges
			WHERE type <> 'created_by_ref' AND (target IN (`+in+`) OR (rel <> '' AND source IN (`+in+`)))`, args...)
		for _, o := range owners {
			if !seen[o] {
				seen[o] = true
				out = append(out, o)
			}
		}
		return err
	})
	return out, err
}

// scanExportString reads a one-column row of text.
func scanExportString(scan func(...any) error) (string, error) {
	var s string
	err := scan(&s)
	return s, err
}

// ExportSharedWith returns which of ids are shared with org: in a
// collection of which org is one of the organisations.
func (db *DB) ExportSharedWith(ctx context.Context, org string, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	err := exportBatches(ids, func(ids []string) error {
		in, args := exportIn([]any{org}, ids)
		shared, err := queryAll(ctx, db.sql, "export shares", scanExportString, `
			SELECT DISTINCT s.stix_id FROM intel_shares s JOIN intel_collection_orgs o ON o.collection = s.collection
			WHERE o.org = $1 AND s.stix_id IN (`+in+`)`, args...)
		for _, id := range shared {
			out[id] = true
		}
		return err
	})
	return out, err
}

// ExportCollectionOrgs returns the organisations of a collection;
// ENOTFOUND if there is no such collection.
func (db *DB) ExportCollectionOrgs(ctx context.Context, collection string) ([]string, error) {
	var id string
	err := db.sql.QueryRowContext(ctx, `SELECT id FROM intel_collections WHERE id = $1`, collection).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, warden.Errorf(warden.ENOTFOUND, "no collection %q", collection)
	}
	if err != nil {
		return nil, fmt.Errorf("export collection: %w", err)
	}
	return queryAll(ctx, db.sql, "export collection orgs", scanExportString,
		`SELECT org FROM intel_collection_orgs WHERE collection = $1 ORDER BY org`, collection)
}

// ExportShares returns the ids shared after since, in the order they were
// shared: in collection, or, with collection "", in any collection of
// org's.
func (db *DB) ExportShares(ctx context.Context, collection, org string, since time.Time) ([]string, error) {
	q, arg := `SELECT s.stix_id, MIN(s.seq) FROM intel_shares s WHERE s.collection = $1 AND s.added_at > $2 GROUP BY s.stix_id`, collection
	if collection == "" {
		q, arg = `SELECT s.stix_id, MIN(s.seq) FROM intel_shares s JOIN intel_collection_orgs o ON o.collection = s.collection
			WHERE o.org = $1 AND s.added_at > $2 GROUP BY s.stix_id`, org
	}
	rows, err := queryAll(ctx, db.sql, "export shares", func(scan func(...any) error) (warden.IntelObject, error) {
		var o warden.IntelObject
		err := scan(&o.ID, &o.Seq)
		return o, err
	}, q+` ORDER BY MIN(s.seq), s.stix_id`, arg, timestamp(since))
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	return ids, err
}

// ExportLinked returns the ids of the objects linked to the Warden record
// kind ref (a request, a designation), in id order.
func (db *DB) ExportLinked(ctx context.Context, kind, ref string) ([]string, error) {
	return queryAll(ctx, db.sql, "export links", scanExportString,
		`SELECT stix_id FROM intel_links WHERE kind = $1 AND ref = $2 ORDER BY stix_id`, kind, ref)
}

// ListVersionTime is when a version of a list was imported: the time a
// party's STIX identity is dated, so that it keeps its created and
// modified between exports while its listing does not change.
func (db *DB) ListVersionTime(ctx context.Context, list string, version int) (time.Time, error) {
	var at string
	err := db.sql.QueryRowContext(ctx, `SELECT imported_at FROM list_versions WHERE list = $1 AND version = $2`, list, version).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, warden.Errorf(warden.ENOTFOUND, "list %q has no version %d", list, version)
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("list version time: %w", err)
	}
	return parseTime(at), nil
}
