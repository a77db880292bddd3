package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestLinkCommands: warden unlink needs a reason and splits the OFAC
// party from its CSL copy in screening (two hits); warden link joins them
// again (one); ids that are not listings are refused.
func TestLinkCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.db")
	fix := filepath.Join("..", "..", "screening", "testdata", "links")
	importJSON(t, db, "--list", "ofac", "--format", "ofac-csv", filepath.Join(fix, "ofac", "sdn.csv"), filepath.Join(fix, "ofac", "add.csv"), filepath.Join(fix, "ofac", "alt.csv"))
	importJSON(t, db, "--list", "csl", filepath.Join(fix, "csl.csv"))
	hits := func() int {
		t.Helper()
		code, out, errs := cli(t, db, "screen", "--json", "Rim ABBAS")
		if code != 0 {
			t.Fatalf("screen: %d %s", code, errs)
		}
		return strings.Count(out, `"entity_id":"`) - strings.Count(out, `"listings":[`)
	}
	if n := hits(); n != 1 {
		t.Fatalf("before: %d hits, want the party once", n)
	}
	for _, c := range []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"unlink", "ofac:21944", "csl:21944"}, 2, ""},
		{[]string{"unlink", "--reason", "x", "ofac:21944"}, 2, ""},
		{[]string{"link", "ofac:21944", "csl:none"}, 1, ""},
		{[]string{"link", "ofac:21944", "ofac:21944"}, 1, ""},
		{[]string{"unlink", "--reason", "two people", "ofac:21944", "csl:21944"}, 0, "two parties"},
	} {
		code, out, errs := cli(t, db, c.args...)
		if code != c.code || !strings.Contains(out, c.out) {
			t.Errorf("%v: exit %d, %q %q; want %d", c.args, code, out, errs, c.code)
		}
	}
	if n := hits(); n != 2 {
		t.Errorf("after unlink: %d hits, want 2", n)
	}
	if code, _, errs := cli(t, db, "link", "csl:21944", "ofac:21944"); code != 0 {
		t.Fatalf("link: %d %s", code, errs)
	}
	if n := hits(); n != 1 {
		t.Errorf("after link: %d hits, want 1", n)
	}
}
