package match

import (
	"strings"

	"github.com/gosimple/unidecode"
)

// Burmese writes a name without spaces, one syllable after another
// (မင်းအောင်လှိုင်), and Latin spellings write each syllable as a word,
// by its sound rather than its letters (Min Aung Hlaing): -င် is in,
// -ောင် aung, -ိုင် aing, ထ ht, သ th, လှ hl. unidecode reads the letters
// (mangaeaangliung); myanmarReading reads each syllable as lists spell
// it, a word each.
func myanmarReading(w string) string {
	rs := []rune(w)
	var out []string
	for i := 0; i < len(rs); {
		j := i + 1
		// A syllable runs to the next consonant that starts one: not
		// one killed by asat (်) or stacked under a virama (္).
		for j < len(rs) && !(myanmarCons(rs[j]) && !myanmarKilled(rs, j) && rs[j-1] != 0x1039) {
			j++
		}
		out = append(out, myanmarSyllable(rs[i:j]))
		i = j
	}
	return strings.Join(strings.Fields(strings.Join(out, " ")), " ")
}

// myanmarSyllable reads one syllable: its first consonant and medials,
// then its rhyme (the vowel signs and a final consonant with asat).
func myanmarSyllable(rs []rune) string {
	var initial, medial, rhyme strings.Builder
	k := 0
	if k < len(rs) && myanmarCons(rs[k]) {
		initial.WriteString(myanmarInitials[rs[k]-0x1000])
		k++
	} else if k < len(rs) {
		if v, ok := myanmarVowelLetters[rs[k]]; ok {
			initial.WriteString(v)
			k++
		}
	}
	h := false
	for ; k < len(rs); k++ {
		switch rs[k] {
		case 0x103B, 0x103C: // ျ ြ
			medial.WriteByte('y')
			continue
		case 0x103D: // ွ
			medial.WriteByte('w')
			continue
		case 0x103E: // ှ
			h = true
			continue
		}
		rhyme.WriteRune(rs[k])
	}
	in := initial.String()
	med := medial.String()
	switch {
	case h && (in == "y" || strings.Contains(med, "y")):
		in, med = "sh", strings.ReplaceAll(med, "y", "") // ရှ, လျှ = sh
	case h:
		in = "h" + in // လှ = hl, မှ = hm
	}
	r := rhyme.String()
	// Tone marks and stacked letters say nothing of the spelling.
	r = strings.Map(func(c rune) rune {
		if c == 0x1037 || c == 0x1038 || c == 0x1039 {
			return -1
		}
		return c
	}, r)
	v, ok := myanmarRhymes[r]
	if !ok {
		v = strings.ToLower(asciiLetters(r))
	}
	if med == "w" && (r == "" || r == "န်" || r == "မ်") {
		return in + map[string]string{"": "wa", "န်": "un", "မ်": "un"}[r]
	}
	return in + med + v
}

// asciiLetters is unidecode's reading of s, letters only.
func asciiLetters(s string) string {
	var b strings.Builder
	for _, c := range unidecode.Unidecode(s) {
		if c < 0x80 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// myanmarKilled reports whether the consonant at j has asat (်), after
// a tone mark or not (င့်).
func myanmarKilled(rs []rune, j int) bool {
	j++
	if thaiAt(rs, j) == 0x1037 {
		j++
	}
	return thaiAt(rs, j) == 0x103A
}

func myanmarCons(r rune) bool { return r >= 0x1000 && r <= 0x1021 }

// myanmarInitials read the consonants က to အ as Latin spellings of
// Burmese names do (ထ ht: Htun; သ th: Than; ဆ s, as in San more often
// than Hsan; ရ y, as it is said: Yangon).
var myanmarInitials = strings.Split("k,kh,g,g,ng,s,s,z,z,ny,ny,t,ht,d,d,n,t,ht,d,d,n,p,ph,b,b,m,y,y,l,w,th,h,l,", ",")

// myanmarVowelLetters read the independent vowels that start a syllable.
var myanmarVowelLetters = map[rune]string{'ဣ': "i", 'ဤ': "i", 'ဥ': "u", 'ဦ': "u", 'ဧ': "e", 'ဩ': "aw", 'ဪ': "aw"}

// myanmarRhymes read the rhymes of Burmese syllables: vowel signs, and
// a final consonant killed by asat.
var myanmarRhymes = map[string]string{
	"": "a", "ာ": "a", "ါ": "a", "ိ": "i", "ီ": "i", "ု": "u", "ူ": "u", "ေ": "e", "ဲ": "e",
	"ော": "aw", "ေါ": "aw", "ို": "o", "ော်": "aw", "ေါ်": "aw",
	"င်": "in", "ိုင်": "aing", "ောင်": "aung", "ေါင်": "aung", "ည်": "i", "ဉ်": "in",
	"န်": "an", "ိန်": "ein", "ုန်": "on", "မ်": "an", "ိမ်": "ein", "ုမ်": "on",
	"တ်": "at", "ိတ်": "eik", "ုတ်": "ok", "က်": "et", "ိုက်": "aik", "ောက်": "auk", "ေါက်": "auk",
	"စ်": "it", "ပ်": "at", "ိပ်": "eik", "ုပ်": "ok", "ယ်": "e", "ံ": "an", "ိံ": "ein", "ုံ": "on",
}
