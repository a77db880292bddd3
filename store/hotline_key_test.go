package store_test

import (
	"bytes"
	"context"
	"testing"

	"warden/store"
	"warden/store/storetest"
)

// TestHotlineLinkKey: the first key offered is kept, and every later call
// (another node, a restart) gets that one back.
func TestHotlineLinkKey(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		first, second := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
		k1, err := db.HotlineLinkKey(ctx, first)
		if err != nil || !bytes.Equal(k1, first) {
			t.Fatalf("first: %x, %v", k1, err)
		}
		k2, err := db.HotlineLinkKey(ctx, second)
		if err != nil || !bytes.Equal(k2, first) {
			t.Fatalf("second: %x, %v; want the first key kept", k2, err)
		}
		if _, err := db.HotlineLinkKey(ctx, []byte("short")); err == nil {
			t.Error("a 5-byte key was taken")
		}
	})
}
