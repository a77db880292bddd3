package store_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"warden/store"
	"warden/store/storetest"
)

// TestBackupNotWorldReadable: a backup holds password hashes and API
// tokens' hashes, so only its owner may read it, whatever the umask.
func TestBackupNotWorldReadable(t *testing.T) {
	ctx := context.Background()
	dbs := map[string]*store.DB{"sqlite": storetest.OpenSQLite(t)}
	if _, err := exec.LookPath("pg_dump"); err == nil && os.Getenv(storetest.EnvPostgres) != "" {
		dbs["postgres"] = storetest.OpenPostgres(t)
	}
	for name, db := range dbs {
		t.Run(name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "backup")
			if _, err := store.Backup(ctx, db, file); err != nil {
				t.Fatal(err)
			}
			st, err := os.Stat(file)
			if err != nil {
				t.Fatal(err)
			}
			if m := st.Mode().Perm(); m&0o077 != 0 {
				t.Errorf("the backup's mode is %v: others may read it", m)
			}
		})
	}
}
