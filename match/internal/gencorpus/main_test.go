package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"warden/sources/sourcetest"
)

// TestCorpusCurrent regenerates the corpus from the shared data twice: the
// two runs must write the same bytes (the output is deterministic) and
// those of the committed match/corpus_gen.go (it is up to date: run go
// generate in match after changing the generator or the data).
func TestCorpusCurrent(t *testing.T) {
	data := sourcetest.Data(t, "")
	dir := t.TempDir()
	var outs [2][]byte
	for i := range outs {
		p := filepath.Join(dir, "corpus_gen.go")
		if err := run(data, p); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		outs[i] = b
	}
	if !bytes.Equal(outs[0], outs[1]) {
		t.Fatal("two runs on the same data wrote different files")
	}
	committed, err := os.ReadFile(filepath.Join("..", "..", "corpus_gen.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(outs[0], committed) {
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
