package deploy

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUnitWritesItsDirectories: under ProtectSystem=strict a dynamic user
// (no home of its own) may write only the unit's state and cache
// directories, so every path the unit gives warden to write, the
// database's and the index snapshots', must be in one of them; the
// snapshots must be given one (their default on PostgreSQL is the user
// cache directory, under a home it does not have).
func TestUnitWritesItsDirectories(t *testing.T) {
	f, err := os.Open("warden.service")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	env, dirs := map[string]string{}, map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(strings.TrimSpace(sc.Text()), "=")
		switch {
		case !ok || strings.HasPrefix(k, "#"):
		case k == "Environment":
			name, val, _ := strings.Cut(v, "=")
			env[name] = val
		case k == "StateDirectory":
			dirs["/var/lib/"+v] = k
		case k == "CacheDirectory":
			dirs["/var/cache/"+v] = k
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, path string }{{"WARDEN_DB", filepath.Dir(env["WARDEN_DB"])}, {"WARDEN_INDEX_DIR", env["WARDEN_INDEX_DIR"]}} {
		if _, ok := dirs[tt.path]; !ok {
			t.Errorf("%s=%q: not in a directory the unit may write (%v)", tt.name, env[tt.name], dirs)
		}
	}
}
