package web

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"warden"
	"warden/store/storetest"
)

// TestDesignationRules: over HTTP, a bad publish_at is a 400 in the
// client's terms (no Go error text); an amendment approved after its
// party was delisted is a 409 that publishes nothing and leaves it to be
// rejected; a second delisting is a 409.
func TestDesignationRules(t *testing.T) {
	db := storetest.OpenSQLite(t)
	p := newPlatform(t, db, nil)
	id := &identities{t: t, p: p}
	sofia, oscar := id.bootstrap("sofia", warden.RoleSanctionsOfficer), id.bootstrap("oscar", warden.RoleSanctionsOfficer)

	const wantTime = "publish_at must be an RFC 3339 time such as 2026-12-01T09:00:00Z"
	code, b := sofia.call("POST", "/v1/designations", designationBody(t, func(m map[string]any) { m["publish_at"] = "tomorrow" }))
	if code != 400 || !strings.Contains(string(b), wantTime) || strings.Contains(string(b), "parsing time") {
		t.Errorf("a bad publish_at: %d %s", code, b)
	}
	code, b = sofia.call("POST", "/v1/designations", designationBody(t, func(m map[string]any) { m["propose"] = true }))
	var d warden.Designation
	json.Unmarshal(b, &d)
	if code != 201 {
		t.Fatalf("propose: %d %s", code, b)
	}
	path := fmt.Sprintf("/v1/designations/%d", d.ID)
	if code, b := oscar.call("POST", path+"/approve", map[string]string{"reason": "ok"}); code != 200 {
		t.Fatalf("approve: %d %s", code, b)
	}
	for _, x := range []struct {
		path string
		body any
	}{
		{path + "/amend", designationBody(t, func(m map[string]any) { m["publish_at"] = "tomorrow" })},
		{path + "/delist", map[string]string{"reason": "Deceased.", "publish_at": "2026-13-01"}},
	} {
		if code, b := sofia.call("POST", x.path, x.body); code != 400 || !strings.Contains(string(b), wantTime) || strings.Contains(string(b), "parsing time") {
			t.Errorf("%s with a bad publish_at: %d %s", x.path, code, b)
		}
	}

	propose := func(path string, body any) string {
		t.Helper()
		code, b := sofia.call("POST", path, body)
		var x warden.Designation
		json.Unmarshal(b, &x)
		if code != 201 {
			t.Fatalf("%s: %d %s", path, code, b)
		}
		return fmt.Sprintf("/v1/designations/%d", x.ID)
	}
	delist := propose(path+"/delist", map[string]string{"reason": "Deceased; confirmed by the counterpart."})
	amend := propose(path+"/amend", designationBody(t, func(m map[string]any) {
		m["reasons"] = "A new alias."
		party := m["party"].(map[string]any)
		party["names"] = append(party["names"].([]any), map[string]any{"full": "COLD STEEL"})
	}))
	if code, b := sofia.call("POST", path+"/delist", map[string]string{"reason": "Deceased."}); code != 409 || !strings.Contains(string(b), "already proposes to delist") {
		t.Errorf("a second delisting: %d %s", code, b)
	}
	if code, b := oscar.call("POST", delist+"/approve", map[string]string{"reason": "ok"}); code != 200 {
		t.Fatalf("approve the delisting: %d %s", code, b)
	}
	if code, b := oscar.call("POST", amend+"/approve", map[string]string{"reason": "ok"}); code != 409 || !strings.Contains(string(b), "no longer listed") {
		t.Errorf("an amendment of a delisted party: %d %s", code, b)
	}
	if code, _ := sofia.call("GET", "/v1/entities/cyber_sanctions:1", nil); code != 404 {
		t.Errorf("the delisted party after the amendment: %d", code)
	}
	if code, b := oscar.call("POST", amend+"/reject", map[string]string{"reason": "party delisted"}); code != 200 || !strings.Contains(string(b), `"status":"rejected"`) {
		t.Errorf("rejecting the refused amendment: %d %s", code, b)
	}
}
