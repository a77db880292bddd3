package screening

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"warden"
	"warden/sources/ofaccsv"
	"warden/sources/sourcetest"
	"warden/store"
)

// syntheticVersion names the cached 1M store; change it when synthetic
// parties are made otherwise.
const syntheticVersion = 1

// synthetic1M returns the path of a SQLite store holding list "synthetic"
// of 1,000,000 parties made, with a fixed seed, from the name parts of the
// OFAC list (as match/synthetic_test.go makes them), imported through the
// store's import path. It is built once and kept in the temporary
// directory.
func synthetic1M(b *testing.B) string {
	path := filepath.Join(os.TempDir(), fmt.Sprintf("warden-synthetic-1m-v%d.db", syntheticVersion))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	dir := sourcetest.OFAC(b)
	var paths []string
	for _, f := range []string{"sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"} {
		paths = append(paths, filepath.Join(dir, f))
	}
	r, err := sourcetest.Parse(ofaccsv.Parser{}, paths...)
	if err != nil {
		b.Fatal(err)
	}
	var given, family, words []string
	for _, e := range r.Entities {
		for _, nm := range e.Names {
			switch {
			case e.Schema == warden.SchemaPerson && nm.Family != "":
				family = append(family, nm.Family)
				given = append(given, strings.Fields(nm.Given)...)
			case e.Schema == warden.SchemaOrganization:
				words = append(words, strings.Fields(nm.Full)...)
			}
		}
	}
	legal := []string{"LLC", "LTD", "JSC", "GMBH", "CO., LTD.", "S.A.", "OOO", "LIMITED"}
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func(s []string) string { return s[rng.IntN(len(s))] }
	tmp := path + ".building"
	os.Remove(tmp)
	ctx := context.Background()
	db, err := store.Open(ctx, tmp)
	if err != nil {
		b.Fatal(err)
	}
	im, err := db.BeginImport(ctx, "synthetic", "synthetic", false)
	if err != nil {
		b.Fatal(err)
	}
	for i := range 1_000_000 {
		e := &warden.Entity{SourceID: fmt.Sprint(i)}
		if rng.IntN(10) < 7 {
			e.Schema = warden.SchemaPerson
			e.Names = []warden.Name{{Full: pick(family) + ", " + pick(given) + " " + pick(given), Kind: warden.NamePrimary}}
		} else {
			e.Schema = warden.SchemaOrganization
			ws := make([]string, 2+rng.IntN(3))
			for j := range ws {
				ws[j] = pick(words)
			}
			e.Names = []warden.Name{{Full: strings.Join(ws, " ") + " " + pick(legal), Kind: warden.NamePrimary}}
		}
		if rng.IntN(4) == 0 {
			e.Names = append(e.Names, warden.Name{Full: pick(family) + " " + pick(given), Kind: warden.NameAKA})
		}
		if err := im.Put(e); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := im.Commit(warden.SourceMeta{}); err != nil {
		b.Fatal(err)
	}
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkServeReady1M measures what warden serve does from start to
// ready on a store of 1,000,000 parties whose index snapshot exists: open
// the database (migrations checked), read the list versions and load the
// index from its snapshot. Run it on purpose (-bench ServeReady1M): the
// first run imports the parties and builds the snapshot, which takes
// minutes.
func BenchmarkServeReady1M(b *testing.B) {
	path := synthetic1M(b)
	dir := path + ".index"
	ctx := context.Background()
	open := func() (*store.DB, *Service) {
		db, err := store.Open(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		s := New(db)
		s.UseSnapshots(dir, b.Logf)
		if _, err := s.Refresh(ctx); err != nil {
			b.Fatal(err)
		}
		return db, s
	}
	start := time.Now()
	db, s := open() // builds and writes the snapshot the first time
	s.Wait()
	db.Close()
	b.Logf("first open (built %d times): %v", s.builds.Load(), time.Since(start))
	b.ResetTimer()
	for b.Loop() {
		db, s := open()
		if n := s.builds.Load(); n != 0 || s.Len() != 1_000_000 {
			b.Fatalf("built %d times, %d parties: the snapshot was not used", n, s.Len())
		}
		db.Close()
	}
}
