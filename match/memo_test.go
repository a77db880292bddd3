package match

import (
	"fmt"
	"testing"
)

// TestMemo checks that a memo returns what was put under a key and nothing
// under another, keys differing in one byte or in length included, and
// that it holds no more than its bound however many keys come.
func TestMemo(t *testing.T) {
	var m memo[int]
	key := func(i int) []byte { return fmt.Appendf(nil, "\x04\x00\x00word%d", i) }
	for i := range 1000 {
		m.put(key(i), i)
	}
	for i := range 1000 {
		if v, ok := m.get(key(i)); !ok || v != i {
			t.Fatalf("key %d: got %d, %v", i, v, ok)
		}
	}
	for _, k := range [][]byte{nil, []byte("\x04\x00\x00word"), []byte("\x04\x00\x00word1000"), []byte("\x05\x00\x00word1")} {
		if v, ok := m.get(k); ok {
			t.Fatalf("%q was never put, got %d", k, v)
		}
	}
	for i := range 4 * memoShards * memoShardSize {
		m.put(key(i), i)
	}
	n := 0
	for i := range m.shards {
		if l := len(m.shards[i].m); l > memoShardSize {
			t.Fatalf("shard %d holds %d keys, more than %d", i, l, memoShardSize)
		}
		n += len(m.shards[i].m)
	}
	if n == 0 {
		t.Fatal("the memo holds nothing")
	}
}
