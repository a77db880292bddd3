package match

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	"warden"
)

// TestSearchTopK checks that a search with a limit returns exactly the
// first hits of the search without one, ranked by reported (rounded) score
// and then entity id: the top-k cut-off must not depend on the order in
// which parties are scored, so that the same input always gives the same
// answer. The queries are a sample of the customer-like mix and the dev
// set; the small limits put many ties at the last place.
func TestSearchTopK(t *testing.T) {
	ix := ofac(t)
	step := 10
	if testing.Short() || raceEnabled {
		step = 80
	}
	queries := customerQueries(t, step)
	for i, r := range screeningDev(t) {
		if i%step == 0 && r.name != "" {
			queries = append(queries, r.query())
		}
	}
	checked := 0
	for _, q := range queries {
		all, err := ix.Search(q, Options{Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		for _, limit := range []int{1, 2, 3, 10} {
			got, err := ix.Search(q, Options{Limit: limit})
			if err != nil {
				t.Fatal(err)
			}
			want := all[:min(limit, len(all))]
			same := slices.EqualFunc(got, want, func(a, b Hit) bool { return a.Entity == b.Entity && a.Score == b.Score })
			if !same {
				t.Errorf("%v limit %d: got %v, want %v", q.Names, limit, hitIDs(got), hitIDs(want))
			}
			checked++
		}
	}
	t.Logf("%d queries, %d searches checked", len(queries), checked)
}

// hitIDs lists hits as entity ids and scores, for messages.
func hitIDs(hs []Hit) []string {
	var out []string
	for _, h := range hs {
		out = append(out, h.Entity.ID+" "+strconv.FormatFloat(h.Score, 'f', 3, 64))
	}
	return out
}

// TestQualBound checks that the packed bound of a party's qualifiers
// (queryQual.bound), which prunes names before they are bounded, is never
// below their exact bound (qualBoundOf), for every party of the OFAC list
// against queries whose qualifiers agree, nearly agree or conflict with a
// sample of its parties, and a query with gender, countries and two birth
// years; and that it is tight for schema and gender, which it packs whole.
func TestQualBound(t *testing.T) {
	ix := ofac(t)
	var queries []Query
	for i := 0; i < len(ix.entities); i += 211 {
		queries = append(queries, qualified(ix.entities[i])...)
	}
	queries = append(queries, Query{Schema: warden.SchemaPerson, Gender: "female", Countries: []string{"IR", "RU"}, BirthDates: []string{"1960-05", "1971"}})
	w := &DefaultWeights
	opt := Options{}
	opt.defaults()
	conflicts := 0
	for _, q := range queries {
		q.Names = []string{"x"}
		p, err := Prepare(q)
		if err != nil {
			t.Fatal(err)
		}
		qq := ix.queryQual(p)
		for ei := range ix.parties {
			got, want := qq.bound(&ix.partyQuals()[ei], w), ix.qualBoundOf(p, int32(ei), w)
			for _, b := range []float64{0.3, 0.7, 0.75, 0.9, 1} {
				if g, x := got.reach(b, &opt), want.reach(b, &opt); g < x {
					t.Fatalf("%+v against %s: packed bound %v below exact %v (%+v < %+v)", q, ix.parties[ei].id, g, x, got, want)
				}
			}
			if got.neg < 0 {
				conflicts++
			}
		}
	}
	if conflicts == 0 {
		t.Error("no party conflicts with any query: the bound prunes nothing")
	}
}

// TestQualBoundOddYears checks the packed bound of parties whose birth
// dates hold years that are no years ("19xx", "2/00", "2 Feb 1965": lists
// pass such dates through), which dateDistance compares as text and reads
// digit by digit: it must stay above the exact bound, which such years make
// a conflict or an agreement by chance, and the index must find what brute
// force finds (a party born "1950" to "2/00" for a query born in 1990).
func TestQualBoundOddYears(t *testing.T) {
	var es []*warden.Entity
	for i, d := range []warden.DateRange{{From: "19xx"}, {From: "~~~~"}, {From: "1970", To: "zzzz"}, {From: "1970", To: "r536"}, {From: "0000"}, {From: "1960-05-01"},
		{From: "1950", To: "2/00"}, {From: "1960", To: "2 Feb 1965"}, {From: "1a00", To: "2005"}} {
		es = append(es, &warden.Entity{ID: "t:" + strconv.Itoa(i), List: "t", Schema: warden.SchemaPerson,
			Names: []warden.Name{{Full: "Ivan Petrovich Sidorov", Kind: warden.NamePrimary}}, BirthDates: []warden.DateRange{d}})
	}
	ix := NewIndex(es)
	w := &DefaultWeights
	opt := Options{}
	opt.defaults()
	years := []string{"0001", "1901", "1959", "1960", "1961", "1962", "1970", "1990", "2000", "2026", "9999"}
	var queries []Query
	for _, y := range years[:len(years)-1] { // not after today
		for _, n := range []string{"Ivan Sidorov Alexandrovich", "Sidorov", "Yvan Sidorov Mikhailovich", "Ivan Petrovich Sidorov"} {
			queries = append(queries, Query{Names: []string{n}, Schema: warden.SchemaPerson, BirthDates: []string{y}})
		}
	}
	loseNothing(t, ix, queries)
	for _, y := range years {
		p, err := Prepare(Query{Names: []string{"x"}, BirthDates: []string{y}, AsOf: time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		qq := ix.queryQual(p)
		for ei := range ix.parties {
			got, want := qq.bound(&ix.partyQuals()[ei], w), ix.qualBoundOf(p, int32(ei), w)
			for _, b := range []float64{0.5, 0.9} {
				if g, x := got.reach(b, &opt), want.reach(b, &opt); g < x {
					t.Errorf("born %v, query %s: packed bound %v below exact %v", es[ei].BirthDates, y, g, x)
				}
			}
		}
	}
}

// TestBestUnits checks bestUnits against trying every way of giving the
// query words hit to at most units listed words, each taking one word or
// two adjacent ones, on random weights and adjacencies.
func TestBestUnits(t *testing.T) {
	var brute func(ws []float64, adj uint64, k, units int) float64
	brute = func(ws []float64, adj uint64, k, units int) float64 {
		if k >= len(ws) || units == 0 {
			return 0
		}
		best := brute(ws, adj, k+1, units) // word k left unpaired
		best = max(best, ws[k]+brute(ws, adj, k+1, units-1))
		if k+1 < len(ws) && adj&(1<<uint(k+1)) != 0 {
			best = max(best, ws[k]+ws[k+1]+brute(ws, adj, k+2, units-1))
		}
		return best
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		ws := make([]float64, 1+rng.IntN(9))
		for i := range ws {
			ws[i] = float64(1 + rng.IntN(100))
		}
		adj := rng.Uint64() &^ 1 & (1<<uint(len(ws)) - 1)
		units := rng.IntN(len(ws) + 2)
		if got, want := bestUnits(ws, adj, units), brute(ws, adj, 0, units); got != want {
			t.Fatalf("bestUnits(%v, %b, %d) = %v, want %v", ws, adj, units, got, want)
		}
	}
}
