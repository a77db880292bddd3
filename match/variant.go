package match

// origin is the script a word was read from, which decides how it may
// meet other words: Pinyin only exactly (a changed syllable is another
// character), Arabic script by its consonants, Hangul through the other
// romanisations of its syllables.
type origin uint8

const (
	srcLatin  origin = iota // written in Latin letters
	srcHan                  // Chinese characters read as Pinyin
	srcArabic               // Arabic or Persian script
	srcHangul               // Korean Hangul
	srcOther                // Cyrillic, Greek or any other script
)

// alt is another spelling under which a word may meet a listed word: a
// full name for a nickname, another romanisation of the same Hangul
// syllables, the word for a numeral, the expansion of an abbreviation. An
// alt meets a word only by equal text or equal skeleton, and then counts
// for sim (at most 1), so that a nickname is a weaker match than the name.
type alt struct {
	text string
	skel string
	sim  float64
}

// newAlt makes an alt of a folded Latin word.
func newAlt(text string, sim float64) alt {
	return alt{text: text, skel: skeleton(text), sim: sim}
}

// addAlts gives a word of a name (org: of an organisation's) its other
// spellings from every source of them.
func addAlts(t *token, org bool) {
	if t.kind != kindWord || len(t.text) == 0 {
		return
	}
	as := t.alts
	if !org {
		as = appendAlts(as, nicknameAlts(t.text))
	}
	as = appendAlts(as, spellingAlts(t.text))
	as = appendAlts(as, numeralAlts(t.text))
	as = appendAlts(as, abbreviationAlts(t.text))
	if t.src == srcHangul {
		as = appendAlts(as, koreanAlts(t.text))
	}
	t.setAlts(as)
}

// appendAlts adds to as the alts of more it does not hold yet, keeping the
// higher sim of a spelling held twice. The sources share their slices
// between words: a word with one source of alts shares its slice too
// (clipped, so that appending to it copies), and as is copied before it is
// changed in place.
func appendAlts(as, more []alt) []alt {
	if len(more) == 0 {
		return as
	}
	if len(as) == 0 {
		return more[:len(more):len(more)]
	}
	as = append([]alt(nil), as...)
next:
	for _, m := range more {
		for i := range as {
			if as[i].text == m.text {
				as[i].sim = max(as[i].sim, m.sim)
				continue next
			}
		}
		as = append(as, m)
	}
	return as
}

// tokenSim grades how alike two tokens are, in [0, 1]; 0 means they do not
// match at all: the better of their spellings as written (baseSim) and by
// their alts, lowered for two words of one script written differently
// (sameScript).
func tokenSim(a, b *token) float64 {
	s := baseSim(a, b)
	if s < 1 && (len(a.alts) > 0 || len(b.alts) > 0) {
		s = max(s, altSim(a, b))
	}
	if s > 0 && a.orig != "" && b.orig != "" && a.src == b.src && a.orig != b.orig {
		s = sameScript(a, b, s)
	}
	return s
}

// altSim is how alike a and b are through an alt of either: the alt's sim
// for equal text, 0.95 of it for equal skeletons.
func altSim(a, b *token) float64 {
	best := 0.0
	if a.altKeys&b.keys() != 0 {
		for i := range a.alts {
			best = max(best, altMeets(&a.alts[i], b))
		}
	}
	if b.altKeys&a.keys() != 0 {
		for i := range b.alts {
			best = max(best, altMeets(&b.alts[i], a))
		}
	}
	return best
}

// altKey is the bit of a string in a token's altKeys: one of 64, by its
// length and first letter, as altMeets tells most words apart before
// comparing them.
func altKey(s string) uint64 {
	if s == "" {
		return 0
	}
	h := (uint64(len(s))<<8 | uint64(s[0])) * 0x9e3779b97f4a7c15
	return 1 << (h >> 58)
}

// altKeysOf is the altKeys of a token with alts as: the keys (altKey) of
// what altMeets compares of each alt with a word, its text and, when long
// enough, its skeleton.
func altKeysOf(as []alt) uint64 {
	var k uint64
	for i := range as {
		k |= altKey(as[i].text)
		if len(as[i].skel) >= minPhonetic {
			k |= altKey(as[i].skel)
		}
	}
	return k
}

// keys is what altMeets compares of t with an alt, as altKeys: an alt
// whose key is not among them does not meet t. A listed initial meets no
// alt.
func (t *token) keys() uint64 {
	if t.kind == kindInitial {
		return 0
	}
	return altKey(t.text) | altKey(t.skel)
}

// setAlts gives t the alts as, and their keys (altKeys).
func (t *token) setAlts(as []alt) {
	t.alts = as
	t.altKeys = altKeysOf(as)
}

func altMeets(x *alt, t *token) float64 {
	switch {
	case t.kind == kindInitial:
		return 0
	case sameString(x.text, t.text):
		return x.sim
	case len(x.skel) >= minPhonetic && sameString(x.skel, t.skel):
		return 0.95 * x.sim
	}
	return 0
}

// sameString is a == b, telling most unequal words apart by their length
// and first letter before comparing them whole: a query word's alts (a
// Korean name's dozen romanisations) are compared with every listed word
// the word meets in scoring.
func sameString(a, b string) bool {
	return len(a) == len(b) && (len(a) == 0 || a[0] == b[0] && a == b)
}
