package match

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestLookupKeys checks Index.lookup, through its directory of keys
// (keyDir), against a scan of every key: on keys spread evenly as hashes
// are, on keys crowded in a corner of the range or sharing a bucket, and at
// both ends of it, for present and absent keys.
func TestLookupKeys(t *testing.T) {
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
		ix := &Index{delKeys: keys, delIDs: make([]int32, len(keys))}
		for i := range ix.delIDs {
			ix.delIDs[i] = int32(i)
		}
		probes := []uint64{0, 1, 41, 42, 43, math.MaxUint64, math.MaxUint64 - 1}
		for i := 0; i < 2000; i++ {
			probes = append(probes, rng.Uint64(), uint64(rng.IntN(400)), math.MaxUint64-uint64(rng.IntN(200)))
			if len(keys) > 0 {
				probes = append(probes, keys[rng.IntN(len(keys))])
			}
		}
		for _, h := range probes {
			var want, got []int32
			for i, k := range keys {
				if k == h {
					want = append(want, int32(i))
				}
			}
			ix.lookup(h, func(id int32) { got = append(got, id) })
			if !slices.Equal(got, want) {
				t.Fatalf("%s: lookup(%d) = %v, want %v", tc.name, h, got, want)
			}
		}
	}
}
