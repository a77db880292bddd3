package match

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Screening reads a name as a person sees it, so that text written to look
// like a listed name on screen while differing underneath (hidden
// characters, letters of another script, letters spelt out one by one)
// meets the listed name. These steps run on both sides, query and list, so
// nothing listed changes its score; none allocates for plain ASCII text
// without a spelt-out word.

// bidiOverride names the bidirectional override characters. An override
// shows the letters it governs in the order it imposes, so that
// "\u202enituP rimidalV" shows as "Vladimir Putin": in a name it can only
// serve to make screening and an analyst read different names, and Prepare
// rejects it. The embeddings, isolates and marks (U+202A–U+202C,
// U+2066–U+2069, U+200E, U+200F, U+061C) only place whole runs of text and
// never turn the letters of a word around; listed names use them (the UK
// list writes an Arabic name inside U+202B … U+202C), so they are dropped as
// the format characters they are.
var bidiOverride = map[rune]string{
	'\u202d': "LEFT-TO-RIGHT OVERRIDE",
	'\u202e': "RIGHT-TO-LEFT OVERRIDE",
}

// c1 reads a C1 control character (U+0080–U+009F) as the Windows-1252
// character of the same byte, as text decoded as Latin-1 by mistake means
// it (U+0092 is the apostrophe of "Xi’an" in the CSL), and reports whether
// that is a visible character.
func c1(r rune) (rune, bool) {
	if r < 0x80 || r > 0x9f {
		return r, false
	}
	w := charmap.Windows1252.DecodeByte(byte(r))
	return w, !unicode.IsControl(w)
}

// ignorable reports whether r shows nothing: a format character (Unicode
// category Cf: zero-width space, zero-width joiner and non-joiner, word
// joiner, soft hyphen, byte order mark, bidirectional marks and controls,
// interlinear annotation) or another Default_Ignorable_Code_Point of
// Unicode's DerivedCoreProperties (the Hangul fillers U+115F, U+1160,
// U+3164 and U+FFA0, which are letters, the combining grapheme joiner,
// variation selectors, tags). That property is derived as Cf, plus
// Other_Default_Ignorable_Code_Point, plus Variation_Selector, less a few
// characters that show; the standard library has all three tables, so the
// union is taken from it rather than copied by hand, and the few visible Cf
// characters it adds (the Arabic number signs) mean nothing in a name or
// identifier either.
func ignorable(r rune) bool {
	if r < 0xa0 {
		return false
	}
	return unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r) || unicode.Is(unicode.Variation_Selector, r)
}

// visible drops the characters that show nothing (ignorable) and reads C1
// controls as Windows-1252. Dropping the joiners, which shape Persian and
// Indic script, loses nothing for matching. It returns s itself when there
// is nothing to change.
func visible(s string) string {
	i := 0
	for i < len(s) && s[i] < utf8.RuneSelf {
		i++
	}
	first := -1
	for j, r := range s[i:] {
		if _, ok := c1(r); ok || ignorable(r) {
			first = i + j
			break
		}
	}
	if first < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:first])
	for _, r := range s[first:] {
		if w, ok := c1(r); ok {
			r = w
		}
		if !ignorable(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// letterLike maps Latin letters that NFKC leaves alone although they read
// as a plain letter, the small capitals (ᴍᴀᴋꜱɪᴍ), and a few letter forms
// that look like one (ɑ, ɡ, ɩ, ȷ), to that plain letter, small. Written by
// hand after the Latin entries of the Unicode confusables data (UTS #39);
// modifier letters (ᴹ, ˢ) and other compatibility forms need no entry, as
// NFKC reads them already.
var letterLike = map[rune]rune{
	'ᴀ': 'a', 'ʙ': 'b', 'ᴃ': 'b', 'ᴄ': 'c', 'ᴅ': 'd', 'ᴆ': 'd', 'ᴇ': 'e', 'ꜰ': 'f', 'ɢ': 'g', 'ʜ': 'h',
	'ɪ': 'i', 'ᴊ': 'j', 'ᴋ': 'k', 'ʟ': 'l', 'ᴌ': 'l', 'ᴍ': 'm', 'ɴ': 'n', 'ᴏ': 'o', 'ᴘ': 'p', 'ꞯ': 'q',
	'ʀ': 'r', 'ꜱ': 's', 'ᴛ': 't', 'ᴜ': 'u', 'ᴠ': 'v', 'ᴡ': 'w', 'ʏ': 'y', 'ᴢ': 'z',
	'ɑ': 'a', 'ɡ': 'g', 'ɩ': 'i', 'ȷ': 'j', 'ʋ': 'u', 'ɒ': 'o',
}

// lookalikeLetters pairs the letters of Lisu and Cherokee, and of the
// Unified Canadian Aboriginal Syllabics, that are drawn as a Latin capital
// with that capital. Written by hand after the entries for these blocks in
// the Unicode confusables data (UTS #39, confusables.txt), keeping those
// whose glyph is the Latin letter itself (Lisu ꓲ, which the data maps to
// l, is the capital I it is drawn as); turned and reversed forms (ꓕ ⊥,
// ꓛ Ↄ) are left out. No listed name is written in these scripts, so a word
// in them, or mixing them with Latin, can only be a Latin name written to
// look right: latinLetters reads them as Latin wherever they stand.
const lookalikeLetters = "" +
	// Lisu
	"ꓐB ꓑP ꓓD ꓔT ꓖG ꓗK ꓙJ ꓚC ꓜZ ꓝF ꓟM ꓠN ꓡL ꓢS ꓣR ꓦV ꓧH ꓪW ꓫX ꓬY ꓮA ꓰE ꓲI ꓳO ꓴU " +
	// Cherokee (capital letters; the small ones are read through them)
	"ᎪA ᏴB ᏟC ᎠD ᎬE ᏀG ᎻH ᎥI ᎫJ ᏦK ᏞL ᎷM ᏢP ᎡR ᏒR ᏚS ᏕS ᎢT ᏙV ᎳW ᏔW ᎩY ᏃZ " +
	// Canadian Syllabics
	"ᗅA ᗷB ᗪD ᕼH ᒍJ ᒪL ᑭP ᖇR ᔕS ᐯV ᗯW ᙭X ᘔZ"

// lookalikes maps each letter of lookalikeLetters to its Latin capital.
var lookalikes = func() map[rune]rune {
	m := map[rune]rune{}
	for _, pair := range strings.Fields(lookalikeLetters) {
		rs := []rune(pair)
		m[rs[0]] = rs[1]
	}
	return m
}()

// latinLookalike returns the Latin letter r is drawn as, if r is a letter
// of lookalikeLetters, in the case r is written (Cherokee's small letters,
// drawn as small capitals, as small letters); 0 otherwise.
func latinLookalike(r rune) rune {
	if r < 0x13a0 {
		return 0
	}
	if unicode.Is(unicode.Cherokee, r) && unicode.IsLower(r) {
		if l := lookalikes[unicode.ToUpper(r)]; l != 0 {
			return unicode.ToLower(l)
		}
		return 0
	}
	return lookalikes[r]
}

// latinLetters reads the letters of latinLookalike as Latin. It returns s
// itself when there is none.
func latinLetters(s string) string {
	i := 0
	for i < len(s) && s[i] < utf8.RuneSelf {
		i++
	}
	if i == len(s) || strings.IndexFunc(s[i:], func(r rune) bool { return latinLookalike(r) != 0 }) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if l := latinLookalike(r); l != 0 {
			return l
		}
		return r
	}, s)
}

// Scripts whose letters are confused with each other.
const (
	inLatin uint8 = 1 << iota
	inCyrillic
	inGreek
)

// scriptBit is r's script among Latin, Cyrillic and Greek, or 0.
func scriptBit(r rune) uint8 {
	switch {
	case r < utf8.RuneSelf:
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return inLatin
		}
	case unicode.Is(unicode.Latin, r):
		return inLatin
	case unicode.Is(unicode.Cyrillic, r):
		return inCyrillic
	case unicode.Is(unicode.Greek, r):
		return inGreek
	}
	return 0
}

// homoglyphs pairs Cyrillic and Greek letters with the Latin letters they
// cannot be told from in common fonts. It is written by hand after the
// Latin, Cyrillic and Greek entries of the Unicode confusables data (UTS
// #39, confusables.txt), keeping only letters that look the same in upper
// or lower case as written (т, drawn as the small capital ᴛ, which the data
// reads as T, is t); the data itself is not on this machine. Each
// pair is a letter and its Latin look-alike; the first pair for a Latin
// letter also gives the way back into that script.
const homoglyphs = "" +
	// Cyrillic
	"АA аa ВB ЕE еe КK МM НH ОO оo РP рp СC сc ТT тt УY уy ХX хx ЅS ѕs ІI іi ЇÏ їï ЈJ јj " +
	"ԚQ ԛq ԜW ԝw ҮY үy һh ӀI ӏl ԁd ЁË ёë ӦÖ ӧö ӒÄ ӓä " +
	// Greek
	"ΑA ΒB ΕE ΖZ ΗH ΙI ΚK ΜM ΝN ΟO ΡP ΤT ΥY ΧX οo νv ιi αa κk ρp υu χx ϲc ϹC ϳj ͿJ " +
	"άá ίí όó ύú ΊÍ ΌÓ"

// toLatin maps a Cyrillic or Greek letter to its Latin look-alike, and
// fromLatin maps a Latin letter to its look-alike in each script.
var toLatin, fromLatin = func() (map[rune]rune, map[uint8]map[rune]rune) {
	to := map[rune]rune{}
	from := map[uint8]map[rune]rune{inCyrillic: {}, inGreek: {}}
	for _, pair := range strings.Fields(homoglyphs) {
		rs := []rune(pair)
		other, lat := rs[0], rs[1]
		to[other] = lat
		m := from[scriptBit(other)]
		if _, ok := m[lat]; !ok {
			m[lat] = other
		}
	}
	return to, from
}()

// into returns r written in script: itself if it is of that script, else
// its look-alike there, if any.
func into(r rune, script uint8) (rune, bool) {
	from := scriptBit(r)
	if from == script || from == 0 {
		return r, true
	}
	if from != inLatin {
		l, ok := toLatin[r]
		if !ok {
			return r, false
		}
		r = l
	}
	if script == inLatin {
		return r, true
	}
	o, ok := fromLatin[script][r]
	return o, ok
}

// confusable folds letters of one script written among another's into
// that script. A word that mixes Latin, Cyrillic and Greek letters ("Рutin"
// with a Cyrillic Р, "Osama" with a Greek omicron) is folded into the
// script every other letter of the word has a look-alike in, the most used
// if several can, the most used if none can (letters without a look-alike
// then stay as they are); ties go to Latin, the script of most listed
// names. A Cyrillic or Greek word whose every letter has a Latin look-alike
// ("А" for "A", "Ρ" for "P") is folded into Latin when no other word of the
// name is Cyrillic or Greek and one at least is Latin or digits ("Ρ-533");
// a name of such words alone ("ООО") stays in its script. It returns s
// itself when there is nothing to fold.
func confusable(s string) string {
	i := 0
	for i < len(s) && s[i] < utf8.RuneSelf {
		i++
	}
	if i == len(s) {
		return s
	}
	mixed := false
	plain, lookalike, foreign := 0, 0, 0
	for start := nextWord(s, 0); start < len(s); {
		end := wordEnd(s, start)
		switch m := scripts(s[start:end]); {
		case m&(m-1) != 0:
			mixed = true
		case m == inLatin || m == 0:
			plain++
		case m != 0 && fits(s[start:end], inLatin):
			lookalike++
		case m != 0:
			foreign++
		}
		start = nextWord(s, end)
	}
	toLatinWords := plain > 0 && lookalike > 0 && foreign == 0
	if !mixed && !toLatinWords {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	last := 0
	for start := nextWord(s, 0); start < len(s); {
		end := wordEnd(s, start)
		w := s[start:end]
		target := uint8(0)
		switch m := scripts(w); {
		case m&(m-1) != 0:
			target = wordScript(w)
		case toLatinWords && m != 0 && m != inLatin:
			target = inLatin
		}
		if target != 0 {
			b.WriteString(s[last:start])
			for _, r := range w {
				if o, ok := into(r, target); ok {
					r = o
				}
				b.WriteRune(r)
			}
			last = end
		}
		start = nextWord(s, end)
	}
	b.WriteString(s[last:])
	return b.String()
}

// scripts returns which of Latin, Cyrillic and Greek w has letters of.
func scripts(w string) uint8 {
	var seen uint8
	for _, r := range w {
		seen |= scriptBit(r)
	}
	return seen
}

// fits reports whether every letter of w has a look-alike in script.
func fits(w string, script uint8) bool {
	for _, r := range w {
		if _, ok := into(r, script); !ok {
			return false
		}
	}
	return true
}

// wordScript chooses the script a mixed word is folded into.
func wordScript(w string) uint8 {
	var count [3]int
	for _, r := range w {
		switch scriptBit(r) {
		case inLatin:
			count[0]++
		case inCyrillic:
			count[1]++
		case inGreek:
			count[2]++
		}
	}
	best, bestFits := uint8(0), false
	bestCount := -1
	for i, script := range [3]uint8{inLatin, inCyrillic, inGreek} {
		if count[i] == 0 {
			continue
		}
		ok := fits(w, script)
		if ok && !bestFits || ok == bestFits && count[i] > bestCount {
			best, bestFits, bestCount = script, ok, count[i]
		}
	}
	return best
}

// isWordRune reports whether r belongs to a word: a letter, digit or mark,
// or an apostrophe, which fold drops to join what it separates (the S of
// PEOPLE'S is no single letter).
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '\'' || r == '`'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) || r == '’' || r == 'ʼ' || r == '´'
}

// nextWord returns where the first word at or after i begins, or len(s).
func nextWord(s string, i int) int {
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if isWordRune(r) {
			return i
		}
		i += n
	}
	return i
}

// wordEnd returns where the word beginning at i ends.
func wordEnd(s string, i int) int {
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !isWordRune(r) {
			return i
		}
		i += n
	}
	return i
}

// spelledRun is how many letters written apart make a word spelt out
// ("Y a k u b e t s", "M.a.k.s.i.m"): fewer may be a person's initials
// (J. R. R. Tolkien) or an acronym, which prepare also reads joined.
const spelledRun = 4

// spelled joins the letters of words spelt out one by one: runs of at least
// spelledRun single Latin, Cyrillic or Greek letters, each pair separated
// by the same gap of one or two spaces, punctuation marks or symbols (dot,
// dash, underscore, bullet, middle dot, slash, asterisk...). A run ends
// where the separator changes or a capital follows a small letter, so
// "M a k s i m Y a k u b e t s" and "M.a.k.s.i.m Y.a.k.u.b.e.t.s" are
// two words. It returns s itself when no word is spelt out.
func spelled(s string) string {
	var b strings.Builder
	last := 0
	for start := nextWord(s, 0); start < len(s); {
		end := wordEnd(s, start)
		n, runEnd := run(s, start, end)
		if n < spelledRun {
			start = nextWord(s, end)
			continue
		}
		if last == 0 {
			b.Grow(len(s))
		}
		b.WriteString(s[last:start])
		for i := start; i < runEnd; {
			i = nextWord(s, i)
			e := wordEnd(s, i)
			b.WriteString(s[i:e])
			i = e
		}
		last = runEnd
		start = nextWord(s, runEnd)
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// run counts the single letters written apart from the word s[start:end]
// on, and returns where the last of them ends.
func run(s string, start, end int) (int, int) {
	r, size := utf8.DecodeRuneInString(s[start:])
	if size != end-start || scriptBit(r) == 0 || !unicode.IsLetter(r) {
		return 0, end
	}
	n, sep := 1, ""
	for {
		next := nextWord(s, end)
		if next >= len(s) {
			return n, end
		}
		gap := s[end:next]
		if !separator(gap) || sep != "" && gap != sep {
			return n, end
		}
		nr, nsize := utf8.DecodeRuneInString(s[next:])
		nend := wordEnd(s, next)
		if nsize != nend-next || scriptBit(nr) == 0 || !unicode.IsLetter(nr) || unicode.IsLower(r) && unicode.IsUpper(nr) {
			return n, end
		}
		// A letter goes with the letters it is written closer to: the S
		// of "G E M I N I S.A.S.U." begins S.A.S.U.
		if after := nextWord(s, nend); after < len(s) && tight(s[nend:after]) && !tight(gap) {
			if ar, asize := utf8.DecodeRuneInString(s[after:]); asize == wordEnd(s, after)-after && unicode.IsLetter(ar) {
				return n, end
			}
		}
		n, sep, r, end = n+1, gap, nr, nend
	}
}

// separator reports whether gap may separate letters spelt out: one or two
// spaces, punctuation marks or symbols.
func separator(gap string) bool {
	n := 0
	for _, r := range gap {
		if n++; n > 2 || r != ' ' && !unicode.IsPunct(r) && !unicode.IsSymbol(r) {
			return false
		}
	}
	return n > 0
}

// tight reports whether a gap between letters is one punctuation mark or
// symbol, which binds them closer than a space does.
func tight(gap string) bool {
	r, n := utf8.DecodeRuneInString(gap)
	return n == len(gap) && r != ' '
}

// joinInitials joins runs of three or more single letters in a folded
// reading ("p p c" = "ppc"), which may be an acronym or a person's
// initials, for prepare to read both ways. It reports false, without
// allocating, when there is no such run.
func joinInitials(f string) (string, bool) {
	n, longest := 0, 0
	for i := 0; i <= len(f); i++ {
		if i == len(f) || f[i] == ' ' {
			continue
		}
		if single(f, i) {
			n++
			longest = max(longest, n)
		} else {
			n = 0
		}
		for i < len(f) && f[i] != ' ' {
			i++
		}
	}
	if longest < 3 {
		return f, false
	}
	ws := strings.Fields(f)
	out := make([]string, 0, len(ws))
	for i := 0; i < len(ws); {
		j := i
		for j < len(ws) && len(ws[j]) == 1 && ws[j][0] >= 'a' && ws[j][0] <= 'z' {
			j++
		}
		switch {
		case j-i >= 3:
			out = append(out, strings.Join(ws[i:j], ""))
		case j == i:
			j++
			fallthrough
		default:
			out = append(out, ws[i:j]...)
		}
		i = j
	}
	return strings.Join(out, " "), true
}

// single reports whether the word of f at i is one letter a to z.
func single(f string, i int) bool {
	return f[i] >= 'a' && f[i] <= 'z' && (i+1 == len(f) || f[i+1] == ' ')
}

// leetDigits are the digits and symbols written for the letters they look
// like in leetspeak ("Maks1m Yakub3ts", "L@ZARU$"); 1 is read as i or as
// l, which leet takes as an argument.
var leetDigits = map[rune]rune{'1': 'i', '3': 'e', '0': 'o', '4': 'a', '5': 's', '7': 't', '8': 'b', '@': 'a', '$': 's'}

// leetChars are the keys of leetDigits.
const leetChars = "1304578@$"

// leet reads s with the digits and symbols of leetDigits as letters, 1 as
// one, in the words that mix them with letters, and reports whether it
// read any. A word is read so only if it has at least two letters, no more
// such characters than letters and no other digit, and at most 20
// characters, so that numbers, codes ("A1", "Su-27", "B2B") and addresses
// stay as they are.
func leet(s string, one rune) (string, bool) {
	if !strings.ContainsAny(s, leetChars) {
		return s, false // most names: nothing to read
	}
	isLeet := func(r rune) bool { return isWordRune(r) || r == '@' || r == '$' }
	var b strings.Builder
	changed := false
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !isLeet(r) {
			b.WriteRune(r)
			i += n
			continue
		}
		j, letters, subs, other := i, 0, 0, 0
		for j < len(s) {
			r, n := utf8.DecodeRuneInString(s[j:])
			if !isLeet(r) {
				break
			}
			switch {
			case leetDigits[r] != 0:
				subs++
			case unicode.IsLetter(r):
				letters++
			case unicode.IsDigit(r):
				other++
			}
			j += n
		}
		w := s[i:j]
		i = j
		if letters < 2 || subs == 0 || subs > letters || other > 0 || len(w) > 20 {
			b.WriteString(w)
			continue
		}
		changed = true
		for _, r := range w {
			switch l := leetDigits[r]; {
			case r == '1':
				r = one
			case l != 0:
				r = l
			}
			b.WriteRune(r)
		}
	}
	return b.String(), changed
}
