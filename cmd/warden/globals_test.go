package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runArgs runs the CLI in process with exactly args, no --db added, and
// returns its exit code, stdout and stderr.
func runArgs(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// smallDB is a new database holding testdata/small.ftm.json, three
// parties, and small-other.ftm.json, one of them again on another list:
// quick to index.
func smallDB(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "w.db")
	importJSON(t, db, "--list", "small", "--format", "ftm", "testdata/small.ftm.json")
	importJSON(t, db, "--list", "other", "--format", "ftm", "testdata/small-other.ftm.json")
	return db
}

// TestGlobalFlagsAfterCommand: --db (and the other global flags) may come
// before or after the command; given twice it must name one database.
func TestGlobalFlagsAfterCommand(t *testing.T) {
	t.Setenv("WARDEN_DB", "")
	db := smallDB(t)
	other := smallDB(t)
	fresh := filepath.Join(t.TempDir(), "new.db")
	tests := []struct {
		name string
		args []string
		code int
		want string // in stdout if code is 0, else in stderr
	}{
		{"before", []string{"--db", db, "lists"}, 0, "small"},
		{"after", []string{"lists", "--db", db}, 0, "small"},
		{"after with =", []string{"lists", "-db=" + db}, 0, "small"},
		{"after flags and arguments", []string{"screen", "--json", "Evil Corp", "--db", db}, 0, "small:x-2"},
		{"import after", []string{"import", "--db", fresh, "--list", "small", "--json", "testdata/small.ftm.json"}, 0, `"entities":3`},
		{"twice, the same", []string{"--db", db, "lists", "--db", db}, 0, "small"},
		{"twice, different", []string{"--db", db, "lists", "--db", other}, 2, "given twice"},
		{"twice before, different", []string{"--db", db, "--db", other, "lists"}, 2, "given twice"},
		{"no value", []string{"lists", "--db"}, 2, "flag needs an argument: -db"},
		{"--create after", []string{"show", "small:x-1", "--create", "--db", db}, 0, "PUBLIC, Jane Quentin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runArgs(t, "", tt.args...)
			got := out
			if tt.code != 0 {
				got = errs
			}
			if code != tt.code || !strings.Contains(got, tt.want) {
				t.Errorf("%q: exit %d, stdout %q, stderr %q; want %d and %q", tt.args, code, out, errs, tt.code, tt.want)
			}
		})
	}
}

// TestIndexDirAfterCommand: --index-dir after the command is heard too.
func TestIndexDirAfterCommand(t *testing.T) {
	db := smallDB(t)
	dir := filepath.Join(t.TempDir(), "snapshots")
	for _, args := range [][]string{
		{"screen", "Evil Corp", "--db", db, "--index-dir", "off"},
		{"screen", "Evil Corp", "--db", db, "--index-dir=" + dir},
	} {
		if code, _, errs := runArgs(t, "", args...); code != 0 {
			t.Fatalf("%q: exit %d: %s", args, code, errs)
		}
	}
	if _, err := os.Stat(db + ".index"); err == nil {
		t.Error("a snapshot beside the database, where --index-dir said off and then elsewhere")
	}
	if _, err := os.Stat(dir); err != nil {
		t.Errorf("no snapshot in --index-dir: %v", err)
	}
}

// TestMissingDatabase: a command that reads a database refuses a SQLite
// path where there is none, naming it, and leaves no file behind; the
// commands that set up an installation, and any given --create, make one.
func TestMissingDatabase(t *testing.T) {
	dir := t.TempDir()
	input := filepath.Join(dir, "in.csv")
	os.WriteFile(input, []byte("id,name\nK1,Jane Doe\n"), 0o600)
	tests := []struct {
		name   string
		stdin  string
		args   []string
		code   int
		create bool // whether the database is there afterwards
	}{
		{"lists", "", []string{"lists"}, 1, false},
		{"show", "", []string{"show", "ofac:1"}, 1, false},
		{"versions", "", []string{"versions", "ofac"}, 1, false},
		{"screen", "", []string{"screen", "Jane Doe"}, 1, false},
		{"token create", "", []string{"token", "create", "--role", "screener", "--name", "x"}, 1, false},
		{"user list", "", []string{"user", "list"}, 1, false},
		{"audit verify", "", []string{"audit", "verify"}, 1, false},
		{"customer import", "", []string{"customer", "import", "--input", input}, 1, false},
		{"import", "", []string{"import", "--list", "small", "testdata/small.ftm.json"}, 0, true},
		{"user add", "a long admin passphrase\n", []string{"user", "add", "alice", "--role", "admin"}, 0, true},
		{"lists --create", "", []string{"--create", "lists"}, 0, true},
		{"token create --create", "", []string{"token", "create", "--create", "--role", "screener", "--name", "x"}, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "typo.db")
			code, _, errs := cliIn(t, db, tt.stdin, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d: %s", code, tt.code, errs)
			}
			if code != 0 && (!strings.Contains(errs, "no database at "+db) || !strings.Contains(errs, "--create")) {
				t.Errorf("stderr %q does not name %s and --create", errs, db)
			}
			if _, err := os.Stat(db); (err == nil) != tt.create {
				t.Errorf("database there afterwards: %v, want %v", err == nil, tt.create)
			}
		})
	}
}

// TestSQLitePath: the file checked is the one store.Open opens.
func TestSQLitePath(t *testing.T) {
	tests := []struct{ dsn, want string }{
		{"w.db", "w.db"},
		{"/var/lib/warden/w.db", "/var/lib/warden/w.db"},
		{"sqlite:w.db", "w.db"},
		{"sqlite://w.db?_pragma=foreign_keys(1)", "w.db"},
		{":memory:", ""},
		{"sqlite::memory:", ""},
		{"postgres://postgres@127.0.0.1:5432/warden", ""},
		{"postgresql://127.0.0.1/warden", ""},
	}
	for _, tt := range tests {
		if got := sqlitePath(tt.dsn); got != tt.want {
			t.Errorf("sqlitePath(%q) = %q, want %q", tt.dsn, got, tt.want)
		}
	}
}
