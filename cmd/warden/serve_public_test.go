package main

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"warden/publish"
)

// TestServePublicKey: serve --signing-key refuses a key file others may
// read before it listens, and serves the public half of a good one at
// /.well-known/warden-signing-key; lists not named in --public-lists are
// 404 on the public routes.
func TestServePublicKey(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "w.db")
	if code, _, errOut := cli(t, db, "keys", "create", "--dir", dir); code != 0 {
		t.Fatal(errOut)
	}
	priv, pub := filepath.Join(dir, publish.PrivateKeyFile), filepath.Join(dir, publish.PublicKeyFile)
	loose := filepath.Join(dir, "loose.pem")
	b, err := os.ReadFile(priv)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(loose, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := cli(t, db, "serve", "--addr", "127.0.0.1:0", "--no-snapshot", "--signing-key", loose); code == 0 || !strings.Contains(errOut, "may be read by others") {
		t.Errorf("a readable key: exit %d, %s", code, errOut)
	}
	if code, _, errOut := cli(t, db, "serve", "--addr", "127.0.0.1:0", "--no-snapshot", "--public-lists", "cyber_sanctions,Bad List"); code == 0 || !strings.Contains(errOut, "Bad List") {
		t.Errorf("a bad list name: exit %d, %s", code, errOut)
	}

	srv := startServe(t, db, "--no-snapshot", "--signing-key", priv)
	base := srv.base
	get := func(path string) (int, []byte) {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	want, err := os.ReadFile(pub)
	if err != nil {
		t.Fatal(err)
	}
	if code, got := get("/.well-known/warden-signing-key"); code != 200 || !bytes.Equal(got, want) {
		t.Errorf("signing key: %d %s, want %s", code, got, want)
	}
	if code, got := get("/public/lists/ofac/latest/ftm/manifest.json"); code != 404 {
		t.Errorf("ofac is public: %d %s", code, got)
	}
	if code := srv.stop(); code != 0 {
		t.Errorf("serve exited %d", code)
	}
}
