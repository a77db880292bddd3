package match

import (
	"slices"
	"strings"
	"unicode"

	"github.com/gosimple/unidecode"
)

// anyReading reads a name in a script the engine has no reader of its own
// for (Thai, Hebrew, Georgian, Devanagari, kana, ...) in Latin letters, so
// that no name is left without a reading. unidecode writes some scripts'
// syllables apart, or with marks for what it cannot spell (Ethiopic
// "bi-" or the apostrophe of a Devanagari virama); those separators are
// dropped inside a word, so that a word stays one word.
func anyReading(s string) string {
	var b strings.Builder
	for i, w := range words(s) {
		if i > 0 {
			b.WriteByte(' ')
		}
		for _, r := range w {
			for _, c := range unidecode.Unidecode(string(r)) {
				if c < 0x80 && (unicode.IsLetter(c) || unicode.IsDigit(c)) {
					b.WriteRune(unicode.ToLower(c))
				}
			}
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// scriptTables are the scripts of Go's unicode package in name order, for
// otherScript.
var scriptTables = func() []string {
	names := make([]string, 0, len(unicode.Scripts))
	for n := range unicode.Scripts {
		if n != "Latin" && n != "Common" && n != "Inherited" {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names
}()

// otherScript names the script of a letter in none of the scripts
// scriptOf knows by name, "" if none does.
func otherScript(r rune) string {
	for _, n := range scriptTables {
		if unicode.Is(unicode.Scripts[n], r) {
			return n
		}
	}
	return ""
}
