package intel_test

import (
	"context"
	"encoding/json"
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

// markingRefs are the object_marking_refs of o's JSON.
func markingRefs(t *testing.T, o warden.IntelObject) []string {
	t.Helper()
	var m struct {
		Refs []string `json:"object_marking_refs"`
	}
	if err := json.Unmarshal(o.Object, &m); err != nil {
		t.Fatal(err)
	}
	return m.Refs
}

// TestGranularTLPWritten checks that a TLP marking given in an object's
// granular_markings marks the whole object, as an import reads it: a
// RED marking on a description makes the object RED, in its TLP and its
// object_marking_refs, when created and when edited; a less restrictive
// one leaves the given TLP; the installation's identity is not re-marked
// through them.
func TestGranularTLPWritten(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s, _ := coreService(t, db)
		red, clear := stix.TLPMarkingID(warden.TLPRed), stix.TLPMarkingID(warden.TLPClear)
		gran := func(ref string) []any {
			return []any{map[string]any{"selectors": []any{"description"}, "marking_ref": ref}}
		}
		check := func(what string, o warden.IntelObject, want warden.TLP) {
			t.Helper()
			refs := markingRefs(t, o)
			if o.TLP != want || !slices.Equal(refs, []string{stix.TLPMarkingID(want)}) {
				t.Errorf("%s: tlp %s, object_marking_refs %v; want %s only", what, o.TLP, refs, want)
			}
			stored, err := s.Object(coreAnalyst, o.ID)
			if err != nil || stored.TLP != want {
				t.Errorf("%s: stored as %s (%v)", what, stored.TLP, err)
			}
		}
		o, err := s.Create(coreAnalyst, intel.Input{Type: "threat-actor", TLP: warden.TLPGreen,
			Fields: map[string]any{"name": "Crew", "description": "secret", "granular_markings": gran(red)}})
		if err != nil {
			t.Fatal(err)
		}
		check("created with a RED granular marking", o, warden.TLPRed)
		if _, err := s.Object(coreA, o.ID); coreCode(err) != warden.ENOTFOUND {
			t.Errorf("a counterpart reads the RED-marked object: %v", err)
		}

		o, err = s.Create(coreAnalyst, intel.Input{Type: "threat-actor", TLP: warden.TLPAmber,
			Fields: map[string]any{"name": "Crew 2", "description": "open", "granular_markings": gran(clear)}})
		if err != nil {
			t.Fatal(err)
		}
		check("created with a CLEAR granular marking", o, warden.TLPAmber)

		o, err = s.Update(coreAnalyst, o.ID, intel.Input{Fields: map[string]any{"description": "secret now", "granular_markings": gran(red)}})
		if err != nil {
			t.Fatal(err)
		}
		check("edited with a RED granular marking", o, warden.TLPRed)
		ev := coreAudit(t, db, "intel.update")
		if len(ev) == 0 || !strings.Contains(string(ev[len(ev)-1].Detail), `"tlp":"red"`) {
			t.Errorf("the audit of the edit: %+v", ev)
		}

		id, err := db.IntelIdentity(coreAnalyst)
		if err != nil || id == "" {
			t.Fatalf("identity %q: %v", id, err)
		}
		_, err = s.Update(coreAnalyst, id, intel.Input{Fields: map[string]any{"granular_markings": []any{map[string]any{"selectors": []any{"name"}, "marking_ref": red}}}})
		if coreCode(err) != warden.EINVALID || !strings.HasPrefix(warden.ErrorMessage(err), "tlp:") {
			t.Errorf("re-marking the identity through granular markings: %v", err)
		}
		if ident, err := s.Object(coreA, id); err != nil || ident.TLP != warden.TLPClear {
			t.Errorf("the identity after: %v %v", ident.TLP, err)
		}
	})
}

// TestWrittenText checks that the names and prose people write refuse
// bidirectional controls and other characters that make text show other
// than it reads, naming the field, on Create, Update and Relate; what an
// import brings is kept as received.
func TestWrittenText(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s, _ := coreService(t, db)
		const rlo = "evil\u202egpj.exe"
		base, err := s.Create(coreAnalyst, intel.Input{Type: "incident", TLP: warden.TLPAmber, Fields: map[string]any{"name": "Theft"}})
		if err != nil {
			t.Fatal(err)
		}
		actor, err := s.Create(coreAnalyst, intel.Input{Type: "threat-actor", TLP: warden.TLPAmber, Fields: map[string]any{"name": "Crew"}})
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			typ, field string
			value      any
		}{
			{"threat-actor", "name", rlo},
			{"threat-actor", "description", "line\nthen " + rlo},
			{"threat-actor", "aliases", []any{"C", rlo}},
			{"incident", "x_warden_victims", []any{"Bank", "a\u2066b"}},
			{"incident", "x_warden_impact", "lost \u202a1M"},
			{"incident", "name", "a\u0007b"},
		} {
			f := map[string]any{"name": "N", tc.field: tc.value}
			_, err := s.Create(coreAnalyst, intel.Input{Type: tc.typ, TLP: warden.TLPAmber, Fields: f})
			if coreCode(err) != warden.EINVALID || !strings.HasPrefix(warden.ErrorMessage(err), tc.field+" ") {
				t.Errorf("create with %s %q: %v", tc.field, tc.value, err)
			}
			id := actor.ID
			if tc.typ == "incident" {
				id = base.ID
			}
			_, err = s.Update(coreAnalyst, id, intel.Input{Fields: map[string]any{tc.field: tc.value}})
			if coreCode(err) != warden.EINVALID || !strings.HasPrefix(warden.ErrorMessage(err), tc.field+" ") {
				t.Errorf("update with %s %q: %v", tc.field, tc.value, err)
			}
		}
		_, err = s.Relate(coreAnalyst, base.ID, "attributed-to", actor.ID, 50, "see "+rlo, warden.TLPAmber)
		if coreCode(err) != warden.EINVALID || !strings.HasPrefix(warden.ErrorMessage(err), "description ") {
			t.Errorf("relate with a bidi description: %v", err)
		}
		// Plain text, line feeds in prose included, is taken.
		if _, err := s.Create(coreAnalyst, intel.Input{Type: "threat-actor", TLP: warden.TLPAmber,
			Fields: map[string]any{"name": "Лазарь", "aliases": []any{"APT38"}, "description": "two\nlines"}}); err != nil {
			t.Errorf("plain text: %v", err)
		}
		// An import keeps its text as received.
		rep := coreImport(t, s, coreBundle(coreObject("threat-actor", "threat-actor--0b000000-0000-4000-8000-000000000001", "2026-01-01T00:00:00.000Z", `"name":"`+rlo+`"`)))
		if rep.Added != 1 {
			t.Errorf("an imported name with a bidi control: %+v", rep)
		}
	})
}

// TestRelateRules checks that a relationship relates two objects (not
// one to itself: EINVALID naming target_ref) by a type of STIX's form,
// lower-case words joined by hyphens (EINVALID naming relationship_type).
func TestRelateRules(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s, _ := coreService(t, db)
		a, err := s.Create(coreAnalyst, intel.Input{Type: "threat-actor", TLP: warden.TLPAmber, Fields: map[string]any{"name": "A"}})
		if err != nil {
			t.Fatal(err)
		}
		b, err := s.Create(coreAnalyst, intel.Input{Type: "intrusion-set", TLP: warden.TLPAmber, Fields: map[string]any{"name": "B"}})
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			src, typ, dst, field string
		}{
			{a.ID, "related-to", a.ID, "target_ref"},
			{a.ID, "Attributed To", b.ID, "relationship_type"},
			{a.ID, "uses\u202e", b.ID, "relationship_type"},
			{a.ID, "-uses", b.ID, "relationship_type"},
			{a.ID, "related-to", b.ID, ""},
			{a.ID, "x-funds2", b.ID, ""},
		} {
			_, err := s.Relate(coreAnalyst, tc.src, tc.typ, tc.dst, -1, "", warden.TLPAmber)
			switch {
			case tc.field == "" && err != nil:
				t.Errorf("%s %q %s: %v", tc.src, tc.typ, tc.dst, err)
			case tc.field != "" && (coreCode(err) != warden.EINVALID || !strings.HasPrefix(warden.ErrorMessage(err), tc.field+":")):
				t.Errorf("%s %q %s: %v, want EINVALID naming %s", tc.src, tc.typ, tc.dst, err, tc.field)
			}
		}
		// An edit is held to the same rules.
		rel, err := s.Relate(coreAnalyst, a.ID, "uses", b.ID, -1, "", warden.TLPAmber)
		if err != nil {
			t.Fatal(err)
		}
		for field, v := range map[string]string{"target_ref": a.ID, "relationship_type": "Uses"} {
			if _, err := s.Update(coreAnalyst, rel.ID, intel.Input{Fields: map[string]any{field: v}}); coreCode(err) != warden.EINVALID || !strings.HasPrefix(warden.ErrorMessage(err), field+":") {
				t.Errorf("an edit setting %s %s: %v", field, v, err)
			}
		}
	})
}

// TestRevokeReason checks that a revocation, which is for good, says
// why: an empty or blank reason is EINVALID naming reason, and nothing
// is revoked.
func TestRevokeReason(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s, _ := coreService(t, db)
		o, err := s.Create(coreAnalyst, intel.Input{Type: "threat-actor", TLP: warden.TLPAmber, Fields: map[string]any{"name": "A"}})
		if err != nil {
			t.Fatal(err)
		}
		for _, reason := range []string{"", "  \n", "\u200b", "\u2800"} {
			_, err := s.Revoke(coreAnalyst, o.ID, reason)
			if coreCode(err) != warden.EINVALID || !strings.HasPrefix(warden.ErrorMessage(err), "reason") {
				t.Errorf("revoke with reason %q: %v", reason, err)
			}
		}
		if cur, err := s.Object(coreAnalyst, o.ID); err != nil || cur.Revoked {
			t.Errorf("after refused revocations: revoked=%v %v", cur.Revoked, err)
		}
		if _, err := s.CreateCollection(coreAdmin, warden.Collection{Title: "\u200b", Orgs: []string{"org-a"}, CanRead: true}); coreCode(err) != warden.EINVALID {
			t.Errorf("a collection titled with a zero-width space: %v", err)
		}
		// A name that shows nothing is no name.
		for _, name := range []string{"   ", "\u200b", "\u2800"} {
			if _, err := s.Create(coreAnalyst, intel.Input{Type: "threat-actor", TLP: warden.TLPAmber, Fields: map[string]any{"name": name}}); coreCode(err) != warden.EINVALID || !strings.HasPrefix(warden.ErrorMessage(err), "name") {
				t.Errorf("a threat actor named %q: %v", name, err)
			}
			if _, err := s.Update(coreAnalyst, o.ID, intel.Input{Fields: map[string]any{"aliases": []any{"B", name}}}); coreCode(err) != warden.EINVALID || !strings.HasPrefix(warden.ErrorMessage(err), "aliases") {
				t.Errorf("an alias %q: %v", name, err)
			}
		}
		if r, err := s.Revoke(coreAnalyst, o.ID, "a duplicate"); err != nil || !r.Revoked {
			t.Errorf("revoke with a reason: %v", err)
		}
	})
}

// TestCollectionsSeenByCounterpart checks that a counterpart reading its
// collections learns neither the other organisations they are for nor
// who of the authority made them; the authority reads both.
func TestCollectionsSeenByCounterpart(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s, _ := coreService(t, db)
		c, err := s.CreateCollection(coreAdmin, warden.Collection{Title: "Both", Orgs: []string{"org-a", "org-b"}, CanRead: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name      string
			ctx       context.Context
			orgs      []string
			createdBy string
		}{
			{"admin", coreAdmin, []string{"org-a", "org-b"}, "admin@" + warden.HomeOrg},
			{"org-a", coreA, []string{"org-a"}, ""},
			{"org-b", coreB, []string{"org-b"}, ""},
		} {
			ctx := tc.ctx
			cs, err := s.Collections(ctx)
			if err != nil || len(cs) != 1 {
				t.Fatalf("%s: collections %+v %v", tc.name, cs, err)
			}
			one, err := s.Collection(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, got := range []warden.Collection{cs[0], one} {
				if !slices.Equal(got.Orgs, tc.orgs) || got.CreatedBy != tc.createdBy {
					t.Errorf("%s reads orgs %v created by %q; want %v, %q", tc.name, got.Orgs, got.CreatedBy, tc.orgs, tc.createdBy)
				}
			}
		}
	})
}

// TestSearchValues checks that a search finds an indicator by the value
// it observes, however it is written (as stix.Normalise writes it), and
// by its pattern's text, besides objects by name; and no more.
func TestSearchValues(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s, _ := coreService(t, db)
		ip, err := s.Create(coreAnalyst, intel.Input{Type: "indicator", TLP: warden.TLPGreen, Fields: map[string]any{"name": "C2"},
			Observable: &warden.Observable{Kind: warden.KindIPv4, Value: "203.0.113.7"}})
		if err != nil {
			t.Fatal(err)
		}
		dom, err := s.Create(coreAnalyst, intel.Input{Type: "indicator", TLP: warden.TLPGreen, Fields: map[string]any{"name": "Phish"},
			Observable: &warden.Observable{Kind: warden.KindDomain, Value: "login-bank.example"}})
		if err != nil {
			t.Fatal(err)
		}
		actor, err := s.Create(coreAnalyst, intel.Input{Type: "threat-actor", TLP: warden.TLPGreen, Fields: map[string]any{"name": "Crew 203"}})
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			q    string
			want []string
		}{
			{"203.0.113.7", []string{ip.ID}},
			{" 203.0.113.7 ", []string{ip.ID}},
			{"LOGIN-BANK.EXAMPLE", []string{dom.ID}},
			{"ipv4-addr:value", []string{ip.ID}},
			{"bank.exa", []string{dom.ID}},
			{"203", []string{ip.ID, actor.ID}},
			{"crew", []string{actor.ID}},
			{"198.51.100.1", nil},
			{"%", nil},
		} {
			pg, err := s.Objects(coreAnalyst, intel.Filter{Query: tc.q})
			if err != nil {
				t.Fatalf("q=%q: %v", tc.q, err)
			}
			var got []string
			for _, o := range pg.Objects {
				got = append(got, o.ID)
			}
			slices.Sort(got)
			want := slices.Sorted(slices.Values(tc.want))
			if !slices.Equal(got, want) {
				t.Errorf("q=%q finds %v, want %v", tc.q, got, want)
			}
		}
	})
}

// TestShareAddedDistinct checks that the objects of one share are added
// to the collection at distinct, increasing times in the order shared, so
// that a TAXII client resuming with added_after at a page's last date
// receives every object once.
func TestShareAddedDistinct(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s, clock := coreService(t, db)
		c, err := s.CreateCollection(coreAdmin, warden.Collection{Title: "A", Orgs: []string{"org-a"}, CanRead: true})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, n := range []string{"a", "b", "c", "d", "e"} {
			o, err := s.Create(coreAnalyst, intel.Input{Type: "threat-actor", TLP: warden.TLPGreen, Fields: map[string]any{"name": n}})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, o.ID)
		}
		clock.Add(time.Hour)
		if err := s.Share(coreAnalyst, c.ID, ids); err != nil {
			t.Fatal(err)
		}
		var got []string
		var after time.Time
		var dates []time.Time
		for range 10 {
			pg, err := s.Objects(coreA, intel.Filter{Collection: c.ID, AddedAfter: after, Limit: 2})
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range pg.Objects {
				got = append(got, o.ID)
				dates = append(dates, o.Added)
			}
			if !pg.More {
				break
			}
			after = pg.Last
		}
		if !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(ids))) {
			t.Errorf("resuming by added_after reads %d of %d: %v", len(got), len(ids), got)
		}
		for i := 1; i < len(dates); i++ {
			if !dates[i].After(dates[i-1]) {
				t.Errorf("date_added %d %v not after %v", i, dates[i], dates[i-1])
			}
		}
	})
}
