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
// costs: less than an arbitrary consonant (1), as it is the commonest typing
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

// subCost is what writing letter x for letter y costs.
func subCost(x, y byte) float64 {
	switch {
	case x == y:
		return 0
	case isVowel(x) && isVowel(y):
		return 0.4
	case adjacentKeys(x, y):
		return keyCost
	}
	return 1
}

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
