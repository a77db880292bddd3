package match

import (
	"slices"
	"strings"
	"testing"

	"warden"
)

// TestTypoCosts checks the edit costs of typing slips on the skeletons the
// distances see.
func TestTypoCosts(t *testing.T) {
	tests := []struct {
		a, b string
		lev  int
		cost float64
	}{
		{"akubec", "akbuec", 1, swapCost}, // Yakubets, Yakbuets: a swap is one edit
		{"akubec", "akuvec", 1, keyCost},  // b, v neighbouring keys
		{"akubec", "akupec", 1, 1},        // b, p far apart
		{"maduro", "mauro", 1, 1},         // a consonant dropped
		{"osama", "usama", 1, 0.4},        // a vowel for a vowel
		{"abcd", "badc", 2, 2 * swapCost}, // two swaps
		{"bcd", "dcb", 2, 2},              // not neighbours: two substitutions
		{"ahmed", "ahmde", 1, swapCost},   // a swap at the end
		{"sergei", "segrei", 1, swapCost}, // a swap in the middle
		{"aa", "aa", 0, 0},                // equal
		{"mohammed", "mohhammed", 1, 0.6}, // an h added
		{"petrov", "pwtrov", 1, keyCost},  // e, w neighbouring keys
		{"ivanov", "ivanob", 1, keyCost},  // v, b neighbouring keys
		{"ming", "mint", 1, 1},            // neighbouring keys in a short word: a full edit
	}
	for _, tt := range tests {
		if got := levenshtein(tt.a, tt.b, 3); got != tt.lev {
			t.Errorf("levenshtein(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.lev)
		}
		if got := levenshtein(tt.b, tt.a, 3); got != tt.lev {
			t.Errorf("levenshtein(%q, %q) = %d, want %d", tt.b, tt.a, got, tt.lev)
		}
		if got := weightedDistance(tt.a, tt.b); round(got) != round(tt.cost) {
			t.Errorf("weightedDistance(%q, %q) = %.3f, want %.3f", tt.a, tt.b, got, tt.cost)
		}
		if got := weightedDistance(tt.b, tt.a); round(got) != round(tt.cost) {
			t.Errorf("weightedDistance(%q, %q) = %.3f, want %.3f", tt.b, tt.a, got, tt.cost)
		}
	}
}

// TestOneEdit checks oneEdit against levenshtein on every pair of words of
// up to four letters over three letters (swaps, doubled letters, letters
// added, dropped and changed anywhere), and on the table of TestTypoCosts.
func TestOneEdit(t *testing.T) {
	ws := []string{""}
	for n, from := 0, 0; n < 4; n++ {
		to := len(ws)
		for _, w := range ws[from:to] {
			for _, c := range "abc" {
				ws = append(ws, w+string(c))
			}
		}
		from = to
	}
	ws = append(ws, "akubec", "akbuec", "maduro", "mauro", "kim", "kkim", "kum", "paek", "pek", "li", "il")
	for _, a := range ws {
		for _, b := range ws {
			if got, want := oneEdit(a, b), levenshtein(a, b, 1) <= 1; got != want {
				t.Errorf("oneEdit(%q, %q) = %v, levenshtein says %v", a, b, got, want)
			}
		}
	}
}

// TestKeyNeighbours checks the QWERTY table against keys every typist knows.
func TestKeyNeighbours(t *testing.T) {
	tests := []struct {
		x, y byte
		want bool
	}{
		{'a', 's', true}, {'a', 'q', true}, {'a', 'w', true}, {'a', 'z', true},
		{'s', 'x', true}, {'g', 'b', true}, {'b', 'n', true}, {'v', 'b', true},
		{'p', 'l', true}, {'o', 'k', true}, {'m', 'l', false}, {'m', 'j', true},
		{'a', 'd', false}, {'q', 'z', false}, {'b', 'p', false}, {'a', 'a', false},
		{'1', 'a', false},
	}
	for _, tt := range tests {
		if got := adjacentKeys(tt.x, tt.y); got != tt.want {
			t.Errorf("adjacentKeys(%c, %c) = %v, want %v", tt.x, tt.y, got, tt.want)
		}
		if got := adjacentKeys(tt.y, tt.x); got != tt.want {
			t.Errorf("adjacentKeys(%c, %c) = %v, want %v", tt.y, tt.x, got, tt.want)
		}
	}
}

// typoVariants are typing slips in the family name of a listed person
// "FAMILY, Given": two neighbouring letters swapped, a neighbouring key, a
// letter doubled, a letter dropped. Each is typed "Given Family".
//
// want is the share of the parties that must match. A swap or a doubled
// letter keeps every letter and must almost always match. A neighbouring key
// or a dropped letter may break a digraph the skeleton reads (Koltsov,
// Kolfsov; Bjelica, Bjeica) or leave a family name of three letters, which
// takes no edit (budget): those fall below the threshold, as a changed
// consonant in a short name makes another name as often as a typo.
var typoVariants = []struct {
	name string
	want float64
	slip func(string) string
}{
	{"swap", 0.97, func(w string) string {
		for i := len(w) / 2; i+1 < len(w); i++ {
			if w[i] != w[i+1] {
				return w[:i] + w[i+1:i+2] + w[i:i+1] + w[i+2:]
			}
		}
		return w
	}},
	{"key", 0.9, func(w string) string {
		for i := len(w) / 2; i < len(w); i++ {
			c := w[i] | 0x20
			if isVowel(c) || c < 'a' || c > 'z' {
				continue
			}
			for d := byte('a'); d <= 'z'; d++ {
				if adjacentKeys(c, d) && !isVowel(d) {
					return w[:i] + string(d) + w[i+1:]
				}
			}
		}
		return w
	}},
	{"double", 0.97, func(w string) string { i := len(w) / 2; return w[:i+1] + w[i:] }},
	{"drop", 0.8, func(w string) string { i := len(w) / 2; return w[:i] + w[i+1:] }},
}

// listedPersons yields real listed persons' names "FAMILY, Given" whose
// family name is a single word of min to max letters, one in every step.
func listedPersons(ix *Index, min, max, step int, fn func(e *warden.Entity, family, given string)) {
	k := 0
	for _, e := range ix.entities {
		if e.Schema != warden.SchemaPerson {
			continue
		}
		family, given, ok := strings.Cut(e.Names[0].Full, ", ")
		if !ok || len(family) < min || len(family) > max || strings.ContainsFunc(family, func(r rune) bool { return r < 'A' || r > 'Z' }) || given == "" {
			continue
		}
		if k++; k%step == 0 {
			fn(e, family, given)
		}
	}
}

// TestTypos screens real listed persons with a typing slip in their family
// name of 4 to 12 letters: the party must match.
func TestTypos(t *testing.T) {
	ix := ofac(t)
	for _, v := range typoVariants {
		tried, found := 0, 0
		listedPersons(ix, 4, 12, 7, func(e *warden.Entity, family, given string) {
			typo := v.slip(strings.ToLower(family))
			if typo == strings.ToLower(family) {
				return
			}
			q := given + " " + typo
			tried++
			hits, err := ix.Search(Query{Names: []string{q}}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range hits {
				if h.Entity.ID == e.ID && h.Match {
					found++
					return
				}
			}
			if testing.Verbose() {
				t.Logf("%s: %q not matched to %q", v.name, q, e.Names[0].Full)
			}
		})
		rate := float64(found) / float64(tried)
		t.Logf("%s: %d of %d matched (%.3f)", v.name, found, tried, rate)
		if tried < 100 || rate < v.want {
			t.Errorf("%s: %d of %d matched (%.3f), want >= %.2f", v.name, found, tried, rate, v.want)
		}
	}
}

// TestTypoIndexLosesNothing checks retrieval of typing slips as
// TestIndexLosesNothing does of other variants: every party brute force
// scores at or above the reporting floor for a real listed name with a slip
// (typoVariants, in any word, and in a short family name) is also found
// through the index, with the same score.
func TestTypoIndexLosesNothing(t *testing.T) {
	ix := ofac(t)
	step := 149
	switch {
	case raceEnabled: // ten times slower: a third of -short's sample
		step = 1499
	case testing.Short():
		step = 499
	}
	var queries []Query
	for i := 0; i < len(ix.entities); i += step {
		ws := strings.Fields(strings.ReplaceAll(ix.entities[i].Names[0].Full, ",", ""))
		for k, v := range typoVariants {
			w := ws[k%len(ws)]
			ws2 := append([]string(nil), ws...)
			ws2[k%len(ws)] = v.slip(strings.ToLower(w))
			queries = append(queries, Query{Names: []string{strings.Join(ws2, " ")}})
		}
	}
	// Short family names with a slip, given names first or last, which
	// only shortLeftover pairs.
	listedPersons(ix, 2, 4, step/8, func(_ *warden.Entity, family, given string) {
		for _, v := range typoVariants {
			typo := v.slip(strings.ToLower(family))
			queries = append(queries, Query{Names: []string{given + " " + typo}}, Query{Names: []string{typo + ", " + given}})
		}
	})
	loseNothing(t, ix, queries)
}

// TestShortFamilyTradeoff measures the one edit a short family name may
// take (shortLeftover) on real listed persons "FAMILY, Given" whose family
// name has two to four letters: recall gained on the name typed with a
// slip (a letter doubled, dropped, swapped or a neighbouring key, making no
// listed family name), and false matches made when the family name is
// another listed family name one edit away with the same given names
// (KIM, KUM), which names another person unless a qualifier says it is the
// same one. Each query is scored against the listed party with the index's
// scorer, with the rule off and on, without qualifiers and with a birth
// date that conflicts.
func TestShortFamilyTradeoff(t *testing.T) {
	ix := ofac(t)
	families := map[string]bool{}
	var byLen [6][]string
	listedPersons(ix, 2, 5, 1, func(_ *warden.Entity, family, _ string) {
		f := strings.ToLower(family)
		if !families[f] {
			families[f] = true
			byLen[len(f)] = append(byLen[len(f)], f)
		}
	})
	for _, l := range byLen {
		slices.Sort(l)
	}
	opt := Options{}
	opt.defaults()
	defer func() { shortFamilyEdit = true }()
	score := func(e *warden.Entity, q Query, on bool) float64 {
		p, err := Prepare(q)
		if err != nil {
			t.Fatal(err)
		}
		for i := range p.names {
			ix.weighQuery(&p.names[i])
		}
		ei := slices.Index(ix.entities, e)
		var nms []int32
		for nm := ix.first[ei]; nm < ix.first[ei+1]; nm++ {
			nms = append(nms, nm)
		}
		shortFamilyEdit = on
		s, _, _ := ix.score(p, int32(ei), nms, nil, opt, nil)
		return s
	}
	type tally struct{ n, off, on, conflict int }
	count := func(c *tally, e *warden.Entity, name string) {
		q := Query{Names: []string{name}}
		c.n++
		c.off += b2i(score(e, q, false) >= opt.Threshold)
		c.on += b2i(score(e, q, true) >= opt.Threshold)
		if len(e.BirthDates) > 0 {
			q.BirthDates = []string{"1901-01-01"}
			c.conflict += b2i(score(e, q, true) >= opt.Threshold)
		}
	}
	var slips, others tally
	listedPersons(ix, 2, 4, 1, func(e *warden.Entity, family, given string) {
		f := strings.ToLower(family)
		for _, v := range typoVariants {
			typo := v.slip(f)
			if len(f) < 3 && v.name == "drop" || typo == f || families[typo] {
				continue
			}
			count(&slips, e, given+" "+typo)
			break // one slip per person
		}
		// One other family name of the same length and one of another
		// length per person.
		for _, l := range [][]string{byLen[len(f)], slices.Concat(byLen[len(f)-1], byLen[len(f)+1])} {
			for _, other := range l {
				if other != f && len(other) >= 2 && levenshtein(f, other, 1) <= 1 {
					count(&others, e, given+" "+other)
					break
				}
			}
		}
	})
	t.Logf("slips in a short family name: %d; matched without the rule %d, with it %d (%d with a conflicting birth date)", slips.n, slips.off, slips.on, slips.conflict)
	t.Logf("another listed family name one edit away: %d; matched without the rule %d, with it %d (%d with a conflicting birth date)", others.n, others.off, others.on, others.conflict)
	// The rule must let most slips match, make next to no match of another
	// real family name, and give way to a conflicting qualifier.
	if slips.on < slips.n*4/5 || slips.on-slips.off < slips.n/4 {
		t.Errorf("with the rule %d of %d slips match, %d without it: want at least 80%% and a quarter more", slips.on, slips.n, slips.off)
	}
	if lost := others.on - others.off; lost > others.n/50 {
		t.Errorf("the rule matches %d of %d other listed family names, want at most 2%%", lost, others.n)
	}
	if slips.conflict > slips.off {
		t.Errorf("%d slips match despite a conflicting birth date, %d without the rule", slips.conflict, slips.off)
	}
}

// TestShortFamilyCustomers measures what the short family name rule costs
// on a customer-like population (cmd/warden/testdata/customers-20k.csv,
// common names of many cultures, at least 90%% of them not listed): the
// customers matching some OFAC party with the rule and not without it. Few
// of them are listed parties typed with a slip; the rest are false hits, so
// there must be few.
func TestShortFamilyCustomers(t *testing.T) {
	ix := ofac(t)
	defer func() { shortFamilyEdit = true }()
	matched := func(q Query, on bool) map[string]float64 {
		shortFamilyEdit = on
		hits, err := ix.Search(q, Options{})
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]float64{}
		for _, h := range hits {
			if h.Match {
				m[h.Entity.ID+" "+h.Entity.Names[0].Full] = h.Score
			}
		}
		return m
	}
	var before, after, added, n int
	// Under the race detector (ten times slower) or -short, every tenth
	// customer.
	step := 1
	if raceEnabled || testing.Short() {
		step = 10
	}
	for _, q := range customerQueries(t, step) {
		n++
		off, on := matched(q, false), matched(q, true)
		before += len(off)
		after += len(on)
		for id, s := range on {
			if _, ok := off[id]; !ok {
				added++
				t.Logf("new match: %q ~ %s %.3f", q.Names[0], id, s)
			}
		}
	}
	t.Logf("%d customers: %d matches without the rule, %d with it, %d new", n, before, after, added)
	if added > n/1000 {
		t.Errorf("the rule adds %d matches among %d customers, want at most one in a thousand", added, n)
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestBaseSimNoAlloc: baseSim, on the hot path of every comparison, must
// not allocate, whichever way two words differ.
func TestBaseSimNoAlloc(t *testing.T) {
	pairs := [][2]string{{"yakubets", "yakbuets"}, {"yakubets", "yakuvets"}, {"zaytsev", "zaystev"}, {"maduro", "mauro"}, {"ivanov", "petrov"}, {"ali", "aly"}}
	var toks [][2]token
	for _, p := range pairs {
		toks = append(toks, [2]token{newToken(p[0], kindWord, false), newToken(p[1], kindWord, false)})
	}
	if n := testing.AllocsPerRun(100, func() {
		for i := range toks {
			baseSim(&toks[i][0], &toks[i][1])
		}
	}); n != 0 {
		t.Errorf("baseSim allocates %.0f times per run", n)
	}
}

func BenchmarkBaseSim(b *testing.B) {
	x, y := newToken("yakubets", kindWord, false), newToken("yakbuets", kindWord, false)
	for b.Loop() {
		baseSim(&x, &y)
	}
}
