package sources

import (
	"context"
	"strings"
	"testing"

	"warden"
	"warden/sources/sourcetest"
)

// discard is a sink that keeps nothing: the list date is all these tests
// read.
type discard struct{}

func (discard) Put(*warden.Entity) error { return nil }
func (discard) Delete(string) error      { return nil }
func (discard) Warn(warden.Warning)      {}

// TestListDates reads the list date of each format from its real file (see
// the shared data's README; the UK list's first 30 name rows, written as
// OFSI's ConList.csv from its ConList.xlsx, whose whole import takes ten
// seconds, and the CSL's first 40 rows are in testdata): the date the publisher states for the whole
// list where the format has one, the newest last_seen for OpenSanctions'
// formats, and none for OFAC's legacy CSV and the CSL, which state none
// (`warden import --list-date` gives it).
func TestListDates(t *testing.T) {
	tests := []struct {
		rel, format, want string
	}{
		{"ofac/consolidated.xml", "ofac-xml", "2025-03-28"},                             // Publish_Date 03/28/2025
		{"ofac/CONS_ENHANCED.ZIP", "ofac-enhanced-xml", "2025-01-10"},                   // dataAsOf
		{"un/consolidated.xml", "un-xml", "2026-02-27"},                                 // dateGenerated
		{"testdata/ConList-head.csv", "uk-csv", "2025-04-14"},                           // Last Updated 14/04/2025
		{"opensanctions/yente_fixtures/entities.ftm.json", "ftm", "2026-04-29"},         // newest last_seen
		{"opensanctions/yente_fixtures/entities.delta.json", "ftm-delta", "2024-05-30"}, // newest last_seen of ADD and MOD
		{"opensanctions/ransomwhere/targets.simple.csv", "os-targets-csv", "2025-09-08"},
		{"testdata/consolidated-head.csv", "csl-csv", ""},
		{"ofac/2021-07-07", "ofac-csv", ""},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			p := tt.rel
			if !strings.HasPrefix(p, "testdata/") {
				p = sourcetest.Data(t, p)
			}
			paths, err := Expand([]string{p})
			if err != nil {
				t.Fatal(err)
			}
			f, err := Detect(paths, sourcetest.Open)
			if err != nil || f.Name != tt.format {
				t.Fatalf("%s detected as %q, %v", tt.rel, f.Name, err)
			}
			meta, err := f.Parser.Parse(context.Background(), warden.Input{Paths: paths, Open: sourcetest.Open}, discard{})
			if err != nil {
				t.Fatal(err)
			}
			if meta.Published != tt.want {
				t.Errorf("%s: list date %q, want %q", tt.rel, meta.Published, tt.want)
			}
		})
	}
}
