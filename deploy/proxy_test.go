package deploy

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tool finds a program the check needs, or skips the test, saying so.
func tool(t *testing.T, name, pkg string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s is not installed (Debian's %s package; CI installs it): not checked", name, pkg)
	}
	return path
}

// TestNginxConfig: nginx.conf, put in an http block as its header says,
// passes `nginx -t` (with a certificate of the test's own in place of the
// one it names) on the nginx Debian ships.
func TestNginxConfig(t *testing.T) {
	nginx := tool(t, "nginx", "nginx-light")
	dir := t.TempDir()
	cert, key := selfSigned(t, dir)
	site, err := os.ReadFile("nginx.conf")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.NewReplacer("/etc/ssl/warden/fullchain.pem", cert, "/etc/ssl/warden/privkey.pem", key).Replace(string(site))
	if err := os.WriteFile(filepath.Join(dir, "site.conf"), []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	main := "pid " + filepath.Join(dir, "nginx.pid") + ";\nerror_log stderr;\nevents {}\nhttp {\n\tinclude " + filepath.Join(dir, "site.conf") + ";\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(main), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(nginx, "-t", "-p", dir, "-c", filepath.Join(dir, "nginx.conf"), "-e", "stderr").CombinedOutput()
	if err != nil {
		t.Fatalf("nginx -t: %v\n%s", err, out)
	}
}

// TestCaddyConfig: the Caddyfile passes `caddy validate`.
func TestCaddyConfig(t *testing.T) {
	caddy := tool(t, "caddy", "caddy")
	cmd := exec.Command(caddy, "validate", "--config", "Caddyfile", "--adapter", "caddyfile")
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir(), "XDG_DATA_HOME="+t.TempDir(), "XDG_CONFIG_HOME="+t.TempDir())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("caddy validate: %v\n%s", err, out)
	}
}

// TestAlertRules: alerts.yml passes `promtool check rules` (that its
// series are ones a node serves is web's TestAlertRulesNameServedMetrics).
func TestAlertRules(t *testing.T) {
	promtool := tool(t, "promtool", "prometheus")
	if out, err := exec.Command(promtool, "check", "rules", "alerts.yml").CombinedOutput(); err != nil {
		t.Fatalf("promtool check rules: %v\n%s", err, out)
	}
}

// selfSigned writes a certificate for warden.example and its key into dir.
func selfSigned(t *testing.T, dir string) (cert, key string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "warden.example"}, DNSNames: []string{"warden.example"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kd, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	cert, key = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	for path, b := range map[string]*pem.Block{cert: {Type: "CERTIFICATE", Bytes: der}, key: {Type: "EC PRIVATE KEY", Bytes: kd}} {
		if err := os.WriteFile(path, pem.EncodeToMemory(b), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return cert, key
}
