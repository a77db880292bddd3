package intel_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"warden"
	"warden/intel"
	sstix "warden/sources/stix"
	"warden/stix"
	"warden/store"
	"warden/store/storetest"
)

// adoptionIndicator is indicator n observing 203.0.113.n, GREEN unless
// marked otherwise, modified on mod, with extra properties.
func adoptionIndicator(n int, mod, marking, extra string) string {
	id := fmt.Sprintf("indicator--0c000000-0000-4000-8000-%012d", n)
	o := coreIndicator(id, mod, fmt.Sprintf("[ipv4-addr:value = '203.0.113.%d']", n), cmp(marking, stix.TLPMarkingID(warden.TLPGreen)))
	return strings.TrimSuffix(o, "}") + extra + "}"
}

// adoptionIndicatorID is the id of adoptionIndicator(n, ...).
func adoptionIndicatorID(n int) string {
	return fmt.Sprintf("indicator--0c000000-0000-4000-8000-%012d", n)
}

// cmp is a, or b when a is empty.
func cmp(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// screens reports whether id is among what screening holds.
func screens(t *testing.T, db *store.DB, id string) bool {
	t.Helper()
	rows, err := db.IndexRows(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return slices.ContainsFunc(rows, func(r store.IndexRow) bool { return r.ID == id })
}

// TestAdoptCounterpartObject checks that a counterpart cannot keep an
// indicator from screening by sending its id first: the authority's
// import (a file, a feed) adopts it, storing its version (over the
// counterpart's of the same modified when they differ) or, identical,
// making it its own, and says so; the counterpart may no longer version
// it, and no counterpart adopts another's.
func TestAdoptCounterpartObject(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s, clock := coreService(t, db)
		colA, err := s.CreateCollection(coreAdmin, warden.Collection{Title: "A", Orgs: []string{"org-a"}, CanRead: true, CanWrite: true})
		if err != nil {
			t.Fatal(err)
		}
		colB, err := s.CreateCollection(coreAdmin, warden.Collection{Title: "B", Orgs: []string{"org-b"}, CanRead: true, CanWrite: true})
		if err != nil {
			t.Fatal(err)
		}
		const jan, feb = "2026-01-01T00:00:00.000Z", "2026-02-01T00:00:00.000Z"
		post := func(ctx context.Context, col string, objs ...string) (warden.IntelImport, error) {
			clock.Add(60e9)
			return originImport(s, ctx, intel.ImportOptions{Source: "taxii:post", Collection: col}, objs...)
		}
		if _, err := post(coreA, colA.ID, adoptionIndicator(1, jan, "", ""), adoptionIndicator(2, jan, "", ""), adoptionIndicator(3, jan, "", "")); err != nil {
			t.Fatal(err)
		}
		if _, err := post(coreB, colB.ID, adoptionIndicator(4, jan, "", "")); err != nil {
			t.Fatal(err)
		}
		for n := 1; n <= 4; n++ {
			if screens(t, db, adoptionIndicatorID(n)) {
				t.Fatalf("a counterpart's indicator %d screens", n)
			}
		}

		// The authority's file: 1 identical, 2 the same modified with
		// other content, 3 a newer version.
		clock.Add(60e9)
		rep, err := originImport(s, coreAnalyst, intel.ImportOptions{Source: "upload:mine.json"},
			adoptionIndicator(1, jan, "", ""), adoptionIndicator(2, jan, "", `,"description":"the authority's"`), adoptionIndicator(3, feb, "", ""))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(rep.Adopted, []string{adoptionIndicatorID(1), adoptionIndicatorID(2), adoptionIndicatorID(3)}) || rep.Unchanged != 1 || rep.Versions != 2 || len(rep.Skipped) != 0 {
			t.Errorf("the authority's import of a counterpart's ids: adopted %v unchanged %d versions %d skipped %+v", rep.Adopted, rep.Unchanged, rep.Versions, rep.Skipped)
		}
		// A feed adopts too.
		clock.Add(60e9)
		rep, err = originImport(s, coreAnalyst, intel.ImportOptions{Source: "taxii:partner"}, adoptionIndicator(4, feb, "", ""))
		if err != nil || !slices.Equal(rep.Adopted, []string{adoptionIndicatorID(4)}) || rep.Versions != 1 {
			t.Errorf("a feed's import of a counterpart's id: %+v %v", rep, err)
		}
		for n := 1; n <= 4; n++ {
			if !screens(t, db, adoptionIndicatorID(n)) {
				t.Errorf("indicator %d does not screen once adopted", n)
			}
			if org, err := db.IntelSubmitter(coreAnalyst, adoptionIndicatorID(n)); err != nil || org != "" {
				t.Errorf("indicator %d submitted by %q (%v)", n, org, err)
			}
		}
		o, err := s.Object(coreAnalyst, adoptionIndicatorID(2))
		if err != nil || !strings.Contains(string(o.Object), "the authority's") {
			t.Errorf("the adopted version of 2: %s %v", o.Object, err)
		}
		if vs, err := s.Versions(coreAnalyst, adoptionIndicatorID(2)); err != nil || len(vs) != 1 {
			t.Errorf("versions of 2: %d %v", len(vs), err)
		}

		// What the counterpart's collection held of it is taken out: the
		// authority's next versions are not its to read unless shared.
		pg, err := s.Objects(coreA, intel.Filter{Collection: colA.ID})
		if err != nil || len(pg.Objects) != 0 {
			t.Errorf("org-a's collection after the adoption: %d objects %v", len(pg.Objects), err)
		}
		// A counterpart's later, revoked version gives way too.
		if _, err := post(coreA, colA.ID, adoptionIndicator(6, "2027-01-01T00:00:00.000Z", "", `,"revoked":true`)); err != nil {
			t.Fatal(err)
		}
		clock.Add(60e9)
		rep, err = originImport(s, coreAnalyst, intel.ImportOptions{Source: "taxii:partner"}, adoptionIndicator(6, jan, "", ""))
		if err != nil || !slices.Equal(rep.Adopted, []string{adoptionIndicatorID(6)}) || len(rep.Skipped) != 0 {
			t.Errorf("adopting over a counterpart's revoked version: %+v %v", rep, err)
		}
		if vs, err := s.Versions(coreAnalyst, adoptionIndicatorID(6)); err != nil || len(vs) != 1 || vs[0].Revoked || !screens(t, db, adoptionIndicatorID(6)) {
			t.Errorf("after adopting over a revoked version: %+v %v", vs, err)
		}

		// The counterpart no longer versions what was adopted; the
		// authority's next import of it is plain unchanged.
		if _, err := post(coreA, colA.ID, adoptionIndicator(1, "2026-03-01T00:00:00.000Z", "", "")); coreCode(err) != warden.EINVALID {
			t.Errorf("a counterpart versioning an adopted object: %v", err)
		}
		rep = coreImport(t, s, coreBundle(adoptionIndicator(1, jan, "", "")))
		if len(rep.Adopted) != 0 || rep.Unchanged != 1 {
			t.Errorf("the authority's import again: %+v", rep)
		}
		// A counterpart adopts nothing: not another's object.
		if _, err := post(coreB, colB.ID, adoptionIndicator(5, jan, "", "")); err != nil {
			t.Fatal(err)
		}
		if _, err := post(coreA, colA.ID, adoptionIndicator(5, feb, "", "")); coreCode(err) != warden.EINVALID {
			t.Errorf("a counterpart versioning another's object: %v", err)
		}
		if screens(t, db, adoptionIndicatorID(5)) {
			t.Errorf("org-b's indicator screens")
		}
		// The adoption of an identical current version drops the
		// counterpart's earlier versions too: they never become the
		// authority's.
		if _, err := post(coreA, colA.ID, adoptionIndicator(8, jan, "", `,"description":"planted"`)); err != nil {
			t.Fatal(err)
		}
		if _, err := post(coreA, colA.ID, adoptionIndicator(8, feb, "", "")); err != nil {
			t.Fatal(err)
		}
		clock.Add(60e9)
		rep, err = originImport(s, coreAnalyst, intel.ImportOptions{Source: "upload:same.json"}, adoptionIndicator(8, feb, "", ""))
		if err != nil || !slices.Equal(rep.Adopted, []string{adoptionIndicatorID(8)}) || rep.Unchanged != 1 {
			t.Fatalf("adopting an identical current version: %+v %v", rep, err)
		}
		if vs, err := s.Versions(coreAnalyst, adoptionIndicatorID(8)); err != nil || len(vs) != 1 || strings.Contains(string(vs[0].Object), "planted") {
			t.Errorf("versions after adopting an identical current version: %d %v", len(vs), err)
		}
		// An adoption that makes an object RED is not named in the
		// report to a reader who may not see RED.
		if _, err := post(coreA, colA.ID, adoptionIndicator(7, jan, "", "")); err != nil {
			t.Fatal(err)
		}
		clock.Add(60e9)
		rep, err = originImport(s, coreAnalyst, intel.ImportOptions{Source: "upload:red.json"}, adoptionIndicator(7, feb, stix.TLPMarkingID(warden.TLPRed), ""))
		if err != nil || !slices.Equal(rep.Adopted, []string{adoptionIndicatorID(7)}) {
			t.Fatalf("adopting as RED: %+v %v", rep, err)
		}
		if got, err := s.ImportReport(coreAs(warden.RoleLiaison, warden.HomeOrg), rep.ID); err != nil || len(got.Adopted) != 0 {
			t.Errorf("a liaison's copy of the report names the RED adopted object: %v %v", got.Adopted, err)
		}
	})
}

// TestCounterpartSignedAsAuthority checks that nothing from a
// counterpart or a feed says this installation wrote it: a counterpart's
// object naming its identity (or the old common one) as created_by_ref is
// refused with nothing stored, a feed's is skipped, and the authority's
// own file (an export read back) is stored.
func TestCounterpartSignedAsAuthority(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s, clock := coreService(t, db)
		if _, err := s.Create(coreAnalyst, intel.Input{Type: "threat-actor", TLP: warden.TLPGreen, Fields: map[string]any{"name": "X"}}); err != nil {
			t.Fatal(err)
		}
		me, err := db.IntelIdentity(coreAnalyst)
		if err != nil || me == "" {
			t.Fatalf("identity %q %v", me, err)
		}
		col, err := s.CreateCollection(coreAdmin, warden.Collection{Title: "A", Orgs: []string{"org-a"}, CanRead: true, CanWrite: true})
		if err != nil {
			t.Fatal(err)
		}
		const msg = "created_by_ref: names this installation"
		for i, by := range []string{me, sstix.ID("identity", "warden-authority")} {
			signed := `,"created_by_ref":"` + by + `"`
			clock.Add(60e9)
			_, err := originImport(s, coreA, intel.ImportOptions{Source: "taxii:post", Collection: col.ID}, adoptionIndicator(10+i, "2026-01-01T00:00:00.000Z", "", signed))
			if coreCode(err) != warden.EINVALID || !strings.Contains(err.Error(), msg) {
				t.Errorf("a counterpart signing as %s: %v", by, err)
			}
			if _, err := s.Object(coreAnalyst, adoptionIndicatorID(10+i)); coreCode(err) != warden.ENOTFOUND {
				t.Errorf("stored after the refusal: %v", err)
			}
			rep, err := originImport(s, coreAnalyst, intel.ImportOptions{Source: "taxii:partner"}, adoptionIndicator(20+i, "2026-01-01T00:00:00.000Z", "", signed), adoptionIndicator(30+i, "2026-01-01T00:00:00.000Z", "", ""))
			if err != nil || !skippedWith(rep, adoptionIndicatorID(20+i), msg) || rep.Added != 1 {
				t.Errorf("a feed signing as %s: %+v %v", by, rep, err)
			}
			if _, err := s.Object(coreAnalyst, adoptionIndicatorID(20+i)); coreCode(err) != warden.ENOTFOUND {
				t.Errorf("a feed's signed object stored: %v", err)
			}
			rep = coreImport(t, s, coreBundle(adoptionIndicator(40+i, "2026-01-01T00:00:00.000Z", "", signed)))
			if rep.Added != 1 {
				t.Errorf("the authority's own file signed as %s: %+v", by, rep)
			}
		}
	})
}

// TestCounterpartOriginVisibility checks that what a counterpart sent,
// CLEAR included, is seen by another counterpart only once shared with
// it, on every read path (Object, Objects, Versions, View, an export for
// it), while the sender and the authority see it; adopted by the
// authority, it is the authority's to publish.
func TestCounterpartOriginVisibility(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s, clock := coreService(t, db)
		colA, err := s.CreateCollection(coreAdmin, warden.Collection{Title: "A", Orgs: []string{"org-a"}, CanRead: true, CanWrite: true})
		if err != nil {
			t.Fatal(err)
		}
		colB, err := s.CreateCollection(coreAdmin, warden.Collection{Title: "B", Orgs: []string{"org-b"}, CanRead: true})
		if err != nil {
			t.Fatal(err)
		}
		clear := stix.TLPMarkingID(warden.TLPClear)
		id := adoptionIndicatorID(50)
		if _, err := originImport(s, coreA, intel.ImportOptions{Source: "taxii:post", Collection: colA.ID}, adoptionIndicator(50, "2026-01-01T00:00:00.000Z", clear, "")); err != nil {
			t.Fatal(err)
		}
		clock.Add(60e9)
		sees := func(ctx context.Context) map[string]bool {
			t.Helper()
			out := map[string]bool{}
			_, err := s.Object(ctx, id)
			out["object"] = err == nil
			pg, err := s.Objects(ctx, intel.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			out["objects"] = slices.ContainsFunc(pg.Objects, func(o warden.IntelObject) bool { return o.ID == id })
			pg, err = s.Objects(ctx, intel.Filter{Versions: "all", IDs: []string{id}})
			if err != nil {
				t.Fatal(err)
			}
			out["objects all versions"] = len(pg.Objects) > 0
			_, err = s.Versions(ctx, id)
			out["versions"] = err == nil
			_, err = s.View(ctx, id)
			out["view"] = err == nil
			return out
		}
		all := func(m map[string]bool, want bool) bool {
			for _, v := range m {
				if v != want {
					return false
				}
			}
			return len(m) > 0
		}
		for name, ctx := range map[string]context.Context{"org-a": coreA, "analyst": coreAnalyst} {
			if got := sees(ctx); !all(got, true) {
				t.Errorf("%s sees its own or all: %v", name, got)
			}
		}
		if got := sees(coreB); !all(got, false) {
			t.Errorf("org-b sees org-a's CLEAR indicator unshared: %v", got)
		}
		if _, _, err := s.Export(coreAnalyst, intel.Selection{IDs: []string{id}, For: "org-b"}); coreCode(err) != warden.ENOTFOUND {
			t.Errorf("an export for org-b: %v", err)
		}
		if err := s.Share(coreAnalyst, colB.ID, []string{id}); err != nil {
			t.Fatal(err)
		}
		if got := sees(coreB); !all(got, true) {
			t.Errorf("org-b once shared with it: %v", got)
		}
		if _, n, err := s.Export(coreAnalyst, intel.Selection{IDs: []string{id}, For: "org-b"}); err != nil || n == 0 {
			t.Errorf("an export for org-b once shared: %d %v", n, err)
		}
		if err := s.Unshare(coreAnalyst, colB.ID, id); err != nil {
			t.Fatal(err)
		}
		if got := sees(coreB); !all(got, false) {
			t.Errorf("org-b once unshared: %v", got)
		}
		coreImport(t, s, coreBundle(adoptionIndicator(50, "2026-01-01T00:00:00.000Z", clear, "")))
		if got := sees(coreB); !all(got, true) {
			t.Errorf("org-b once the authority adopted it: %v", got)
		}
	})
}
