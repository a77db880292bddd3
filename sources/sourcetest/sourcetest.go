// Package sourcetest helps test list parsers: it collects what a parser
// puts into a sink and finds the shared data folder.
package sourcetest

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"warden"
)

// Result is everything a parse produced.
type Result struct {
	Entities []*warden.Entity
	ByID     map[string]*warden.Entity
	Deleted  []string
	Warnings []warden.Warning
	Meta     warden.SourceMeta
}

// Put records e.
func (r *Result) Put(e *warden.Entity) error {
	r.Entities = append(r.Entities, e)
	r.ByID[e.SourceID] = e
	return nil
}

// Delete records a deletion.
func (r *Result) Delete(id string) error { r.Deleted = append(r.Deleted, id); return nil }

// Warn records w.
func (r *Result) Warn(w warden.Warning) { r.Warnings = append(r.Warnings, w) }

// Open opens a file from disk, as the CLI does.
func Open(p string) (io.ReadCloser, error) { return os.Open(p) }

// Parse runs p over paths and returns what it produced, or the error.
func Parse(p warden.Parser, paths ...string) (*Result, error) {
	r := &Result{ByID: map[string]*warden.Entity{}}
	meta, err := p.Parse(context.Background(), warden.Input{Paths: paths, Open: Open}, r)
	r.Meta = meta
	return r, err
}

// MustParse is Parse that fails the test on error.
func MustParse(t testing.TB, p warden.Parser, paths ...string) *Result {
	t.Helper()
	r, err := Parse(p, paths...)
	if err != nil {
		t.Fatalf("parse %v: %v", paths, err)
	}
	return r
}

// Data returns the path of a file under the shared data folder, skipping the
// test, and saying so, when the folder is not there.
func Data(t testing.TB, rel string) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "data")
	if d := os.Getenv("WARDEN_SHARED_DATA"); d != "" {
		root = d
	}
	p := filepath.Join(root, rel)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared data %s not available: %v", p, err)
	}
	return p
}

// WriteFile writes content to a new file in a temporary folder and returns
// its path, for tests of malformed input.
func WriteFile(t testing.TB, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// Fuzz runs p on inputs written to a file named name, checking that it never
// panics and that whatever it accepts is well formed: every party has a
// source id, a known schema and a name. Seeds are added to the corpus.
func Fuzz(f *testing.F, p warden.Parser, name string, seeds ...string) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		r, err := Parse(p, path)
		if err != nil {
			if warden.ErrorCode(err) != warden.EINVALID {
				t.Fatalf("error without the invalid code: %v", err)
			}
			return
		}
		for _, e := range r.Entities {
			if e.SourceID == "" || !e.Schema.Valid() || len(e.Names) == 0 {
				t.Fatalf("malformed party accepted: %+v", e)
			}
		}
	})
}
