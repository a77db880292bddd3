package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestPinyinCurrent regenerates the table: it must be the committed
// match/pinyin_gen.go (run go generate in match after changing the
// generator or the dictionary's version), which another run wrote, so the
// output is deterministic too.
func TestPinyinCurrent(t *testing.T) {
	written, err := generate()
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile(filepath.Join("..", "..", "pinyin_gen.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(written, committed) {
		t.Error("match/pinyin_gen.go is not what the generator writes: run go generate ./match/")
	}
}
