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

// segment returns where to cut w so that every part is a word of some
// listed name, in the fewest parts (at least two), into cuts; nil when w is
// itself a listed word or does not fall apart so. It allocates nothing when
// w cannot be cut.
func (ix *Index) segment(w string, cuts []int) []int {
	if len(w) < 2*minPart || len(w) > maxRun || ix.listedWord(w) {
		return nil
	}
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return nil
		}
	}
	// parts[i] is the fewest listed words w[:i] is made of (0: none),
	// from[i] where the last of them begins.
	var parts, from [maxRun + 1]uint8
	parts[0] = 0
	for i := minPart; i <= len(w); i++ {
		for j := max(0, i-maxPart); j <= i-minPart; j++ {
			if j > 0 && parts[j] == 0 {
				continue
			}
			// On a tie the later cut wins: the earlier words longest
			// (REYNOLDSAND = reynolds and, not reynold sand).
			if n := parts[j] + 1; (parts[i] == 0 || n <= parts[i]) && ix.listedWord(w[j:i]) {
				parts[i], from[i] = n, uint8(j)
			}
		}
	}
	if parts[len(w)] < 2 {
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

// listedWord reports whether w is a word of some listed name, the plural
// of one (organisations' words are listed in the singular, as singular
// makes them), a word of a legal form, or a title (dropped from names).
func (ix *Index) listedWord(w string) bool {
	if ix.df[w] > 0 || legalWords[w] || titles[w] {
		return true
	}
	if n := len(w); n > 5 && w[n-3:] == "ies" {
		var buf [maxPart]byte
		b := append(append(buf[:0], w[:n-3]...), 'y')
		return ix.df[string(b)] > 0 // no allocation: the compiler looks up without a copy
	}
	return len(w) > minPart && w[len(w)-1] == 's' && ix.df[w[:len(w)-1]] > 0
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
		var b []byte
		for start := 0; start < len(n.folded); {
			for start < len(n.folded) && n.folded[start] == ' ' {
				start++
			}
			end := start
			for end < len(n.folded) && n.folded[end] != ' ' {
				end++
			}
			w := n.folded[start:end]
			if cs := ix.segment(w, cuts[:0]); cs != nil {
				if b == nil {
					b = append(make([]byte, 0, len(n.folded)+8), n.folded[:start]...)
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
			if b != nil && end < len(n.folded) {
				b = append(b, ' ')
			}
			start = end
		}
		if b == nil {
			continue
		}
		if out == nil {
			cp := *p
			cp.names = slices.Clone(p.names)
			out = &cp
		}
		m := &out.names[ni]
		m.readings, m.spans = slices.Clip(m.readings), slices.Clip(m.spans)
		orgs := []bool{orgLike(p.q.Schema)}
		if p.q.Schema == "" {
			orgs = []bool{false, true}
		}
		m.add(string(b), orgs, false, false)
	}
	if out == nil {
		return p
	}
	for i := range out.names {
		ix.weighQuery(&out.names[i])
	}
	return out
}
