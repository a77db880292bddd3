package match

import "math"

// TokenMatch is one pair of aligned words in an explanation.
type TokenMatch struct {
	Query  string  `json:"query"`
	Listed string  `json:"listed"`
	Sim    float64 `json:"sim"`
	Weight float64 `json:"weight"`
}

// nameResult is the outcome of comparing two readings.
type nameResult struct {
	score   float64
	pairs   []TokenMatch
	missing []string // query words with no partner
	extra   []string // listed words with no partner
}

// span is a token or two adjacent tokens joined (EvilCorp = Evil Corp).
// A one-word span's tok is its reading's token itself, not a copy: a
// reading's spans are made once its tokens are, and a listed name or a
// query holds several of each; scoring reads a span's text, kind and
// spellings (tokenSim), and the reading's tokens for their weights.
type span struct {
	tok   *token
	first int
	n     int
}

func spans(ts []token) []span {
	joins := 0
	for i := 0; i+1 < len(ts); i++ {
		if joinable(ts, i) {
			joins++
		}
	}
	out := make([]span, 0, len(ts)+joins)
	for i := range ts {
		out = append(out, span{tok: &ts[i], first: i, n: 1})
	}
	if joins == 0 {
		return out
	}
	joined := make([]token, 0, joins) // never grown: spans point into it
	for i := 0; i+1 < len(ts); i++ {
		if !joinable(ts, i) {
			continue
		}
		t := ts[i].text + ts[i+1].text
		// Joined words bridge only when they agree: no typos on top.
		joined = append(joined, newToken(t, kindWord, true))
		j := &joined[len(joined)-1]
		j.setAlts(joinAlts(&ts[i], &ts[i+1]))
		out = append(out, span{tok: j, first: i, n: 2})
	}
	return out
}

// joinable reports whether words i and i+1 of ts make a joined span. An
// initial stands for a word of its letter, not for letters of a longer one
// (AB U. is not Abu); the index looks initials up only by their letter
// (lookable, readingBound).
func joinable(ts []token, i int) bool {
	return ts[i].kind != kindInitial && ts[i+1].kind != kindInitial
}

// joinAlts are the spellings of two adjacent words joined when either has
// alts (Yeong Cheol joined meets Yongchol): each spelling of the first with
// each of the second, as alike as the less alike of the two.
func joinAlts(a, b *token) []alt {
	if len(a.alts) == 0 && len(b.alts) == 0 {
		return nil
	}
	// Index -1 stands for the word itself, the alts for its other spellings.
	spelling := func(t *token, i int) (string, float64) {
		if i < 0 {
			return t.text, 1
		}
		return t.alts[i].text, t.alts[i].sim
	}
	out := make([]alt, 0, (len(a.alts)+1)*(len(b.alts)+1)-1)
	for i := -1; i < len(a.alts); i++ {
		x, xs := spelling(a, i)
	next:
		for j := -1; j < len(b.alts); j++ {
			y, ys := spelling(b, j)
			if xs == 1 && ys == 1 {
				continue // the joined word itself
			}
			s := min(xs, ys)
			for k := range out {
				if len(out[k].text) == len(x)+len(y) && out[k].text[:len(x)] == x && out[k].text[len(x):] == y {
					out[k].sim = max(out[k].sim, s)
					continue next
				}
			}
			out = append(out, newAlt(x+y, s))
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

type candidatePair struct {
	q, c *span
	sim  float64
}

func better(a, b *candidatePair) bool {
	if a.sim != b.sim {
		return a.sim > b.sim
	}
	return a.q.n+a.c.n > b.q.n+b.c.n
}

// compareReadings aligns query tokens with listed tokens one to one, best
// pairs first, and scores the alignment: the matched share of the query's
// weight, lowered by the listed name's unmatched words.
func compareReadings(q, c []token, qs, cs []span, w *Weights, explain bool) nameResult {
	var buf [32]candidatePair
	pairs := buf[:0]
	for ai := range qs {
		a := &qs[ai]
		for bi := range cs {
			b := &cs[bi]
			// Joined words pair with single ones, and never with an initial.
			if a.n+b.n > 2 && (a.n == 2 && b.n == 2 || a.tok.kind == kindInitial || b.tok.kind == kindInitial) {
				continue
			}
			if s := tokenSim(a.tok, b.tok); s > 0 {
				pairs = append(pairs, candidatePair{a, b, s})
			}
		}
	}
	// Best first; insertion sort, as there are few pairs.
	for i := 1; i < len(pairs); i++ {
		for j := i; j > 0 && better(&pairs[j], &pairs[j-1]); j-- {
			pairs[j], pairs[j-1] = pairs[j-1], pairs[j]
		}
	}
	var usedQ, usedC uint64 // names have at most 64 tokens considered
	var r nameResult
	var num, qw, extra float64
	var simBuf [16]float64
	var simOf []float64
	if len(q) > len(simBuf) {
		simOf = make([]float64, len(q))
	} else {
		simOf = simBuf[:len(q)]
	}
	var byInitial uint64 // query positions met only through an initial
	for _, p := range pairs {
		mq := mask(p.q.first, p.q.n)
		mc := mask(p.c.first, p.c.n)
		if usedQ&mq != 0 || usedC&mc != 0 {
			continue
		}
		usedQ |= mq
		usedC |= mc
		for i := p.q.first; i < p.q.first+p.q.n && i < len(simOf); i++ {
			simOf[i] = p.sim
		}
		if p.q.tok.kind == kindInitial || p.c.tok.kind == kindInitial {
			byInitial |= mq
		}
		if explain {
			r.pairs = append(r.pairs, TokenMatch{Query: p.q.tok.text, Listed: p.c.tok.text, Sim: round(p.sim)})
		}
	}
	most := 1.0 // the highest score the alignment allows
	if qi, cj, m, ok := shortLeftover(q, c, usedQ, usedC, simOf); ok {
		simOf[qi] = shortEditSim
		usedQ |= mask(qi, 1)
		usedC |= mask(cj, 1)
		most = m
		if explain {
			r.pairs = append(r.pairs, TokenMatch{Query: q[qi].text, Listed: c[cj].text, Sim: shortEditSim})
		}
	}
	words := 0.0
	for i := range q {
		wt := w.weight(&q[i])
		qw += wt
		num += simOf[i] * wt
		if q[i].kind == kindWord && byInitial&mask(i, 1) == 0 {
			words += simOf[i] * wt
		}
		if explain && usedQ&mask(i, 1) == 0 {
			r.missing = append(r.missing, q[i].text)
		}
	}
	for j := range c {
		if usedC&mask(j, 1) != 0 {
			continue
		}
		wt := w.weight(&c[j])
		if c[j].kind == kindPatronymic {
			wt *= 0.5 // a patronymic is often left out of a query
		}
		extra += wt
		if explain {
			r.extra = append(r.extra, c[j].text)
		}
	}
	for i := range r.pairs {
		r.pairs[i].Weight = round(weightOf(q, r.pairs[i].Query, w))
	}
	if qw == 0 || words == 0 {
		return r // no word met a word: initials alone say too little
	}
	r.score = min(capGeneric(num/(qw+w.Extra*extra), q, c, usedQ, usedC), most)
	return r
}

func weightOf(q []token, text string, w *Weights) float64 {
	for i := range q {
		if q[i].text == text {
			return w.weight(&q[i])
		}
	}
	return 1 // a joined pair of query words
}

func mask(first, n int) uint64 {
	if first >= 64 {
		return 0
	}
	return ((1 << uint(n)) - 1) << uint(first)
}

func round(x float64) float64 { return math.Round(x*1000) / 1000 }
