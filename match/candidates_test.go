package match

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
)

// TestSearchKeys checks searchKeys against a plain binary search, on keys
// spread evenly as hashes are and on keys crowded in a corner of the range,
// where the guess from h's value is far off, for present and absent keys and
// both ends of the range.
func TestSearchKeys(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	even := make([]uint64, 5000)
	for i := range even {
		even[i] = rng.Uint64()
	}
	crowded := make([]uint64, 5000)
	for i := range crowded {
		crowded[i] = uint64(rng.IntN(300)) // many duplicates, all near 0
	}
	high := make([]uint64, 3000)
	for i := range high {
		high[i] = math.MaxUint64 - uint64(rng.IntN(100))
	}
	for _, tc := range []struct {
		name string
		keys []uint64
	}{{"empty", nil}, {"one", []uint64{42}}, {"even", even}, {"crowded", crowded}, {"high", high}} {
		keys := slices.Clone(tc.keys)
		slices.Sort(keys)
		probes := []uint64{0, 1, 41, 42, 43, math.MaxUint64, math.MaxUint64 - 1}
		for i := 0; i < 2000; i++ {
			probes = append(probes, rng.Uint64(), uint64(rng.IntN(400)), math.MaxUint64-uint64(rng.IntN(200)))
			if len(keys) > 0 {
				probes = append(probes, keys[rng.IntN(len(keys))])
			}
		}
		for _, h := range probes {
			want := sort.Search(len(keys), func(i int) bool { return keys[i] >= h })
			if got := searchKeys(keys, h); got != want {
				t.Fatalf("%s: searchKeys(%d) = %d, want %d", tc.name, h, got, want)
			}
		}
	}
}
