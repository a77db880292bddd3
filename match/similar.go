package match

import (
	"bytes"
	"math/bits"
)

// skeleton reduces a Latin word to a phonetic key in which the usual
// transliteration variants meet: Yevgeniy, Jewgeni -> ivgeni;
// Dmitry, Dmitriy, Dmitrii -> dmitri; Maxim, Maksim -> maksim;
// Zelenskyy, Zelensky -> zelenski; Qasem, Kassem -> kasem.
func skeleton(w string) string {
	if w == "" {
		return w
	}
	for i := 0; i < len(w); i++ {
		if c := w[i]; c < 'a' || c > 'z' {
			return w // digits or another script: compared as written
		}
	}
	// A rule is tried only if every letter of its pattern is in w (has):
	// most words hold few of the rules' letters, and each try scans w.
	// The rules rewrite between two buffers, on the stack for a word of
	// up to maxSkeletonWord letters (x, the only rule that lengthens a
	// word, at most doubles it), so a word costs one allocation, for its
	// skeleton, and none when that is w itself.
	has := letterSet(w)
	var bufs [2][2 * maxSkeletonWord]byte
	cur, next := bufs[0][:0], bufs[1][:0]
	if len(w) > maxSkeletonWord {
		cur, next = make([]byte, 0, 2*len(w)), make([]byte, 0, 2*len(w))
	}
	cur = append(cur, w...)
	for i, rp := range skeletonRules {
		if has&skeletonNeeds[i] != skeletonNeeds[i] {
			continue
		}
		if r, ok := replaceBytes(next[:0], cur, rp[0], rp[1]); ok {
			cur, next = r, cur
		}
		has |= skeletonGives[i]
	}
	b := collapse(next[:0], cur)
	if string(b) == w {
		return w
	}
	return string(b)
}

// maxSkeletonWord is the longest word skeleton rewrites on the stack.
const maxSkeletonWord = 32

// letterSet has bit c-'a' set for each letter c of w, all of a to z.
func letterSet(w string) uint32 {
	var has uint32
	for i := 0; i < len(w); i++ {
		has |= 1 << (w[i] - 'a')
	}
	return has
}

// replaceBytes appends to dst src with every old replaced by new, left to
// right and without overlaps, as strings.ReplaceAll does, and reports
// whether src held any old; if not, it appends nothing.
func replaceBytes(dst, src []byte, old, new string) ([]byte, bool) {
	i := bytes.Index(src, []byte(old))
	if i < 0 {
		return dst, false
	}
	for i >= 0 {
		dst = append(append(dst, src[:i]...), new...)
		src = src[i+len(old):]
		i = bytes.Index(src, []byte(old))
	}
	return append(dst, src...), true
}

// collapse appends to dst w with doubled letters collapsed and a leading i
// before a vowel, a y-glide (Yakubets, Iakubets, Jakubez), dropped.
func collapse(dst, w []byte) []byte {
	for i := 0; i < len(w); i++ {
		if i > 0 && w[i] == w[i-1] {
			continue
		}
		dst = append(dst, w[i])
	}
	if len(dst) > 2 && dst[0] == 'i' && isVowel(dst[1]) {
		dst = dst[1:]
	}
	return dst
}

var skeletonRules = [...][2]string{
	{"shch", "sh"}, {"tsch", "ch"}, {"sch", "sh"}, {"kh", "h"}, {"ph", "f"}, {"ck", "k"}, {"gh", "g"},
	{"ts", "c"}, {"tz", "c"}, {"x", "ks"}, {"q", "k"}, {"w", "v"}, {"j", "i"}, {"y", "i"},
	{"ie", "i"}, {"ii", "i"}, {"ou", "u"}, {"oo", "u"}, {"ee", "i"}, {"ei", "ei"},
}

// skeletonNeeds[i] and skeletonGives[i] are the letters of rule i's
// pattern and replacement, as bit masks (bit c-'a' for letter c).
var skeletonNeeds, skeletonGives = func() (needs, gives [len(skeletonRules)]uint32) {
	mask := func(s string) uint32 {
		var m uint32
		for i := 0; i < len(s); i++ {
			m |= 1 << (s[i] - 'a')
		}
		return m
	}
	for i, rp := range skeletonRules {
		needs[i], gives[i] = mask(rp[0]), mask(rp[1])
	}
	return needs, gives
}()

func isVowel(c byte) bool { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' }

// budget is the number of edits allowed between two skeletons whose shorter
// is n bytes long: none for short words (Il is not Un), one for words of
// four to seven letters, two for longer ones.
func budget(n int) int {
	switch {
	case n < 4:
		return 0
	case n < 8:
		return 1
	}
	return 2
}

// minPhonetic is the fewest letters a word needs to meet another by its
// skeleton rather than its letters. The skeleton's rules rewrite spellings
// of longer words (Maxim = Maksim); applied to a word of one or two
// letters they invent one ("X" reads "ks", the skeleton of the acronym
// KSS), so such words meet only the same letters.
const minPhonetic = 3

// short reports whether t is too short to meet another word but by its
// letters (minPhonetic). A word read from Arabic script is not: Arabic
// leaves vowels unwritten, so its short readings (ly for Ali) are what the
// script calls for.
func (t *token) short() bool { return len(t.text) < minPhonetic && !t.abjad }

// initialSim is how alike an initial and a word of its letter are.
const initialSim = 0.8

// baseSim grades how alike two tokens are as written, in [0, 1]; 0 means they do not
// match at all. Equal text is 1; equal skeletons 0.95; otherwise the
// skeletons must be within budget edits, and the grade falls with a weighted
// edit distance in which vowel changes cost less than consonant changes, as
// transliterations differ mostly in vowels (Osama/Usama) while different
// names differ in consonants (Maduro/Mauro).
func baseSim(a, b *token) float64 {
	if a.text == b.text {
		return 1
	}
	if a.kind == kindInitial || b.kind == kindInitial {
		if a.text[0] == b.text[0] && (len(a.text) == 1 || len(b.text) == 1) {
			return initialSim
		}
		return 0
	}
	if a.short() || b.short() {
		return 0
	}
	if a.skel == b.skel {
		return 0.95
	}
	if a.abjad || b.abjad {
		// Arabic script leaves short vowels unwritten: compare consonants,
		// and only whole ones (short consonant strings are ambiguous).
		if len(a.cons) >= 2 && a.cons == b.cons && vocalises(a) && vocalises(b) {
			return 0.9
		}
		return 0
	}
	if a.exact || b.exact {
		return 0
	}
	// A swap of two letters can break a digraph the skeleton reads
	// (Zaytsev, Zaystev; Khan, Khna): the written words are compared too.
	swap := swapSim(a.text, b.text)
	la, lb := len(a.skel), len(b.skel)
	short := min(la, lb)
	d := budget(short)
	if d == 0 || abs(la-lb) > d {
		return swap
	}
	// Each edit adds or removes at most two letters from the set of
	// letters used, which bounds the distance from below cheaply.
	if (bits.OnesCount32(a.letters^b.letters)+1)/2 > d {
		return swap
	}
	if levenshtein(a.skel, b.skel, d) > d {
		return swap
	}
	cost := weightedDistance(a.skel, b.skel)
	sim := 1 - cost/float64(max(la, lb))
	if sim < 0.7 {
		return swap
	}
	return max(sim*0.95, swap)
}

// vocalises reports whether t may be a Latin spelling of a word Arabic
// script writes by its consonants: a word of the script itself, or one
// whose vowels outnumber its consonants by at most one. Two words joined
// (exact) from a query in another script rarely are: "Naomi Inoue" joined
// has the consonants of NOMANI, and seven vowels to its three.
func vocalises(t *token) bool {
	if t.abjad || !t.exact {
		return true
	}
	v := 0
	for i := 0; i < len(t.text); i++ {
		if isVowel(t.text[i]) {
			v++
		}
	}
	return v <= len(t.text)-v+1
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// levenshtein returns the edit distance of a and b in which swapping two
// neighbouring letters is one edit (optimal string alignment, Damerau), or
// any value above max once it is certain to exceed it.
func levenshtein(a, b string, max int) int {
	if len(a) < len(b) {
		a, b = b, a
	}
	var buf [3][64]int
	if len(b)+1 > 64 {
		return max + 1
	}
	// back is the row before prev, for transpositions.
	back, prev, cur := buf[0][:len(b)+1], buf[1][:len(b)+1], buf[2][:len(b)+1]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			c = min(c, prev[j]+1, cur[j-1]+1)
			if swapped(a, b, i, j) {
				c = min(c, back[j-2]+1)
			}
			cur[j] = c
			best = min(best, c)
		}
		if best > max {
			return max + 1
		}
		back, prev, cur = prev, cur, back
	}
	return prev[len(b)]
}

// weightedDistance is an edit distance where a vowel for a vowel costs 0.4,
// adding or dropping a vowel or h costs 0.6, two neighbouring letters
// swapped cost swapCost, a letter for its neighbour on the keyboard costs
// keyCost in words of minKeyWord letters or more, and anything else costs 1.
func weightedDistance(a, b string) float64 {
	if len(a)+1 > 64 || len(b)+1 > 64 {
		return float64(max(len(a), len(b)))
	}
	var buf [3][64]float64
	back, prev, cur := buf[0][:len(b)+1], buf[1][:len(b)+1], buf[2][:len(b)+1]
	keys := min(len(a), len(b)) >= minKeyWord
	prev[0] = 0
	for j := 1; j <= len(b); j++ {
		prev[j] = prev[j-1] + indelCost(b[j-1])
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = prev[0] + indelCost(a[i-1])
		for j := 1; j <= len(b); j++ {
			c := min(prev[j-1]+subCost(a[i-1], b[j-1], keys), prev[j]+indelCost(a[i-1]), cur[j-1]+indelCost(b[j-1]))
			if swapped(a, b, i, j) {
				c = min(c, back[j-2]+swapCost)
			}
			cur[j] = c
		}
		back, prev, cur = prev, cur, back
	}
	return prev[len(b)]
}
