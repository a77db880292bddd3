package main

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

// TestIntelHelp: warden intel -h, --help and help list every subcommand,
// one line each, and exit 0; no subcommand or an unknown one is a usage
// error (exit 2) that lists them too.
func TestIntelHelp(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.db")
	for _, arg := range []string{"-h", "--help", "help"} {
		code, out, errs := cli(t, db, "intel", arg)
		if code != 0 {
			t.Errorf("intel %s: exit %d: %s", arg, code, errs)
		}
		for _, c := range intelCommands {
			if !strings.Contains(out, "\n  "+c.name+" ") || c.summary == "" || !strings.Contains(out, c.summary) {
				t.Errorf("intel %s does not list %s: %s", arg, c.name, out)
			}
		}
	}
	for _, args := range [][]string{{"intel"}, {"intel", "fly"}} {
		code, _, errs := cli(t, db, args...)
		if code != 2 || !strings.Contains(errs, "\n  pull ") {
			t.Errorf("%v: exit %d, %s; want 2 and the subcommands", args, code, errs)
		}
	}
}

// TestIntelPullFailure: a pull that fails before storing anything prints
// its error only, not a report of nothing pulled.
func TestIntelPullFailure(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	db := filepath.Join(t.TempDir(), "w.db")
	code, out, errs := cli(t, db, "--create", "intel", "pull", "--url", srv.URL+"/taxii2/api/", "--collection", "c1", "--token", "x")
	if code != 1 || out != "" || !strings.Contains(errs, "503") {
		t.Errorf("exit %d, stdout %q, stderr %q; want 1, nothing on stdout, the error", code, out, errs)
	}
}
