package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"warden"
	"warden/stix"

	sstix "warden/sources/stix"
)

// The intelligence store: every version of every STIX object kept (see
// migration 0020), with what reads select on derived from the current
// version of each id (edges, observables, patterns not read), the links
// to Warden's records, collections and what is shared in them, and the
// reports of imports. Every write goes through change, with its audit
// event: an import of 100,000 objects is one transaction, written with
// multi-row inserts.

// IntelObservable is what a current indicator observes, as stored: the
// value and when the indicator is valid.
type IntelObservable struct {
	warden.Observable
	ValidFrom, ValidUntil time.Time // zero when not given
}

// IntelUnsupported says why Warden does not read an indicator's pattern.
type IntelUnsupported struct {
	PatternType string
	Reason      string
}

// IntelOutcome is what storing one version did.
type IntelOutcome int

// Outcomes of StoreIntel for each version.
const (
	IntelAdded     IntelOutcome = iota + 1 // a new id
	IntelVersioned                         // a new version of an id known
	IntelUnchanged                         // the same id and modified stored before (or earlier in the batch)
	IntelSkipped                           // kept out of an import: reported in its Skipped
)

// HomeOrigin is the origin of what Warden wrote and what the authority's
// people imported from a file, the API or the CLI.
const HomeOrigin = "home"

// Why an import keeps a version out (warden.IntelImport's Skipped). The
// first says the same of any id an importer may not version, whether it
// exists or not, and names no organisation.
const (
	SkipOrigin   = "kept: an object with this id comes from another source"
	SkipConflict = "kept: a different object with this id and modified is stored"
	SkipReserved = "kept: a reserved id, which Warden defines itself"
	SkipRevoked  = "revoked: an object revoked stays revoked"
	SkipSigned   = "created_by_ref: names this installation"
)

// legacyAuthority is the identity every Warden signed with before each
// installation drew its own (see intel's identity): like the
// installation's, no import from elsewhere may name it as its creator.
var legacyAuthority = sstix.ID("identity", "warden-authority")

// IntelVersion is one version of an object to store, with what the
// service read from it: its edges, and for an indicator the observables
// of its pattern or why it is not read. Edges, Observables and
// Unsupported are stored only if the version becomes current.
type IntelVersion struct {
	Object      warden.IntelObject // ID, Type, Name, TLP, Created, Modified, Source, Revoked, Opaque and Object; StoreIntel sets Seq, Added and Current
	Spec        string             // spec_version
	Edges       []warden.IntelEdge
	Observables []IntelObservable
	Unsupported *IntelUnsupported
	// Expect, for an edit, is the modified time of the version it was
	// made from: ECONFLICT if another version is current by then.
	Expect *time.Time
	// Origin is where an imported object comes from (HomeOrigin,
	// "org:ID", "feed:NAME", "taxii:HOST"; "" is HomeOrigin): an import
	// stores a version only of an id new to the store or first stored
	// from the same origin; another is skipped (SkipOrigin), or refused
	// for a counterpart. Every version of an id keeps its first origin.
	Origin string
	// Reserved, set by the importer, says the id is one Warden defines
	// itself (its identity, a TLP marking definition): the version is
	// never stored. Canonical says it is the object Warden defines under
	// that id (counted unchanged); otherwise it is skipped (SkipReserved).
	Reserved, Canonical bool
	// Outcome is set by StoreIntel.
	Outcome IntelOutcome
}

// maxParams bounds the placeholders of one statement (PostgreSQL allows
// 65535). On SQLite, whose driver binds each parameter by looking its
// number up among all the arguments (quadratic in their number), a
// statement takes sqliteParams.
const (
	maxParams    = 16000
	sqliteParams = 48
)

// inChunk is how many ids one IN (...) list takes: few on SQLite, for
// the reason of sqliteParams.
func (db *DB) inChunk() int {
	if db.driver == "sqlite" {
		return 100
	}
	return 1000
}

// intelKey is the text of a version's modified time as the store keys it.
func intelKey(t time.Time) string { return timestamp(t) }

// StoreIntel stores versions of objects in one transaction with the audit
// event ev: new ids and new versions are inserted, a version newer than
// an id's current one becomes current (and that id's edges, observables
// and unsupported pattern are rewritten from it, and its shares move to
// now, so that a collection's readers see the new version after their
// last added_after), an older one is kept as a version only, one stored
// before is left alone, and one after a revoked version of its id is
// skipped (SkipRevoked): revocation is for good. With imp set, the import's report is
// counted (Added, Versions, Unchanged, Successes), stored, and announced
// by an intel.imported event; org is the importer's organisation, and
// imp.Collection, if set, is where what the import stored is shared (RED
// objects never are). ev's object is then the import. Each version's
// Outcome, Seq, Added and Current are set.
func (db *DB) StoreIntel(ctx context.Context, vs []IntelVersion, imp *warden.IntelImport, org string, at time.Time, ev *warden.AuditEvent) error {
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		if err := db.storeIntel(ctx, tx, vs, imp, org, at, ev); err != nil {
			return err
		}
		return bumpIntelGeneration(ctx, tx)
	})
}

// intelState is what a transaction knows of one id: its versions (with
// their JSON when an import sends one again) and current one, and its
// origin, in the store and in the batch.
type intelState struct {
	versions map[string]bool
	objects  map[string]string // key → the JSON of a version sent again
	stored   bool              // the id has rows already
	origin   string            // the origin of its first version, "" while it has none
	current  string            // the current version's key
	revoked  string            // the key of its first revoked version, stored or in the batch; "" if none
	next     int               // the batch's version that becomes current, or -1
}

func (db *DB) storeIntel(ctx context.Context, tx *sql.Tx, vs []IntelVersion, imp *warden.IntelImport, org string, at time.Time, ev *warden.AuditEvent) error {
	at = at.UTC().Truncate(time.Microsecond)
	states, err := db.intelStates(ctx, tx, vs)
	if err != nil {
		return err
	}
	var seq int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM intel_objects`).Scan(&seq); err != nil {
		return fmt.Errorf("intel seq: %w", err)
	}
	if imp != nil {
		imp.Added, imp.Versions, imp.Unchanged, imp.Successes, imp.Skipped, imp.Adopted = 0, 0, 0, []string{}, []warden.ObjectProblem{}, nil
	}
	signers := []string{legacyAuthority}
	if imp != nil {
		var id string
		err := tx.QueryRowContext(ctx, `SELECT value FROM intel_settings WHERE key = 'identity'`).Scan(&id)
		if err != nil && err != sql.ErrNoRows {
			return fmt.Errorf("intel identity: %w", err)
		}
		if id != "" {
			signers = append(signers, id)
		}
	}
	counterpart := org != "" && org != warden.HomeOrg
	var replaced [][2]string       // stix_id, modified: a counterpart's versions an adoption removes
	adopted := map[string]string{} // stix_id → the counterpart origin it had
	for i := range vs {
		v := &vs[i]
		st := states[v.Object.ID]
		key := intelKey(v.Object.Modified)
		if v.Expect != nil && st.current != intelKey(*v.Expect) {
			return warden.Errorf(warden.ECONFLICT, "%s changed since it was read: someone stored a newer version first", v.Object.ID)
		}
		origin := cmp.Or(v.Origin, HomeOrigin)
		// What is not the authority's may not say the authority wrote it.
		signed := imp != nil && origin != HomeOrigin && slices.ContainsFunc(v.Edges, func(e warden.IntelEdge) bool {
			return e.Type == "created_by_ref" && slices.Contains(signers, e.Target)
		})
		if signed && counterpart {
			return warden.Errorf(warden.EINVALID, "objects: %s: %s, nothing stored", v.Object.ID, SkipSigned)
		}
		// The authority (its people, its feeds) adopts what a
		// counterpart sent first, so that no counterpart keeps an
		// indicator from screening, or from being the authority's, by
		// sending its id first: the counterpart's versions give way
		// (all but the current one sent again as it is, which stays),
		// and the object becomes the importer's.
		if imp != nil && !counterpart && !signed && !v.Reserved && strings.HasPrefix(st.origin, "org:") && !strings.HasPrefix(origin, "org:") {
			same := st.objects[key]
			identical := st.versions[key] && key == st.current && (same == string(v.Object.Object) || stix.Equivalent(json.RawMessage(same), v.Object.Object))
			for k := range st.versions {
				if identical && k == key {
					continue // the current version, sent again as it is: it stays
				}
				replaced = append(replaced, [2]string{v.Object.ID, k})
				delete(st.versions, k)
				delete(st.objects, k)
			}
			if !identical {
				st.current = ""
			}
			if !st.versions[st.revoked] {
				st.revoked = ""
			}
			adopted[v.Object.ID] = st.origin
			imp.Adopted = append(imp.Adopted, v.Object.ID)
			st.origin = origin
		}
		v.Outcome = IntelVersioned
		skip := ""
		switch {
		case v.Reserved || stix.IsTLPMarking(v.Object.ID):
			v.Outcome, skip = IntelUnchanged, SkipReserved
			if v.Canonical {
				skip = ""
			}
		case st.versions[key]:
			v.Outcome = IntelUnchanged
			if same := st.objects[key]; imp != nil && same != "" && same != string(v.Object.Object) && !stix.Equivalent(json.RawMessage(same), v.Object.Object) {
				skip = SkipConflict
			}
		case len(st.versions) == 0 && adopted[v.Object.ID] == "":
			v.Outcome = IntelAdded
		}
		// Revocation is for good: no version after the first revoked
		// one is stored (STIX 2.1, 3.6).
		if v.Outcome != IntelUnchanged && st.revoked != "" && key > st.revoked {
			skip = SkipRevoked
		}
		// An import versions only what comes from the id's origin; the
		// same version again, unchanged, is no new version of it.
		if imp != nil && st.origin != "" && st.origin != origin && v.Outcome != IntelAdded && (v.Outcome != IntelUnchanged || skip == SkipConflict) {
			skip = SkipOrigin
		}
		if signed {
			skip = SkipSigned
		}
		if skip != "" {
			if skip == SkipOrigin && counterpart {
				return warden.Errorf(warden.EINVALID, "objects: %s: %s, nothing stored", v.Object.ID, SkipOrigin)
			}
			v.Outcome = IntelSkipped
			if imp != nil {
				imp.Skipped = append(imp.Skipped, warden.ObjectProblem{Object: v.Object.ID, Message: skip})
			}
			continue
		}
		if imp != nil {
			imp.Successes = append(imp.Successes, v.Object.ID)
			switch v.Outcome {
			case IntelUnchanged:
				imp.Unchanged++
			case IntelAdded:
				imp.Added++
			default:
				imp.Versions++
			}
		}
		if v.Outcome == IntelUnchanged {
			continue
		}
		if st.origin == "" {
			st.origin = origin
		}
		v.Origin = st.origin
		st.versions[key] = true
		st.objects[key] = string(v.Object.Object)
		seq++
		v.Object.Seq, v.Object.Added, v.Object.Current = seq, at, false
		if key > st.current {
			st.current, st.next = key, i
		}
	}
	// The ids whose current version changes: their old current row and
	// derived rows go.
	var changed, restated []string
	for id, st := range states {
		if st.next < 0 {
			continue
		}
		vs[st.next].Object.Current = true
		changed = append(changed, id)
		if st.stored {
			restated = append(restated, id)
		}
	}
	sort.Strings(changed)
	sort.Strings(restated)
	for _, q := range []string{
		`UPDATE intel_objects SET current = 0 WHERE current = 1 AND stix_id IN (%s)`,
		`DELETE FROM intel_edges WHERE owner IN (%s)`,
		`DELETE FROM intel_observables WHERE stix_id IN (%s)`,
		`DELETE FROM intel_unsupported WHERE stix_id IN (%s)`,
	} {
		if err := db.execIn(ctx, tx, q, restated); err != nil {
			return err
		}
	}
	for _, r := range replaced {
		if _, err := tx.ExecContext(ctx, `DELETE FROM intel_objects WHERE stix_id = $1 AND modified = $2`, r[0], r[1]); err != nil {
			return fmt.Errorf("intel adopt: %w", err)
		}
	}
	// An adopted object is the importer's in all its versions, and no
	// longer shared with the organisation that sent it through that
	// organisation's collections: what the authority writes of it next
	// is not that organisation's to read unless shared anew.
	for _, id := range slices.Sorted(maps.Keys(adopted)) {
		if _, err := tx.ExecContext(ctx, `UPDATE intel_objects SET origin = $1 WHERE stix_id = $2`, states[id].origin, id); err != nil {
			return fmt.Errorf("intel adopt: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM intel_shares WHERE stix_id = $1 AND collection IN (SELECT collection FROM intel_collection_orgs WHERE org = $2)`,
			id, strings.TrimPrefix(adopted[id], "org:")); err != nil {
			return fmt.Errorf("intel adopt: %w", err)
		}
	}
	importID := ""
	if imp != nil {
		importID = imp.ID
	}
	if err := db.insertIntelRows(ctx, tx, vs, importID); err != nil {
		return err
	}
	if err := db.insertDerived(ctx, tx, vs, states, changed); err != nil {
		return err
	}
	if err := db.bumpShares(ctx, tx, restated, at); err != nil {
		return err
	}
	if imp == nil {
		return nil
	}
	if imp.Collection != "" {
		if err := db.shareImported(ctx, tx, vs, imp, org, at); err != nil {
			return err
		}
	}
	return recordImport(ctx, tx, imp, org, at, ev)
}

// intelStates reads what the store holds of the batch's ids, and the
// JSON of the versions the batch sends again, to tell the same version
// from another object under its id and modified.
func (db *DB) intelStates(ctx context.Context, tx *sql.Tx, vs []IntelVersion) (map[string]*intelState, error) {
	states := map[string]*intelState{}
	var ids []string
	for _, v := range vs {
		if states[v.Object.ID] == nil {
			states[v.Object.ID] = &intelState{versions: map[string]bool{}, objects: map[string]string{}, next: -1}
			ids = append(ids, v.Object.ID)
		}
	}
	for chunk := range chunks(ids, db.inChunk()) {
		rows, err := tx.QueryContext(ctx, `SELECT stix_id, modified, current, origin, revoked FROM intel_objects WHERE stix_id IN (`+dollars(1, len(chunk))+`)`, anys(chunk)...)
		if err != nil {
			return nil, fmt.Errorf("intel versions: %w", err)
		}
		for rows.Next() {
			var id, mod, origin string
			var cur, rev int
			if err := rows.Scan(&id, &mod, &cur, &origin, &rev); err != nil {
				rows.Close()
				return nil, err
			}
			st := states[id]
			st.versions[mod], st.stored, st.origin = true, true, origin
			if cur == 1 {
				st.current = mod
			}
			if rev == 1 && (st.revoked == "" || mod < st.revoked) {
				st.revoked = mod
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	for _, v := range vs {
		st, key := states[v.Object.ID], intelKey(v.Object.Modified)
		if v.Object.Revoked && !v.Reserved && (st.revoked == "" || key < st.revoked) {
			st.revoked = key
		}
	}
	var again []string
	seen := map[string]bool{}
	for _, v := range vs {
		if st := states[v.Object.ID]; st.versions[intelKey(v.Object.Modified)] && !seen[v.Object.ID] {
			seen[v.Object.ID] = true
			again = append(again, v.Object.ID)
		}
	}
	for chunk := range chunks(again, db.inChunk()) {
		rows, err := tx.QueryContext(ctx, `SELECT stix_id, modified, object FROM intel_objects WHERE stix_id IN (`+dollars(1, len(chunk))+`)`, anys(chunk)...)
		if err != nil {
			return nil, fmt.Errorf("intel versions: %w", err)
		}
		for rows.Next() {
			var id, mod, object string
			if err := rows.Scan(&id, &mod, &object); err != nil {
				rows.Close()
				return nil, err
			}
			states[id].objects[mod] = object
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return states, nil
}

// insertIntelRows inserts the versions stored (not unchanged ones), as
// stored by import importID ("" for none).
func (db *DB) insertIntelRows(ctx context.Context, tx *sql.Tx, vs []IntelVersion, importID string) error {
	var rows [][]any
	for _, v := range vs {
		if v.Outcome == IntelUnchanged || v.Outcome == IntelSkipped {
			continue
		}
		o := v.Object
		rows = append(rows, []any{o.Seq, o.ID, o.Type, intelKey(o.Modified), timestamp(o.Created), timestamp(o.Added), v.Spec, string(o.TLP),
			storable(o.Name), o.Source, importID, boolInt(o.Current), boolInt(o.Revoked), boolInt(o.Opaque), string(o.Object), cmp.Or(v.Origin, HomeOrigin)})
	}
	return db.insertRows(ctx, tx, `INSERT INTO intel_objects (seq, stix_id, type, modified, created, added_at, spec, tlp, name, source, import_id, current, revoked, opaque, object, origin) VALUES `, "", rows)
}

// insertDerived writes the edges, observables and unsupported patterns of
// the versions that became current. A revoked object asserts nothing:
// it has none.
func (db *DB) insertDerived(ctx context.Context, tx *sql.Tx, vs []IntelVersion, states map[string]*intelState, changed []string) error {
	var edges, obs, unsup [][]any
	for _, id := range changed {
		v := vs[states[id].next]
		if v.Object.Revoked {
			continue
		}
		seenEdge := map[warden.IntelEdge]bool{}
		for _, e := range v.Edges {
			if !seenEdge[e] {
				seenEdge[e] = true
				edges = append(edges, []any{e.Source, storable(e.Type), e.Target, e.Rel, e.Confidence, id})
			}
		}
		seenObs := map[[2]string]bool{}
		for _, o := range v.Observables {
			k := [2]string{string(o.Kind), o.Value}
			if seenObs[k] {
				continue
			}
			seenObs[k] = true
			lo, hi := IPRange(o.Observable)
			obs = append(obs, []any{id, string(o.Kind), o.Value, o.Chain, lo, hi, optZero(o.ValidFrom), optZero(o.ValidUntil)})
		}
		if u := v.Unsupported; u != nil {
			unsup = append(unsup, []any{id, storable(u.PatternType), storable(u.Reason)})
		}
	}
	if err := db.insertRows(ctx, tx, `INSERT INTO intel_edges (source, type, target, rel, confidence, owner) VALUES `, "", edges); err != nil {
		return err
	}
	if err := db.insertRows(ctx, tx, `INSERT INTO intel_observables (stix_id, kind, value, chain, lo, hi, valid_from, valid_until) VALUES `, "", obs); err != nil {
		return err
	}
	return db.insertRows(ctx, tx, `INSERT INTO intel_unsupported (stix_id, pattern_type, reason) VALUES `, "", unsup)
}

// optZero is a time column: empty when the time is not given.
func optZero(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return timestamp(t)
}

// IPRange returns the bounds of an IP observable (an address or a CIDR)
// as fixed-width lower-case hex (8 digits for IPv4, 32 for IPv6), so that
// text comparison orders addresses; "" for other kinds or a value that is
// not an address.
func IPRange(o warden.Observable) (lo, hi string) {
	if o.Kind != warden.KindIPv4 && o.Kind != warden.KindIPv6 {
		return "", ""
	}
	p, err := netip.ParsePrefix(o.Value)
	if err != nil {
		a, err := netip.ParseAddr(o.Value)
		if err != nil {
			return "", ""
		}
		p = netip.PrefixFrom(a, a.BitLen())
	}
	p = p.Masked()
	first := p.Addr().AsSlice()
	last := append([]byte(nil), first...)
	for b := p.Bits(); b < len(last)*8; b++ {
		last[b/8] |= 0x80 >> (b % 8)
	}
	return hex.EncodeToString(first), hex.EncodeToString(last)
}

// bumpShares moves the shares of ids whose current version changed to
// now, each id with a share sequence number of its own.
func (db *DB) bumpShares(ctx context.Context, tx *sql.Tx, ids []string, at time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	shared := map[string]bool{}
	for chunk := range chunks(ids, db.inChunk()) {
		rows, err := tx.QueryContext(ctx, `SELECT DISTINCT stix_id FROM intel_shares WHERE stix_id IN (`+dollars(1, len(chunk))+`)`, anys(chunk)...)
		if err != nil {
			return fmt.Errorf("intel shares: %w", err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			shared[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	if len(shared) == 0 {
		return nil
	}
	seq, err := shareSeq(ctx, tx)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if !shared[id] {
			continue
		}
		seq++
		if _, err := tx.ExecContext(ctx, `UPDATE intel_shares SET seq = $1, added_at = $2 WHERE stix_id = $3`, seq, timestamp(at), id); err != nil {
			return fmt.Errorf("intel shares: %w", err)
		}
	}
	return nil
}

// shareSeq is the last share sequence number.
func shareSeq(ctx context.Context, tx *sql.Tx) (int64, error) {
	var seq int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM intel_shares`).Scan(&seq); err != nil {
		return 0, fmt.Errorf("intel shares: %w", err)
	}
	return seq, nil
}

// shareImported shares what an import stored, or found stored, in its
// collection, except RED objects and what is shared there already. What
// a counterpart's import found stored is not shared: sending an object's
// id and modified time must not open another's object to it.
func (db *DB) shareImported(ctx context.Context, tx *sql.Tx, vs []IntelVersion, imp *warden.IntelImport, org string, at time.Time) error {
	var ids []string
	seen := map[string]bool{}
	for _, v := range vs {
		if v.Outcome == IntelSkipped || v.Reserved || v.Outcome == IntelUnchanged && org != warden.HomeOrg {
			continue
		}
		if !seen[v.Object.ID] && v.Object.TLP.Shareable() {
			seen[v.Object.ID] = true
			ids = append(ids, v.Object.ID)
		}
	}
	return db.shareIDs(ctx, tx, imp.Collection, ids, imp.Actor, at)
}

// shareIDs puts ids in a collection from at on, a microsecond apart,
// leaving those there already where they are.
func (db *DB) shareIDs(ctx context.Context, tx *sql.Tx, collection string, ids []string, by string, at time.Time) error {
	seq, err := shareSeq(ctx, tx)
	if err != nil {
		return err
	}
	// Each object of one share is added a microsecond after the one
	// before, in the order shared: a TAXII client that resumes with
	// added_after at the last date of a page cut inside the share loses
	// none of the rest.
	rows := make([][]any, 0, len(ids))
	for i, id := range ids {
		seq++
		t := timestamp(at.Add(time.Duration(i) * time.Microsecond))
		rows = append(rows, []any{collection, id, seq, t, t, by})
	}
	return db.insertRows(ctx, tx, `INSERT INTO intel_shares (collection, stix_id, seq, added_at, shared_at, added_by) VALUES `, ` ON CONFLICT (collection, stix_id) DO NOTHING`, rows)
}

// recordImport stores an import's report and announces it.
func recordImport(ctx context.Context, tx *sql.Tx, imp *warden.IntelImport, org string, at time.Time, ev *warden.AuditEvent) error {
	imp.At = at
	report, err := json.Marshal(imp)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO intel_imports (id, source, collection, actor, org, at, report) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		imp.ID, imp.Source, imp.Collection, imp.Actor, org, timestamp(at), string(report)); err != nil {
		return fmt.Errorf("intel import: %w", err)
	}
	payload, err := json.Marshal(warden.IntelImportEvent{Import: imp.ID, Source: imp.Source, Added: imp.Added, Versions: imp.Versions, Unchanged: imp.Unchanged})
	if err != nil {
		return err
	}
	object := "intel-import:" + imp.ID
	if ev != nil {
		ev.Object = object
		if ev.Detail, err = setDetail(ev.Detail, "added", imp.Added); err != nil {
			return err
		}
		if ev.Detail, err = setDetail(ev.Detail, "versions", imp.Versions); err != nil {
			return err
		}
		if ev.Detail, err = setDetail(ev.Detail, "unchanged", imp.Unchanged); err != nil {
			return err
		}
	}
	return insertEvent(ctx, tx, warden.DomainEvent{Type: warden.EventIntelImported, Object: object, Payload: payload}, at)
}

// insertRows inserts rows (each of the same width) with head (`INSERT
// INTO t (cols) VALUES `) and tail, as many rows a statement as the
// engine takes well: maxParams parameters on PostgreSQL, sqliteParams on
// SQLite.
func (db *DB) insertRows(ctx context.Context, tx *sql.Tx, head, tail string, rows [][]any) error {
	params := maxParams
	if db.driver == "sqlite" {
		params = sqliteParams
	}
	return insertBatches(ctx, tx, head, tail, rows, params)
}

// insertRows is DB.insertRows for code without the DB at hand, for a
// few rows: statements of few parameters, which suit both engines.
func insertRows(ctx context.Context, tx *sql.Tx, head, tail string, rows [][]any) error {
	return insertBatches(ctx, tx, head, tail, rows, sqliteParams)
}

// insertBatches inserts rows in statements of at most params
// parameters (one row at least).
func insertBatches(ctx context.Context, tx *sql.Tx, head, tail string, rows [][]any, params int) error {
	if len(rows) == 0 {
		return nil
	}
	width := len(rows[0])
	per := max(params/width, 1)

	var stmt *sql.Stmt
	defer func() {
		if stmt != nil {
			stmt.Close()
		}
	}()
	for len(rows) > 0 {
		n := min(per, len(rows))
		q := statement(head, tail, width, n)
		args := make([]any, 0, n*width)
		for _, r := range rows[:n] {
			args = append(args, r...)
		}
		var err error
		if n == per {
			// Full batches repeat one statement: prepare it once.
			if stmt == nil {
				if stmt, err = tx.PrepareContext(ctx, q); err != nil {
					return fmt.Errorf("%s: %w", strings.TrimSpace(head[:min(len(head), 40)]), err)
				}
			}
			_, err = stmt.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, q, args...)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", strings.TrimSpace(head[:min(len(head), 40)]), err)
		}
		rows = rows[n:]
	}
	return nil
}

// statement is a multi-row INSERT of n rows of width values.
func statement(head, tail string, width, n int) string {
	var b strings.Builder
	b.Grow(len(head) + len(tail) + n*width*6)
	b.WriteString(head)
	p := 1
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for j := range width {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(p))
			p++
		}
		b.WriteByte(')')
	}
	b.WriteString(tail)
	return b.String()
}

// dollars is "$from, ..., $(from+n-1)".
func dollars(from, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(from + i))
	}
	return b.String()
}

// chunks yields s in pieces of at most n.
func chunks[T any](s []T, n int) func(func([]T) bool) {
	return func(yield func([]T) bool) {
		for len(s) > 0 {
			k := min(n, len(s))
			if !yield(s[:k]) {
				return
			}
			s = s[k:]
		}
	}
}

func anys[T any](s []T) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// execIn runs q, whose %s takes the dollars, over ids in chunks.
func (db *DB) execIn(ctx context.Context, tx *sql.Tx, q string, ids []string) error {
	for chunk := range chunks(ids, db.inChunk()) {
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(q, dollars(1, len(chunk))), anys(chunk)...); err != nil {
			return fmt.Errorf("intel: %w", err)
		}
	}
	return nil
}

// The installation's identity.

// IntelIdentity returns the STIX id of this installation's identity, ""
// if none was made yet.
func (db *DB) IntelIdentity(ctx context.Context) (string, error) {
	var id string
	err := db.reader(ctx).QueryRowContext(ctx, `SELECT value FROM intel_settings WHERE key = 'identity'`).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("intel identity: %w", err)
	}
	return id, nil
}

// CreateIntelIdentity makes v, an identity object, this installation's
// identity, stored with the audit event ev, unless another was made
// first (by another process): then nothing is written and that one's id
// is returned.
func (db *DB) CreateIntelIdentity(ctx context.Context, v IntelVersion, at time.Time, ev *warden.AuditEvent) (string, error) {
	id := v.Object.ID
	err := db.change(ctx, ev, func(tx *sql.Tx) error {
		var first string
		err := tx.QueryRowContext(ctx, `SELECT value FROM intel_settings WHERE key = 'identity'`).Scan(&first)
		if err == nil {
			id = first
			return errSkipAudit
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("intel identity: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO intel_settings (key, value) VALUES ('identity', $1)`, id); err != nil {
			return fmt.Errorf("intel identity: %w", err)
		}
		return db.storeIntel(ctx, tx, []IntelVersion{v}, nil, "", at, ev)
	})
	return id, err
}

// Reads.

// IntelVisibility is who reads, as SQL decides it: the markings the
// reader sees anyway, and those it sees only in a collection of its
// organisation Org (a counterpart's AMBER). The service derives it from
// warden.SeesTLP.
type IntelVisibility struct {
	TLPs   []warden.TLP
	Shared []warden.TLP
	Org    string
	// Counterpart says the reader is a counterpart's: it sees what
	// another counterpart sent (origin "org:ID" of another organisation)
	// only when shared with Org, whatever its marking, since that is not
	// yet the authority's to publish.
	Counterpart bool
}

// IntelQuery selects versions of objects (see IntelObjects).
type IntelQuery struct {
	IDs, Types, SpecVersions []string
	// Versions is "last" (the current version; the default), "first",
	// "all", or modified times in the STIX layout, comma-separated.
	Versions   string
	AddedAfter time.Time // added after: stored, or in a collection stored or shared, whichever is later
	Query      string    // in the name, any letter case
	Newest     bool      // newest first (the pages' lists); not with Collection
	Collection string    // only what is shared in it, in the order shared
	Visible    IntelVisibility
	After      string // the cursor of the page before
	Limit      int    // at least 1
}

const intelColumns = `o.seq, o.stix_id, o.type, o.modified, o.created, o.added_at, o.tlp, o.name, o.source, o.current, o.revoked, o.opaque, o.object`

func scanIntel(scan func(...any) error, extra ...any) (warden.IntelObject, error) {
	var o warden.IntelObject
	var mod, created, added, tlp, object string
	var cur, rev, opq int
	err := scan(append([]any{&o.Seq, &o.ID, &o.Type, &mod, &created, &added, &tlp, &o.Name, &o.Source, &cur, &rev, &opq, &object}, extra...)...)
	if err != nil {
		return o, err
	}
	o.Modified, o.Created, o.Added, o.TLP = parseTime(mod), parseTime(created), parseTime(added), warden.TLP(tlp)
	o.Current, o.Revoked, o.Opaque, o.Object = cur == 1, rev == 1, opq == 1, json.RawMessage(object)
	return o, nil
}

// visibleSQL is the condition that the reader sees the row aliased o,
// with its arguments from n on. A share counts only in a collection the
// organisation may read: one it may only write to shares nothing with it.
func visibleSQL(v IntelVisibility, o string, n int) (string, []any) {
	var args []any
	in := func(ts []warden.TLP) string {
		ph := make([]string, len(ts))
		for i, t := range ts {
			args = append(args, string(t))
			ph[i] = "$" + strconv.Itoa(n+len(args)-1)
		}
		return strings.Join(ph, ", ")
	}
	var or []string
	shared := v.Shared
	if len(v.TLPs) > 0 {
		cond := o + ".tlp IN (" + in(v.TLPs) + ")"
		if v.Counterpart {
			args = append(args, "org:"+v.Org)
			cond = "(" + cond + " AND (" + o + ".origin NOT LIKE 'org:%' OR " + o + ".origin = $" + strconv.Itoa(n+len(args)-1) + "))"
			shared = append(slices.Clone(v.TLPs), v.Shared...)
		}
		or = append(or, cond)
	}
	if len(shared) > 0 && v.Org != "" {
		cond := "(" + o + ".tlp IN (" + in(shared) + ")"
		args = append(args, v.Org)
		cond += " AND EXISTS (SELECT 1 FROM intel_shares vs JOIN intel_collection_orgs vc ON vc.collection = vs.collection JOIN intel_collections vl ON vl.id = vs.collection AND vl.can_read = 1" +
			" WHERE vs.stix_id = " + o + ".stix_id AND vc.org = $" + strconv.Itoa(n+len(args)-1) + "))"
		or = append(or, cond)
	}
	if len(or) == 0 {
		return "1 = 0", nil
	}
	return "(" + strings.Join(or, " OR ") + ")", args
}

// IntelObjects returns a page of the versions q selects that its reader
// sees, in the order stored (in a collection, the order shared), whether
// there are more, and the cursor of the next page.
func (db *DB) IntelObjects(ctx context.Context, q IntelQuery) ([]warden.IntelObject, bool, string, error) {
	var where []string
	var args []any
	add := func(cond string, vs ...any) {
		ph := make([]any, len(vs))
		for i, v := range vs {
			args = append(args, v)
			ph[i] = len(args)
		}
		where = append(where, fmt.Sprintf(cond, ph...))
	}
	addIn := func(col string, vs []string) {
		if len(vs) == 0 {
			return
		}
		where = append(where, col+" IN ("+dollars(len(args)+1, len(vs))+")")
		args = append(args, anys(vs)...)
	}
	vis, vargs := visibleSQL(q.Visible, "o", len(args)+1)
	where = append(where, vis)
	args = append(args, vargs...)
	if v := strings.TrimSpace(q.Versions); v != "" && v != "last" {
		// A version other than the current one is visible only while
		// the current one is: marking an object RED withdraws them all.
		cur, cargs := visibleSQL(q.Visible, "c", len(args)+1)
		where = append(where, "EXISTS (SELECT 1 FROM intel_objects c WHERE c.stix_id = o.stix_id AND c.current = 1 AND "+cur+")")
		args = append(args, cargs...)
	}
	addIn("o.stix_id", q.IDs)
	addIn("o.type", q.Types)
	addIn("o.spec", q.SpecVersions)
	switch v := strings.TrimSpace(q.Versions); v {
	case "", "last":
		where = append(where, "o.current = 1")
	case "all":
	case "first":
		where = append(where, "o.modified = (SELECT MIN(f.modified) FROM intel_objects f WHERE f.stix_id = o.stix_id)")
	default:
		var keys []string
		for _, s := range strings.Split(v, ",") {
			t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s))
			if err != nil {
				return nil, false, "", warden.Errorf(warden.EINVALID, "match[version]: %q is not last, first, all or a timestamp", s)
			}
			keys = append(keys, intelKey(t))
		}
		addIn("o.modified", keys)
	}
	if q.Query != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(q.Query)) + "%"
		args = append(args, like)
		n := strconv.Itoa(len(args))
		cond := `(LOWER(o.name) LIKE $` + n + ` ESCAPE '\' OR (o.type = 'indicator' AND LOWER(` + db.jsonText("o.object", "pattern") + `) LIKE $` + n + ` ESCAPE '\')`
		if vals := queryValues(q.Query); len(vals) > 0 {
			cond += ` OR EXISTS (SELECT 1 FROM intel_observables ob WHERE ob.stix_id = o.stix_id AND ob.value IN (` + dollars(len(args)+1, len(vals)) + `))`
			args = append(args, anys(vals)...)
		}
		where = append(where, cond+")")
	}
	from := `FROM intel_objects o`
	sel := `SELECT ` + intelColumns
	order := ` ORDER BY o.seq`
	if q.Collection != "" {
		from += ` JOIN intel_shares s ON s.stix_id = o.stix_id`
		sel += `, s.seq, s.shared_at`
		order = ` ORDER BY s.seq, o.seq`
		add("s.collection = $%d", q.Collection)
		if !q.AddedAfter.IsZero() {
			// Added after: stored or first shared after, whichever is
			// later (the date the rows are given below).
			after := timestamp(q.AddedAfter)
			add("(o.added_at > $%d OR s.shared_at > $%d)", after, after)
		}
		if q.After != "" {
			a, b, ok := strings.Cut(q.After, ".")
			sa, err1 := strconv.ParseInt(a, 10, 64)
			sb, err2 := strconv.ParseInt(b, 10, 64)
			if !ok || err1 != nil || err2 != nil {
				return nil, false, "", warden.Errorf(warden.EINVALID, "next: %q is not a cursor this server gave", q.After)
			}
			add("(s.seq > $%d OR (s.seq = $%d AND o.seq > $%d))", sa, sa, sb)
		}
	} else {
		if !q.AddedAfter.IsZero() {
			add("o.added_at > $%d", timestamp(q.AddedAfter))
		}
		if q.After != "" {
			n, err := strconv.ParseInt(q.After, 10, 64)
			if err != nil {
				return nil, false, "", warden.Errorf(warden.EINVALID, "next: %q is not a cursor this server gave", q.After)
			}
			if q.Newest {
				add("o.seq < $%d", n)
			} else {
				add("o.seq > $%d", n)
			}
		}
		if q.Newest {
			order = ` ORDER BY o.seq DESC`
		}
	}
	limit := max(q.Limit, 1)
	query := sel + " " + from + " WHERE " + strings.Join(where, " AND ") + order + " LIMIT " + strconv.Itoa(limit+1)
	rows, err := db.reader(ctx).QueryContext(ctx, query, args...)
	if err != nil {
		return nil, false, "", fmt.Errorf("intel objects: %w", err)
	}
	defer rows.Close()
	out := []warden.IntelObject{}
	var cursors []string
	for rows.Next() {
		var o warden.IntelObject
		if q.Collection != "" {
			var sseq int64
			var shared string
			if o, err = scanIntel(rows.Scan, &sseq, &shared); err != nil {
				return nil, false, "", err
			}
			// In a collection each version is added when it was stored,
			// or when the object was first shared there if later; a new
			// version moves the share on (bumpShares) but not the older
			// versions' dates.
			if t := parseTime(shared); t.After(o.Added) {
				o.Added = t
			}
			cursors = append(cursors, strconv.FormatInt(sseq, 10)+"."+strconv.FormatInt(o.Seq, 10))
		} else {
			if o, err = scanIntel(rows.Scan); err != nil {
				return nil, false, "", err
			}
			cursors = append(cursors, strconv.FormatInt(o.Seq, 10))
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, false, "", err
	}
	if len(out) <= limit {
		return out, false, "", nil
	}
	return out[:limit], true, cursors[limit-1], nil
}

// jsonText is the SQL of the text of property prop of the JSON in
// column col, in the engine's dialect.
func (db *DB) jsonText(col, prop string) string {
	if db.driver == "pgx" {
		return "(" + col + "::jsonb ->> '" + prop + "')"
	}
	return "json_extract(" + col + ", '$." + prop + "')"
}

// queryValues are the observed values a search text stands for: the text
// as stix.Normalise writes it for each kind of value it reads as (an
// address, a domain in lower case, a hash), so that it finds the
// indicators observing it however it was written.
func queryValues(q string) []string {
	var out []string
	for _, k := range warden.IndicatorKinds {
		if o, err := stix.Normalise(k, q); err == nil && !slices.Contains(out, o.Value) {
			out = append(out, o.Value)
		}
	}
	return out
}

// IntelObject returns the current version of id; ENOTFOUND if there is
// none.
func (db *DB) IntelObject(ctx context.Context, id string) (warden.IntelObject, error) {
	o, err := scanIntel(db.reader(ctx).QueryRowContext(ctx, `SELECT `+intelColumns+` FROM intel_objects o WHERE o.stix_id = $1 AND o.current = 1`, id).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return o, warden.Errorf(warden.ENOTFOUND, "no object %s", id)
	}
	if err != nil {
		return o, fmt.Errorf("intel object: %w", err)
	}
	return o, nil
}

// IntelVersions returns every version of id, oldest first.
func (db *DB) IntelVersions(ctx context.Context, id string) ([]warden.IntelObject, error) {
	return queryAll(ctx, db.reader(ctx), "intel versions", func(scan func(...any) error) (warden.IntelObject, error) { return scanIntel(scan) },
		`SELECT `+intelColumns+` FROM intel_objects o WHERE o.stix_id = $1 ORDER BY o.modified, o.seq`, id)
}

// IntelCurrent returns the current versions of ids that exist, by id.
func (db *DB) IntelCurrent(ctx context.Context, ids []string) (map[string]warden.IntelObject, error) {
	out := map[string]warden.IntelObject{}
	for chunk := range chunks(ids, db.inChunk()) {
		os, err := queryAll(ctx, db.reader(ctx), "intel objects", func(scan func(...any) error) (warden.IntelObject, error) { return scanIntel(scan) },
			`SELECT `+intelColumns+` FROM intel_objects o WHERE o.current = 1 AND o.stix_id IN (`+dollars(1, len(chunk))+`)`, anys(chunk)...)
		if err != nil {
			return nil, err
		}
		for _, o := range os {
			out[o.ID] = o
		}
	}
	return out, nil
}

// IntelForeign returns which of ids are of another counterpart's origin
// than org's: what org's people see only when it is shared with them.
func (db *DB) IntelForeign(ctx context.Context, org string, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	for chunk := range chunks(ids, db.inChunk()) {
		got, err := queryAll(ctx, db.reader(ctx), "intel origins", func(scan func(...any) error) (string, error) {
			var id string
			return id, scan(&id)
		}, `SELECT DISTINCT stix_id FROM intel_objects WHERE origin LIKE 'org:%' AND origin <> $1 AND stix_id IN (`+dollars(2, len(chunk))+`)`,
			append([]any{"org:" + org}, anys(chunk)...)...)
		if err != nil {
			return nil, err
		}
		for _, id := range got {
			out[id] = true
		}
	}
	return out, nil
}

// IntelSharedWith returns which of ids are shared in a collection of
// organisation org that it may read.
func (db *DB) IntelSharedWith(ctx context.Context, org string, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	for chunk := range chunks(ids, db.inChunk()) {
		got, err := queryAll(ctx, db.reader(ctx), "intel shares", func(scan func(...any) error) (string, error) {
			var id string
			return id, scan(&id)
		}, `SELECT DISTINCT s.stix_id FROM intel_shares s JOIN intel_collection_orgs c ON c.collection = s.collection
			JOIN intel_collections l ON l.id = s.collection AND l.can_read = 1
			WHERE c.org = $1 AND s.stix_id IN (`+dollars(2, len(chunk))+`)`,
			append([]any{org}, anys(chunk)...)...)
		if err != nil {
			return nil, err
		}
		for _, id := range got {
			out[id] = true
		}
	}
	return out, nil
}

// IntelMarkings returns the marking of the current version of each of
// ids that exists: what a reader's view of an import report is filtered
// by.
func (db *DB) IntelMarkings(ctx context.Context, ids []string) (map[string]warden.TLP, error) {
	out := map[string]warden.TLP{}
	for chunk := range chunks(ids, db.inChunk()) {
		got, err := queryAll(ctx, db.reader(ctx), "intel markings", func(scan func(...any) error) ([2]string, error) {
			var r [2]string
			return r, scan(&r[0], &r[1])
		}, `SELECT stix_id, tlp FROM intel_objects WHERE current = 1 AND stix_id IN (`+dollars(1, len(chunk))+`)`, anys(chunk)...)
		if err != nil {
			return nil, err
		}
		for _, r := range got {
			out[r[0]] = warden.TLP(r[1])
		}
	}
	return out, nil
}

// maxEdges bounds the edges IntelEdges returns: an identity that created
// a feed's objects is named by each of them.
const maxEdges = 1000

// IntelEdges returns the edges into and out of id, and those read from
// it (a relationship's): relationships and sightings first, then the
// embedded references, at most maxEdges.
func (db *DB) IntelEdges(ctx context.Context, id string) ([]warden.IntelEdge, error) {
	return queryAll(ctx, db.reader(ctx), "intel edges", func(scan func(...any) error) (warden.IntelEdge, error) {
		var e warden.IntelEdge
		return e, scan(&e.Source, &e.Type, &e.Target, &e.Rel, &e.Confidence)
	}, `SELECT source, type, target, rel, confidence FROM intel_edges WHERE source = $1 OR target = $1 OR owner = $1
		ORDER BY CASE WHEN rel = '' THEN 1 ELSE 0 END, source, type, target, rel LIMIT `+strconv.Itoa(maxEdges), id)
}

// IntelObservables returns what id observes, if it is a current, not
// revoked indicator whose pattern Warden reads.
func (db *DB) IntelObservables(ctx context.Context, id string) ([]IntelObservable, error) {
	return queryAll(ctx, db.reader(ctx), "intel observables", func(scan func(...any) error) (IntelObservable, error) {
		var o IntelObservable
		var kind, from, until string
		err := scan(&kind, &o.Value, &o.Chain, &from, &until)
		o.Kind = warden.IndicatorKind(kind)
		if from != "" {
			o.ValidFrom = parseTime(from)
		}
		if until != "" {
			o.ValidUntil = parseTime(until)
		}
		return o, err
	}, `SELECT kind, value, chain, valid_from, valid_until FROM intel_observables WHERE stix_id = $1 ORDER BY kind, value`, id)
}

// IntelUnsupported returns why id's pattern is not read; nil if it is
// (or id is no indicator).
func (db *DB) IntelUnsupported(ctx context.Context, id string) (*IntelUnsupported, error) {
	var u IntelUnsupported
	err := db.reader(ctx).QueryRowContext(ctx, `SELECT pattern_type, reason FROM intel_unsupported WHERE stix_id = $1`, id).Scan(&u.PatternType, &u.Reason)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("intel unsupported: %w", err)
	}
	return &u, nil
}

// IntelRelation is an incident related to another through indicators:
// Mine is the other incident's indicator, Theirs the related one's
// (the same when they share the indicator object).
type IntelRelation struct {
	Incident, Mine, Theirs string
}

// IntelRelated returns the incidents related to incident id: each has an
// edge (either way, any type) to a current, not revoked indicator that is
// one of id's, or that observes a value one of id's observes. Read from
// the graph as it is now.
func (db *DB) IntelRelated(ctx context.Context, id string) ([]IntelRelation, error) {
	return queryAll(ctx, db.reader(ctx), "related incidents", func(scan func(...any) error) (IntelRelation, error) {
		var r IntelRelation
		return r, scan(&r.Incident, &r.Mine, &r.Theirs)
	}, `WITH mine AS (
			SELECT ind FROM (
				SELECT target AS ind FROM intel_edges WHERE source = $1 AND target LIKE 'indicator--%'
				UNION SELECT source FROM intel_edges WHERE target = $1 AND source LIKE 'indicator--%'
			) m WHERE `+liveIndicator("m.ind")+`
		), kin AS (
			SELECT ind AS mine, ind AS theirs FROM mine
			UNION SELECT m.stix_id, t.stix_id FROM intel_observables m
				JOIN intel_observables t ON t.kind = m.kind AND t.value = m.value
				WHERE m.stix_id IN (SELECT ind FROM mine) AND `+liveIndicator("t.stix_id")+`
		)
		SELECT e.target, kin.mine, kin.theirs FROM kin JOIN intel_edges e ON e.source = kin.theirs WHERE e.target LIKE 'incident--%' AND e.target <> $1
		UNION SELECT e.source, kin.mine, kin.theirs FROM kin JOIN intel_edges e ON e.target = kin.theirs WHERE e.source LIKE 'incident--%' AND e.source <> $1
		ORDER BY 1, 2, 3`, id)
}

// liveIndicator is the condition that the id in column col is a
// current, not revoked indicator.
func liveIndicator(col string) string {
	return `EXISTS (SELECT 1 FROM intel_objects i WHERE i.stix_id = ` + col + ` AND i.current = 1 AND i.revoked = 0)`
}

// IntelKin returns the other current, not revoked indicators that
// observe a value indicator id observes, at most limit.
func (db *DB) IntelKin(ctx context.Context, id string, limit int) ([]string, error) {
	return queryAll(ctx, db.reader(ctx), "intel kin", func(scan func(...any) error) (string, error) {
		var k string
		return k, scan(&k)
	}, `SELECT DISTINCT t.stix_id FROM intel_observables m JOIN intel_observables t ON t.kind = m.kind AND t.value = m.value
		WHERE m.stix_id = $1 AND t.stix_id <> $1 AND `+liveIndicator("t.stix_id")+` ORDER BY t.stix_id LIMIT `+strconv.Itoa(max(limit, 1)), id)
}

// Links.

// AddIntelLink stores a link with the audit event; ECONFLICT if it
// exists.
func (db *DB) AddIntelLink(ctx context.Context, l warden.IntelLink, ev *warden.AuditEvent) error {
	return db.AddIntelLinks(ctx, []warden.IntelLink{l}, ev)
}

// AddIntelLinks stores links in one transaction with the audit event;
// ECONFLICT if one exists.
func (db *DB) AddIntelLinks(ctx context.Context, ls []warden.IntelLink, ev *warden.AuditEvent) error {
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		for _, l := range ls {
			_, err := tx.ExecContext(ctx, `INSERT INTO intel_links (stix_id, kind, ref, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
				l.Object, l.Kind, l.Ref, l.Note, l.CreatedBy, timestamp(l.CreatedAt))
			if err != nil && isUnique(err) {
				return warden.Errorf(warden.ECONFLICT, "%s is linked to %s %s already", l.Object, l.Kind, l.Ref)
			}
			if err != nil {
				return fmt.Errorf("intel link: %w", err)
			}
		}
		return bumpLinks(ctx, tx, ls)
	})
}

// RemoveIntelLink removes a link with the audit event; ENOTFOUND if there
// is none.
func (db *DB) RemoveIntelLink(ctx context.Context, l warden.IntelLink, ev *warden.AuditEvent) error {
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM intel_links WHERE stix_id = $1 AND kind = $2 AND ref = $3`, l.Object, l.Kind, l.Ref)
		if err != nil {
			return fmt.Errorf("intel link: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return warden.Errorf(warden.ENOTFOUND, "%s is not linked to %s %s", l.Object, l.Kind, l.Ref)
		}
		return bumpLinks(ctx, tx, []warden.IntelLink{l})
	})
}

func scanLink(scan func(...any) error) (warden.IntelLink, error) {
	var l warden.IntelLink
	var at string
	err := scan(&l.Object, &l.Kind, &l.Ref, &l.Note, &l.CreatedBy, &at)
	l.CreatedAt = parseTime(at)
	return l, err
}

// IntelLinks returns the links of the objects ids.
func (db *DB) IntelLinks(ctx context.Context, ids []string) ([]warden.IntelLink, error) {
	out := []warden.IntelLink{}
	for chunk := range chunks(ids, db.inChunk()) {
		ls, err := queryAll(ctx, db.reader(ctx), "intel links", scanLink,
			`SELECT stix_id, kind, ref, note, created_by, created_at FROM intel_links WHERE stix_id IN (`+dollars(1, len(chunk))+`) ORDER BY stix_id, kind, ref`, anys(chunk)...)
		if err != nil {
			return nil, err
		}
		out = append(out, ls...)
	}
	return out, nil
}

// IntelLinksTo returns the links to a Warden record.
func (db *DB) IntelLinksTo(ctx context.Context, kind, ref string) ([]warden.IntelLink, error) {
	return queryAll(ctx, db.reader(ctx), "intel links", scanLink,
		`SELECT stix_id, kind, ref, note, created_by, created_at FROM intel_links WHERE kind = $1 AND ref = $2 ORDER BY stix_id`, kind, ref)
}

// IntelLinkTarget reports whether the Warden record a link would point at
// exists: a party ever on a list (LIST:SOURCE_ID), a designation, a
// request, a payment (by reference), a customer or a case. EINVALID for
// another kind or a ref of the wrong form.
func (db *DB) IntelLinkTarget(ctx context.Context, kind, ref string) (bool, error) {
	var q string
	var args []any
	num := func() (int64, error) {
		n, err := strconv.ParseInt(ref, 10, 64)
		if err != nil {
			return 0, warden.Errorf(warden.EINVALID, "ref: a %s is named by its number, not %q", kind, ref)
		}
		return n, nil
	}
	switch kind {
	case warden.LinkEntity:
		list, sid, ok := strings.Cut(ref, ":")
		if !ok || list == "" || sid == "" {
			return false, warden.Errorf(warden.EINVALID, "ref: %q is not of the form list:source_id", ref)
		}
		q, args = `SELECT 1 FROM entity_versions WHERE list = $1 AND source_id = $2 LIMIT 1`, []any{list, sid}
	case warden.LinkDesignation, warden.LinkRequest, warden.LinkCase:
		n, err := num()
		if err != nil {
			return false, err
		}
		table := map[string]string{warden.LinkDesignation: "designations", warden.LinkRequest: "requests", warden.LinkCase: "cases"}[kind]
		q, args = `SELECT 1 FROM `+table+` WHERE id = $1`, []any{n}
	case warden.LinkPayment:
		q, args = `SELECT 1 FROM transactions WHERE reference = $1`, []any{ref}
	case warden.LinkCustomer:
		q, args = `SELECT 1 FROM customers WHERE id = $1`, []any{ref}
	default:
		return false, warden.Errorf(warden.EINVALID, "kind: %q is not one of entity, designation, request, payment, customer, case", kind)
	}
	var one int
	err := db.reader(ctx).QueryRowContext(ctx, q, args...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("intel link target: %w", err)
	}
	return true, nil
}

// Collections and shares.

// CreateIntelCollection stores a new collection (its ID chosen by the
// caller) with its organisations and the audit event.
func (db *DB) CreateIntelCollection(ctx context.Context, c warden.Collection, ev *warden.AuditEvent) error {
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO intel_collections (id, title, description, can_read, can_write, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			c.ID, c.Title, c.Description, boolInt(c.CanRead), boolInt(c.CanWrite), c.CreatedBy, timestamp(c.CreatedAt))
		if err != nil && isUnique(err) {
			return warden.Errorf(warden.ECONFLICT, "a collection %s exists", c.ID)
		}
		if err != nil {
			return fmt.Errorf("create collection: %w", err)
		}
		return db.setCollectionOrgs(ctx, tx, c)
	})
}

func (db *DB) setCollectionOrgs(ctx context.Context, tx *sql.Tx, c warden.Collection) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM intel_collection_orgs WHERE collection = $1`, c.ID); err != nil {
		return fmt.Errorf("collection orgs: %w", err)
	}
	rows := make([][]any, len(c.Orgs))
	for i, org := range c.Orgs {
		rows[i] = []any{c.ID, org}
	}
	return db.insertRows(ctx, tx, `INSERT INTO intel_collection_orgs (collection, org) VALUES `, "", rows)
}

// UpdateIntelCollection replaces a collection's title, description,
// flags and organisations, with the audit event; ENOTFOUND if there is
// none.
func (db *DB) UpdateIntelCollection(ctx context.Context, c warden.Collection, ev *warden.AuditEvent) error {
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE intel_collections SET title = $2, description = $3, can_read = $4, can_write = $5 WHERE id = $1`,
			c.ID, c.Title, c.Description, boolInt(c.CanRead), boolInt(c.CanWrite))
		if err != nil {
			return fmt.Errorf("update collection: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return warden.Errorf(warden.ENOTFOUND, "no collection %s", c.ID)
		}
		return db.setCollectionOrgs(ctx, tx, c)
	})
}

// IntelCollections returns the collections, by title: all of them for
// org "", else those of organisation org.
func (db *DB) IntelCollections(ctx context.Context, org string) ([]warden.Collection, error) {
	q := `SELECT id, title, description, can_read, can_write, created_by, created_at FROM intel_collections`
	var args []any
	if org != "" {
		q += ` WHERE id IN (SELECT collection FROM intel_collection_orgs WHERE org = $1)`
		args = append(args, org)
	}
	cs, err := queryAll(ctx, db.reader(ctx), "collections", func(scan func(...any) error) (warden.Collection, error) {
		var c warden.Collection
		var r, w int
		var at string
		err := scan(&c.ID, &c.Title, &c.Description, &r, &w, &c.CreatedBy, &at)
		c.CanRead, c.CanWrite, c.CreatedAt = r == 1, w == 1, parseTime(at)
		return c, err
	}, q+` ORDER BY title, id`, args...)
	if err != nil {
		return nil, err
	}
	orgs, err := queryAll(ctx, db.reader(ctx), "collection orgs", func(scan func(...any) error) ([2]string, error) {
		var p [2]string
		return p, scan(&p[0], &p[1])
	}, `SELECT collection, org FROM intel_collection_orgs ORDER BY collection, org`)
	if err != nil {
		return nil, err
	}
	by := map[string][]string{}
	for _, p := range orgs {
		by[p[0]] = append(by[p[0]], p[1])
	}
	for i := range cs {
		cs[i].Orgs = by[cs[i].ID]
		if cs[i].Orgs == nil {
			cs[i].Orgs = []string{}
		}
	}
	return cs, nil
}

// IntelCollection returns one collection; ENOTFOUND if there is none.
func (db *DB) IntelCollection(ctx context.Context, id string) (warden.Collection, error) {
	cs, err := db.IntelCollections(ctx, "")
	if err != nil {
		return warden.Collection{}, err
	}
	for _, c := range cs {
		if c.ID == id {
			return c, nil
		}
	}
	return warden.Collection{}, warden.Errorf(warden.ENOTFOUND, "no collection %s", id)
}

// ShareIntel puts ids in a collection, with the audit event; those there
// already stay where they are.
func (db *DB) ShareIntel(ctx context.Context, collection string, ids []string, by string, at time.Time, ev *warden.AuditEvent) error {
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		return db.shareIDs(ctx, tx, collection, ids, by, at)
	})
}

// UnshareIntel takes id out of a collection, with the audit event;
// ENOTFOUND if it is not there.
func (db *DB) UnshareIntel(ctx context.Context, collection, id string, ev *warden.AuditEvent) error {
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM intel_shares WHERE collection = $1 AND stix_id = $2`, collection, id)
		if err != nil {
			return fmt.Errorf("unshare: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return warden.Errorf(warden.ENOTFOUND, "%s is not shared in collection %s", id, collection)
		}
		return nil
	})
}

// IntelObjectCollections returns the collections id is shared in.
func (db *DB) IntelObjectCollections(ctx context.Context, id string) ([]string, error) {
	return queryAll(ctx, db.reader(ctx), "intel shares", func(scan func(...any) error) (string, error) {
		var c string
		return c, scan(&c)
	}, `SELECT collection FROM intel_shares WHERE stix_id = $1 ORDER BY collection`, id)
}

// Imports.

// IntelImport returns an import's report and the organisation of who
// made it; ENOTFOUND if there is none.
func (db *DB) IntelImport(ctx context.Context, id string) (warden.IntelImport, string, error) {
	var report, org string
	var imp warden.IntelImport
	err := db.reader(ctx).QueryRowContext(ctx, `SELECT report, org FROM intel_imports WHERE id = $1`, id).Scan(&report, &org)
	if errors.Is(err, sql.ErrNoRows) {
		return imp, "", warden.Errorf(warden.ENOTFOUND, "no import %s", id)
	}
	if err != nil {
		return imp, "", fmt.Errorf("intel import: %w", err)
	}
	if err := json.Unmarshal([]byte(report), &imp); err != nil {
		return imp, "", fmt.Errorf("intel import %s: %w", id, err)
	}
	return imp, org, nil
}

// IntelImports returns the newest imports, at most limit: all
// organisations' for org "", else those made by organisation org.
func (db *DB) IntelImports(ctx context.Context, org string, limit int) ([]warden.IntelImport, error) {
	q := `SELECT report FROM intel_imports`
	var args []any
	if org != "" {
		q += ` WHERE org = $1`
		args = append(args, org)
	}
	q += ` ORDER BY at DESC, id LIMIT ` + strconv.Itoa(max(limit, 1))
	return queryAll(ctx, db.reader(ctx), "intel imports", func(scan func(...any) error) (warden.IntelImport, error) {
		var report string
		var imp warden.IntelImport
		if err := scan(&report); err != nil {
			return imp, err
		}
		return imp, json.Unmarshal([]byte(report), &imp)
	}, q, args...)
}

// storable is text from an object as a text column holds it: PostgreSQL's
// take no NUL (valid in JSON as \u0000, so in STIX), written U+FFFD; the
// object's own JSON keeps it escaped, as sent.
func storable(s string) string {
	if strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(s, "\x00", "\uFFFD")
}
