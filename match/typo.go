package match

// Typing slips, as edit costs. A name typed by hand goes wrong in a few
// ways a transliteration does not: two neighbouring letters swapped
// (Yakbuets for Yakubets), a key struck beside the right one (Yakuvets), a
// letter doubled or dropped. The skeleton already collapses doubled
// letters, and a dropped letter is one edit; the costs below make a swap
// one edit rather than two and a neighbouring key cheaper than any other
// consonant.

// swapCost is what swapping two neighbouring letters costs. A swap keeps
// every letter of the word, only out of order, so it says less about a
// different name than dropping or changing a consonant (1): it costs as
// much as dropping a vowel (0.6). One swap in a six-letter word then grades
// 0.9 before the 0.95 of a fuzzy match, enough for a name whose other words
// agree to match at the default threshold.
const swapCost = 0.6

// keyCost is what striking a key beside the right one on a QWERTY keyboard
// costs in words of minKeyWord letters or more: less than an arbitrary consonant (1), as it is the commonest typing
// slip, but more than a vowel change (0.4), as neighbouring keys still make
// other names (Bashir, Nashir).
const keyCost = 0.7

// swapped reports whether a[i-2:i] and b[j-2:j] are the same two letters in
// the other order.
func swapped(a, b string, i, j int) bool {
	return i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] && a[i-1] != a[i-2]
}

// indelCost is what adding or dropping letter c costs: vowels and h, often
// written or left out by transliterations, 0.6; any other letter 1.
func indelCost(c byte) float64 {
	if isVowel(c) || c == 'h' {
		return 0.6
	}
	return 1
}

// minKeyWord is the fewest letters both words need for a neighbouring key
// to cost keyCost rather than 1: in a shorter word one letter is much of the
// name, and neighbouring keys make other short names (Ming, Mint).
const minKeyWord = 5

// subCost is what writing letter x for letter y costs; keys tells whether
// a neighbouring key costs less (minKeyWord). It reads subCosts, as it
// runs for every cell of weightedDistance.
func subCost(x, y byte, keys bool) float64 {
	if x-'a' < 26 && y-'a' < 26 {
		return subCosts[b2u(keys)][x-'a'][y-'a']
	}
	if x == y {
		return 0
	}
	return 1
}

func b2u(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}

// subCosts[k][x][y] is what writing letter 'a'+x for 'a'+y costs, with
// neighbouring keys cheaper if k is 1: nothing for the same letter, 0.4 a
// vowel for a vowel, keyCost a neighbouring key, 1 anything else.
var subCosts = func() (t [2][26][26]float64) {
	for k := range t {
		for x := byte(0); x < 26; x++ {
			for y := byte(0); y < 26; y++ {
				c := 1.0
				switch {
				case x == y:
					c = 0
				case isVowel('a'+x) && isVowel('a'+y):
					c = 0.4
				case k == 1 && adjacentKeys('a'+x, 'a'+y):
					c = keyCost
				}
				t[k][x][y] = c
			}
		}
	}
	return t
}()

// qwertyRows are the letter rows of a QWERTY keyboard, top to bottom; each
// row is shifted right of the one above by about half a key.
var qwertyRows = [3]string{"qwertyuiop", "asdfghjkl", "zxcvbnm"}

// keyNeighbours[c-'a'] has bit d-'a' set for each letter d on a key beside
// c's: either side in its row, and the two touching it in the rows above and
// below.
var keyNeighbours = qwertyNeighbours()

func qwertyNeighbours() [26]uint32 {
	var n [26]uint32
	link := func(x, y byte) {
		n[x-'a'] |= 1 << (y - 'a')
		n[y-'a'] |= 1 << (x - 'a')
	}
	for r, row := range qwertyRows {
		for c := 0; c < len(row); c++ {
			if c+1 < len(row) {
				link(row[c], row[c+1])
			}
			if r+1 < len(qwertyRows) {
				below := qwertyRows[r+1]
				// Key c of a row touches keys c-1 and c of the row below.
				for _, k := range [2]int{c - 1, c} {
					if k >= 0 && k < len(below) {
						link(row[c], below[k])
					}
				}
			}
		}
	}
	return n
}

// adjacentKeys reports whether letters x and y are on neighbouring keys.
func adjacentKeys(x, y byte) bool {
	if x < 'a' || x > 'z' || y < 'a' || y > 'z' {
		return false
	}
	return keyNeighbours[x-'a']&(1<<(y-'a')) != 0
}

// swapSim is how alike two written words of at least minSwap letters are
// when they differ only by two neighbouring letters swapped, as a fuzzy
// match of one swap; 0 otherwise.
func swapSim(a, b string) float64 {
	if len(a) != len(b) || len(a) < minSwap {
		return 0
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	if i+1 >= len(a) || a[i] != b[i+1] || a[i+1] != b[i] || a[i+2:] != b[i+2:] {
		return 0
	}
	return (1 - swapCost/float64(len(a))) * 0.95
}

// minSwap is the fewest letters a word needs to meet another with two of
// them swapped: as many as a word needs to take one edit (budget).
const minSwap = 4

// forSwaps calls fn with the skeleton hash of each spelling of the written
// word w with two neighbouring letters swapped, so that an index holding
// them finds w from a query word typed with the swap (swapSim), whose own
// skeleton is looked up.
func forSwaps(w string, fn func(uint64)) {
	if len(w) < minSwap {
		return
	}
	b := []byte(w)
	for i := 0; i+1 < len(b); i++ {
		if b[i] == b[i+1] {
			continue
		}
		b[i], b[i+1] = b[i+1], b[i]
		fn(hashSkip(skeleton(string(b)), -1, -1))
		b[i], b[i+1] = b[i+1], b[i]
	}
}

// A short family name typed one edit off. budget allows no edit in a word
// of fewer than four letters, as such words make other names (Il, Un; Kim,
// Kum; Li, Lu), so a listed "KIM, Kwang Hyok" searched as "Kwang Hyok Kkim"
// would meet only its given names. shortLeftover lets the one short word
// left unpaired on each side meet within one edit when the rest of the name
// agrees all but exactly, and compareReadings then holds the name's score
// near the threshold (shortSlipScore, shortNameScore), so that a qualifier
// decides: a conflicting birth date, country or gender takes it below, an
// agreeing birth date confirms it. Measured in TestShortFamilyTradeoff and
// TestShortFamilyCustomers.

// shortFamilyEdit switches shortLeftover on; the tests that measure what
// the rule gains and costs turn it off to compare.
var shortFamilyEdit = true

// shortEditSim is what a short word one edit from its partner counts for in
// an explanation and in the score before shortSlipScore or shortNameScore
// caps it; bound.go counts an unpaired short query word at it.
const shortEditSim = 0.75

// shortSlipScore is the most a name met through a short family name typed
// with a slip (a letter doubled, dropped, added or swapped, a neighbouring
// key) scores: just above DefaultThreshold, so that any conflicting
// qualifier (DefaultWeights: birth date 0.15, gender 0.1, country 0.06)
// takes it below.
const shortSlipScore = 0.88

// shortNameScore is the most a name met through a short family name changed
// in another way, or spelt as a word the loaded lists hold, scores: just
// below DefaultThreshold. Such a change is more often another real family
// name (Li, Lu; Kim, Kum; Pak, Paek are all listed) than a slip, that is,
// another person with common given names; an agreeing birth date (0.04)
// makes it a match.
const shortNameScore = 0.84

// maxShortWord is the longest word shortLeftover pairs: words of five
// letters or more already take an edit (budget), and a four-letter word
// may need one against a three-letter one (Paek, Pek) or a five-letter
// slip (Kimm).
const maxShortWord = 4

// minLoneWord and minLoneRarity say when a single other query word is
// enough for shortLeftover: a long, rare given name (Cuiying, Mahmut), not a
// common short one (Eric, Wei), which half the customers with the family
// name share.
const (
	minLoneWord   = 6
	minLoneRarity = 0.6
)

// shortLeftover finds the query word and listed word a short family name
// typed one edit off leaves unpaired (Kwang Hyok Kum for KIM, Kwang Hyok;
// Changgen Ddu for DU, Changgen): exactly one query word of at most
// maxShortWord+1 letters left, every other query word met at 0.9 or better,
// at least two of them or one long and rare (minLoneWord, minLoneRarity),
// and a listed word left within one edit (Damerau). It reports their
// positions and the highest score the name may then get: shortSlipScore
// for a slip making a word the lists do not hold, shortNameScore for any
// other edit.
func shortLeftover(q, c []token, usedQ, usedC uint64, simOf []float64) (qi, cj int, most float64, ok bool) {
	if !shortFamilyEdit {
		return 0, 0, 0, false
	}
	qi, met, lone := -1, 0, false
	for i := range q {
		if q[i].kind != kindWord {
			continue
		}
		if usedQ&mask(i, 1) == 0 {
			if qi >= 0 || i >= len(simOf) {
				return 0, 0, 0, false // two words unpaired: not the rest agreeing
			}
			qi = i
			continue
		}
		if i >= len(simOf) || simOf[i] < 0.9 {
			return 0, 0, 0, false
		}
		met++
		lone = len(q[i].text) >= minLoneWord && q[i].rarity >= minLoneRarity
	}
	if qi < 0 || !(met >= 2 || met == 1 && lone) || !shortWord(&q[qi]) {
		return 0, 0, 0, false
	}
	for j := range c {
		if c[j].kind != kindWord || usedC&mask(j, 1) != 0 || c[j].exact {
			continue
		}
		a, b := q[qi].text, c[j].text
		if min(len(a), len(b)) > maxShortWord || max(len(a), len(b)) > maxShortWord+1 {
			continue
		}
		if oneEdit(a, b) {
			most = shortNameScore
			if !q[qi].listed && slip(a, b) {
				most = shortSlipScore
			}
			return qi, j, most, true
		}
	}
	return 0, 0, 0, false
}

// shortNear reports whether a reading of a listed name, whose words are
// listed (Index.slots), has a word shortLeftover could pair with short
// query word q: a word, not exact, short enough and within one edit.
// nameBound asks it before counting q unhit.
func shortNear(q *token, listed []slot) bool {
	if !shortFamilyEdit {
		return false
	}
	for j := range listed {
		c := &listed[j]
		if c.partnerLen == 0 {
			continue
		}
		a, b := q.text, c.partner[:c.partnerLen]
		if min(len(a), len(b)) > maxShortWord || max(len(a), len(b)) > maxShortWord+1 {
			continue
		}
		if oneEdit(a, string(b)) {
			return true
		}
	}
	return false
}

// shortPartner reports whether listed word t may be the partner
// shortLeftover pairs a short query word with: a word, not exact, of at
// most maxShortWord+1 letters (longer ones are past its length limits).
func shortPartner(t *token) bool {
	return t.kind == kindWord && !t.exact && len(t.text) <= maxShortWord+1
}

// oneEdit reports whether a and b are at most one edit apart, a swap of
// two neighbouring letters counting as one: levenshtein(a, b, 1) <= 1,
// without its table, as shortLeftover and shortNear ask it of many pairs.
func oneEdit(a, b string) bool {
	if len(a) < len(b) {
		a, b = b, a
	}
	if len(a)-len(b) > 1 {
		return false
	}
	i := 0
	for i < len(b) && a[i] == b[i] {
		i++
	}
	if i == len(b) {
		return true // equal, or a has one letter more at the end
	}
	if len(a) != len(b) {
		return a[i+1:] == b[i:] // a letter of a dropped
	}
	if a[i+1:] == b[i+1:] {
		return true // a letter changed
	}
	return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
}

// shortWord reports whether query word t may be the short family name
// shortLeftover pairs.
func shortWord(t *token) bool {
	return t.kind == kindWord && !t.exact && len(t.text) <= maxShortWord+1
}

// shortRest reports whether the words of query reading r other than word
// qi are enough for shortLeftover, if all of them are met: two or more, or
// one long and rare. bound.go asks it before counting word qi unhit.
func shortRest(r []token, qi int) bool {
	n, lone := 0, false
	for i := range r {
		if i != qi && r[i].kind == kindWord {
			n++
			lone = len(r[i].text) >= minLoneWord && r[i].rarity >= minLoneRarity
		}
	}
	return n >= 2 || n == 1 && lone
}

// slip reports whether words a and b, one edit apart (levenshtein), differ
// as a typing slip does: a letter added or dropped (doubled letters among
// them), two neighbouring letters swapped, or a key struck beside the right
// one. A letter changed for one elsewhere on the keyboard (Kim, Kom; Li,
// La) is how two real names differ.
func slip(a, b string) bool {
	if len(a) != len(b) {
		return true
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	if i == len(a) {
		return true
	}
	if i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:] {
		return true
	}
	return adjacentKeys(a[i], b[i])
}
