package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"warden"
)

// IndexRow is one value an active indicator observes, as the screening
// index keeps it: a row of intel_observables of a current, not revoked
// indicator, with the indicator's name and TLP.
type IndexRow struct {
	ID         string // the indicator's STIX id
	Name       string
	TLP        warden.TLP
	Observable warden.Observable
	ValidFrom  time.Time // zero: no bound
	ValidUntil time.Time // zero: no bound
}

// IndexRef is a current, not revoked incident, threat actor or intrusion
// set, which an indicator's hit names in its explanation.
type IndexRef struct {
	ID, Type, Name string
	TLP            warden.TLP
}

// IndexGraph is what the screening index needs of the graph to explain a
// hit: the incidents and actors, the edges that may connect indicators to
// them (indicates, related-to, uses, attributed-to, and the object_refs of
// reports and groupings), and the listed parties objects are linked to.
type IndexGraph struct {
	Objects map[string]IndexRef
	Edges   []warden.IntelEdge
	Parties map[string][]string // entity links (LIST:SOURCE_ID) by STIX id
}

// intelTime reads a time of intel_observables: the store's layout, or
// RFC 3339 as STIX writes it; zero when empty or unreadable.
func intelTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	if t := parseTime(s); !t.IsZero() {
		return t
	}
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

// IntelGeneration changes whenever what the screening index reads
// changes (an object version is stored, an entity link is added or
// removed): the index rebuilds when it moved. It is a counter that only
// grows, bumped by each such write in its own transaction, so that no two
// states of the graph share a generation, whichever process wrote them.
func (db *DB) IntelGeneration(ctx context.Context) (int64, error) {
	var gen int64
	err := db.sql.QueryRowContext(ctx, `SELECT COALESCE((SELECT CAST(value AS BIGINT) FROM intel_settings WHERE key = 'generation'), 0)`).Scan(&gen)
	if err != nil {
		return 0, fmt.Errorf("intel generation: %w", err)
	}
	return gen, nil
}

// bumpIntelGeneration moves IntelGeneration on in tx. Writers call it
// last in their transaction: the row it locks is then held only until
// the commit.
func bumpIntelGeneration(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO intel_settings (key, value) VALUES ('generation', '1')
		ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(intel_settings.value AS BIGINT) + 1 AS TEXT)`)
	if err != nil {
		return fmt.Errorf("intel generation: %w", err)
	}
	return nil
}

// bumpLinks moves IntelGeneration on if one of ls is an entity link, the
// only kind the index reads: the links screening writes to payments and
// cases leave the index as it is.
func bumpLinks(ctx context.Context, tx *sql.Tx, ls []warden.IntelLink) error {
	if !slices.ContainsFunc(ls, func(l warden.IntelLink) bool { return l.Kind == warden.LinkEntity }) {
		return nil
	}
	return bumpIntelGeneration(ctx, tx)
}

// IndexRows returns what every current, not revoked indicator observes,
// but for the indicators a counterpart submitted: those of a
// counterpart's origin ("org:ID") whose current version its import
// stored (only the origin's imports version an object). A counterpart's
// indicator is kept and shown, but holds no payment until the authority
// records it (a version of its own, which no import stores: an edit); a
// partner's feed, which the authority pulls, screens.
func (db *DB) IndexRows(ctx context.Context) ([]IndexRow, error) {
	rows, err := db.sql.QueryContext(ctx, `
		SELECT ob.stix_id, o.name, o.tlp, ob.kind, ob.value, ob.chain, ob.valid_from, ob.valid_until
		FROM intel_observables ob JOIN intel_objects o ON o.stix_id = ob.stix_id AND o.current = 1 AND o.revoked = 0
		WHERE o.type = 'indicator' AND NOT (o.origin LIKE 'org:%' AND o.import_id <> '') ORDER BY ob.stix_id, ob.kind, ob.value`)
	if err != nil {
		return nil, fmt.Errorf("index rows: %w", err)
	}
	defer rows.Close()
	var out []IndexRow
	for rows.Next() {
		var r IndexRow
		var tlp, kind, from, until string
		if err := rows.Scan(&r.ID, &r.Name, &tlp, &kind, &r.Observable.Value, &r.Observable.Chain, &from, &until); err != nil {
			return nil, err
		}
		r.TLP, r.Observable.Kind = warden.TLP(tlp), warden.IndicatorKind(kind)
		r.ValidFrom, r.ValidUntil = intelTime(from), intelTime(until)
		out = append(out, r)
	}
	return out, rows.Err()
}

// IntelSubmitter returns the counterpart organisation that submitted the
// current version of id (see IndexRows), "" when the authority stored it
// (its people, its feeds, its lists) or there is no such object: what
// screening uses only when "".
func (db *DB) IntelSubmitter(ctx context.Context, id string) (string, error) {
	var origin, imp string
	err := db.reader(ctx).QueryRowContext(ctx, `SELECT origin, import_id FROM intel_objects WHERE stix_id = $1 AND current = 1`, id).Scan(&origin, &imp)
	if err == sql.ErrNoRows {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("intel submitter: %w", err)
	}
	if org, ok := strings.CutPrefix(origin, "org:"); ok && imp != "" {
		return org, nil
	}
	return "", nil
}

// IndexGraph reads the graph the screening index explains hits with.
func (db *DB) IndexGraph(ctx context.Context) (IndexGraph, error) {
	g := IndexGraph{Objects: map[string]IndexRef{}, Parties: map[string][]string{}}
	rows, err := db.sql.QueryContext(ctx, `SELECT stix_id, type, name, tlp FROM intel_objects
		WHERE current = 1 AND revoked = 0 AND type IN ('incident', 'threat-actor', 'intrusion-set')`)
	if err != nil {
		return g, fmt.Errorf("index objects: %w", err)
	}
	for rows.Next() {
		var r IndexRef
		var tlp string
		if err := rows.Scan(&r.ID, &r.Type, &r.Name, &tlp); err != nil {
			rows.Close()
			return g, err
		}
		r.TLP = warden.TLP(tlp)
		g.Objects[r.ID] = r
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return g, err
	}
	rows, err = db.sql.QueryContext(ctx, `SELECT e.source, e.type, e.target FROM intel_edges e
		JOIN intel_objects o ON o.stix_id = e.owner AND o.current = 1 AND o.revoked = 0
		WHERE e.type IN ('indicates', 'related-to', 'uses', 'attributed-to', 'object_refs')`)
	if err != nil {
		return g, fmt.Errorf("index edges: %w", err)
	}
	for rows.Next() {
		var e warden.IntelEdge
		if err := rows.Scan(&e.Source, &e.Type, &e.Target); err != nil {
			rows.Close()
			return g, err
		}
		g.Edges = append(g.Edges, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return g, err
	}
	rows, err = db.sql.QueryContext(ctx, `SELECT stix_id, ref FROM intel_links WHERE kind = $1 ORDER BY stix_id, ref`, warden.LinkEntity)
	if err != nil {
		return g, fmt.Errorf("index links: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, ref string
		if err := rows.Scan(&id, &ref); err != nil {
			return g, err
		}
		g.Parties[id] = append(g.Parties[id], ref)
	}
	return g, rows.Err()
}

// ListIndicatorState returns the current version of each indicator
// derived from list (source "list:LIST"), by STIX id: its name, creation,
// modification, revocation and object.
func (db *DB) ListIndicatorState(ctx context.Context, list string) (map[string]warden.IntelObject, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT stix_id, name, created, modified, revoked, object FROM intel_objects
		WHERE current = 1 AND type = 'indicator' AND source = $1`, "list:"+list)
	if err != nil {
		return nil, fmt.Errorf("list indicators: %w", err)
	}
	defer rows.Close()
	out := map[string]warden.IntelObject{}
	for rows.Next() {
		var o warden.IntelObject
		var created, modified, object string
		if err := rows.Scan(&o.ID, &o.Name, &created, &modified, &o.Revoked, &object); err != nil {
			return nil, err
		}
		o.Type, o.Created, o.Modified, o.Object, o.Current = "indicator", parseTime(created), parseTime(modified), json.RawMessage(object), true
		out[o.ID] = o
	}
	return out, rows.Err()
}

// ListIndicatorVersions returns the list versions whose indicators were
// derived, by list.
func (db *DB) ListIndicatorVersions(ctx context.Context) (map[string]int, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT list, version FROM intel_list_indicators`)
	if err != nil {
		return nil, fmt.Errorf("list indicator versions: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var l string
		var v int
		if err := rows.Scan(&l, &v); err != nil {
			return nil, err
		}
		out[l] = v
	}
	return out, rows.Err()
}

// WriteListIndicators stores the versions of the indicators derived from
// version of list (new ones, revoked ones, ones back on the list) as
// StoreIntel does, links them to their parties (links known already are
// kept), and records the version as done, in one transaction with ev.
func (db *DB) WriteListIndicators(ctx context.Context, list string, version int, vs []IntelVersion, links []warden.IntelLink, at time.Time, ev *warden.AuditEvent) error {
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		if len(vs) > 0 {
			if err := db.storeIntel(ctx, tx, vs, nil, "", at, ev); err != nil {
				return err
			}
		}
		rows := make([][]any, 0, len(links))
		for _, l := range links {
			rows = append(rows, []any{l.Object, l.Kind, l.Ref, l.Note, l.CreatedBy, timestamp(l.CreatedAt)})
		}
		if err := db.insertRows(ctx, tx, `INSERT INTO intel_links (stix_id, kind, ref, note, created_by, created_at) VALUES `, ` ON CONFLICT (stix_id, kind, ref) DO NOTHING`, rows); err != nil {
			return fmt.Errorf("list indicator links: %w", err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO intel_list_indicators (list, version, done_at) VALUES ($1, $2, $3)
			ON CONFLICT (list) DO UPDATE SET version = excluded.version, done_at = excluded.done_at`, list, version, timestamp(at))
		if err != nil {
			return err
		}
		if len(vs) > 0 {
			return bumpIntelGeneration(ctx, tx)
		}
		return bumpLinks(ctx, tx, links)
	})
}

// linkIndicators links each indicator a decision hit (entity id
// "indicator:" and its STIX id) to the payment, or the customer, and to
// the case opened for it, in the decision's transaction, so that the
// indicator's view lists what it touched.
func linkIndicators(ctx context.Context, tx *sql.Tx, d *warden.TxDecision, cases []warden.PendingCase) error {
	kind, ref := warden.LinkPayment, d.Reference
	if id, ok := strings.CutPrefix(d.Reference, "customer:"); ok {
		kind, ref = warden.LinkCustomer, id
	}
	at := timestamp(d.DecidedAt)
	var rows [][]any
	for _, h := range d.Hits {
		if id, ok := strings.CutPrefix(h.EntityID, "indicator:"); ok {
			rows = append(rows, []any{id, kind, ref, "screening: " + d.Decision, "screening", at})
		}
	}
	for _, c := range cases {
		if id, ok := strings.CutPrefix(c.Case.EntityID, "indicator:"); ok {
			rows = append(rows, []any{id, warden.LinkCase, strconv.FormatInt(c.Case.ID, 10), "held for review", "screening", at})
		}
	}
	for _, r := range rows { // a few: one a hit
		if _, err := tx.ExecContext(ctx, `INSERT INTO intel_links (stix_id, kind, ref, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (stix_id, kind, ref) DO NOTHING`, r...); err != nil {
			return fmt.Errorf("indicator links: %w", err)
		}
	}
	return nil
}

// ClaimAttribution claims party for an attribution of actor at at,
// before its designation proposal is opened: one open proposal a party,
// whatever the actor, and concurrent attributions claim in turn. A party
// whose attribution's designation is still open (draft, proposed,
// approved) is ECONFLICT naming it; one being attributed now (claimed,
// no designation yet, less than stale ago) is ECONFLICT too. A claim
// whose designation was decided, or left without one longer than stale
// (its attribution failed half-way), is replaced.
func (db *DB) ClaimAttribution(ctx context.Context, party, actor string, at time.Time, stale time.Duration) error {
	return db.change(ctx, nil, func(tx *sql.Tx) error {
		var d int64
		var by, claimed string
		err := tx.QueryRowContext(ctx, `SELECT designation, actor, claimed_at FROM intel_attributions WHERE party = $1`, party).Scan(&d, &by, &claimed)
		if errors.Is(err, sql.ErrNoRows) {
			_, err = tx.ExecContext(ctx, `INSERT INTO intel_attributions (party, designation, actor, claimed_at) VALUES ($1, 0, $2, $3)`, party, actor, timestamp(at))
			if err != nil {
				return fmt.Errorf("claim attribution: %w", err)
			}
			return nil
		}
		if err != nil {
			return fmt.Errorf("claim attribution: %w", err)
		}
		if d == 0 && claimed > timestamp(at.Add(-stale)) {
			return warden.Errorf(warden.ECONFLICT, "%s is being attributed to %s now: wait for that proposal", party, by)
		}
		if d != 0 {
			var status string
			err := tx.QueryRowContext(ctx, `SELECT status FROM designations WHERE id = $1`, d).Scan(&status)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("claim attribution: %w", err)
			}
			switch s := warden.DesignationStatus(status); s {
			case warden.DesignationDraft, warden.DesignationProposed, warden.DesignationApproved:
				return warden.Errorf(warden.ECONFLICT, "designation %d proposes %s from %s already and is %s: decide it before attributing again", d, party, by, s)
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE intel_attributions SET designation = 0, actor = $1, claimed_at = $2 WHERE party = $3`, actor, timestamp(at), party)
		if err != nil {
			return fmt.Errorf("claim attribution: %w", err)
		}
		return nil
	})
}

// SetAttribution records the designation opened for party on the claim
// actor made at at (see ClaimAttribution); ECONFLICT if that claim is no
// longer there (left too long, another attribution took the party over).
func (db *DB) SetAttribution(ctx context.Context, party, actor string, at time.Time, designation int64) error {
	return db.change(ctx, nil, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE intel_attributions SET designation = $1 WHERE party = $2 AND designation = 0 AND actor = $3 AND claimed_at = $4`,
			designation, party, actor, timestamp(at))
		if err != nil {
			return fmt.Errorf("record attribution: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return warden.Errorf(warden.ECONFLICT, "%s: the attribution's claim was taken over by another, which proposes it", party)
		}
		return nil
	})
}

// ReleaseAttribution removes the claim actor made on party at at, whose
// proposal was not opened, so that the party may be attributed again at
// once. It removes that claim only: one another attribution took over
// since is left alone.
func (db *DB) ReleaseAttribution(ctx context.Context, party, actor string, at time.Time) error {
	return db.change(ctx, nil, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM intel_attributions WHERE party = $1 AND designation = 0 AND actor = $2 AND claimed_at = $3`, party, actor, timestamp(at))
		if err != nil {
			return fmt.Errorf("release attribution: %w", err)
		}
		return nil
	})
}
