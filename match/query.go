package match

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"warden"
)

// Query is what is screened: names in any script, and any of schema, birth
// dates, countries, wallets and identifiers.
type Query struct {
	Names      []string      `json:"names,omitempty"`
	Schema     warden.Schema `json:"schema,omitempty"`
	BirthDates []string      `json:"birth_dates,omitempty"` // YYYY, YYYY-MM or YYYY-MM-DD
	Countries  []string      `json:"countries,omitempty"`   // ISO codes or names
	Gender     string        `json:"gender,omitempty"`      // male or female
	Wallets    []string      `json:"wallets,omitempty"`
	IDs        []string      `json:"ids,omitempty"`
	Lists      []string      `json:"lists,omitempty"` // only these lists; all if empty
	// AsOf is the day of screening, by the caller's clock: birth dates
	// after it are refused, as nobody listed is born yet. Today (time.Now)
	// if zero.
	AsOf time.Time `json:"-"`
}

// Options tune one search.
type Options struct {
	Threshold float64  // match when score >= Threshold; DefaultThreshold if 0
	Limit     int      // at most this many hits; 10 if 0
	Weights   *Weights // DefaultWeights if nil
	// MinScore is the lowest score reported as a hit; 0.7 × Threshold if 0.
	MinScore float64
}

// Hit is a listed party that resembles the query.
type Hit struct {
	Entity      *warden.Entity
	Score       float64
	Match       bool
	Explanation Explanation
	// Listings are the other listings of Entity's real party (the same
	// party on other lists), which screening groups into one hit; the
	// index leaves it empty.
	Listings []warden.Listing
}

// MaxNameLength is the longest name, in characters, a query may hold.
const MaxNameLength = 1000

// MaxQueryNames is the most names one query may hold. Every name is
// screened, in all its readings, so the cost of a query grows with its
// names; more is EINVALID, never screened in part.
const MaxQueryNames = 100

// Prepared is a validated query, read and tokenised, ready to screen. It
// may be screened any number of times, by one goroutine at a time.
type Prepared struct {
	q         Query
	names     []name
	countries []string
	years     []string
	lists     map[string]bool
	idKeys    []string
	looked    [maxQueryReadings]uint64 // per reading: the words looked up
	// words holds per reading its words (kindWord): a reading scores 0
	// against a name none of them hits (compareReadings needs a word met
	// by a word), however many initials and legal forms meet it.
	words [maxQueryReadings]uint64
}

// Prepare validates a query: it must hold a name, wallet or identifier;
// there may be at most MaxQueryNames names, each valid UTF-8 without
// control characters and at most MaxNameLength characters; schema,
// countries and birth dates must be known and well formed, birth dates not
// after q.AsOf. Errors are EINVALID.
func Prepare(q Query) (*Prepared, error) {
	p := &Prepared{q: q}
	if len(q.Names) > MaxQueryNames {
		return nil, warden.Errorf(warden.EINVALID, "%d names; a query holds at most %d", len(q.Names), MaxQueryNames)
	}
	if q.Schema != "" && !q.Schema.Valid() {
		return nil, warden.Errorf(warden.EINVALID, "unknown schema %q", q.Schema)
	}
	for _, n := range q.Names {
		if err := checkText("name", n, MaxNameLength); err != nil {
			return nil, err
		}
		if strings.TrimSpace(n) == "" {
			continue
		}
		pn := prepare(n, warden.NamePrimary, q.Schema)
		pn.addLeet(q.Schema)
		if len(pn.readings) > 0 {
			p.names = append(p.names, pn)
		}
		p.idKeys = append(p.idKeys, nameWalletKeys(n)...)
	}
	switch strings.ToLower(q.Gender) {
	case "", "male", "female":
		p.q.Gender = strings.ToLower(q.Gender)
	default:
		return nil, warden.Errorf(warden.EINVALID, "gender %q is neither male nor female", q.Gender)
	}
	for _, c := range q.Countries {
		code, ok := warden.CountryCode(c)
		if !ok {
			return nil, warden.Errorf(warden.EINVALID, "unknown country %q", c)
		}
		p.countries = append(p.countries, code)
	}
	today := q.AsOf
	if today.IsZero() {
		today = time.Now()
	}
	for _, d := range q.BirthDates {
		if !validDate(d) {
			return nil, warden.Errorf(warden.EINVALID, "birth_date %q is not a calendar date written YYYY, YYYY-MM or YYYY-MM-DD (year 0001 to 9999)", d)
		}
		if d > today.Format("2006-01-02")[:len(d)] {
			return nil, warden.Errorf(warden.EINVALID, "birth_date %q is after today, %s", d, today.Format("2006-01-02"))
		}
		p.years = append(p.years, d)
	}
	for _, w := range q.Wallets {
		if err := checkText("wallet", w, 200); err != nil {
			return nil, err
		}
		if k := idKey(warden.IDCrypto, w); k != "" {
			p.idKeys = append(p.idKeys, k)
		}
	}
	for _, id := range q.IDs {
		if err := checkText("id", id, 200); err != nil {
			return nil, err
		}
		p.idKeys = append(p.idKeys, queryIDKeys(id)...)
	}
	if len(p.names) == 0 && len(p.idKeys) == 0 {
		return nil, warden.Errorf(warden.EINVALID, "empty query: give a name, wallet or identifier")
	}
	if len(q.Lists) > 0 {
		p.lists = map[string]bool{}
		for _, l := range q.Lists {
			p.lists[l] = true
		}
	}
	return p, nil
}

func checkText(what, s string, max int) error {
	if !utf8.ValidString(s) {
		return warden.Errorf(warden.EINVALID, "%s is not valid UTF-8", what)
	}
	if n := utf8.RuneCountInString(s); n > max {
		return warden.Errorf(warden.EINVALID, "%s is %d characters long; the limit is %d", what, n, max)
	}
	for _, r := range s {
		if name, ok := bidiOverride[r]; ok {
			return warden.Errorf(warden.EINVALID, "%s holds %U %s, which changes the order in which text is shown", what, r, name)
		}
		if _, shown := c1(r); unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' && !shown {
			return warden.Errorf(warden.EINVALID, "%s holds control character %U", what, r)
		}
	}
	return nil
}

// validDate reports whether d is a date of the calendar to the precision
// it gives: a year from 0001 to 9999, a month from 01 to 12, a day that
// month has (29 February only in leap years). An impossible date would
// otherwise move scores by comparing as text with listed birth dates.
func validDate(d string) bool {
	if len(d) != 4 && len(d) != 7 && len(d) != 10 {
		return false
	}
	for i, c := range d {
		if (i == 4 || i == 7) && c != '-' || i != 4 && i != 7 && (c < '0' || c > '9') {
			return false
		}
	}
	y := atoi(d[:4])
	if y < 1 {
		return false
	}
	if len(d) == 4 {
		return true
	}
	m := atoi(d[5:7])
	if m < 1 || m > 12 {
		return false
	}
	if len(d) == 7 {
		return true
	}
	day := atoi(d[8:])
	// The day before the first of the next month is the month's last.
	last := time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
	return day >= 1 && day <= last
}

// Search screens q against the index and returns hits, best first: every
// party whose score reaches MinScore, at most Limit of them. Options that
// fail Check are EINVALID.
func (ix *Index) Search(q Query, opt Options) ([]Hit, error) {
	if err := opt.Check(); err != nil {
		return nil, err
	}
	p, err := Prepare(q)
	if err != nil {
		return nil, err
	}
	return ix.SearchPrepared(p, opt), nil
}

// Query returns the query p was prepared from.
func (p *Prepared) Query() Query { return p.q }

// qualified reports whether p has a qualifier (schema, birth date,
// gender, country) that may move a party's score.
func (p *Prepared) qualified() bool {
	return p.q.Schema != "" || len(p.years) > 0 || p.q.Gender != "" || len(p.countries) > 0
}

// SearchPrepared is Search for a query already prepared, as batches do when
// they check every row before screening any. Every reading of every name is
// screened: a query with more readings than one pass tracks
// (maxQueryReadings) is screened in passes of that many, and each party
// keeps its best score, which is what one pass over them all would give, as
// a party scores its best reading.
func (ix *Index) SearchPrepared(p *Prepared, opt Options) []Hit {
	p = ix.expandAcronyms(p)
	for i := range p.names {
		ix.weighQuery(&p.names[i])
	}
	p = ix.split(p)
	opt.defaults()
	var hits []Hit
	for c := range p.passes {
		hits = mergeHits(hits, ix.searchPass(c, opt), opt.Limit)
	}
	return hits
}

// searchPass screens a query of at most maxQueryReadings readings.
func (ix *Index) searchPass(p *Prepared, opt Options) []Hit {
	names := ix.getSet()
	defer ix.sets.Put(names)
	ents := ix.candidates(p, opt, names)
	return ix.search(p, opt, ents, names)
}

// passes yields p itself when it has at most maxQueryReadings readings, as
// most queries have; else queries of that many readings each, in order,
// which together hold every reading of p.
func (p *Prepared) passes(yield func(*Prepared) bool) {
	total := 0
	for i := range p.names {
		total += len(p.names[i].readings)
	}
	if total <= maxQueryReadings {
		yield(p)
		return
	}
	var cur *Prepared
	left := 0
	for _, n := range p.names {
		for from := 0; from < len(n.readings); {
			if left == 0 {
				if cur != nil && !yield(cur) {
					return
				}
				cur = &Prepared{q: p.q, countries: p.countries, years: p.years, lists: p.lists, idKeys: p.idKeys}
				left = maxQueryReadings
			}
			to := min(len(n.readings), from+left)
			part := n
			part.readings, part.spans = n.readings[from:to:to], n.spans[from:to:to]
			cur.names = append(cur.names, part)
			left -= to - from
			from = to
		}
	}
	yield(cur)
}

// mergeHits adds the hits of one pass to those of the passes before,
// keeping each party's best, best first, at most limit.
func mergeHits(hits, more []Hit, limit int) []Hit {
	if hits == nil {
		return more
	}
next:
	for _, h := range more {
		for i := range hits {
			if hits[i].Entity == h.Entity {
				if h.Score > hits[i].Score {
					hits[i] = h
				}
				continue next
			}
		}
		hits = append(hits, h)
	}
	slices.SortFunc(hits, func(a, b Hit) int {
		switch {
		case hitBefore(&a, &b):
			return -1
		case hitBefore(&b, &a):
			return 1
		}
		return 0
	})
	if len(hits) > limit {
		hits = hits[:limit]
	}
	return hits
}

func (o *Options) defaults() {
	if o.Threshold == 0 {
		o.Threshold = DefaultThreshold
	}
	if o.Limit == 0 {
		o.Limit = 10
	}
	if o.Weights == nil {
		o.Weights = &DefaultWeights
	}
	if o.MinScore == 0 {
		o.MinScore = 0.7 * o.Threshold
	}
}
