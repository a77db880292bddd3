package match

import (
	"warden"
)

// Feature is one contribution to a score, for explanations.
type Feature struct {
	Name         string  `json:"name"`
	Contribution float64 `json:"contribution"`
	Detail       string  `json:"detail,omitempty"`
}

// Explanation says why a listed party scored as it did: which query name met
// which listed name, in which reading, word by word, and what each feature
// added or took away.
type Explanation struct {
	QueryName  string       `json:"query_name,omitempty"`
	ListedName string       `json:"listed_name,omitempty"`
	Reading    string       `json:"reading,omitempty"` // the Latin reading that matched, when a name was transliterated
	NameScore  float64      `json:"name_score"`
	Tokens     []TokenMatch `json:"tokens,omitempty"`
	Missing    []string     `json:"missing,omitempty"` // query words with no partner
	Extra      []string     `json:"extra,omitempty"`   // listed words with no partner
	Features   []Feature    `json:"features,omitempty"`
	Identifier string       `json:"identifier,omitempty"` // the wallet or identifier that matched exactly
}

// namePair is a query name and a listed name, by index, and which reading
// of each was compared.
type namePair struct{ q, c, qr, cr int }

// bestNames compares every reading of each query name with every reading of
// each listed name and returns the best, explained if explain is set.
//
// allow, if not nil, holds for each listed name a mask of the query readings
// (numbered across query names) worth comparing with it.
func bestNames(qs []name, cs []*name, w *Weights, allow []uint8, explain bool) (float64, Explanation) {
	best, pr := bestPair(qs, cs, w, allow)
	if best <= 0 {
		return 0, Explanation{}
	}
	if !explain {
		return best, Explanation{}
	}
	return best, explainPair(qs, cs, pr, best, w)
}

// bestPair is bestNames without the explanation: the best score and the
// pair of readings that gave it first, which explainPair explains.
func bestPair(qs []name, cs []*name, w *Weights, allow []uint8) (float64, namePair) {
	best := -1.0
	var bp namePair
	for ci := range cs {
		ri := 0
		for qi := range qs {
			for qr := range qs[qi].readings {
				ri++
				if allow != nil && (ri-1 >= maxQueryReadings || allow[ci]&(1<<uint(ri-1)) == 0) {
					continue
				}
				for cr := range cs[ci].readings {
					if s := pairScore(qs, cs, namePair{qi, ci, qr, cr}, w); s > best {
						best, bp = s, namePair{qi, ci, qr, cr}
					}
				}
			}
		}
	}
	return max(best, 0), bp
}

// pairScore is what pair pr of readings scores.
func pairScore(qs []name, cs []*name, pr namePair, w *Weights) float64 {
	q, c := &qs[pr.q], cs[pr.c]
	s := compareReadings(q.readings[pr.qr], c.readings[pr.cr], q.spans[pr.qr], c.spans[pr.cr], w, false).score
	// A weak alias is a doubtful way to know a party, except when it is
	// given exactly as listed.
	if c.kind == warden.NameWeak && s < 1 {
		s -= w.WeakAlias
	}
	return s
}

// explainPair explains the comparison of pair pr, which scored best.
func explainPair(qs []name, cs []*name, pr namePair, best float64, w *Weights) Explanation {
	q, c := &qs[pr.q], cs[pr.c]
	r := compareReadings(q.readings[pr.qr], c.readings[pr.cr], q.spans[pr.qr], c.spans[pr.cr], w, true)
	ex := Explanation{QueryName: q.raw, ListedName: c.raw, NameScore: round(best), Tokens: r.pairs, Missing: r.missing, Extra: r.extra}
	if reading := joinTokens(c.readings[pr.cr]); reading != c.folded {
		ex.Reading = reading
	} else if reading := joinTokens(q.readings[pr.qr]); reading != q.folded {
		ex.Reading = reading
	}
	return ex
}

// ptrs points at each of ns.
func ptrs(ns []name) []*name {
	out := make([]*name, len(ns))
	for i := range ns {
		out[i] = &ns[i]
	}
	return out
}

func joinTokens(ts []token) string {
	b := make([]byte, 0, 32)
	for i, t := range ts {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, t.text...)
	}
	return string(b)
}

// Comparison is the result of comparing two names.
type Comparison struct {
	Score       float64     `json:"score"`
	Match       bool        `json:"match"`
	Explanation Explanation `json:"explanation"`
}

// Compare scores two names of one schema ("" if unknown) against each other
// without list statistics: every word weighs the same.
func Compare(schema warden.Schema, a, b string, threshold float64, w *Weights) Comparison {
	if w == nil {
		w = &DefaultWeights
	}
	qa := []name{prepare(a, warden.NamePrimary, schema)}
	qb := []name{prepare(b, warden.NamePrimary, schema)}
	s1, e1 := bestNames(qa, ptrs(qb), w, nil, true)
	s2, e2 := bestNames(qb, ptrs(qa), w, nil, true)
	// Symmetric: either name may be the fuller one.
	if s2 > s1 {
		s1, e1 = s2, e2
	}
	s := clamp(s1)
	return Comparison{Score: round(s), Match: s >= threshold, Explanation: e1}
}

func clamp(x float64) float64 {
	switch {
	case x < 0:
		return 0
	case x > 1:
		return 1
	}
	return x
}
