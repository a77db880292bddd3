// Package match is Warden's screening engine: it normalises and
// transliterates names, indexes listed parties in memory, and scores and
// explains how well a query matches each. It is pure: no I/O, no clock, no
// randomness, so the same query against the same list gives the same answer.
package match

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// MaxNameRunes bounds the part of a name that is screened; longer input is
// cut there so that pathological queries cost bounded time.
const MaxNameRunes = 300

// fold reads s as a person sees it and lower-cases it: invisible format
// characters dropped and C1 controls read as Windows-1252 (visible),
// letters of Lisu, Cherokee and Canadian Syllabics drawn as Latin capitals
// read as those (latinLetters), NFKC
// (full-width and compatibility forms), letters spelt out one by one
// joined (spelled), letters of another script among a word's or a name's
// folded into that script (confusable), diacritics dropped from Latin
// letters (Garantex Europe OÜ = ou) but the vowel signs of scripts that
// write vowels so kept (vowelMark), small capitals and other letter-like
// forms read as the letter (letterLike), apostrophes dropped and every other
// non-letter, non-digit turned into a space. Letters of other scripts are
// kept. Look-alikes are folded before NFKC, which would turn some into
// letters that look nothing like them (the lunate sigma Ϲ, a C, into Σ),
// and again after it and the joining, for the letters those make.
func fold(s string) string {
	s = norm.NFKC.String(confusable(latinLetters(visible(s))))
	s = confusable(spelled(s))
	var b strings.Builder
	b.Grow(len(s))
	n := 0
	for _, r := range norm.NFD.String(s) {
		if n >= MaxNameRunes {
			break
		}
		n++
		switch {
		case vowelMark(r):
			b.WriteRune(r) // read by anyReading
		case unicode.Is(unicode.Mn, r), r == 'ـ':
			continue // combining marks (diacritics, Arabic vowel signs) and the tatweel
		case r == '\'' || r == '’' || r == 'ʼ' || r == '`' || r == '´':
			continue // O'Brien = OBrien
		case r == 'ß':
			b.WriteString("ss")
		case r == 'ø' || r == 'Ø':
			b.WriteByte('o')
		case r == 'æ' || r == 'Æ':
			b.WriteString("ae")
		case r == 'ł' || r == 'Ł':
			b.WriteByte('l')
		case r == 'đ' || r == 'Đ':
			b.WriteByte('d')
		case r == 'ı':
			b.WriteByte('i')
		case r > 0x7f && letterLike[r] != 0:
			b.WriteRune(letterLike[r])
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteByte(' ')
		}
	}
	return norm.NFC.String(b.String())
}

// vowelMark reports whether r is a combining mark of a script that writes
// vowels (or a consonant's voicing) with them: Thaana, the Brahmic scripts
// of India and South-East Asia, Tibetan, Mongolian and the kana's voicing
// marks. Dropped, as diacritics are, they would leave नरेन्द्र मोदी
// (Narendra Modi) as nrndr m d.
func vowelMark(r rune) bool {
	switch {
	case r < 0x0780:
		return false
	case r <= 0x07BF, r >= 0x0900 && r <= 0x109F, r >= 0x1700 && r <= 0x18AF, r >= 0x1A00 && r <= 0x1CFF,
		r == 0x3099, r == 0x309A, r >= 0xA800 && r <= 0xABFF:
		return unicode.In(r, unicode.Mn, unicode.Mc)
	}
	return false
}

// words splits a folded string into words.
func words(s string) []string { return strings.Fields(s) }

// isHan reports whether r is a Chinese character.
func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

// scriptOf names the script that matters for transliteration: "Hani",
// "Hang", "Cyrl", "Grek", "Arab", "Latn" (Latin letters, digits and
// everything that is no letter), or for the letters of any other script
// the name Go's unicode package gives it ("Thai", "Hebrew", "Georgian"),
// which anyReading reads. The first letter that is not Latin decides.
func scriptOf(s string) string {
	for _, r := range s {
		switch {
		case r < 0x80:
		case isHan(r):
			return "Hani"
		case unicode.Is(unicode.Hangul, r):
			return "Hang"
		case unicode.Is(unicode.Cyrillic, r):
			return "Cyrl"
		case unicode.Is(unicode.Greek, r):
			return "Grek"
		case unicode.Is(unicode.Arabic, r):
			return "Arab"
		case unicode.Is(unicode.Latin, r) || !unicode.IsLetter(r):
		default:
			if sc := otherScript(r); sc != "" {
				return sc
			}
		}
	}
	return "Latn"
}
