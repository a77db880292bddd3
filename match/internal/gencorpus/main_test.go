package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"warden/sources/sourcetest"
)

// TestCorpusCurrent regenerates the corpus from the shared data: it must
// write the bytes of the committed match/corpus_gen.go (it is up to date:
// run go generate in match after changing the generator or the data), which
// another run wrote, so the output is deterministic too.
func TestCorpusCurrent(t *testing.T) {
	data := sourcetest.Data(t, "")
	p := filepath.Join(t.TempDir(), "corpus_gen.go")
	if err := run(data, p); err != nil {
		t.Fatal(err)
	}
	written, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile(filepath.Join("..", "..", "corpus_gen.go"))
	if err != nil {
		t.Fatal(err)
	}
	// The committed file was written by another run, so this also shows
	// that the generator writes the same bytes every time.
	if !bytes.Equal(written, committed) {
		t.Error("match/corpus_gen.go is not what the generator writes: run go generate ./match/")
	}
}

// TestWords checks the folding of names into corpus words.
func TestWords(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"SHENZHEN DJI TECHNOLOGY CO., LTD.", []string{"shenzhen", "dji", "technology", "ltd"}},
		{"Türkiye Petrol Rafinerileri A.Ş.", []string{"turkiye", "petrol", "rafinerileri"}},
		{"ООО Ромашка", []string{"ooo", "romashka"}},
		{"", nil},
	}
	for _, tt := range tests {
		got := words(tt.in)
		if len(got) != len(tt.want) {
			t.Errorf("words(%q) = %q, want %q", tt.in, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("words(%q) = %q, want %q", tt.in, got, tt.want)
				break
			}
		}
	}
}
