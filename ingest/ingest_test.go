package ingest_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"warden"
	"warden/ingest"
	"warden/snapshot"
	"warden/sources"
	"warden/sources/sourcetest"
	"warden/store"
	"warden/store/storetest"
)

// templateDir holds the template databases of imported for the test run.
var templateDir string

// TestMain makes templateDir and removes it when the tests are done.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ingest-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	templateDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// template is a database file holding one import, made once per run.
type template struct {
	once sync.Once
	path string
	v    warden.ListVersion
	err  error
}

var (
	templatesMu sync.Mutex
	templates   = map[string]*template{} // by list and file
)

// imported opens a new SQLite database holding rel, a file of the shared
// data, imported as version 1 of list, and returns it with that version.
// The first call for a list and file imports it into a template database
// and the later ones copy that: under the race detector (as CI runs) an
// import of the UK list takes half a minute, and several tests start from
// the same list.
func imported(t *testing.T, list, rel string) (*store.DB, warden.ListVersion) {
	t.Helper()
	src := sourcetest.Data(t, rel)
	templatesMu.Lock()
	tp := templates[list+"\x00"+rel]
	if tp == nil {
		tp = &template{path: filepath.Join(templateDir, fmt.Sprintf("%d.db", len(templates)))}
		templates[list+"\x00"+rel] = tp
	}
	templatesMu.Unlock()
	tp.once.Do(func() { tp.v, tp.err = importTemplate(tp.path, list, src) })
	if tp.err != nil {
		t.Fatalf("import %s: %v", rel, tp.err)
	}
	p := filepath.Join(t.TempDir(), "w.db")
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(tp.path + suffix)
		if suffix != "" && os.IsNotExist(err) {
			continue
		}
		if err == nil {
			err = os.WriteFile(p+suffix, b, 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	db, err := store.Open(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, tp.v
}

// importTemplate imports the file src into list of a new database at path
// and closes it.
func importTemplate(path, list, src string) (warden.ListVersion, error) {
	db, err := store.Open(context.Background(), path)
	if err != nil {
		return warden.ListVersion{}, err
	}
	paths, err := sources.Expand([]string{src})
	if err != nil {
		db.Close()
		return warden.ListVersion{}, err
	}
	v, err := ingest.Import(context.Background(), db, ingest.Request{List: list, Input: warden.Input{Paths: paths}}, nil)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	return v, err
}

// importDir imports rel, a file or folder of the shared data, into list.
func importDir(t *testing.T, db *store.DB, list, rel string) (warden.ListVersion, error) {
	return importPath(t, db, list, sourcetest.Data(t, rel))
}

// importPath imports the file or folder p into list.
func importPath(t *testing.T, db *store.DB, list, p string) (warden.ListVersion, error) {
	t.Helper()
	paths, err := sources.Expand([]string{p})
	if err != nil {
		t.Fatal(err)
	}
	return ingest.Import(context.Background(), db, ingest.Request{List: list, Input: warden.Input{Paths: paths}}, nil)
}

// TestEntityCounts is the table of parties per real file. The
// imports of the UN and UK lists are those the guard tests start from (see
// imported).
func TestEntityCounts(t *testing.T) {
	tests := []struct {
		list, rel string
		want      int
	}{
		{"ofac", "ofac", 15443},
		{"ofac", "ofac/2021-07-07", 8976},
		{"ofac-xml", "ofac/consolidated.xml", 443},
		{"ofac-cons", "ofac/CONS_ENHANCED.ZIP", 443},
		{"un", "un/consolidated.xml", 1003},
		{"uk", "uk/ConList.xlsx", 4688},
		{"us-csl", "us_csl/consolidated.csv.gz", 14160},
		{"ransomwhere", "opensanctions/ransomwhere/targets.simple.csv", 11186},
	}
	for _, tt := range tests {
		if raceEnabled && tt.want > 5000 {
			t.Logf("%s: not imported under the race detector (ten times slower; go test without -race imports it)", tt.rel)
			continue
		}
		_, v := imported(t, tt.list, tt.rel)
		if v.Entities != tt.want || v.Added != tt.want {
			t.Errorf("%s: entities %d added %d, want %d", tt.rel, v.Entities, v.Added, tt.want)
		}
	}
}

// TestOFACVersions imports the 2021 snapshot, then the 2024 list, as one
// list: added and removed must be the set differences of their ent_nums.
// Under the race detector it imports the OFAC samples of both (see
// sourcetest.OFACSample): TestSnapshot imports the whole list there.
func TestOFACVersions(t *testing.T) {
	db := storetest.OpenSQLite(t)
	folder := func(rel string) string {
		if raceEnabled {
			return sourcetest.OFACSample(t, rel)
		}
		return sourcetest.Data(t, rel)
	}
	oldDir, curDir := folder("ofac/2021-07-07"), folder("ofac")
	ids := func(dir string) map[string]bool {
		paths, _ := sources.Expand([]string{dir})
		r := sourcetest.MustParse(t, sources.Formats["ofac-csv"].Parser, paths...)
		m := map[string]bool{}
		for _, e := range r.Entities {
			m[e.SourceID] = true
		}
		return m
	}
	old, cur := ids(oldDir), ids(curDir)
	added, removed := 0, 0
	for id := range cur {
		if !old[id] {
			added++
		}
	}
	for id := range old {
		if !cur[id] {
			removed++
		}
	}
	if _, err := importPath(t, db, "ofac", oldDir); err != nil {
		t.Fatal(err)
	}
	// Three years apart, the 2024 list drops 10.3% of the 2021 parties:
	// more than the guard lets through by default.
	paths, _ := sources.Expand([]string{curDir})
	v2, err := ingest.Import(context.Background(), db, ingest.Request{List: "ofac", Input: warden.Input{Paths: paths}, MaxRemoved: 0.2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v2.Added != added || v2.Removed != removed || v2.Entities != len(cur) || added == 0 || removed == 0 {
		t.Errorf("v2 = %+v; want added %d removed %d", v2, added, removed)
	}
	if v2.Warnings == 0 {
		t.Error("orphan rows gave no warnings")
	}
	v3, err := importPath(t, db, "ofac", curDir)
	if err != nil {
		t.Fatal(err)
	}
	if v3.Added != 0 || v3.Modified != 0 || v3.Removed != 0 || v3.Version != 2 || !v3.Unchanged {
		t.Errorf("identical import = %+v, want version 2 unchanged", v3)
	}
}

// TestFailedImportStoresNothing: a file that fails to parse leaves the
// list as it was (the OFAC sample of 2021, see sourcetest.OFACSample).
func TestFailedImportStoresNothing(t *testing.T) {
	db := storetest.OpenSQLite(t)
	if _, err := importPath(t, db, "ofac", sourcetest.OFACSample(t, "ofac/2021-07-07")); err != nil {
		t.Fatal(err)
	}
	bad := sourcetest.WriteFile(t, "sdn.csv", "1,\"A\",-0- ,\"X\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n2,\"B\"\r\n")
	_, err := ingest.Import(context.Background(), db, ingest.Request{List: "ofac", Input: warden.Input{Paths: []string{bad}}}, nil)
	if warden.ErrorCode(err) != warden.EINVALID {
		t.Fatalf("err = %v", err)
	}
	l, _ := db.List(context.Background(), "ofac")
	if l.CurrentVersion != 1 || l.Entities != 1152 {
		t.Errorf("after failed import: %+v", l)
	}
}

// TestSnapshot imports the bundled snapshot: the whole OFAC list, 15,443
// parties, the package's one import of it under the race detector (as CI
// runs), where the tests of guards and rollbacks import the OFAC sample.
func TestSnapshot(t *testing.T) {
	db := storetest.OpenSQLite(t)
	var read int
	v, err := ingest.Import(context.Background(), db, ingest.Request{List: snapshot.List, Format: snapshot.Format, Input: snapshot.Input(), Published: snapshot.Date}, func(n int) { read += n })
	if err != nil {
		t.Fatal(err)
	}
	if v.Entities != 15443 || read < 6_000_000 || v.Published != "2024-07-02" {
		t.Errorf("snapshot: %+v, %d bytes read", v, read)
	}
}
