package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"warden/demo"
)

// TestDemoResetRemovesOnlyTheDemo: --reset removes a database only when
// it holds the demo and no people of its own, and of the key and index
// directories only the files the demo put there: a mistyped --db or --keys
// (a real database, a text file, a directory of other things) is left as
// it was, even with --yes.
func TestDemoResetRemovesOnlyTheDemo(t *testing.T) {
	inUse := smallDB(t)
	if code, _, errOut := cliIn(t, inUse, "a long admin passphrase\n", "user", "add", "alice", "--role", "admin"); code != 0 {
		t.Fatal(errOut)
	}
	notes := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(notes, []byte("not a database"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, db := range []string{inUse, notes} {
		before, _ := os.ReadFile(db)
		code, _, stderr := runArgs(t, "", "--db", db, "demo", "--reset", "--yes", "--no-snapshot")
		after, err := os.ReadFile(db)
		if code != 1 || !strings.Contains(stderr, "does not hold the demo") || err != nil || !bytes.Equal(before, after) {
			t.Errorf("--reset --yes of %s: exit %d, %q; the file %v, unchanged %v", filepath.Base(db), code, stderr, err, bytes.Equal(before, after))
		}
	}

	// A database holding the demo (its counterpart, here alone), with its
	// keys in a directory that holds something else too.
	built := smallDB(t)
	if code, _, errOut := cliIn(t, built, "", "org", "add", demo.CounterpartOrg, "Demo counterpart"); code != 0 {
		t.Fatal(errOut)
	}
	keys := t.TempDir()
	other := filepath.Join(keys, "id_ed25519")
	if err := os.WriteFile(other, []byte("someone's key"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := signingKey(keys); err != nil {
		t.Fatal(err)
	}
	e := &env{dsn: built, stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard}
	if err := resetDemo(context.Background(), e, built, keys, true); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(built); !os.IsNotExist(err) {
		t.Errorf("the demo's database is still there: %v", err)
	}
	if _, err := os.Stat(filepath.Join(keys, "warden-signing-key.pem")); !os.IsNotExist(err) {
		t.Errorf("the demo's signing key is still there: %v", err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("--reset removed another file of the keys' directory: %v", err)
	}
}
