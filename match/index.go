package match

import (
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"warden"
)

// Index holds listed parties prepared for screening. It is built once per
// set of list versions and never changed, so any number of goroutines may
// search it; the screening service swaps in a new one when a list changes.
type Index struct {
	entities []*warden.Entity
	names    []name  // every listed name, prepared
	owner    []int32 // names[i] belongs to entities[owner[i]]
	first    []int32 // entity i's names are names[first[i]:first[i+1]]
	vocab    map[string]int32
	postings [][]int32 // token id -> name ids
	// Deletion neighbourhoods of skeletons, hashed: delKeys is sorted and
	// delIDs[i] is a token whose skeleton, less up to budget letters,
	// hashes to delKeys[i].
	delKeys []uint64
	delIDs  []int32
	df      map[string]int32   // word -> names containing it
	abjad   []bool             // token id -> read from Arabic script somewhere
	sets    sync.Pool          // of *candSet
	ids     map[string][]int32 // identifier key -> entity ids
	logN    float64
}

// NewIndex prepares entities for screening.
func NewIndex(entities []*warden.Entity) *Index {
	ix := &Index{entities: entities, vocab: map[string]int32{}, df: map[string]int32{}, ids: map[string][]int32{}}
	var dels []delEntry
	ix.first = make([]int32, 0, len(entities)+1)
	for ei, e := range entities {
		ix.first = append(ix.first, int32(len(ix.names)))
		for _, n := range e.Names {
			p := prepare(n.Full, n.Kind, e.Schema)
			if len(p.readings) == 0 {
				continue
			}
			ni := int32(len(ix.names))
			ix.names = append(ix.names, p)
			ix.owner = append(ix.owner, int32(ei))
			seen := map[string]bool{}
			for _, r := range p.readings {
				for _, s := range spans(r) {
					if seen[s.tok.text] {
						continue
					}
					seen[s.tok.text] = true
					id, isNew := ix.tokenID(s.tok.text)
					if isNew {
						forDeletions(s.tok.skel, neighbourhood(&s.tok), func(h uint64) {
							dels = append(dels, delEntry{h, id})
						})
						if len(s.tok.cons) >= 2 {
							dels = append(dels, delEntry{consHash(s.tok.cons), id})
						}
						ix.abjad = append(ix.abjad, false)
					}
					ix.abjad[id] = ix.abjad[id] || s.tok.abjad
					if l := ix.postings[id]; len(l) == 0 || l[len(l)-1] != ni {
						ix.postings[id] = append(ix.postings[id], ni)
					}
					if s.n == 1 {
						ix.df[s.tok.text]++
					}
				}
			}
		}
		for _, id := range e.Identifiers {
			if k := idKey(id.Type, id.Value); k != "" {
				if l := ix.ids[k]; len(l) == 0 || l[len(l)-1] != int32(ei) {
					ix.ids[k] = append(ix.ids[k], int32(ei))
				}
			}
		}
	}
	ix.first = append(ix.first, int32(len(ix.names)))
	ix.logN = math.Log(float64(len(ix.names) + 1))
	for i := range ix.names {
		ix.weigh(&ix.names[i])
	}
	sort.Slice(dels, func(i, j int) bool {
		if dels[i].key != dels[j].key {
			return dels[i].key < dels[j].key
		}
		return dels[i].id < dels[j].id
	})
	ix.delKeys = make([]uint64, 0, len(dels))
	ix.delIDs = make([]int32, 0, len(dels))
	for i, d := range dels {
		if i > 0 && d == dels[i-1] {
			continue
		}
		ix.delKeys = append(ix.delKeys, d.key)
		ix.delIDs = append(ix.delIDs, d.id)
	}
	return ix
}

type delEntry struct {
	key uint64
	id  int32
}

// neighbourhood is how many deletions of a token's skeleton are indexed or
// looked up: its edit budget, or none for tokens that match only exactly or
// by skeleton.
func neighbourhood(t *token) int {
	if t.exact {
		return 0
	}
	return budget(len(t.skel))
}

// lookup calls fn for each token whose deletion neighbourhood holds h.
func (ix *Index) lookup(h uint64, fn func(int32)) {
	i := sort.Search(len(ix.delKeys), func(i int) bool { return ix.delKeys[i] >= h })
	for ; i < len(ix.delKeys) && ix.delKeys[i] == h; i++ {
		fn(ix.delIDs[i])
	}
}

// tokenID returns the vocabulary id of text, and whether it is new.
func (ix *Index) tokenID(text string) (int32, bool) {
	if id, ok := ix.vocab[text]; ok {
		return id, false
	}
	id := int32(len(ix.postings))
	ix.vocab[text] = id
	ix.postings = append(ix.postings, nil)
	return id, true
}

// consHash keys a consonant skeleton apart from the skeleton hashes.
func consHash(cons string) uint64 { return hashSkip(cons, -1, -1) ^ 0x9e3779b97f4a7c15 }

// forDeletions calls fn with the hash of s and of every string made by
// deleting up to d (at most 2) bytes from it, without building the strings.
// Equal strings hash equally; unequal ones rarely do, and a collision only
// adds a candidate that scoring then rejects.
func forDeletions(s string, d int, fn func(uint64)) {
	fn(hashSkip(s, -1, -1))
	if d < 1 || len(s) < 2 {
		return
	}
	for i := 0; i < len(s); i++ {
		fn(hashSkip(s, i, -1))
		if d < 2 {
			continue
		}
		for j := i + 1; j < len(s); j++ {
			fn(hashSkip(s, i, j))
		}
	}
}

// hashSkip is FNV-1a of s without the bytes at i and j.
func hashSkip(s string, i, j int) uint64 {
	h := uint64(14695981039346656037)
	for k := 0; k < len(s); k++ {
		if k == i || k == j {
			continue
		}
		h ^= uint64(s[k])
		h *= 1099511628211
	}
	return h
}

// Len is the number of parties in the index.
func (ix *Index) Len() int { return len(ix.entities) }

// Names is the number of listed names in the index.
func (ix *Index) Names() int { return len(ix.names) }

// idf weighs a word by how rare it is among listed names: 1 for a word no
// listed name has, falling towards 0.3 for the commonest (Wang, Company).
func (ix *Index) idf(text string) float64 {
	df := ix.df[text]
	if df == 0 || ix.logN == 0 {
		return 1
	}
	return 0.3 + 0.7*math.Log(float64(len(ix.names)+1)/float64(df+1))/ix.logN
}

// weigh sets the rarity of a name's words from list statistics.
func (ix *Index) weigh(n *name) {
	for _, r := range n.readings {
		for i := range r {
			r[i].rarity = ix.idf(r[i].text)
		}
	}
}

// Query is what is screened: names in any script, and any of schema, birth
// dates, countries, wallets and identifiers.
type Query struct {
	Names      []string      `json:"names,omitempty"`
	Schema     warden.Schema `json:"schema,omitempty"`
	BirthDates []string      `json:"birth_dates,omitempty"` // YYYY, YYYY-MM or YYYY-MM-DD
	Countries  []string      `json:"countries,omitempty"`   // ISO codes or names
	Gender     string        `json:"gender,omitempty"`      // male or female
	Wallets    []string      `json:"wallets,omitempty"`
	IDs        []string      `json:"ids,omitempty"`
	Lists      []string      `json:"lists,omitempty"` // only these lists; all if empty
}

// Options tune one search.
type Options struct {
	Threshold float64  // match when score >= Threshold; DefaultThreshold if 0
	Limit     int      // at most this many hits; 10 if 0
	Weights   *Weights // DefaultWeights if nil
	// MinScore is the lowest score reported as a hit; 0.7 × Threshold if 0.
	MinScore float64
}

// Hit is a listed party that resembles the query.
type Hit struct {
	Entity      *warden.Entity
	Score       float64
	Match       bool
	Explanation Explanation
}

// MaxNameLength is the longest name, in characters, a query may hold.
const MaxNameLength = 1000

// Prepared is a validated query, read and tokenised, ready to screen. It
// may be screened any number of times, by one goroutine at a time.
type Prepared struct {
	q         Query
	names     []name
	countries []string
	years     []string
	lists     map[string]bool
	idKeys    []string
	looked    [maxQueryReadings]uint64 // per reading: the words looked up
}

// Prepare validates a query: it must hold a name, wallet or identifier;
// names must be valid UTF-8 without control characters and at most
// MaxNameLength characters; schema, countries and birth dates must be known
// and well formed. Errors are EINVALID.
func Prepare(q Query) (*Prepared, error) {
	p := &Prepared{q: q}
	if q.Schema != "" && !q.Schema.Valid() {
		return nil, warden.Errorf(warden.EINVALID, "unknown schema %q", q.Schema)
	}
	for _, n := range q.Names {
		if err := checkText("name", n, MaxNameLength); err != nil {
			return nil, err
		}
		if strings.TrimSpace(n) == "" {
			continue
		}
		pn := prepare(n, warden.NamePrimary, q.Schema)
		if len(pn.readings) > 0 {
			p.names = append(p.names, pn)
		}
	}
	switch strings.ToLower(q.Gender) {
	case "", "male", "female":
		p.q.Gender = strings.ToLower(q.Gender)
	default:
		return nil, warden.Errorf(warden.EINVALID, "gender %q is neither male nor female", q.Gender)
	}
	for _, c := range q.Countries {
		code, ok := warden.CountryCode(c)
		if !ok {
			return nil, warden.Errorf(warden.EINVALID, "unknown country %q", c)
		}
		p.countries = append(p.countries, code)
	}
	for _, d := range q.BirthDates {
		if !validDate(d) {
			return nil, warden.Errorf(warden.EINVALID, "birth date %q is not YYYY, YYYY-MM or YYYY-MM-DD", d)
		}
		p.years = append(p.years, d)
	}
	for _, w := range q.Wallets {
		if err := checkText("wallet", w, 200); err != nil {
			return nil, err
		}
		if k := idKey(warden.IDCrypto, w); k != "" {
			p.idKeys = append(p.idKeys, k)
		}
	}
	for _, id := range q.IDs {
		if err := checkText("id", id, 200); err != nil {
			return nil, err
		}
		p.idKeys = append(p.idKeys, queryIDKeys(id)...)
	}
	if len(p.names) == 0 && len(p.idKeys) == 0 {
		return nil, warden.Errorf(warden.EINVALID, "empty query: give a name, wallet or identifier")
	}
	if len(q.Lists) > 0 {
		p.lists = map[string]bool{}
		for _, l := range q.Lists {
			p.lists[l] = true
		}
	}
	return p, nil
}

func checkText(what, s string, max int) error {
	if !utf8.ValidString(s) {
		return warden.Errorf(warden.EINVALID, "%s is not valid UTF-8", what)
	}
	if n := utf8.RuneCountInString(s); n > max {
		return warden.Errorf(warden.EINVALID, "%s is %d characters long; the limit is %d", what, n, max)
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\t' {
			return warden.Errorf(warden.EINVALID, "%s holds control character %U", what, r)
		}
	}
	return nil
}

func validDate(d string) bool {
	if len(d) != 4 && len(d) != 7 && len(d) != 10 {
		return false
	}
	for i, c := range d {
		if (i == 4 || i == 7) && c != '-' || i != 4 && i != 7 && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// Search screens q against the index and returns hits, best first: every
// party whose score reaches MinScore, at most Limit of them.
func (ix *Index) Search(q Query, opt Options) ([]Hit, error) {
	p, err := Prepare(q)
	if err != nil {
		return nil, err
	}
	return ix.SearchPrepared(p, opt), nil
}

// Query returns the query p was prepared from.
func (p *Prepared) Query() Query { return p.q }

// SearchPrepared is Search for a query already prepared, as batches do when
// they check every row before screening any.
func (ix *Index) SearchPrepared(p *Prepared, opt Options) []Hit {
	for i := range p.names {
		ix.weigh(&p.names[i])
	}
	opt.defaults()
	names := ix.getSet()
	defer ix.sets.Put(names)
	ents := ix.candidates(p, opt.Weights, opt.MinScore-maxBonus(opt.Weights), names)
	return ix.search(p, opt, ents, names)
}

func (o *Options) defaults() {
	if o.Threshold == 0 {
		o.Threshold = DefaultThreshold
	}
	if o.Limit == 0 {
		o.Limit = 10
	}
	if o.Weights == nil {
		o.Weights = &DefaultWeights
	}
	if o.MinScore == 0 {
		o.MinScore = 0.7 * o.Threshold
	}
}

// maxQueryReadings bounds the query readings tracked per candidate name.
const maxQueryReadings = 8

// cand is a candidate name and, per query reading, which query words
// retrieved it.
type cand struct {
	hit [maxQueryReadings]uint64
}

// candidates returns the entities that share an identifier with the query,
// and the names that share an essential word with it within the scorer's
// edit budget: only those can reach the floor.
//
// Each word of a reading is looked up once, giving the vocabulary tokens it
// may match and the postings they cost. The essential words are chosen,
// cheapest weight first, until the words left out weigh less than the
// floor's share of the reading: a name matching none of the essential words
// cannot reach the floor. Essential words bring candidates in; the other
// words only mark the candidates they hit, so that bound knows what each name
// can still score (MaxScore pruning).
func (ix *Index) candidates(p *Prepared, w *Weights, floor float64, names *candSet) (ents []int32) {
	for _, k := range p.idKeys {
		ents = append(ents, ix.ids[k]...)
	}
	ri := 0
	for _, n := range p.names {
		for ni, r := range n.readings {
			if ri >= maxQueryReadings {
				break
			}
			looked := lookable(r)
			type lookup struct {
				m    uint64
				ids  []int32
				cost int
			}
			var ls []lookup
			for _, s := range n.spans[ni] {
				m := mask(s.first, s.n)
				if m&looked != m {
					continue
				}
				l := lookup{m: m}
				if id, ok := ix.vocab[s.tok.text]; ok {
					l.ids = append(l.ids, id)
				}
				forDeletions(s.tok.skel, neighbourhood(&s.tok), func(h uint64) {
					ix.lookup(h, func(id int32) { l.ids = append(l.ids, id) })
				})
				// Words from Arabic script meet others by consonants.
				if len(s.tok.cons) >= 2 {
					ix.lookup(consHash(s.tok.cons), func(id int32) {
						if s.tok.abjad || ix.abjad[id] {
							l.ids = append(l.ids, id)
						}
					})
				}
				// A token may be reached by its text and by several deletion
				// variants: walk its postings once.
				slices.Sort(l.ids)
				l.ids = slices.Compact(l.ids)
				for _, id := range l.ids {
					l.cost += len(ix.postings[id])
				}
				ls = append(ls, l)
			}
			// Cost per word: the postings of the lookups that cover it.
			cost := make([]int, len(r))
			for _, l := range ls {
				for i := range r {
					if l.m&mask(i, 1) != 0 {
						cost[i] += l.cost
					}
				}
			}
			essential := essentialWords(r, w, floor, looked, cost)
			for pass := 0; pass < 2; pass++ {
				for _, l := range ls {
					if (pass == 0) != (l.m&essential != 0) {
						continue
					}
					add := pass == 0
					for _, id := range l.ids {
						for _, nm := range ix.postings[id] {
							if c := names.get(nm, add); c != nil {
								c.hit[ri] |= l.m
							}
						}
					}
				}
			}
			p.looked[ri] = looked
			ri++
		}
	}
	return ents
}

// candSet is the candidate names of one query: a dense, epoch-stamped slot
// per listed name, so that adding and finding a candidate costs two array
// reads instead of a hash-map operation. Sets are pooled per index.
type candSet struct {
	epoch []uint32 // name -> the query generation that last touched it
	slot  []int32  // name -> index into ids and cands
	gen   uint32
	ids   []int32
	cands []cand
}

// get returns the candidate entry of name nm, adding it when add is set;
// nil if nm is not a candidate and add is not set.
func (s *candSet) get(nm int32, add bool) *cand {
	if s == nil {
		return nil
	}
	if s.epoch[nm] == s.gen {
		return &s.cands[s.slot[nm]]
	}
	if !add {
		return nil
	}
	s.epoch[nm] = s.gen
	s.slot[nm] = int32(len(s.ids))
	s.ids = append(s.ids, nm)
	s.cands = append(s.cands, cand{})
	return &s.cands[len(s.cands)-1]
}

// getSet takes a cleared candidate set from the pool.
func (ix *Index) getSet() *candSet {
	s, _ := ix.sets.Get().(*candSet)
	if s == nil {
		s = &candSet{epoch: make([]uint32, len(ix.names)), slot: make([]int32, len(ix.names))}
	}
	s.gen++
	if s.gen == 0 { // wrapped: stamps from 2^32 queries ago would look current
		clear(s.epoch)
		s.gen = 1
	}
	s.ids, s.cands = s.ids[:0], s.cands[:0]
	return s
}

// lookable is the mask of a reading's words that are looked up. Legal forms,
// particles and initials are not, when the reading has words: they cannot
// make a match on their own (compareReadings scores 0 without a matched
// word).
func lookable(r []token) uint64 {
	words := false
	for i := range r {
		words = words || r[i].kind == kindWord || r[i].kind == kindPatronymic
	}
	var m uint64
	for i := range r {
		k := r[i].kind
		if i < 64 && (!words || k == kindWord || k == kindPatronymic) {
			m |= 1 << uint(i)
		}
	}
	return m
}

// essentialWords chooses, among the looked-up words, those with the most
// weight per posting first, until the words not chosen weigh less than the
// floor's share of the reading. A name must match one of them to reach floor.
func essentialWords(r []token, w *Weights, floor float64, looked uint64, cost []int) uint64 {
	var total float64
	type iw struct {
		i     int
		wt    float64
		ratio float64
	}
	var look []iw
	for i := range r {
		wt := w.weight(&r[i])
		total += wt
		if looked&mask(i, 1) != 0 {
			look = append(look, iw{i, wt, wt / float64(cost[i]+1)})
		}
	}
	sort.Slice(look, func(a, b int) bool { return look[a].ratio > look[b].ratio })
	rest := total
	var essential uint64
	for _, x := range look {
		essential |= 1 << uint(x.i)
		rest -= x.wt
		if rest < floor*total {
			break
		}
	}
	return essential
}

// bound is the most a name retrieved with c can score: the share of a
// reading's weight held by the words that hit it and by the words that were
// not looked up.
func (p *Prepared) bound(c *cand, w *Weights) float64 {
	best, ri := 0.0, 0
	for _, n := range p.names {
		for _, r := range n.readings {
			if ri >= maxQueryReadings {
				return best
			}
			var got, all float64
			for i := range r {
				wt := w.weight(&r[i])
				all += wt
				if m := mask(i, 1); c.hit[ri]&m != 0 || p.looked[ri]&m == 0 {
					got += wt
				}
			}
			if all > 0 && got/all > best {
				best = got / all
			}
			ri++
		}
	}
	return best
}

// maxBonus is the most qualifiers can add to a name score.
func maxBonus(w *Weights) float64 { return w.BirthDateAgree + w.CountryAgree }

// search scores the candidates and returns the best hits. Entities are
// scored in descending order of their bound, and scoring stops once no
// remaining entity can enter the top Limit (top-k early termination).
func (ix *Index) search(p *Prepared, opt Options, ents []int32, names *candSet) []Hit {
	opt.defaults()
	w := opt.Weights
	floor := opt.MinScore
	bonus := maxBonus(w)
	// The names that can reach the floor, with their entity and bound;
	// entities found by identifier come with no name and bound 1.
	type en struct {
		e, n  int32
		bound float64
	}
	keep := make([]en, 0, len(names.ids)+len(ents))
	for i, nm := range names.ids {
		if b := p.bound(&names.cands[i], w) + bonus; b >= floor {
			keep = append(keep, en{ix.owner[nm], nm, b})
		}
	}
	for _, e := range ents {
		keep = append(keep, en{e, -1, 2})
	}
	sort.Slice(keep, func(i, j int) bool {
		if keep[i].e != keep[j].e {
			return keep[i].e < keep[j].e
		}
		return keep[i].n < keep[j].n
	})
	type group struct {
		e     int32
		nms   []int32
		bound float64
	}
	groups := make([]group, 0, len(keep))
	for i := 0; i < len(keep); {
		g := group{e: keep[i].e, nms: make([]int32, 0, 2)}
		for ; i < len(keep) && keep[i].e == g.e; i++ {
			if n := keep[i].n; n >= 0 && (len(g.nms) == 0 || g.nms[len(g.nms)-1] != n) {
				g.nms = append(g.nms, n)
			}
			g.bound = max(g.bound, keep[i].bound)
		}
		if p.lists == nil || p.lists[ix.entities[g.e].List] {
			groups = append(groups, g)
		}
	}
	sort.Slice(groups, func(i, j int) bool {
		if groups[i].bound != groups[j].bound {
			return groups[i].bound > groups[j].bound
		}
		return groups[i].e < groups[j].e
	})
	var hits []Hit
	kth := floor // the score a new hit must reach to enter the top Limit
	for _, g := range groups {
		if g.bound < kth {
			break
		}
		s, ex := ix.score(p, g.e, g.nms, names, opt)
		if s < kth {
			continue
		}
		hits = append(hits, Hit{Entity: ix.entities[g.e], Score: round(s), Match: s >= opt.Threshold, Explanation: ex})
		sortHits(hits)
		if len(hits) > opt.Limit {
			hits = hits[:opt.Limit]
		}
		if len(hits) == opt.Limit {
			kth = hits[len(hits)-1].Score
		}
	}
	return hits
}

// sortHits orders hits best first, ties by entity id.
func sortHits(hits []Hit) {
	for i := len(hits) - 1; i > 0 && hitBefore(&hits[i], &hits[i-1]); i-- {
		hits[i], hits[i-1] = hits[i-1], hits[i]
	}
}

func hitBefore(a, b *Hit) bool {
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	return a.Entity.ID < b.Entity.ID
}

// score rates one entity against a prepared query, comparing the query with
// the entity's names listed in nms.
//
// cands, if not nil, says which query readings retrieved each name; only
// those readings are compared with it.
func (ix *Index) score(p *Prepared, ei int32, nms []int32, cands *candSet, opt Options) (float64, Explanation) {
	e := ix.entities[ei]
	w := opt.Weights
	for _, k := range p.idKeys {
		for _, x := range ix.ids[k] {
			if x == ei {
				return 1, Explanation{Identifier: k[2:], Features: []Feature{{Name: idFeature(k), Contribution: 1, Detail: "exact match on " + k[2:]}}}
			}
		}
	}
	if len(p.names) == 0 || len(nms) == 0 {
		return 0, Explanation{}
	}
	listed := make([]name, len(nms))
	var allow []uint8
	if cands != nil {
		allow = make([]uint8, len(nms))
	}
	for i, nm := range nms {
		listed[i] = ix.names[nm]
		if c := cands.get(nm, false); c != nil {
			for ri, h := range c.hit {
				if h != 0 {
					allow[i] |= 1 << uint(ri)
				}
			}
		}
	}
	s, ex := bestNames(p.names, listed, w, allow)
	if s == 0 {
		return 0, ex
	}
	positive := s >= opt.Threshold-0.15 // qualifiers never make a hit alone
	feature := func(name string, c float64, detail string) {
		if c > 0 && !positive {
			return
		}
		s += c
		ex.Features = append(ex.Features, Feature{Name: name, Contribution: round(c), Detail: detail})
	}
	if p.q.Schema != "" && !compatible(p.q.Schema, e.Schema) {
		feature("schema_mismatch", -w.SchemaConflict, string(p.q.Schema)+" vs "+string(e.Schema))
	}
	if len(p.years) > 0 && len(e.BirthDates) > 0 {
		switch d := dateDistance(p.years, e.BirthDates); {
		case d == 0:
			feature("birth_date_match", w.BirthDateAgree, "")
		case d == 1:
			feature("birth_date_near", -w.BirthDateConflict/3, "one year apart")
		default:
			feature("birth_date_conflict", -w.BirthDateConflict, "")
		}
	}
	if p.q.Gender != "" && e.Gender != "" && e.Schema == warden.SchemaPerson && p.q.Gender != strings.ToLower(e.Gender) {
		feature("gender_conflict", -w.GenderConflict, e.Gender)
	}
	if len(p.countries) > 0 {
		all := append(append(append([]string{}, e.Nationalities...), e.Citizenships...), e.Countries...)
		if len(all) > 0 {
			if overlap(p.countries, all) {
				feature("country_match", w.CountryAgree, "")
			} else {
				feature("country_conflict", -w.CountryConflict, strings.Join(all, ","))
			}
		}
	}
	return clamp(s), ex
}

func idFeature(k string) string {
	if strings.HasPrefix(k, "w:") {
		return "wallet_match"
	}
	return "identifier_match"
}

// compatible reports whether a query schema may describe a listed party.
func compatible(q, e warden.Schema) bool {
	switch {
	case q == e, q == warden.SchemaLegalEntity && e != warden.SchemaCryptoWallet, e == warden.SchemaLegalEntity && q != warden.SchemaCryptoWallet:
		return true
	case orgLike(q) && orgLike(e):
		return true
	}
	return false
}

// dateDistance returns 0 when a query date agrees with a listed birth date
// (to the precision both give), else the smallest gap in years.
func dateDistance(qs []string, ds []warden.DateRange) int {
	best := 1 << 30
	for _, q := range qs {
		for _, d := range ds {
			from, to := d.From, d.To
			if to == "" {
				to = from
			}
			if len(from) < 4 || len(to) < 4 {
				continue
			}
			n := min(len(q), len(from))
			if q[:n] >= from[:min(n, len(from))] && q[:min(n, len(to))] <= to[:min(n, len(to))] {
				return 0
			}
			qy, fy, ty := atoi(q[:4]), atoi(from[:4]), atoi(to[:4])
			gap := 0
			if qy < fy {
				gap = fy - qy
			} else if qy > ty {
				gap = qy - ty
			} else {
				gap = 1 // same years, other month or day
			}
			best = min(best, gap)
		}
	}
	return best
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

func overlap(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}
