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

func attrRel(name, typ string, src, dst map[string]any) map[string]any {
	return attrObj("relationship", name, map[string]any{"relationship_type": typ, "source_ref": src["id"], "target_ref": dst["id"]})
}

func TestAttribute(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
		op := warden.WithPrincipal(context.Background(), warden.Operator)
		im, err := db.BeginImport(op, "ofac", "ofac-csv", false)
		if err != nil {
			t.Fatal(err)
		}
		im.Put(&warden.Entity{SourceID: "26663", Schema: warden.SchemaPerson, Names: []warden.Name{{Full: "YAKUBETS, Maksim Viktorovich", Kind: warden.NamePrimary}}, Programs: []string{"CYBER2"}})
		im.Put(&warden.Entity{SourceID: "26670", Schema: warden.SchemaPerson, Names: []warden.Name{{Full: "TURASHEV, Igor Olegovich", Kind: warden.NamePrimary}}, Programs: []string{"CYBER2"}})
		if _, err := im.Commit(warden.SourceMeta{}); err != nil {
			t.Fatal(err)
		}
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
			if err := s.Link(officer, warden.IntelLink{Object: actorID, Kind: warden.LinkEntity, Ref: ref}); err != nil {
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
