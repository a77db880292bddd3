package intel

import (
	"context"
	"slices"
	"time"

	"warden"
	"warden/store"
)

// Filter selects objects (Objects): the API's and the pages' filters and
// TAXII's match[...] parameters.
type Filter struct {
	// Collection keeps what is shared in this collection, in the order
	// shared; the caller must be able to read it (a counterpart: one of
	// its organisation's).
	Collection string
	IDs        []string // match[id]
	Types      []string // match[type]
	// Versions is "last" (the default), "first", "all", or modified
	// timestamps, comma-separated (match[version]).
	Versions    string
	SpecVersion []string  // match[spec_version]
	AddedAfter  time.Time // stored after; in a collection, shared after
	Query       string    // text in the name, any letter case
	Newest      bool      // newest first (the pages' lists); not with Collection
	Limit       int       // 1 to 10000; 100 when 0
	Next        string    // the cursor a previous Page gave
}

// Page is one page of objects.
type Page struct {
	Objects []warden.IntelObject
	More    bool
	Next    string // the cursor of the next page, when More
	// First and Last are when the first and last object of the page were
	// added (TAXII's X-TAXII-Date-Added-First and -Last).
	First, Last time.Time
}

// Limits of a filter.
const (
	maxLimit     = 10000
	defaultLimit = 100
	maxFilterIDs = 1000
	maxQuery     = 200
)

// Objects returns a page of the objects f selects that the caller sees
// (intel.read), in the order they were stored or, in a collection,
// shared. The markings a caller sees are decided in the query, so pages
// are full and cursors stable.
func (s *Service) Objects(ctx context.Context, f Filter) (Page, error) {
	p, err := warden.Authorize(ctx, warden.ActIntelRead)
	if err != nil {
		return Page{}, err
	}
	if f.Limit == 0 {
		f.Limit = defaultLimit
	}
	if f.Limit < 1 || f.Limit > maxLimit {
		return Page{}, warden.Errorf(warden.EINVALID, "limit: %d is not between 1 and %d", f.Limit, maxLimit)
	}
	if len(f.IDs) > maxFilterIDs || len(f.Types) > maxFilterIDs || len(f.SpecVersion) > maxFilterIDs {
		return Page{}, warden.Errorf(warden.EINVALID, "match: more than %d values", maxFilterIDs)
	}
	if err := warden.CheckText(warden.TextName, "q", f.Query, maxQuery); err != nil {
		return Page{}, err
	}
	if f.Collection != "" {
		if _, err := s.readable(ctx, p, f.Collection); err != nil {
			return Page{}, err
		}
	}
	objs, more, next, err := s.DB.IntelObjects(ctx, store.IntelQuery{IDs: f.IDs, Types: f.Types, SpecVersions: f.SpecVersion, Versions: f.Versions,
		AddedAfter: f.AddedAfter, Query: f.Query, Newest: f.Newest, Collection: f.Collection, Visible: visibility(p), After: f.Next, Limit: f.Limit})
	if err != nil {
		return Page{}, err
	}
	if objs, err = s.whole(ctx, p, objs); err != nil {
		return Page{}, err
	}
	pg := Page{Objects: objs, More: more, Next: next}
	for i, o := range objs {
		if i == 0 || o.Added.Before(pg.First) {
			pg.First = o.Added
		}
		if o.Added.After(pg.Last) {
			pg.Last = o.Added
		}
	}
	return pg, nil
}

// Object returns the current version of an object the caller sees
// (intel.read); ENOTFOUND if there is none or the caller may not see it,
// or it is a relationship or sighting one of whose ends the caller may
// not see.
func (s *Service) Object(ctx context.Context, id string) (warden.IntelObject, error) {
	p, err := warden.Authorize(ctx, warden.ActIntelRead)
	if err != nil {
		return warden.IntelObject{}, err
	}
	return s.objectWhole(ctx, p, id)
}

// objectWhole is the current version of id if p sees it whole (see
// whole); ENOTFOUND otherwise.
func (s *Service) objectWhole(ctx context.Context, p warden.Principal, id string) (warden.IntelObject, error) {
	o, err := s.object(ctx, p, id)
	if err != nil {
		return o, err
	}
	w, err := s.whole(ctx, p, []warden.IntelObject{o})
	if err != nil {
		return warden.IntelObject{}, err
	}
	if len(w) == 0 {
		return warden.IntelObject{}, notFound(id)
	}
	return o, nil
}

// whole returns the objects of objs, which p sees, that p may also read
// whole: a relationship or a sighting only when p sees every stored
// object at its ends (source_ref, target_ref, sighting_of_ref,
// where_sighted_refs, observed_data_refs), since its JSON names them. A
// GREEN relationship to a RED actor is otherwise a RED id read by whoever
// sees GREEN. (An end not stored names nothing Warden holds.)
func (s *Service) whole(ctx context.Context, p warden.Principal, objs []warden.IntelObject) ([]warden.IntelObject, error) {
	var ends []string
	for _, o := range objs {
		ends = append(ends, exportEnds(o)...)
	}
	if len(ends) == 0 {
		return objs, nil
	}
	ends = slices.Compact(slices.Sorted(slices.Values(ends)))
	cur, err := s.DB.IntelCurrent(ctx, ends)
	if err != nil {
		return nil, err
	}
	stored := make([]warden.IntelObject, 0, len(cur))
	for _, id := range ends {
		if o, ok := cur[id]; ok {
			stored = append(stored, o)
		}
	}
	vis, err := s.visible(ctx, p, stored)
	if err != nil {
		return nil, err
	}
	seen := make(map[string]bool, len(vis))
	for _, o := range vis {
		seen[o.ID] = true
	}
	out := make([]warden.IntelObject, 0, len(objs))
	for _, o := range objs {
		if !slices.ContainsFunc(exportEnds(o), func(id string) bool { _, isStored := cur[id]; return isStored && !seen[id] }) {
			out = append(out, o)
		}
	}
	return out, nil
}

// Versions returns the versions of an object the caller sees, oldest
// first (intel.read): each version by its own marking, and none unless
// the caller sees the current one (marking an object RED withdraws its
// earlier versions). ENOTFOUND if the caller sees none.
func (s *Service) Versions(ctx context.Context, id string) ([]warden.IntelObject, error) {
	p, err := warden.Authorize(ctx, warden.ActIntelRead)
	if err != nil {
		return nil, err
	}
	if _, err := s.object(ctx, p, id); err != nil {
		return nil, err
	}
	all, err := s.DB.IntelVersions(ctx, id)
	if err != nil {
		return nil, err
	}
	vs, err := s.visible(ctx, p, all)
	if err != nil {
		return nil, err
	}
	if vs, err = s.whole(ctx, p, vs); err != nil {
		return nil, err
	}
	if len(vs) == 0 {
		return nil, notFound(id)
	}
	return vs, nil
}
