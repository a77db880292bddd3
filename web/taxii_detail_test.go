package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"warden"
	"warden/store/storetest"
	"warden/taxii"
)

// TestTAXIIAcceptQuality: an Accept that gives TAXII 2.1 (or what covers
// it) a quality of 0 says it is not acceptable (406), whatever else it
// lists with a lower precedence; 406 and 415 answers carry an error_code
// like every other TAXII error message.
func TestTAXIIAcceptQuality(t *testing.T) {
	a := newTAXIINode(t, storetest.OpenSQLite(t), "b-org")
	tok := a.token(t, "analyst-taxii", warden.RoleAnalyst, "")
	for _, tc := range []struct {
		accept, contentType string
		status              int
	}{
		{taxii.MediaType + ";q=0", "", http.StatusNotAcceptable},
		{"application/taxii+json;version=2.1;q=0.0", "", http.StatusNotAcceptable},
		{"application/taxii+json;version=2.1;q=0, */*", "", http.StatusNotAcceptable},
		{"*/*;q=0", "", http.StatusNotAcceptable},
		{"application/*;q=0, */*;q=1", "", http.StatusNotAcceptable},
		{"application/json", "", http.StatusNotAcceptable},
		{"application/taxii+json;version=2.1;q=0.5", "", http.StatusOK},
		{"application/taxii+json;q=0, application/taxii+json;version=2.1", "", http.StatusOK},
		{"*/*;q=0.1", "", http.StatusOK},
		{taxii.MediaType, "application/json", http.StatusUnsupportedMediaType},
	} {
		method, url, body := "GET", a.root(), ""
		if tc.contentType != "" {
			method, url, body = "POST", a.root()+"collections/x/objects/", `{"objects":[]}`
		}
		st, _, b := taxiiDo(t, method, url, tok, tc.accept, tc.contentType, body)
		if st != tc.status {
			t.Errorf("Accept %q: %d %s, want %d", tc.accept, st, b, tc.status)
			continue
		}
		if st < 400 {
			continue
		}
		var e taxii.Error
		if err := json.Unmarshal(b, &e); err != nil || e.ErrorCode != fmt.Sprint(st) || e.HTTPStatus != fmt.Sprint(st) {
			t.Errorf("Accept %q: %s, want a TAXII error with error_code %d", tc.accept, b, st)
		}
	}
}

// TestTAXIIMarkingDefinitionAsDefined: a marking-definition object is
// served exactly as defined: no TLP marking is added to it (a marking
// definition marks others; the envelope used to give it TLP:CLEAR's).
func TestTAXIIMarkingDefinitionAsDefined(t *testing.T) {
	a := newTAXIINode(t, storetest.OpenSQLite(t), "b-org")
	tok := a.token(t, "analyst-taxii", warden.RoleAnalyst, "")
	md := map[string]any{"type": "marking-definition", "spec_version": "2.1", "id": "marking-definition--d5f4c5e1-8b0a-4bd4-9a7e-6f3c1e2d4b5a",
		"created": "2026-02-01T09:00:00.000Z", "definition_type": "statement", "definition": map[string]any{"statement": "Copyright 2026 Example"}}
	ind := stixIndicator("marked", warden.TLPGreen, "203.0.113.9")
	delete(ind, "object_marking_refs")
	importObjects(t, a.intel, md, ind)
	col, err := a.intel.CreateCollection(taxiiOfficer, warden.Collection{Title: "B", Orgs: []string{"b-org"}, CanRead: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.intel.Share(taxiiOfficer, col.ID, idsOf(md, ind)); err != nil {
		t.Fatal(err)
	}
	st, _, b := taxiiDo(t, "GET", a.root()+"collections/"+col.ID+"/objects/", tok, taxii.MediaType, "", "")
	if st != http.StatusOK {
		t.Fatalf("%d %s", st, b)
	}
	var e taxii.Envelope
	if err := json.Unmarshal(b, &e); err != nil || len(e.Objects) != 2 {
		t.Fatalf("%v %s", err, b)
	}
	for _, o := range e.Objects {
		marked := strings.Contains(string(o), "object_marking_refs")
		if isMD := strings.Contains(string(o), `"type":"marking-definition"`); isMD == marked {
			t.Errorf("marking definition %v, with a marking added %v: %s", isMD, marked, o)
		}
	}
}
