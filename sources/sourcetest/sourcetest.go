// Package sourcetest helps test list parsers and whatever needs real list
// data: it collects what a parser puts into a sink, finds the shared data
// and eval folders (skipping, or under WARDEN_REQUIRE_SHARED=1 failing,
// when they are missing) and writes out the bundled OFAC snapshot.
package sourcetest

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"warden"
	"warden/snapshot"
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

// RequireShared is the environment variable that, set to 1, makes a test
// whose shared data is missing fail instead of skip. CI sets it, so a run
// without ../shared cannot pass with every data test skipped.
const RequireShared = "WARDEN_REQUIRE_SHARED"

// sharedRoot is the shared folder's sub-folder dir ("data" or "eval"):
// ../shared/<dir> beside the repository, or, when WARDEN_SHARED_DATA is set,
// that folder for data and the eval folder beside it.
func sharedRoot(dir string) string {
	if d := os.Getenv("WARDEN_SHARED_DATA"); d != "" {
		if dir == "data" {
			return d
		}
		return filepath.Join(filepath.Dir(filepath.Clean(d)), dir)
	}
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", dir)
}

// shared returns the path of rel under the shared folder dir, or skips the
// test saying so (fails it under RequireShared=1) when it is not there.
func shared(t testing.TB, dir, rel string) string {
	t.Helper()
	p := filepath.Join(sharedRoot(dir), rel)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv(RequireShared) == "1" {
			t.Fatalf("shared %s %s not available (%s=1): %v", dir, p, RequireShared, err)
		}
		t.Skipf("shared %s %s not available: %v", dir, p, err)
	}
	return p
}

// Data returns the path of a file under the shared data folder (the real
// list files), skipping the test, and saying so, when it is not there; with
// WARDEN_REQUIRE_SHARED=1 the test fails instead.
func Data(t testing.TB, rel string) string {
	t.Helper()
	return shared(t, "data", rel)
}

// Eval returns the path of a file under the shared eval folder (the
// labelled matcher sets; "" for the folder), skipping or failing as Data
// does.
func Eval(t testing.TB, rel string) string {
	t.Helper()
	return shared(t, "eval", rel)
}

// OFAC returns a new folder holding the bundled snapshot's OFAC legacy CSV
// files (sdn.csv, add.csv, alt.csv and sdn_comments.csv of 2024-07-02:
// the same files as the shared data's ofac folder), so that tests over the
// whole OFAC list run without the shared data.
func OFAC(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	in := snapshot.Input()
	for _, name := range in.Paths {
		r, err := in.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := os.Create(filepath.Join(dir, name))
		if err == nil {
			_, err = io.Copy(f, r)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	return dir
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
