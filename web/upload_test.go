package web

import (
	"bytes"
	"net/http"
	"os"
	"testing"

	"warden"
	"warden/store/storetest"
)

// TestUploadRefusedLeavesNothing checks that a plain-form upload refused
// before its handler (a wrong CSRF field, a role that may not) leaves no
// temporary file behind, and that a role that may not post the form is
// refused without its upload being read at all.
func TestUploadRefusedLeavesNothing(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // where mime/multipart spills files over uploadMemory
	p, _ := intelPlatform(t, storetest.OpenSQLite(t))
	big := bytes.Repeat([]byte("x"), 3*uploadMemory)
	left := func() int {
		es, err := os.ReadDir(tmp)
		if err != nil {
			t.Fatal(err)
		}
		return len(es)
	}
	analyst, auditor := formSession(t, p, warden.RoleAnalyst), formSession(t, p, warden.RoleAuditor)
	if resp, _ := analyst("/intel/import", map[string]string{"csrf": "wrong"}, "bundle", "big.json", big); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a wrong CSRF field: %d", resp.StatusCode)
	}
	if n := left(); n != 0 {
		t.Errorf("a refused upload left %d temporary files", n)
	}
	if resp, _ := auditor("/intel/import", nil, "bundle", "big.json", big); resp.StatusCode != http.StatusForbidden {
		t.Errorf("an auditor's upload: %d", resp.StatusCode)
	}
	if n := left(); n != 0 {
		t.Errorf("an auditor's refused upload left %d temporary files", n)
	}
}

// TestPathNul checks that a path holding a NUL character is refused
// before any handler: no resource is named so, and PostgreSQL takes no
// NUL in a parameter (it answered 500).
func TestPathNul(t *testing.T) {
	p, _ := intelPlatform(t, storetest.OpenSQLite(t))
	for _, path := range []string{"/v1/intel/objects/indicator--a%00b", "/taxii2/api/collections/a%00b/objects/", "/intel/objects/x%00"} {
		req, _ := http.NewRequest("GET", p.srv.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+p.tokens[warden.RoleAnalyst])
		req.Header.Set("Accept", "application/taxii+json;version=2.1")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", path, resp.StatusCode)
		}
	}
}
