package sources

import (
	"os"
	"path/filepath"
	"testing"

	"warden/sources/sourcetest"
)

func TestDetect(t *testing.T) {
	tests := map[string]string{
		"ofac":                       "ofac-csv",
		"ofac/consolidated.xml":      "ofac-xml",
		"ofac/CONS_ENHANCED.ZIP":     "ofac-enhanced-xml",
		"un/consolidated.xml":        "un-xml",
		"uk/ConList.xlsx":            "uk-xlsx",
		"us_csl/consolidated.csv.gz": "csl-csv",
		"opensanctions/ransomwhere/targets.simple.csv":     "os-targets-csv",
		"opensanctions/yente_fixtures/entities.ftm.json":   "ftm",
		"opensanctions/yente_fixtures/entities.delta.json": "ftm-delta",
	}
	for rel, want := range tests {
		paths, err := Expand([]string{sourcetest.Data(t, rel)})
		if err != nil {
			t.Fatal(err)
		}
		f, err := Detect(paths, sourcetest.Open)
		if err != nil || f.Name != want {
			t.Errorf("%s: got %q, %v; want %s", rel, f.Name, err, want)
		}
	}
	p := filepath.Join(t.TempDir(), "x.txt")
	os.WriteFile(p, []byte("hello"), 0o644)
	if _, err := Detect([]string{p}, sourcetest.Open); err == nil {
		t.Error("unknown format detected")
	}
	if _, err := Expand([]string{filepath.Join(t.TempDir(), "missing")}); err == nil {
		t.Error("missing path expanded")
	}
}
