package match

import "slices"

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
	if len(w) < 2*minPart || len(w) > maxRun || ix.df[w] > 0 {
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
			if n := parts[j] + 1; (parts[i] == 0 || n < parts[i]) && ix.df[w[j:i]] > 0 {
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

// split returns p with a reading added for every reading that holds a word
// segment can cut, or p itself, untouched, when there is none.
func (ix *Index) split(p *Prepared) *Prepared {
	var out *Prepared
	var cuts [maxRun / minPart]int
	for ni := range p.names {
		n := &p.names[ni]
		for _, r := range n.readings {
			for ti := range r {
				t := &r[ti]
				if t.kind != kindWord || t.exact || t.abjad {
					continue
				}
				cs := ix.segment(t.text, cuts[:0])
				if cs == nil {
					continue
				}
				if out == nil {
					cp := *p
					cp.names = slices.Clone(p.names)
					out = &cp
				}
				m := &out.names[ni]
				m.readings, m.spans = slices.Clip(m.readings), slices.Clip(m.spans)
				b := make([]byte, 0, len(n.folded)+len(cs)+8)
				for k := range r {
					if k > 0 {
						b = append(b, ' ')
					}
					if k != ti {
						b = append(b, r[k].text...)
						continue
					}
					last := 0
					for _, c := range cs {
						b = append(b, t.text[last:c]...)
						b = append(b, ' ')
						last = c
					}
					b = append(b, t.text[last:]...)
				}
				orgs := []bool{orgLike(p.q.Schema)}
				if p.q.Schema == "" {
					orgs = []bool{false, true}
				}
				m.add(string(b), orgs, false, false)
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
