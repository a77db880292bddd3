package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"slices"
	"strings"

	"warden"
)

// maxWarningSample is how many warnings a version keeps for people to read;
// all are counted.
const maxWarningSample = 50

// batchRows is the rows per multi-row statement: enough to save round trips
// to PostgreSQL, few enough that the SQLite driver's per-parameter name
// lookup (which grows with the parameter count) stays cheap. Measured on the
// OFAC import: 500 rows took 3.4 s, 50 rows 0.9 s.
const batchRows = 50

// Import is one import of a list in progress. It is a warden.Sink: a parser
// puts parties into it, in memory; then Commit stores them as the list's
// next version in one short transaction, or Rollback drops them. Nothing is
// written, and no lock is held, while the files are parsed, so a long parse
// does not keep other writers waiting.
type Import struct {
	db         *DB
	ctx        context.Context
	list       string
	format     string
	delta      bool
	base       int               // the version this import builds on
	baseFormat string            // the format of that version
	baseFiles  map[string]bool   // the files that version was read from
	baseDate   string            // the list date that version (or a later check of it) stated
	current    map[string]string // source_id -> hash at base
	pending    map[string]pendingEntity
	unknown    map[string]bool // unmapped country names already reported
	deleted    map[string]bool
	order      []string
	warns      int
	sample     []warden.Warning
	events     []*warden.AuditEvent // audited with the version
	forward    func(warden.Warning) // told every warning (see Forward)
	also       func(ctx context.Context, v warden.ListVersion) error
}

type pendingEntity struct {
	hash    string
	data    []byte
	content content
}

// contentKinds name, in order, the kinds of a party's content whose loss
// the import guards weigh (see warden.Drop). Wallets are identifiers too,
// and are weighed again on their own: they are few beside passports and
// registration numbers, and losing them (OFAC keeps half of its addresses
// in sdn_comments.csv) blinds screening where a cyber-sanctions list
// matters most.
var contentKinds = [...]string{"names", "identifiers", "addresses", "wallets"}

// content is what a party holds of each of contentKinds, one hash per
// item: an import keeps it for every party it puts, so it is kept small.
type content [len(contentKinds)][]uint64

// contentSeed seeds the content hashes, which are compared only within
// the process.
var contentSeed = maphash.MakeSeed()

// contentOf keys e's names by their text, its identifiers (wallets
// included) by type and value, and its addresses by all their fields.
func contentOf(e *warden.Entity) content {
	var c content
	key := func(parts ...string) uint64 {
		var h maphash.Hash
		h.SetSeed(contentSeed)
		for _, p := range parts {
			h.WriteString(p)
			h.WriteByte(0)
		}
		return h.Sum64()
	}
	for _, n := range e.Names {
		c[0] = append(c[0], key(n.Full))
	}
	for _, id := range e.Identifiers {
		k := key(string(id.Type), id.Value)
		c[1] = append(c[1], k)
		if id.Type == warden.IDCrypto {
			c[3] = append(c[3], k)
		}
	}
	for _, a := range e.Addresses {
		c[2] = append(c[2], key(a.Full, a.Street, a.City, a.Region, a.PostalCode, a.Country, a.CountryName))
	}
	return c
}

// BeginImport starts an import of list, reading its current version. A delta
// import applies its parties on top of the current version; a full import
// replaces it, removing parties it does not put.
func (db *DB) BeginImport(ctx context.Context, list, format string, delta bool) (*Import, error) {
	if !warden.ValidListName(list) {
		return nil, warden.Errorf(warden.EINVALID, "list name %q: use lower-case letters, digits, '.', '_' or '-'", list)
	}
	im := &Import{db: db, ctx: ctx, list: list, format: format, delta: delta,
		current: map[string]string{}, pending: map[string]pendingEntity{}, deleted: map[string]bool{}, unknown: map[string]bool{}}
	// The version is read before its parties: should another import commit
	// in between, Commit sees the list moved on and refuses.
	var files, checked string
	err := db.sql.QueryRowContext(ctx, `SELECT l.current_version, COALESCE(v.format, ''), COALESCE(v.components, ''), COALESCE(v.published, ''),
			COALESCE((SELECT MAX(c.published) FROM list_checks c WHERE c.list = l.name AND c.version = l.current_version), '')
		FROM lists l LEFT JOIN list_versions v ON v.list = l.name AND v.version = l.current_version
		WHERE l.name = $1`, list).Scan(&im.base, &im.baseFormat, &files, &im.baseDate, &checked)
	im.baseDate = max(im.baseDate, checked)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("read list: %w", err)
	}
	if im.baseFiles, err = components(files); err != nil {
		return nil, err
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT source_id, hash FROM entity_versions WHERE list = $1 AND version_to IS NULL`, list)
	if err != nil {
		return nil, fmt.Errorf("read current entities: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var sid, h string
		if err := rows.Scan(&sid, &h); err != nil {
			return nil, fmt.Errorf("read current entities: %w", err)
		}
		im.current[sid] = h
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read current entities: %w", err)
	}
	return im, nil
}

// Base is the version the import builds on, as it was read when the import
// began: its number, format, size (zero for a new list), list date (the
// newest its files or a later check of it stated) and the files it was
// read from.
func (im *Import) Base() warden.ListVersion {
	return warden.ListVersion{List: im.list, Version: im.base, Format: im.baseFormat, Published: im.baseDate, Entities: len(im.current), Components: im.baseFiles}
}

// components decodes a list_versions.components column: nil where it
// was not recorded.
func components(col string) (map[string]bool, error) {
	if col == "" {
		return nil, nil
	}
	var m map[string]bool
	if err := json.Unmarshal([]byte(col), &m); err != nil {
		return nil, fmt.Errorf("decode list version components: %w", err)
	}
	return m, nil
}

// Audit adds an event to be appended to the audit chain in the transaction
// that commits the version (a forced import, a rollback), so both are
// stored or neither.
func (im *Import) Audit(ev *warden.AuditEvent) { im.events = append(im.events, ev) }

// Also makes Commit run fn in the transaction that stores the version,
// with ctx carrying it (store methods that join a change, such as
// MarkPublished, write in it), so that the version and what goes with it
// (a designation's publication) are stored together or not at all: an
// error from fn rolls the version back.
func (im *Import) Also(fn func(ctx context.Context, v warden.ListVersion) error) { im.also = fn }

// Put records a party of the new version. A source id put twice keeps the
// later party, as a delta stream that modifies a party twice means.
func (im *Import) Put(e *warden.Entity) error {
	if err := e.Validate(); err != nil {
		return err
	}
	for _, c := range e.UnmappedCountries {
		if !im.unknown[c] {
			im.unknown[c] = true
			im.Warn(warden.Warning{Pos: e.SourceID, Msg: fmt.Sprintf("country %q is not an ISO 3166 country; kept as written", c)})
		}
	}
	e.List = im.list
	e.ID = warden.EntityID(im.list, e.SourceID)
	e.Version = 0 // the row's version_from says it; the content must not
	data, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encode %s: %w", e.ID, err)
	}
	sum := sha256.Sum256(data)
	h := hex.EncodeToString(sum[:16])
	if _, ok := im.pending[e.SourceID]; !ok {
		im.order = append(im.order, e.SourceID)
	}
	im.pending[e.SourceID] = pendingEntity{hash: h, data: data, content: contentOf(e)}
	delete(im.deleted, e.SourceID)
	return nil
}

// Delete removes a party (delta imports only).
func (im *Import) Delete(sid string) error {
	if !im.delta {
		return warden.Errorf(warden.EINVALID, "delete of %s in a full import", sid)
	}
	if _, ok := im.current[sid]; !ok {
		if _, ok := im.pending[sid]; !ok {
			im.Warn(warden.Warning{Pos: sid, Msg: "delete of a party that is not on the list"})
			return nil
		}
	}
	delete(im.pending, sid)
	im.deleted[sid] = true
	return nil
}

// Warn counts a warning, keeps the first ones and passes it to the
// function given to Forward.
func (im *Import) Warn(w warden.Warning) {
	im.warns++
	if len(im.sample) < maxWarningSample {
		im.sample = append(im.sample, w)
	}
	if im.forward != nil {
		im.forward(w)
	}
}

// Forward makes Warn pass every warning to fn, in the order they come:
// a version keeps only the first maxWarningSample, and `warden import
// --warnings FILE` writes them all.
func (im *Import) Forward(fn func(warden.Warning)) { im.forward = fn }

// Unchanged reports whether the version Commit would store holds the
// current version's parties exactly: a list that has one already and
// that the files neither add to, modify nor remove from.
func (im *Import) Unchanged() bool {
	v := im.Plan()
	return im.base > 0 && v.Added+v.Modified+v.Removed == 0
}

// Check records, instead of an empty version, that the list's files were
// read and held its current version exactly (see Unchanged): when, by
// whom (audited as list.check in the same transaction, with the events
// given to Audit) and what list date they stated. It returns the current
// version marked Unchanged, with the check's warnings and list date (the
// version's if the files state none) and nothing added, modified or
// removed. ECONFLICT if another import committed since this
// one began, EINVALID if the files change the list.
func (im *Import) Check(meta warden.SourceMeta) (warden.ListVersion, error) {
	ctx := im.ctx
	if !im.Unchanged() {
		return warden.ListVersion{}, warden.Errorf(warden.EINVALID, "the files change list %q: import them as a version", im.list)
	}
	p, _ := warden.PrincipalFrom(ctx)
	c := warden.ListCheck{List: im.list, Version: im.base, Format: im.format, Published: meta.Published, CheckedAt: im.db.now().UTC(), Warnings: im.warns, Actor: p.Name}
	ev := warden.NewAuditEvent(ctx, "list.check", "list:"+im.list, "", map[string]any{"version": c.Version, "format": c.Format, "published": c.Published, "warnings": c.Warnings})
	err := im.db.change(ctx, ev, func(tx *sql.Tx) error {
		// Touching the list's row takes it, as Commit does: a check and an
		// import of the same list do not pass each other.
		res, err := tx.ExecContext(ctx, `UPDATE lists SET current_version = current_version WHERE name = $1 AND current_version = $2`, c.List, c.Version)
		if err != nil {
			return fmt.Errorf("record list check: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return warden.Errorf(warden.ECONFLICT, "list %q was changed by another import; try again", im.list)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO list_checks (list, version, format, published, checked_at, warnings, actor) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			c.List, c.Version, c.Format, c.Published, timestamp(c.CheckedAt), c.Warnings, c.Actor); err != nil {
			return fmt.Errorf("record list check: %w", err)
		}
		return nil
	}, im.events...)
	if err != nil {
		return warden.ListVersion{}, err
	}
	vs, err := im.db.Versions(ctx, im.list)
	if err != nil {
		return warden.ListVersion{}, err
	}
	v, _ := pickVersion(vs, c.Version)
	v.Unchanged, v.Warnings, v.WarningSample = true, im.warns, im.sample
	v.Added, v.Modified, v.Removed = 0, 0, 0
	if c.Published != "" {
		v.Published = c.Published
	}
	return v, nil
}

// Rollback abandons the import; nothing was written, so the list stays as
// it was.
func (im *Import) Rollback() error {
	im.pending, im.order = nil, nil
	return nil
}

// Plan returns the version Commit would store, with what it adds, modifies
// and removes, without writing anything; callers check it before they
// commit.
func (im *Import) Plan() warden.ListVersion {
	v, _, _ := im.plan(warden.SourceMeta{})
	return v
}

// Drops returns what the version Commit would store drops of the names,
// identifiers and addresses of the current one, one warden.Drop per kind.
// It reads from the store only the current parties that the version
// modifies or removes (and, for a delta, those it leaves alone, to count
// them): the content of an unchanged party is known from what was put.
func (im *Import) Drops() ([]warden.Drop, error) {
	var of, dropped [len(contentKinds)]int
	var read []string
	for sid, h := range im.current {
		if p, ok := im.pending[sid]; ok && p.hash == h {
			for k := range of {
				of[k] += len(p.content[k])
			}
			continue
		}
		read = append(read, sid)
	}
	err := im.db.currentEntities(im.ctx, im.list, read, func(e *warden.Entity) error {
		old := contentOf(e)
		var now content
		if p, ok := im.pending[e.SourceID]; ok {
			now = p.content
		} else if im.delta && !im.deleted[e.SourceID] {
			now = old // a delta leaves the parties it does not name as they are
		}
		for k := range old {
			of[k] += len(old[k])
			for _, item := range old[k] {
				if !slices.Contains(now[k], item) {
					dropped[k]++
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]warden.Drop, len(contentKinds))
	for k, what := range contentKinds {
		out[k] = warden.Drop{What: what, Dropped: dropped[k], Of: of[k]}
	}
	return out, nil
}

// currentEntities calls fn with the current version of each party of list
// named in sids. It reads the current rows in one pass and decodes only
// those named: looking them up in batches made SQLite walk the list's
// current rows once per batch (0.25 to 0.45 s for the 4,865 of 8,976
// parties that the 2024 OFAC list modifies or removes, against 0.05 s for
// one pass).
func (db *DB) currentEntities(ctx context.Context, list string, sids []string, fn func(*warden.Entity) error) error {
	if len(sids) == 0 {
		return nil
	}
	want := make(map[string]bool, len(sids))
	for _, sid := range sids {
		want[sid] = true
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT source_id, data FROM entity_versions WHERE list = $1 AND version_to IS NULL`, list)
	if err != nil {
		return fmt.Errorf("read current entities: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var sid string
		var data []byte
		if err := rows.Scan(&sid, &data); err != nil {
			return fmt.Errorf("read current entities: %w", err)
		}
		if !want[sid] {
			continue
		}
		var e warden.Entity
		if err := json.Unmarshal(data, &e); err != nil {
			return fmt.Errorf("decode current entity %s: %w", sid, err)
		}
		if err := fn(&e); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read current entities: %w", err)
	}
	return nil
}

// plan computes the new version and the rows Commit closes and inserts.
func (im *Import) plan(meta warden.SourceMeta) (v warden.ListVersion, closeIDs, insert []string) {
	v = warden.ListVersion{List: im.list, Version: im.base + 1, Format: im.format, Published: meta.Published,
		ImportedAt: im.db.now().UTC(), Warnings: im.warns, WarningSample: im.sample, Components: meta.Components}
	for _, sid := range im.order {
		p, ok := im.pending[sid]
		if !ok {
			continue // deleted after it was put
		}
		old, existed := im.current[sid]
		switch {
		case !existed:
			v.Added++
			insert = append(insert, sid)
		case old != p.hash:
			v.Modified++
			closeIDs = append(closeIDs, sid)
			insert = append(insert, sid)
		}
	}
	if im.delta {
		for sid := range im.deleted {
			if _, ok := im.current[sid]; ok {
				v.Removed++
				closeIDs = append(closeIDs, sid)
			}
		}
		v.Entities = len(im.current) + v.Added - v.Removed
	} else {
		for sid := range im.current {
			if _, ok := im.pending[sid]; !ok {
				v.Removed++
				closeIDs = append(closeIDs, sid)
			}
		}
		v.Entities = len(im.pending)
	}
	return v, closeIDs, insert
}

// Commit stores the new version, with its audit events, in one transaction
// and returns what it changed. ECONFLICT if another import of the same list
// committed since this one began.
func (im *Import) Commit(meta warden.SourceMeta) (warden.ListVersion, error) {
	ctx := im.ctx
	v, closeIDs, insert := im.plan(meta)
	tx, err := im.db.sql.BeginTx(ctx, nil)
	if err != nil {
		return warden.ListVersion{}, fmt.Errorf("begin import: %w", err)
	}
	fail := func(err error) (warden.ListVersion, error) {
		tx.Rollback()
		return warden.ListVersion{}, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO lists (name, current_version, created_at) VALUES ($1, 0, $2) ON CONFLICT (name) DO NOTHING`, im.list, timestamp(im.db.now())); err != nil {
		return fail(fmt.Errorf("create list: %w", err))
	}
	// Moving the list on first takes its row: a concurrent import of the
	// same list waits here, then finds it moved and refuses.
	res, err := tx.ExecContext(ctx, `UPDATE lists SET current_version = $1 WHERE name = $2 AND current_version = $3`, v.Version, im.list, im.base)
	if err != nil {
		return fail(fmt.Errorf("update list: %w", err))
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fail(warden.Errorf(warden.ECONFLICT, "list %q was changed by another import; try again", im.list))
	}
	for start := 0; start < len(closeIDs); start += batchRows {
		ids := closeIDs[start:min(start+batchRows, len(closeIDs))]
		args := []any{v.Version, im.list}
		ph := make([]string, len(ids))
		for i, id := range ids {
			args = append(args, id)
			ph[i] = fmt.Sprintf("$%d", i+3)
		}
		q := `UPDATE entity_versions SET version_to = $1 WHERE list = $2 AND version_to IS NULL AND source_id IN (` + strings.Join(ph, ",") + `)`
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fail(fmt.Errorf("close entity versions: %w", err))
		}
	}
	for start := 0; start < len(insert); start += batchRows {
		ids := insert[start:min(start+batchRows, len(insert))]
		args := make([]any, 0, len(ids)*5)
		ph := make([]string, len(ids))
		for i, sid := range ids {
			p := im.pending[sid]
			n := i * 5
			ph[i] = fmt.Sprintf("($%d,$%d,$%d,$%d,$%d)", n+1, n+2, n+3, n+4, n+5)
			args = append(args, im.list, sid, v.Version, p.hash, string(p.data))
		}
		q := `INSERT INTO entity_versions (list, source_id, version_from, hash, data) VALUES ` + strings.Join(ph, ",")
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fail(fmt.Errorf("insert entity versions: %w", err))
		}
	}
	sample, _ := json.Marshal(im.sample)
	if im.sample == nil {
		sample = []byte("[]")
	}
	var files []byte
	if v.Components != nil {
		files, _ = json.Marshal(v.Components)
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO list_versions (list, version, format, published, imported_at, entities, added, modified, removed, warnings, warning_sample, components)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		im.list, v.Version, im.format, v.Published, timestamp(v.ImportedAt), v.Entities, v.Added, v.Modified, v.Removed, v.Warnings, string(sample), string(files)); err != nil {
		return fail(fmt.Errorf("insert list version: %w", err))
	}
	// Every node listening rebuilds its index once this commits.
	if err := im.db.notify(ctx, tx, ListsChannel, fmt.Sprintf("%s %d", im.list, v.Version)); err != nil {
		return fail(fmt.Errorf("announce list version: %w", err))
	}
	// The import is audited in its own transaction: both or neither.
	ev := warden.NewAuditEvent(ctx, "list.import", "list:"+im.list, "", map[string]any{"version": v.Version, "format": im.format,
		"published": v.Published, "entities": v.Entities, "added": v.Added, "modified": v.Modified, "removed": v.Removed, "warnings": v.Warnings})
	if im.db.driver == "pgx" {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7202)`); err != nil {
			return fail(fmt.Errorf("audit lock: %w", err))
		}
	}
	// Events take their ids under the lock (see insertEvent).
	if v.Added+v.Modified+v.Removed > 0 {
		payload, _ := json.Marshal(warden.ListChange{List: im.list, Version: v.Version, Added: v.Added, Modified: v.Modified, Removed: v.Removed})
		if err := insertEvent(ctx, tx, warden.DomainEvent{Type: warden.EventListChanged, Object: "list:" + im.list, Payload: payload}, im.db.now()); err != nil {
			return fail(err)
		}
	}
	if im.also != nil {
		if err := im.also(withTx(ctx, tx), v); err != nil {
			return fail(err)
		}
	}
	var head chainHead
	for _, e := range append([]*warden.AuditEvent{ev}, im.events...) {
		if err := head.add(ctx, tx, e, im.db.now()); err != nil {
			return fail(err)
		}
	}
	if err := head.flush(ctx, tx); err != nil {
		return fail(err)
	}
	if err := tx.Commit(); err != nil {
		return warden.ListVersion{}, fmt.Errorf("commit import: %w", err)
	}
	return v, nil
}
