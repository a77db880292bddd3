package match

import (
	"math"
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

// readings returns the Latin readings of a folded name for a schema (""
// when unknown): the name itself, or its transliterations. A name mixing
// Latin words with another script ("Abu Muhammad (Абу Мухаммад)") is also
// read as its Latin words alone and as its other words alone.
func readings(f string, schema warden.Schema) []string {
	if scriptOf(f) == "Latn" {
		return []string{f}
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
	out := []string{strings.Join(latin, " ")}
	for _, r := range scriptReadings(strings.Join(other, " "), schema) {
		out = appendNew(out, r)
	}
	return out
}

func scriptReadings(f string, schema warden.Schema) []string {
	switch scriptOf(f) {
	case "Cyrl":
		return cyrillicReadings(f)
	case "Grek":
		return []string{mapRunes(f, greek)}
	case "Arab":
		return []string{arabicReading(f)}
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
	}
	return []string{f}
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
	han := scriptOf(n.folded) == "Hani"
	arab := scriptOf(n.folded) == "Arab"
	for _, r := range readings(n.folded, schema) {
		n.add(r, orgs, han, arab)
		if j, ok := joinInitials(r); ok {
			n.add(j, orgs, han, arab)
		}
	}
	return n
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
		han, arab := scriptOf(f) == "Hani", scriptOf(f) == "Arab"
		for _, r := range readings(f, schema) {
			n.add(r, orgs, han, arab)
		}
		if !strings.ContainsRune(n.raw, '1') {
			return
		}
	}
}

// add tokenises reading r, as a person's or organisation's name for each of
// orgs, and adds the readings it does not have yet.
func (n *name) add(r string, orgs []bool, han, arab bool) {
	for _, org := range orgs {
		ts := tokenize(r, org, han, arab)
		if len(ts) == 0 || hasReading(n.readings, ts) {
			continue
		}
		n.readings = append(n.readings, ts)
		n.spans = append(n.spans, spans(ts))
	}
}

func hasReading(rs [][]token, ts []token) bool {
	for _, r := range rs {
		if len(r) != len(ts) {
			continue
		}
		same := true
		for i := range r {
			same = same && r[i].text == ts[i].text
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

// TokenMatch is one pair of aligned words in an explanation.
type TokenMatch struct {
	Query  string  `json:"query"`
	Listed string  `json:"listed"`
	Sim    float64 `json:"sim"`
	Weight float64 `json:"weight"`
}

// nameResult is the outcome of comparing two readings.
type nameResult struct {
	score   float64
	pairs   []TokenMatch
	missing []string // query words with no partner
	extra   []string // listed words with no partner
}

// span is a token or two adjacent tokens joined (EvilCorp = Evil Corp).
type span struct {
	tok   token
	first int
	n     int
}

func spans(ts []token) []span {
	out := make([]span, 0, 2*len(ts))
	for i := range ts {
		out = append(out, span{tok: ts[i], first: i, n: 1})
	}
	for i := 0; i+1 < len(ts); i++ {
		t := ts[i].text + ts[i+1].text
		// Joined words bridge only when they agree: no typos on top.
		out = append(out, span{tok: newToken(t, kindWord, true), first: i, n: 2})
	}
	return out
}

type candidatePair struct {
	q, c *span
	sim  float64
}

func better(a, b *candidatePair) bool {
	if a.sim != b.sim {
		return a.sim > b.sim
	}
	return a.q.n+a.c.n > b.q.n+b.c.n
}

// compareReadings aligns query tokens with listed tokens one to one, best
// pairs first, and scores the alignment: the matched share of the query's
// weight, lowered by the listed name's unmatched words.
func compareReadings(q, c []token, qs, cs []span, w *Weights, explain bool) nameResult {
	var buf [32]candidatePair
	pairs := buf[:0]
	for ai := range qs {
		a := &qs[ai]
		for bi := range cs {
			b := &cs[bi]
			// Joined words pair with single ones, and never with an initial.
			if a.n+b.n > 2 && (a.n == 2 && b.n == 2 || a.tok.kind == kindInitial || b.tok.kind == kindInitial) {
				continue
			}
			if s := tokenSim(&a.tok, &b.tok); s > 0 {
				pairs = append(pairs, candidatePair{a, b, s})
			}
		}
	}
	// Best first; insertion sort, as there are few pairs.
	for i := 1; i < len(pairs); i++ {
		for j := i; j > 0 && better(&pairs[j], &pairs[j-1]); j-- {
			pairs[j], pairs[j-1] = pairs[j-1], pairs[j]
		}
	}
	var usedQ, usedC uint64 // names have at most 64 tokens considered
	var r nameResult
	var num, qw, extra float64
	var simBuf [16]float64
	var simOf []float64
	if len(q) > len(simBuf) {
		simOf = make([]float64, len(q))
	} else {
		simOf = simBuf[:len(q)]
	}
	var byInitial uint64 // query positions met only through an initial
	for _, p := range pairs {
		mq := mask(p.q.first, p.q.n)
		mc := mask(p.c.first, p.c.n)
		if usedQ&mq != 0 || usedC&mc != 0 {
			continue
		}
		usedQ |= mq
		usedC |= mc
		for i := p.q.first; i < p.q.first+p.q.n && i < len(simOf); i++ {
			simOf[i] = p.sim
		}
		if p.q.tok.kind == kindInitial || p.c.tok.kind == kindInitial {
			byInitial |= mq
		}
		if explain {
			r.pairs = append(r.pairs, TokenMatch{Query: p.q.tok.text, Listed: p.c.tok.text, Sim: round(p.sim)})
		}
	}
	words := 0.0
	for i := range q {
		wt := w.weight(&q[i])
		qw += wt
		num += simOf[i] * wt
		if q[i].kind == kindWord && byInitial&mask(i, 1) == 0 {
			words += simOf[i] * wt
		}
		if explain && usedQ&mask(i, 1) == 0 {
			r.missing = append(r.missing, q[i].text)
		}
	}
	for j := range c {
		if usedC&mask(j, 1) != 0 {
			continue
		}
		wt := w.weight(&c[j])
		if c[j].kind == kindPatronymic {
			wt *= 0.5 // a patronymic is often left out of a query
		}
		extra += wt
		if explain {
			r.extra = append(r.extra, c[j].text)
		}
	}
	for i := range r.pairs {
		r.pairs[i].Weight = round(weightOf(q, r.pairs[i].Query, w))
	}
	if qw == 0 || words == 0 {
		return r // no word met a word: initials alone say too little
	}
	r.score = num / (qw + w.Extra*extra)
	return r
}

func weightOf(q []token, text string, w *Weights) float64 {
	for i := range q {
		if q[i].text == text {
			return w.weight(&q[i])
		}
	}
	return 1 // a joined pair of query words
}

func mask(first, n int) uint64 {
	if first >= 64 {
		return 0
	}
	return ((1 << uint(n)) - 1) << uint(first)
}

func round(x float64) float64 { return math.Round(x*1000) / 1000 }
