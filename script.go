package warden

import "unicode"

var scripts = []struct {
	code  string
	table *unicode.RangeTable
}{
	{"Cyrl", unicode.Cyrillic},
	{"Hani", unicode.Han},
	{"Arab", unicode.Arabic},
	{"Grek", unicode.Greek},
	{"Hang", unicode.Hangul},
	{"Hira", unicode.Hiragana},
	{"Kana", unicode.Katakana},
	{"Hebr", unicode.Hebrew},
	{"Geor", unicode.Georgian},
	{"Armn", unicode.Armenian},
	{"Thai", unicode.Thai},
	{"Deva", unicode.Devanagari},
}

// DetectScript returns the ISO 15924 code of the first non-Latin script in s,
// "Latn" when s has letters only in Latin script, and "" when it has none.
func DetectScript(s string) string {
	latin := false
	for _, r := range s {
		if r < 0x80 {
			if unicode.IsLetter(r) {
				latin = true
			}
			continue
		}
		if unicode.Is(unicode.Latin, r) {
			latin = true
			continue
		}
		for _, sc := range scripts {
			if unicode.Is(sc.table, r) {
				return sc.code
			}
		}
	}
	if latin {
		return "Latn"
	}
	return ""
}
