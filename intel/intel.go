// Package intel keeps the intelligence that designations and cooperation
// requests rest on, as STIX 2.1 objects.
//
// Every version of every object is kept, with its JSON exactly as received
// (a file, the API, a TAXII feed) or as Warden wrote it (the incidents,
// threat actors, indicators and relationships people record): an object
// exports back as it came in. A version is identified by its id and its
// modified time, so an import is idempotent: the same version again is
// unchanged, a newer one becomes current, an older one is kept as a
// version. Types Warden has no schema for are kept as opaque objects.
//
// Every object carries a TLP 2.0 marking, read from its
// object_marking_refs (TLP 1.0 and 2.0; the most restrictive wins) or the
// importer's default, and every read path asks warden.SeesTLP: what a
// reader may not see is not found, left out of lists, and an edge to it is
// left out of the graph. A counterpart sees AMBER only when it is shared
// with its organisation, in a collection; RED is never shared.
//
// From each current version the store derives what reads select on: the
// edges of the graph (relationships, sightings and embedded references),
// and for an indicator whose STIX pattern Warden reads, the observables
// screening matches (or, when it cannot read it, why). Incidents that
// share an indicator, or indicators observing the same value, are related;
// the correlation is read from the graph when asked, so it is always
// current. Links tie objects to Warden's own records: listed parties,
// designations, requests, payments, customers and cases.
//
// See docs/intelligence.md.
package intel

import (
	"context"
	"slices"
	"strings"
	"time"

	"warden"
	"warden/store"
)

// Service is the intelligence service. Set its fields before use; New
// fills the defaults.
type Service struct {
	// DB holds the objects, their versions, links, shares and imports.
	DB *store.DB
	// Now is the clock of what the service stamps (versions, links,
	// claims) and of screening's validity windows; time.Now if nil.
	Now func() time.Time
	// DefaultTLP marks imported objects that carry no TLP marking of
	// their own; AMBER when empty, so that nothing unmarked is shared
	// further than the organisations it is given to.
	DefaultTLP warden.TLP
	// Index is the screening index; writes here invalidate it so that a
	// new indicator screens at once. Nil: no index to keep.
	Index *Index
	// Designator opens the designation proposals Attribute makes; nil:
	// Attribute is refused.
	Designator Designator
}

// New returns a Service over db, with its screening index.
func New(db *store.DB) *Service {
	return &Service{DB: db, DefaultTLP: warden.TLPAmber, Index: NewIndex(db)}
}

// now is the time of a change, in UTC to the microsecond the store
// keeps, so that what a method returns is what a later read gives.
func (s *Service) now() time.Time {
	t := time.Now()
	if s.Now != nil {
		t = s.Now()
	}
	return t.UTC().Truncate(time.Microsecond)
}

// changed tells the screening index that indicators or links may have
// changed.
func (s *Service) changed() {
	if s.Index != nil {
		s.Index.Invalidate()
	}
}

// visibility is what p sees, as the store's queries decide it: the
// markings it sees anyway and those it sees when shared with its
// organisation, both from warden.SeesTLP.
func visibility(p warden.Principal) store.IntelVisibility {
	v := store.IntelVisibility{Org: p.Org, Counterpart: p.Role == warden.RoleCounterpart}
	for _, t := range warden.TLPs {
		switch {
		case warden.SeesTLP(p, t, false):
			v.TLPs = append(v.TLPs, t)
		case warden.SeesTLP(p, t, true):
			v.Shared = append(v.Shared, t)
		}
	}
	return v
}

// needsShare reports whether p sees an object marked t only if it is
// shared with p's organisation.
func needsShare(p warden.Principal, t warden.TLP) bool {
	return !warden.SeesTLP(p, t, false) && warden.SeesTLP(p, t, true)
}

// currentVisible returns the current versions of ids, in their order,
// all of which p must see: missing is the error of the first id that has
// none or that p does not see (to p, an object it may not read does not
// exist).
func (s *Service) currentVisible(ctx context.Context, p warden.Principal, ids []string, missing func(id string) error) ([]warden.IntelObject, error) {
	cur, err := s.DB.IntelCurrent(ctx, ids)
	if err != nil {
		return nil, err
	}
	objs := make([]warden.IntelObject, 0, len(ids))
	for _, id := range ids {
		o, ok := cur[id]
		if !ok {
			return nil, missing(id)
		}
		objs = append(objs, o)
	}
	seen, err := s.visible(ctx, p, objs)
	if err != nil {
		return nil, err
	}
	if len(seen) < len(objs) {
		ok := make(map[string]bool, len(seen))
		for _, o := range seen {
			ok[o.ID] = true
		}
		for _, id := range ids {
			if !ok[id] {
				return nil, missing(id)
			}
		}
	}
	return objs, nil
}

// visible returns the objects of objs that p sees, in order. A
// counterpart sees what another counterpart sent only when it is shared
// with it, whatever its marking: it is not the authority's to publish.
func (s *Service) visible(ctx context.Context, p warden.Principal, objs []warden.IntelObject) ([]warden.IntelObject, error) {
	foreign := map[string]bool{}
	if p.Role == warden.RoleCounterpart && len(objs) > 0 {
		ids := make([]string, len(objs))
		for i, o := range objs {
			ids[i] = o.ID
		}
		var err error
		if foreign, err = s.DB.IntelForeign(ctx, p.Org, slices.Compact(slices.Sorted(slices.Values(ids)))); err != nil {
			return nil, err
		}
	}
	var ask []string
	for _, o := range objs {
		if needsShare(p, o.TLP) || foreign[o.ID] {
			ask = append(ask, o.ID)
		}
	}
	shared := map[string]bool{}
	if len(ask) > 0 {
		var err error
		if shared, err = s.DB.IntelSharedWith(ctx, p.Org, ask); err != nil {
			return nil, err
		}
	}
	out := make([]warden.IntelObject, 0, len(objs))
	for _, o := range objs {
		if foreign[o.ID] && !shared[o.ID] {
			continue
		}
		if warden.SeesTLP(p, o.TLP, shared[o.ID]) {
			out = append(out, o)
		}
	}
	return out, nil
}

// sees reports whether p sees o.
func (s *Service) sees(ctx context.Context, p warden.Principal, o warden.IntelObject) (bool, error) {
	v, err := s.visible(ctx, p, []warden.IntelObject{o})
	return len(v) == 1, err
}

// notFound is what a reader is told of an object it may not see, or
// that does not exist: the same.
func notFound(id string) error {
	return warden.Errorf(warden.ENOTFOUND, "no object %s", id)
}

// object returns the current version of id if p sees it; ENOTFOUND
// otherwise.
func (s *Service) object(ctx context.Context, p warden.Principal, id string) (warden.IntelObject, error) {
	if strings.IndexByte(id, 0) >= 0 {
		return warden.IntelObject{}, notFound(id) // no stored id holds one (PostgreSQL could not even be asked)
	}
	o, err := s.DB.IntelObject(ctx, id)
	if warden.ErrorCode(err) == warden.ENOTFOUND {
		return o, notFound(id)
	}
	if err != nil {
		return o, err
	}
	ok, err := s.sees(ctx, p, o)
	if err != nil {
		return o, err
	}
	if !ok {
		return warden.IntelObject{}, notFound(id)
	}
	return o, nil
}
