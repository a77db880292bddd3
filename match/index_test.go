package match

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"warden"
	"warden/sources/ofaccsv"
	"warden/sources/sourcetest"
)

var (
	ofacOnce  sync.Once
	ofacIndex *Index
	ofacErr   error
)

// ofac returns an index of the full OFAC SDN list (the bundled snapshot,
// the same files as shared/data's).
func ofac(t testing.TB) *Index {
	ofacOnce.Do(func() {
		dir := sourcetest.OFAC(t)
		var paths []string
		for _, f := range []string{"sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"} {
			paths = append(paths, filepath.Join(dir, f))
		}
		r, err := sourcetest.Parse(ofaccsv.Parser{}, paths...)
		if err != nil {
			ofacErr = err
			return
		}
		for _, e := range r.Entities {
			e.List = "ofac"
			e.ID = warden.EntityID("ofac", e.SourceID)
		}
		ofacIndex = NewIndex(r.Entities)
	})
	if ofacErr != nil {
		t.Fatal(ofacErr)
	}
	return ofacIndex
}

type evalRow struct {
	id, name, schema, dob, country, wallet, expect, category string
}

func screeningDev(t testing.TB) []evalRow {
	var out []evalRow
	for _, r := range readCSV(t, filepath.Join(evalDir(t), "screening-dev.csv"))[1:] {
		out = append(out, evalRow{r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]})
	}
	return out
}

func (r evalRow) query() Query {
	q := Query{Schema: warden.Schema(r.schema)}
	if r.name != "" {
		q.Names = []string{r.name}
	}
	if r.dob != "" {
		q.BirthDates = []string{r.dob}
	}
	if r.country != "" {
		q.Countries = []string{r.country}
	}
	if r.wallet != "" {
		q.Wallets = []string{r.wallet}
	}
	return q
}

// TestScreeningDev requires every expected party to be the top hit with
// match=true and no hit to match on the negative queries.
func TestScreeningDev(t *testing.T) {
	ix := ofac(t)
	cats := tally{}
	defer func() {
		t.Logf("screening-dev (a true positive is the expected party on top, matching):\n%s", cats.markdown())
	}()
	for _, r := range screeningDev(t) {
		hits, err := ix.Search(r.query(), Options{})
		if err != nil {
			t.Errorf("%s: %v", r.id, err)
			continue
		}
		top := len(hits) > 0 && hits[0].Match
		if r.expect == "NONE" {
			cats.add(r.category, top, false)
		} else {
			right := top && hits[0].Entity.SourceID == r.expect
			cats.add(r.category, right, true)
			if top && !right {
				cats.add(r.category, true, false) // a wrong party on top is also a false positive
			}
		}
		if r.expect == "NONE" {
			if len(hits) > 0 && hits[0].Match {
				t.Errorf("%s [%s] %q: false match %s %q %.3f", r.id, r.category, r.name, hits[0].Entity.SourceID, hits[0].Entity.Caption(), hits[0].Score)
			}
			continue
		}
		if len(hits) == 0 || hits[0].Entity.SourceID != r.expect || !hits[0].Match {
			top := "none"
			if len(hits) > 0 {
				top = hits[0].Entity.SourceID + " " + hits[0].Entity.Caption()
			}
			t.Errorf("%s [%s] %q: want %s on top and matching, got %s (%d hits)", r.id, r.category, r.name, r.expect, top, len(hits))
			for _, h := range hits {
				if h.Entity.SourceID == r.expect {
					t.Logf("  expected at %.3f: %+v", h.Score, h.Explanation)
				}
			}
			if len(hits) > 0 {
				t.Logf("  top at %.3f: %+v", hits[0].Score, hits[0].Explanation)
			}
		}
	}
}

// bruteForce scores every entity with the index's scorer.
func (ix *Index) bruteForce(p *Prepared, opt Options) []Hit {
	opt.defaults()
	var hits []Hit
	for ei := range ix.entities {
		var nms []int32
		for nm := ix.first[ei]; nm < ix.first[ei+1]; nm++ {
			nms = append(nms, nm)
		}
		if s, _, _ := ix.score(p, int32(ei), nms, nil, opt, nil); s >= opt.MinScore {
			hits = append(hits, Hit{Entity: ix.entities[ei], Score: s, Match: s >= opt.Threshold})
		}
	}
	return hits
}

// TestIndexLosesNothing checks candidate generation on the full list: for
// the eval queries and for misspelt, reordered, transliterated, abbreviated,
// lengthened and run-together variants of listed names, every party brute-force scoring
// puts at or above the reporting floor (MinScore) is also found through the
// index, with the same score.
//
// Brute force scores every party for every query, which makes this the
// longest test of the package: under -short or the race detector it checks
// a fixed sample of one query in eight (prime to the seven variants of each
// name, so every variant is sampled), so that CI stays well inside its
// time; a plain run checks them all.
func TestIndexLosesNothing(t *testing.T) {
	ix := ofac(t)
	var queries []Query
	for _, r := range screeningDev(t) {
		queries = append(queries, r.query())
	}
	mutate := []func(string) string{
		func(s string) string { return s },
		func(s string) string { // drop a letter from the longest word
			ws := strings.Fields(s)
			li := 0
			for i, w := range ws {
				if len(w) > len(ws[li]) {
					li = i
				}
			}
			if w := ws[li]; len(w) > 5 {
				ws[li] = w[:len(w)/2] + w[len(w)/2+1:]
			}
			return strings.Join(ws, " ")
		},
		func(s string) string { // reverse word order
			ws := strings.Fields(strings.ReplaceAll(s, ",", " "))
			for i, j := 0, len(ws)-1; i < j; i, j = i+1, j-1 {
				ws[i], ws[j] = ws[j], ws[i]
			}
			return strings.Join(ws, " ")
		},
		func(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "y", "i"), "k", "c") },
		func(s string) string { // the last word as an initial
			ws := strings.Fields(s)
			ws[len(ws)-1] = ws[len(ws)-1][:1] + "."
			return strings.Join(ws, " ")
		},
		func(s string) string { return s + " S.R.O. Holding" }, // words the listed name lacks
		func(s string) string { // the words run together, in reverse
			ws := strings.Fields(strings.ReplaceAll(s, ",", " "))
			slices.Reverse(ws)
			return strings.Join(ws, "")
		},
	}
	for i := 0; i < len(ix.entities); i += 97 {
		e := ix.entities[i]
		n := e.Names[0].Full
		for _, m := range mutate {
			queries = append(queries, Query{Names: []string{m(n)}})
		}
		// Qualifiers that agree and that conflict: the search counts them
		// in the bound of a party (qualBound) before scoring it.
		if i%(2*97) != 0 {
			continue // every other one, for time: brute force is slow
		}
		for _, q := range qualified(e) {
			for _, m := range mutate[:2] {
				q.Names = []string{m(n)}
				queries = append(queries, q)
			}
		}
	}
	if testing.Short() || raceEnabled {
		var sample []Query
		for i := 0; i < len(queries); i += 8 {
			sample = append(sample, queries[i])
		}
		queries = sample
	}
	loseNothing(t, ix, queries)
}

// qualified returns queries (without a name) whose qualifiers agree with
// e's, or conflict with them: its schema or another, its birth year or one
// a year off or decades off, its country or another, the other gender.
func qualified(e *warden.Entity) []Query {
	other := warden.SchemaOrganization
	if e.Schema != warden.SchemaPerson {
		other = warden.SchemaPerson
	}
	agree := Query{Schema: e.Schema}
	near := Query{Schema: e.Schema, Gender: "female", Countries: []string{"AQ"}}
	conflict := Query{Schema: other, BirthDates: []string{"1901"}, Gender: "male", Countries: []string{"AQ"}}
	if len(e.BirthDates) > 0 && len(e.BirthDates[0].From) >= 4 {
		y := e.BirthDates[0].From[:4]
		agree.BirthDates = []string{y}
		if n, err := strconv.Atoi(y); err == nil && n > 1 {
			near.BirthDates = []string{fmt.Sprintf("%04d", n-1)}
		}
	}
	cs := append(append(append([]string(nil), e.Nationalities...), e.Citizenships...), e.Countries...)
	if len(cs) > 0 {
		agree.Countries = cs[:1]
	}
	return []Query{agree, near, conflict}
}

// loseNothing checks that every party brute force scores at or above the
// reporting floor for each query is also found through the index (its
// candidates, bounds and top-k search, with no limit), with the same score.
func loseNothing(t *testing.T, ix *Index, queries []Query) {
	t.Helper()
	opt := Options{}
	opt.defaults()
	for _, q := range queries {
		p, err := Prepare(q)
		if err != nil {
			t.Fatal(err)
		}
		for i := range p.names {
			ix.weighQuery(&p.names[i])
		}
		p = ix.split(p)
		found := map[string]float64{}
		o := Options{Limit: 1 << 30}
		o.defaults()
		for c := range p.passes {
			names := ix.getSet()
			ents := ix.candidates(c, o, names)
			for _, h := range ix.search(c, o, ents, names) {
				found[h.Entity.ID] = max(found[h.Entity.ID], h.Score)
			}
		}
		for _, h := range ix.bruteForce(p, opt) {
			if got, ok := found[h.Entity.ID]; !ok || got != round(h.Score) {
				t.Errorf("query %v: %s (%.3f) found by brute force, by the index with %.3f", q.Names, h.Entity.ID, h.Score, got)
			}
		}
	}
	t.Logf("%d queries checked against %d parties", len(queries), ix.Len())
}

func TestSearchInput(t *testing.T) {
	ix := ofac(t)
	bad := []Query{
		{},
		{Names: []string{"   "}},
		{Names: []string{strings.Repeat("a", 10000)}},
		{Names: []string{"abc\x00def"}},
		{Names: []string{"abc\xffdef"}},
		{Names: []string{"Ivan"}, Schema: "Dragon"},
		{Names: []string{"Ivan"}, Countries: []string{"Atlantis"}},
		{Names: []string{"Ivan"}, BirthDates: []string{"1980-1-1"}},
		{Names: []string{"Ivan"}, Gender: "x"},
	}
	for _, q := range bad {
		if _, err := ix.Search(q, Options{}); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("%+v: err = %v", q, err)
		}
	}
	hits, err := ix.Search(Query{Wallets: []string{"0x47ce0c6ed5b0ce3d3a51fdb1c52dc66a7c3c2936"}}, Options{})
	if err != nil || len(hits) != 1 || hits[0].Entity.SourceID != "39796" || hits[0].Score != 1 || hits[0].Explanation.Features[0].Name != "wallet_match" {
		t.Errorf("wallet: %+v, %v", hits, err)
	}
	// Qualifiers move a score; they never make a hit alone.
	base, _ := ix.Search(Query{Names: []string{"Maxim Yakubets"}}, Options{})
	withFeatures := func(q Query) float64 {
		hs, err := ix.Search(q, Options{})
		if err != nil || len(hs) == 0 || hs[0].Entity.SourceID != "26663" {
			t.Fatalf("%+v: %v %v", q, hs, err)
		}
		return hs[0].Score
	}
	b := base[0].Score
	if s := withFeatures(Query{Names: []string{"Maxim Yakubets"}, Gender: "female"}); s >= b {
		t.Errorf("gender conflict: %.3f vs %.3f", s, b)
	}
	if s := withFeatures(Query{Names: []string{"Maxim Yakubets"}, BirthDates: []string{"1987-05-20"}}); s <= b {
		t.Errorf("birth date agreement: %.3f vs %.3f", s, b)
	}
	if s := withFeatures(Query{Names: []string{"Maxim Yakubets"}, BirthDates: []string{"1950"}}); s >= b {
		t.Errorf("birth date conflict: %.3f vs %.3f", s, b)
	}
	if s := withFeatures(Query{Names: []string{"Maxim Yakubets"}, Countries: []string{"Brazil"}}); s >= b {
		t.Errorf("country conflict: %.3f vs %.3f", s, b)
	}
	if s := withFeatures(Query{Names: []string{"Maxim Yakubets"}, Schema: warden.SchemaOrganization}); s >= b-0.2 {
		t.Errorf("schema conflict: %.3f vs %.3f", s, b)
	}
	if hs, _ := ix.Search(Query{Names: []string{"Ivan Ivanovich"}, BirthDates: []string{"1987-05-20"}, Countries: []string{"RU"}}, Options{}); len(hs) > 0 && hs[0].Entity.SourceID == "26663" {
		t.Errorf("qualifiers alone made a hit: %+v", hs[0])
	}
	hits, _ = ix.Search(Query{IDs: []string{"T-1455 3558"}}, Options{}) // Khorashadizadeh's passport
	if len(hits) != 1 || hits[0].Entity.SourceID != "26137" {
		t.Errorf("passport with dashes and spaces: %+v", hits)
	}
}

func TestGallop(t *testing.T) {
	post := []int32{2, 3, 5, 8, 13, 21, 34, 55, 89}
	for k := 0; k <= len(post); k++ {
		for nm := int32(0); nm < 100; nm++ {
			want := k
			for want < len(post) && post[want] < nm {
				want++
			}
			if got := gallop(post, k, nm); got != want {
				t.Errorf("gallop(%d, %d) = %d, want %d", k, nm, got, want)
			}
		}
	}
}

// TestCustomerMixLosesNothing is TestIndexLosesNothing for customer-like
// queries in every script the throughput mix holds (Hangul, Arabic,
// Persian, Han, kana, Devanagari, Thai, Cyrillic, Latin; persons and
// companies, with birth dates and countries): the weak words, the letters
// and the forms the lookups check must drop no party brute force finds.
func TestCustomerMixLosesNothing(t *testing.T) {
	ix := ofac(t)
	step := 100 // 200 of the 20,000 rows
	if testing.Short() || raceEnabled {
		step = 800
	}
	loseNothing(t, ix, customerQueries(t, step))
}

// customerQueries is every step-th row of the customer-like mix
// (cmd/warden/testdata/customers-20k.csv: name, birth_date, country,
// schema) as a query.
func customerQueries(t testing.TB, step int) []Query {
	rows := readCSV(t, "../cmd/warden/testdata/customers-20k.csv")
	var queries []Query
	for i := 1; i < len(rows); i += step {
		r := rows[i]
		queries = append(queries, evalRow{name: r[0], dob: r[1], country: r[2], schema: r[3]}.query())
	}
	return queries
}

// readCSV reads the CSV file at path whole.
func readCSV(t testing.TB, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
