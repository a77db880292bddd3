package match

import (
	"slices"
	"strings"
)

// Names run together ("VLADIMIRPUTIN", or "V L A D I M I R P U T I N",
// which spelled joins into one word because nothing marks where the first
// name ends) are one query word that no listed word resembles. Such a word
// is cut where it falls apart into listed words, in as few as possible,
// and the query gets one more reading with the word so cut ("vladimir
// putin"), which then meets the listed name in whatever order it lists its
// words and whatever middle name or patronymic it adds. Only the query side
// changes: the index keeps no joined keys beyond its adjacent spans, so it
// loses nothing and grows not at all.

// minPart and maxPart bound the listed words a run-together word is cut
// into, in bytes: shorter ones (initials, particles) would cut almost any
// word somewhere, and a word longer than maxRun is not a few names run
// together.
const (
	minPart = 3
	maxPart = 24
	maxRun  = 64
)

// variant says how segment breaks a tie between cuts into as few words:
// plural is what a word listed only through its singular costs (2 as any
// other word, 3 to prefer words listed as written), early prefers the
// earlier cut (ATRISIM = atr isim, not atri sim).
type variant struct {
	plural uint8
	early  bool
}

// variants are the ways split cuts a run-together word, each a reading:
// MINESAND is mines and (the later cut), COMPANYSTATE company state (words
// as listed), ATRISIM atr isim (the earlier cut).
var variants = [...]variant{{2, false}, {3, false}, {2, true}}

// segment returns where to cut w so that every part is a word of some
// listed name, in the fewest parts (at least two), into cuts; nil when w is
// itself a listed word or does not fall apart so. It allocates nothing when
// w cannot be cut.
func (ix *Index) segment(w string, cuts []int, v variant) []int {
	if len(w) < 2*minPart || len(w) > maxRun || ix.listedWord(w) {
		return nil
	}
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return nil
		}
	}
	// cost[i] is the least cost of the listed words w[:i] is made of (0:
	// none), from[i] where the last of them begins. A word costs 2, or
	// v.plural if listed only through its singular: with plural 2 the
	// fewest words win, with 3 among as few those listed as written
	// (COMPANYSTATE = company state, not companys tate).
	var cost, from [maxRun + 1]uint8
	for i := minPart; i <= len(w); i++ {
		for j := max(0, i-maxPart); j <= i-minPart; j++ {
			if j > 0 && cost[j] == 0 {
				continue
			}
			c := ix.wordCost(w[j:i], v.plural)
			// On a tie the later cut wins, the earlier words longest
			// (REYNOLDSAND = reynolds and, not reynold sand), unless
			// v.early.
			if n := cost[j] + c; c > 0 && (cost[i] == 0 || n < cost[i] || n == cost[i] && !v.early) {
				cost[i], from[i] = n, uint8(j)
			}
		}
	}
	if cost[len(w)] < 4 {
		return nil
	}
	cuts = cuts[:0]
	for i := from[len(w)]; i > 0; i = from[i] {
		cuts = append(cuts, int(i))
	}
	slices.Reverse(cuts)
	return cuts
}

// wordCuts are where each of variants cuts a query word (nil: it does not).
type wordCuts [len(variants)][]int

// cutsOf returns where each of variants cuts w (segment), nil for one
// that does not: also when the parts that are words of listed names
// (legal-form words and titles aside, a plural by its singular) are not
// all words of one listed name (together). A customer's name that is no
// listed word falls apart into short listed words more often than not
// (Matsumoto = mat sum oto, Ghorbani = ghorb ani, Fernanda = fern anda):
// such a reading meets no listed name better than the word itself, and
// scoring it cost the customer mix a sixth of the time of its Latin
// names. The answer is memoised per index, as names repeat; nil when no
// variant cuts w.
func (ix *Index) cutsOf(w string) *wordCuts {
	if len(w) < 2*minPart || len(w) > maxRun {
		return nil
	}
	var kbuf [maxRun]byte
	key := append(kbuf[:0], w...)
	if wc, ok := ix.cuts.get(key); ok {
		return wc
	}
	var wc *wordCuts
	var buf [maxRun / minPart]int
	for v := range variants {
		cs := ix.segment(w, buf[:0], variants[v])
		if cs == nil {
			break // w falls apart into listed words every way or none
		}
		if !ix.together(w, cs) {
			continue
		}
		if wc == nil {
			wc = new(wordCuts)
		}
		wc[v] = slices.Clone(cs)
	}
	ix.cuts.put(key, wc)
	return wc
}

// together reports whether some listed name holds every part of w cut at
// cuts that is a word of a listed name, as a word or in a joined span, as
// written or, if it is a plural, by its singular (organisations' words are
// listed in the singular, people's as written: ABBASTRADING is cut for
// ABBAS TRADING, held as abba trading, though a person is listed as Ali
// ABBAS); legal-form words and titles, which names hold in another form or
// not at all, need not be there.
func (ix *Index) together(w string, cuts []int) bool {
	var pbuf [maxRun / minPart][]int32
	posts := pbuf[:0]
	for i, last := 0, 0; i <= len(cuts); i++ {
		end := len(w)
		if i < len(cuts) {
			end = cuts[i]
		}
		part := w[last:end]
		last = end
		if legalWords[part] || titles[part] {
			continue
		}
		var post []int32
		if id, ok := ix.word(part); ok && ix.df[id] > 0 {
			post, _ = ix.postings(id)
		}
		if id, ok := ix.singular(part); ok {
			more, _ := ix.postings(id)
			post = union(post, more)
		}
		if post == nil {
			return false
		}
		posts = append(posts, post)
	}
	if len(posts) < 2 {
		return true
	}
	slices.SortFunc(posts, func(a, b []int32) int { return len(a) - len(b) })
	ks := make([]int, len(posts))
next:
	for _, nm := range posts[0] {
		for j := 1; j < len(posts); j++ {
			ks[j] = gallop(posts[j], ks[j], nm)
			if ks[j] >= len(posts[j]) {
				return false
			}
			if posts[j][ks[j]] != nm {
				continue next
			}
		}
		return true
	}
	return false
}

// union returns the names of two sorted postings, sorted, each once; a
// itself when b is empty.
func union(a, b []int32) []int32 {
	if len(b) == 0 {
		return a
	}
	out := make([]int32, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		switch {
		case a[0] < b[0]:
			out, a = append(out, a[0]), a[1:]
		case b[0] < a[0]:
			out, b = append(out, b[0]), b[1:]
		default:
			out, a, b = append(out, a[0]), a[1:], b[1:]
		}
	}
	return append(append(out, a...), b...)
}

// singular returns the id of the listed word plural w is the plural of
// (listedWord), false if none.
func (ix *Index) singular(w string) (int32, bool) {
	if n := len(w); n > 5 && w[n-3:] == "ies" {
		id, ok := ix.word(w[:n-3] + "y")
		return id, ok && ix.df[id] > 0
	}
	if len(w) > minPart && w[len(w)-1] == 's' {
		id, ok := ix.word(w[:len(w)-1])
		return id, ok && ix.df[id] > 0
	}
	return 0, false
}

// legalWords holds every word of the legal forms, which names list in
// their canonical spelling (Limited Liability Company as llc).
var legalWords = func() map[string]bool {
	m := map[string]bool{}
	for form := range legalForms {
		for _, w := range strings.Fields(form) {
			m[w] = true
		}
	}
	return m
}()

// wordCost is what w costs as a part of a run-together word (segment): 2
// if it is listed as written, plural if only its singular is, 0 if it is
// not a listed word.
func (ix *Index) wordCost(w string, plural uint8) uint8 {
	switch {
	case dfOf(ix, w) > 0 || legalWords[w] || titles[w]:
		return 2
	case ix.listedWord(w):
		return plural
	}
	return 0
}

// listedWord reports whether w is a word of some listed name, the plural
// of one (organisations' words are listed in the singular, as singular
// makes them), a word of a legal form, or a title (dropped from names).
func (ix *Index) listedWord(w string) bool {
	if dfOf(ix, w) > 0 || legalWords[w] || titles[w] {
		return true
	}
	if n := len(w); n > 5 && w[n-3:] == "ies" {
		var buf [maxPart]byte
		b := append(append(buf[:0], w[:n-3]...), 'y')
		return dfOf(ix, b) > 0 // no allocation: looked up as bytes
	}
	return len(w) > minPart && w[len(w)-1] == 's' && dfOf(ix, w[:len(w)-1]) > 0
}

// split returns p with one reading more for every Latin name holding words
// cutsOf cuts, those words cut (one reading per variant that cuts some
// word), or p itself, untouched, when there is none. The reading is made
// from the folded name, not from its tokens, so that words cut out of a
// legal form (LIMITEDLIABILITY COMPANY) are read as the legal form they
// make.
func (ix *Index) split(p *Prepared) *Prepared {
	var out *Prepared
	for ni := range p.names {
		n := &p.names[ni]
		if scriptOf(n.folded) != "Latn" {
			continue
		}
		// A tie of as few words may go either way, so each is a
		// reading (add drops those read already).
		for _, b := range ix.cut(n.folded) {
			if b != nil {
				out = addReading(out, p, ni, string(b))
			}
		}
	}
	if out == nil {
		return p
	}
	for i := range out.names {
		ix.weighQuery(&out.names[i])
	}
	return out
}

// cut returns folded with every word cutsOf cuts so cut, by each of
// variants; nil for a variant that cuts none.
func (ix *Index) cut(folded string) (out [len(variants)][]byte) {
	for start := 0; start < len(folded); {
		for start < len(folded) && folded[start] == ' ' {
			start++
		}
		end := start
		for end < len(folded) && folded[end] != ' ' {
			end++
		}
		w := folded[start:end]
		wc := ix.cutsOf(w)
		for v := range out {
			b := out[v]
			if wc != nil && wc[v] != nil {
				if b == nil {
					b = append(make([]byte, 0, len(folded)+8), folded[:start]...)
				}
				last := 0
				for _, c := range wc[v] {
					b = append(append(b, w[last:c]...), ' ')
					last = c
				}
				b = append(b, w[last:]...)
			} else if b != nil {
				b = append(b, w...)
			}
			if b != nil && end < len(folded) {
				b = append(b, ' ')
			}
			out[v] = b
		}
		start = end
	}
	return out
}
