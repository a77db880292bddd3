package match

import (
	"slices"
	"strings"
	"unicode/utf8"

	"warden"
)

// name is a name prepared for comparison: every Latin reading of it, each a
// list of tokens.
type name struct {
	raw      string
	folded   string
	kind     warden.NameKind
	readings [][]token
	spans    [][]span // spans of each reading
}

// orgLike reports whether a schema names an organisation of some kind.
func orgLike(s warden.Schema) bool {
	switch s {
	case warden.SchemaOrganization, warden.SchemaCompany, warden.SchemaLegalEntity:
		return true
	}
	return false
}

// reading is one Latin reading of a name, and for each of its words the
// word as written in the script it was read from ("" where not known:
// Latin words, translated terms), so that two words read alike but
// written differently can be told apart (sameScript).
type reading struct {
	text  string
	origs []string
}

// add appends a word read from orig to r; empty words are dropped.
func (r *reading) add(word, orig string) {
	if word == "" {
		return
	}
	if r.text != "" {
		r.text += " "
	}
	r.text += word
	r.origs = append(r.origs, orig)
}

// readings returns the Latin readings of a folded name for a schema (""
// when unknown), as text.
func readings(f string, schema warden.Schema) []string {
	rs := readingsOf(f, schema)
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.text
	}
	return out
}

// readingsOf returns the readings of a folded name for a schema (""
// when unknown): the name itself, or its transliterations. A name mixing
// Latin words with another script ("Abu Muhammad (Абу Мухаммад)") is also
// read as its Latin words alone and as its other words alone.
func readingsOf(f string, schema warden.Schema) []reading {
	if scriptOf(f) == "Latn" {
		return []reading{{text: f}}
	}
	var latin, other []string
	for _, w := range words(f) {
		if scriptOf(w) == "Latn" {
			latin = append(latin, w)
		} else {
			other = append(other, w)
		}
	}
	if len(latin) == 0 {
		return scriptReadings(f, schema)
	}
	out := []reading{{text: strings.Join(latin, " ")}}
	for _, r := range scriptReadings(strings.Join(other, " "), schema) {
		if !slices.ContainsFunc(out, func(x reading) bool { return x.text == r.text }) {
			out = append(out, r)
		}
	}
	return out
}

// scriptReadings reads a folded name written in a script other than
// Latin; every script has a reading, if only anyReading's.
func scriptReadings(f string, schema warden.Schema) []reading {
	switch scriptOf(f) {
	case "Cyrl":
		return texts(cyrillicReadings(f))
	case "Grek":
		return texts(greekReadings(f))
	case "Arab":
		return texts(persianReadings(f))
	case "Hang":
		return koreanReadings(f, schema != warden.SchemaPerson)
	case "Hani":
		switch {
		case schema == warden.SchemaPerson:
			return hanPersonReadings(f)
		case schema == "":
			// Either may be listed: read it both ways, the likelier first
			// (persons' names have two to four characters), so that the
			// likelier is screened in the first pass (SearchPrepared).
			if utf8.RuneCountInString(strings.ReplaceAll(f, " ", "")) <= 4 {
				return append(hanPersonReadings(f), hanOrgReadings(f)...)
			}
			return append(hanOrgReadings(f), hanPersonReadings(f)...)
		}
		return hanOrgReadings(f)
	case "Latn":
		return []reading{{text: f}}
	case "Thai":
		return texts(appendNew([]string{anyReading(f, false)}, anyReading(f, true)))
	}
	return []reading{{text: anyReading(f, false)}}
}

// texts makes readings of Latin strings whose words' written forms are
// not kept.
func texts(ss []string) []reading {
	out := make([]reading, len(ss))
	for i, s := range ss {
		out[i] = reading{text: s}
	}
	return out
}

// prepare reads and tokenises a name. A listed name is read for its
// party's schema; a query name for the schema it gives, or, when it gives
// none, in every way a listed name may have been read (as a person's and as
// an organisation's), so that a name typed exactly as listed always meets
// its listed reading.
func prepare(raw string, k warden.NameKind, schema warden.Schema) name {
	n := name{raw: raw, kind: k, folded: fold(raw)}
	orgs := []bool{orgLike(schema)}
	if schema == "" {
		orgs = []bool{false, true}
	}
	src := originOf(scriptOf(n.folded))
	for _, r := range readingsOf(n.folded, schema) {
		n.addReading(r, orgs, src)
		if j, ok := joinInitials(r.text); ok {
			n.add(j, orgs, src)
		}
	}
	if schema == warden.SchemaPerson && src == srcLatin {
		n.addKorean()
	}
	return n
}

// addKorean gives the words of a person's name in Latin letters that may
// be Korean (koreanLooking) the other romanisations of their syllables,
// so that KIM Yong Chol meets Gim Yeong-cheol. Only a name known to be a
// person's is so read: the syllables of Korean are short words that
// other names are also made of. Its joined words get no joined alts
// (joinAlts): each word's dozen spellings would make a hundred, which cost
// a query ten times its time, while "Yongchol" already meets "Yong Chol"
// by its words joined.
func (n *name) addKorean() {
	for _, ts := range n.readings {
		if !koreanLooking(ts) {
			continue
		}
		// The reading's one-word spans are its tokens (spans): they
		// have the alts too.
		for j := range ts {
			if ts[j].kind == kindWord {
				ts[j].setAlts(appendAlts(ts[j].alts, koreanAlts(ts[j].text)))
			}
		}
	}
}

// addLeet adds the readings of a query name written in leetspeak (leet),
// 1 read as i and as l: "Maks1m Yakub3ts" is also read "Maksim Yakubets".
// Only queries are read so; a listed name with digits is listed so.
func (n *name) addLeet(schema warden.Schema) {
	orgs := []bool{orgLike(schema)}
	if schema == "" {
		orgs = []bool{false, true}
	}
	for _, one := range []rune{'i', 'l'} {
		l, ok := leet(n.raw, one)
		if !ok {
			return
		}
		f := fold(l)
		src := originOf(scriptOf(f))
		for _, r := range readingsOf(f, schema) {
			n.addReading(r, orgs, src)
		}
		if !strings.ContainsRune(n.raw, '1') {
			return
		}
	}
}

// add tokenises reading r, read from script src, as a person's or
// organisation's name for each of orgs, and adds the readings it does not
// have yet.
func (n *name) add(r string, orgs []bool, src origin) {
	n.addReading(reading{text: r}, orgs, src)
}

// addReading is add for a reading that knows its words' written forms:
// each token of a word gets it (orig); tokens made of other
// words (legal forms) get none.
func (n *name) addReading(r reading, orgs []bool, src origin) {
	for _, org := range orgs {
		ws := readWords(r.text, org, src)
		if len(ws) == 0 || hasReading(n.readings, ws) {
			continue
		}
		ts := makeTokens(ws, org, src)
		if len(r.origs) > 0 {
			setOrigs(ts, words(r.text), r.origs)
		}

		n.readings = append(n.readings, ts)
		n.spans = append(n.spans, spans(ts))
	}
}

// setOrigs gives each token the written form of the word it was made of,
// walking tokens and words together: a token matches the next word that
// it is, or is the singular of.
func setOrigs(ts []token, ws, origs []string) {
	j := 0
	for i := range ts {
		for k := j; k < len(ws) && k < len(origs); k++ {
			if ws[k] == ts[i].text || singular(ws[k]) == ts[i].text {
				ts[i].orig = origs[k]
				j = k + 1
				break
			}
		}
	}
}

// originOf is the origin of words read from a script named by scriptOf.
// Hebrew and Syriac, like Arabic, leave short vowels unwritten, so their
// words meet others by consonants as Arabic's do.
func originOf(script string) origin {
	switch script {
	case "Latn":
		return srcLatin
	case "Hani":
		return srcHan
	case "Arab", "Hebrew", "Syriac":
		return srcArabic
	case "Hang":
		return srcHangul
	}
	return srcOther
}

// hasReading reports whether rs holds a reading of the words ws.
func hasReading(rs [][]token, ws []readWord) bool {
	for _, r := range rs {
		if len(r) != len(ws) {
			continue
		}
		same := true
		for i := range r {
			same = same && r[i].text == ws[i].text
		}
		if same {
			return true
		}
	}
	return false
}

// Weights are the parameters of scoring. The zero value is not useful; start
// from DefaultWeights.
type Weights struct {
	// Extra scales how much the listed name's unmatched words lower the
	// score: a query that names only part of a listed name still matches.
	Extra float64 `json:"extra"`
	// Legal, Connector, Initial and Patronymic scale those kinds of token
	// against distinctive words.
	Legal      float64 `json:"legal"`
	Connector  float64 `json:"connector"`
	Initial    float64 `json:"initial"`
	Patronymic float64 `json:"patronymic"`
	// Qualifiers: how much agreement or conflict of birth date, country and
	// schema moves a name score.
	BirthDateAgree    float64 `json:"birth_date_agree"`
	BirthDateConflict float64 `json:"birth_date_conflict"`
	CountryAgree      float64 `json:"country_agree"`
	CountryConflict   float64 `json:"country_conflict"`
	SchemaConflict    float64 `json:"schema_conflict"`
	GenderConflict    float64 `json:"gender_conflict"`
	WeakAlias         float64 `json:"weak_alias"`
}

// DefaultWeights are the weights the engine was tuned with (docs/quality.md).
// DefaultThreshold is the score at and above which a hit is a match.
const DefaultThreshold = 0.85

var DefaultWeights = Weights{
	Extra: 0.3, Legal: 0.15, Connector: 0.15, Initial: 0.35, Patronymic: 0.35,
	BirthDateAgree: 0.04, BirthDateConflict: 0.15, CountryAgree: 0.02, CountryConflict: 0.06,
	SchemaConflict: 0.25, GenderConflict: 0.1, WeakAlias: 0.05,
}

// weight is what a token counts for: distinctive words by their rarity,
// other kinds by their weight.
func (w *Weights) weight(t *token) float64 {
	switch t.kind {
	case kindLegal:
		return w.Legal
	case kindConnector:
		return w.Connector
	case kindInitial:
		return w.Initial
	case kindPatronymic:
		return w.Patronymic * t.rarity
	}
	return t.rarity
}
