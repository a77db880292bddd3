package match

import (
	"slices"
	"strings"
)

// Acronyms are learned from the lists, never from a table: a party listed
// as both "ISLAMIC REVOLUTIONARY GUARD CORPS" and "IRGC", or as
// "ISLAMIC REVOLUTIONARY GUARD CORPS AIR FORCE" and "IRGC AIR FORCE",
// teaches that IRGC stands for Islamic Revolutionary Guard Corps, so that
// a query writing "IRGC Navy" is also read "Islamic Revolutionary Guard
// Corps Navy", and the other way round.
const (
	minAcronym = 3  // fewer letters are initials or words
	maxAcronym = 10 // more are no acronym anyone writes
)

// learnAcronyms records the acronyms the lists give as aliases of a
// party's full name (IRGC for Islamic Revolutionary Guard Corps), in
// ix.acronyms, so that a query may use either: two Latin names of one
// party that differ in one word of the one against two or more words of
// the other, whose initials it is (with or without the particles and the
// legal forms among them). The map holds an acronym's words, joined with
// spaces; a query's words are abbreviated by looking up their initials. An
// acronym the lists give for different words (Islamic Revolutionary Guard
// Corps, Islamic Revolutionary Guards Corps) stands for those most parties
// give it for.
func (ix *Index) learnAcronyms() {
	votes := map[[2]string]int{}
	var ws [][]string
	var like []uint64 // per name of a party: bit p set if word p may be an acronym
	for e := 0; e+1 < len(ix.first); e++ {
		ns := ix.names[ix.first[e]:ix.first[e+1]]
		if len(ns) < 2 {
			continue
		}
		ws, like = ws[:0], like[:0]
		for i := range ns {
			w := latinWords(&ns[i])
			var m uint64
			for p := 0; p < len(w) && p < 64; p++ {
				if acronymLike(w[p]) {
					m |= 1 << p
				}
			}
			ws, like = append(ws, w), append(like, m)
		}
		for i, a := range ws {
			if like[i] == 0 {
				continue
			}
			for _, b := range ws {
				if len(b) > len(a) {
					learnPair(a, b, like[i], votes)
				}
			}
		}
	}
	best := map[string]int{}
	for k, n := range votes {
		acr, full := k[0], k[1]
		if ix.acronyms == nil {
			ix.acronyms = map[string]string{}
		}
		if old, ok := ix.acronyms[acr]; !ok || n > best[acr] || n == best[acr] && full < old {
			ix.acronyms[acr], best[acr] = full, n
		}
	}
}

// acronymLike reports whether w may be an acronym: minAcronym to
// maxAcronym letters, not a particle, title or legal form (LTD is no
// acronym of a party's Limited Trade Development).
func acronymLike(w string) bool {
	if len(w) < minAcronym || len(w) > maxAcronym || skipped(w) || titles[w] {
		return false
	}
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}

// latinWords returns the words of a name written in Latin letters, nil
// for any other.
func latinWords(n *name) []string {
	if !isASCII(n.folded) {
		return nil
	}
	return words(n.folded)
}

// learnPair counts in votes the acronym a holds for words of b, if any: a
// and b agree but for one word of a (one of those set in like) against
// two or more of b.
func learnPair(a, b []string, like uint64, votes map[[2]string]int) {
	for p, w := range a {
		rest := len(a) - p - 1
		if p >= 64 || like&(1<<p) == 0 || w[0] != b[p][0] || !slices.Equal(a[:p], b[:p]) || !slices.Equal(a[p+1:], b[len(b)-rest:]) {
			continue
		}
		window := b[p : len(b)-rest]
		if wordsOver(window, 1) >= 2 && (initials(window, false) == w || initials(window, true) == w) {
			votes[[2]string{w, strings.Join(window, " ")}]++
		}
	}
}

// wordsOver counts the words of ws longer than n letters: letters
// written apart (D E S) are no name an acronym stands for.
func wordsOver(ws []string, n int) int {
	c := 0
	for _, w := range ws {
		if len(w) > n {
			c++
		}
	}
	return c
}

// initials returns the first letters of ws, skipping particles and legal
// forms if skip is set (Islamic Republic of Iran Shipping Lines: irisl).
func initials(ws []string, skip bool) string {
	b := make([]byte, 0, len(ws))
	for _, w := range ws {
		if !skip || !skipped(w) {
			b = append(b, w[0])
		}
	}
	return string(b)
}

// skipped reports whether an acronym may leave out w: a particle or a
// one-word legal form.
func skipped(w string) bool {
	_, legal := legalForms[w]
	return connectors[w] || legal
}

// expandAcronyms returns p with a reading more for each name holding an
// acronym the lists give, the acronym written out, and one for each name
// holding a full name the lists abbreviate, abbreviated; p itself when
// there is none. A name without an acronym-like word or a run of words
// the lists abbreviate costs map look-ups only, no allocation.
func (ix *Index) expandAcronyms(p *Prepared) *Prepared {
	if len(ix.acronyms) == 0 {
		return p
	}
	var out *Prepared
	var buf [MaxNameRunes/2 + 1]string
	for ni := range p.names {
		f := p.names[ni].folded
		if !isASCII(f) {
			continue
		}
		ws := appendWords(buf[:0], f)
		for i := range ws {
			if r := ix.expandAt(ws, i); r != "" {
				out = addReading(out, p, ni, r)
			}
			if n, acr := ix.abbreviateAt(ws, i); n > 0 {
				r := strings.Join(slices.Concat(ws[:i], []string{acr}, ws[i+n:]), " ")
				out = addReading(out, p, ni, r)
			}
		}
	}
	if out == nil {
		return p
	}
	return out
}

// appendWords appends the words of s to ws, as strings.Fields would make
// them, into the caller's array.
func appendWords(ws []string, s string) []string {
	for i := 0; i < len(s); {
		for i < len(s) && s[i] == ' ' {
			i++
		}
		j := i
		for j < len(s) && s[j] != ' ' {
			j++
		}
		if j > i {
			ws = append(ws, s[i:j])
		}
		i = j
	}
	return ws
}

// expandAt returns ws with its word i written out, if it is an acronym
// the lists give, "" if not.
func (ix *Index) expandAt(ws []string, i int) string {
	if !acronymLike(ws[i]) {
		return ""
	}
	full := ix.acronyms[ws[i]]
	if full == "" {
		return ""
	}
	return strings.Join(slices.Concat(ws[:i], []string{full}, ws[i+1:]), " ")
}

// abbreviateAt returns how many words from i the lists abbreviate, and the
// acronym they abbreviate them to; 0 if none. It looks up the initials of
// each run of words from i, so it allocates nothing.
func (ix *Index) abbreviateAt(ws []string, i int) (int, string) {
	var all, some [maxAcronym]byte
	na, ns := 0, 0
	for j := i; j < len(ws) && na < maxAcronym; j++ {
		all[na] = ws[j][0]
		na++
		if !skipped(ws[j]) {
			some[ns] = ws[j][0]
			ns++
		}
		if j == i {
			continue
		}
		for _, in := range [2][]byte{all[:na], some[:ns]} {
			if len(in) < minAcronym {
				continue
			}
			if full := ix.acronyms[string(in)]; full != "" && joinedIs(ws[i:j+1], full) {
				return j + 1 - i, string(in)
			}
		}
	}
	return 0, ""
}

// joinedIs reports whether ws joined with spaces is s, without joining.
func joinedIs(ws []string, s string) bool {
	for k, w := range ws {
		if k > 0 {
			if s == "" || s[0] != ' ' {
				return false
			}
			s = s[1:]
		}
		if !strings.HasPrefix(s, w) {
			return false
		}
		s = s[len(w):]
	}
	return s == ""
}

// addReading returns out (a copy of p made on first use) with reading r
// more for name ni, read as the query's schema says.
func addReading(out, p *Prepared, ni int, r string) *Prepared {
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
	m.add(r, orgs, srcLatin)
	return out
}
