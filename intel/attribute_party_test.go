package intel_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"warden"
	"warden/auth"
	"warden/designation"
	"warden/intel"
	"warden/store"
	"warden/store/storetest"
)

// TestAttributeOncePerParty: a party has one open attribution proposal,
// whatever the actor and however the calls race: of three concurrent
// attributions one proposes and two are ECONFLICT, a second actor linked
// to the same party is ECONFLICT naming the open designation, and once
// that one is rejected the second actor's attribution proposes. The
// reasons hold the caller's reason, a blank line, and the actor's name
// in plain quotes with its invisible characters written as code points.
func TestAttributeOncePerParty(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
		attrParties(t, db, "26663")
		first := attrObj("intrusion-set", "party-1", map[string]any{"name": "\u200fAPT-\u202eEvil\u202c \"Lazarus\""})
		second := attrObj("threat-actor", "party-2", map[string]any{"name": "Evil Corp"})
		b, _ := json.Marshal(map[string]any{"type": "bundle", "id": "bundle--3e1f3a52-8a43-4b4e-9b59-0f2d5d5c0a13", "objects": []map[string]any{first, second}})
		s := intel.New(db)
		s.Now = func() time.Time { return now }
		des := designation.New(db, auth.NewApprovals(db, func() time.Time { return now }))
		s.Designator = des
		officer := warden.WithPrincipal(context.Background(), warden.Principal{Name: "olga", Role: warden.RoleSanctionsOfficer, Org: warden.HomeOrg, Kind: "user", Person: "olga"})
		if _, err := s.Import(officer, strings.NewReader(string(b)), intel.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		firstID, secondID := first["id"].(string), second["id"].(string)
		for _, id := range []string{firstID, secondID} {
			if _, err := s.Link(officer, warden.IntelLink{Object: id, Kind: warden.LinkEntity, Ref: "ofac:26663"}); err != nil {
				t.Fatal(err)
			}
		}
		in := intel.AttributeInput{Program: "CYBER2", Reason: "test", LegalBasis: warden.LegalBasis{Order: "Executive Order 13694", Criterion: "Section 1(a)(ii)(B)"}}

		var wg sync.WaitGroup
		ds := make([][]warden.Designation, 3)
		errs := make([]error, 3)
		for i := range 3 {
			wg.Go(func() { ds[i], errs[i] = s.Attribute(officer, firstID, in) })
		}
		wg.Wait()
		var d warden.Designation
		conflicts := 0
		for i, err := range errs {
			switch {
			case err == nil && len(ds[i]) == 1:
				d = ds[i][0]
			case warden.ErrorCode(err) == warden.ECONFLICT:
				conflicts++
			default:
				t.Errorf("attribution %d: %+v %v", i, ds[i], err)
			}
		}
		if all, err := db.Designations(officer, ""); err != nil || len(all) != 1 || conflicts != 2 {
			t.Fatalf("three concurrent attributions: %d designations, %d conflicts, %v; want 1 and 2", len(all), conflicts, err)
		}
		want := "test\n\nAttributed to intrusion-set \"<U+200F>APT-<U+202E>Evil<U+202C> \"Lazarus\"\" (" + firstID + ")"
		if !strings.HasPrefix(d.Reasons, want) {
			t.Errorf("reasons %q, want them to begin %q", d.Reasons, want)
		}
		ref := "designation " + strconv.FormatInt(d.ID, 10)
		if _, err := s.Attribute(officer, secondID, in); warden.ErrorCode(err) != warden.ECONFLICT || !strings.Contains(warden.ErrorMessage(err), ref) {
			t.Errorf("another actor of the same party: %v, want a conflict naming %s", err, ref)
		}
		pavel := warden.WithPrincipal(context.Background(), warden.Principal{Name: "pavel", Role: warden.RoleSanctionsOfficer, Org: warden.HomeOrg, Kind: "user", Person: "pavel"})
		if _, err := des.Decide(pavel, d.ID, false, "not enough"); err != nil {
			t.Fatal(err)
		}
		if ds, err := s.Attribute(officer, secondID, in); err != nil || len(ds) != 1 || ds[0].ID == d.ID {
			t.Errorf("after the proposal was rejected: %+v %v", ds, err)
		}
	})
}
