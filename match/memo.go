package match

import (
	"encoding/binary"
	"hash/maphash"
	"math"
	"sync"
)

// wordLookup is what looking one query span up in the index finds: the
// vocabulary tokens it may match, sorted, the postings it walks, their
// total length, and the id of the listed initial of its first letter (-1
// if none was looked up or found). It is shared once memoised: nobody
// changes it.
type wordLookup struct {
	ids []int32
	// some[k], when set, holds the postings of ids[k] that hold the token
	// in a form the span meets (Index.postForm), when it does not meet
	// every form the token is read in; the span walks those alone.
	some   []postingList
	cost   int
	letter int32
}

// postingList is some of a token's postings and where the token occurs in
// each name (Index.postings).
type postingList struct {
	names []int32
	at    []uint32
}

// postings returns the postings lookup l walks for ids[k]: the names and
// where the token occurs in each.
func (l *wordLookup) postings(ix *Index, k int) ([]int32, []uint32) {
	if l.some != nil && l.some[k].names != nil {
		return l.some[k].names, l.some[k].at
	}
	return ix.postings(l.ids[k])
}

// memoShards and memoShardSize bound a memo: at most
// memoShards*memoShardSize entries (about 64,000 words, a few megabytes).
const (
	memoShards    = 16
	memoShardSize = 4096
)

// memo remembers per-word work of query screening, keyed by all the work
// reads of a query word (tokenKey). Customer names repeat heavily
// (Mohammed, Wang, Maria, Kim), and a word's lookup, its deletion
// neighbourhood hashed and searched and the neighbours filtered by
// tokenSim, costs far more than a map hit. The index never changes, so an
// entry never goes stale; a shard that fills is emptied, which bounds
// memory without bookkeeping. The zero value is ready; shards are locked
// apart so that the cores screening a batch seldom wait for each other.
type memo[V any] struct {
	shards [memoShards]struct {
		mu sync.RWMutex
		m  map[string]V
		_  [40]byte // a cache line each: shards locked apart do not share one
	}
}

// memoSeed seeds the hash that picks a key's shard: the runtime's, which
// reads a key of a couple of hundred bytes (a Korean word and its dozen
// romanisations) ten times faster than hashWord does, byte by byte.
var memoSeed = maphash.MakeSeed()

// shard returns the shard of key.
func (m *memo[V]) shard(key []byte) int { return int(maphash.Bytes(memoSeed, key) % memoShards) }

// get returns the value memoised under key, and whether there is one.
func (m *memo[V]) get(key []byte) (V, bool) {
	s := &m.shards[m.shard(key)]
	s.mu.RLock()
	v, ok := s.m[string(key)]
	s.mu.RUnlock()
	return v, ok
}

// put memoises v under key.
func (m *memo[V]) put(key []byte, v V) {
	s := &m.shards[m.shard(key)]
	s.mu.Lock()
	if s.m == nil || len(s.m) >= memoShardSize {
		s.m = make(map[string]V, 64)
	}
	s.m[string(key)] = v
	s.mu.Unlock()
}

// resembledDF is weighQuery's measure of a query word no listed name holds:
// how many names hold the commonest listed word it resembles (tokenSim > 0)
// within its deletion neighbourhood, 0 if none. It is memoised per index.
func (ix *Index) resembledDF(t *token) int32 {
	var kbuf [128]byte
	key := tokenKey(kbuf[:0], t, 0)
	if df, ok := ix.resembled.get(key); ok {
		return df
	}
	best := int32(0)
	forDeletions(t.skel, neighbourhood(t), func(h uint64) {
		ix.lookup(h, func(id int32) {
			if df := ix.df[id]; df > best {
				if o := newToken(ix.texts[id], kindWord, false); tokenSim(t, &o) > 0 {
					best = df
				}
			}
		})
	})
	ix.resembled.put(key, best)
	return best
}

// lookupKey appends to buf the key of a span's lookup: its token's
// (tokenKey), and whether it is one word (only one word looks up a listed
// initial). Two spans with one key find the same tokens.
func lookupKey(buf []byte, s *span) []byte {
	var flags byte
	if s.n == 1 {
		flags = 4
	}
	return tokenKey(buf, s.tok, flags)
}

// tokenKey appends to buf flags and everything tokenSim reads of a query
// word (reaches and resembledDF filter neighbours by it); its rarity and
// listed mark, which only weigh it, are left out. Strings are
// length-prefixed, so that no two tokens share a key.
func tokenKey(buf []byte, t *token, flags byte) []byte {
	if t.exact {
		flags |= 1
	}
	if t.abjad {
		flags |= 2
	}
	buf = append(buf, flags, byte(t.kind), byte(t.src))
	str := func(x string) {
		buf = binary.AppendUvarint(buf, uint64(len(x)))
		buf = append(buf, x...)
	}
	str(t.text)
	str(t.skel)
	str(t.cons)
	str(t.orig)
	buf = binary.AppendUvarint(buf, uint64(len(t.alts)))
	for i := range t.alts {
		str(t.alts[i].text)
		str(t.alts[i].skel)
		buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(t.alts[i].sim))
	}
	return buf
}
