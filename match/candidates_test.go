package match

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
	"testing"

	"warden"
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

// TestPostForms checks that every posting records the forms its name holds
// the token in, and only those: a lookup walks a token's postings by them.
func TestPostForms(t *testing.T) {
	ix := ofac(t)
	multi := 0
	for nm := range ix.names {
		want := map[int32]uint8{}
		for _, ss := range ix.names[nm].spans {
			for _, s := range ss {
				id, ok := ix.word(s.tok.text)
				if !ok {
					t.Fatalf("name %d: %q is not in the vocabulary", nm, s.tok.text)
				}
				fi := slices.IndexFunc(ix.occurrences(id), func(o token) bool { return sameForm(&o, s.tok) })
				if fi < 0 {
					t.Fatalf("name %d: %q in a form the token's occurrences lack", nm, s.tok.text)
				}
				want[id] |= formBit(fi)
			}
		}
		for id, forms := range want {
			post, _ := ix.postings(id)
			k, ok := slices.BinarySearch(post, int32(nm))
			if !ok {
				t.Fatalf("name %d is not a posting of %q", nm, ix.texts[id])
			}
			if got := ix.postForm[ix.postAt[id]+uint32(k)]; got != forms {
				t.Fatalf("name %d holds %q in forms %08b, the posting says %08b", nm, ix.texts[id], forms, got)
			}
			if len(ix.occurrences(id)) > 1 {
				multi++
			}
		}
	}
	if multi == 0 {
		t.Fatal("no token occurs in more than one form: the test tests nothing")
	}
}

// TestLookupInForms checks that a query word that meets a token only in
// some of the forms it is read in walks only the names holding it so: Ahn
// meets KHAN read from Arabic script by its consonants, but not the KHAN
// of a name written in Latin letters, which scoring would find at 0.
func TestLookupInForms(t *testing.T) {
	ix := NewIndex([]*warden.Entity{
		{ID: "t:1", List: "t", Schema: warden.SchemaPerson, Names: []warden.Name{{Full: "Aman KHAN", Kind: warden.NamePrimary}}},
		{ID: "t:2", List: "t", Schema: warden.SchemaPerson, Names: []warden.Name{{Full: "خان", Kind: warden.NamePrimary}}},
	})
	id, ok := ix.word("khan")
	if post, _ := ix.postings(id); !ok || len(ix.occurrences(id)) != 2 || len(post) != 2 {
		t.Fatalf("khan: in the vocabulary %v, %d forms, %d names; want two of each", ok, len(ix.occurrences(id)), len(post))
	}
	p, err := Prepare(Query{Names: []string{"Ahn"}, Schema: warden.SchemaPerson})
	if err != nil {
		t.Fatal(err)
	}
	l := ix.lookupSpan(&p.names[0].spans[0][0])
	k := slices.Index(l.ids, id)
	if k < 0 {
		t.Fatalf("ahn does not reach khan: %v", l.ids)
	}
	post, at := l.postings(ix, k)
	if want := []int32{ix.first[1]}; !slices.Equal(post, want) || len(at) != 1 {
		t.Fatalf("ahn walks names %v of khan (positions %v), want %v, the name read from Arabic script", post, at, want)
	}
	for _, q := range []string{"Ahn", "Aman Ahn", "Khan"} {
		loseNothing(t, ix, []Query{{Names: []string{q}}, {Names: []string{q}, Schema: warden.SchemaPerson}})
	}
}

// TestWalkBits checks walkBits, which scans the name set instead of a long
// posting list, against probing the set once per posting: the same
// candidates in the same order, marked the same, and the same names added
// to also, on random sets (sparse, dense, holding names of an earlier
// generation, sized for more names than there are) and postings (empty,
// dense, at either end, one name), several tokens a lookup, one a letter.
func TestWalkBits(t *testing.T) {
	// each is walkBits as it was: every posting probed in bs.
	each := func(names *candSet, bs, also *nameBits, ri int, m uint64, l *wordLookup, which int) {
		for j, id := range l.ids {
			if !l.walks(id, which) {
				continue
			}
			post, at := l.postings(nil, j)
			for k, nm := range post {
				if bs.has(nm) {
					names.get(nm, true).mark(ri, m, id == l.letter, at[k], bits.OnesCount64(m) > 1)
					if also != nil {
						also.set(nm)
					}
				}
			}
		}
	}
	rng := rand.New(rand.NewPCG(15, 86))
	randSet := func(b *nameBits, n, size int) {
		b.reset(size)
		for range rng.IntN(3) { // names of earlier generations
			for range rng.IntN(n + 1) {
				b.set(int32(rng.IntN(n)))
			}
			b.reset(size)
		}
		density := []float64{0, 0.002, 0.02, 0.3, 0.9, rng.Float64()}[rng.IntN(6)]
		for nm := range n {
			if rng.Float64() < density {
				b.set(int32(nm))
			}
		}
		if rng.IntN(4) == 0 {
			b.set(int32(n - 1))
		}
	}
	randPost := func(n int) postingList {
		p := postingList{names: []int32{}}
		lo, hi, density := 0, n, []float64{0, 0.01, 0.5, 0.95, rng.Float64()}[rng.IntN(5)]
		switch rng.IntN(4) {
		case 0:
			lo = n - 1 - rng.IntN(max(1, n/8))
		case 1:
			hi = 1 + rng.IntN(max(1, n/8))
		}
		for nm := lo; nm < hi; nm++ {
			if rng.Float64() < density {
				p.names = append(p.names, int32(nm))
				p.at = append(p.at, rng.Uint32())
			}
		}
		return p
	}
	scanned := 0
	for range 20000 {
		n := []int{1 + rng.IntN(64), 64 * (1 + rng.IntN(30)), 1 + rng.IntN(5000)}[rng.IntN(3)]
		size := n + rng.IntN(2)*rng.IntN(300)
		var bs, also nameBits
		randSet(&bs, n, size)
		useAlso := rng.IntN(3) > 0
		if useAlso {
			randSet(&also, n, size)
		}
		l := &wordLookup{letter: -1}
		for j := range 1 + rng.IntN(4) {
			l.ids = append(l.ids, int32(j))
			l.some = append(l.some, randPost(n))
			if len(l.some[j].names) > bitsScan*len(bs.words) {
				scanned++
			}
		}
		if rng.IntN(2) == 0 {
			l.letter = l.ids[rng.IntN(len(l.ids))]
		}
		before := make([]int32, rng.IntN(1+n/20))
		for i := range before {
			before[i] = int32(rng.IntN(n))
		}
		ri, m, which := rng.IntN(maxQueryReadings), rng.Uint64()&0xff|1, rng.IntN(3)
		run := func(walk func(names *candSet, bs, also *nameBits, ri int, m uint64, l *wordLookup, which int)) (*candSet, *nameBits) {
			names := &candSet{epoch: make([]uint32, size), slot: make([]int32, size), gen: 1}
			for _, nm := range before {
				names.get(nm, true).mark(0, 1, false, 1, false)
			}
			b := nameBits{words: slices.Clone(bs.words), stamp: slices.Clone(bs.stamp), gen: bs.gen}
			var a *nameBits
			if useAlso {
				a = &nameBits{words: slices.Clone(also.words), stamp: slices.Clone(also.stamp), gen: also.gen}
			}
			walk(names, &b, a, ri, m, l, which)
			return names, a
		}
		want, wantAlso := run(each)
		got, gotAlso := run(func(names *candSet, bs, also *nameBits, ri int, m uint64, l *wordLookup, which int) {
			(*Index)(nil).walkBits(names, bs, also, ri, m, l, which)
		})
		if !slices.Equal(got.ids, want.ids) || !slices.Equal(got.cands, want.cands) {
			t.Fatalf("%d names, %d in the set, postings %d..: candidates %v, want %v", n, bs.count(), len(l.some[0].names), got.ids, want.ids)
		}
		for nm := range int32(size) {
			if useAlso && gotAlso.has(nm) != wantAlso.has(nm) {
				t.Fatalf("also holds name %d: %v, want %v", nm, gotAlso.has(nm), wantAlso.has(nm))
			}
		}
	}
	if scanned < 1000 {
		t.Errorf("only %d posting lists were long enough for the set to be scanned", scanned)
	}
}
