package warden_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"warden"
)

// TestPermissionTableMatchesDocs keeps docs/security.md's table equal to
// warden.Permissions, cell by cell.
func TestPermissionTableMatchesDocs(t *testing.T) {
	b, err := os.ReadFile("docs/security.md")
	if err != nil {
		t.Fatal(err)
	}
	var header []string
	seen := map[warden.Action]bool{}
	for _, line := range strings.Split(string(b), "\n") {
		cells := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if len(cells) > 1 && cells[0] == "action" && cells[1] == "admin" {
			header = cells
			continue
		}
		if header == nil || len(cells) != len(header) || strings.HasPrefix(cells[0], "---") {
			if header != nil && len(seen) > 0 && len(cells) != len(header) {
				break // the table ended
			}
			continue
		}
		a := warden.Action(cells[0])
		if _, ok := warden.Permissions[a]; !ok {
			t.Errorf("docs/security.md lists action %q, which the code does not have", a)
			continue
		}
		seen[a] = true
		for i, role := range header[1:] {
			doc := cells[i+1] == "✓"
			if code := warden.Allowed(warden.Role(role), a); doc != code {
				t.Errorf("%s × %s: docs say %v, code says %v", a, role, doc, code)
			}
		}
	}
	if header == nil {
		t.Fatal("no permission table in docs/security.md")
	}
	want := make([]string, 0, len(warden.Roles)+1)
	want = append(want, "action")
	for _, r := range warden.Roles {
		want = append(want, string(r))
	}
	if !slices.Equal(header, want) {
		t.Errorf("table columns %v, want %v", header, want)
	}
	for a := range warden.Permissions {
		if !seen[a] {
			t.Errorf("action %s is missing from docs/security.md", a)
		}
	}
}
