package intel_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"warden"
	"warden/intel"
	"warden/stix"
	"warden/store"
	"warden/store/storetest"
)

// TestMarkingsCells checks every read path against warden.SeesTLP, cell
// by cell: an indicator of each marking, shared with organisation A or
// not, read by every role of the authority and by a counterpart of A and
// one of B.
func TestMarkingsCells(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s, _ := coreService(t, db)
		type cell struct {
			id     string
			tlp    warden.TLP
			shared bool
		}
		const incident = "incident--0b5a3f1e-6f43-4c2e-9d69-1f0b7c8d9e00"
		clear := stix.TLPMarkingID(warden.TLPClear)
		objs := []string{coreObject("incident", incident, "2026-01-01T00:00:00.000Z", fmt.Sprintf(`"name":"Hub","object_marking_refs":[%q]`, clear))}
		var cells []cell
		n := 0
		for _, tlp := range warden.TLPs {
			for _, shared := range []bool{false, true} {
				if shared && !tlp.Shareable() {
					continue
				}
				n++
				id := fmt.Sprintf("indicator--00000000-0000-4000-8000-%012d", n)
				rel := fmt.Sprintf("relationship--00000000-0000-4000-8000-%012d", n)
				cells = append(cells, cell{id, tlp, shared})
				objs = append(objs, coreIndicator(id, "2026-01-01T00:00:00.000Z", fmt.Sprintf("[ipv4-addr:value = '198.51.100.%d']", n), stix.TLPMarkingID(tlp)),
					coreObject("relationship", rel, "2026-01-01T00:00:00.000Z", fmt.Sprintf(`"relationship_type":"indicates","source_ref":%q,"target_ref":%q,"object_marking_refs":[%q]`, id, incident, clear)))
			}
		}
		coreImport(t, s, coreBundle(objs...))
		col, err := s.CreateCollection(coreAdmin, warden.Collection{Title: "For A", Orgs: []string{"org-a"}, CanRead: true})
		if err != nil {
			t.Fatal(err)
		}
		var share []string
		for _, c := range cells {
			if c.shared {
				share = append(share, c.id)
			}
		}
		if err := s.Share(coreAnalyst, col.ID, share); err != nil {
			t.Fatal(err)
		}

		type caller struct {
			name string
			p    warden.Principal
		}
		var callers []caller
		for _, r := range warden.Roles {
			if r != warden.RoleCounterpart {
				callers = append(callers, caller{string(r), warden.Principal{Name: "x", Role: r, Org: warden.HomeOrg, Kind: "user", Person: "x"}})
			}
		}
		callers = append(callers, caller{"counterpart A", warden.Principal{Name: "a", Role: warden.RoleCounterpart, Org: "org-a", Kind: "user", Person: "a"}},
			caller{"counterpart B", warden.Principal{Name: "b", Role: warden.RoleCounterpart, Org: "org-b", Kind: "user", Person: "b"}})

		for _, c := range callers {
			ctx := warden.WithPrincipal(t.Context(), c.p)
			reads := warden.Allowed(c.p.Role, warden.ActIntelRead)
			page, perr := s.Objects(ctx, intel.Filter{Types: []string{"indicator"}, Limit: 1000})
			view, verr := s.View(ctx, incident)
			if !reads {
				for what, err := range map[string]error{"objects": perr, "view": verr} {
					if coreCode(err) != warden.EFORBIDDEN {
						t.Errorf("%s: %s: %v, want EFORBIDDEN", c.name, what, err)
					}
				}
				continue
			}
			if perr != nil || verr != nil {
				t.Fatalf("%s: %v %v", c.name, perr, verr)
			}
			for _, x := range cells {
				want := warden.SeesTLP(c.p, x.tlp, x.shared && c.p.Org == "org-a")
				wantCode := warden.ENOTFOUND
				if want {
					wantCode = "ok"
				}
				label := fmt.Sprintf("%s reading %s shared=%v", c.name, x.tlp, x.shared)
				_, err := s.Object(ctx, x.id)
				if coreCode(err) != wantCode {
					t.Errorf("%s: Object: %v, want %s", label, err, wantCode)
				}
				_, err = s.Versions(ctx, x.id)
				if coreCode(err) != wantCode {
					t.Errorf("%s: Versions: %v, want %s", label, err, wantCode)
				}
				vw, err := s.View(ctx, x.id)
				if coreCode(err) != wantCode || want && vw.Object.ID != x.id {
					t.Errorf("%s: View: %v, want %s", label, err, wantCode)
				}
				listed := slices.ContainsFunc(page.Objects, func(o warden.IntelObject) bool { return o.ID == x.id })
				if listed != want {
					t.Errorf("%s: listed %v, want %v", label, listed, want)
				}
				edge := slices.ContainsFunc(view.Edges, func(e warden.IntelEdge) bool { return e.Source == x.id })
				neighbour := slices.ContainsFunc(view.Neighbours, func(o warden.IntelObject) bool { return o.ID == x.id })
				if edge != want || neighbour != want {
					t.Errorf("%s: the incident's edge %v, neighbour %v, want %v", label, edge, neighbour, want)
				}
			}
			// The collection: A reads what is shared in it, B does not
			// learn it exists; the authority's people see who it is for.
			cp, err := s.Objects(ctx, intel.Filter{Collection: col.ID})
			switch {
			case c.p.Org == "org-b":
				if coreCode(err) != warden.ENOTFOUND {
					t.Errorf("%s: the collection of A: %v", c.name, err)
				}
			case err != nil || len(cp.Objects) != len(share):
				t.Errorf("%s: the collection: %d objects, %v; want %d", c.name, len(cp.Objects), err, len(share))
			}
			sv, err := s.View(ctx, share[0])
			if err != nil {
				t.Fatal(err)
			}
			if want := c.p.Role != warden.RoleCounterpart; slices.Equal(sv.Collections, []string{col.ID}) != want {
				t.Errorf("%s: a shared object's view lists collections %v", c.name, sv.Collections)
			}
		}
	})
}

// TestWriteOnlyShare checks that an object in a collection an
// organisation may only write to is not shared with it: AMBER there is
// not visible to it.
func TestWriteOnlyShare(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s, _ := coreService(t, db)
		const id = "indicator--0b000000-0000-4000-8000-000000000001"
		coreImport(t, s, coreBundle(coreIndicator(id, "2026-01-01T00:00:00.000Z", "[ipv4-addr:value = '198.51.100.1']", stix.TLPMarkingID(warden.TLPAmber))))
		col, err := s.CreateCollection(coreAdmin, warden.Collection{Title: "A writes", Orgs: []string{"org-a"}, CanWrite: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Share(coreAnalyst, col.ID, []string{id}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Object(coreA, id); coreCode(err) != warden.ENOTFOUND {
			t.Errorf("Object: %v, want ENOTFOUND", err)
		}
		if _, err := s.Versions(coreA, id); coreCode(err) != warden.ENOTFOUND {
			t.Errorf("Versions: %v, want ENOTFOUND", err)
		}
		page, err := s.Objects(coreA, intel.Filter{Versions: "all"})
		if err != nil || len(page.Objects) != 0 {
			t.Errorf("Objects: %d, %v", len(page.Objects), err)
		}
	})
}

// TestTLPOfImport checks that an import reads TLP marking ids in any
// letter case and the TLP markings of granular_markings: the most
// restrictive one wins.
func TestTLPOfImport(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s, _ := coreService(t, db)
		red, green := stix.TLPMarkingID(warden.TLPRed), stix.TLPMarkingID(warden.TLPGreen)
		ind := func(n int) string { return fmt.Sprintf("indicator--0c000000-0000-4000-8000-%012d", n) }
		cases := []struct {
			extra string
			want  warden.TLP
		}{
			{fmt.Sprintf(`"object_marking_refs":[%q]`, "marking-definition--"+strings.ToUpper(red[len("marking-definition--"):])), warden.TLPRed},
			{fmt.Sprintf(`"object_marking_refs":[%q],"granular_markings":[{"marking_ref":%q,"selectors":["name","description"]}]`, green, red), warden.TLPRed},
			{fmt.Sprintf(`"granular_markings":[{"marking_ref":%q,"selectors":["name"]}]`, green), warden.TLPGreen},
			{fmt.Sprintf(`"object_marking_refs":[%q]`, green), warden.TLPGreen},
		}
		var objs []string
		for i, c := range cases {
			o := coreIndicator(ind(i), "2026-01-01T00:00:00.000Z", "[ipv4-addr:value = '198.51.100.1']")
			objs = append(objs, strings.TrimSuffix(o, "}")+`,"description":"d",`+c.extra+"}")
		}
		rep, err := s.Import(coreAnalyst, strings.NewReader(coreBundle(objs...)), intel.ImportOptions{Source: "test", DefaultTLP: warden.TLPClear})
		if err != nil {
			t.Fatalf("%v %+v", err, rep.Errors)
		}
		for i, c := range cases {
			o, err := s.Object(coreAnalyst, ind(i))
			if err != nil {
				t.Fatal(err)
			}
			if o.TLP != c.want {
				t.Errorf("%s: %s, want %s", c.extra, o.TLP, c.want)
			}
		}
	})
}

// TestRemarkWithdrawsVersions checks that marking an object RED withdraws
// its earlier versions from who may not see the current one: no version
// through Versions, nor through TAXII's match[version]=all or first.
func TestRemarkWithdrawsVersions(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s, _ := coreService(t, db)
		const id = "indicator--0d000000-0000-4000-8000-000000000001"
		green, red := stix.TLPMarkingID(warden.TLPGreen), stix.TLPMarkingID(warden.TLPRed)
		coreImport(t, s, coreBundle(coreIndicator(id, "2026-01-01T00:00:00.000Z", "[ipv4-addr:value = '198.51.100.1']", green)))
		if _, err := s.Versions(coreA, id); err != nil {
			t.Fatalf("the GREEN version: %v", err)
		}
		coreImport(t, s, coreBundle(coreIndicator(id, "2026-02-01T00:00:00.000Z", "[ipv4-addr:value = '198.51.100.1']", red)))
		if vs, err := s.Versions(coreA, id); coreCode(err) != warden.ENOTFOUND {
			t.Errorf("Versions after RED: %d, %v", len(vs), err)
		}
		for _, v := range []string{"all", "first", "2026-01-01T00:00:00.000Z"} {
			page, err := s.Objects(coreA, intel.Filter{IDs: []string{id}, Versions: v})
			if err != nil || len(page.Objects) != 0 {
				t.Errorf("match[version]=%s after RED: %d, %v", v, len(page.Objects), err)
			}
		}
		if vs, err := s.Versions(coreAnalyst, id); err != nil || len(vs) != 2 {
			t.Errorf("the analyst's versions: %d, %v", len(vs), err)
		}
	})
}

// TestImportReportsFiltered checks that an import's report names only the
// ids its reader may see now; the counts stay.
func TestImportReportsFiltered(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s, _ := coreService(t, db)
		const redInd, greenInd, opaque = "indicator--0e000000-0000-4000-8000-000000000001", "indicator--0e000000-0000-4000-8000-000000000002", "x-thing--0e000000-0000-4000-8000-000000000003"
		red := stix.TLPMarkingID(warden.TLPRed)
		bundle := coreBundle(
			coreIndicator(redInd, "2026-01-01T00:00:00.000Z", "[file:name = 'x.exe']", red),
			coreIndicator(greenInd, "2026-01-01T00:00:00.000Z", "[ipv4-addr:value = '198.51.100.1']", stix.TLPMarkingID(warden.TLPGreen)),
			fmt.Sprintf(`{"type":"x-thing","id":%q,"object_marking_refs":[%q]}`, opaque, red))
		rep := coreImport(t, s, bundle)
		for _, ctx := range []context.Context{coreAdmin, coreAs(warden.RoleLiaison, warden.HomeOrg), coreAs(warden.RoleAuditor, warden.HomeOrg)} {
			imps, err := s.Imports(ctx, 0)
			if err != nil || len(imps) != 1 {
				t.Fatalf("Imports: %d %v", len(imps), err)
			}
			one, err := s.ImportReport(ctx, rep.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, got := range []warden.IntelImport{imps[0], one} {
				if !slices.Equal(got.Successes, []string{greenInd}) || len(got.Opaque) != 0 || len(got.Patterns) != 0 || got.Added != 3 {
					p, _ := warden.PrincipalFrom(ctx)
					t.Errorf("%s: %+v", p.Role, got)
				}
			}
		}
		one, err := s.ImportReport(coreAnalyst, rep.ID)
		if err != nil || len(one.Successes) != 3 || len(one.Opaque) != 1 || len(one.Patterns) != 1 {
			t.Errorf("the analyst's report: %+v %v", one, err)
		}
	})
}
