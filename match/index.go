package match

import (
	"math"
	"math/bits"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"warden"
)

// Each calls fn with every party in the index, in index order. The
// parties are shared: fn must not change them.
func (ix *Index) Each(fn func(*warden.Entity)) {
	for _, e := range ix.entities {
		fn(e)
	}
}

// Index holds listed parties prepared for screening. It is built once per
// set of list versions and never changed, so any number of goroutines may
// search it; the screening service swaps in a new one when a list changes.
type Index struct {
	entities []*warden.Entity
	names    []name  // every listed name, prepared
	owner    []int32 // names[i] belongs to entities[owner[i]]
	first    []int32 // entity i's names are names[first[i]:first[i+1]]
	vocab    map[string]int32
	texts    []string  // token id -> text
	postings [][]int32 // token id -> name ids
	// at[id][k] is where token id occurs in name postings[id][k]: a bit per
	// token position, in any reading, the last bit standing for all
	// positions from 31 on.
	at [][]uint32
	// slots holds every listed name's words compactly for nameBound:
	// name i's readings are slots[slotAt[i]:slotAt[i+1]], each reading
	// ended by a slot of kind endReading.
	slots  []slot
	slotAt []int32
	// Deletion neighbourhoods of skeletons, hashed: delKeys is sorted and
	// delIDs[i] is a token whose skeleton, less up to budget letters,
	// hashes to delKeys[i].
	delKeys []uint64
	delIDs  []int32
	df      map[string]int32 // word -> names containing it
	abjad   []bool           // token id -> read from Arabic script somewhere
	seen    []seenAs         // token id -> the forms it was read in (while building)
	// forms[formAt[id]:formAt[id+1]] is token id rebuilt in each form it
	// was read in, for tokens with longPostings or more.
	forms  []token
	formAt []int32
	sets   sync.Pool          // of *candSet
	ids    map[string][]int32 // identifier key -> entity ids
	logN   float64
}

// NewIndex prepares entities for screening.
func NewIndex(entities []*warden.Entity) *Index {
	ix := &Index{entities: entities, vocab: map[string]int32{}, df: map[string]int32{}, ids: map[string][]int32{}}
	var dels []delEntry
	var reach []int8 // token id -> the deletion neighbourhood indexed so far
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
					id, isNew := ix.tokenID(s.tok.text)
					if isNew {
						if len(s.tok.cons) >= 2 {
							dels = append(dels, delEntry{consHash(s.tok.cons), id})
						}
						ix.abjad = append(ix.abjad, false)
						ix.at = append(ix.at, nil)
						ix.seen = append(ix.seen, 0)
						reach = append(reach, -1)
					}
					ix.seen[id] |= seenForm(&s.tok)
					// The same text may come as a joined span (matched
					// exactly) and as a word (matched fuzzily): index the
					// widest neighbourhood it is met with.
					if d := int8(neighbourhood(&s.tok)); d > reach[id] {
						forDeletions(s.tok.skel, int(d), func(h uint64) {
							dels = append(dels, delEntry{h, id})
						})
						reach[id] = d
					}
					ix.abjad[id] = ix.abjad[id] || s.tok.abjad
					if l := ix.postings[id]; len(l) == 0 || l[len(l)-1] != ni {
						ix.postings[id] = append(ix.postings[id], ni)
						ix.at[id] = append(ix.at[id], 0)
					}
					ix.at[id][len(ix.at[id])-1] |= positions(s.first, s.n)
					if !seen[s.tok.text] {
						seen[s.tok.text] = true
						if s.n == 1 {
							ix.df[s.tok.text]++
						}
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
	ix.slotAt = make([]int32, 0, len(ix.names)+1)
	for i := range ix.names {
		ix.weigh(&ix.names[i])
		ix.slotAt = append(ix.slotAt, int32(len(ix.slots)))
		for _, r := range ix.names[i].readings {
			for j := range r {
				ix.slots = append(ix.slots, slot{float32(r[j].rarity), r[j].kind, r[j].text[0]})
			}
			ix.slots = append(ix.slots, slot{kind: endReading})
		}
	}
	ix.slotAt = append(ix.slotAt, int32(len(ix.slots)))
	ix.formAt = make([]int32, len(ix.postings)+1)
	for id := range ix.postings {
		ix.formAt[id] = int32(len(ix.forms))
		if len(ix.postings[id]) >= longPostings {
			ix.forms = append(ix.forms, formsOf(ix.texts[id], ix.seen[id])...)
		}
	}
	ix.formAt[len(ix.postings)] = int32(len(ix.forms))
	ix.seen = nil
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

// seenAs records the forms a listed token was read in, so that a lookup
// can rebuild it and drop neighbours it cannot match.
type seenAs uint8

const (
	seenLegal   seenAs = 1 << iota
	seenInitial        // a single letter read as an initial
	seenOther          // neither a legal form nor an initial
	seenFuzzy          // not exact
	seenAbjad
	seenLatin // not from Arabic script
)

// seenForm is the form of t as seenAs.
func seenForm(t *token) seenAs {
	f := seenOther
	switch t.kind {
	case kindLegal:
		f = seenLegal
	case kindInitial:
		f = seenInitial
	}
	if !t.exact {
		f |= seenFuzzy
	}
	if t.abjad {
		f |= seenAbjad
	} else {
		f |= seenLatin
	}
	return f
}

// longPostings is how many postings make a token worth rebuilding in each
// form it was read in, so that lookups can drop it when it cannot match.
const longPostings = 64

// formsOf rebuilds a token in each form it was read in.
func formsOf(text string, f seenAs) []token {
	var out []token
	for _, k := range [3]kind{kindLegal, kindInitial, kindWord} {
		if k == kindLegal && f&seenLegal == 0 || k == kindInitial && f&seenInitial == 0 || k == kindWord && f&seenOther == 0 {
			continue
		}
		for _, abjad := range [2]bool{false, true} {
			if !abjad && f&seenLatin == 0 || abjad && f&seenAbjad == 0 {
				continue
			}
			t := newToken(text, k, f&seenFuzzy == 0)
			t.abjad = abjad
			out = append(out, t)
		}
	}
	return out
}

// reaches reports whether query token q can match listed token id: false
// only when id has long postings and is a neighbour by deletions whose
// similarity to q is 0 in every form it was read in.
func (ix *Index) reaches(q *token, id int32) bool {
	forms := ix.forms[ix.formAt[id]:ix.formAt[id+1]]
	if len(forms) == 0 {
		return true
	}
	for i := range forms {
		if tokenSim(q, &forms[i]) > 0 {
			return true
		}
	}
	return false
}

// slot is a listed word as nameBound needs it.
type slot struct {
	rarity float32
	kind   kind
	first  byte // the word's first letter
}

// endReading marks the end of a reading in Index.slots.
const endReading kind = 255

// weight is what the word counts for, as Weights.weight.
func (s slot) weight(w *Weights) float64 {
	t := token{kind: s.kind, rarity: float64(s.rarity)}
	return w.weight(&t)
}

// positions is the position bits of a span in Index.at.
func positions(first, n int) uint32 {
	var b uint32
	for i := first; i < first+n; i++ {
		b |= 1 << uint(min(i, 31))
	}
	return b
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
	ix.texts = append(ix.texts, text)
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
func (ix *Index) idf(text string) float64 { return ix.idfOf(ix.df[text]) }

// idfOf is the rarity of a word held by df names.
func (ix *Index) idfOf(df int32) float64 {
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

// weighQuery sets the rarity of a query name's words. A word the lists do
// not hold is most often a misspelling: it weighs as the commonest listed
// word it resembles, so that "Mohammadd" counts as little as Mohammad does
// instead of as a rare word. Only a word resembling none weighs most.
func (ix *Index) weighQuery(n *name) {
	for _, r := range n.readings {
		for i := range r {
			t := &r[i]
			if df := ix.df[t.text]; df > 0 || t.kind != kindWord || t.exact {
				t.rarity = ix.idf(t.text)
				continue
			}
			best := int32(0)
			forDeletions(t.skel, neighbourhood(t), func(h uint64) {
				ix.lookup(h, func(id int32) {
					text := ix.texts[id]
					if df := ix.df[text]; df > best {
						if o := newToken(text, kindWord, false); tokenSim(t, &o) > 0 {
							best = df
						}
					}
				})
			})
			t.rarity = ix.idfOf(best)
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
			return nil, warden.Errorf(warden.EINVALID, "birth_date %q is not a calendar date written YYYY, YYYY-MM or YYYY-MM-DD (year 0001 to 9999)", d)
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
		if name, ok := bidiOverride[r]; ok {
			return warden.Errorf(warden.EINVALID, "%s holds %U %s, which changes the order in which text is shown", what, r, name)
		}
		if _, shown := c1(r); unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' && !shown {
			return warden.Errorf(warden.EINVALID, "%s holds control character %U", what, r)
		}
	}
	return nil
}

// validDate reports whether d is a date of the calendar to the precision
// it gives: a year from 0001 to 9999, a month from 01 to 12, a day that
// month has (29 February only in leap years). An impossible date would
// otherwise move scores by comparing as text with listed birth dates.
func validDate(d string) bool {
	if len(d) != 4 && len(d) != 7 && len(d) != 10 {
		return false
	}
	for i, c := range d {
		if (i == 4 || i == 7) && c != '-' || i != 4 && i != 7 && (c < '0' || c > '9') {
			return false
		}
	}
	y := atoi(d[:4])
	if y < 1 {
		return false
	}
	if len(d) == 4 {
		return true
	}
	m := atoi(d[5:7])
	if m < 1 || m > 12 {
		return false
	}
	if len(d) == 7 {
		return true
	}
	day := atoi(d[8:])
	// The day before the first of the next month is the month's last.
	last := time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
	return day >= 1 && day <= last
}

// Search screens q against the index and returns hits, best first: every
// party whose score reaches MinScore, at most Limit of them. Options that
// fail Check are EINVALID.
func (ix *Index) Search(q Query, opt Options) ([]Hit, error) {
	if err := opt.Check(); err != nil {
		return nil, err
	}
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
		ix.weighQuery(&p.names[i])
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
	hit    [maxQueryReadings]uint64
	init   [maxQueryReadings]uint64 // query words that met only a listed initial
	listed uint32                   // positions of the name's words some query word may meet
	joined bool                     // a span of two query words met it
}

// mark records that the query words m of reading ri met the name, as a
// word or, if initial, only as a listed initial of their first letter.
func (c *cand) mark(ri int, m uint64, initial bool) {
	if initial {
		c.init[ri] |= m
	} else {
		c.hit[ri] |= m
	}
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
			looked, eligible := lookable(r)
			if eligible == 0 {
				// Without a word the reading scores 0 against any name.
				p.looked[ri] = 0
				ri++
				continue
			}
			type lookup struct {
				m      uint64
				ids    []int32
				cost   int
				letter int32 // the vocabulary id of m's first letter, or -1
			}
			var ls []lookup
			for _, s := range n.spans[ni] {
				m := mask(s.first, s.n)
				if m&looked != m {
					continue
				}
				l := lookup{m: m, letter: -1}
				if id, ok := ix.vocab[s.tok.text]; ok {
					l.ids = append(l.ids, id)
				}
				forDeletions(s.tok.skel, neighbourhood(&s.tok), func(h uint64) {
					ix.lookup(h, func(id int32) {
						if ix.reaches(&s.tok, id) {
							l.ids = append(l.ids, id)
						}
					})
				})
				// A word meets a listed initial of its first letter.
				if s.n == 1 && len(s.tok.text) > 1 {
					if id, ok := ix.vocab[s.tok.text[:1]]; ok {
						l.ids = append(l.ids, id)
						l.letter = id
					}
				}
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
			essential := essentialWords(r, w, floor, eligible, cost)
			var order []int32 // candidates by name id, for merging with long postings
			for pass := 0; pass < 2; pass++ {
				for _, l := range ls {
					if (pass == 0) != (l.m&essential != 0) {
						continue
					}
					add := pass == 0
					joined := bits.OnesCount64(l.m) > 1
					for _, id := range l.ids {
						at, post := ix.at[id], ix.postings[id]
						if !add && len(post) > 8*len(names.ids) {
							// Far more postings than candidates: find the
							// candidates in the sorted postings instead of
							// probing the set once per posting.
							if len(order) != len(names.ids) {
								order = names.byName(order)
							}
							for k, oi := 0, 0; oi < len(order) && k < len(post); oi++ {
								nm := names.ids[order[oi]]
								if k = gallop(post, k, nm); k < len(post) && post[k] == nm {
									c := &names.cands[order[oi]]
									c.mark(ri, l.m, id == l.letter)
									c.listed |= at[k]
									c.joined = c.joined || joined
								}
							}
							continue
						}
						for k, nm := range post {
							if c := names.get(nm, add); c != nil {
								c.mark(ri, l.m, id == l.letter)
								c.listed |= at[k]
								c.joined = c.joined || joined
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

// byName returns the set's slots ordered by name id, reusing buf.
func (s *candSet) byName(buf []int32) []int32 {
	buf = buf[:0]
	for i := range s.ids {
		buf = append(buf, int32(i))
	}
	slices.SortFunc(buf, func(a, b int32) int { return int(s.ids[a] - s.ids[b]) })
	return buf
}

// gallop returns the first index at or after k where sorted post holds a
// value >= nm, searching exponentially from k.
func gallop(post []int32, k int, nm int32) int {
	if k >= len(post) || post[k] >= nm {
		return k
	}
	lo, step := k, 1 // post[lo] < nm
	for lo+step < len(post) && post[lo+step] < nm {
		lo += step
		step *= 2
	}
	// The answer is in (lo, hi].
	hi := min(lo+step, len(post))
	for lo+1 < hi {
		mid := int(uint(lo+hi) >> 1)
		if post[mid] < nm {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi
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

// lookable returns the masks of a reading's words that are looked up, and
// of those that may bring candidates in; both 0 if the reading has no word,
// as it then scores 0 against any name (compareReadings needs a matched
// word). All but initials are looked up (an initial meets any word of its
// letter, which the lookup cannot list) and only words and patronymics bring
// candidates in.
func lookable(r []token) (looked, eligible uint64) {
	for i := range r {
		if i >= 64 {
			break
		}
		k := r[i].kind
		if k != kindInitial {
			looked |= 1 << uint(i)
		}
		if k == kindWord || k == kindPatronymic {
			eligible |= 1 << uint(i)
		}
	}
	if eligible == 0 {
		return 0, 0
	}
	return looked, eligible
}

// essentialWords chooses, among the looked-up words, those with the most
// weight per posting first, until the words not chosen weigh less than the
// floor's share of the reading. A name must match one of them to reach floor.
func essentialWords(r []token, w *Weights, floor float64, eligible uint64, cost []int) uint64 {
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
		if eligible&mask(i, 1) != 0 {
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

// bound is the most a name retrieved with c can score, from the query's
// side: the share of a reading's weight held by the words that were not
// looked up and by the words that hit it, of which only as many count as
// the name has words they met (twice that if two query words joined met
// one), as each query word pairs with its own listed word.
func (p *Prepared) bound(c *cand, w *Weights) float64 {
	pairs := bits.OnesCount32(c.listed)
	if c.joined {
		pairs *= 2
	}
	var buf [32]float64
	best, ri := 0.0, 0
	for _, n := range p.names {
		for _, r := range n.readings {
			if ri >= maxQueryReadings {
				return best
			}
			if p.looked[ri] == 0 { // no word: scores 0
				ri++
				continue
			}
			var got, all float64
			hit := buf[:0]
			for i := range r {
				wt := w.weight(&r[i])
				all += wt
				switch m := mask(i, 1); {
				case p.looked[ri]&m == 0:
					got += wt
				case c.hit[ri]&m != 0:
					hit = append(hit, wt)
				case c.init[ri]&m != 0:
					hit = append(hit, initialSim*wt)
				}
			}
			if len(hit) > pairs {
				slices.Sort(hit)
				hit = hit[len(hit)-pairs:]
			}
			for _, wt := range hit {
				got += wt
			}
			if all > 0 && got/all > best {
				best = got / all
			}
			ri++
		}
	}
	return best
}

// nameBound tightens bound with the listed name nm. Each query word pairs
// with its own listed word, so the words that hit it can only count as many
// times as it has words they meet (twice that if two query words joined met
// one). The listed words no query word can meet stay unmatched and lower the
// score (compareReadings divides by the query's weight plus Extra times the
// listed name's unmatched weight). A query initial meets only a listed word
// of its letter; any other word not looked up may meet any listed span.
func (ix *Index) nameBound(p *Prepared, c *cand, nm int32, w *Weights) float64 {
	listed := ix.slots[ix.slotAt[nm]:ix.slotAt[nm+1]]
	pairs := bits.OnesCount32(c.listed)
	if c.joined {
		pairs *= 2
	}
	var buf [32]float64
	var ibuf [8]initial
	best, ri := 0.0, 0
	for _, n := range p.names {
		for _, r := range n.readings {
			if ri >= maxQueryReadings {
				return best
			}
			if p.looked[ri] == 0 { // no word: scores 0
				ri++
				continue
			}
			var got, all float64
			wild := 0
			hit, ins := buf[:0], ibuf[:0]
			for i := range r {
				wt := w.weight(&r[i])
				all += wt
				m := mask(i, 1)
				switch {
				case p.looked[ri]&m != 0:
					if c.hit[ri]&m != 0 {
						hit = append(hit, wt)
					} else if c.init[ri]&m != 0 {
						hit = append(hit, initialSim*wt)
					}
				case r[i].kind == kindInitial && len(ins) < len(ibuf):
					ins = append(ins, initial{r[i].text[0], wt})
				default:
					got += wt
					wild += 2
				}
			}
			if len(hit) > pairs {
				slices.Sort(hit)
				hit = hit[len(hit)-pairs:]
			}
			for _, wt := range hit {
				got += wt
			}
			for rest := listed; len(rest) > 0; {
				end := 0
				for rest[end].kind != endReading {
					end++
				}
				g, extra := readingBound(rest[:end], c.listed, ins, wild, w)
				rest = rest[end+1:]
				if g += got; g <= 0 {
					continue
				}
				if w.Extra <= 0 {
					extra = 0
				}
				if b := g / (all + w.Extra*extra); b > best {
					best = b
				}
			}
			ri++
		}
	}
	return best
}

// initial is a query initial: its letter and weight.
type initial struct {
	letter byte
	weight float64
}

// readingBound bounds what listed reading cr can give a query reading
// beyond its looked-up words: the weight of the query initials whose letter
// begins a listed word, and the least unmatched listed weight, once the
// positions met, a word of each initial's letter and the wild heaviest
// words are taken out. Unmatched words weigh as compareReadings weighs them.
func readingBound(cr []slot, met uint32, ins []initial, wild int, w *Weights) (got, extra float64) {
	var buf [32]float64
	var letters [32]byte
	if len(cr) > len(buf) { // a long name: no tightening
		for _, in := range ins {
			got += in.weight
		}
		return got, 0
	}
	rest, first := buf[:0], letters[:0]
	var counted uint8 // initials whose letter begins a listed word
	for j := range cr {
		for k, in := range ins {
			if cr[j].first == in.letter && counted&(1<<uint(k)) == 0 {
				got += in.weight
				counted |= 1 << uint(k)
			}
		}
		if met&(1<<uint(min(j, 31))) != 0 {
			continue
		}
		wt := cr[j].weight(w)
		if cr[j].kind == kindPatronymic {
			wt *= 0.5
		}
		rest = append(rest, wt)
		first = append(first, cr[j].first)
	}
	// Each initial takes the heaviest word of its letter.
	for _, in := range ins {
		k := -1
		for j := range rest {
			if first[j] == in.letter && rest[j] > 0 && (k < 0 || rest[j] > rest[k]) {
				k = j
			}
		}
		if k >= 0 {
			rest[k] = 0
		}
	}
	if wild > 0 {
		slices.Sort(rest)
		rest = rest[:max(len(rest)-wild, 0)]
	}
	for _, wt := range rest {
		extra += wt
	}
	return got, extra
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
		c := &names.cands[i]
		if p.bound(c, w)+bonus < floor {
			continue
		}
		if b := ix.nameBound(p, c, nm, w) + bonus; b >= floor {
			keep = append(keep, en{ix.owner[nm], nm, b})
		}
	}
	for _, e := range ents {
		keep = append(keep, en{e, -1, 2})
	}
	byEntity := func(a, b en) int {
		if a.e != b.e {
			return int(a.e - b.e)
		}
		return int(a.n - b.n)
	}
	slices.SortFunc(keep, byEntity)
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
		s, _ := ix.score(p, g.e, g.nms, names, opt, false)
		if s < kth {
			continue
		}
		_, ex := ix.score(p, g.e, g.nms, names, opt, true)
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
func (ix *Index) score(p *Prepared, ei int32, nms []int32, cands *candSet, opt Options, explain bool) (float64, Explanation) {
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
	var lbuf [8]*name
	var abuf [8]uint8
	listed := lbuf[:0]
	var allow []uint8
	if cands != nil {
		allow = abuf[:0]
	}
	for i, nm := range nms {
		listed = append(listed, &ix.names[nm])
		if cands != nil {
			allow = append(allow, 0)
		}
		if c := cands.get(nm, false); c != nil {
			for ri, h := range c.hit {
				if h|c.init[ri] != 0 {
					allow[i] |= 1 << uint(ri)
				}
			}
		}
	}
	s, ex := bestNames(p.names, listed, w, allow, explain)
	if s == 0 {
		return 0, ex
	}
	positive := s >= opt.Threshold-0.15 // qualifiers never make a hit alone
	feature := func(name string, c float64, detail string) {
		if c > 0 && !positive {
			return
		}
		s += c
		if explain {
			ex.Features = append(ex.Features, Feature{Name: name, Contribution: round(c), Detail: detail})
		}
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
