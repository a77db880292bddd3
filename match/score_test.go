package match

import (
	"slices"
	"strconv"
	"testing"
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
