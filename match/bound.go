package match

import (
	"math/bits"
	"slices"
)

// screened yields the query readings screened against candidates, with
// their number across names: those of one pass (at most maxQueryReadings,
// SearchPrepared), less those without a word, which score 0 against any
// name.
func (p *Prepared) screened(yield func(int, []token) bool) {
	ri := 0
	for _, n := range p.names {
		for _, r := range n.readings {
			if ri >= maxQueryReadings {
				return
			}
			if p.looked[ri] != 0 && !yield(ri, r) {
				return
			}
			ri++
		}
	}
}

// share is what query reading r (number ri) can get from a name retrieved
// with c, whatever the name's words: its weight (all), and the weight of the
// words that hit the name, of which only as many count as the name has
// words they met, as each query word pairs with its own listed word (or,
// where two query words joined met one in this reading, two adjacent
// query words with one listed word: bestUnits), plus the weight of the words
// not looked up (got). With byLetter, the query initials not looked up are
// left out of got and appended to ins instead, as they meet only a listed
// word of their letter, and the other words not looked up are counted in
// wild, two listed words each, as they may meet any listed span. hit is a
// buffer. A short word unhit, if it is the only word unhit, may meet a
// listed word one edit off (shortLeftover): its position is short (-1 if
// none), and the caller counts it (shortShare) where the listed name may
// hold such a word.
func (p *Prepared) share(r []token, ri int, c *cand, w *Weights, hit []float64, ins []initial, byLetter bool) (got, all float64, wild int, _ []initial, short int) {
	units := bits.OnesCount32(c.listed)
	joined := c.joined&(1<<uint(ri)) != 0
	pairs := units
	if joined {
		pairs *= 2
	}
	short = -1
	hitShort := -1 // the heaviest short word hit
	missed := 0    // words unhit
	var adj uint64 // hits that follow the word hit before them in r
	last := -2     // the position of the last word hit
	for i := range r {
		wt := w.weight(&r[i])
		all += wt
		m := mask(i, 1)
		switch {
		case p.looked[ri]&m != 0:
			if c.hit[ri]&m != 0 {
				if last == i-1 && len(hit) < 64 {
					adj |= 1 << uint(len(hit))
				}
				last = i
				hit = append(hit, wt)
				if shortWord(&r[i]) && (hitShort < 0 || wt > w.weight(&r[hitShort])) {
					hitShort = i
				}
			} else if c.init[ri]&m != 0 {
				hit = append(hit, initialSim*wt)
			} else if r[i].kind == kindWord {
				missed++
				if shortWord(&r[i]) {
					short = i
				}
			}
		case byLetter && r[i].kind == kindInitial && len(ins) < cap(ins):
			ins = append(ins, initial{r[i].text[0], wt})
		default:
			got += wt
			wild += 2
		}
	}
	over := len(hit) > pairs
	switch {
	case joined && len(hit) > units && len(hit) <= 64:
		// A listed word meets one query word or, joined, two adjacent
		// ones (Ali al-Ali: al and Ali joined meet Ali, not both Alis).
		got += bestUnits(hit, adj, units)
	default:
		if over {
			slices.Sort(hit)
			hit = hit[len(hit)-pairs:]
		}
		for _, wt := range hit {
			got += wt
		}
	}
	switch {
	case missed == 1 && short >= 0 && shortRest(r, short):
	case missed == 0 && over && hitShort >= 0 && shortRest(r, hitShort):
		// More words hit than the name has words they met: the short
		// word may be the one left unpaired, and then meet a listed word
		// one edit off (Choi, hit through Chol, pairs with Cho).
		short = hitShort
	default:
		short = -1
	}
	return got, all, wild, ins, short
}

// bestUnits is the most weight ws, the weights of the query words hit in
// their order, give in at most units listed words, each met by one word or
// by two adjacent ones joined: ws[k-1] and ws[k] when adj has bit k.
func bestUnits(ws []float64, adj uint64, units int) float64 {
	// f[u] is the most the words so far give in at most u units; g is f
	// one word before.
	var fb, gb [33]float64
	f, g := fb[:units+1], gb[:units+1]
	for k := range ws {
		for u := units; u >= 1; u-- {
			best := max(f[u], f[u-1]+ws[k])
			if k > 0 && adj&(1<<uint(k)) != 0 {
				best = max(best, g[u-1]+ws[k-1]+ws[k])
			}
			g[u], f[u] = f[u], best
		}
	}
	return f[units]
}

// shortShare adds to share's got and wild what query word r[short] gets
// when it is a short family name one edit off (shortLeftover): it meets a
// listed word the query's lookups did not at shortEditSim, and takes one
// listed word as wild.
func shortShare(r []token, short int, w *Weights, got float64, wild int) (float64, int) {
	return got + shortEditSim*w.weight(&r[short]), wild + 1
}

// bound is the most a name retrieved with c can score, from the query's
// side: the best share of a screened reading. A reading none of whose
// words (kindWord) hit the name scores 0 against it: compareReadings needs
// a word met by a word, and a short family name one edit off needs the
// other words met. Names met only by initials, legal forms or particles
// (Dewi Santoso and "D E S Intl Co Ltd") were scored before, most of the
// parties scored at 0.
func (p *Prepared) bound(c *cand, w *Weights) float64 {
	var buf [32]float64
	best := 0.0
	for ri, r := range p.screened {
		if c.hit[ri]&p.words[ri] == 0 {
			continue // no word met: the reading scores 0 against the name
		}
		got, all, _, _, short := p.share(r, ri, c, w, buf[:0], nil, false)
		if short >= 0 {
			got, _ = shortShare(r, short, w, got, 0)
		}
		if all > 0 && got/all > best {
			best = got / all
		}
	}
	return best
}

// lookupBound is the most a name can score by reading r (number ri) when
// the only lookup of the reading that hits it is the one of query words m:
// bound of such a name, for any listed positions it holds (share counts a
// short word differently when more words hit than the name has words met,
// so each count is tried).
func (p *Prepared) lookupBound(r []token, ri int, m uint64, w *Weights) float64 {
	if m&p.words[ri] == 0 {
		return 0
	}
	var buf [32]float64
	var c cand
	if bits.OnesCount64(m) > 1 {
		c.joined = 1 << uint(ri)
	}
	c.hit[ri] = m
	best := 0.0
	for k := 1; k <= 32; k++ {
		c.listed = uint32(1<<uint(k) - 1)
		got, all, _, _, short := p.share(r, ri, &c, w, buf[:0], nil, false)
		if short >= 0 {
			got, _ = shortShare(r, short, w, got, 0)
		}
		if all > 0 && got/all > best {
			best = got / all
		}
		if k >= len(r) {
			break // more pairs than words change nothing
		}
	}
	return best
}

// nameBound tightens bound with the listed name nm. The listed words no
// query word can meet stay unmatched and lower the score (compareReadings
// divides by the query's weight plus Extra times the listed name's
// unmatched weight). A query initial meets only a listed word of its
// letter; any other word not looked up may meet any listed span. A short
// query word unhit counts (shortShare) only if the listed name has a word
// shortLeftover could pair it with (shortNear): most names a query's other
// words hit have none, and scoring them is most of the cost of the rule.
func (ix *Index) nameBound(p *Prepared, c *cand, nm int32, w *Weights) float64 {
	listed := ix.slots[ix.slotAt[nm]:ix.slotAt[nm+1]]
	var buf [32]float64
	var ibuf [8]initial
	best := 0.0
	for ri, r := range p.screened {
		if c.hit[ri]&p.words[ri] == 0 {
			continue
		}
		got, all, wild, ins, short := p.share(r, ri, c, w, buf[:0], ibuf[:0], true)
		if short >= 0 && shortNear(&r[short], listed) {
			got, wild = shortShare(r, short, w, got, wild)
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
