package match

import (
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

//go:generate go test -run TestHangulTable . -args -update-hangul

// Hangul to Latin. A syllable block (U+AC00–U+D7A3) is an initial
// consonant, a vowel and an optional final consonant; each is read in the
// Revised Romanization (RR), the reading a name gets, and in the other
// spellings its sound is written with: McCune–Reischauer without its marks
// (g/k, d/t, b/p, j/ch; eo as o, eu as u), which North Korea's names in
// lists use, and what passports use (eo as u in Sung, Chung; u as oo in
// Woo; i as ee in Hee). Those are the word's alts (koreanAlts), so that
// 김영철 (gim yeong cheol) meets KIM Yong Chol and Kim Young-cheol.

const (
	hangulBase  = 0xAC00
	hangulLast  = 0xD7A3
	hangulVowel = 21 * 28 // syllables per initial
	hangulFinal = 28      // syllables per vowel
)

// hangulInitials are the spellings of each initial consonant, RR first.
// ㄹ at the start of a word is l or r, and in South Korea n or silent
// (렬 = ryeol, yeol; 라 = ra, na).
var hangulInitials = [19][]string{
	{"g", "k"}, {"kk", "gg"}, {"n"}, {"d", "t"}, {"tt"}, {"r", "l", "n", ""}, {"m"}, {"b", "p"},
	{"pp"}, {"s"}, {"ss"}, {""}, {"j", "ch"}, {"jj", "tch"}, {"ch"}, {"k"}, {"t"}, {"p"}, {"h"},
}

// hangulVowels are the spellings of each vowel, RR first.
var hangulVowels = [21][]string{
	{"a"}, {"ae"}, {"ya"}, {"yae"}, {"eo", "o", "u"}, {"e"}, {"yeo", "yo", "yu"}, {"ye"}, {"o"}, {"wa"},
	{"wae"}, {"oe", "oi"}, {"yo"}, {"u", "oo"}, {"wo"}, {"we"}, {"wi"}, {"yu"}, {"eu", "u"}, {"ui", "ee", "i"},
	{"i", "ee"},
}

// hangulFinals are the spellings of each final consonant (none first), RR
// first: a final is heard as one of seven sounds.
var hangulFinals = [28][]string{
	{""}, {"k", "g"}, {"k"}, {"k"}, {"n"}, {"n"}, {"n"}, {"t"}, {"l", "r"}, {"k"}, {"m"}, {"l"}, {"l"}, {"l"},
	{"p"}, {"l"}, {"m"}, {"p", "b"}, {"p"}, {"t"}, {"t"}, {"ng"}, {"t"}, {"t"}, {"k"}, {"t"}, {"p"}, {"t"},
}

// hangulSurnames are the family names and the spellings they take in lists
// and passports, which follow no system: the first is the reading a name
// gets, the others its alts beside those of its syllables. A name's first
// syllable that is one of these is read as a family name.
var hangulSurnames = map[string][]string{
	"김": {"kim", "gim", "ghim"}, "이": {"lee", "yi", "i", "rhee", "ri", "li", "rhie", "ee", "yee"},
	"리": {"ri", "lee", "rhee", "yi", "li", "i", "rhie"}, "박": {"park", "pak", "bak", "bark", "pag"},
	"최": {"choe", "choi", "chwe", "choy"}, "정": {"jeong", "jung", "chung", "jong", "chong", "joung", "cheong"},
	"강": {"kang", "gang"}, "조": {"cho", "jo", "joe", "chough"}, "윤": {"yoon", "yun", "youn"},
	"장": {"jang", "chang"}, "임": {"lim", "im", "rim", "yim"}, "림": {"rim", "lim", "im"},
	"한": {"han"}, "오": {"o", "oh"}, "서": {"seo", "suh", "so"}, "신": {"shin", "sin"},
	"권": {"kwon", "gwon"}, "황": {"hwang"}, "안": {"ahn", "an"}, "송": {"song"}, "전": {"jeon", "chon", "jun", "chun"},
	"홍": {"hong"}, "유": {"yoo", "yu", "ryu", "you"}, "류": {"ryu", "yoo", "yu", "rhyu", "ryoo"},
	"고": {"ko", "go", "koh"}, "문": {"moon", "mun"}, "양": {"yang", "ryang"}, "량": {"ryang", "yang"},
	"손": {"son", "sohn"}, "배": {"bae", "pae"}, "백": {"baek", "paek", "baik", "paik"}, "허": {"heo", "ho", "hur", "huh"},
	"남": {"nam"}, "심": {"shim", "sim"}, "노": {"noh", "no", "roh", "ro"}, "로": {"ro", "roh", "no", "noh"},
	"하": {"ha"}, "곽": {"kwak", "gwak"}, "성": {"seong", "sung", "song"}, "차": {"cha"}, "주": {"joo", "ju", "chu", "choo"},
	"우": {"woo", "u", "oo"}, "구": {"koo", "ku", "gu"}, "민": {"min"}, "진": {"jin", "chin"}, "지": {"ji", "chi"},
	"엄": {"eom", "um", "om"}, "채": {"chae"}, "원": {"won"}, "천": {"cheon", "chon", "chun"}, "방": {"bang", "pang"},
	"공": {"kong", "gong"}, "현": {"hyun", "hyeon", "hyon"}, "함": {"ham"}, "변": {"byun", "byeon", "pyon"},
	"염": {"yeom", "yum", "yom"}, "여": {"yeo", "yo", "yuh"}, "추": {"choo", "chu"}, "도": {"do", "doh", "to"},
	"소": {"so"}, "석": {"seok", "suk", "sok"}, "선": {"seon", "sun", "son"}, "설": {"seol", "sul", "sol"},
	"마": {"ma"}, "길": {"gil", "kil"}, "연": {"yeon", "yun", "yon"}, "위": {"wi", "wee"}, "표": {"pyo"},
	"명": {"myeong", "myung", "myong"}, "기": {"ki", "gi"}, "반": {"ban", "pan"}, "왕": {"wang"}, "금": {"geum", "keum", "kum"},
	"옥": {"ok"}, "육": {"yuk", "yook", "ryuk"}, "인": {"in"}, "맹": {"maeng"}, "제": {"je", "che"}, "모": {"mo"},
	"탁": {"tak"}, "국": {"kook", "guk", "kuk"}, "어": {"eo", "o"}, "은": {"eun", "un"}, "편": {"pyeon", "pyun", "pyon"},
	"용": {"yong", "ryong"}, "룡": {"ryong", "yong"}, "예": {"ye", "yeh"}, "경": {"kyung", "gyeong", "kyong"},
	"봉": {"bong", "pong"}, "태": {"tae"}, "계": {"kye", "gye"}, "피": {"pi", "pee"}, "두": {"doo", "du", "tu"},
	"감": {"kam", "gam"}, "음": {"eum", "um"}, "빈": {"bin", "pin"}, "동": {"dong", "tong"}, "온": {"on"},
	"라": {"ra", "la", "na"}, "나": {"na", "ra", "la"}, "시": {"si", "shi"}, "호": {"ho"}, "팽": {"paeng"},
	"남궁": {"namgung", "namkung", "namgoong", "namkoong"}, "제갈": {"jegal", "chegal", "jekal"},
	"선우": {"seonu", "sunwoo", "sonu", "sunu", "seonwoo"}, "독고": {"dokgo", "tokko", "dokko", "tokgo"},
	"황보": {"hwangbo", "hwangpo"}, "사공": {"sagong", "sakong"}, "서문": {"seomun", "sumoon", "somun"},
	"동방": {"dongbang", "tongbang"}, "망절": {"mangjeol", "mangjol"}, "어금": {"eogeum", "ogum"},
}

// koreanSim is how alike two spellings of one Hangul word are: as good
// as the same, a shade below so that the spelling read wins a tie.
const koreanSim = 0.98

// koreanSyllable reads one Hangul syllable block: its spellings, RR first.
// ok is false for a rune that is not one.
func koreanSyllable(r rune) (spellings []string, ok bool) {
	if r < hangulBase || r > hangulLast {
		return nil, false
	}
	s := int(r - hangulBase)
	l, v, t := s/hangulVowel, s%hangulVowel/hangulFinal, s%hangulFinal
	vowel := hangulVowels[v][0]
	glide := vowel[0] == 'y' || vowel[0] == 'i' || vowel == "wi"
	for _, ini := range hangulInitials[l] {
		if l == 5 && (ini == "n" && glide || ini == "" && !glide) {
			continue // ㄹ is silent before y or i, n before anything else
		}
		for _, vo := range hangulVowels[v] {
			if vo == "ee" && t != 0 {
				continue // ee only ends a syllable (Hee, Lee)
			}
			for _, fin := range hangulFinals[t] {
				spellings = appendNew(spellings, ini+vo+fin)
				if l == 9 && glide { // MR shi
					spellings = appendNew(spellings, "sh"+vo+fin)
				}
			}
		}
	}
	return spellings, true
}

// koreanJamo reads a conjoining or compatibility jamo standing alone (a
// lone ㄱ, as NFKC leaves it), RR; ok is false for any other rune.
func koreanJamo(r rune) (string, bool) {
	switch {
	case r >= 0x1100 && r <= 0x1112:
		if s := hangulInitials[r-0x1100][0]; s != "" {
			return s, true
		}
		return "", true
	case r >= 0x1161 && r <= 0x1175:
		return hangulVowels[r-0x1161][0], true
	case r >= 0x11A8 && r <= 0x11C2:
		return hangulFinals[r-0x11A8+1][0], true
	}
	return "", false
}

// koreanReadings reads a folded Hangul name, each syllable a word of its
// own so that given names written joined (Yongchol), hyphenated (Yong-Chol)
// or apart (Yong Chol) are all met by adjacent words joined (align.go);
// a word too long to be a name (maxGivenSyllables) is read whole. The
// first word's first syllable (or two, for 남궁, 선우 ...) is read as a
// family name when it is one and the word has more syllables; a word that
// is only a family name is read as one too. Organisations' words are also
// read joined. Each word's Hangul comes with it (orig).
func koreanReadings(s string, org bool) []reading {
	var split, joined reading
	for i, w := range words(s) {
		rs := []rune(w)
		start := 0
		if i == 0 || len(rs) <= 2 {
			if n := koreanSurnameAt(rs); n > 0 {
				split.add(hangulSurnames[string(rs[:n])][0], string(rs[:n]))
				start = n
			}
		}
		var whole strings.Builder
		for _, r := range rs[start:] {
			text := koreanRune(r, len(rs) == 1)
			whole.WriteString(text)
			if len(rs)-start <= maxGivenSyllables {
				split.add(text, string(r))
			}
		}
		if len(rs)-start > maxGivenSyllables {
			split.add(whole.String(), string(rs[start:]))
		}
		if start > 0 {
			joined.add(hangulSurnames[string(rs[:start])][0], string(rs[:start]))
			if len(rs) > start {
				joined.add(whole.String(), string(rs[start:]))
			}
		} else {
			joined.add(whole.String(), w)
		}
	}
	out := []reading{split}
	if org && joined.text != split.text {
		out = append(out, joined)
	}
	return out
}

// maxGivenSyllables is the longest given name, in syllables: a longer
// word is no person's name but a word of an organisation's, read whole.
const maxGivenSyllables = 4

// koreanSurnameAt returns the length in syllables of the family name the
// word rs starts with, 0 if none: a two-syllable family name before at
// least one more syllable, or a one-syllable family name before at most
// three (longer words are not personal names) or alone.
func koreanSurnameAt(rs []rune) int {
	if len(rs) >= 3 {
		if _, ok := hangulSurnames[string(rs[:2])]; ok {
			return 2
		}
	}
	if len(rs) >= 1 && len(rs) <= 4 {
		if _, ok := hangulSurnames[string(rs[:1])]; ok {
			return 1
		}
	}
	return 0
}

// koreanRune reads one rune of a Hangul word: a syllable in RR, a lone jamo
// as itself, anything else as it is. A syllable that reads as a single
// vowel letter would be taken for an initial, so it is written as names
// write it (오 oh, 우 woo, 이 yi) unless it is the whole word.
func koreanRune(r rune, whole bool) string {
	if sp, ok := koreanSyllable(r); ok {
		if len(sp[0]) == 1 && !whole {
			return koreanVowelWords[sp[0]]
		}
		return sp[0]
	}
	if j, ok := koreanJamo(r); ok {
		return j
	}
	return string(r)
}

// koreanVowelWords are the spellings names give syllables that RR
// writes as a single vowel letter.
var koreanVowelWords = map[string]string{"a": "ah", "e": "eh", "i": "yi", "o": "oh", "u": "woo"}

// koreanTable holds the alts of the words Hangul is read as, by word,
// built as words are first read (koreanAlts) so that a process that never
// reads Hangul never builds it.
var koreanTable struct {
	sync.RWMutex
	alts map[string][]alt
}

// koreanAlts returns the other romanisations of a word read from Hangul:
// McCune–Reischauer and the spellings passports and lists use beside the
// Revised Romanization reading, and a family name's usual spellings. The
// slice is shared: the same one for every call with the word.
func koreanAlts(w string) []alt {
	koreanTable.RLock()
	as, ok := koreanTable.alts[w]
	koreanTable.RUnlock()
	if ok {
		return as
	}
	koreanTable.Lock()
	defer koreanTable.Unlock()
	if as, ok := koreanTable.alts[w]; ok {
		return as
	}
	if koreanTable.alts == nil {
		koreanTable.alts = map[string][]alt{}
	}
	as = koreanWordAlts(w)
	koreanTable.alts[w] = as
	return as
}

// hangulSpeltAs returns the syllables w is a principal spelling of, in
// Revised Romanization or McCune–Reischauer (each jamo's first two
// spellings), from the table TestHangulTable writes (hangul_gen.go): a
// word's alts are the spellings of the syllables it principally spells
// (kim: 김 and 킴, not 긤, whose ㅢ a passport may write i). The table was
// built by the first Korean name a process read, a tenth of a cold
// `warden screen` of one.
func hangulSpeltAs(w string) []rune {
	n := len(hangulSpeltAt) - 1
	key := func(i int) string { return hangulSpeltText[hangulSpeltAt[i]:hangulSpeltAt[i+1]] }
	i := sort.Search(n, func(i int) bool { return key(i) >= w })
	if i == n || key(i) != w {
		return nil
	}
	return hangulSpeltRunes[hangulSpeltRunesAt[i]:hangulSpeltRunesAt[i+1]]
}

// koreanPrincipal spells a syllable of initial l, vowel v and final t
// with the first two spellings of each of its initial and vowel and the
// first of its final, those koreanSyllable gives.
func koreanPrincipal(l, v, t int) []string {
	sp, _ := koreanSyllable(rune(hangulBase + l*hangulVowel + v*hangulFinal + t))
	var out []string
	for _, x := range sp {
		for _, ini := range hangulInitials[l][:min(2, len(hangulInitials[l]))] {
			for _, vo := range hangulVowels[v][:min(2, len(hangulVowels[v]))] {
				if x == ini+vo+hangulFinals[t][0] {
					out = append(out, x)
				}
			}
		}
	}
	return out
}

// koreanWordAlts makes the alts of w: the spellings of every syllable
// spelt w, and of every family name spelt w, w itself left out.
func koreanWordAlts(w string) []alt {
	var texts []string
	for k, sp := range hangulSurnames {
		if slices.Contains(sp, w) {
			texts = appendAll(texts, sp)
			if r, n := utf8.DecodeRuneInString(k); n == len(k) {
				s, _ := koreanSyllable(r)
				texts = appendAll(texts, s)
			}
		}
	}
	for _, r := range hangulSpeltAs(w) {
		s, _ := koreanSyllable(r)
		texts = appendAll(texts, s)
	}
	var as []alt
	for _, t := range texts {
		if t != w && t != "" {
			as = append(as, newAlt(t, koreanSim))
		}
	}
	return as
}

// Latin spellings of Korean syllables, for koreanLooking: any initial,
// vowel and final that one of the romanisations writes.
var (
	koreanInitials = append(strings.Fields("kk gg tt dd pp bb ss jj ch sh g k n d t r l m b p s j h"), "")
	koreanVowels   = strings.Fields("yae wae yeo ae ya eo yo yu ye wa oe oi oo wo we wi eu ui ee a o u e i")
	koreanFinals   = strings.Fields("ng k g n t l r m p b")
)

// koreanSpelling reports whether w, a Latin word, may be the spelling of
// one Hangul syllable or a family name.
func koreanSpelling(w string) bool {
	if koreanSurnameSpellings[w] {
		return true
	}
	for _, ini := range koreanInitials {
		if !strings.HasPrefix(w, ini) {
			continue
		}
		for _, v := range koreanVowels {
			rest, ok := strings.CutPrefix(w[len(ini):], v)
			if ok && (rest == "" || slices.Contains(koreanFinals, rest)) {
				return true
			}
		}
	}
	return false
}

var koreanSurnameSpellings = func() map[string]bool {
	m := map[string]bool{}
	for _, sp := range hangulSurnames {
		for _, w := range sp {
			m[w] = true
		}
	}
	return m
}()

// koreanLooking reports whether a Latin reading of a person's name may be
// a Korean name romanised: two to five words, each the spelling of a
// syllable or a family name (Park Cheol-Nam, KIM Yong Chol). Its words
// then get the other spellings of their syllables (koreanAlts), so that
// the Revised Romanization meets McCune–Reischauer in Latin letters too.
func koreanLooking(ts []token) bool {
	if len(ts) < 2 || len(ts) > 5 {
		return false
	}
	for i := range ts {
		if ts[i].kind != kindWord && ts[i].kind != kindInitial || !koreanSpelling(ts[i].text) {
			return false
		}
	}
	return true
}

func appendAll(ss, more []string) []string {
	for _, s := range more {
		ss = appendNew(ss, s)
	}
	return ss
}
