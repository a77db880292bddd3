package intel_test

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"warden"
	"warden/auth"
	"warden/designation"
	"warden/intel"
	sstix "warden/sources/stix"
	"warden/stix"
	"warden/store"
	"warden/store/storetest"
)

// attrObj is a STIX object of the attribution test, TLP:GREEN.
func attrObj(typ, name string, props map[string]any) map[string]any {
	o := map[string]any{"type": typ, "spec_version": "2.1", "id": sstix.ID(typ, "attribute-test:"+name),
		"created": "2026-10-01T00:00:00.000Z", "modified": "2026-10-01T00:00:00.000Z", "object_marking_refs": []string{stix.TLPMarkingID(warden.TLPGreen)}}
	for k, v := range props {
		o[k] = v
	}
	return o
}

// attrParties lists, as version 1 of list ofac, the CYBER2 parties the
// attribution tests link actors to, by source id: Yakubets (26663) and
// Turashev (26670).
func attrParties(t *testing.T, db *store.DB, ids ...string) {
	t.Helper()
	names := map[string]string{"26663": "YAKUBETS, Maksim Viktorovich", "26670": "TURASHEV, Igor Olegovich"}
	im, err := db.BeginImport(warden.WithPrincipal(context.Background(), warden.Operator), "ofac", "ofac-csv", false)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		im.Put(&warden.Entity{SourceID: id, Schema: warden.SchemaPerson, Names: []warden.Name{{Full: names[id], Kind: warden.NamePrimary}}, Programs: []string{"CYBER2"}})
	}
	if _, err := im.Commit(warden.SourceMeta{}); err != nil {
		t.Fatal(err)
	}
}

// attrRel is a relationship of the attribution test from src to dst.
func attrRel(name, typ string, src, dst map[string]any) map[string]any {
	return attrObj("relationship", name, map[string]any{"relationship_type": typ, "source_ref": src["id"], "target_ref": dst["id"]})
}

func TestAttribute(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
		attrParties(t, db, "26663", "26670")
		actor := attrObj("intrusion-set", "evil corp", map[string]any{"name": "Evil Corp", "aliases": []string{"Indrik Spider"}})
		loner := attrObj("threat-actor", "loner", map[string]any{"name": "Lone Wolf"})
		incident := attrObj("incident", "bank", map[string]any{"name": "Dridex at First Bank"})
		indicator := attrObj("indicator", "c2", map[string]any{"name": "Dridex C2", "pattern": "[ipv4-addr:value = '203.0.113.5']", "pattern_type": "stix", "valid_from": "2026-10-01T00:00:00Z"})
		report := attrObj("report", "advisory", map[string]any{"name": "Advisory AA19-339A", "published": "2026-10-02T00:00:00Z", "object_refs": []any{actor["id"], incident["id"]}})
		objs := []map[string]any{actor, loner, incident, indicator, report,
			attrRel("attributed", "attributed-to", incident, actor), attrRel("indicates", "indicates", indicator, incident)}
		b, _ := json.Marshal(map[string]any{"type": "bundle", "id": "bundle--3e1f3a52-8a43-4b4e-9b59-0f2d5d5c0a11", "objects": objs})
		ap := auth.NewApprovals(db, func() time.Time { return now })
		des := designation.New(db, ap)
		s := intel.New(db)
		s.Now = func() time.Time { return now }
		officer := warden.WithPrincipal(context.Background(), warden.Principal{Name: "olga", Role: warden.RoleSanctionsOfficer, Org: warden.HomeOrg, Kind: "user", Person: "olga"})
		if _, err := s.Import(officer, strings.NewReader(string(b)), intel.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		actorID := actor["id"].(string)
		for _, ref := range []string{"ofac:26663", "ofac:26670"} {
			if _, err := s.Link(officer, warden.IntelLink{Object: actorID, Kind: warden.LinkEntity, Ref: ref}); err != nil {
				t.Fatal(err)
			}
		}
		in := intel.AttributeInput{Program: "CYBER2", Reason: "Evil Corp deployed Dridex against banks.", LegalBasis: warden.LegalBasis{Order: "Executive Order 13694", Criterion: "Section 1(a)(ii)(B)"}}

		if _, err := s.Attribute(officer, actorID, in); warden.ErrorCode(err) != warden.EINVALID || !strings.Contains(err.Error(), "designations") {
			t.Errorf("without the designation service: %v", err)
		}
		s.Designator = des
		for name, tc := range map[string]struct {
			ctx  context.Context
			id   string
			in   intel.AttributeInput
			code string
			want string
		}{
			"an analyst":      {warden.WithPrincipal(context.Background(), warden.Principal{Name: "ana", Role: warden.RoleAnalyst, Org: warden.HomeOrg, Kind: "user"}), actorID, in, warden.EFORBIDDEN, ""},
			"no parties":      {officer, loner["id"].(string), in, warden.EINVALID, "parties"},
			"not an actor":    {officer, incident["id"].(string), in, warden.EINVALID, "actor"},
			"unknown":         {officer, "threat-actor--00000000-0000-4000-8000-000000000000", in, warden.ENOTFOUND, ""},
			"no reason":       {officer, actorID, intel.AttributeInput{Program: "CYBER2", LegalBasis: in.LegalBasis}, warden.EINVALID, "reason"},
			"unknown program": {officer, actorID, intel.AttributeInput{Program: "IRAN-X", Reason: "r", LegalBasis: in.LegalBasis}, warden.EINVALID, "program"},
		} {
			if _, err := s.Attribute(tc.ctx, tc.id, tc.in); warden.ErrorCode(err) != tc.code || !strings.Contains(warden.ErrorMessage(err), tc.want) {
				t.Errorf("%s: %v, want %s naming %q", name, err, tc.code, tc.want)
			}
		}

		// An actor linked to a listed party and to one no longer listed is
		// refused before any proposal is opened: the listed party stays
		// free for the attribution below.
		other := loner["id"].(string)
		if _, err := s.Link(officer, warden.IntelLink{Object: other, Kind: warden.LinkEntity, Ref: "ofac:26663"}); err != nil {
			t.Fatal(err)
		}
		if err := db.AddIntelLink(officer, warden.IntelLink{Object: other, Kind: warden.LinkEntity, Ref: "ofac:99999999", CreatedBy: "olga", CreatedAt: now}, nil); err != nil {
			t.Fatal(err)
		}
		if ds, err := s.Attribute(officer, other, in); warden.ErrorCode(err) != warden.EINVALID || len(ds) != 0 || !strings.Contains(warden.ErrorMessage(err), "ofac:99999999") {
			t.Errorf("a party no longer listed: %+v %v", ds, err)
		}

		ds, err := s.Attribute(officer, actorID, in)
		if err != nil || len(ds) != 2 {
			t.Fatalf("attribute: %+v %v", ds, err)
		}
		links, err := db.IntelLinks(officer, []string{actorID})
		if err != nil {
			t.Fatal(err)
		}
		for i, d := range ds {
			d, err := des.Get(officer, d.ID)
			if err != nil || d.Status != warden.DesignationProposed || d.Program != "CYBER2" || d.Source != []string{"ofac:26663", "ofac:26670"}[i] || len(d.Evidence) != 1 || !strings.Contains(d.Reasons, "Evil Corp") {
				t.Fatalf("designation %d: %+v %v", i, d, err)
			}
			if !slices.ContainsFunc(links, func(l warden.IntelLink) bool {
				return l.Kind == warden.LinkDesignation && l.Ref == strconv.FormatInt(d.ID, 10)
			}) {
				t.Errorf("designation %d not linked back: %+v", d.ID, links)
			}
			_, bundle, err := des.EvidenceFile(officer, d.ID, d.Evidence[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			if problems := stix.ValidateBundle(bundle); len(problems) > 0 {
				t.Errorf("evidence is not valid STIX: %+v", problems)
			}
			for _, o := range []map[string]any{actor, incident, indicator, report} {
				if !strings.Contains(string(bundle), o["id"].(string)) {
					t.Errorf("evidence lacks %s %s", o["type"], o["name"])
				}
			}
			if strings.Contains(string(bundle), loner["id"].(string)) {
				t.Errorf("evidence holds an unrelated actor")
			}
		}
	})
}

// TestAttributeOnce attributes an actor twice: the second is refused
// naming the open proposal; the answer shows the evidence attached, the
// proposal is drafted by the caller, and the designation is linked to
// the actor and to the incidents, indicators and reports of the evidence.
func TestAttributeOnce(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
		attrParties(t, db, "26663")
		actor := attrObj("intrusion-set", "once", map[string]any{"name": "Evil Corp"})
		incident := attrObj("incident", "once-bank", map[string]any{"name": "Dridex at First Bank"})
		indicator := attrObj("indicator", "once-c2", map[string]any{"name": "Dridex C2", "pattern": "[ipv4-addr:value = '203.0.113.6']", "pattern_type": "stix", "valid_from": "2026-10-01T00:00:00Z"})
		report := attrObj("report", "once-advisory", map[string]any{"name": "Advisory", "published": "2026-10-02T00:00:00Z", "object_refs": []any{actor["id"], incident["id"]}})
		objs := []map[string]any{actor, incident, indicator, report, attrRel("once-attributed", "attributed-to", incident, actor), attrRel("once-indicates", "indicates", indicator, actor)}
		b, _ := json.Marshal(map[string]any{"type": "bundle", "id": "bundle--3e1f3a52-8a43-4b4e-9b59-0f2d5d5c0a12", "objects": objs})
		s := intel.New(db)
		s.Now = func() time.Time { return now }
		s.Designator = designation.New(db, auth.NewApprovals(db, func() time.Time { return now }))
		// The caller is a sanctions officer acting through a token another
		// person (the operator) made for her.
		officer := warden.WithPrincipal(context.Background(), warden.Principal{Name: "olga", Role: warden.RoleSanctionsOfficer, Org: warden.HomeOrg, Kind: "user", Person: "olga"})
		if _, err := s.Import(officer, strings.NewReader(string(b)), intel.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		actorID := actor["id"].(string)
		if _, err := s.Link(officer, warden.IntelLink{Object: actorID, Kind: warden.LinkEntity, Ref: "ofac:26663"}); err != nil {
			t.Fatal(err)
		}
		in := intel.AttributeInput{Program: "CYBER2", Reason: "Evil Corp deployed Dridex.", LegalBasis: warden.LegalBasis{Order: "Executive Order 13694", Criterion: "Section 1(a)(ii)(B)"}}
		ds, err := s.Attribute(officer, actorID, in)
		if err != nil || len(ds) != 1 {
			t.Fatalf("attribute: %+v %v", ds, err)
		}
		d := ds[0]
		if len(d.Evidence) != 1 || d.DraftedBy != "olga" || d.ProposedBy != "olga" || d.Status != warden.DesignationProposed {
			t.Errorf("the designation answered: evidence %+v, drafted by %q, proposed by %q, %s", d.Evidence, d.DraftedBy, d.ProposedBy, d.Status)
		}
		ref := strconv.FormatInt(d.ID, 10)
		linked, err := db.IntelLinksTo(officer, warden.LinkDesignation, ref)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, l := range linked {
			got = append(got, l.Object)
		}
		want := []string{actorID, incident["id"].(string), indicator["id"].(string), report["id"].(string)}
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("linked to the designation: %v, want %v", got, want)
		}
		if _, err := s.Attribute(officer, actorID, in); warden.ErrorCode(err) != warden.ECONFLICT || !strings.Contains(warden.ErrorMessage(err), "designation "+ref) {
			t.Errorf("attributed again while the proposal is open: %v, want a conflict naming designation %s", err, ref)
		}
		if all, err := db.Designations(officer, ""); err != nil || len(all) != 1 {
			t.Errorf("designations after the second attribution: %d %v", len(all), err)
		}
	})
}
