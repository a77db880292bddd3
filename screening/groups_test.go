package screening

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"warden"
)

// slowGroups is makeGroups written plainly, a slice of members for every
// set: what makeGroups must agree with.
func slowGroups(links []warden.ListingLink, decisions []warden.LinkDecision) *groups {
	idx := map[string]int{}
	var ids []string
	node := func(id string) int {
		if i, ok := idx[id]; ok {
			return i
		}
		idx[id] = len(ids)
		ids = append(ids, id)
		return len(ids) - 1
	}
	type edge struct {
		a, b int
		rule warden.LinkRule
	}
	forbid := map[int][]int{}
	var edges []edge
	for _, d := range decisions {
		a, b := node(d.A), node(d.B)
		if d.Linked {
			edges = append(edges, edge{a, b, warden.LinkManual})
		} else {
			forbid[a] = append(forbid[a], b)
			forbid[b] = append(forbid[b], a)
		}
	}
	var auto []edge
	for _, l := range links {
		auto = append(auto, edge{node(l.A), node(l.B), l.Rule})
	}
	slices.SortStableFunc(auto, func(x, y edge) int { return cmp.Compare(strength(x.rule), strength(y.rule)) })
	edges = append(edges, auto...)
	parent := make([]int, len(ids))
	sets := make([][]int, len(ids))
	for i := range parent {
		parent[i], sets[i] = i, []int{i}
	}
	find := func(i int) int {
		for parent[i] != i {
			i = parent[i]
		}
		return i
	}
	rule := make([]warden.LinkRule, len(ids))
	for _, e := range edges {
		ra, rb := find(e.a), find(e.b)
		if ra == rb {
			continue
		}
		if len(sets[ra]) > len(sets[rb]) {
			ra, rb = rb, ra
		}
		apart := false
		for _, m := range sets[ra] {
			for _, f := range forbid[m] {
				apart = apart || find(f) == rb
			}
		}
		if apart {
			continue
		}
		for _, i := range []int{e.a, e.b} {
			if rule[i] == "" || strength(e.rule) < strength(rule[i]) {
				rule[i] = e.rule
			}
		}
		parent[ra] = rb
		sets[rb] = append(sets[rb], sets[ra]...)
		sets[ra] = nil
	}
	g := &groups{of: map[string]int{}}
	for i := range ids {
		if i != find(i) || len(sets[i]) < 2 {
			continue
		}
		var ms []groupMember
		for _, m := range sets[i] {
			ms = append(ms, groupMember{id: ids[m], rule: rule[m]})
			g.of[ids[m]] = len(g.members)
		}
		slices.SortFunc(ms, func(x, y groupMember) int { return cmp.Compare(x.id, y.id) })
		g.members = append(g.members, ms)
	}
	return g
}

// TestMakeGroupsAgrees requires makeGroups to group random listings as
// slowGroups does: the same groups, numbered alike, the same rules, with
// and without people's links and unlinks.
func TestMakeGroupsAgrees(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 500 {
		n := 2 + r.IntN(60)
		id := func() string { return fmt.Sprintf("l%d:%d", r.IntN(3), r.IntN(n)) }
		var links []warden.ListingLink
		for range r.IntN(3 * n) {
			links = append(links, warden.ListingLink{A: id(), B: id(), Rule: ruleStrength[r.IntN(len(ruleStrength))]})
		}
		var ds []warden.LinkDecision
		if trial%2 == 1 {
			for range r.IntN(n / 2) {
				ds = append(ds, warden.LinkDecision{A: id(), B: id(), Linked: r.IntN(3) == 0})
			}
		}
		got, want := makeGroups(links, ds, 0), slowGroups(links, ds)
		if len(got.members) == 0 {
			got.members = nil // none, made or not
		}
		if !reflect.DeepEqual(got.of, want.of) || !reflect.DeepEqual(got.members, want.members) {
			t.Fatalf("trial %d: %d links, %d decisions: groups %v, want %v", trial, len(links), len(ds), got.members, want.members)
		}
	}
}
