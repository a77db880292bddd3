package match

import (
	"bytes"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gosimple/unidecode"
)

// anyReading reads a name in a script the engine has no reader of its own
// for (Thai, Hebrew, Georgian, Devanagari, kana, ...) in Latin letters, so
// that no name is left without a reading: unidecode's reading of each
// letter and vowel sign, with what it leaves out or adds put right where
// that is systematic.
//
//   - Thai and Burmese words are read by readers of their own, as their
//     names are said and spelt in Latin letters (thaiReading,
//     myanmarReading); so are kana's small letters (ッ doubles the
//     consonant after it, ャ ュ ョ and small vowels make one syllable
//     with the kana before them: ハッサン = hassan, キョウ = kyou).
//   - It reads the long vowels of Khmer, Tamil and Bengali doubled, and
//     Ethiopic's long vowels, ኀ and ሠ rows as aa, ee, x and sz; they are
//     read as lists spell them (ownLetters, ethiopicLetters).
//   - unidecode reads the consonants of Brahmic scripts bare (न = n), but
//     one without a vowel sign or virama after it carries the vowel a
//     (नरेन्द्र = narendra); at the end of a word it is not pronounced and
//     not written (गौतम = gautam).
//   - It reads Ethiopic syllables of the sixth order with e (ድ = de), the
//     order that most often has no vowel (አሕመድ = ahmed), save at the
//     start of a word, which never begins with two consonants (ሥላሴ =
//     selase).
//   - Thai and Lao write some vowels before the consonant they follow in
//     speech (แพ = phae); they are read after it.
//   - Tamil's i between a word's first consonant and r is not written
//     in Latin (பிரபாகரன் = prapakaran).
//   - Its separators and signs for what it cannot spell (apostrophes,
//     hyphens) are dropped inside a word, which stays one word.
//
// A Thai name is read as it is said, or with learned set as its letters
// spell it (thaiReading).
func anyReading(s string, learned bool) string {
	var b strings.Builder
	for i, w := range words(s) {
		if i > 0 {
			b.WriteByte(' ')
		}
		r, _ := utf8.DecodeRuneInString(w)
		if r >= 0x1000 && r <= 0x102A {
			b.WriteString(myanmarReading(w))
			continue
		}
		if r >= 0x0E01 && r <= 0x0E5B {
			w = thaiReading(w, learned)
		}
		rs := []rune(w)
		if len(rs) > 2 && rs[0] >= 0x0B95 && rs[0] <= 0x0BB9 && rs[1] == 0x0BBF && rs[2] == 'ர' {
			// Tamil begins no word with two consonants: it writes a
			// borrowed pra with i (பிரபா, Prabha), which Latin spellings
			// leave out.
			rs[1] = 0x0BCD
		}
		for j := 0; j+1 < len(rs); j++ {
			if leadingVowel(rs[j]) && unicode.IsLetter(rs[j+1]) && !leadingVowel(rs[j+1]) {
				rs[j], rs[j+1] = rs[j+1], rs[j]
				j++
			}
		}
		var out []byte // the word read so far
		double := false
		for j, r := range rs {
			lat, ok := ownLetters[r]
			if !ok {
				lat = unidecode.Unidecode(string(r))
			}
			switch {
			case ethiopicSixth(r) && (j > 0 || j+1 == len(rs)):
				// A word does not begin with two consonants: the first
				// syllable keeps its vowel.
				lat = strings.TrimSuffix(lat, "e")
			case r >= 0x1200 && r <= 0x139F:
				lat = ethiopicLetters.Replace(lat)
			}
			switch {
			case r == 'ッ' || r == 'っ':
				double = true // the next consonant is doubled
				continue
			case strings.ContainsRune("ャュョゃゅょ", r) && len(out) > 0 && out[len(out)-1] == 'i':
				out = out[:len(out)-1]
				if !bytes.HasSuffix(out, []byte("sh")) && !bytes.HasSuffix(out, []byte("ch")) && !bytes.HasSuffix(out, []byte("j")) {
					out = append(out, 'y')
				}
				lat = lat[1:] // kya, sha: the small kana is the vowel
			case strings.ContainsRune("ァィゥェォぁぃぅぇぉ", r) && len(out) > 1 && isVowel(out[len(out)-1]):
				out = out[:len(out)-1] // ティ, フィ: the small kana is the vowel
			}
			for _, c := range lat {
				if c < 0x80 && (unicode.IsLetter(c) || unicode.IsDigit(c)) {
					c = unicode.ToLower(c)
					if double && !isVowel(byte(c)) {
						out = append(out, byte(c))
					}
					double = false
					out = append(out, byte(c))
				}
			}
			if j+1 < len(rs) && brahmicConsonant(r, lat) && !unicode.In(rs[j+1], unicode.Mn, unicode.Mc) {
				out = append(out, 'a')
			}
		}
		b.Write(out)
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// ethiopicLetters put right unidecode's reading of Ethiopic syllables:
// the ኀ row is h, the ሠ row s, and the long vowels of the fourth and
// fifth orders are written single (ላ = la, ሴ = se), as lists write them.
var ethiopicLetters = strings.NewReplacer("x", "h", "sz", "s", "aa", "a", "ee", "e")

// ownLetters read the letters of alphabets whose names lists spell by a
// national system unidecode does not follow: Georgian (the 2002 national
// system: ძ dz, ხ kh, where unidecode writes z and x) and Armenian (BGN/PCGN:
// Ռ r, not rh; Ո o, ու u).
var ownLetters = func() map[rune]string {
	m := map[rune]string{}
	for i, s := range strings.Fields("a b g d e v z t i k l m n o p zh r s t u p k gh q sh ch ts dz ts ch kh j h") {
		m[rune(0x10D0+i)] = s // ა to ჰ, in order
	}
	for i, s := range strings.Fields("a b g d e z e y t zh i l kh ts k h dz gh ch m y n sh o ch p j r s v t r ts w p k o f") {
		m[rune(0x0561+i)] = s // ա to ֆ, in order
	}
	m['ւ'] = "u" // ու is u: ou, which the skeleton reads u
	m['և'] = "ev"
	// Khmer, Tamil and Bengali long vowels, and Khmer and Tamil
	// retroflex and alveolar n and l, are written as the short ones and
	// plain n and l in the usual Latin spellings (Hun Sen, Velupillai,
	// Hasina), where unidecode doubles them.
	for _, p := range []string{"ា a", "ី i", "ូ u", "ែ e", "ណ n", "ឡ l",
		"ா a", "ீ i", "ூ u", "ே e", "ோ o", "ள l", "ன n", "ழ zh",
		"া a", "ী i", "ূ u"} {
		r, _ := utf8.DecodeRuneInString(p)
		m[r] = p[strings.IndexByte(p, ' ')+1:]
	}
	// Kana in Hepburn, as Japanese passports write them.
	for _, p := range []string{"ジ ji", "じ ji", "ヂ ji", "ぢ ji", "ヅ zu", "づ zu", "フ fu", "ふ fu"} {
		r, _ := utf8.DecodeRuneInString(p)
		m[r] = p[strings.IndexByte(p, ' ')+1:]
	}
	return m
}()

// leadingVowel reports whether r is a Thai or Lao vowel written before
// its consonant.
func leadingVowel(r rune) bool { return r >= 0x0E40 && r <= 0x0E44 || r >= 0x0EC0 && r <= 0x0EC4 }

// brahmicConsonant reports whether r, read lat, is a consonant of a
// Brahmic script (Devanagari to Sinhala, Tibetan, Myanmar, Khmer): a
// letter of one of their blocks that unidecode reads without a vowel.
func brahmicConsonant(r rune, lat string) bool {
	if !(r >= 0x0900 && r <= 0x0DFF || r >= 0x0F00 && r <= 0x109F || r >= 0x1780 && r <= 0x17FF) || !unicode.IsLetter(r) || lat == "" {
		return false
	}
	return !strings.ContainsAny(lat, "aeiouAEIOU")
}

// ethiopicSixth reports whether r is an Ethiopic syllable of the sixth
// order (each consonant's syllables come in rows of eight, the sixth the
// consonant without a vowel or with ə).
func ethiopicSixth(r rune) bool {
	return r >= 0x1200 && r <= 0x135A && (r-0x1200)%8 == 5
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
