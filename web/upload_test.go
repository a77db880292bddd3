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
