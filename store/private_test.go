package store_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"warden/store"
)

// TestSQLiteFileIsPrivate: a SQLite database the store creates, and the
// write-ahead log beside it, are its owner's only, whatever the umask: they
// hold password and token hashes as a backup does (0600 too).
func TestSQLiteFileIsPrivate(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	path := filepath.Join(t.TempDir(), "w.db")
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, f := range []string{path, path + "-wal"} {
		st, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if perm := st.Mode().Perm(); perm&0o077 != 0 {
			t.Errorf("%s: mode %v, want no access for group and others", filepath.Base(f), perm)
		}
	}
	// A database that exists keeps the mode its owner gave it.
	other := filepath.Join(t.TempDir(), "shared.db")
	if err := os.WriteFile(other, nil, 0o640); err != nil {
		t.Fatal(err)
	}
	db2, err := store.Open(context.Background(), other)
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	if st, _ := os.Stat(other); st.Mode().Perm() != 0o640 {
		t.Errorf("an existing database's mode changed to %v", st.Mode().Perm())
	}
}
