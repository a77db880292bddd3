package match

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSortDels requires sortDels to order entries by key, then id, as a
// comparison sort does, keys sharing some 16-bit digits included.
func TestSortDels(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 2))
	for _, n := range []int{0, 1, 2, 7, 1000, 100_000} {
		dels := make([]delEntry, n)
		for i := range dels {
			k := rng.Uint64()
			if i%3 == 0 {
				k &= 0xffff0000ffff // digits shared
			}
			if i%5 == 0 && i > 0 {
				k = dels[i-1].key // equal keys, ids to order
			}
			dels[i] = delEntry{k, rng.Int32N(50)}
		}
		want := slices.Clone(dels)
		slices.SortFunc(want, func(a, b delEntry) int {
			if c := cmp.Compare(a.key, b.key); c != 0 {
				return c
			}
			return cmp.Compare(a.id, b.id)
		})
		sortDels(dels)
		if !slices.Equal(dels, want) {
			t.Errorf("%d entries: sortDels differs from a comparison sort", n)
		}
	}
}
