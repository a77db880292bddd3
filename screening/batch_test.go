package screening_test

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"warden"
	"warden/match"
	"warden/screening"
)

// TestReadBatchFirstBadRow checks that a batch read and prepared on every
// core keeps its rows in input order and, when several rows are bad, names
// the first of them, wherever the chunks they fall in are prepared.
func TestReadBatchFirstBadRow(t *testing.T) {
	for _, tc := range []struct {
		name   string
		bad    []int // data rows with an unknown country
		broken int   // a data row whose quote never closes (0: none)
		want   string
	}{
		{"none", nil, 0, ""},
		{"one", []int{700}, 0, ":702: "},
		{"first of two chunks apart", []int{300, 900}, 0, ":302: "},
		{"later chunk first", []int{2000, 5}, 0, ":7: "},
		{"bad row before a malformed one", []int{5}, 2000, ":7: "},
		{"malformed row before a bad one", []int{2100}, 1000, ":1002: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b strings.Builder
			b.WriteString("name,country\n")
			for i := range 2500 {
				country := "FR"
				for _, k := range tc.bad {
					if k == i {
						country = "Atlantis"
					}
				}
				if i == tc.broken && i > 0 {
					fmt.Fprintf(&b, "\"Person %d,%s\n", i, country)
					continue
				}
				fmt.Fprintf(&b, "Person %d,%s\n", i, country)
			}
			path := filepath.Join(t.TempDir(), "q.csv")
			if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
				t.Fatal(err)
			}
			in := warden.Input{Open: func(p string) (io.ReadCloser, error) { return os.Open(p) }}
			rows, err := screening.ReadBatch(context.Background(), in, path, nil)
			if tc.want != "" {
				if warden.ErrorCode(err) != warden.EINVALID || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("error %v, want EINVALID naming %q", err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 2500 {
				t.Fatalf("%d rows, want 2500", len(rows))
			}
			for i, r := range rows {
				if got, want := r.Query.Query().Names[0], fmt.Sprintf("Person %d", i); got != want {
					t.Fatalf("row %d holds %q, want %q", i, got, want)
				}
				if !strings.HasSuffix(r.Pos, fmt.Sprintf(":%d", i+2)) {
					t.Fatalf("row %d at %q, want line %d", i, r.Pos, i+2)
				}
			}
		})
	}
}

// TestCSVRecord: one row per query whatever its hits; the hit cells hold
// the best match or nothing, never a hit under the threshold.
func TestCSVRecord(t *testing.T) {
	q := match.Query{Names: []string{"Evil\u200bCorp"}, BirthDates: []string{"1970"}}
	hit := func(id string, score float64, ok bool) screening.HitView {
		return screening.HitView{EntityID: id, List: "l", SourceID: id, Schema: "Organization", Name: "Evil Corp " + id, Programs: []string{"P1", "P2"},
			Score: score, Match: ok, Explanation: match.Explanation{QueryName: "Evil Corp", ListedName: "Evil Corp", NameScore: score,
				Tokens: []match.TokenMatch{{Query: "evil", Listed: "evil", Sim: 1}}, Missing: []string{"ltd"}},
			Listings: []warden.Listing{{EntityID: "m:9"}}}
	}
	tests := []struct {
		name string
		hits []screening.HitView
		want map[string]string
	}{
		{"no hit", nil, map[string]string{"matches": "0", "entity_id": "", "programs": "", "explanation": "", "other_matches": ""}},
		{"a near miss only", []screening.HitView{hit("a", 0.7, false)}, map[string]string{"matches": "0", "entity_id": "", "score": ""}},
		{"two matches and a near miss", []screening.HitView{hit("a", 0.95, true), hit("b", 0.9, true), hit("c", 0.7, false)}, map[string]string{
			"matches": "2", "entity_id": "a", "name": "Evil Corp a", "programs": "P1; P2", "listings": "m:9", "score": "0.950", "matched_on": "Evil Corp",
			"explanation":   `"Evil Corp" met "Evil Corp", name score 0.950; words: evil~evil 1.00; not in the listed name: ltd`,
			"other_matches": "b Evil Corp b (0.900)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := screening.CSVRecord("q.csv:2", screening.Response{Query: q, Hits: tt.hits})
			if len(rec) != len(screening.CSVHeader) {
				t.Fatalf("%d cells, header %d", len(rec), len(screening.CSVHeader))
			}
			want := map[string]string{"row": "q.csv:2", "query_name": "Evil<U+200B>Corp", "query_birth_date": "1970"}
			maps.Copy(want, tt.want)
			for col, w := range want {
				if got := rec[slices.Index(screening.CSVHeader, col)]; got != w {
					t.Errorf("%s = %q, want %q", col, got, w)
				}
			}
		})
	}
}
