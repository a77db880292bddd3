package match

import "sync/atomic"

//go:generate go run ./internal/gennick -nicknames ../../shared/data/reference/nicknames.csv -diminutives internal/gennick/diminutives.csv -exclude internal/gennick/exclude.csv -o nickname_gen.go

// nicknameSim is how much a nickname meeting its full name (or a full name
// meeting one of its nicknames) counts: less than the name itself, as Bill
// may be a William but William is certainly William, yet enough that Bill
// Gates against William Gates clears the default threshold when the family
// name agrees.
//
// A nickname does not meet the other nicknames of its full names (Bill and
// Will, Sasha and Shura): that takes two steps, each a guess, and the
// ambiguous short forms would meet nearly everything (Al stands for
// Albert, Alfred and Alan, whose nicknames are Bert, Fred and Alfie) while
// lists mostly give full names, which one step meets.
const nicknameSim = 0.85

// nicknameIndex is the hash table nicknameAlts probes: nicknameSlots, or
// empty when a test screens without nicknames to measure what they add.
var nicknameIndex = nicknameSlots[:]

// nicknameCache holds, per word of nicknameWords, its alts once built:
// every slice is shared by all the lookups of its word, so that a lookup
// allocates nothing after the first.
var nicknameCache [len(nicknameWords)]atomic.Pointer[[]alt]

// nicknameAlts returns the names a person's given name may stand for or be
// shortened to: William for Bill, Aleksandr for Sasha, and the reverse.
// The result is shared and must not be modified.
//
// The generated table is used as it is, through its generated hash table,
// and a word's alts are made on its first lookup, so that a process pays
// nothing at start-up for the table and only for the words it meets: a map
// of the whole table and the skeletons of all its names would cost
// milliseconds before the first query. The skeletons are computed here,
// not in the generated file, where they could fall out of step with
// skeleton's rules.
func nicknameAlts(w string) []alt {
	i, ok := nicknameAt(w)
	if !ok {
		return nil
	}
	if as := nicknameCache[i].Load(); as != nil {
		return *as
	}
	lo, hi := nicknameAltAt[i], nicknameAltAt[i+1]
	as := make([]alt, 0, hi-lo)
	for _, j := range nicknameAltOf[lo:hi] {
		as = append(as, newAlt(nicknameWords[j], nicknameSim))
	}
	// Two first lookups at once may both build: either result serves.
	nicknameCache[i].CompareAndSwap(nil, &as)
	return *nicknameCache[i].Load()
}

// nicknameAt returns the index of w in nicknameWords, probing
// nicknameIndex from w's hash until w or a free slot.
func nicknameAt(w string) (int, bool) {
	if len(nicknameIndex) == 0 {
		return 0, false
	}
	m := uint32(len(nicknameIndex) - 1) // the size is a power of two
	for k := nickHash(w) & m; nicknameIndex[k] != 0; k = (k + 1) & m {
		if i := int(nicknameIndex[k]) - 1; nicknameWords[i] == w {
			return i, true
		}
	}
	return 0, false
}

// nickHash is 32-bit FNV-1a; gennick places the words by the same hash.
func nickHash(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}
