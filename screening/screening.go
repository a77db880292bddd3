// Package screening keeps a screening index in step with the store and
// answers screening queries against it. A rebuilt index is swapped in
// atomically: a query sees either the old index or the new one, never half.
package screening

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"warden"
	"warden/match"
	"warden/store"
)

// Service screens queries against every list's current version.
type Service struct {
	db      *store.DB
	current atomic.Pointer[snapshot]
	mu      sync.Mutex // one rebuild at a time
	// dir holds the index snapshots ("" for none) and logf hears of
	// those not used or not written (snapshot.go).
	dir    string
	logf   func(string, ...any)
	writes sync.WaitGroup // snapshot writes under way
	builds atomic.Int64   // indexes built from the store, for tests
}

// snapshot is an index and the list versions it was built from, with the
// links between its listings and the groups of listings they make.
type snapshot struct {
	index    *match.Index
	versions map[string]int
	built    time.Time
	links    []warden.ListingLink
	groups   *groups
	linked   *sync.Map // entity id -> *warden.Entity: grouped listings read from the store
}

// New returns a service on db; call Refresh before the first query.
func New(db *store.DB) *Service { return &Service{db: db, logf: func(string, ...any) {}} }

// Refresh rebuilds the index if any list's current version differs from the
// one the index was built from, or loads it from a snapshot of those
// versions (UseSnapshots). It reports whether it rebuilt or loaded. The
// index answering meanwhile is the old one.
func (s *Service) Refresh(ctx context.Context) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	lists, err := s.db.Lists(ctx)
	if err != nil {
		return false, err
	}
	versions := map[string]int{}
	for _, l := range lists {
		if l.CurrentVersion > 0 {
			versions[l.Name] = l.CurrentVersion
		}
	}
	if cur := s.current.Load(); cur != nil && sameVersions(cur.versions, versions) {
		return false, s.regroup(ctx, cur)
	}
	key := snapshotKey(lists)
	// The stored links, and the groups they make, are read while the index
	// loads: they need it only when they must be computed. Read one after
	// the other, they took a third of a cold `warden screen NAME`.
	type stored struct {
		links  []warden.ListingLink
		groups *groups
		ok     bool
		err    error
	}
	read := make(chan stored, 1)
	go func() {
		var st stored
		st.links, st.ok, st.err = s.storedLinks(ctx, string(key))
		if st.ok {
			st.groups, st.err = s.makeGroups(ctx, st.links)
		}
		read <- st
	}()
	ix, err := s.loadOrBuild(ctx, versions, key)
	st := <-read
	if err != nil {
		return false, err
	}
	if st.err != nil {
		return false, st.err
	}
	links, g := st.links, st.groups
	if !st.ok {
		if links, err = s.computeLinks(ctx, ix, string(key)); err != nil {
			return false, err
		}
		if g, err = s.makeGroups(ctx, links); err != nil {
			return false, err
		}
	}
	s.current.Store(&snapshot{index: ix, versions: versions, built: time.Now(), links: links, groups: g, linked: new(sync.Map)})
	return true, nil
}

func sameVersions(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// Watch refreshes the index whenever wake receives (a list version was
// stored: store.Listen on PostgreSQL) and every interval in any case, the
// fallback that finds what no notification announced (SQLite, or a
// listener reconnecting), until ctx ends. Errors go to logf. A nil wake
// only polls.
func (s *Service) Watch(ctx context.Context, interval time.Duration, wake <-chan struct{}, logf func(string, ...any)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-wake:
		}
		if rebuilt, err := s.Refresh(ctx); err != nil && ctx.Err() == nil {
			logf("screening index refresh failed: %v", err)
		} else if rebuilt {
			logf("screening index rebuilt: %d parties, lists %v", s.Len(), s.Versions())
		}
	}
}

// Built returns when the current index was built (or loaded), the zero
// time before the first.
func (s *Service) Built() time.Time {
	if cur := s.current.Load(); cur != nil {
		return cur.built
	}
	return time.Time{}
}

// Len is the number of parties in the current index.
func (s *Service) Len() int {
	if cur := s.current.Load(); cur != nil {
		return cur.index.Len()
	}
	return 0
}

// Each calls fn with every party in the current index and returns the
// list versions that index holds; fn must not change the parties.
func (s *Service) Each(fn func(*warden.Entity)) map[string]int {
	cur := s.current.Load()
	if cur == nil {
		return nil
	}
	cur.index.Each(fn)
	runtime.KeepAlive(cur.index) // see Screen
	return cur.versions
}

// Versions returns the list versions the current index holds.
func (s *Service) Versions() map[string]int {
	if cur := s.current.Load(); cur != nil {
		return cur.versions
	}
	return nil
}

// Screen runs one query for the principal in ctx, who needs the screen
// permission. Hits on listings of one real party (linked, links.go) come
// back as one hit, the best, holding the others in Listings. It returns EINVALID for a malformed query or one naming a
// list the index does not hold (CheckLists), and EINTERNAL if no index has
// been built yet.
func (s *Service) Screen(ctx context.Context, q match.Query, opt match.Options) ([]match.Hit, error) {
	if _, err := warden.Authorize(ctx, warden.ActScreen); err != nil {
		return nil, err
	}
	cur := s.current.Load()
	if cur == nil {
		return nil, warden.Errorf(warden.EINTERNAL, "screening index not built yet")
	}
	if err := cur.checkLists(q.Lists); err != nil {
		return nil, err
	}
	hits, err := cur.index.Search(q, opt)
	// An index loaded from a snapshot maps the file until it is
	// unreachable: it stays reachable until its search is over, though a
	// refresh swap it out meanwhile.
	runtime.KeepAlive(cur.index)
	if err != nil {
		return nil, err
	}
	return cur.group(ctx, s.db, hits, q.Lists)
}

// CheckLists returns EINVALID naming the first of lists that the current
// index does not hold, and the lists it holds: a filter naming no list
// ("OFAC" for ofac, a typo) would screen against nothing and clear
// everyone. Screen, ScreenPrepared and Batch check their queries so; a
// command line checks its flags with it to say so as a usage error.
func (s *Service) CheckLists(lists []string) error {
	cur := s.current.Load()
	if cur == nil {
		return warden.Errorf(warden.EINTERNAL, "screening index not built yet")
	}
	return cur.checkLists(lists)
}

func (sn *snapshot) checkLists(lists []string) error {
	for _, l := range lists {
		if _, ok := sn.versions[l]; ok {
			continue
		}
		known := make([]string, 0, len(sn.versions))
		hint := ""
		for k := range sn.versions {
			known = append(known, k)
			if strings.EqualFold(k, l) {
				hint = fmt.Sprintf(" (did you mean %q?)", k)
			}
		}
		slices.Sort(known)
		return warden.Errorf(warden.EINVALID, "unknown list %q%s; the lists screened are %s", l, hint, strings.Join(known, ", "))
	}
	return nil
}

// ScreenPrepared runs a query that match.Prepare has checked, for the
// principal in ctx, who needs the screen permission. Options that fail
// match.Options.Check, and lists the index does not hold (CheckLists), are
// EINVALID.
func (s *Service) ScreenPrepared(ctx context.Context, p *match.Prepared, opt match.Options) ([]match.Hit, error) {
	if _, err := warden.Authorize(ctx, warden.ActScreen); err != nil {
		return nil, err
	}
	if err := opt.Check(); err != nil {
		return nil, err
	}
	cur := s.current.Load()
	if cur == nil {
		return nil, warden.Errorf(warden.EINTERNAL, "screening index not built yet")
	}
	if err := cur.checkLists(p.Query().Lists); err != nil {
		return nil, err
	}
	hits := cur.index.SearchPrepared(p, opt)
	runtime.KeepAlive(cur.index) // see Screen
	return cur.group(ctx, s.db, hits, p.Query().Lists)
}
