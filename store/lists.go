package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"warden"
)

// listColumns are what scanList reads of a list: its current version,
// size and import, its latest check of that version and the date it
// stated, and the latest version whose files stated a date.
const listColumns = `l.name, l.current_version, l.created_at, COALESCE(v.entities, 0), COALESCE(v.imported_at, ''), COALESCE(v.published, ''),
	COALESCE((SELECT MAX(c.checked_at) FROM list_checks c WHERE c.list = l.name AND c.version = l.current_version), ''),
	COALESCE((SELECT MAX(c.published) FROM list_checks c WHERE c.list = l.name AND c.version = l.current_version), ''),
	COALESCE((SELECT MAX(p.version) FROM list_versions p WHERE p.list = l.name AND p.published <> ''), 0),
	COALESCE((SELECT p.published FROM list_versions p WHERE p.list = l.name AND p.published <> '' ORDER BY p.version DESC LIMIT 1), '')
	FROM lists l LEFT JOIN list_versions v ON v.list = l.name AND v.version = l.current_version`

// scanList reads listColumns.
func scanList(scan func(...any) error) (warden.List, error) {
	var l warden.List
	var created, imported, published, checked, checkDate, datedDate string
	var dated int
	if err := scan(&l.Name, &l.CurrentVersion, &created, &l.Entities, &imported, &published, &checked, &checkDate, &dated, &datedDate); err != nil {
		return l, err
	}
	l.CreatedAt, l.LastChanged, l.LastChecked = parseTime(created), parseTime(imported), parseTime(max(imported, checked))
	switch {
	case checkDate != "" && checkDate >= published:
		l.ListDate, l.ListDateVersion = checkDate, l.CurrentVersion
	case published != "":
		l.ListDate, l.ListDateVersion = published, l.CurrentVersion
	case dated > 0:
		l.ListDate, l.ListDateVersion = datedDate, dated
	}
	return l, nil
}

// Lists returns every list with its current version and size, list date,
// and when it last changed and was last checked.
func (db *DB) Lists(ctx context.Context) ([]warden.List, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+listColumns+` ORDER BY l.name`)
	if err != nil {
		return nil, fmt.Errorf("lists: %w", err)
	}
	defer rows.Close()
	var out []warden.List
	for rows.Next() {
		l, err := scanList(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("lists: %w", err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// List returns one list as Lists does; ENOTFOUND when it does not exist.
func (db *DB) List(ctx context.Context, name string) (warden.List, error) {
	l, err := scanList(db.sql.QueryRowContext(ctx, `SELECT `+listColumns+` WHERE l.name = $1`, name).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return l, warden.Errorf(warden.ENOTFOUND, "list %q not found", name)
	}
	if err != nil {
		return l, fmt.Errorf("list: %w", err)
	}
	return l, nil
}

// Checks returns the checks of a list (imports that found its files
// unchanged), newest first, at most limit; ENOTFOUND for an unknown list.
func (db *DB) Checks(ctx context.Context, list string, limit int) ([]warden.ListCheck, error) {
	if _, err := db.List(ctx, list); err != nil {
		return nil, err
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT list, version, format, published, checked_at, warnings, actor
		FROM list_checks WHERE list = $1 ORDER BY checked_at DESC LIMIT $2`, list, limit)
	if err != nil {
		return nil, fmt.Errorf("list checks: %w", err)
	}
	defer rows.Close()
	out := []warden.ListCheck{}
	for rows.Next() {
		var c warden.ListCheck
		var at string
		if err := rows.Scan(&c.List, &c.Version, &c.Format, &c.Published, &at, &c.Warnings, &c.Actor); err != nil {
			return nil, fmt.Errorf("list checks: %w", err)
		}
		c.CheckedAt = parseTime(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// pickVersion returns version v of vs; false if it is not there.
func pickVersion(vs []warden.ListVersion, v int) (warden.ListVersion, bool) {
	for _, x := range vs {
		if x.Version == v {
			return x, true
		}
	}
	return warden.ListVersion{}, false
}

// Versions returns a list's versions, newest first; ENOTFOUND for an unknown list.
func (db *DB) Versions(ctx context.Context, list string) ([]warden.ListVersion, error) {
	if _, err := db.List(ctx, list); err != nil {
		return nil, err
	}
	rows, err := db.sql.QueryContext(ctx, `
		SELECT list, version, format, published, imported_at, entities, added, modified, removed, warnings, warning_sample, components
		FROM list_versions WHERE list = $1 ORDER BY version DESC`, list)
	if err != nil {
		return nil, fmt.Errorf("versions: %w", err)
	}
	defer rows.Close()
	var out []warden.ListVersion
	for rows.Next() {
		var v warden.ListVersion
		var at, sample, files string
		if err := rows.Scan(&v.List, &v.Version, &v.Format, &v.Published, &at, &v.Entities, &v.Added, &v.Modified, &v.Removed, &v.Warnings, &sample, &files); err != nil {
			return nil, err
		}
		if v.Components, err = components(files); err != nil {
			return nil, err
		}
		v.ImportedAt = parseTime(at)
		json.Unmarshal([]byte(sample), &v.WarningSample)
		out = append(out, v)
	}
	return out, rows.Err()
}

// resolveVersion turns 0 into the list's current version and checks that a
// given version exists.
func (db *DB) resolveVersion(ctx context.Context, list string, version int) (int, error) {
	l, err := db.List(ctx, list)
	if err != nil {
		return 0, err
	}
	if version == 0 {
		if l.CurrentVersion == 0 {
			return 0, warden.Errorf(warden.ENOTFOUND, "list %q has no version yet", list)
		}
		return l.CurrentVersion, nil
	}
	if version < 0 || version > l.CurrentVersion {
		return 0, warden.Errorf(warden.ENOTFOUND, "list %q has no version %d", list, version)
	}
	return version, nil
}

// Entity returns a party by its id ("list:source_id") as of a version (0
// for the current one); ENOTFOUND if it is not on the list then.
func (db *DB) Entity(ctx context.Context, id string, version int) (*warden.Entity, error) {
	list, sid, ok := strings.Cut(id, ":")
	if !ok || list == "" || sid == "" {
		return nil, warden.Errorf(warden.EINVALID, "entity id %q is not of the form list:source_id", id)
	}
	v, err := db.resolveVersion(ctx, list, version)
	if err != nil {
		return nil, err
	}
	var data string
	var from int
	err = db.sql.QueryRowContext(ctx, `
		SELECT data, version_from FROM entity_versions
		WHERE list = $1 AND source_id = $2 AND version_from <= $3 AND (version_to IS NULL OR version_to > $3)`,
		list, sid, v).Scan(&data, &from)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, warden.Errorf(warden.ENOTFOUND, "entity %q not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("entity: %w", err)
	}
	return decode(data, from)
}

// decode reads a stored party and sets the version its content dates from.
func decode(data string, version int) (*warden.Entity, error) {
	var e warden.Entity
	if err := json.Unmarshal([]byte(data), &e); err != nil {
		return nil, fmt.Errorf("decode entity: %w", err)
	}
	e.Version = version
	return &e, nil
}

// Entities calls fn for each party on a list as of a version (0: current),
// in source id order, streaming from the database.
func (db *DB) Entities(ctx context.Context, list string, version int, fn func(*warden.Entity) error) error {
	v, err := db.resolveVersion(ctx, list, version)
	if err != nil {
		return err
	}
	rows, err := db.sql.QueryContext(ctx, `
		SELECT data, version_from FROM entity_versions
		WHERE list = $1 AND version_from <= $2 AND (version_to IS NULL OR version_to > $2)
		ORDER BY source_id`, list, v)
	if err != nil {
		return fmt.Errorf("entities: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var data string
		var from int
		if err := rows.Scan(&data, &from); err != nil {
			return err
		}
		e, err := decode(data, from)
		if err != nil {
			return err
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Changes calls fn for each party that differs between versions from and to
// of a list (from < to; from 0 means the empty list): "added", "modified" or
// "removed", the entity as of to (as of from for removals).
func (db *DB) Changes(ctx context.Context, list string, from, to int, fn func(warden.Change) error) error {
	to, err := db.resolveVersion(ctx, list, to)
	if err != nil {
		return err
	}
	if from < 0 || from >= to {
		return warden.Errorf(warden.EINVALID, "changes need 0 <= from < to (got %d, %d)", from, to)
	}
	// Rows valid at "to" that were not valid, with the same hash, at "from";
	// and rows valid at "from" whose party is gone at "to".
	rows, err := db.sql.QueryContext(ctx, `
		SELECT 'new', n.data, n.version_from, (SELECT COUNT(*) FROM entity_versions o
			WHERE o.list = n.list AND o.source_id = n.source_id AND o.version_from <= $2 AND (o.version_to IS NULL OR o.version_to > $2))
		FROM entity_versions n
		WHERE n.list = $1 AND n.version_from <= $3 AND (n.version_to IS NULL OR n.version_to > $3)
		  AND NOT EXISTS (SELECT 1 FROM entity_versions o WHERE o.list = n.list AND o.source_id = n.source_id AND o.hash = n.hash
			AND o.version_from <= $2 AND (o.version_to IS NULL OR o.version_to > $2))
		UNION ALL
		SELECT 'removed', o.data, o.version_from, 0
		FROM entity_versions o
		WHERE o.list = $1 AND o.version_from <= $2 AND (o.version_to IS NULL OR o.version_to > $2)
		  AND NOT EXISTS (SELECT 1 FROM entity_versions n WHERE n.list = o.list AND n.source_id = o.source_id
			AND n.version_from <= $3 AND (n.version_to IS NULL OR n.version_to > $3))`, list, from, to)
	if err != nil {
		return fmt.Errorf("changes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind, data string
		var from, before int
		if err := rows.Scan(&kind, &data, &from, &before); err != nil {
			return err
		}
		e, err := decode(data, from)
		if err != nil {
			return err
		}
		op := kind
		if kind == "new" {
			op = "added"
			if before > 0 {
				op = "modified"
			}
		}
		if err := fn(warden.Change{Op: op, Entity: e}); err != nil {
			return err
		}
	}
	return rows.Err()
}
