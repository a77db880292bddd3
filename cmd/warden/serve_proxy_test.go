package main

import (
	"fmt"
	"io"
	"strings"
	"testing"
)

// TestParsePrefixes: --trusted-proxies takes addresses and prefixes, and a
// value that is neither is a usage error naming it.
func TestParsePrefixes(t *testing.T) {
	got, err := parsePrefixes(" 10.0.0.0/8, 192.0.2.7 ,::1,2001:db8::/32,,10.1.2.3/16")
	if err != nil {
		t.Fatal(err)
	}
	if s := fmt.Sprint(got); s != "[10.0.0.0/8 192.0.2.7/32 ::1/128 2001:db8::/32 10.1.0.0/16]" {
		t.Errorf("parsePrefixes = %s", s)
	}
	if _, err := parsePrefixes("10.0.0.0/8,proxy.example"); err == nil || !strings.Contains(err.Error(), `"proxy.example"`) {
		t.Errorf("a host name: err = %v, want one naming it", err)
	}
	var stderr strings.Builder
	code := run(t.Context(), []string{"serve", "--db", t.TempDir() + "/w.db", "--trusted-proxies", "nonsense"}, strings.NewReader(""), io.Discard, &stderr)
	if code != 2 || !strings.Contains(stderr.String(), "--trusted-proxies") {
		t.Errorf("serve --trusted-proxies nonsense: exit %d, %q; want 2 naming the flag", code, stderr.String())
	}
}

// TestShownDSN: a DSN printed by a command never shows the password.
func TestShownDSN(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://warden:s3cret@db:5432/w?sslmode=disable":     "postgres://warden:xxxxx@db:5432/w?sslmode=disable",
		"postgres://warden@db/w":                                 "postgres://warden@db/w",
		"postgres://warden@db/w?sslmode=disable&password=s3cret": "postgres://warden@db/w?password=xxxxx&sslmode=disable",
		"./warden.db":                 "./warden.db",
		"sqlite:/var/lib/warden/w.db": "sqlite:/var/lib/warden/w.db",
	} {
		if got := shownDSN(in); got != want {
			t.Errorf("shownDSN(%q) = %q, want %q", in, got, want)
		}
	}
}
