package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"warden"
	sstix "warden/sources/stix"
	"warden/stix"
	"warden/store"
	"warden/store/storetest"
	"warden/taxii"
)

// TestTAXIIPostKeepsWhatIsNotTheirs: a counterpart's TAXII POST cannot
// version the authority's object (refused, saying only that the id comes
// from another source), nor store Warden's identity or a TLP marking
// definition of its own: those are failures in the status, and nothing
// of them is served back. An object re-marked RED withdraws its earlier
// versions from the counterpart's manifest and versions.
func TestTAXIIPostKeepsWhatIsNotTheirs(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		a := newTAXIINode(t, db, "b-org")
		bToken := a.token(t, "b-org-taxii", warden.RoleCounterpart, "b-org")
		mine := stixIndicator("authority's", warden.TLPGreen, "198.51.100.9")
		importObjects(t, a.intel, mine)
		col, err := a.intel.CreateCollection(taxiiOfficer, warden.Collection{Title: "B", Orgs: []string{"b-org"}, CanRead: true, CanWrite: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := a.intel.Share(taxiiOfficer, col.ID, idsOf(mine)); err != nil {
			t.Fatal(err)
		}
		base := a.root() + "collections/" + col.ID + "/"
		post := func(objs ...map[string]any) (int, []byte) {
			b, _ := json.Marshal(map[string]any{"objects": objs})
			st, _, body := taxiiDo(t, "POST", base+"objects/", bToken, taxii.MediaType, taxii.MediaType, string(b))
			return st, body
		}

		newer := stixIndicator("authority's", warden.TLPClear, "198.51.100.9")
		newer["modified"], newer["revoked"] = "2026-03-01T09:00:00.000Z", true
		st, body := post(newer)
		if st != http.StatusBadRequest || !strings.Contains(string(body), "comes from another source") {
			t.Errorf("a new version of the authority's object: %d %s", st, body)
		}

		ident := map[string]any{"type": "identity", "spec_version": "2.1", "id": sstix.ID("identity", "warden-authority"), "created": "2020-01-01T00:00:00.000Z",
			"modified": "2020-01-01T00:00:00.000Z", "name": "Warden", "identity_class": "organization"}
		fake := map[string]any{"type": "marking-definition", "spec_version": "2.1", "id": stix.TLPMarkingID(warden.TLPRed), "created": "2022-10-01T00:00:00.000Z",
			"definition_type": "statement", "definition": map[string]any{"statement": "This is public"}}
		theirs := stixIndicator("b's", warden.TLPGreen, "198.51.100.10")
		st, body = post(ident, fake, theirs)
		var status taxii.Status
		if err := json.Unmarshal(body, &status); st != http.StatusAccepted || err != nil {
			t.Fatalf("post: %d %s", st, body)
		}
		if status.SuccessCount != 1 || status.FailureCount != 2 || len(status.Failures) != 2 || status.Failures[0].Message == "" {
			t.Errorf("status: %+v", status)
		}
		st, _, body = taxiiDo(t, "GET", base+"objects/"+stix.TLPMarkingID(warden.TLPRed)+"/", bToken, taxii.MediaType, "", "")
		if st != http.StatusNotFound || strings.Contains(string(body), "This is public") {
			t.Errorf("the fake RED definition is served: %d %s", st, body)
		}

		// Re-marked RED: no version of it is served to B any more.
		red := stixIndicator("authority's", warden.TLPRed, "198.51.100.9")
		red["modified"] = "2026-04-01T09:00:00.000Z"
		importObjects(t, a.intel, red)
		for _, path := range []string{"manifest/?match[version]=all", "objects/?match[version]=all", "objects/" + mine["id"].(string) + "/versions/"} {
			st, _, body := taxiiDo(t, "GET", base+path, bToken, taxii.MediaType, "", "")
			if st == http.StatusOK && strings.Contains(string(body), mine["id"].(string)) || st != http.StatusOK && st != http.StatusNotFound {
				t.Errorf("GET %s after RED: %d %s", path, st, body)
			}
		}
	})
}
