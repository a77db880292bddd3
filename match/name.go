package match

import (
	"math"
	"sort"
	"strings"
	"unicode/utf8"

	"warden"
)

// name is a name prepared for comparison: every Latin reading of it, each a
// list of tokens.
type name struct {
	raw      string
	kind     warden.NameKind
	readings [][]token
}

// orgLike reports whether a schema names an organisation of some kind.
func orgLike(s warden.Schema) bool {
	switch s {
	case warden.SchemaOrganization, warden.SchemaCompany, warden.SchemaLegalEntity:
		return true
	}
	return false
}

// readings returns the Latin readings of a raw name for a schema ("" when
// unknown): the folded name itself, or its transliterations.
func readings(raw string, schema warden.Schema) []string {
	f := fold(raw)
	switch scriptOf(f) {
	case "Cyrl":
		return cyrillicReadings(f)
	case "Grek":
		return []string{mapRunes(f, greek)}
	case "Arab":
		return []string{mapRunes(f, arabic)}
	case "Hani":
		switch {
		case schema == warden.SchemaPerson:
			return hanPersonReadings(f)
		case orgLike(schema):
			return hanOrgReadings(f)
		}
		if utf8.RuneCountInString(strings.ReplaceAll(f, " ", "")) <= 4 {
			return append(hanPersonReadings(f), hanOrgReadings(f)...)
		}
		return hanOrgReadings(f)
	}
	return []string{f}
}

// prepare reads and tokenises a name.
func prepare(raw string, k warden.NameKind, schema warden.Schema) name {
	n := name{raw: raw, kind: k}
	org := orgLike(schema)
	han := scriptOf(fold(raw)) == "Hani"
	for _, r := range readings(raw, schema) {
		ts := tokenize(r, org, han)
		if len(ts) == 0 || hasReading(n.readings, ts) {
			continue
		}
		n.readings = append(n.readings, ts)
	}
	return n
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
	WeakAlias         float64 `json:"weak_alias"`
}

// DefaultWeights are the weights the engine was tuned with (docs/quality.md).
// DefaultThreshold is the score at and above which a hit is a match.
const DefaultThreshold = 0.85

var DefaultWeights = Weights{
	Extra: 0.3, Legal: 0.15, Connector: 0.15, Initial: 0.35, Patronymic: 0.35,
	BirthDateAgree: 0.04, BirthDateConflict: 0.15, CountryAgree: 0.02, CountryConflict: 0.06,
	SchemaConflict: 0.25, WeakAlias: 0.05,
}

// idf gives a word's weight from how rare it is among listed names.
type idf func(text string) float64

func flatIDF(string) float64 { return 1 }

func (w *Weights) weight(t *token, f idf) float64 {
	switch t.kind {
	case kindLegal:
		return w.Legal
	case kindConnector:
		return w.Connector
	case kindInitial:
		return w.Initial
	case kindPatronymic:
		return w.Patronymic * f(t.text)
	}
	return f(t.text)
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
		out = append(out, span{tok: token{text: t, skel: skeleton(t), exact: ts[i].exact || ts[i+1].exact}, first: i, n: 2})
	}
	return out
}

type candidatePair struct {
	q, c span
	sim  float64
}

// compareReadings aligns query tokens with listed tokens one to one, best
// pairs first, and scores the alignment: the matched share of the query's
// weight, lowered by the listed name's unmatched words.
func compareReadings(q, c []token, w *Weights, f idf) nameResult {
	var pairs []candidatePair
	qs, cs := spans(q), spans(c)
	for _, a := range qs {
		for _, b := range cs {
			if a.n == 2 && b.n == 2 {
				continue
			}
			if s := tokenSim(&a.tok, &b.tok); s > 0 {
				pairs = append(pairs, candidatePair{a, b, s})
			}
		}
	}
	sort.SliceStable(pairs, func(i, j int) bool {
		if pairs[i].sim != pairs[j].sim {
			return pairs[i].sim > pairs[j].sim
		}
		return pairs[i].q.n+pairs[i].c.n > pairs[j].q.n+pairs[j].c.n
	})
	var usedQ, usedC uint64 // names have at most 64 tokens considered
	var r nameResult
	var num, qw, extra float64
	simOf := make([]float64, len(q))
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
		r.pairs = append(r.pairs, TokenMatch{Query: p.q.tok.text, Listed: p.c.tok.text, Sim: round(p.sim)})
	}
	words := 0.0
	for i := range q {
		wt := w.weight(&q[i], f)
		qw += wt
		num += simOf[i] * wt
		if q[i].kind == kindWord {
			words += simOf[i] * wt
		}
		if usedQ&mask(i, 1) == 0 {
			r.missing = append(r.missing, q[i].text)
		}
	}
	for j := range c {
		if usedC&mask(j, 1) != 0 {
			continue
		}
		wt := w.weight(&c[j], f)
		if c[j].kind == kindPatronymic {
			wt *= 0.5 // a patronymic is often left out of a query
		}
		extra += wt
		r.extra = append(r.extra, c[j].text)
	}
	for i := range r.pairs {
		r.pairs[i].Weight = round(weightOf(q, r.pairs[i].Query, w, f))
	}
	if qw == 0 || words == 0 {
		return r // nothing distinctive matched
	}
	r.score = num / (qw + w.Extra*extra)
	return r
}

func weightOf(q []token, text string, w *Weights, f idf) float64 {
	for i := range q {
		if q[i].text == text {
			return w.weight(&q[i], f)
		}
	}
	return f(text)
}

func mask(first, n int) uint64 {
	if first >= 64 {
		return 0
	}
	return ((1 << uint(n)) - 1) << uint(first)
}

func round(x float64) float64 { return math.Round(x*1000) / 1000 }
