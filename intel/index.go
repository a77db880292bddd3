package intel

import (
	"cmp"
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"warden"
	"warden/store"
)

// Index is the screening index: what every active indicator observes, in
// memory, so that screening a payment's IP address, domain, e-mail address
// and wallet costs map lookups and a binary search, not a query. It is
// built from the store on first use and by Refresh; after that, a lookup
// checks the store's generation (which every write it reads moves) at
// most once a second and, when it moved, rebuilds in the background while
// the old index keeps answering; the first lookup after two quiet seconds
// checks before it answers, so that a write by another process while
// nobody looked up is never missed. Invalidate makes every later lookup wait
// for an index built after it, for writes in this process that must show
// at once: a batch screened right after an import sees the import in each
// of its lookups, not only in the first.
type Index struct {
	DB *store.DB // what the index is built from; nil: only Load fills it

	snap     atomic.Pointer[snapshot]
	want     atomic.Int64 // bumped by Invalidate: a snapshot built before is out of date
	checking atomic.Bool
	checked  atomic.Int64 // unix nanoseconds of the last generation check, by the lookups' clock
	mu       sync.Mutex   // one build at a time; lookups that need a rebuild wait here for it

	// Tests hold a rebuild with these; nil otherwise.
	waiting  func() // a lookup is about to wait for a rebuild
	building func() // a rebuild starts reading the store
}

// NewIndex returns an empty index over db, built on first use.
func NewIndex(db *store.DB) *Index { return &Index{DB: db} }

// checkEvery is how often lookups ask the store whether the index is out
// of date, in the background while they keep answering; after idleAfter
// without a check, the next lookup asks first and waits for it.
const (
	checkEvery = time.Second
	idleAfter  = 2 * time.Second
)

// Invalidate makes every later lookup answer from an index built after
// this call, waiting for its rebuild.
func (x *Index) Invalidate() { x.want.Add(1) }

// Refresh rebuilds the index from the store now.
func (x *Index) Refresh(ctx context.Context) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.refresh(ctx)
}

func (x *Index) refresh(ctx context.Context) error {
	want := x.want.Load() // read before the store: an Invalidate after this asks for another build
	if x.building != nil {
		x.building()
	}
	gen, err := x.DB.IntelGeneration(ctx)
	if err != nil {
		return err
	}
	rows, err := x.DB.IndexRows(ctx)
	if err != nil {
		return err
	}
	g, err := x.DB.IndexGraph(ctx)
	if err != nil {
		return err
	}
	x.load(want, gen, rows, g)
	return nil
}

// Load replaces the index with one of rows explained by g, at store
// generation gen.
func (x *Index) Load(gen int64, rows []store.IndexRow, g store.IndexGraph) {
	x.load(x.want.Load(), gen, rows, g)
}

func (x *Index) load(want, gen int64, rows []store.IndexRow, g store.IndexGraph) {
	s := build(gen, rows, g)
	s.want = want
	x.snap.Store(s)
}

// Size is how many values the index holds.
func (x *Index) Size() int {
	if s := x.snap.Load(); s != nil {
		return s.size
	}
	return 0
}

// current returns the index to look up in at now: built (or rebuilt, when
// invalidated since it was built) first if need be; a background rebuild
// is started when the store's generation moved.
func (x *Index) current(ctx context.Context, now time.Time) (*snapshot, error) {
	s := x.snap.Load()
	if want := x.want.Load(); s == nil || s.want < want {
		return x.rebuild(ctx, want, now)
	}
	t := now.UnixNano()
	if x.DB == nil || t-x.checked.Load() < int64(checkEvery) {
		return s, nil
	}
	if t-x.checked.Load() >= int64(idleAfter) {
		// Nobody looked up for a while, so nothing checked the store:
		// the index may be as old as the last lookup. Ask before
		// answering, and rebuild first if another process wrote.
		x.checked.Store(t)
		g, err := x.DB.IntelGeneration(ctx)
		if err != nil {
			return nil, err
		}
		if g != s.gen {
			x.Invalidate()
			return x.rebuild(ctx, x.want.Load(), now)
		}
		return s, nil
	}
	if x.checking.CompareAndSwap(false, true) {
		x.checked.Store(t)
		go x.check(s.gen)
	}
	return s, nil
}

// rebuild returns an index built after the Invalidate that made want,
// building it unless another lookup did while this one waited for the
// lock: the lookups arriving during a rebuild all wait for it, and only
// one of them builds.
func (x *Index) rebuild(ctx context.Context, want int64, now time.Time) (*snapshot, error) {
	if x.waiting != nil {
		x.waiting()
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if s := x.snap.Load(); s != nil && s.want >= want {
		return s, nil
	}
	if err := x.refresh(ctx); err != nil {
		return nil, err
	}
	x.checked.Store(now.UnixNano())
	return x.snap.Load(), nil
}

// check rebuilds the index when the store's generation is no longer gen.
// A rebuild that fails invalidates the index: the next lookup rebuilds it
// itself and, if that fails too, returns the error, rather than answering
// from an index the store has moved past with nobody told.
func (x *Index) check(gen int64) {
	defer x.checking.Store(false)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	g, err := x.DB.IntelGeneration(ctx)
	if err != nil || g == gen {
		return // a failed check is tried again a second later
	}
	if err := x.Refresh(ctx); err != nil {
		x.Invalidate()
	}
}

// snapshot is one build of the index, never changed once built.
type snapshot struct {
	gen                      int64 // the store's generation it was built at
	want                     int64 // Index.want when its build began
	domains, emails, wallets map[string][]entry
	v4, v6                   ranges
	size                     int
}

// indicator is what a hit says of an indicator.
type indicator struct {
	id, name  string
	tlp       warden.TLP
	incidents []warden.IntelRefName
	actors    []warden.IntelRefName
	parties   []string
}

// entry is one value an indicator observes, valid from..until (unix
// nanoseconds; 0 for no bound).
type entry struct {
	ind         *indicator
	obs         warden.Observable
	from, until int64
	fold        bool // a wallet whose case does not matter (EVM, bech32)
}

// active reports whether e is valid at now.
func (e *entry) active(now int64) bool {
	return (e.from == 0 || now >= e.from) && (e.until == 0 || now < e.until)
}

// u128 is an IP address as a number: IPv4 addresses as their IPv4-mapped
// IPv6 form.
type u128 struct{ hi, lo uint64 }

func (a u128) less(b u128) bool { return a.hi < b.hi || a.hi == b.hi && a.lo < b.lo }

func addrNum(a netip.Addr) u128 {
	b := a.As16()
	var n u128
	for i := range 8 {
		n.hi = n.hi<<8 | uint64(b[i])
		n.lo = n.lo<<8 | uint64(b[8+i])
	}
	return n
}

// ranges holds IP ranges (CIDRs, an address being a /32 or /128) sorted by
// their first address, larger first among those that start together, with
// each range's parent: the smallest range that contains it. CIDRs either
// nest or are disjoint, so the ranges that contain an address are the
// last range starting at or before it and its ancestors.
type ranges struct {
	lo, hi  []u128
	parent  []int32
	entries [][]entry
}

// add collects entries before build sorts them.
type rangeSet map[[2]u128][]entry

func (rs rangeSet) add(p netip.Prefix, e entry) {
	p = p.Masked()
	lo := addrNum(p.Addr())
	bits := p.Bits()
	if p.Addr().Is4() {
		bits += 96
	}
	hi := lo
	switch host := 128 - bits; {
	case host >= 64:
		hi.lo = ^uint64(0)
		hi.hi |= 1<<(host-64) - 1 // all ones for host 128: 1<<64 is 0
	case host > 0:
		hi.lo |= 1<<host - 1
	}
	k := [2]u128{lo, hi}
	rs[k] = append(rs[k], e)
}

func (rs rangeSet) build() ranges {
	keys := make([][2]u128, 0, len(rs))
	for k := range rs {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [2]u128) int {
		switch {
		case a[0].less(b[0]):
			return -1
		case b[0].less(a[0]):
			return 1
		case b[1].less(a[1]):
			return -1 // the larger range first
		case a[1].less(b[1]):
			return 1
		}
		return 0
	})
	r := ranges{lo: make([]u128, len(keys)), hi: make([]u128, len(keys)), parent: make([]int32, len(keys)), entries: make([][]entry, len(keys))}
	var stack []int32
	for i, k := range keys {
		r.lo[i], r.hi[i], r.entries[i] = k[0], k[1], rs[k]
		for len(stack) > 0 && r.hi[stack[len(stack)-1]].less(k[0]) {
			stack = stack[:len(stack)-1]
		}
		r.parent[i] = -1
		if len(stack) > 0 {
			r.parent[i] = stack[len(stack)-1]
		}
		stack = append(stack, int32(i))
	}
	return r
}

// lookup calls fn for the entries of every range that contains a.
func (r *ranges) lookup(a u128, fn func(*entry)) {
	i, j := 0, len(r.lo) // the first range starting after a
	for i < j {
		h := int(uint(i+j) >> 1)
		if a.less(r.lo[h]) {
			j = h
		} else {
			i = h + 1
		}
	}
	for k := int32(i - 1); k >= 0; k = r.parent[k] {
		if !r.hi[k].less(a) {
			for n := range r.entries[k] {
				fn(&r.entries[k][n])
			}
		}
	}
}

// build makes a snapshot of rows, explaining each indicator by g.
func build(gen int64, rows []store.IndexRow, g store.IndexGraph) *snapshot {
	s := &snapshot{gen: gen, domains: map[string][]entry{}, emails: map[string][]entry{}, wallets: map[string][]entry{}}
	v4, v6 := rangeSet{}, rangeSet{}
	ex := newExplainer(g)
	inds := map[string]*indicator{}
	for _, r := range rows {
		ind := inds[r.ID]
		if ind == nil {
			ind = ex.explain(r.ID, r.Name, r.TLP)
			inds[r.ID] = ind
		}
		e := entry{ind: ind, obs: r.Observable}
		if !r.ValidFrom.IsZero() {
			e.from = r.ValidFrom.UnixNano()
		}
		if !r.ValidUntil.IsZero() {
			e.until = r.ValidUntil.UnixNano()
		}
		v := strings.TrimSpace(r.Observable.Value)
		switch r.Observable.Kind {
		case warden.KindIPv4, warden.KindIPv6:
			p, err := netip.ParsePrefix(v)
			if err != nil {
				a, err := netip.ParseAddr(v)
				if err != nil {
					continue
				}
				p = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
			}
			if tooBroad(p) != "" {
				continue
			}
			if p.Addr().Is4() {
				v4.add(p, e)
			} else {
				v6.add(p, e)
			}
		case warden.KindDomain:
			k := strings.TrimSuffix(strings.ToLower(v), ".")
			s.domains[k] = append(s.domains[k], e)
		case warden.KindEmail:
			k := strings.ToLower(v)
			s.emails[k] = append(s.emails[k], e)
		case warden.KindWallet:
			k := strings.ToLower(v)
			e.obs.Value = v
			e.fold = len(k) == 42 && strings.HasPrefix(k, "0x") || warden.IsBech32(k)
			s.wallets[k] = append(s.wallets[k], e)
		default:
			continue // payments carry no URLs or file hashes
		}
		s.size++
	}
	s.v4, s.v6 = v4.build(), v6.build()
	return s
}

// The widest IP ranges that screen: a wider range (a whole provider's, a
// country's, 0.0.0.0/0) would hold every payment from it, so an
// indicator's comparison on one is kept and shown but not screened.
const (
	minV4Bits = 16
	minV6Bits = 32
)

// tooBroad says why an IP range is too broad to screen; "" if it is not.
func tooBroad(p netip.Prefix) string {
	if p.Addr().Is4() && p.Bits() < minV4Bits {
		return fmt.Sprintf("%s is wider than /%d: too broad to screen", p, minV4Bits)
	}
	if !p.Addr().Is4() && p.Bits() < minV6Bits {
		return fmt.Sprintf("%s is wider than /%d: too broad to screen", p, minV6Bits)
	}
	return ""
}

// notScreened says why an observable Warden reads is not used in
// screening (an IP range too broad); "" if it screens.
func notScreened(o warden.Observable) string {
	if o.Kind != warden.KindIPv4 && o.Kind != warden.KindIPv6 {
		return ""
	}
	p, err := netip.ParsePrefix(strings.TrimSpace(o.Value))
	if err != nil {
		return ""
	}
	return tooBroad(p)
}

// explainer finds the incidents, threat actors and parties an indicator
// is connected to: through an indicates, related-to or uses relationship
// in either direction, through a report (or any object listing both in
// object_refs), and, for the incidents found, the actors they are
// attributed to or related to. RED objects are never named.
type explainer struct {
	g        store.IndexGraph
	adj      map[string][]string
	members  map[string][]string // object_refs of a report
	inReport map[string][]string // the reports listing an object
}

func newExplainer(g store.IndexGraph) *explainer {
	ex := &explainer{g: g, adj: map[string][]string{}, members: map[string][]string{}, inReport: map[string][]string{}}
	for _, e := range g.Edges {
		if e.Type == "object_refs" {
			ex.members[e.Source] = append(ex.members[e.Source], e.Target)
			ex.inReport[e.Target] = append(ex.inReport[e.Target], e.Source)
			continue
		}
		ex.adj[e.Source] = append(ex.adj[e.Source], e.Target)
		ex.adj[e.Target] = append(ex.adj[e.Target], e.Source)
	}
	return ex
}

func isActor(typ string) bool { return typ == "threat-actor" || typ == "intrusion-set" }

func (ex *explainer) explain(id, name string, tlp warden.TLP) *indicator {
	ind := &indicator{id: id, name: name, tlp: tlp}
	near := slices.Clone(ex.adj[id])
	for _, r := range ex.inReport[id] {
		near = append(near, ex.members[r]...)
	}
	seen := map[string]bool{id: true}
	var incidents []string
	add := func(oid string) {
		o, ok := ex.g.Objects[oid]
		if !ok || seen[oid] || o.TLP.Rank() < 0 || o.TLP == warden.TLPRed {
			return
		}
		seen[oid] = true
		ref := warden.IntelRefName{ID: o.ID, Name: o.Name}
		if isActor(o.Type) {
			ind.actors = append(ind.actors, ref)
			ind.parties = append(ind.parties, ex.g.Parties[oid]...)
		} else {
			ind.incidents = append(ind.incidents, ref)
			incidents = append(incidents, oid)
		}
	}
	for _, n := range near {
		add(n)
	}
	for _, inc := range incidents {
		for _, n := range ex.adj[inc] {
			if o, ok := ex.g.Objects[n]; ok && isActor(o.Type) {
				add(n)
			}
		}
	}
	ind.parties = append(ind.parties, ex.g.Parties[id]...)
	byName := func(a, b warden.IntelRefName) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	}
	slices.SortFunc(ind.incidents, byName)
	slices.SortFunc(ind.actors, byName)
	slices.Sort(ind.parties)
	ind.parties = slices.Compact(ind.parties)
	return ind
}
