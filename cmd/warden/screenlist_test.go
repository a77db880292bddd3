package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestScreenUnknownList: a --list the database does not hold is a usage
// error (exit 2) naming it, never "no hits", which would clear the name
// against a list that was never screened; a known list screens.
func TestScreenUnknownList(t *testing.T) {
	db := screenDB(t)
	in := filepath.Join(t.TempDir(), "q.csv")
	if err := os.WriteFile(in, []byte("name\nMaksim Yakubets\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "r.jsonl")
	for _, args := range [][]string{
		{"--list", "nope", "Maksim Yakubets"},
		{"--list", "OFAC", "Maksim Yakubets"},
		{"--json", "--list", "ofac", "--list", "nope", "Maksim Yakubets"},
		{"--list", "OFAC", "--input", in, "--output", out},
	} {
		code, stdout, stderr := cli(t, db, append([]string{"screen"}, args...)...)
		if code != 2 || !strings.Contains(stderr, "unknown list") || strings.Contains(stdout, "no hits") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 naming the unknown list", args, code, stdout, stderr)
		}
	}
	code, stdout, stderr := cli(t, db, "screen", "--list", "ofac", "Maksim Yakubets")
	if code != 0 || !strings.Contains(stdout, "ofac:26663") {
		t.Errorf("--list ofac: exit %d, %q %q", code, stdout, stderr)
	}
}
