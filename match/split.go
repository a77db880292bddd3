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
var variants = []variant{{2, false}, {3, false}, {2, true}}

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
// segment can cut, those words cut, or p itself, untouched, when there is
// none. The reading is made from the folded name, not from its tokens, so
// that words cut out of a legal form (LIMITEDLIABILITY COMPANY) are read as
// the legal form they make.
func (ix *Index) split(p *Prepared) *Prepared {
	var out *Prepared
	var cuts [maxRun / minPart]int
	for ni := range p.names {
		n := &p.names[ni]
		if scriptOf(n.folded) != "Latn" {
			continue
		}
		// A tie of as few words may go either way, so each is a
		// reading (add drops those read already).
		for _, v := range variants {
			b := ix.cut(n.folded, cuts[:0], v)
			if b == nil {
				break
			}
			out = addReading(out, p, ni, string(b))
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

// cut returns folded with every word segment can cut so cut, or nil when
// there is none.
func (ix *Index) cut(folded string, cuts []int, v variant) []byte {
	var b []byte
	for start := 0; start < len(folded); {
		for start < len(folded) && folded[start] == ' ' {
			start++
		}
		end := start
		for end < len(folded) && folded[end] != ' ' {
			end++
		}
		w := folded[start:end]
		if cs := ix.segment(w, cuts[:0], v); cs != nil {
			if b == nil {
				b = append(make([]byte, 0, len(folded)+8), folded[:start]...)
			}
			last := 0
			for _, c := range cs {
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
		start = end
	}
	return b
}
