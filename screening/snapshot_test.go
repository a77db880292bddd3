package screening

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"warden"
	"warden/match"
	"warden/store"
)

// snapDB is a SQLite store in a temporary directory holding list "ofac"
// with the given names, one party each.
func snapDB(t *testing.T, names ...string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "w.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	importNames(t, db, names...)
	return db
}

// importNames imports a version of list "ofac" holding names.
func importNames(t *testing.T, db *store.DB, names ...string) {
	t.Helper()
	im, err := db.BeginImport(context.Background(), "ofac", "test", false)
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range names {
		e := &warden.Entity{SourceID: fmt.Sprint(i + 1), Schema: warden.SchemaPerson, Names: []warden.Name{{Full: n, Kind: warden.NamePrimary}},
			BirthDates: []warden.DateRange{{From: "1970"}}, Nationalities: []string{"ru"}}
		if err := im.Put(e); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := im.Commit(warden.SourceMeta{}); err != nil {
		t.Fatal(err)
	}
}

// logged collects what a service logs.
type logged struct {
	mu    sync.Mutex
	lines []string
}

func (l *logged) logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

func (l *logged) has(s string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, x := range l.lines {
		if strings.Contains(x, s) {
			return true
		}
	}
	return false
}

// refreshed is a service on db keeping snapshots in dir, refreshed once
// and its snapshot writes waited for.
func refreshed(t *testing.T, db *store.DB, dir string, log *logged) *Service {
	t.Helper()
	s := New(db)
	s.UseSnapshots(dir, log.logf)
	if rebuilt, err := s.Refresh(context.Background()); err != nil || !rebuilt {
		t.Fatalf("refresh: %v %v", rebuilt, err)
	}
	s.Wait()
	return s
}

// top is the id of the best hit for name, "" for none.
func top(t *testing.T, s *Service, name string) string {
	t.Helper()
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	hits, err := s.Screen(ctx, match.Query{Names: []string{name}, BirthDates: []string{"1970"}, Countries: []string{"ru"}}, match.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) == 0 || !hits[0].Match {
		return ""
	}
	return hits[0].Entity.ID
}

// snapFiles are the snapshot files in dir.
func snapFiles(t *testing.T, dir string) []string {
	t.Helper()
	fs, err := filepath.Glob(filepath.Join(dir, "index-*.snap"))
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

// TestSnapshotReused requires a second service to load the index the
// first built, not build it, and to answer as the first does.
func TestSnapshotReused(t *testing.T) {
	db := snapDB(t, "YAKUBETS, Maksim Viktorovich", "Ivan Petrov")
	dir := filepath.Join(t.TempDir(), "index")
	var log logged
	s1 := refreshed(t, db, dir, &log)
	if n := s1.builds.Load(); n != 1 {
		t.Fatalf("first service built %d times", n)
	}
	if fs := snapFiles(t, dir); len(fs) != 1 {
		t.Fatalf("snapshots after the first build: %v (log %v)", fs, log.lines)
	}
	s2 := refreshed(t, db, dir, &log)
	if n := s2.builds.Load(); n != 0 {
		t.Errorf("second service built %d times, want it to load the snapshot", n)
	}
	for _, q := range []string{"Maxim Yakubets", "Ivan Petrov", "Nobody Known"} {
		if a, b := top(t, s1, q), top(t, s2, q); a != b {
			t.Errorf("%s: built finds %q, loaded %q", q, a, b)
		}
	}
	if top(t, s2, "Maxim Yakubets") != "ofac:1" {
		t.Error("the loaded index misses a listed party")
	}
	if rebuilt, _ := s2.Refresh(context.Background()); rebuilt {
		t.Error("refreshed without a change")
	}
}

// TestSnapshotStale requires a snapshot of other list versions to be left
// unused: a new version is built, and its snapshot replaces the old.
func TestSnapshotStale(t *testing.T) {
	db := snapDB(t, "Ivan Petrov")
	dir := t.TempDir()
	var log logged
	refreshed(t, db, dir, &log)
	old := snapFiles(t, dir)
	importNames(t, db, "Ivan Petrov", "Olga Smirnova")
	s := refreshed(t, db, dir, &log)
	if n := s.builds.Load(); n != 1 {
		t.Errorf("built %d times after a new list version, want 1", n)
	}
	if top(t, s, "Olga Smirnova") != "ofac:2" {
		t.Error("the party of the new version is not found: a stale index was used")
	}
	now := snapFiles(t, dir)
	if len(now) != 1 || len(old) != 1 || now[0] == old[0] {
		t.Errorf("snapshots before %v, after %v: want the old one replaced", old, now)
	}
	s2 := refreshed(t, db, dir, &log)
	if s2.builds.Load() != 0 || top(t, s2, "Olga Smirnova") != "ofac:2" {
		t.Error("the new version's snapshot is not used")
	}
}

// TestSnapshotCorrupt requires a damaged snapshot to be detected, logged,
// removed and rebuilt: never used.
func TestSnapshotCorrupt(t *testing.T) {
	for _, c := range []struct {
		name   string
		damage func([]byte) []byte
	}{
		{"flipped byte", func(b []byte) []byte { b[len(b)*2/3] ^= 0x10; return b }},
		{"truncated", func(b []byte) []byte { return b[:len(b)/2] }},
		{"empty", func([]byte) []byte { return nil }},
		{"foreign", func([]byte) []byte { return []byte("not a snapshot at all") }},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := snapDB(t, "YAKUBETS, Maksim Viktorovich", "Ivan Petrov")
			dir := t.TempDir()
			var log logged
			refreshed(t, db, dir, &log)
			f := snapFiles(t, dir)[0]
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(f, c.damage(b), 0o644); err != nil {
				t.Fatal(err)
			}
			s := New(db)
			s.UseSnapshots(dir, log.logf)
			if _, err := s.Refresh(context.Background()); err != nil {
				t.Fatal(err)
			}
			if n := s.builds.Load(); n != 1 {
				t.Errorf("built %d times over a damaged snapshot, want 1", n)
			}
			if !log.has("not used") {
				t.Errorf("nothing logged of the damaged snapshot: %v", log.lines)
			}
			if top(t, s, "Maxim Yakubets") != "ofac:1" {
				t.Error("the rebuilt index misses a listed party")
			}
			s.Wait()
			if s2 := refreshed(t, db, dir, &log); s2.builds.Load() != 0 {
				t.Error("the snapshot written after the rebuild is not used")
			}
		})
	}
}

// TestSnapshotConcurrent runs services on one directory at once, as two
// warden screen processes or serve beside the command line do: each
// builds or loads, none fails, none sees a torn file. (Run with -race.)
func TestSnapshotConcurrent(t *testing.T) {
	db := snapDB(t, "YAKUBETS, Maksim Viktorovich", "Ivan Petrov")
	dir := t.TempDir()
	var log logged
	var wg sync.WaitGroup
	for round := range 3 {
		if round == 2 {
			importNames(t, db, "Ivan Petrov", "Olga Smirnova")
		}
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s := New(db)
				s.UseSnapshots(dir, log.logf)
				if _, err := s.Refresh(context.Background()); err != nil {
					t.Error(err)
					return
				}
				want := "ofac:1"
				if round == 2 {
					want = "ofac:2"
				}
				q := map[string]string{"ofac:1": "Maxim Yakubets", "ofac:2": "Olga Smirnova"}[want]
				if got := top(t, s, q); got != want {
					t.Errorf("round %d: %s found %q", round, q, got)
				}
				s.Wait()
			}()
		}
		wg.Wait()
	}
	if log.has("not used") {
		t.Errorf("a service met a torn snapshot: %v", log.lines)
	}
	if fs := snapFiles(t, dir); len(fs) != 1 {
		t.Errorf("snapshots left: %v", fs)
	}
}

// TestSnapshotDir checks where snapshots go for each kind of database.
func TestSnapshotDir(t *testing.T) {
	cache, err := os.UserCacheDir()
	if err != nil {
		t.Skip(err)
	}
	for _, c := range []struct{ dsn, dir, want string }{
		{"/var/lib/warden.db", "", "/var/lib/warden.db.index"},
		{"sqlite:///var/lib/warden.db?_pragma=x", "", "/var/lib/warden.db.index"},
		{"warden.db", "off", ""},
		{"warden.db", "/tmp/ix", "/tmp/ix"},
		{"postgres://u:secret@h/db", "", filepath.Join(cache, "warden")},
		{":memory:", "", filepath.Join(cache, "warden")},
	} {
		got := SnapshotDir(c.dsn, c.dir)
		if !strings.HasPrefix(got, c.want) || (c.want == "") != (got == "") || strings.Contains(got, "secret") {
			t.Errorf("SnapshotDir(%q, %q) = %q, want %q…", c.dsn, c.dir, got, c.want)
		}
	}
	a, b := SnapshotDir("postgres://u:one@h/db", ""), SnapshotDir("postgres://u:two@h/db", "")
	if a != b || a == SnapshotDir("postgres://u:one@h/other", "") {
		t.Errorf("PostgreSQL directories: %q %q", a, b)
	}
}
