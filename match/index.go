package match

import (
	"cmp"
	"math"
	"slices"
	"sync"

	"warden"
)

// Each calls fn with every party in the index, in index order. The
// parties are shared: fn must not change them.
func (ix *Index) Each(fn func(*warden.Entity)) {
	for i := range ix.parties {
		fn(ix.entity(int32(i)))
	}
}

// entity returns party i. Every access to a party goes through it, so that
// an index loaded from a snapshot can decode a party only when a hit
// needs it.
func (ix *Index) entity(i int32) *warden.Entity {
	if ix.stored != nil {
		return ix.stored.get(i)
	}
	return ix.entities[i]
}

// party is what scoring needs of a listed party, held for every party
// whether or not the party itself is decoded (see entity).
type party struct {
	id     string // the entity's ID, which ranks hits of equal score
	schema warden.Schema
	list   string
	gender string
	birth  []warden.DateRange
	// countries holds the party's nationalities, citizenships and
	// countries, in that order.
	countries []string
}

// partyOf is what scoring needs of e.
func partyOf(e *warden.Entity) party {
	var cs []string
	if n := len(e.Nationalities) + len(e.Citizenships) + len(e.Countries); n > 0 {
		cs = make([]string, 0, n)
		cs = append(append(append(cs, e.Nationalities...), e.Citizenships...), e.Countries...)
	}
	return party{id: e.ID, schema: e.Schema, list: e.List, gender: e.Gender, birth: e.BirthDates, countries: cs}
}

// Index holds listed parties prepared for screening. It is built once per
// set of list versions and never changed, so any number of goroutines may
// search it; the screening service swaps in a new one when a list changes.
type Index struct {
	entities []*warden.Entity
	// stored holds the parties instead of entities in an index loaded
	// from a snapshot (snapshot.go).
	stored *stored
	// lazy decodes names on first use in an index loaded from a snapshot
	// (Index.name).
	lazy    *lazyNames
	parties []party // party i as scoring needs it
	// names holds every listed name, prepared, in an index built here;
	// lazy holds them in one loaded from a snapshot. Index.name reads
	// either.
	names []name
	owner []int32 // name i belongs to entities[owner[i]]
	first []int32 // entity i's names are names[first[i]:first[i+1]]
	// vocab maps a token's text to its id while the index is built;
	// words replaces it once built (wordID): a table a snapshot holds as
	// it is, where a map would have to be filled again on loading.
	vocab map[string]int32
	words []uint32
	texts []string // token id -> text
	// Token id's postings are posts[postAt[id]:postAt[id+1]] (postings),
	// the names holding it in ascending order, end to end: a lookup reads
	// two adjacent offsets where a slice per token would cost it a slice
	// header each for the names and their positions, apart in memory.
	posts  []int32
	postAt []uint32
	// ats[postAt[id]+k] is where token id occurs in its k-th name: a bit
	// per token position, in any reading, the last bit standing for all
	// positions from 31 on.
	ats []uint32
	// postForm[postAt[id]+k] is which of token id's forms (occurrences)
	// its k-th name holds it in: bit i for form i, the last bit for all
	// forms from formBits-1 on. A query word meets a token in some forms
	// only (Khan read from Arabic script, matched by its consonants, meets
	// Korean An; Khan written in Latin letters does not): lookups walk
	// only the postings of the forms it meets.
	postForm []uint8
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
	// quals packs each party's qualifiers (partyQuals, made on first use,
	// qualsOnce), their schemas numbered in schemas.
	quals     []partyQual
	schemas   []warden.Schema
	qualsOnce sync.Once
	// keyDir[b] is the first index of delKeys whose hash's top keyDirBits
	// bits are b or more, built on the first lookup (keyDirOnce).
	keyDir     []uint32
	keyDirOnce sync.Once
	df         []int32  // token id -> names containing it as a word
	abjad      []bool   // token id -> read from Arabic script somewhere
	seen       []seenAs // token id -> the forms it was read in (while building)
	// forms[formAt[id]:formAt[id+1]] is token id rebuilt in each form it
	// was read in, for tokens with longPostings or more.
	forms  []token
	formAt []int32
	sets   sync.Pool          // of *candSet
	ids    map[string][]int32 // identifier key -> entity ids (Index.idsOf)
	// lazyIDs holds ids in an index loaded from a snapshot.
	lazyIDs *lazyIDs
	logN    float64
	// alted marks the tokens (by id) with alts somewhere: their alts'
	// skeletons are indexed, and reaches keeps them.
	alted []bool
	// acronyms maps an acronym a list gives as an alias of a party's full
	// name to that name's words (acronym.go).
	acronyms map[string]string
	// lookups and resembled memoise per-word work of query screening
	// (memo.go): a query word's lookup (candidates) and the listed names
	// the listed word it resembles has (weighQuery).
	lookups   memo[*wordLookup]
	resembled memo[int32]
	cuts      memo[*wordCuts] // where split cuts a query word (cutsOf)
	// occ holds, per token id, the distinct forms it occurs in in the
	// names (occurrences), in the order met; lazyOcc holds them instead in
	// an index loaded from a snapshot.
	occ     [][]token
	lazyOcc *lazyForms
	// byID maps an entity ID to its party (Party); made on first use.
	byID     map[string]int32
	byIDOnce sync.Once
}

// Party returns the party of entity ID id, false if the index holds none:
// a listing linked to a hit is taken from here, without reading the
// store, when it is of a list version the index holds.
func (ix *Index) Party(id string) (*warden.Entity, bool) {
	ix.byIDOnce.Do(func() {
		ix.byID = make(map[string]int32, len(ix.parties))
		for i := range ix.parties {
			ix.byID[ix.parties[i].id] = int32(i)
		}
	})
	i, ok := ix.byID[id]
	if !ok {
		return nil, false
	}
	return ix.entity(i), true
}

// NewIndex prepares entities for screening.
func NewIndex(entities []*warden.Entity) *Index {
	ix := &Index{entities: entities, vocab: map[string]int32{}, ids: map[string][]int32{}}
	var dels []delEntry
	var reach []int8 // token id -> the deletion neighbourhood indexed so far
	// marked[id] is one more than the last name whose count of token id
	// was taken: a name counts once however often it holds a word.
	var marked []int32
	// token id -> the names holding it, where each holds it (ats) and in
	// which forms (postForm), laid end to end once built
	var postings [][]int32
	var at [][]uint32
	var forms [][]uint8
	ix.first = make([]int32, 0, len(entities)+1)
	ix.parties = make([]party, 0, len(entities))
	for ei, e := range entities {
		ix.parties = append(ix.parties, partyOf(e))
		ix.first = append(ix.first, int32(len(ix.names)))
		for _, n := range e.Names {
			p := prepare(n.Full, n.Kind, e.Schema)
			if len(p.readings) == 0 {
				continue
			}
			ni := int32(len(ix.names))
			ix.names = append(ix.names, p)
			ix.owner = append(ix.owner, int32(ei))
			// The name's own spans, as scoring meets them (addKorean
			// gives joined words no joined alts: spans(r) afresh would).
			for _, ss := range p.spans {
				for _, s := range ss {
					id, isNew := ix.tokenID(s.tok.text)
					if isNew {
						if len(s.tok.cons) >= 2 {
							dels = append(dels, delEntry{consHash(s.tok.cons), id})
						}
						ix.abjad = append(ix.abjad, false)
						ix.df = append(ix.df, 0)
						ix.alted = append(ix.alted, false)
						postings = append(postings, nil)
						at = append(at, nil)
						forms = append(forms, nil)
						ix.occ = append(ix.occ, nil)
						ix.seen = append(ix.seen, 0)
						reach = append(reach, -1)
						marked = append(marked, 0)
					}
					ix.seen[id] |= seenForm(s.tok)
					fi := slices.IndexFunc(ix.occ[id], func(o token) bool { return sameForm(&o, s.tok) })
					if fi < 0 {
						fi = len(ix.occ[id])
						ix.occ[id] = append(ix.occ[id], *s.tok)
					}
					// The same text may come as a joined span (matched
					// exactly) and as a word (matched fuzzily): index the
					// widest neighbourhood it is met with.
					if d := int8(neighbourhood(s.tok)); d > reach[id] {
						forDeletions(s.tok.skel, int(d), func(h uint64) {
							dels = append(dels, delEntry{h, id})
						})
						if !s.tok.exact {
							forSwaps(s.tok.text, func(h uint64) {
								dels = append(dels, delEntry{h, id})
							})
						}
						reach[id] = d
					}
					ix.abjad[id] = ix.abjad[id] || s.tok.abjad
					// A listed word is met by its alts too: index their
					// skeletons (a query word of that skeleton finds it).
					for _, a := range s.tok.alts {
						dels = append(dels, delEntry{hashSkip(a.skel, -1, -1), id})
						ix.alted[id] = true
					}
					if l := postings[id]; len(l) == 0 || l[len(l)-1] != ni {
						postings[id] = append(postings[id], ni)
						at[id] = append(at[id], 0)
						forms[id] = append(forms[id], 0)
					}
					at[id][len(at[id])-1] |= positions(s.first, s.n)
					forms[id][len(forms[id])-1] |= formBit(fi)
					if marked[id] != ni+1 {
						marked[id] = ni + 1
						if s.n == 1 {
							ix.df[id]++
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
	ix.words = wordTable(ix.texts)
	ix.vocab = nil
	ix.logN = math.Log(float64(len(ix.names) + 1))
	ix.slotAt = make([]int32, 0, len(ix.names)+1)
	for i := range ix.names {
		ix.weigh(&ix.names[i])
		ix.slotAt = append(ix.slotAt, int32(len(ix.slots)))
		for _, r := range ix.names[i].readings {
			for j := range r {
				ix.slots = append(ix.slots, slotOf(&r[j]))
			}
			ix.slots = append(ix.slots, slot{kind: endReading})
		}
	}
	ix.slotAt = append(ix.slotAt, int32(len(ix.slots)))
	ix.formAt = make([]int32, len(postings)+1)
	for id := range postings {
		ix.formAt[id] = int32(len(ix.forms))
		if len(postings[id]) >= longPostings {
			ix.forms = append(ix.forms, formsOf(ix.texts[id], ix.seen[id])...)
		}
	}
	ix.formAt[len(postings)] = int32(len(ix.forms))
	ix.seen = nil
	ix.postAt = make([]uint32, 0, len(postings)+1)
	for id := range postings {
		ix.postAt = append(ix.postAt, uint32(len(ix.posts)))
		ix.posts = append(ix.posts, postings[id]...)
		ix.ats = append(ix.ats, at[id]...)
		ix.postForm = append(ix.postForm, forms[id]...)
	}
	ix.postAt = append(ix.postAt, uint32(len(ix.posts)))
	ix.learnAcronyms()
	sortDels(dels)
	ix.delKeys = make([]uint64, 0, len(dels))
	ix.delIDs = make([]int32, 0, len(dels))
	for i, d := range dels {
		if i > 0 && d == dels[i-1] {
			continue
		}
		ix.delKeys = append(ix.delKeys, d.key)
		ix.delIDs = append(ix.delIDs, d.id)
	}
	ix.prime()
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
	if len(forms) == 0 || ix.alted[id] {
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
	// partner holds the word's letters when shortLeftover may pair a
	// short query word with it (shortPartner), partnerLen of them (0 when
	// it may not): nameBound then tells whether the rule can apply
	// (shortNear) from the slots alone, without the listed name's tokens,
	// which an index loaded from a snapshot would decode for it.
	partnerLen uint8
	partner    [maxShortWord + 1]byte
}

// slotOf is listed word t as nameBound needs it.
func slotOf(t *token) slot {
	s := slot{rarity: float32(t.rarity), kind: t.kind, first: t.text[0]}
	if shortPartner(t) {
		s.partnerLen = uint8(copy(s.partner[:], t.text))
	}
	return s
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

// formBits is how many of a token's forms Index.postForm tells apart.
const formBits = 8

// formBit is form i's bit in Index.postForm and in what meetForms
// returns: forms from formBits-1 on share the last.
func formBit(i int) uint8 { return 1 << uint(min(i, formBits-1)) }

type delEntry struct {
	key uint64
	id  int32
}

// sortDels sorts dels by key, then id: a radix sort of the keys (four
// stable passes of 16 bits, a few times faster than comparison sorting the
// million entries of the four lists), then each run of equal keys, most
// of one entry, by id.
func sortDels(dels []delEntry) {
	src, dst := dels, make([]delEntry, len(dels))
	count := make([]int, 1<<16)
	for shift := 0; shift < 64; shift += 16 {
		clear(count)
		for _, d := range src {
			count[uint16(d.key>>shift)]++
		}
		sum := 0
		for i, c := range count {
			count[i], sum = sum, sum+c
		}
		for _, d := range src {
			k := uint16(d.key >> shift)
			dst[count[k]] = d
			count[k]++
		}
		src, dst = dst, src
	}
	// Four passes: the sorted entries are back in dels.
	for i := 0; i < len(dels); {
		j := i + 1
		for j < len(dels) && dels[j].key == dels[i].key {
			j++
		}
		if j-i > 1 {
			slices.SortFunc(dels[i:j], func(a, b delEntry) int { return cmp.Compare(a.id, b.id) })
		}
		i = j
	}
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
	ix.keyDirOnce.Do(ix.buildKeyDir)
	b := h >> (64 - keyDirBits)
	keys := ix.delKeys[:ix.keyDir[b+1]]
	i, hi := int(ix.keyDir[b]), len(keys)
	for i < hi { // the first key >= h
		mid := int(uint(i+hi) >> 1)
		if keys[mid] < h {
			i = mid + 1
		} else {
			hi = mid
		}
	}
	for ; i < len(keys) && keys[i] == h; i++ {
		fn(ix.delIDs[i])
	}
}

// prime makes what searches make on first use (keyDir, partyQuals), so
// that the first search after an index is built or loaded does not pay for
// it: tens of milliseconds on a million parties.
func (ix *Index) prime() {
	ix.keyDirOnce.Do(ix.buildKeyDir)
	ix.partyQuals()
}

// keyDirBits is how many top bits of a deletion hash index keyDir: 2^17
// buckets of about ten keys each for the full lists' million and a half
// (more where many tokens share a deletion), so that a lookup searches a
// cache line or two of delKeys where a search of all of them would miss
// the cache at a dozen steps; the directory itself (512 KB) stays in the
// cache. Every query word looks up its deletion neighbourhood, a few dozen
// hashes.
const keyDirBits = 17

// buildKeyDir builds keyDir from the sorted delKeys, in one pass.
func (ix *Index) buildKeyDir() {
	dir := make([]uint32, 1<<keyDirBits+1)
	b := 0
	for i, k := range ix.delKeys {
		for kb := int(k >> (64 - keyDirBits)); b <= kb; b++ {
			dir[b] = uint32(i)
		}
	}
	for ; b < len(dir); b++ {
		dir[b] = uint32(len(ix.delKeys))
	}
	ix.keyDir = dir
}

// wordTable is the open-addressing hash table of texts: a power of two of
// at least twice their number of slots, each 0 (empty) or a token id plus
// one, a text in the first free slot from its hashWord on.
func wordTable(texts []string) []uint32 {
	n := 2
	for n < 2*len(texts) {
		n *= 2
	}
	t := make([]uint32, n)
	mask := uint64(n - 1)
	for id, w := range texts {
		i := hashWord(w) & mask
		for t[i] != 0 {
			i = (i + 1) & mask
		}
		t[i] = uint32(id + 1)
	}
	return t
}

// hashWord is FNV-1a of w (hashSkip without skips), for either kind of
// byte string, so that a word built in a buffer is looked up without a
// copy.
func hashWord[S ~string | ~[]byte](w S) uint64 {
	h := uint64(14695981039346656037)
	for k := 0; k < len(w); k++ {
		h ^= uint64(w[k])
		h *= 1099511628211
	}
	return h
}

// wordID returns the vocabulary id of w, false if no listed name has it.
// It probes at most every slot, so that even a damaged table ends.
func wordID[S ~string | ~[]byte](ix *Index, w S) (int32, bool) {
	mask := uint64(len(ix.words) - 1)
	i := hashWord(w) & mask
	for range ix.words {
		e := ix.words[i]
		if e == 0 {
			break
		}
		if ix.texts[e-1] == string(w) {
			return int32(e - 1), true
		}
		i = (i + 1) & mask
	}
	return 0, false
}

// word returns the vocabulary id of text, false if no listed name has it.
func (ix *Index) word(text string) (int32, bool) { return wordID(ix, text) }

// dfOf is how many listed names hold w as a word.
func dfOf[S ~string | ~[]byte](ix *Index, w S) int32 {
	if id, ok := wordID(ix, w); ok {
		return ix.df[id]
	}
	return 0
}

// tokenID returns the vocabulary id of text, and whether it is new.
func (ix *Index) tokenID(text string) (int32, bool) {
	if id, ok := ix.vocab[text]; ok {
		return id, false
	}
	id := int32(len(ix.texts))
	ix.vocab[text] = id
	ix.texts = append(ix.texts, text)
	return id, true
}

// postings returns the names holding token id, in ascending order, and
// where each holds it (Index.ats).
func (ix *Index) postings(id int32) (names []int32, at []uint32) {
	a, b := ix.postAt[id], ix.postAt[id+1]
	return ix.posts[a:b:b], ix.ats[a:b:b]
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
func (ix *Index) Len() int { return len(ix.parties) }

// Names is the number of listed names in the index.
func (ix *Index) Names() int { return len(ix.owner) }

// idf weighs a word by how rare it is among listed names: 1 for a word no
// listed name has, falling towards 0.3 for the commonest (Wang, Company).
func (ix *Index) idf(text string) float64 { return ix.idfOf(dfOf(ix, text)) }

// idfOf is the rarity of a word held by df names.
func (ix *Index) idfOf(df int32) float64 {
	if df == 0 || ix.logN == 0 {
		return 1
	}
	return 0.3 + 0.7*math.Log(float64(ix.Names()+1)/float64(df+1))/ix.logN
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
// instead of as a rare word. Only a word resembling none weighs most. A
// generic word weighs little however rare (genericRarity), so that a
// customer's name with its city or industry added (Mahan Air Tehran) is
// carried by its distinctive words. Listed words keep their rarity: a
// listed name's generic words, unmet, still tell a query naming less of it
// apart (X, X-Holding).
func (ix *Index) weighQuery(n *name) {
	for _, r := range n.readings {
		for i := range r {
			t := &r[i]
			df := dfOf(ix, t.text)
			t.listed = df > 0
			if df > 0 || t.kind != kindWord || t.exact {
				t.rarity = genericRarity(t, ix.idf(t.text))
				continue
			}
			t.rarity = genericRarity(t, ix.idfOf(ix.resembledDF(t)))
		}
	}
}
