package match

import (
	"cmp"
	"math/bits"
	"slices"
)

// maxQueryReadings bounds the query readings tracked per candidate name.
const maxQueryReadings = 8

// cand is a candidate name and, per query reading, which query words
// retrieved it.
type cand struct {
	hit    [maxQueryReadings]uint64
	init   [maxQueryReadings]uint64 // query words that met only a listed initial
	listed uint32                   // positions of the name's words some query word may meet
	joined uint8                    // readings a span of two of whose words met it, a bit each
}

// mark records that the query words m of reading ri met the name at the
// listed positions at, as a word or, if initial, only as a listed initial
// of their first letter; joined if two query words together met it.
func (c *cand) mark(ri int, m uint64, initial bool, at uint32, joined bool) {
	if initial {
		c.init[ri] |= m
	} else {
		c.hit[ri] |= m
	}
	c.listed |= at
	if joined {
		c.joined |= 1 << uint(ri)
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
//
// An essential word that cannot bring a name to the floor alone (Leila of
// Leila Ahmadi, whose every name holding only Leila would fail bound) is
// weak: a name it hits becomes a candidate only when another lookup of the
// reading hits it too, so that the many names holding only a common given
// name are neither added nor bounded.
func (ix *Index) candidates(p *Prepared, opt Options, names *candSet) (ents []int32) {
	w := opt.Weights
	floor := opt.MinScore - maxBonus(w)
	for _, k := range p.idKeys {
		ents = append(ents, ix.idsOf(k)...)
	}
	var kbuf [128]byte
	key := kbuf[:0]
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
				m uint64
				*wordLookup
			}
			var lbuf [16]lookup
			ls := lbuf[:0]
			for si := range n.spans[ni] {
				s := &n.spans[ni][si]
				m := mask(s.first, s.n)
				if m&looked != m {
					continue
				}
				key = lookupKey(key[:0], s)
				l, ok := ix.lookups.get(key)
				if !ok {
					l = ix.lookupSpan(s)
					ix.lookups.put(key, l)
				}
				ls = append(ls, lookup{m, l})
			}
			// Cost per word: the postings of the lookups that cover it.
			var cbuf [16]int
			cost := cbuf[:min(len(r), len(cbuf))]
			if len(r) > len(cbuf) {
				cost = make([]int, len(r))
			}
			for _, l := range ls {
				for i := range r {
					if l.m&mask(i, 1) != 0 {
						cost[i] += l.cost
					}
				}
			}
			essential := essentialWords(r, w, floor, eligible, cost)
			p.looked[ri] = looked
			p.words[ri] = wordsOf(r)
			var weak uint64  // the lookups (by index in ls) too weak alone
			letters := false // an essential lookup has a letter
			for i, l := range ls {
				if l.m&essential == 0 {
					continue
				}
				letters = letters || l.letter >= 0
				if i < 64 && opt.reach(p.lookupBound(r, ri, l.m, w)) < opt.MinScore {
					weak |= 1 << uint(i)
				}
			}
			if weak == 0 && !letters {
				for pass := 0; pass < 2; pass++ {
					for _, l := range ls {
						if (pass == 0) == (l.m&essential != 0) {
							ix.walk(names, ri, l.m, l.wordLookup, pass == 0, walkAll)
						}
					}
				}
				ri++
				continue
			}
			// Some essential lookups cannot bring a name to the floor
			// alone: a name they hit is a candidate only if another lookup
			// of the reading hits it too. So with a listed initial of an
			// essential word's letter (its lookup's letter): a name it
			// alone hits has no word met, and bound gives it 0. seen holds
			// the names that may become candidates: those already, and
			// those a weak lookup or a letter hit.
			seen, words := &names.seen, &names.words
			seen.reset(ix.Names())
			words.reset(ix.Names())
			empty := len(names.ids) == 0 // seen is
			for _, nm := range names.ids {
				seen.set(nm)
				words.set(nm)
			}
			for i, l := range ls {
				if l.m&essential != 0 && (i >= 64 || weak&(1<<uint(i)) == 0) {
					ix.walk(names, ri, l.m, l.wordLookup, true, walkWords)
					ix.setAll(seen, words, l.wordLookup)
					empty = false
				}
			}
			for i, l := range ls {
				if i >= 64 || weak&(1<<uint(i)) == 0 {
					continue
				}
				// Names an earlier lookup hit, then this one's hits (none
				// for the first, when no name is a candidate yet: the
				// common case of one weak word and no other).
				if !empty {
					ix.walkBits(names, seen, nil, ri, l.m, l.wordLookup, walkAll)
				}
				ix.setAll(seen, words, l.wordLookup)
				empty = false
			}
			// The other lookups' words add the names an essential lookup
			// hit; then their letters add those an essential lookup's word
			// hit (words): a name met by letters alone has no word met and
			// would be bounded at 0.
			for _, l := range ls {
				if l.m&essential == 0 {
					ix.walkBits(names, seen, words, ri, l.m, l.wordLookup, walkWords)
				}
			}
			for _, l := range ls {
				if l.m&essential == 0 && l.letter >= 0 {
					ix.walkBits(names, words, nil, ri, l.m, l.wordLookup, walkLetter)
				}
			}
			// The weak lookups mark the candidates added after them, and
			// the other essential lookups' letters all.
			for i, l := range ls {
				switch {
				case i < 64 && weak&(1<<uint(i)) != 0:
					ix.walk(names, ri, l.m, l.wordLookup, false, walkAll)
				case l.m&essential != 0:
					ix.walk(names, ri, l.m, l.wordLookup, false, walkLetter)
				}
			}
			ri++
		}
	}
	return ents
}

// Which of a lookup's tokens walk walks.
const (
	walkAll    = iota
	walkWords  // all but the letter
	walkLetter // the letter alone
)

// walks reports whether walking l's tokens which walks token id.
func (l *wordLookup) walks(id int32, which int) bool {
	return which == walkAll || (which == walkLetter) == (id == l.letter)
}

// walk marks the names lookup l (of reading ri, query words m) hits
// through its tokens which says, adding them as candidates when add is
// set, else marking only those already candidates.
func (ix *Index) walk(names *candSet, ri int, m uint64, l *wordLookup, add bool, which int) {
	joined := bits.OnesCount64(m) > 1
	for j, id := range l.ids {
		if !l.walks(id, which) {
			continue
		}
		post, at := l.postings(ix, j)
		if !add && len(post) > 8*len(names.ids) {
			// Far more postings than candidates: find the candidates in
			// the sorted postings instead of probing the set once per
			// posting.
			order := names.sorted()
			for k, oi := 0, 0; oi < len(order) && k < len(post); oi++ {
				nm := names.ids[order[oi]]
				if k = gallop(post, k, nm); k < len(post) && post[k] == nm {
					names.cands[order[oi]].mark(ri, m, id == l.letter, at[k], joined)
				}
			}
			continue
		}
		for k, nm := range post {
			if c := names.get(nm, add); c != nil {
				c.mark(ri, m, id == l.letter, at[k], joined)
			}
		}
	}
}

// walkBits marks the names lookup l hits through its tokens which says
// among those of bs, adding those not yet candidates, and adds them to
// also if set.
func (ix *Index) walkBits(names *candSet, bs, also *nameBits, ri int, m uint64, l *wordLookup, which int) {
	joined := bits.OnesCount64(m) > 1
	held := -1 // how many names bs holds, counted when first needed
	for j, id := range l.ids {
		if !l.walks(id, which) {
			continue
		}
		post, at := l.postings(ix, j)
		hit := func(k int, nm int32) {
			names.get(nm, true).mark(ri, m, id == l.letter, at[k], joined)
			if also != nil {
				also.set(nm)
			}
		}
		scan := len(post) > bitsScan*len(bs.words)
		if scan && held < 0 {
			held = bs.count()
		}
		if scan && 2*held < len(post) {
			// Far more postings than words of the set, and than names in
			// it: walk the set's names in ascending order and find each
			// in the sorted postings. On the customer-like mix the set
			// held about 220 names and half the postings walked were of
			// lists more than eight times that long; 3% of the postings
			// walked were in the set. (A name of the set costs a search,
			// so a set nearly as large as the postings is not walked: at
			// 20,000 names against 8,776 postings it took 92 µs where
			// the postings took 23.)
			k := 0
		set:
			for wi, w := range bs.words {
				if bs.stamp[wi] != bs.gen {
					continue
				}
				for ; w != 0; w &= w - 1 {
					nm := int32(wi<<6 | bits.TrailingZeros64(w))
					if k = gallop(post, k, nm); k == len(post) {
						break set
					}
					if post[k] == nm {
						hit(k, nm)
					}
				}
			}
			continue
		}
		for k, nm := range post {
			if bs.has(nm) {
				hit(k, nm)
			}
		}
	}
}

// bitsScan is how many postings per word of a name set make walkBits scan
// the set rather than the postings: a word of the set costs about what a
// posting does to test, and a name found in the set costs a search of the
// postings.
const bitsScan = 4

// setAll adds to bs every name lookup l hits, and to words those it hits
// through a word (not its letter).
func (ix *Index) setAll(bs, words *nameBits, l *wordLookup) {
	for j, id := range l.ids {
		post, _ := l.postings(ix, j)
		if id == l.letter {
			for _, nm := range post {
				bs.set(nm)
			}
			continue
		}
		for _, nm := range post {
			bs.set(nm)
			words.set(nm)
		}
	}
}

// lookupSpan looks a query span up: the vocabulary tokens it may match
// (by its text, the deletion neighbourhood of its skeleton, a listed
// initial of its first letter, its alts' text and skeleton, its consonants)
// and the postings they cost, less the tokens it meets in no name and the
// postings of forms it does not meet (meetForms). candidates memoises it
// per index (Index.lookups).
func (ix *Index) lookupSpan(s *span) *wordLookup {
	l := &wordLookup{letter: -1}
	if id, ok := ix.word(s.tok.text); ok {
		l.ids = append(l.ids, id)
	}
	forDeletions(s.tok.skel, neighbourhood(s.tok), func(h uint64) {
		ix.lookup(h, func(id int32) {
			if ix.reaches(s.tok, id) {
				l.ids = append(l.ids, id)
			}
		})
	})
	// A word meets a listed initial of its first letter.
	if s.n == 1 && len(s.tok.text) > 1 {
		if id, ok := ix.word(s.tok.text[:1]); ok {
			l.ids = append(l.ids, id)
			l.letter = id
		}
	}
	// A word meets listed words by its alts' text or skeleton.
	for _, a := range s.tok.alts {
		if id, ok := ix.word(a.text); ok {
			l.ids = append(l.ids, id)
		}
		ix.lookup(hashSkip(a.skel, -1, -1), func(id int32) {
			if ix.reaches(s.tok, id) {
				l.ids = append(l.ids, id)
			}
		})
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
	kept := l.ids[:0]
	for _, id := range l.ids {
		var some postingList
		if id != l.letter {
			forms, all := ix.meetForms(s.tok, id)
			if forms == 0 {
				continue
			}
			if !all {
				some = ix.inForms(id, forms)
			}
		}
		if some.names != nil && l.some == nil {
			l.some = make([]postingList, len(kept), len(l.ids))
		}
		if l.some != nil {
			l.some = append(l.some, some)
		}
		kept = append(kept, id)
	}
	l.ids = slices.Clip(kept)
	for k := range l.ids {
		post, _ := l.postings(ix, k)
		l.cost += len(post)
	}
	return l
}

// inForms returns the postings of token id whose names hold it in one of
// forms (formBit).
func (ix *Index) inForms(id int32, forms uint8) postingList {
	post, at := ix.postings(id)
	pf := ix.postForm[ix.postAt[id]:ix.postAt[id+1]]
	l := postingList{names: []int32{}}
	for k, nm := range post {
		if pf[k]&forms != 0 {
			l.names, l.at = append(l.names, nm), append(l.at, at[k])
		}
	}
	return l
}

// meetForms returns the forms (formBit) of listed token id that query
// token q matches (tokenSim above 0), as the token occurs in the names,
// read as they were (occurrences), and whether it matches every form. A
// neighbour by deletions, consonants or an alt's skeleton (whose hash
// meets the deletion variants of listed words) that meets q in no name,
// or in some forms only, would mark names the query word does not match,
// which the bounds would count as met and scoring find at 0: the alts of
// a Korean given name reach Khan, held by hundreds of names, and Korean
// An meets by its consonants the Khan read from Arabic script, not the
// Khan of a name written in Latin letters. lookupSpan's result is
// memoised, so each distinct query word pays this once.
func (ix *Index) meetForms(q *token, id int32) (forms uint8, all bool) {
	occ := ix.occurrences(id)
	all = true
	for i := range occ {
		if tokenSim(q, &occ[i]) > 0 {
			forms |= formBit(i)
		} else {
			all = false
		}
	}
	return forms, all
}

// occurrences returns the distinct forms (sameForm apart) listed token id
// occurs in in the names: the neighbours of a batch's query words repeat
// (each listed token is met by four query words on the customer mix), and
// most occur in one form or two, so meets compares each query word with
// those instead of with every occurrence in every name holding the token.
// An index loaded from a snapshot reads them from it on first use, without
// decoding the names.
func (ix *Index) occurrences(id int32) []token {
	if ix.lazyOcc != nil {
		return ix.lazyOcc.get(id)
	}
	return ix.occ[id]
}

// sameForm reports whether a and b, of the same text, read alike to
// tokenSim: everything tokenKey keys but the text.
func sameForm(a, b *token) bool {
	return a.kind == b.kind && a.exact == b.exact && a.abjad == b.abjad && a.src == b.src &&
		a.skel == b.skel && a.cons == b.cons && a.orig == b.orig &&
		slices.Equal(a.alts, b.alts)
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
	order []int32  // slots by name id while len(order) == len(ids) (sorted)
	seen  nameBits // the names that may become candidates (candidates)
	words nameBits // those of seen a word met, not only a letter
}

// nameBits is a set of names, a bit each, emptied in constant time: a
// word of bits counts only while its stamp is the set's generation.
type nameBits struct {
	words []uint64
	stamp []uint32
	gen   uint32
}

// reset empties the set, sized for n names.
func (b *nameBits) reset(n int) {
	if len(b.words) < (n+63)/64 {
		b.words = make([]uint64, (n+63)/64)
		b.stamp = make([]uint32, (n+63)/64)
	}
	b.gen++
	if b.gen == 0 {
		clear(b.stamp)
		b.gen = 1
	}
}

// set adds name nm.
func (b *nameBits) set(nm int32) {
	i := nm >> 6
	if b.stamp[i] != b.gen {
		b.stamp[i], b.words[i] = b.gen, 0
	}
	b.words[i] |= 1 << uint(nm&63)
}

// count is how many names the set holds.
func (b *nameBits) count() int {
	n := 0
	for i, w := range b.words {
		if b.stamp[i] == b.gen {
			n += bits.OnesCount64(w)
		}
	}
	return n
}

// has reports whether name nm is in the set.
func (b *nameBits) has(nm int32) bool {
	i := nm >> 6
	return b.stamp[i] == b.gen && b.words[i]&(1<<uint(nm&63)) != 0
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

// sorted returns the set's slots ordered by name id, sorting them again
// only when candidates were added since.
func (s *candSet) sorted() []int32 {
	if len(s.order) == len(s.ids) {
		return s.order
	}
	s.order = s.order[:0]
	for i := range s.ids {
		s.order = append(s.order, int32(i))
	}
	slices.SortFunc(s.order, func(a, b int32) int { return int(s.ids[a] - s.ids[b]) })
	return s.order
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
		s = &candSet{epoch: make([]uint32, ix.Names()), slot: make([]int32, ix.Names())}
	}
	s.gen++
	if s.gen == 0 { // wrapped: stamps from 2^32 queries ago would look current
		clear(s.epoch)
		s.gen = 1
	}
	s.ids, s.cands, s.order = s.ids[:0], s.cands[:0], s.order[:0]
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

// wordsOf returns the mask of a reading's words (kindWord).
func wordsOf(r []token) uint64 {
	var m uint64
	for i := range min(len(r), 64) {
		if r[i].kind == kindWord {
			m |= 1 << uint(i)
		}
	}
	return m
}

// essentialWords chooses, among the looked-up words, those with the most
// weight per posting first, until the words not chosen weigh less than the
// floor's share of the reading, counting what a short word chosen may give
// unhit. A name must match one of them to reach floor.
func essentialWords(r []token, w *Weights, floor float64, eligible uint64, cost []int) uint64 {
	var total float64
	type iw struct {
		i     int
		wt    float64
		ratio float64
	}
	var lbuf [16]iw
	look := lbuf[:0]
	for i := range r {
		wt := w.weight(&r[i])
		total += wt
		if eligible&mask(i, 1) != 0 {
			look = append(look, iw{i, wt, wt / float64(cost[i]+1)})
		}
	}
	// The same pdqsort as sort.Slice, without its reflection and closure.
	slices.SortFunc(look, func(a, b iw) int { return cmp.Compare(b.ratio, a.ratio) })
	rest := total
	var essential uint64
	// A short family name one edit off meets its listed word unhit
	// (shortLeftover), but only when every other word is met: a name
	// hitting no chosen word gets short from the rule only while the one
	// word chosen is a short word.
	short, words := 0.0, 0
	for _, x := range look {
		essential |= 1 << uint(x.i)
		rest -= x.wt
		if t := &r[x.i]; t.kind == kindWord {
			words++
			short = 0
			if words == 1 && shortWord(t) && shortRest(r, x.i) {
				short = shortEditSim * x.wt
			}
		}
		if rest+short < floor*total {
			break
		}
	}
	return essential
}
