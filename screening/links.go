package screening

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"warden"
	"warden/match"
	"warden/store"
)

// ofacFormats are the formats OFAC publishes its lists in: their parties'
// source ids are OFAC's ids (ent_num), which the Consolidated Screening
// List's copies of OFAC entries reuse as their own ids.
var ofacFormats = map[string]bool{"ofac-csv": true, "ofac-xml": true, "ofac-enhanced-xml": true}

// linkIDTypes are the identifier types that name one party: contact
// points (e-mail, website, phone) are shared by a party's companies and
// people, "other" is anything at all.
var linkIDTypes = map[warden.IDType]bool{
	warden.IDPassport: true, warden.IDNational: true, warden.IDTax: true, warden.IDRegistration: true,
	warden.IDUSCC: true, warden.IDIMO: true, warden.IDLEI: true, warden.IDSWIFT: true,
}

// copiedBy separates, in a LinkOFACID link's detail, OFAC's id from the
// CSL listing that copies it.
const copiedBy = " copied by "

// linkRules is the version of ComputeLinks's rules: links stored by
// another version of them are computed again.
const linkRules = 2

// maxKeyHolders is the most listings one shared value (an identifier,
// wallet, or name and birth date) may link: a value held by more is a
// placeholder or a family's, not one party's.
const maxKeyHolders = 6

// ComputeLinks returns the automatic links between listings of different
// lists (formats gives each list's format), ordered by ids and rule:
//
//   - LinkOFACID: a Consolidated Screening List (csl-csv) entry from a
//     Treasury list whose id is a number, and the party of that id on an
//     OFAC list;
//   - LinkIdentifier: the same document number (match.NormalizeID, at
//     least 5 characters) of the same type, unless both say an issuing
//     country and they differ;
//   - LinkWallet: the same digital currency address;
//   - LinkNameBirth: two people with a name (not a weak alias) equal once
//     case, accents, punctuation and word order are set aside, and the same
//     full birth date (YYYY-MM-DD, not approximate, not a range).
//
// A value held by two listings of one list, or by more than maxKeyHolders
// listings, links nothing: it does not tell one party from another.
func ComputeLinks(entities []*warden.Entity, formats map[string]string) []warden.ListingLink {
	type holder struct {
		id, list, country string
	}
	keys := map[string][]holder{} // rule \x00 value -> holders
	add := func(rule warden.LinkRule, value string, h holder) {
		k := string(rule) + "\x00" + value
		for _, x := range keys[k] {
			if x.id == h.id {
				return
			}
		}
		keys[k] = append(keys[k], h)
	}
	ofacIDs := map[string][]string{} // ent_num -> OFAC listings
	var cslTreasury []*warden.Entity
	for _, e := range entities {
		switch f := formats[e.List]; {
		case ofacFormats[f]:
			ofacIDs[e.SourceID] = append(ofacIDs[e.SourceID], e.ID)
		case f == "csl-csv" && isNumber(e.SourceID) && slices.ContainsFunc(e.Topics, func(t string) bool { return strings.Contains(t, "Treasury Department") }):
			cslTreasury = append(cslTreasury, e)
		}
		for _, x := range e.Identifiers {
			switch {
			case x.Type == warden.IDCrypto:
				if v := match.NormalizeID(x.Type, x.Value); v != "" {
					add(warden.LinkWallet, v, holder{id: e.ID, list: e.List})
				}
			case linkIDTypes[x.Type]:
				if v := match.NormalizeID(x.Type, x.Value); len(v) >= 5 {
					add(warden.LinkIdentifier, string(x.Type)+" "+v, holder{id: e.ID, list: e.List, country: x.Country})
				}
			}
		}
		if e.Schema != warden.SchemaPerson {
			continue
		}
		for _, d := range e.BirthDates {
			if len(d.From) != len("2006-01-02") || d.To != "" || d.Approximate {
				continue
			}
			for _, n := range e.Names {
				if n.Kind == warden.NameWeak {
					continue
				}
				if k := nameKey(n.Full); k != "" {
					add(warden.LinkNameBirth, k+" "+d.From, holder{id: e.ID, list: e.List})
				}
			}
		}
	}
	seen := map[warden.ListingLink]bool{}
	var out []warden.ListingLink
	link := func(a, b string, rule warden.LinkRule, detail string) {
		if a > b {
			a, b = b, a
		}
		l := warden.ListingLink{A: a, B: b, Rule: rule}
		if seen[l] {
			return
		}
		seen[l] = true
		l.Detail = detail
		out = append(out, l)
	}
	for _, e := range cslTreasury {
		if ids := ofacIDs[e.SourceID]; len(ids) > 0 {
			for _, id := range ids {
				link(e.ID, id, warden.LinkOFACID, "OFAC id "+e.SourceID+copiedBy+e.ID)
			}
		}
	}
	for k, hs := range keys {
		if len(hs) < 2 || len(hs) > maxKeyHolders {
			continue
		}
		lists := map[string]bool{}
		for _, h := range hs {
			lists[h.list] = true
		}
		if len(lists) < len(hs) {
			continue // two listings of one list hold it
		}
		rule, value, _ := strings.Cut(k, "\x00")
		for i, a := range hs {
			for _, b := range hs[i+1:] {
				if a.country != "" && b.country != "" && a.country != b.country {
					continue
				}
				link(a.id, b.id, warden.LinkRule(rule), value)
			}
		}
	}
	slices.SortFunc(out, func(x, y warden.ListingLink) int {
		return cmp.Or(cmp.Compare(x.A, y.A), cmp.Compare(x.B, y.B), cmp.Compare(x.Rule, y.Rule))
	})
	return out
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func isNumber(s string) bool {
	return s != "" && !strings.ContainsFunc(s, func(r rune) bool { return r < '0' || r > '9' })
}

// nameKey is a name as LinkNameBirth compares it: lower case, without
// accents or punctuation, its words sorted (lists write "PETROV, Ivan" and
// "Ivan PETROV"); "" for a name of one word, which names no one alone.
func nameKey(s string) string {
	var b strings.Builder
	if !isASCII(s) {
		s = norm.NFD.String(s)
	}
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteByte(' ')
		}
	}
	words := strings.Fields(b.String())
	if len(words) < 2 {
		return ""
	}
	slices.Sort(words)
	return strings.Join(words, " ")
}

// groups ties every linked listing to the others of its real party: the
// listings joined by links and people's links, never two that a person
// unlinked.
type groups struct {
	of      map[string]int  // entity id -> group
	members [][]groupMember // per group, by id
	// copies are the CSL's copies of OFAC entries (the CSL side of
	// LinkOFACID links): a hit on the original is shown first when they
	// score alike.
	copies map[string]bool
	// generation is the people's decisions generation the groups hold.
	generation int64
}

type groupMember struct {
	id   string
	rule warden.LinkRule // the strongest rule tying it to the group
}

// ruleStrength orders the rules that link listings, strongest first: a
// person's link, then the automatic rules (LinkRules).
var ruleStrength = [...]warden.LinkRule{warden.LinkManual, warden.LinkOFACID, warden.LinkIdentifier, warden.LinkWallet, warden.LinkNameBirth}

// strength is rule's place in ruleStrength, 0 for a rule it lacks (as a
// person's link: none is stored).
func strength(rule warden.LinkRule) int {
	for i, r := range ruleStrength {
		if r == rule {
			return i
		}
	}
	return 0
}

// makeGroups joins listings by people's links first, then by the automatic
// links from the strongest rule (warden.LinkOFACID) to the weakest; a join
// that would put two listings a person unlinked into one group is left
// out, so an unlink beats every automatic link, also through third
// listings.
func makeGroups(links []warden.ListingLink, decisions []warden.LinkDecision, generation int64) *groups {
	idx := make(map[string]int, len(links))
	var ids []string
	node := func(id string) int {
		if i, ok := idx[id]; ok {
			return i
		}
		idx[id] = len(ids)
		ids = append(ids, id)
		return len(ids) - 1
	}
	type edge struct {
		a, b int
		rule warden.LinkRule
	}
	forbid := map[int][]int{}
	var edges []edge
	for _, d := range decisions {
		a, b := node(d.A), node(d.B)
		if d.Linked {
			edges = append(edges, edge{a, b, warden.LinkManual})
		} else {
			forbid[a] = append(forbid[a], b)
			forbid[b] = append(forbid[b], a)
		}
	}
	// The automatic links, strongest rule first, each rule's in the order
	// given: a stable sort by strength, done by bucket (a sort calling
	// strength at each comparison was a tenth of a cold warden screen).
	// Counted first, so that the edges take one allocation.
	var at [len(ruleStrength) + 1]int
	for _, l := range links {
		at[strength(l.Rule)+1]++
	}
	at[0] = len(edges)
	for r := 1; r < len(at); r++ {
		at[r] += at[r-1]
	}
	edges = slices.Grow(edges, len(links))[:len(edges)+len(links)]
	for _, l := range links {
		r := strength(l.Rule)
		edges[at[r]] = edge{node(l.A), node(l.B), l.Rule}
		at[r]++
	}
	// Union-find, each set's members a cycle through next (two sets
	// joined by swapping one next of each), so that a set is walked
	// without a slice of members for each listing.
	parent := make([]int32, len(ids))
	next := make([]int32, len(ids))
	size := make([]int32, len(ids))
	for i := range parent {
		parent[i], next[i], size[i] = int32(i), int32(i), 1
	}
	find := func(i int32) int32 {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	g := &groups{copies: map[string]bool{}, generation: generation}
	for _, l := range links {
		if l.Rule == warden.LinkOFACID {
			if _, copy, ok := strings.Cut(l.Detail, copiedBy); ok {
				g.copies[copy] = true
			}
		}
	}
	rule := make([]warden.LinkRule, len(ids))
	// apart reports whether a person unlinked a member of set ra from one
	// of set rb.
	apart := func(ra, rb int32) bool {
		for m := ra; ; {
			for _, f := range forbid[int(m)] {
				if find(int32(f)) == rb {
					return true
				}
			}
			if m = next[m]; m == ra {
				return false
			}
		}
	}
	for _, e := range edges {
		ra, rb := find(int32(e.a)), find(int32(e.b))
		if ra == rb {
			continue
		}
		if size[ra] > size[rb] {
			ra, rb = rb, ra
		}
		if len(forbid) > 0 && apart(ra, rb) {
			continue
		}
		for _, i := range [2]int{e.a, e.b} {
			if rule[i] == "" || strength(e.rule) < strength(rule[i]) {
				rule[i] = e.rule
			}
		}
		parent[ra] = rb
		size[rb] += size[ra]
		next[ra], next[rb] = next[rb], next[ra]
	}
	grouped, ngroups := 0, 0
	for i := range int32(len(ids)) {
		if i == find(i) && size[i] >= 2 {
			grouped, ngroups = grouped+int(size[i]), ngroups+1
		}
	}
	g.of = make(map[string]int, grouped)
	g.members = make([][]groupMember, 0, ngroups)
	for i := range int32(len(ids)) {
		if i != find(i) || size[i] < 2 {
			continue
		}
		ms := make([]groupMember, 0, size[i])
		for m := i; ; {
			ms = append(ms, groupMember{id: ids[m], rule: rule[m]})
			g.of[ids[m]] = len(g.members)
			if m = next[m]; m == i {
				break
			}
		}
		slices.SortFunc(ms, func(x, y groupMember) int { return cmp.Compare(x.id, y.id) })
		g.members = append(g.members, ms)
	}
	return g
}

// Linked returns the ids of the listings grouped with id (itself
// included) in the current index, in id order; nil when it has none.
func (s *Service) Linked(id string) []string {
	cur := s.current.Load()
	if cur == nil || cur.groups == nil {
		return nil
	}
	n, ok := cur.groups.of[id]
	if !ok {
		return nil
	}
	out := make([]string, 0, len(cur.groups.members[n]))
	for _, m := range cur.groups.members[n] {
		out = append(out, m.id)
	}
	return out
}

// linksKey is what the stored links of the lists of snapshot key were
// computed from (LinkState.Versions).
func linksKey(key string) string { return key + fmt.Sprintf("link rules\t%d\n", linkRules) }

// storedLinks returns the automatic links stored for the lists of snapshot
// key, and whether the store has them: it has none when the lists or the
// rules changed since they were computed. With snapshots (UseSnapshots)
// they are read from their file if there is one (linkcache.go), and the
// file is written after reading them from the store.
func (s *Service) storedLinks(ctx context.Context, key string) ([]warden.ListingLink, bool, error) {
	if s.dir != "" {
		if links, ok := s.loadLinks(linksKey(key)); ok {
			return links, true, nil
		}
	}
	st, err := s.db.LinkState(ctx)
	if err != nil {
		return nil, false, err
	}
	if st.Versions != linksKey(key) {
		return nil, false, nil
	}
	links, err := s.db.AllLinks(ctx)
	if err != nil {
		return nil, false, err
	}
	// Another process may have replaced the links between the two reads:
	// the file is written only if the state read again is the same.
	if s.dir != "" {
		if again, err := s.db.LinkState(ctx); err == nil && again == st {
			s.saveLinks(linksKey(key), links)
		}
	}
	return links, true, nil
}

// computeLinks computes the automatic links from ix's parties and stores
// them for the lists of snapshot key (a failure to store them is logged,
// not an error: screening goes on with the computed links).
func (s *Service) computeLinks(ctx context.Context, ix *match.Index, key string) ([]warden.ListingLink, error) {
	formats, err := s.db.ListFormats(ctx)
	if err != nil {
		return nil, err
	}
	var es []*warden.Entity
	ix.Each(func(e *warden.Entity) { es = append(es, e) })
	links := ComputeLinks(es, formats)
	if _, err := s.db.ReplaceLinks(ctx, linksKey(key), links); err != nil {
		s.logf("listing links not stored: %v", err)
	} else if s.dir != "" {
		s.saveLinks(linksKey(key), links)
	}
	return links, nil
}

// regroup makes the groups again when people decided on links since cur's
// were made, and swaps in a snapshot holding them. The caller holds s.mu.
func (s *Service) regroup(ctx context.Context, cur *snapshot) error {
	st, err := s.db.LinkState(ctx)
	if err != nil {
		return err
	}
	if cur.groups != nil && st.Generation == cur.groups.generation {
		return nil
	}
	g, err := s.makeGroups(ctx, cur.links)
	if err != nil {
		return err
	}
	next := *cur
	next.groups = g
	s.current.Store(&next)
	return nil
}

func (s *Service) makeGroups(ctx context.Context, links []warden.ListingLink) (*groups, error) {
	ds, gen, err := s.db.LinkDecisions(ctx)
	if err != nil {
		return nil, err
	}
	return makeGroups(links, ds, gen), nil
}

// group merges hits on listings of one real party into the first (best)
// of them, whose Listings then hold every other listing of the party on
// the lists queried (all when lists is empty): those hit, best score
// first, then the others by id. Listings not hit are read from the index's
// list versions in the store.
func (sn *snapshot) group(ctx context.Context, db *store.DB, hits []match.Hit, lists []string) ([]match.Hit, error) {
	g := sn.groups
	if g == nil || len(g.of) == 0 {
		return hits, nil
	}
	first := map[int]int{} // group -> index in out
	out := hits[:0:0]
	for _, h := range hits {
		n, ok := g.of[h.Entity.ID]
		if !ok {
			out = append(out, h)
			continue
		}
		if i, ok := first[n]; ok {
			if h.Score == out[i].Score && g.copies[out[i].Entity.ID] && !g.copies[h.Entity.ID] {
				h, out[i] = out[i], h // the original first, its copy among the others
				h.Listings, out[i].Listings = nil, h.Listings
			}
			out[i].Listings = append(out[i].Listings, listing(h.Entity, h.Score, g.rule(n, h.Entity.ID)))
			continue
		}
		first[n] = len(out)
		out = append(out, h)
	}
	for n, i := range first {
		h := &out[i]
		hit := map[string]bool{h.Entity.ID: true}
		for _, l := range h.Listings {
			hit[l.EntityID] = true
		}
		for _, m := range g.members[n] {
			list, _, _ := strings.Cut(m.id, ":")
			if hit[m.id] || len(lists) > 0 && !slices.Contains(lists, list) {
				continue
			}
			v, ok := sn.versions[list]
			if !ok {
				continue
			}
			e, err := sn.entity(ctx, db, m.id, v)
			if err != nil {
				return nil, fmt.Errorf("linked listing %s: %w", m.id, err)
			}
			if e != nil {
				h.Listings = append(h.Listings, listing(e, 0, m.rule))
			}
		}
		slices.SortStableFunc(h.Listings, func(x, y warden.Listing) int {
			return cmp.Or(cmp.Compare(y.Score, x.Score), cmp.Compare(x.EntityID, y.EntityID))
		})
	}
	return out, nil
}

func (g *groups) rule(n int, id string) warden.LinkRule {
	for _, m := range g.members[n] {
		if m.id == id {
			return m.rule
		}
	}
	return ""
}

func listing(e *warden.Entity, score float64, rule warden.LinkRule) warden.Listing {
	return warden.Listing{EntityID: e.ID, List: e.List, SourceID: e.SourceID, Schema: e.Schema, Name: e.Caption(),
		Programs: e.Programs, Related: e.Related, Score: score, Rule: rule}
}

// entity returns a linked listing as of version v of its list: from the
// index, which holds that version of every list it was built from, else
// read from the store once per snapshot; nil when that version does not
// list it (a person linked a listing since removed).
func (sn *snapshot) entity(ctx context.Context, db *store.DB, id string, v int) (*warden.Entity, error) {
	if e, ok := sn.index.Party(id); ok {
		return e, nil
	}
	if e, ok := sn.linked.Load(id); ok {
		return e.(*warden.Entity), nil
	}
	e, err := db.Entity(ctx, id, v)
	if warden.ErrorCode(err) == warden.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	sn.linked.Store(id, e)
	return e, nil
}

// Programs returns the programs of every listing of a hit's party: its
// entity's and those of its other listings, each once, in order. A policy
// acts on all of them, since every list that names the party applies.
func Programs(h match.Hit) []string {
	out := slices.Clone(h.Entity.Programs)
	for _, l := range h.Listings {
		for _, p := range l.Programs {
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out
}

// Sanctioned reports whether any listing of a hit's party is a target of
// its list rather than context (warden.Entity.Related).
func Sanctioned(h match.Hit) bool {
	if !h.Entity.Related {
		return true
	}
	return slices.ContainsFunc(h.Listings, func(l warden.Listing) bool { return !l.Related })
}

// PartyLinks is what ties one listing to the others of its party.
type PartyLinks struct {
	// Links are the automatic links of the listing.
	Links []warden.ListingLink `json:"links"`
	// Decisions are what people decided about the listing's links.
	Decisions []warden.LinkDecision `json:"decisions"`
	// Group is every listing screening takes for the same party, the
	// listing itself included (links of links too); empty when none.
	Group []string `json:"group"`
}

// LinksOf returns the links of listing id, for the principal in ctx
// (lists.read).
func (s *Service) LinksOf(ctx context.Context, id string) (PartyLinks, error) {
	if _, err := warden.Authorize(ctx, warden.ActListsRead); err != nil {
		return PartyLinks{}, err
	}
	links, ds, err := s.db.LinksOf(ctx, id)
	if err != nil {
		return PartyLinks{}, err
	}
	pl := PartyLinks{Links: links, Decisions: ds, Group: s.Linked(id)}
	if pl.Links == nil {
		pl.Links = []warden.ListingLink{}
	}
	if pl.Decisions == nil {
		pl.Decisions = []warden.LinkDecision{}
	}
	if pl.Group == nil {
		pl.Group = []string{}
	}
	return pl, nil
}

// Link records, for the principal in ctx (links.manage), that listings a
// and b name one real party, whatever the rules say; Unlink that they name
// two, which beats every automatic link between them. Unlinking needs a
// reason. Both are audited, and take effect in screening at once on this
// node (other nodes at their next refresh). EINVALID for a malformed id,
// a listing linked to itself or a reason too long or missing; ENOTFOUND
// for a listing its list does not hold now.
func (s *Service) Link(ctx context.Context, a, b, reason string) (warden.LinkDecision, error) {
	return s.decide(ctx, a, b, true, reason)
}

// Unlink: see Link.
func (s *Service) Unlink(ctx context.Context, a, b, reason string) (warden.LinkDecision, error) {
	return s.decide(ctx, a, b, false, reason)
}

func (s *Service) decide(ctx context.Context, a, b string, linked bool, reason string) (warden.LinkDecision, error) {
	p, err := warden.Authorize(ctx, warden.ActLinksManage)
	if err != nil {
		return warden.LinkDecision{}, err
	}
	a, b, err = warden.LinkPair(strings.TrimSpace(a), strings.TrimSpace(b))
	if err != nil {
		return warden.LinkDecision{}, err
	}
	reason = strings.TrimSpace(reason)
	if err := warden.CheckText(warden.TextNote, "reason", reason, warden.MaxLinkReason); err != nil {
		return warden.LinkDecision{}, err
	}
	if !linked && reason == "" {
		return warden.LinkDecision{}, warden.Errorf(warden.EINVALID, "say why the two listings are not one party (reason)")
	}
	for _, id := range []string{a, b} {
		if _, err := s.db.Entity(ctx, id, 0); err != nil {
			return warden.LinkDecision{}, err
		}
	}
	d := warden.LinkDecision{A: a, B: b, Linked: linked, Reason: reason, DecidedBy: p.Name, DecidedAt: time.Now().UTC()}
	action := "listing.unlink"
	if linked {
		action = "listing.link"
	}
	ev := warden.NewAuditEvent(ctx, action, "entity:"+a, reason, map[string]any{"a": a, "b": b})
	if err := s.db.DecideLink(ctx, d, ev); err != nil {
		return warden.LinkDecision{}, err
	}
	// Under the rebuild lock: a rebuild swapping in a new index meanwhile
	// must not be undone by a regrouped copy of the old one.
	s.mu.Lock()
	defer s.mu.Unlock()
	if cur := s.current.Load(); cur != nil {
		if err := s.regroup(ctx, cur); err != nil {
			return d, err
		}
	}
	return d, nil
}
