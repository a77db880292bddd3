package match

import "strings"

// Cyrillic to Latin in the schemes that sanctions lists actually use. Each
// scheme is a table of lower-case letters; a name is transliterated in every
// scheme and all readings are kept, so that Якубец meets Yakubets (BGN/PCGN),
// Iakubets (ICAO 9303) and Jakubez (German).

type scheme struct {
	name  string
	table map[rune]string
	// initialE is how е is written at the start of a word or after a vowel
	// (BGN/PCGN "ye"); empty means as in the table.
	initialE string
}

var cyrBase = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e", 'ж': "zh", 'з': "z", 'и': "i",
	'й': "y", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t",
	'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch", 'ъ': "", 'ы': "y", 'ь': "",
	'э': "e", 'ю': "yu", 'я': "ya",
	// Ukrainian and Belarusian letters.
	'і': "i", 'ї': "yi", 'є': "ye", 'ґ': "g", 'ў': "w",
}

func with(base map[rune]string, over map[rune]string) map[rune]string {
	m := make(map[rune]string, len(base)+len(over))
	for k, v := range base {
		m[k] = v
	}
	for k, v := range over {
		m[k] = v
	}
	return m
}

var cyrSchemes = []scheme{
	// BGN/PCGN (Russian), the US and UK government standard.
	{name: "bgn", table: with(cyrBase, map[rune]string{'ё': "yo"}), initialE: "ye"},
	// ICAO 9303, used in passports since 2013.
	{name: "icao", table: with(cyrBase, map[rune]string{'й': "i", 'ъ': "ie", 'ю': "iu", 'я': "ia"})},
	// Ukrainian national system (2010): г is h, и is y.
	{name: "ukr", table: with(cyrBase, map[rune]string{'г': "h", 'и': "y", 'й': "i", 'х': "kh"}), initialE: "ye"},
	// GOST 7.79 system B, close to common English spellings.
	{name: "gost", table: with(cyrBase, map[rune]string{'х': "x", 'ц': "cz", 'щ': "shh", 'й': "j", 'ю': "yu", 'я': "ya"})},
	// German spelling: Jewgeni, Schtschukin.
	{name: "de", table: with(cyrBase, map[rune]string{'в': "w", 'ж': "sch", 'з': "s", 'й': "j", 'х': "ch", 'ц': "z", 'ч': "tsch", 'ш': "sch", 'щ': "schtsch", 'ю': "ju", 'я': "ja", 'е': "e", 'э': "e"}), initialE: "je"},
}

const cyrVowels = "аеёиоуыэюяіїєaeiou"

// cyrillicReadings returns s (folded) written in each scheme, duplicates
// removed.
func cyrillicReadings(s string) []string {
	var out []string
	for _, sc := range cyrSchemes {
		var b strings.Builder
		prev := ' '
		for _, r := range s {
			if t, ok := sc.table[r]; ok {
				if r == 'е' && sc.initialE != "" && (prev == ' ' || strings.ContainsRune(cyrVowels, prev) || prev == 'ь' || prev == 'ъ') {
					t = sc.initialE
				}
				b.WriteString(t)
			} else {
				b.WriteRune(r)
			}
			prev = r
		}
		out = appendNew(out, b.String())
	}
	return out
}

// Greek to Latin (ELOT 743, simplified).
var greek = map[rune]string{
	'α': "a", 'β': "v", 'γ': "g", 'δ': "d", 'ε': "e", 'ζ': "z", 'η': "i", 'θ': "th", 'ι': "i", 'κ': "k",
	'λ': "l", 'μ': "m", 'ν': "n", 'ξ': "x", 'ο': "o", 'π': "p", 'ρ': "r", 'σ': "s", 'ς': "s", 'τ': "t",
	'υ': "y", 'φ': "f", 'χ': "ch", 'ψ': "ps", 'ω': "o",
}

// greekDigraphs are the pairs of Greek letters ELOT 743 writes otherwise
// than letter by letter, those only at the start of a word first.
var greekDigraphs = strings.NewReplacer(
	" μπ", " b", " ντ", " d", " γκ", " g", "ου", "ou", "γγ", "ng", "γκ", "nk", "γξ", "nx", "γχ", "nch",
	"αυ", "av", "ευ", "ev", "ηυ", "iv",
)

// greekReadings reads a folded Greek name in ELOT 743, and once more with
// γι before a vowel read y, as the name is said and often written
// (Γιάνης = Yanis as well as Gianis).
func greekReadings(s string) []string {
	d := strings.TrimPrefix(greekDigraphs.Replace(" "+s), " ")
	out := []string{mapRunes(d, greek)}
	var b strings.Builder
	rs := []rune(d)
	for i := 0; i < len(rs); i++ {
		if rs[i] == 'γ' && i+2 < len(rs) && rs[i+1] == 'ι' && strings.ContainsRune("αεηιοωυ", rs[i+2]) {
			b.WriteByte('y')
			i++
			continue
		}
		b.WriteRune(rs[i])
	}
	return appendNew(out, mapRunes(b.String(), greek))
}

// Arabic to Latin at a basic level: consonants as in common English
// spellings, long vowels as a, u, i; short vowels are not written in Arabic,
// so fuzzy matching has to bridge them.
var arabic = map[rune]string{
	'ا': "a", 'أ': "a", 'إ': "i", 'آ': "a", 'ب': "b", 'ت': "t", 'ث': "th", 'ج': "j", 'ح': "h", 'خ': "kh",
	'د': "d", 'ذ': "dh", 'ر': "r", 'ز': "z", 'س': "s", 'ش': "sh", 'ص': "s", 'ض': "d", 'ط': "t", 'ظ': "z",
	'ع': "", 'غ': "gh", 'ف': "f", 'ق': "q", 'ك': "k", 'ل': "l", 'م': "m", 'ن': "n", 'ه': "h", 'ة': "a",
	'و': "w", 'ي': "y", 'ى': "a", 'ء': "", 'ئ': "", 'ؤ': "", 'پ': "p", 'چ': "ch", 'ژ': "zh", 'گ': "g", 'ک': "k", 'ی': "y",
	compoundMark: "u",
}

// arabicReading writes Arabic letters in Latin and splits off the article
// (الرحمن = al rhmn), so that its words meet their Latin spellings by
// consonants.
//
// Particles are written as their usual Latin words (بن bin, أبو abu), and
// عبد is joined to the word after it, article and all (عبد الله =
// abdallh, meeting Abdullah and Abd Allah by consonants); so is it when
// written joined to it (عبدالرحمن = abdalrhmn).
func arabicReading(s string) string {
	var ws []string
	in := words(s)
	for i := 0; i < len(in); i++ {
		w := in[i]
		if p, ok := arabicParticles[w]; ok {
			ws = append(ws, p)
			continue
		}
		if w == "عبد" && i+1 < len(in) {
			i++
			ws = append(ws, "abd"+mapRunes(in[i], arabic))
			continue
		}
		if rest, ok := strings.CutPrefix(w, "عبد"); ok && (strings.HasPrefix(rest, "ال") || strings.ContainsRune(rest, compoundMark)) {
			// عبد written joined to the word after it (عبدالرحمن).
			ws = append(ws, "abd"+mapRunes(rest, arabic))
			continue
		}
		if strings.HasPrefix(w, "ال") && len([]rune(w)) > 3 {
			ws = append(ws, "al")
			w = strings.TrimPrefix(w, "ال")
		}
		ws = append(ws, arabicWord(w))
	}
	return strings.Join(ws, " ")
}

// arabicWord reads one word in Arabic. A final ه after a consonant is
// the feminine ending (taa marbuta) as Afghan and colloquial spelling
// writes it, the vowel a (فاطمه = fatma, Fatima; جمعه = Juma), save in
// Allah (الله) and words of two letters (طه, Taha); the Persian readings
// read it h (Fatemeh).
func arabicWord(w string) string {
	lat := mapRunes(w, arabic)
	rs := []rune(w)
	n := len(rs)
	if n >= 3 && rs[n-1] == 'ه' && !strings.ContainsRune("اويى", rs[n-2]) && !strings.HasSuffix(w, "لله") {
		lat = strings.TrimSuffix(lat, "h") + "a"
	}
	return lat
}

var arabicParticles = map[string]string{
	"بن": "bin", "ابن": "ibn", "إبن": "ibn", "بنت": "bint", "أبو": "abu", "ابو": "abu", "أبي": "abi", "ابي": "abi", "أم": "umm", "ام": "umm",
}

func mapRunes(s string, table map[rune]string) string {
	var b strings.Builder
	for _, r := range s {
		if t, ok := table[r]; ok {
			b.WriteString(t)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func appendNew(ss []string, s string) []string {
	for _, x := range ss {
		if x == s {
			return ss
		}
	}
	return append(ss, s)
}
