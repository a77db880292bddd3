package match

import (
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
}

// MaxNameLength is the longest name, in characters, a query may hold.
const MaxNameLength = 1000

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
}

// Prepare validates a query: it must hold a name, wallet or identifier;
// names must be valid UTF-8 without control characters and at most
// MaxNameLength characters; schema, countries and birth dates must be known
// and well formed. Errors are EINVALID.
func Prepare(q Query) (*Prepared, error) {
	p := &Prepared{q: q}
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
		if len(pn.readings) > 0 {
			p.names = append(p.names, pn)
		}
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
	for _, d := range q.BirthDates {
		if !validDate(d) {
			return nil, warden.Errorf(warden.EINVALID, "birth_date %q is not a calendar date written YYYY, YYYY-MM or YYYY-MM-DD (year 0001 to 9999)", d)
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

// SearchPrepared is Search for a query already prepared, as batches do when
// they check every row before screening any.
func (ix *Index) SearchPrepared(p *Prepared, opt Options) []Hit {
	for i := range p.names {
		ix.weighQuery(&p.names[i])
	}
	opt.defaults()
	names := ix.getSet()
	defer ix.sets.Put(names)
	ents := ix.candidates(p, opt.Weights, opt.MinScore-maxBonus(opt.Weights), names)
	return ix.search(p, opt, ents, names)
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
