package intel_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"warden"
	"warden/intel"
	"warden/stix"
	"warden/store"
	"warden/store/storetest"
)

// coreCreate creates an object as the analyst, failing the test on error.
func coreCreate(t *testing.T, s *intel.Service, in intel.Input) warden.IntelObject {
	t.Helper()
	o, err := s.Create(coreAnalyst, in)
	if err != nil {
		t.Fatalf("create %s: %v", in.Type, err)
	}
	return o
}

// coreRelated is the related incidents of a view as "id via a,b".
func coreRelated(v intel.View) []string {
	var out []string
	for _, r := range v.RelatedIncidents {
		out = append(out, r.Incident.ID+" via "+strings.Join(r.Via, ","))
	}
	slices.Sort(out)
	return out
}

func TestCorrelation(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s, _ := coreService(t, db)
		incident := func(name string) string {
			return coreCreate(t, s, intel.Input{Type: "incident", TLP: warden.TLPGreen, Fields: map[string]any{"name": name}}).ID
		}
		indicator := func(ip string) string {
			return coreCreate(t, s, intel.Input{Type: "indicator", TLP: warden.TLPGreen, Fields: map[string]any{"name": ip}, Observable: &warden.Observable{Kind: warden.KindIPv4, Value: ip}}).ID
		}
		relate := func(src, typ, dst string) {
			if _, err := s.Relate(coreAnalyst, src, typ, dst, 80, "", warden.TLPGreen); err != nil {
				t.Fatalf("relate %s %s %s: %v", src, typ, dst, err)
			}
		}
		i1, i2, i3, i4 := incident("I1"), incident("I2"), incident("I3"), incident("I4")
		x, y, z := indicator("203.0.113.5"), indicator("203.0.113.5"), indicator("192.0.2.9")
		actor := coreCreate(t, s, intel.Input{Type: "threat-actor", TLP: warden.TLPGreen, Fields: map[string]any{"name": "Crew", "aliases": []string{"C"}}}).ID
		relate(x, "indicates", i1)
		relate(y, "indicates", i2)
		relate(i3, "related-to", x) // the same indicator object, the other way round
		relate(z, "indicates", i4)
		relate(i1, "attributed-to", actor)

		views := func() map[string][]string {
			out := map[string][]string{}
			for _, id := range []string{i1, i2, i3, i4} {
				v, err := s.View(coreAnalyst, id)
				if err != nil {
					t.Fatal(err)
				}
				out[id] = coreRelated(v)
			}
			return out
		}
		via := func(ids ...string) string {
			slices.Sort(ids)
			return strings.Join(ids, ",")
		}
		want := map[string][]string{
			i1: {i2 + " via " + via(x, y), i3 + " via " + x},
			i2: {i1 + " via " + via(x, y), i3 + " via " + via(x, y)},
			i3: {i1 + " via " + x, i2 + " via " + via(x, y)},
			i4: nil,
		}
		for id, got := range views() {
			w := slices.Clone(want[id])
			slices.Sort(w)
			if !slices.Equal(got, w) {
				t.Errorf("%s related: %v, want %v", id, got, w)
			}
		}
		// What x touches: its incidents, the incident of y (the same
		// value), and the actor behind I1.
		v, err := s.View(coreAnalyst, x)
		if err != nil {
			t.Fatal(err)
		}
		var touched []string
		for _, l := range v.Touches {
			if l.Kind == intel.LinkObject {
				touched = append(touched, l.Ref)
			}
		}
		slices.Sort(touched)
		wantTouched := []string{i1, i2, i3, actor}
		slices.Sort(wantTouched)
		if !slices.Equal(slices.Compact(touched), wantTouched) {
			t.Errorf("x touches %v, want %v", touched, wantTouched)
		}
		// Revoking x: I1 and I3 had only x; I2 keeps nothing either.
		if _, err := s.Revoke(coreAnalyst, x, "a false positive"); err != nil {
			t.Fatal(err)
		}
		for id, got := range views() {
			if len(got) != 0 {
				t.Errorf("%s related after x was revoked: %v", id, got)
			}
		}
	})
}

func TestWriteAudit(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s, clock := coreService(t, db)
		ctx := context.Background()
		now := clock.Now()
		req := warden.Request{Reference: "R-1", Direction: warden.Outgoing, Counterpart: "org-a", Status: warden.RequestDraft, CreatedBy: "x", CreatedAt: now, UpdatedAt: now}
		if err := db.CreateRequest(ctx, &req, nil); err != nil {
			t.Fatal(err)
		}
		col, err := s.CreateCollection(coreAdmin, warden.Collection{Title: "A", Orgs: []string{"org-a"}, CanRead: true})
		if err != nil {
			t.Fatal(err)
		}
		var created []warden.IntelObject
		var inc, ind, red warden.IntelObject
		for _, tc := range []struct {
			action string
			do     func() (string, error) // the object its event names
		}{
			{"intel.create", func() (string, error) {
				var err error
				inc, err = s.Create(coreAnalyst, intel.Input{Type: "incident", TLP: warden.TLPAmber, Fields: map[string]any{"name": "Theft", "x_warden_status": "open",
					"x_warden_victims": []string{"a bank"}, "x_warden_first_seen": "2026-02-01T00:00:00.000Z"}})
				created = append(created, inc)
				return inc.ID, err
			}},
			{"intel.create", func() (string, error) {
				var err error
				ind, err = s.Create(coreAnalyst, intel.Input{Type: "indicator", TLP: warden.TLPAmber, Observable: &warden.Observable{Kind: warden.KindDomain, Value: "Evil.Example"}})
				created = append(created, ind)
				return ind.ID, err
			}},
			{"intel.create", func() (string, error) {
				var err error
				red, err = s.Create(coreAnalyst, intel.Input{Type: "threat-actor", TLP: warden.TLPRed, Fields: map[string]any{"name": "Crew", "aliases": []string{"C"}, "x_warden_countries": []string{"North Korea"}}})
				created = append(created, red)
				return red.ID, err
			}},
			{"intel.update", func() (string, error) {
				clock.Add(time.Second)
				o, err := s.Update(coreAnalyst, inc.ID, intel.Input{Fields: map[string]any{"x_warden_status": "contained", "description": "Contained."}})
				created = append(created, o)
				return inc.ID, err
			}},
			{"intel.create", func() (string, error) {
				o, err := s.Relate(coreAnalyst, ind.ID, "indicates", inc.ID, 90, "", warden.TLPAmber)
				created = append(created, o)
				return o.ID, err
			}},
			{"intel.link", func() (string, error) {
				_, err := s.Link(coreAnalyst, warden.IntelLink{Object: inc.ID, Kind: warden.LinkRequest, Ref: "1"})
				return inc.ID, err
			}},
			{"intel.share", func() (string, error) {
				return "collection:" + col.ID, s.Share(coreAnalyst, col.ID, []string{inc.ID, ind.ID})
			}},
			{"intel.revoke", func() (string, error) {
				clock.Add(time.Second)
				o, err := s.Revoke(coreAnalyst, ind.ID, "sinkholed")
				created = append(created, o)
				return ind.ID, err
			}},
			{"intel.unlink", func() (string, error) {
				return inc.ID, s.Unlink(coreAnalyst, warden.IntelLink{Object: inc.ID, Kind: warden.LinkRequest, Ref: "1"})
			}},
			{"intel.unshare", func() (string, error) {
				return "collection:" + col.ID, s.Unshare(coreAnalyst, col.ID, ind.ID)
			}},
		} {
			before := len(coreAudit(t, db, tc.action))
			object, err := tc.do()
			if err != nil {
				t.Fatalf("%s: %v", tc.action, err)
			}
			evs := coreAudit(t, db, tc.action)
			if len(evs) != before+1 || evs[len(evs)-1].Object != object || evs[len(evs)-1].Actor != "analyst@home" {
				t.Fatalf("%s: %d audit events (had %d), the last %+v; want one on %s", tc.action, len(evs), before, evs[len(evs)-1], object)
			}
		}
		// Every object written validates against its schema, and says
		// what was asked.
		for _, o := range created {
			objs, problems, err := stix.Parse(bytes.NewReader(o.Object))
			if err != nil || len(problems) > 0 || len(objs) != 1 {
				t.Fatalf("%s: %v %v", o.ID, err, problems)
			}
			if ps := stix.Validate(objs[0]); len(ps) > 0 {
				t.Errorf("%s does not validate: %+v\n%s", o.ID, ps, o.Object)
			}
			if tlp, _ := stix.TLPOf(objs[0].MarkingRefs); tlp != o.TLP {
				t.Errorf("%s marked %s, stored as %s", o.ID, tlp, o.TLP)
			}
		}
		if !bytes.Contains(red.Object, []byte(`"x_warden_countries":["KP"]`)) {
			t.Errorf("the actor's countries as written: %s", red.Object)
		}
		v, err := s.View(coreAnalyst, inc.ID)
		if err != nil || !bytes.Contains(v.Object.Object, []byte(`"x_warden_status":"contained"`)) || !bytes.Contains(v.Object.Object, []byte(`"x_warden_victims":["a bank"]`)) {
			t.Fatalf("the incident after its update: %s, %v", v.Object.Object, err)
		}
		iv, err := s.View(coreAnalyst, ind.ID)
		if err != nil || !iv.Object.Revoked || len(iv.Observables) != 0 {
			t.Fatalf("a revoked indicator: %+v, %v", iv, err)
		}
		vs, err := s.Versions(coreAnalyst, ind.ID)
		if err != nil || len(vs) != 2 || !strings.Contains(string(vs[0].Object), `[domain-name:value = 'evil.example']`) {
			t.Fatalf("the indicator's versions: %+v, %v", vs, err)
		}

		// An imported object that names one Warden does not hold is
		// edited all the same; a reference the edit adds must exist.
		const rel = "relationship--9d1c2b3a-4e5f-4a6b-8c7d-0e1f2a3b4c5d"
		coreImport(t, s, coreBundle(coreObject("relationship", rel, "2026-01-01T00:00:00.000Z",
			`"relationship_type":"indicates","source_ref":"indicator--6b9dbf9b-3bd6-4c5b-8d8e-4e3dc5c1e1a1","target_ref":"`+inc.ID+`"`)))
		if _, err := s.Update(coreAnalyst, rel, intel.Input{Fields: map[string]any{"description": "seen twice"}}); err != nil {
			t.Fatalf("an edit of an imported relationship to an object not held: %v", err)
		}
		if _, err := s.Update(coreAnalyst, rel, intel.Input{Fields: map[string]any{"target_ref": "incident--6b9dbf9b-3bd6-4c5b-8d8e-4e3dc5c1e1a1"}}); coreCode(err) != warden.EINVALID {
			t.Fatalf("an edit naming an object not held: %v", err)
		}

		// What is refused, and audited not.
		audits := len(coreAudit(t, db, "intel."))
		for _, tc := range []struct {
			name, code, field string
			do                func() error
		}{
			{"share RED", warden.EINVALID, "ids", func() error { return s.Share(coreAnalyst, col.ID, []string{red.ID}) }},
			{"bad pattern", warden.EINVALID, "pattern", func() error {
				_, err := s.Create(coreAnalyst, intel.Input{Type: "indicator", TLP: warden.TLPGreen, Fields: map[string]any{"pattern": "[ipv4-addr:value = "}})
				return err
			}},
			{"schema", warden.EINVALID, "confidence", func() error {
				_, err := s.Create(coreAnalyst, intel.Input{Type: "incident", TLP: warden.TLPGreen, Fields: map[string]any{"name": "x", "confidence": 101}})
				return err
			}},
			{"no tlp", warden.EINVALID, "tlp", func() error {
				_, err := s.Create(coreAnalyst, intel.Input{Type: "incident", Fields: map[string]any{"name": "x"}})
				return err
			}},
			{"status", warden.EINVALID, "x_warden_status", func() error {
				_, err := s.Create(coreAnalyst, intel.Input{Type: "incident", TLP: warden.TLPGreen, Fields: map[string]any{"name": "x", "x_warden_status": "gone"}})
				return err
			}},
			{"country", warden.EINVALID, "x_warden_countries", func() error {
				_, err := s.Create(coreAnalyst, intel.Input{Type: "intrusion-set", TLP: warden.TLPGreen, Fields: map[string]any{"name": "x", "x_warden_countries": []string{"Atlantis"}}})
				return err
			}},
			{"seen", warden.EINVALID, "x_warden_last_seen", func() error {
				_, err := s.Create(coreAnalyst, intel.Input{Type: "incident", TLP: warden.TLPGreen, Fields: map[string]any{"name": "x",
					"x_warden_first_seen": "2026-02-01T00:00:00Z", "x_warden_last_seen": "2026-01-01T00:00:00Z"}})
				return err
			}},
			{"reserved", warden.EINVALID, "id", func() error {
				_, err := s.Create(coreAnalyst, intel.Input{Type: "incident", TLP: warden.TLPGreen, Fields: map[string]any{"name": "x", "id": "incident--1"}})
				return err
			}},
			{"dangling", warden.EINVALID, "source_ref", func() error {
				_, err := s.Relate(coreAnalyst, "indicator--6b9dbf9b-3bd6-4c5b-8d8e-4e3dc5c1e1a1", "indicates", inc.ID, 50, "", warden.TLPGreen)
				return err
			}},
			{"link nothing", warden.ENOTFOUND, "", func() error {
				_, err := s.Link(coreAnalyst, warden.IntelLink{Object: inc.ID, Kind: warden.LinkRequest, Ref: "99"})
				return err
			}},
			{"counterpart writes", warden.EFORBIDDEN, "", func() error {
				_, err := s.Create(coreA, intel.Input{Type: "incident", TLP: warden.TLPGreen, Fields: map[string]any{"name": "x"}})
				return err
			}},
			{"update revoked", warden.EINVALID, "id", func() error {
				_, err := s.Update(coreAnalyst, ind.ID, intel.Input{Fields: map[string]any{"name": "back"}})
				return err
			}},
			{"admin sees no RED", warden.ENOTFOUND, "", func() error {
				_, err := s.Object(coreAdmin, red.ID)
				return err
			}},
		} {
			err := tc.do()
			if coreCode(err) != tc.code || tc.field != "" && !strings.HasPrefix(warden.ErrorMessage(err), tc.field) {
				t.Errorf("%s: %v, want %s naming %s", tc.name, err, tc.code, tc.field)
			}
		}
		if n := len(coreAudit(t, db, "intel.")); n != audits {
			t.Errorf("refused writes were audited: %d events, had %d", n, audits)
		}
	})
}
