package match

import (
	"maps"
	"slices"
	"strings"

	"warden"
)

// kind says what a token is, which decides how much it weighs.
type kind uint8

const (
	kindWord       kind = iota // a distinctive word
	kindLegal                  // a legal form: Ltd, LLC, JSC, GmbH
	kindConnector              // bin, al, de, van: carries little
	kindPatronymic             // -ovich, -ovna: often missing from a query
	kindInitial                // a single letter
)

//go:generate go run ./internal/genlegal -o legal_gen.go
//go:generate go test -run TestLegalReadings . -args -update-legal

// legalEntry is one legal form of the generated table (legal_gen.go): the
// form as names write it, folded, and the key forms are compared by, so
// that a form spelled out and its abbreviation meet (Aktiebolag = AB,
// Obshchestvo s ogranichennoy otvetstvennostyu = OOO). Edge marks a short
// form known only from GLEIF's list, a legal form only at either end of a
// name (it is also a syllable of names).
type legalEntry struct {
	form, key string
	edge      bool
}

// legalForm is what a legal form of legalForms reads as.
type legalForm struct {
	key  string
	edge bool
}

// legalForms maps legal forms, folded and read into Latin letters (word
// sequences joined with spaces), to their keys: the generated table's
// Latin forms as they are, its forms in other scripts as the engine reads
// them (legalRead: Общество с ограниченной ответственностью as
// obshchestvo s ogranichennoy otvetstvennostyu and its other readings).
// A form that is also a connector or title stays one. Group, Holding and
// Trading, which the hand-written table had, are no legal forms: they
// weigh as words, by their rarity.
var legalForms = buildLegalForms()

// legalStarts holds the first word of every legal form of several words
// (legalForms): legalAt looks a word that starts none up alone, without
// joining it with the words after it four times over.
var legalStarts = func() map[string]bool {
	m := map[string]bool{}
	for f := range legalForms {
		if sp := strings.IndexByte(f, ' '); sp > 0 {
			m[f[:sp]] = true
		}
	}
	return m
}()

// buildLegalForms makes legalForms.
func buildLegalForms() map[string]legalForm {
	m := make(map[string]legalForm, len(legalLatin)+len(legalRead))
	for _, e := range legalLatin {
		if !connectors[e.form] && !titles[e.form] {
			m[e.form] = legalForm{e.key, e.edge}
		}
	}
	for _, e := range legalRead {
		if _, ok := m[e.form]; !ok && !connectors[e.form] && !titles[e.form] {
			m[e.form] = legalForm{e.key, e.edge}
		}
	}
	abbreviateLegal(m)
	return m
}

// abbreviateLegal adds to legal-form table m each Latin form of several
// words with its last word written as the table abbreviates it, or spelt
// out, as names write them (Joint Stock Co for Joint Stock Company): two
// one-word forms of the same key, one of which abbreviates the other
// (abbreviates), stand for each other at the end of a longer form. The
// generated table's order decides which form a new one takes after, so
// that m is the same in every process.
func abbreviateLegal(m map[string]legalForm) {
	// key and first letter -> the one-word forms of the key with that
	// letter (an abbreviation keeps its word's first letter)
	byKey := map[string][]string{}
	for _, e := range legalLatin {
		if e.form != "" && !strings.Contains(e.form, " ") {
			k := e.key + " " + e.form[:1]
			byKey[k] = append(byKey[k], e.form)
		}
	}
	partners := map[string][]string{} // last word -> its abbreviations and spellings out
	for _, e := range legalLatin {
		sp := strings.LastIndexByte(e.form, ' ')
		if sp < 0 {
			continue
		}
		last := e.form[sp+1:]
		ws, ok := partners[last]
		if !ok {
			if one, ok := m[last]; ok {
				for _, w := range byKey[one.key+" "+last[:1]] {
					if w != last && (abbreviates(w, last) || abbreviates(last, w)) {
						ws = append(ws, w)
					}
				}
			}
			partners[last] = ws
		}
		for _, w := range ws {
			if f := e.form[:sp+1] + w; !hasLegal(m, f) {
				m[f] = legalForm{e.key, e.edge}
			}
		}
	}
}

func hasLegal(m map[string]legalForm, f string) bool { _, ok := m[f]; return ok }

// abbreviates reports whether a is an abbreviation of the longer word w:
// its first letter and then the rest of its letters in w's order (co,
// company; ltd, limited; corp, corporation).
func abbreviates(a, w string) bool {
	if len(a) < 2 || len(a) >= len(w) || a[0] != w[0] {
		return false
	}
	j := 1
	for i := 1; i < len(w) && j < len(a); i++ {
		if w[i] == a[j] {
			j++
		}
	}
	return j == len(a)
}

// legalReadings are the Latin readings of the generated table's forms in
// other scripts, as legal_read_gen.go lists them (generated from
// legalOther by TestLegalReadings, as reading them at start-up would cost
// several milliseconds): each folded and read as a company's name, and
// again with shortY; a key in another script is its first reading, its
// single letters joined. A one-word reading of Chinese or Japanese
// characters (株 as zhu) is a Pinyin syllable, a word of many names, and
// is left out, as is a reading of single letters (lettersOnly).
func legalReadings() []legalEntry {
	// A reading two forms share takes the smaller key, whatever order
	// the readers give their readings in.
	got := map[string]legalEntry{}
	for _, e := range legalOther {
		key := e.key
		if !isASCII(key) {
			rs := readings(fold(key), warden.SchemaCompany)
			if len(rs) == 0 || !isASCII(rs[0]) {
				continue
			}
			key = joinLetters(words(rs[0]))
		}
		f := fold(e.form)
		han := scriptOf(f) == "Hani"
		for _, r := range readings(f, warden.SchemaCompany) {
			for _, r := range []string{strings.Join(words(r), " "), shortY(r)} {
				if r == "" || !isASCII(r) || han && !strings.Contains(r, " ") || lettersOnly(r) {
					continue
				}
				if old, ok := got[r]; !ok || key < old.key {
					got[r] = legalEntry{r, key, e.edge}
				}
			}
		}
	}
	out := slices.Collect(maps.Values(got))
	slices.SortFunc(out, func(a, b legalEntry) int { return strings.Compare(a.form, b.form) })
	return out
}

// lettersOnly reports whether a reading is letters written apart (בע"מ
// read b m), a person's initials as much as a legal form.
func lettersOnly(r string) bool {
	for _, w := range words(r) {
		if len(w) > 1 {
			return false
		}
	}
	return true
}

// joinLetters joins ws with spaces, and runs of single letters without
// (s a = sa), as the generator writes keys.
func joinLetters(ws []string) string {
	var b strings.Builder
	for i, w := range ws {
		if i > 0 && (len(w) > 1 || len(ws[i-1]) > 1) {
			b.WriteByte(' ')
		}
		b.WriteString(w)
	}
	return b.String()
}

// shortY writes the short i (й) that ends a word of a Cyrillic reading as
// y, as lists mostly romanise it (ogranichennoy for ogranichennoi and
// ogranichennoj): the readings give other spellings of it.
func shortY(r string) string {
	ws := words(r)
	for i, w := range ws {
		if n := len(w); n > 2 && (w[n-1] == 'i' || w[n-1] == 'j') && isVowel(w[n-2]) {
			ws[i] = w[:n-1] + "y"
		}
	}
	return strings.Join(ws, " ")
}

// isASCII reports whether s is all ASCII.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// maxLegalWords is the most words a legal form spans.
const maxLegalWords = 5

// connectors are particles of names that carry little on their own.
var connectors = map[string]bool{
	"bin": true, "ibn": true, "bint": true, "al": true, "el": true, "abu": true, "abd": true, "ben": true,
	"de": true, "del": true, "da": true, "di": true, "dos": true, "das": true, "do": true, "van": true, "von": true,
	"der": true, "den": true, "la": true, "le": true, "y": true, "e": true, "of": true, "the": true, "and": true, "for": true,
}

// titles are honorifics and ranks dropped from names.
var titles = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "miss": true, "dr": true, "prof": true, "sir": true, "sheikh": true,
	"shaikh": true, "haji": true, "hajji": true, "mullah": true, "maulana": true, "general": true, "gen": true,
	"colonel": true, "col": true, "major": true, "maj": true, "captain": true, "capt": true, "lieutenant": true,
	"lt": true, "admiral": true, "adm": true, "brigadier": true, "imam": true, "mufti": true,
	"господин": true, "г-н": true,
}

// patronymicEndings are the endings of East Slavic patronymics as lists
// romanise them.
var patronymicEndings = []string{"ovich", "evich", "yevich", "yich", "ovna", "evna", "yevna", "ovych", "evych", "ivna", "ichna", "ovitch", "evitch", "owitsch", "ewitsch", "owna", "ewna"}

// isPatronymic reports whether a word looks like an East Slavic patronymic:
// a stem of two letters or more (Lev gives Lvovich) and a patronymic ending,
// -yich among them for the fathers' names in -ya (Ilya gives Ilyich).
func isPatronymic(w string) bool {
	for _, suf := range patronymicEndings {
		if len(w) >= len(suf)+2 && strings.HasSuffix(w, suf) {
			return true
		}
	}
	return false
}

// token is one word of a prepared name. Its fields are laid out widest
// first, so that it takes 120 bytes, not the 136 of their natural order: a
// prepared query and a decoded listed name hold a dozen or more of them,
// and on some virtual machines every fresh page of memory costs as much as
// a lookup (docs/performance.md, Eleventh step).
type token struct {
	text string // folded Latin text
	skel string // phonetic skeleton
	// cons is skel without vowels and v (the skeleton's w, which Arabic
	// uses for the vowels u and o), doubled letters collapsed.
	cons string
	// orig is the word as written in its own script (the characters a
	// Pinyin or Hangul reading came from), "" for Latin words: two words
	// of one script that read alike but are written differently are
	// homophones, a weaker match than the same word (sameScript).
	orig string
	// alts are the other spellings the word may meet a listed word by
	// (variant.go): its nicknames, romanisations, numerals, expansions.
	// Set them with setAlts, which keeps altKeys: a bit (altKey) for what
	// altMeets compares of each, so that altSim passes over the alts of a
	// word none of which can meet the other (most pairs a Korean or
	// Arabic name's dozen romanisations are scored against).
	alts    []alt
	altKeys uint64
	// rarity is the word's weight from list statistics (1 without them).
	rarity float64
	// letters has bit c-'a' set for each letter c of skel.
	letters uint32
	kind    kind
	// exact marks a token read from Chinese characters: Pinyin is a
	// deterministic reading, so a changed syllable is another character
	// (Xiaoping is not Xiaoming) and edit distance must not bridge it.
	exact bool
	// abjad marks a token read from Arabic script, which does not write
	// short vowels: it matches by consonants (mhmd = Muhammad).
	abjad bool
	// src is the script the word was read from.
	src origin
	// listed marks a query word the loaded lists hold (weighQuery): a short
	// family name one edit from a listed one is then most often another
	// real name, not a slip (shortLeftover). Listed words leave it unset.
	listed bool
}

// consonants reduces a skeleton (whose doubled letters are already
// collapsed) to its consonants; letters that meet only once a vowel is gone
// stay apart (Aziz = zz, not z).
func consonants(skel string) string {
	b := make([]byte, 0, len(skel))
	for i := 0; i < len(skel); i++ {
		if c := skel[i]; !isVowel(c) && c != 'v' {
			b = append(b, c)
		}
	}
	return string(b)
}

// newToken makes a token of a word of the given kind.
func newToken(w string, k kind, exact bool) token {
	t := token{text: w, skel: w, kind: k, exact: exact, rarity: 1}
	if k != kindLegal {
		t.skel = skeleton(w)
	}
	t.cons = consonants(t.skel)
	for i := 0; i < len(t.skel); i++ {
		if c := t.skel[i]; c >= 'a' && c <= 'z' {
			t.letters |= 1 << (c - 'a')
		}
	}
	return t
}

// readWord is a word of a reading as readWords reads it, before it is
// made a token (makeTokens): its text and kind, and whether it is a word
// of a legal form's key, which takes no alts.
type readWord struct {
	text  string
	kind  kind
	legal bool
}

// readWords reads one Latin reading of a name, read from script src, into
// the words its tokens are made of (makeTokens): titles dropped, legal
// forms canonical, particles and patronymics marked. Organisation words
// lose a plural s (Widgets = Widget, Technologies = Technology). The words
// come before the tokens because a name read both as a person's and as an
// organisation's most often reads the same words both ways, and the second
// reading is then dropped before its words' skeletons and alts are made.
//
// A name made only of what carries little beside a distinctive word
// (initials, legal forms, particles, titles, patronymics: "P.P.C.",
// "D COMPANY", "Ben", "Captain Yakubovich") has nothing else to be known by:
// each of its words, titles kept, is then read as a distinctive word.
func readWords(reading string, org bool, src origin) []readWord {
	out := readWordsAs(reading, org, src, false)
	for i := range out {
		if out[i].kind == kindWord {
			return out
		}
	}
	return readWordsAs(reading, org, src, true)
}

// readWordsAs is readWords, with every word a word if plain is set.
func readWordsAs(reading string, org bool, src origin, plain bool) []readWord {
	ws := words(reading)
	if len(ws) == 0 {
		return nil
	}
	out := make([]readWord, 0, len(ws))
	for i := 0; i < len(ws); {
		if titles[ws[i]] && len(ws) > 1 && !plain {
			i++
			continue
		}
		if n, canon := legalAt(ws, i, org, src); n > 0 {
			k := kindLegal
			if plain {
				k = kindWord
			}
			for _, w := range strings.Fields(canon) {
				out = append(out, readWord{text: w, kind: k, legal: true})
			}
			i += n
			continue
		}
		w := ws[i]
		i++
		k := kindWord
		switch {
		case plain:
		case connectors[w]:
			k = kindConnector
		case len([]rune(w)) == 1 && (w[0] < '0' || w[0] > '9'):
			k = kindInitial // a digit is a number (4 = four), not an initial
		case isPatronymic(w):
			k = kindPatronymic
		}
		if org && k == kindWord {
			w = singular(w)
		}
		out = append(out, readWord{text: w, kind: k})
	}
	return out
}

// makeTokens makes the tokens of the words ws of a reading read from
// script src (readWords), as a person's or organisation's (org).
func makeTokens(ws []readWord, org bool, src origin) []token {
	if len(ws) == 0 {
		return nil
	}
	exact, abjad := src == srcHan, src == srcArabic
	out := make([]token, 0, len(ws))
	for _, w := range ws {
		if w.legal {
			out = append(out, newToken(w.text, w.kind, false))
			continue
		}
		t := newToken(w.text, w.kind, exact)
		t.abjad = abjad && w.kind == kindWord
		t.src = src
		addAlts(&t, org)
		out = append(out, t)
	}
	return out
}

// legalAt returns how many words from i form a legal form, and its key; 0
// if none does. Only an organisation's name (org) holds a form of one or two
// letters (AS, SA, AG), which in a person's name are initials or names,
// and only first or last (Im, Yu, Na, Ok are also Korean names); an edge
// form only stands first or last too; and a name read from Chinese
// characters (src) holds no one-word form of three letters or fewer, which
// are Pinyin syllables there (San, Sha).
func legalAt(ws []string, i int, org bool, src origin) (int, string) {
	// Three or more letters written apart (D.O.O., S.R.O., L.L.C.) spell
	// a legal form when joined; two may well be a person's initials.
	letters := 0
	for i+letters < len(ws) && len(ws[i+letters]) == 1 {
		letters++
	}
	for n := letters; n >= 3; n-- {
		if f, ok := legalForms[strings.Join(ws[i:i+n], "")]; ok && len(ws) > n {
			return n, f.key
		}
	}
	most := min(maxLegalWords, len(ws)-i)
	if most > 1 && !legalStarts[ws[i]] {
		most = 1
	}
	for n := most; n >= 1; n-- {
		f, ok := legalForms[strings.Join(ws[i:i+n], " ")]
		if !ok {
			continue
		}
		// A lone short form at the very start of a name is more likely a
		// word ("AO Kaspersky" aside, "AS" is also a name) only when the
		// name has nothing else.
		if len(ws) == 1 {
			return 0, ""
		}
		if n == 1 {
			w := ws[i]
			edge := i == 0 || i == len(ws)-1
			if len(w) <= 2 && (!org || !edge) || f.edge && !edge || len(w) <= 3 && src == srcHan {
				return 0, ""
			}
		}
		return n, f.key
	}
	return 0, ""
}

// singular drops an English plural ending from longer words.
func singular(w string) string {
	switch {
	case len(w) > 5 && strings.HasSuffix(w, "ies"):
		return w[:len(w)-3] + "y"
	case len(w) > 4 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is"):
		return w[:len(w)-1]
	}
	return w
}
