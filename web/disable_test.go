package web

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"warden"
	"warden/store/storetest"
)

// TestDisabledPersonsTokens is the reviewer's run: admin1's admin token,
// approved by admin2, is refused (401) at every request once admin2
// disables admin1 — reading who it is, adding a person, approving
// admin3's proposal — and admin1's pending proposal can then only be
// rejected. Another admin's token keeps working.
func TestDisabledPersonsTokens(t *testing.T) {
	p := newPlatform(t, storetest.OpenSQLite(t), nil)
	id := &identities{t: t, p: p}
	admin1 := id.bootstrap("admin1", warden.RoleAdmin)
	admin2 := id.bootstrap("admin2", warden.RoleAdmin)
	admin3 := id.bootstrap("admin3", warden.RoleAdmin)
	id.bob = admin2
	code, b := admin1.call("POST", "/v1/tokens", map[string]any{"name": "a1-admin", "role": "admin"})
	if code != 202 {
		t.Fatalf("admin1 creating an admin token: %d %s", code, b)
	}
	id.approve(b)
	var created struct{ Token string }
	json.Unmarshal(b, &created)
	a1 := &client{name: "a1-admin", token: created.Token, p: p, t: t}
	a3 := id.mint(admin3, warden.RoleAdmin)
	if code, b := a1.call("GET", "/v1/me", nil); code != 200 {
		t.Fatalf("a1-admin before: %d %s", code, b)
	}
	code, b = admin1.call("POST", "/v1/users", map[string]any{"name": "early", "role": "admin", "password": testPassword})
	var early struct{ Approval warden.Approval }
	if json.Unmarshal(b, &early); code != 202 {
		t.Fatalf("admin1 proposing: %d %s", code, b)
	}

	if code, b := admin2.call("DELETE", "/v1/users/admin1", nil); code != 204 {
		t.Fatalf("disabling admin1: %d %s", code, b)
	}
	code, b = admin3.call("POST", "/v1/users", map[string]any{"name": "newadm", "role": "admin", "password": testPassword})
	var proposal struct{ Approval warden.Approval }
	if json.Unmarshal(b, &proposal); code != 202 {
		t.Fatalf("admin3 proposing: %d %s", code, b)
	}
	for _, tc := range []struct {
		what, method, path string
		body               any
	}{
		{"who it is", "GET", "/v1/me", nil},
		{"adding an analyst", "POST", "/v1/users", map[string]any{"name": "ghost", "role": "analyst", "password": testPassword}},
		{"proposing an admin", "POST", "/v1/users", map[string]any{"name": "ghost2", "role": "admin", "password": testPassword}},
		{"approving admin3's proposal", "POST", fmt.Sprintf("/v1/approvals/%d/approve", proposal.Approval.ID), map[string]string{}},
		{"listing tokens", "GET", "/v1/tokens", nil},
	} {
		if code, b := a1.call(tc.method, tc.path, tc.body); code != 401 {
			t.Errorf("disabled admin1's token %s: %d %s", tc.what, code, b)
		}
	}
	for _, n := range []string{"ghost", "ghost2", "newadm"} {
		if _, err := p.db.User(context.Background(), n); warden.ErrorCode(err) != warden.ENOTFOUND {
			t.Errorf("%s exists: %v", n, err)
		}
	}
	if code, b := a3.call("GET", "/v1/me", nil); code != 200 {
		t.Errorf("admin3's token: %d %s", code, b)
	}
	path := fmt.Sprintf("/v1/approvals/%d/", early.Approval.ID)
	if code, b := admin3.call("POST", path+"approve", map[string]string{}); code != 403 || !strings.Contains(string(b), "disabled") {
		t.Errorf("approving disabled admin1's proposal: %d %s", code, b)
	}
	if code, b := admin3.call("POST", path+"reject", map[string]string{"reason": "admin1 left"}); code != 200 {
		t.Errorf("rejecting disabled admin1's proposal: %d %s", code, b)
	}
}
