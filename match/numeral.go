package match

import "strconv"

// numerals are the numbers names write in words, with their cardinal and
// ordinal words (0 ordinal "" when the number has no usual one), in the
// order of their values from 1: 4 is four, fourth, 4th and IV.
var numerals = []struct {
	n                 int
	cardinal, ordinal string
}{
	{1, "one", "first"}, {2, "two", "second"}, {3, "three", "third"}, {4, "four", "fourth"},
	{5, "five", "fifth"}, {6, "six", "sixth"}, {7, "seven", "seventh"}, {8, "eight", "eighth"},
	{9, "nine", "ninth"}, {10, "ten", "tenth"}, {11, "eleven", "eleventh"}, {12, "twelve", "twelfth"},
	{13, "thirteen", "thirteenth"}, {14, "fourteen", "fourteenth"}, {15, "fifteen", "fifteenth"},
	{16, "sixteen", "sixteenth"}, {17, "seventeen", "seventeenth"}, {18, "eighteen", "eighteenth"},
	{19, "nineteen", "nineteenth"}, {20, "twenty", "twentieth"}, {30, "thirty", "thirtieth"},
	{40, "forty", "fortieth"}, {50, "fifty", "fiftieth"}, {60, "sixty", "sixtieth"},
	{70, "seventy", "seventieth"}, {80, "eighty", "eightieth"}, {90, "ninety", "ninetieth"},
	{100, "hundred", "hundredth"}, {1000, "thousand", "thousandth"},
}

// notRoman are Roman numerals that are also words of names, read only as
// those: one letter (I, V, X, L, C, M are initials) and XI (a Chinese
// family name).
var notRoman = map[string]bool{"i": true, "v": true, "x": true, "l": true, "c": true, "m": true, "xi": true}

// roman writes n in Roman numerals, lower-case.
func roman(n int) string {
	var b []byte
	for _, d := range []struct {
		v int
		s string
	}{{1000, "m"}, {900, "cm"}, {500, "d"}, {400, "cd"}, {100, "c"}, {90, "xc"}, {50, "l"}, {40, "xl"}, {10, "x"}, {9, "ix"}, {5, "v"}, {4, "iv"}, {1, "i"}} {
		for ; n >= d.v; n -= d.v {
			b = append(b, d.s...)
		}
	}
	return string(b)
}

// ordinalSuffix is the suffix English writes after the digits of n (1st,
// 2nd, 3rd, 4th, 11th, 21st).
func ordinalSuffix(n int) string {
	if n%100 >= 11 && n%100 <= 13 {
		return "th"
	}
	switch n % 10 {
	case 1:
		return "st"
	case 2:
		return "nd"
	case 3:
		return "rd"
	}
	return "th"
}

// numeralTable maps each spelling of a number (digits, its words, its
// ordinals, its Roman numeral) to the others, made once: numeralAlts
// returns its slices, shared, so a word costs no allocation.
var numeralTable = func() map[string][]alt {
	m := map[string][]alt{}
	for _, x := range numerals {
		forms := []string{strconv.Itoa(x.n), x.cardinal, x.ordinal, strconv.Itoa(x.n) + ordinalSuffix(x.n)}
		if r := roman(x.n); !notRoman[r] {
			forms = append(forms, r)
		}
		link(m, forms, 1)
	}
	return m
}()

// link gives each of forms the others as alts of sim.
func link(m map[string][]alt, forms []string, sim float64) {
	for _, f := range forms {
		for _, g := range forms {
			if g != f && !hasAlt(m[f], g) {
				m[f] = append(m[f], newAlt(g, sim))
			}
		}
	}
}

func hasAlt(as []alt, text string) bool {
	for _, a := range as {
		if a.text == text {
			return true
		}
	}
	return false
}

// numeralAlts returns the other ways of writing a number word: four and
// fourth and IV for 4. The slice is shared: callers copy, never change it.
func numeralAlts(w string) []alt { return numeralTable[w] }

// abbreviations are words names shorten and their shortenings, folded; an
// organisation's words are singular (readWords), so both numbers are given
// where they differ. Legal forms (Corp, Co, Intl, Ltd) are not here: the
// legal-form table makes them meet.
var abbreviations = [][]string{
	{"international", "intl", "int"},
	{"manufacturing", "mfg"},
	{"manufacturer", "mfr"},
	{"technology", "technologies", "tech"},
	{"industry", "industries", "ind", "inds"},
	{"industrial", "indl"},
	{"national", "natl"},
	{"association", "assn", "assoc"},
	{"brother", "brothers", "bro", "bros"},
	{"service", "services", "svc", "svcs"},
	{"management", "mgmt"},
	{"engineering", "eng", "engg"},
	{"system", "systems", "sys"},
	{"development", "dev"},
	{"group", "grp"},
	{"holding", "holdings", "hldg", "hldgs"},
	{"department", "dept"},
	{"university", "univ"},
	{"institute", "inst"},
	{"government", "govt"},
	{"center", "centre", "ctr"},
	{"investment", "investments", "invest"},
	{"financial", "fin"},
	{"electronic", "electronics", "elec"},
	{"chemical", "chemicals", "chem"},
	{"pharmaceutical", "pharmaceuticals", "pharma", "pharm"},
	{"marketing", "mktg"},
	{"distribution", "dist"},
	{"transport", "transportation", "transp"},
	{"shipping", "shpg"},
	{"laboratory", "laboratories", "lab", "labs"},
	{"mountain", "mount", "mt"},
	{"saint", "st"},
	{"street", "str"},
}

// abbreviationTable maps each word of abbreviations to the others of its
// row, shared as numeralTable is. A shortening weighs a little less than
// the word (0.95): Tech may stand for another word than Technology.
var abbreviationTable = func() map[string][]alt {
	m := map[string][]alt{}
	for _, forms := range abbreviations {
		link(m, forms, 0.95)
	}
	return m
}()

// abbreviationAlts returns the expansions of a common abbreviation (intl:
// international) and the abbreviations of a word. The slice is shared.
func abbreviationAlts(w string) []alt { return abbreviationTable[w] }
