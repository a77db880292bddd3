// Package deploy holds the files that install Warden as a service, in a
// container and behind a reverse proxy; its test checks them against the
// binary they deploy.
package deploy

import (
	"bufio"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestStaticBinary builds Warden as the Containerfile does and checks that
// the binary is static (no program interpreter: it runs in a distroless
// image without a C library) and that the systemd unit verifies against it.
func TestStaticBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	build := containerBuild(t)
	bin := filepath.Join(t.TempDir(), "warden")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", bin, "../cmd/warden")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", build, err, out)
	}
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Fatalf("the binary asks for a program interpreter: it is not static")
		}
	}
	if _, err := exec.LookPath("systemd-analyze"); err != nil {
		t.Log("systemd-analyze is not installed: the unit is not verified")
		return
	}
	unit, err := os.ReadFile("warden.service")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(string(unit), "/usr/local/bin/warden", bin)
	text = strings.ReplaceAll(text, "EnvironmentFile=/etc/warden/warden.env", "EnvironmentFile=-/etc/warden/warden.env")
	path := filepath.Join(t.TempDir(), "warden.service")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("systemd-analyze", "verify", path).CombinedOutput()
	// verify also reports on units the host lacks (postgresql.service on a
	// machine without it); only lines about our unit count.
	var bad []string
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "warden.service") {
			bad = append(bad, line)
		}
	}
	if len(bad) > 0 {
		t.Errorf("systemd-analyze verify (%v):\n%s", err, strings.Join(bad, "\n"))
	}
}

// containerBuild is the go build line of the Containerfile, which the
// test runs the same way.
func containerBuild(t *testing.T) string {
	f, err := os.Open("Containerfile")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := sc.Text(); strings.Contains(line, "CGO_ENABLED=0 go build") {
			if !strings.Contains(line, "-trimpath") || !strings.Contains(line, "./cmd/warden") {
				t.Fatalf("the Containerfile builds otherwise than this test: %s", line)
			}
			return strings.TrimSpace(line)
		}
	}
	t.Fatal("the Containerfile has no CGO_ENABLED=0 go build line")
	return ""
}
