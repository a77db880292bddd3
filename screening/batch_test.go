package screening_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"warden"
	"warden/screening"
)

// TestReadBatchFirstBadRow checks that a batch read and prepared on every
// core keeps its rows in input order and, when several rows are bad, names
// the first of them, wherever the chunks they fall in are prepared.
func TestReadBatchFirstBadRow(t *testing.T) {
	for _, tc := range []struct {
		name string
		bad  []int // data rows with an unknown country
		want string
	}{
		{"none", nil, ""},
		{"one", []int{700}, ":702: "},
		{"first of two chunks apart", []int{300, 900}, ":302: "},
		{"later chunk first", []int{2000, 5}, ":7: "},
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
