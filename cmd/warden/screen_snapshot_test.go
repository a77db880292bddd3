package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestScreenSnapshotCLI: the first warden screen after an import builds the
// index and leaves a snapshot beside the database; the next loads it and
// answers the same; a damaged snapshot is reported on stderr, removed and
// rebuilt, with the same answer; --index-dir off writes none.
func TestScreenSnapshotCLI(t *testing.T) {
	db := screenDB(t)
	screen := func(global ...string) (screenOut, string) {
		t.Helper()
		code, out, errs := cli(t, db, append(global, "screen", "--json", "Yakbuets Maksim")...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		var r screenOut
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		if len(r.Hits) == 0 || r.Hits[0].SourceID != "26663" || !r.Hits[0].Match {
			t.Fatalf("want 26663 as a match on top: %s", out)
		}
		return r, errs
	}
	snaps := func() []string {
		m, _ := filepath.Glob(filepath.Join(db+".index", "*.snap"))
		return m
	}
	first, errs := screen()
	if errs != "" {
		t.Errorf("first screen wrote %q", errs)
	}
	files := snaps()
	if len(files) != 1 {
		t.Fatalf("snapshots after the first screen: %v", files)
	}
	info, _ := os.Stat(files[0])
	second, errs := screen()
	if errs != "" {
		t.Errorf("second screen wrote %q", errs)
	}
	if again, _ := os.Stat(files[0]); again == nil || !again.ModTime().Equal(info.ModTime()) {
		t.Error("the second screen rewrote the snapshot instead of loading it")
	}
	if second.Hits[0].Score != first.Hits[0].Score || len(second.Hits) != len(first.Hits) {
		t.Errorf("loaded index answers %+v, built one %+v", second.Hits, first.Hits)
	}

	// Damage one byte in the middle of the file.
	b, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(files[0], b, 0o644); err != nil {
		t.Fatal(err)
	}
	third, errs := screen()
	if !strings.Contains(errs, "snapshot") {
		t.Errorf("a damaged snapshot was not reported: stderr %q", errs)
	}
	if third.Hits[0].Score != first.Hits[0].Score {
		t.Errorf("after the rebuild %+v, before %+v", third.Hits, first.Hits)
	}
	if _, errs := screen(); errs != "" {
		t.Errorf("the rebuilt snapshot was not used: stderr %q", errs)
	}

	for _, f := range snaps() {
		os.Remove(f)
	}
	screen("--index-dir", "off")
	if files := snaps(); len(files) != 0 {
		t.Errorf("--index-dir off wrote %v", files)
	}
}
