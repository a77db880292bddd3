package match

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// Persian in Arabic script. Persian adds پ چ ژ گ (p, ch, zh, g) and writes
// ی and ک where Arabic writes ي and ك (both are read alike); it reads
// several Arabic letters otherwise: ض ذ ظ as z (رضا = Reza, not Rida),
// ث and ص as s, ق and غ alike as gh or q (قاسم = Qasem and Ghasem), و as
// v at the start of a word (Vahidi). A word's initial ع is the vowel a
// (علی = Ali). The zero-width non-joiner inside a word (حاجی‌زاده) is
// dropped by fold, which joins the word as one; the suffix زاده (-zadeh,
// "born of") written apart is joined to the word before it, as lists write
// it (Hajizadeh), and ه before the suffix ای is the vowel e (خامنه‌ای =
// Khamenei). The ezafe, a short vowel, is not written and so not read.
var persian = with(arabic, map[rune]string{
	'ض': "z", 'ذ': "z", 'ظ': "z", 'ث': "s", 'ص': "s", 'ط': "t", 'ح': "h", 'ة': "eh",
})

// persianLetters are the letters only Persian (and the languages writing
// as it does) uses: a name holding one is read as Persian first.
const persianLetters = "پچژگکی"

// persianReadings reads a folded name in Arabic script: in Arabic and in
// Persian, with ق and غ read as q and gh, both as gh and both as q
// (Gholam and Qolam). The
// Persian readings come first for a name written with Persian letters.
//
// A name holding a compound (سعد الدين, نجيب الله) is read twice more,
// its compounds joined as Latin spellings write them (compoundForms),
// in the reader the name's letters call for.
func persianReadings(s string) []string {
	ar := arabicReading(s)
	fa := persianReading(s, "q", "gh")
	persian := strings.ContainsAny(s, persianLetters)
	out := []string{ar}
	if persian {
		out = []string{fa}
	}
	out = appendNew(out, fa)
	out = appendNew(out, persianReading(s, "gh", "gh"))
	out = appendNew(out, persianReading(s, "q", "q"))
	out = appendNew(out, ar)
	for _, j := range compoundForms(s) {
		if persian {
			out = appendNew(out, persianReading(j, "q", "gh"))
		} else {
			out = appendNew(out, arabicReading(j))
		}
	}
	return out
}

// compoundStems are the words that, with the article, end a compound
// given name: a word and ad-Din ("of the faith"), Allah, ar-Rahman,
// al-Haq, al-Islam, an-Nabi, az-Zaman, al-Malik, an-Nur, al-Amin,
// ad-Dawla. Such a name is written in Arabic as two words or one
// (سعد الدين, شمسالدين) and in Latin letters as one or two, its
// article written al, el, ul or, before a sun letter, assimilated to it
// (Saaduddin, Shamsaldin, Najibullah, Ziaurrahman, Saad Eddine).
var compoundStems = map[string]bool{
	"دين": true, "دین": true, "له": true, "رحمن": true, "رحمان": true, "رحيم": true, "رحیم": true,
	"حق": true, "إسلام": true, "اسلام": true, "نبي": true, "نبی": true, "زمان": true, "ملك": true,
	"ملک": true, "نور": true, "أمين": true, "امين": true, "امین": true, "دولة": true, "دوله": true,
}

// sunLetters are the letters the article ال assimilates to: al-Din is
// said and often written ad-Din, al-Rahman ar-Rahman.
const sunLetters = "تثدذرزسشصضطظلن"

// compoundMark stands, inside a compound joined by compoundForms, for
// the vowel u that Latin spellings write between its parts (Sad-ud-Din,
// Najib-ul-lah); the readers read it u.
const compoundMark = '\uE000'

// compoundForms returns a folded Arabic-script name with its compounds
// (a word, then the article and one of compoundStems, written apart or
// joined) written as one word in the two ways Latin spellings join them:
// the article kept (سعدالدين, read sdaldyn: Saadaldin, Saad al-Din
// joined) and assimilated after the vowel u (سعد‹u›ددين, read sduddyn:
// Saduddin; before a letter the article does not assimilate, ul:
// Inamulhaq). The name read as written meets the spellings that keep the
// words apart (Saad Eddine). Nil when the name has no compound.
func compoundForms(s string) []string {
	ws := words(s)
	var kept, assim []string
	found := false
	for _, w := range ws {
		stem, joined := compoundEnd(w)
		if stem == "" {
			kept, assim = append(kept, w), append(assim, w)
			continue
		}
		prev := strings.TrimSuffix(w, "ال"+stem)
		if joined && prev != "" {
			// Written as one word: its first part is the previous word.
			kept, assim = append(kept, prev), append(assim, prev)
		}
		n := len(kept)
		if n == 0 || arabicParticles[kept[n-1]] != "" {
			kept, assim = append(kept, w), append(assim, w)
			continue
		}
		found = true
		kept[n-1] += "ال" + stem
		first, _ := utf8.DecodeRuneInString(stem)
		if strings.ContainsRune(sunLetters, first) {
			assim[n-1] += string(compoundMark) + string(first) + stem
		} else {
			assim[n-1] += string(compoundMark) + "ل" + stem
		}
	}
	if !found {
		return nil
	}
	k, a := strings.Join(kept, " "), strings.Join(assim, " ")
	return []string{k, a}
}

// compoundEnd returns the stem of a word that is or ends in the article
// and one of compoundStems, and whether the word holds more before it
// (شمسالدين); "" if it is none.
func compoundEnd(w string) (stem string, joined bool) {
	i := strings.LastIndex(w, "ال")
	if i < 0 || !compoundStems[w[i+len("ال"):]] {
		return "", false
	}
	if i > 0 && utf8.RuneCountInString(w[:i]) < 2 {
		return "", false // لله, a word of its own
	}
	return w[i+len("ال"):], i > 0
}

// persianReading reads s in Persian, with ق written qaf and غ ghain.
func persianReading(s, qaf, ghain string) string {
	var ws []string
	for _, w := range words(s) {
		if p, ok := arabicParticles[w]; ok {
			ws = append(ws, p)
			continue
		}
		if (w == "زاده" || w == "زاد") && len(ws) > 0 {
			ws[len(ws)-1] += persianWord(w, qaf, ghain)
			continue
		}
		ws = append(ws, persianWord(w, qaf, ghain))
	}
	return strings.Join(ws, " ")
}

// persianWord reads one word of a Persian name. Two letters whose
// readings would run together into a digraph they do not spell (ت ض, t z,
// is not the tz of Quetzal, which the skeleton reads as c) are kept apart
// by an e, a vowel as the script leaves unwritten, which matching by
// consonants ignores (مرتضی = mortezy, meeting Morteza).
func persianWord(w, qaf, ghain string) string {
	var b strings.Builder
	rs := []rune(w)
	for i, r := range rs {
		if i > 0 && b.Len() > 0 && strings.IndexByte("tskcpg", b.String()[b.Len()-1]) >= 0 && strings.ContainsRune("زسصثضظذهحخشژ", r) {
			b.WriteByte('e')
		}
		switch {
		case r == 'ق':
			b.WriteString(qaf)
		case r == 'غ':
			b.WriteString(ghain)
		case r == 'ع' && i == 0:
			b.WriteByte('a')
		case r == 'و' && i == 0:
			b.WriteByte('v')
		case r == 'ه' && i > 0 && string(rs[i+1:]) == "ای":
			b.WriteByte('e')
		default:
			if t, ok := persian[r]; ok {
				b.WriteString(t)
			} else {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

// persianSpellings are the Latin spellings of Persian and Arabic given
// names that lists and passports use for one name and that differ by more
// than fuzzy matching bridges (Husain and Hossein differ in two vowels of
// six letters). Each spelling of a group is an alt of the others
// (spellingAlts).
var persianSpellings = [][]string{
	{"mohammad", "mohammed", "muhammad", "muhammed", "mohamad", "mohamed", "mohammet", "mukhammad", "mahomed"},
	{"hossein", "hosein", "husain", "hussein", "husein", "hussain", "husayn", "hosseyn", "hussin", "hosain"},
	{"hosseini", "hoseini", "husaini", "husseini", "huseini", "hussaini", "husayni", "hosaini"},
	{"reza", "riza", "rida", "ridha", "rezza"},
	{"hassan", "hasan", "hasson"}, {"mahmoud", "mahmud", "mahmood", "makhmud"},
	{"mostafa", "mustafa", "moustafa", "mustapha", "mostapha"}, {"mojtaba", "mujtaba", "mojataba"},
	{"morteza", "murtaza", "mortaza", "murtada", "mortaza"}, {"ebrahim", "ibrahim", "ebrahem", "ibraheem"},
	{"esmail", "ismail", "ismael", "esmaeil", "esmaiel", "ismayil"}, {"yousef", "yusuf", "youssef", "yousuf", "yosef", "usef"},
	{"sadegh", "sadeq", "sadiq", "sadek", "sadeg"}, {"qasem", "ghasem", "kasem", "qassem", "kassem", "qasim", "gasem"},
	{"gholam", "ghulam", "golam", "qolam"}, {"abolfazl", "abulfazl", "abolfazel", "abulfadl"},
	{"ahmad", "ahmed", "akhmad", "akhmed"}, {"mehdi", "mahdi", "mehdy"}, {"seyed", "sayed", "sayyid", "seyyed", "sayyed", "seyyid", "said", "syed"},
	{"jafar", "jaafar", "jafer", "dzhafar"}, {"javad", "jawad", "djavad"}, {"hojjat", "hujjat", "hodjat"},
	{"abdollah", "abdullah", "abdallah", "abdolah"}, {"ruhollah", "rouhollah", "ruhullah"}, {"rouhani", "rohani", "ruhani"},
	{"mohsen", "muhsin", "mohsin"}, {"hamid", "hameed"}, {"majid", "majeed", "madjid"}, {"saeed", "saeid", "said", "sayeed"},
	{"zadeh", "zade", "zada"}, {"vali", "wali"}, {"ghalibaf", "qalibaf", "galibaf"},
	{"davood", "davoud", "dawud", "davud", "daoud"}, {"isa", "issa", "eesa"}, {"musa", "mousa", "moosa"},
	{"ali", "aly"}, {"akbar", "akber"}, {"asghar", "asgar"}, {"kazem", "kazim", "kadhim"}, {"bagher", "baqer", "baqir", "bagir"},
}

// persianNames are given names as Persian writes them, each with its usual
// Latin spelling (a spelling of persianSpellings, whose group it brings).
// Read letter by letter, some have too few consonants to meet their Latin
// spellings (جواد = jwad, whose j the skeleton reads as a vowel: Javad);
// their readings get the spellings as alts.
var persianNames = map[string]string{
	"محمد": "mohammad", "علی": "ali", "حسین": "hossein", "حسن": "hassan", "رضا": "reza", "جواد": "javad",
	"مهدی": "mehdi", "احمد": "ahmad", "محمود": "mahmoud", "مصطفی": "mostafa", "مجتبی": "mojtaba",
	"مرتضی": "morteza", "ابراهیم": "ebrahim", "اسماعیل": "esmail", "یوسف": "yousef", "صادق": "sadegh",
	"قاسم": "qasem", "غلام": "gholam", "ابوالفضل": "abolfazl", "سید": "seyed", "جعفر": "jafar", "حجت": "hojjat",
	"عبدالله": "abdollah", "روحالله": "ruhollah", "محسن": "mohsen", "حمید": "hamid", "مجید": "majid",
	"سعید": "saeed", "ولی": "vali", "امیر": "amir", "اکبر": "akbar", "اصغر": "asghar", "کاظم": "kazem",
	"باقر": "bagher", "عباس": "abbas", "داود": "davood", "جلال": "jalal", "حسینی": "hosseini",
	"عیسی": "isa", "موسی": "musa", "یحیی": "yahya", "جمال": "jamal", "نجف": "najaf", "فرهاد": "farhad",
}

// spellingTable maps each spelling of persianSpellings, and the readings
// of persianNames, to their alts.
var spellingTable = func() map[string][]alt {
	m := map[string][]alt{}
	for fa, lat := range persianNames {
		g := []string{lat}
		for _, sp := range persianSpellings {
			if slices.Contains(sp, lat) {
				g = sp
			}
		}
		var rs []string
		for _, r := range persianReadings(fa) {
			rs = appendNew(rs, r)
		}
		for _, r := range rs {
			for _, o := range g {
				m[r] = appendAlts(m[r], []alt{newAlt(o, spellingSim)})
			}
		}
	}
	for _, g := range persianSpellings {
		for _, w := range g {
			for _, o := range g {
				if o != w {
					m[w] = appendAlts(m[w], []alt{newAlt(o, spellingSim)})
				}
			}
		}
	}
	return m
}()

// spellingSim is how alike two spellings of one name are: as alike as
// two words of one skeleton.
const spellingSim = 0.95

// spellingAlts returns the other spellings of a given name (shared slice).
func spellingAlts(w string) []alt { return spellingTable[w] }
