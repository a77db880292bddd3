package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"warden/publish"
	"warden/sources/sourcetest"
)

// TestDesignateExportVerify creates a key, exports the real UN list in
// every format with the CLI, verifies each set, and shows that a set with
// one byte changed fails warden verify with exit 1; a second version of a
// hand-made list exports as a delta from the first.
func TestDesignateExportVerify(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "w.db")
	importJSON(t, db, "--list", "un", sourcetest.Data(t, "un/consolidated.xml"))
	party := `{"id":"CS-1","schema":"Person","properties":{"name":["YAKUBETS, Maksim"],"alias":["Якубец Максим"],"birthDate":["1987-05-20"],"programId":["CYBER2"]}}` + "\n"
	importJSON(t, db, "--list", "cyber_sanctions", "--format", "ftm", sourcetest.WriteFile(t, "v1.json", party))
	importJSON(t, db, "--list", "cyber_sanctions", "--format", "ftm", sourcetest.WriteFile(t, "v2.json", party+`{"id":"CS-2","schema":"Company","properties":{"name":["EVIL CORP"],"programId":["CYBER2"]}}`+"\n"))

	keys := filepath.Join(dir, "keys")
	if code, _, errs := cli(t, db, "keys", "create", "--dir", keys); code != 0 {
		t.Fatalf("keys create: %d %s", code, errs)
	}
	if code, _, _ := cli(t, db, "keys", "create", "--dir", keys); code != 1 {
		t.Errorf("keys create over a key: exit %d", code)
	}
	priv, pub := filepath.Join(keys, publish.PrivateKeyFile), filepath.Join(keys, publish.PublicKeyFile)
	for _, args := range [][]string{
		{"--list", "un", "--format", "ofac-csv"}, {"--list", "un", "--format", "ftm"}, {"--list", "un", "--format", "stix"},
		{"--list", "cyber_sanctions", "--version", "2", "--since", "1", "--format", "ftm-delta"},
	} {
		out := filepath.Join(dir, strings.Join(args, "_"))
		code, _, errs := cli(t, db, append([]string{"designate", "export", "--signing-key", priv, "--output", out}, args...)...)
		if code != 0 {
			t.Fatalf("export %v: %d %s", args, code, errs)
		}
		manifest := filepath.Join(out, publish.ManifestName)
		if code, stdout, errs := cli(t, db, "verify", "--key", pub, manifest); code != 0 || !strings.HasPrefix(stdout, "ok: ") {
			t.Fatalf("verify %v: %d %s %s", args, code, stdout, errs)
		}
		entries, _ := os.ReadDir(out)
		for _, en := range entries {
			p := filepath.Join(out, en.Name())
			orig, _ := os.ReadFile(p)
			b := append([]byte(nil), orig...)
			b[len(b)/2] ^= 0x20
			os.WriteFile(p, b, 0o644)
			if code, _, _ := cli(t, db, "verify", "--key", pub, manifest); code != 1 {
				t.Errorf("%v: %s with one byte changed: verify exit %d", args, en.Name(), code)
			}
			os.WriteFile(p, orig, 0o644)
		}
	}
	if code, _, _ := cli(t, db, "designate", "export", "--signing-key", priv, "--output", dir, "--format", "xml"); code != 1 {
		t.Errorf("unknown format: exit %d", code)
	}
	if code, _, _ := cli(t, db, "designate", "export", "--output", dir, "--format", "ftm"); code != 2 {
		t.Errorf("no key: exit %d", code)
	}
}
