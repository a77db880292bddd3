package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"warden"
)

// TestDesignateCLI: the operator proposes from a file and lists; it
// cannot approve its own proposal (four eyes between persons), and bad
// input or usage changes nothing.
func TestDesignateCLI(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.db")
	code, out, errs := cli(t, db, "--create", "designate", "propose", "--file", "../../designation/testdata/party.json")
	var d warden.Designation
	json.Unmarshal([]byte(out), &d)
	if code != 0 || d.ID != 1 || d.Status != warden.DesignationProposed || d.ProposedBy != "operator" {
		t.Fatalf("propose: %d %s %s", code, out, errs)
	}
	if code, _, errs := cli(t, db, "designate", "approve", "1", "--reason", "mine"); code != 1 || !strings.Contains(errs, "four eyes") {
		t.Errorf("the operator approving its own proposal: %d %s", code, errs)
	}
	for _, args := range [][]string{{"approve", "1"}, {"approve", "x", "--reason", "r"}, {"propose"}, {"nothing"}} {
		if code, _, errs := cli(t, db, append([]string{"designate"}, args...)...); code != 2 {
			t.Errorf("designate %v: exit %d %s", args, code, errs)
		}
	}
	code, out, _ = cli(t, db, "designate", "list")
	if code != 0 || !strings.Contains(out, "Dmitri Olegovich KORSAKOV") || !strings.Contains(out, "proposed") || strings.Count(out, "\n") != 2 {
		t.Errorf("list: %d %q", code, out)
	}
	if code, _, _ := cli(t, db, "lists"); code != 0 {
		t.Errorf("lists: %d", code)
	}
	if code, out, _ := cli(t, db, "show", "cyber_sanctions:1"); code == 0 {
		t.Errorf("the party is listed before approval: %s", out)
	}
}
