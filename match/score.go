package match

import (
	"cmp"
	"slices"
	"strings"

	"warden"
)

// search scores the candidates and returns the best hits. Entities are
// scored in descending order of their bound, and scoring stops once no
// remaining entity can enter the top Limit (top-k early termination).
func (ix *Index) search(p *Prepared, opt Options, ents []int32, names *candSet) []Hit {
	opt.defaults()
	w := opt.Weights
	floor := opt.MinScore
	reach := opt.reach
	// The names that can reach the floor, with their entity and bound (of
	// the name alone: the party's qualifiers are counted apart, qualBound);
	// entities found by identifier come with no name and bound 2.
	type en struct {
		e, n  int32
		bound float64
	}
	// Few names pass the bounds (one in twenty on the customer mix): keep
	// grows as they do rather than hold room for every candidate.
	var keep []en
	qq, quals := ix.queryQual(p), ix.partyQuals()
	for i, nm := range names.ids {
		c := &names.cands[i]
		b := p.bound(c, w)
		if reach(b) < floor {
			continue
		}
		e := ix.owner[nm]
		q := qq.bound(&quals[e], w)
		if q.reach(b, &opt) < floor {
			continue
		}
		if b := ix.nameBound(p, c, nm, w); q.reach(b, &opt) >= floor {
			keep = append(keep, en{e, nm, b})
		}
	}
	for _, e := range ents {
		keep = append(keep, en{e, -1, 2})
	}
	byEntity := func(a, b en) int {
		if a.e != b.e {
			return int(a.e - b.e)
		}
		return int(a.n - b.n)
	}
	slices.SortFunc(keep, byEntity)
	type group struct {
		e     int32
		nms   []int32
		bound float64
	}
	groups := make([]group, 0, len(keep))
	nms := make([]int32, 0, len(keep)) // the groups' names, one array
	for i := 0; i < len(keep); {
		g := group{e: keep[i].e, nms: nms[len(nms):len(nms)]}
		byID := false
		for ; i < len(keep) && keep[i].e == g.e; i++ {
			if n := keep[i].n; n < 0 {
				byID = true
			} else if len(g.nms) == 0 || g.nms[len(g.nms)-1] != n {
				g.nms = append(g.nms, n)
			}
			g.bound = max(g.bound, keep[i].bound)
		}
		g.nms = g.nms[:len(g.nms):len(g.nms)]
		nms = nms[:len(nms)+len(g.nms)]
		if !byID {
			g.bound = ix.qualBoundOf(p, g.e, w).reach(g.bound, &opt)
		}
		if p.lists == nil || p.lists[ix.parties[g.e].list] {
			groups = append(groups, g)
		}
	}
	slices.SortFunc(groups, func(a, b group) int {
		return cmp.Or(cmp.Compare(b.bound, a.bound), cmp.Compare(a.e, b.e))
	})
	// Hits are ranked by their score as reported, rounded, then by entity
	// id; once Limit are held, a party whose rounded score (or bound) is
	// below the last one's cannot enter. Comparing the unrounded score with
	// the rounded one would drop a later party that ties after rounding but
	// comes first by id, so which party took the last place would hang on
	// the order of scoring, and that on float sums.
	//
	// A hit is explained once it is sure to stay: explaining scores the
	// party again, building the word pairs, and most parties that enter the
	// top Limit on the way are pushed out by better ones.
	// The party itself is decoded (Index.entity) only for the hits kept:
	// ranking needs its id alone.
	type held struct {
		score float64 // rounded
		match bool
		g     int      // its group
		pair  namePair // the readings that scored best, which explaining compares alone
	}
	before := func(a, b *held) bool {
		if a.score != b.score {
			return a.score > b.score
		}
		return ix.parties[groups[a.g].e].id < ix.parties[groups[b.g].e].id
	}
	var top []held
	full, kth := false, 0.0 // the top Limit are held; the last one's score
	for gi, g := range groups {
		if g.bound < floor || full && round(g.bound) < kth {
			break
		}
		s, pr, _ := ix.score(p, g.e, g.nms, names, opt, nil)
		if s < floor || full && round(s) < kth {
			continue
		}
		top = append(top, held{round(s), s >= opt.Threshold, gi, pr})
		for i := len(top) - 1; i > 0 && before(&top[i], &top[i-1]); i-- {
			top[i], top[i-1] = top[i-1], top[i]
		}
		if len(top) > opt.Limit {
			top = top[:opt.Limit]
		}
		if len(top) == opt.Limit {
			full, kth = true, top[len(top)-1].score
		}
	}
	if len(top) == 0 {
		return nil
	}
	hits := make([]Hit, len(top))
	for i, h := range top {
		g := &groups[h.g]
		hits[i] = Hit{Entity: ix.entity(g.e), Score: h.score, Match: h.match}
		_, _, hits[i].Explanation = ix.score(p, g.e, g.nms, names, opt, &h.pair)
	}
	return hits
}

func hitBefore(a, b *Hit) bool {
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	return a.Entity.ID < b.Entity.ID
}

// score rates one entity against a prepared query, comparing the query with
// the entity's names listed in nms, and returns the pair of readings that
// scored best.
//
// cands, if not nil, says which query readings retrieved each name; only
// those readings are compared with it. explain, if not nil, is the pair an
// earlier call returned for the same entity, names and candidates: score
// then compares that pair alone, which gives the same score, and explains
// it (a hit is explained once it is sure to stay, after it was ranked).
func (ix *Index) score(p *Prepared, ei int32, nms []int32, cands *candSet, opt Options, explain *namePair) (float64, namePair, Explanation) {
	e := &ix.parties[ei]
	w := opt.Weights
	for _, k := range p.idKeys {
		for _, x := range ix.idsOf(k) {
			if x == ei {
				return 1, namePair{}, Explanation{Identifier: k[2:], Features: []Feature{{Name: idFeature(k), Contribution: 1, Detail: "exact match on " + k[2:]}}}
			}
		}
	}
	if len(p.names) == 0 || len(nms) == 0 {
		return 0, namePair{}, Explanation{}
	}
	var lbuf [8]*name
	var abuf [8]uint8
	listed := lbuf[:0]
	var allow []uint8
	if cands != nil {
		allow = abuf[:0]
	}
	for i, nm := range nms {
		listed = append(listed, ix.name(nm))
		if cands != nil {
			allow = append(allow, 0)
		}
		if c := cands.get(nm, false); c != nil {
			for ri, h := range c.hit {
				if h|c.init[ri] != 0 {
					allow[i] |= 1 << uint(ri)
				}
			}
		}
	}
	var s float64
	var pr namePair
	if explain != nil {
		pr = *explain
		s = max(pairScore(p.names, listed, pr, w), 0)
	} else {
		s, pr = bestPair(p.names, listed, w, allow)
	}
	if s == 0 {
		return 0, pr, Explanation{}
	}
	var ex Explanation
	if explain != nil {
		ex = explainPair(p.names, listed, pr, s, w)
	}
	positive := s >= opt.Threshold-positiveFrom // qualifiers never make a hit alone
	p.qualifiers(e, w, explain != nil, func(name string, c float64, detail string) {
		if c > 0 && !positive {
			return
		}
		s += c
		if explain != nil {
			ex.Features = append(ex.Features, Feature{Name: name, Contribution: round(c), Detail: detail})
		}
	})
	return clamp(s), pr, ex
}

// qualifiers calls f with each feature the qualifiers of party e give
// against the query (schema, birth date, gender, country): its name, what
// it adds to the name score (negative for a conflict) and, if explain,
// its detail.
func (p *Prepared) qualifiers(e *party, w *Weights, explain bool, f func(name string, c float64, detail string)) {
	if p.q.Schema != "" && !compatible(p.q.Schema, e.schema) {
		detail := ""
		if explain {
			detail = string(p.q.Schema) + " vs " + string(e.schema)
		}
		f("schema_mismatch", -w.SchemaConflict, detail)
	}
	if len(p.years) > 0 && len(e.birth) > 0 {
		switch d := dateDistance(p.years, e.birth); {
		case d == 0:
			f("birth_date_match", w.BirthDateAgree, "")
		case d == 1:
			f("birth_date_near", -w.BirthDateConflict/3, "one year apart")
		default:
			f("birth_date_conflict", -w.BirthDateConflict, "")
		}
	}
	if p.q.Gender != "" && e.gender != "" && e.schema == warden.SchemaPerson && p.q.Gender != strings.ToLower(e.gender) {
		f("gender_conflict", -w.GenderConflict, e.gender)
	}
	if len(p.countries) > 0 && len(e.countries) > 0 {
		if overlap(p.countries, e.countries) {
			f("country_match", w.CountryAgree, "")
		} else {
			detail := ""
			if explain {
				detail = strings.Join(e.countries, ",")
			}
			f("country_conflict", -w.CountryConflict, detail)
		}
	}
}

// qualBound is what a party's qualifiers may add to the score of its
// names against a query: neg, the sum of their conflicts, which score
// takes off any name score, and pos, of their agreements, which count only
// near the threshold. A party whose name alone could reach the floor often
// cannot once its qualifiers are counted (an organisation for a person's
// query, a birth date years off): three in four parties scored on the
// customer mix fell below the floor before they were counted.
type qualBound struct{ neg, pos float64 }

// qualBoundOf returns party ei's qualBound against p, exactly.
func (ix *Index) qualBoundOf(p *Prepared, ei int32, w *Weights) qualBound {
	var q qualBound
	p.qualifiers(&ix.parties[ei], w, false, func(_ string, c float64, _ string) {
		if c < 0 {
			q.neg += c
		} else {
			q.pos += c
		}
	})
	return q
}

// reach is the most the party may score when its names score at most b,
// with reach's slack; score sums the same terms in another order, hence
// the margin. o has its defaults.
func (q qualBound) reach(b float64, o *Options) float64 {
	if b >= o.Threshold-positiveFrom-1e-9 {
		b += q.pos
	}
	return b + q.neg + 1e-9
}

// partyQual is what queryQual.bound needs of a party, packed in 16
// bytes: a query's candidate names belong to parties met at random, and
// loading each one's record (party) missed the cache at a cost near what
// bounding saved. Where packing loses detail (a birth year within the
// party's span, a country sharing another's bit) the bound is looser, never
// tighter, than qualBoundOf.
type partyQual struct {
	countries        uint64 // a bit per country (countryBit); 0 if none
	birthLo, birthHi int16  // the span of the birth years dateDistance reads (birth == birthSpan)
	birth            uint8  // birthNone, birthUnread or birthSpan
	schema           uint8  // the party's schema, as an index of Index.schemas
	gender           uint8  // genderCode of a person's gender; 0 if none or not a person
}

// The birth dates a partyQual records.
const (
	birthNone   = iota // none: no birth feature
	birthUnread        // none dateDistance reads (shorter than a year)
	birthSpan          // years birthLo to birthHi
)

// countryBit is country c's bit in partyQual.countries.
func countryBit(c string) uint64 { return 1 << (hashWord(c) & 63) }

// genderCode numbers gender g, lowered: 0 for none, 1 male, 2 female, 3
// any other.
func genderCode(g string) uint8 {
	switch strings.ToLower(g) {
	case "":
		return 0
	case "male":
		return 1
	case "female":
		return 2
	}
	return 3
}

// partyQuals returns every party's partyQual, made on first use.
func (ix *Index) partyQuals() []partyQual {
	ix.qualsOnce.Do(func() {
		qs := make([]partyQual, len(ix.parties))
		codes := map[warden.Schema]uint8{}
		for i := range ix.parties {
			e, q := &ix.parties[i], &qs[i]
			c, ok := codes[e.schema]
			if !ok {
				c = uint8(len(ix.schemas))
				codes[e.schema] = c
				ix.schemas = append(ix.schemas, e.schema) // few: Person, Organization, ...
			}
			q.schema = c
			if e.schema == warden.SchemaPerson {
				q.gender = genderCode(e.gender)
			}
			for _, c := range e.countries {
				q.countries |= countryBit(c)
			}
			if len(e.birth) > 0 {
				q.birth = birthUnread
			}
			// A year that is not four digits ("2/00", "2 Fe"): dateDistance
			// compares dates as text and reads such a year digit by digit,
			// so where it falls as text a span of numbers cannot tell.
			odd := false
			for _, d := range e.birth {
				to := d.To
				if to == "" {
					to = d.From
				}
				if len(d.From) < 4 || len(to) < 4 {
					continue
				}
				lo, hi := min(atoi(d.From[:4]), atoi(to[:4])), max(atoi(d.From[:4]), atoi(to[:4]))
				odd = odd || !digits(d.From[:4]) || !digits(to[:4])
				if q.birth != birthSpan {
					q.birth, q.birthLo, q.birthHi = birthSpan, int16(lo), int16(hi)
				}
				q.birthLo, q.birthHi = int16(min(int(q.birthLo), lo)), int16(max(int(q.birthHi), hi))
			}
			if odd {
				q.birth = birthUnread // bounded as if it might agree
			}
		}
		ix.quals = qs
	})
	return ix.quals
}

// digits reports whether s is all ASCII digits.
func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// queryQual is a query's qualifiers as queryQual.bound reads them.
type queryQual struct {
	conflicts uint64  // bit i: the query's schema conflicts with Index.schemas[i]
	years     []int16 // the birth years
	countries uint64  // partyQual.countries of its countries
	gender    uint8   // genderCode
	none      bool    // no qualifier
}

// queryQual returns p's qualifiers as queryQual.bound reads them.
func (ix *Index) queryQual(p *Prepared) queryQual {
	q := queryQual{gender: genderCode(p.q.Gender), none: !p.qualified()}
	// partyQuals numbers the schemas: a few (Person, Vessel...), each a bit.
	ix.partyQuals()
	for i, sc := range ix.schemas[:min(len(ix.schemas), 64)] {
		if p.q.Schema != "" && !compatible(p.q.Schema, sc) {
			q.conflicts |= 1 << i
		}
	}
	for _, y := range p.years {
		q.years = append(q.years, int16(atoi(y[:4])))
	}
	for _, c := range p.countries {
		q.countries |= countryBit(c)
	}
	return q
}

// bound is the qualBound of the party packed as e: at least its
// qualBoundOf. A birth year one off the party's span or inside it may be
// near or agree, further off it conflicts; a country whose bit the party
// lacks conflicts, one whose bit it has may agree.
func (q *queryQual) bound(e *partyQual, w *Weights) qualBound {
	var b qualBound
	if q.none {
		return b
	}
	if e.schema < 64 && q.conflicts>>e.schema&1 != 0 {
		b.neg -= w.SchemaConflict
	}
	if len(q.years) > 0 && e.birth != birthNone {
		near := e.birth == birthUnread
		for _, y := range q.years {
			near = near || y >= e.birthLo-1 && y <= e.birthHi+1
		}
		if near {
			b.pos += w.BirthDateAgree
		} else {
			b.neg -= w.BirthDateConflict
		}
	}
	if q.gender != 0 && e.gender != 0 && q.gender != e.gender {
		b.neg -= w.GenderConflict
	}
	if q.countries != 0 && e.countries != 0 {
		if q.countries&e.countries != 0 {
			b.pos += w.CountryAgree
		} else {
			b.neg -= w.CountryConflict
		}
	}
	return b
}

// reach is the most a party whose name can score b may score: the
// qualifiers add to a name scoring at least positiveFrom below the
// threshold only, so a bound below it stands as it is; the slack keeps
// float error in a bound from taking a bonus away. o has its defaults.
func (o *Options) reach(b float64) float64 {
	if b >= o.Threshold-positiveFrom-1e-9 {
		return b + maxBonus(o.Weights)
	}
	return b
}

// positiveFrom is how far below the threshold a name may score and still
// gain from agreeing qualifiers (birth date, country): a name further off
// is not the party, whatever else agrees.
const positiveFrom = 0.15

func idFeature(k string) string {
	if strings.HasPrefix(k, "w:") {
		return "wallet_match"
	}
	return "identifier_match"
}

// compatible reports whether a query schema may describe a listed party.
func compatible(q, e warden.Schema) bool {
	switch {
	case q == e, q == warden.SchemaLegalEntity && e != warden.SchemaCryptoWallet, e == warden.SchemaLegalEntity && q != warden.SchemaCryptoWallet:
		return true
	case orgLike(q) && orgLike(e):
		return true
	}
	return false
}

// dateDistance returns 0 when a query date agrees with a listed birth date
// (to the precision both give), else the smallest gap in years.
func dateDistance(qs []string, ds []warden.DateRange) int {
	best := 1 << 30
	for _, q := range qs {
		for _, d := range ds {
			from, to := d.From, d.To
			if to == "" {
				to = from
			}
			if len(from) < 4 || len(to) < 4 {
				continue
			}
			n := min(len(q), len(from))
			if q[:n] >= from[:min(n, len(from))] && q[:min(n, len(to))] <= to[:min(n, len(to))] {
				return 0
			}
			qy, fy, ty := atoi(q[:4]), atoi(from[:4]), atoi(to[:4])
			gap := 0
			if qy < fy {
				gap = fy - qy
			} else if qy > ty {
				gap = qy - ty
			} else {
				gap = 1 // same years, other month or day
			}
			best = min(best, gap)
		}
	}
	return best
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

func overlap(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}
