package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"warden"
	"warden/store"
	"warden/store/storetest"
)

func TestIPRange(t *testing.T) {
	for _, tc := range []struct {
		kind   warden.IndicatorKind
		value  string
		lo, hi string
	}{
		{warden.KindIPv4, "198.51.100.7", "c6336407", "c6336407"},
		{warden.KindIPv4, "198.51.100.0/24", "c6336400", "c63364ff"},
		{warden.KindIPv4, "223.166.0.0/15", "dfa60000", "dfa7ffff"},
		{warden.KindIPv6, "2001:db8::/32", "20010db8000000000000000000000000", "20010db8ffffffffffffffffffffffff"},
		{warden.KindIPv6, "2001:db8::1", "20010db8000000000000000000000001", "20010db8000000000000000000000001"},
		{warden.KindDomain, "198.51.100.7", "", ""},
		{warden.KindIPv4, "not an address", "", ""},
	} {
		lo, hi := store.IPRange(warden.Observable{Kind: tc.kind, Value: tc.value})
		if lo != tc.lo || hi != tc.hi {
			t.Errorf("%s %s: %s-%s, want %s-%s", tc.kind, tc.value, lo, hi, tc.lo, tc.hi)
		}
	}
}

// intelVersion is a version of id modified at day d of 2026, marked tlp,
// whose edge points at target.
func intelVersion(id string, d int, tlp warden.TLP, target string) store.IntelVersion {
	mod := time.Date(2026, 1, d, 0, 0, 0, 0, time.UTC)
	return store.IntelVersion{
		Object: warden.IntelObject{ID: id, Type: "indicator", Name: fmt.Sprintf("%s@%d", id, d), TLP: tlp, Created: mod, Modified: mod, Source: "test",
			Object: []byte(fmt.Sprintf(`{"id":%q,"day":%d}`, id, d))},
		Spec:        "2.1",
		Edges:       []warden.IntelEdge{{Source: id, Type: "indicates", Target: target, Confidence: -1}, {Source: id, Type: "indicates", Target: target, Confidence: -1}},
		Observables: []store.IntelObservable{{Observable: warden.Observable{Kind: warden.KindIPv4, Value: fmt.Sprintf("10.0.0.%d", d)}}},
	}
}

func TestStoreIntel(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		everyone := store.IntelVisibility{TLPs: warden.TLPs}
		current := func(id string) warden.IntelObject {
			t.Helper()
			o, err := db.IntelObject(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return o
		}
		// Two versions of a in one batch, the later current; b once.
		vs := []store.IntelVersion{intelVersion("a", 2, warden.TLPGreen, "x"), intelVersion("a", 1, warden.TLPGreen, "x"), intelVersion("b", 1, warden.TLPAmber, "x")}
		imp := &warden.IntelImport{ID: "imp-1", Source: "test", Actor: "ann"}
		if err := db.StoreIntel(ctx, vs, imp, "home", at, nil); err != nil {
			t.Fatal(err)
		}
		if imp.Added != 2 || imp.Versions != 1 || vs[0].Outcome != store.IntelAdded || vs[1].Outcome != store.IntelVersioned || !vs[0].Object.Current || vs[1].Object.Current {
			t.Fatalf("first batch: %+v; outcomes %d %d", imp, vs[0].Outcome, vs[1].Outcome)
		}
		if o := current("a"); o.Name != "a@2" || o.Seq != vs[0].Object.Seq {
			t.Fatalf("current a: %+v", o)
		}
		// A newer version moves current and rewrites the derived rows;
		// an older one, and one stored before, do not.
		vs = []store.IntelVersion{intelVersion("a", 3, warden.TLPGreen, "y"), intelVersion("a", 2, warden.TLPGreen, "x"), intelVersion("b", 0, warden.TLPAmber, "z")}
		if err := db.StoreIntel(ctx, vs, nil, "", at.Add(time.Hour), nil); err != nil {
			t.Fatal(err)
		}
		if vs[0].Outcome != store.IntelVersioned || vs[1].Outcome != store.IntelUnchanged || vs[2].Outcome != store.IntelVersioned || vs[2].Object.Current {
			t.Fatalf("outcomes %d %d %d", vs[0].Outcome, vs[1].Outcome, vs[2].Outcome)
		}
		if o := current("a"); o.Name != "a@3" {
			t.Fatalf("current a after a newer version: %s", o.Name)
		}
		edges, err := db.IntelEdges(ctx, "a")
		if err != nil || len(edges) != 1 || edges[0].Target != "y" {
			t.Fatalf("edges of a: %+v, %v", edges, err)
		}
		obs, err := db.IntelObservables(ctx, "a")
		if err != nil || len(obs) != 1 || obs[0].Value != "10.0.0.3" {
			t.Fatalf("observables of a: %+v, %v", obs, err)
		}
		if obs, _ := db.IntelObservables(ctx, "b"); len(obs) != 1 || obs[0].Value != "10.0.0.1" {
			t.Fatalf("an older version rewrote b's observables: %+v", obs)
		}
		// An edit made from a version no longer current is refused.
		old := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
		stale := intelVersion("a", 4, warden.TLPGreen, "y")
		stale.Expect = &old
		if err := db.StoreIntel(ctx, []store.IntelVersion{stale}, nil, "", at, nil); warden.ErrorCode(err) != warden.ECONFLICT {
			t.Fatalf("a stale edit: %v", err)
		}
		// Versions: last, first, all, by time.
		for _, tc := range []struct {
			versions string
			want     []string
		}{
			{"", []string{"b@1", "a@3"}},
			{"first", []string{"a@1", "b@0"}},
			{"all", []string{"a@2", "a@1", "b@1", "a@3", "b@0"}},
			{"2026-01-01T00:00:00.000Z,2026-01-03T00:00:00Z", []string{"a@1", "b@1", "a@3"}},
		} {
			objs, _, _, err := db.IntelObjects(ctx, store.IntelQuery{Versions: tc.versions, Visible: everyone, Limit: 100})
			var got []string
			for _, o := range objs {
				got = append(got, o.Name)
			}
			if err != nil || !slices.Equal(got, tc.want) {
				t.Errorf("versions %q: %v, %v; want %v", tc.versions, got, err, tc.want)
			}
		}
		if _, _, _, err := db.IntelObjects(ctx, store.IntelQuery{Versions: "yesterday", Visible: everyone, Limit: 1}); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("a bad version: %v", err)
		}

		// A counterpart sees AMBER b only once it is shared with its
		// organisation; a page of a collection follows the shares, and a
		// new version of a shared object comes after the others.
		if err := db.CreateIntelCollection(ctx, warden.Collection{ID: "c1", Title: "C", Orgs: []string{"org-a"}, CanRead: true, CreatedBy: "ann", CreatedAt: at}, nil); err != nil {
			t.Fatal(err)
		}
		orgA := store.IntelVisibility{TLPs: []warden.TLP{warden.TLPClear, warden.TLPGreen}, Shared: []warden.TLP{warden.TLPAmber, warden.TLPAmberStrict}, Org: "org-a"}
		names := func(q store.IntelQuery) []string {
			t.Helper()
			objs, _, _, err := db.IntelObjects(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, o := range objs {
				out = append(out, o.Name)
			}
			return out
		}
		if got := names(store.IntelQuery{Visible: orgA, Limit: 10}); !slices.Equal(got, []string{"a@3"}) {
			t.Fatalf("org-a before sharing: %v", got)
		}
		if err := db.ShareIntel(ctx, "c1", []string{"b", "a"}, "ann", at.Add(2*time.Hour), nil); err != nil {
			t.Fatal(err)
		}
		if got := names(store.IntelQuery{Visible: orgA, Limit: 10}); !slices.Equal(got, []string{"b@1", "a@3"}) {
			t.Fatalf("org-a after sharing: %v", got)
		}
		if got := names(store.IntelQuery{Visible: store.IntelVisibility{TLPs: []warden.TLP{warden.TLPClear}, Shared: []warden.TLP{warden.TLPAmber}, Org: "org-b"}, Limit: 10}); len(got) != 0 {
			t.Fatalf("org-b: %v", got)
		}
		if err := db.StoreIntel(ctx, []store.IntelVersion{intelVersion("b", 5, warden.TLPAmber, "z")}, nil, "", at.Add(3*time.Hour), nil); err != nil {
			t.Fatal(err)
		}
		var pages [][]string
		q := store.IntelQuery{Collection: "c1", Visible: orgA, Limit: 1}
		for {
			objs, more, next, err := db.IntelObjects(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			var page []string
			for _, o := range objs {
				page = append(page, o.Name+"@"+o.Added.Format("15h"))
			}
			pages = append(pages, page)
			if !more {
				break
			}
			q.After = next
		}
		if want := [][]string{{"a@3@02h"}, {"b@5@03h"}}; fmt.Sprint(pages) != fmt.Sprint(want) {
			t.Fatalf("collection pages %v, want %v", pages, want)
		}
		// The share's objects were added from 02h on, a microsecond apart.
		if got := names(store.IntelQuery{Collection: "c1", Visible: orgA, AddedAfter: at.Add(2*time.Hour + time.Microsecond), Limit: 10}); !slices.Equal(got, []string{"b@5"}) {
			t.Fatalf("collection added after 02h: %v", got)
		}
		// The import's report is kept, for the importer's organisation.
		got, org, err := db.IntelImport(ctx, "imp-1")
		if err != nil || org != "home" || got.Added != 2 || !got.At.Equal(at) {
			t.Fatalf("import report %+v %s %v", got, org, err)
		}
		if imps, err := db.IntelImports(ctx, "org-a", 10); err != nil || len(imps) != 0 {
			t.Fatalf("org-a's imports: %+v %v", imps, err)
		}
	})
}

// TestIntelGeneration: the generation the screening index rebuilds on
// moves with every change it reads, even one that leaves the number of
// links as it was (a link removed, another added), and not with the
// links screening writes to payments.
func TestIntelGeneration(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		gen := func() int64 {
			t.Helper()
			g, err := db.IntelGeneration(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return g
		}
		last := gen()
		for _, step := range []struct {
			name  string
			do    func() error
			moves bool
		}{
			{"a version stored", func() error {
				return db.StoreIntel(ctx, []store.IntelVersion{intelVersion("a", 1, warden.TLPGreen, "x")}, nil, "", at, nil)
			}, true},
			{"an entity link added", func() error {
				return db.AddIntelLink(ctx, warden.IntelLink{Object: "a", Kind: warden.LinkEntity, Ref: "ofac:1", CreatedAt: at}, nil)
			}, true},
			{"that link removed", func() error {
				return db.RemoveIntelLink(ctx, warden.IntelLink{Object: "a", Kind: warden.LinkEntity, Ref: "ofac:1"}, nil)
			}, true},
			{"another entity link added", func() error {
				return db.AddIntelLink(ctx, warden.IntelLink{Object: "a", Kind: warden.LinkEntity, Ref: "ofac:2", CreatedAt: at}, nil)
			}, true},
			{"a payment link added", func() error {
				return db.AddIntelLink(ctx, warden.IntelLink{Object: "a", Kind: warden.LinkPayment, Ref: "p-1", CreatedAt: at}, nil)
			}, false},
		} {
			if err := step.do(); err != nil {
				t.Fatalf("%s: %v", step.name, err)
			}
			if g := gen(); (g > last) != step.moves || g < last {
				t.Errorf("%s: generation %d, was %d", step.name, g, last)
			} else {
				last = g
			}
		}
	})
}

// TestReleaseAttribution: an attribution that failed releases its own
// claim only; once its claim was left too long and another attribution
// took the party over, the release leaves the new claim in place, and
// the old attribution cannot record a designation on it either.
func TestReleaseAttribution(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		t0 := time.Date(2026, 3, 1, 0, 0, 0, 123456000, time.UTC)
		const stale = 10 * time.Minute
		if err := db.ClaimAttribution(ctx, "ofac:1", "actor-a", t0, stale); err != nil {
			t.Fatal(err)
		}
		t1 := t0.Add(stale + time.Second) // a's claim is stale: b takes it over
		if err := db.ClaimAttribution(ctx, "ofac:1", "actor-b", t1, stale); err != nil {
			t.Fatal(err)
		}
		if err := db.ReleaseAttribution(ctx, "ofac:1", "actor-a", t0); err != nil {
			t.Fatal(err)
		}
		if err := db.SetAttribution(ctx, "ofac:1", "actor-a", t0, 7); warden.ErrorCode(err) != warden.ECONFLICT {
			t.Errorf("a records a designation on b's claim: %v", err)
		}
		if err := db.ClaimAttribution(ctx, "ofac:1", "actor-c", t1.Add(time.Second), stale); warden.ErrorCode(err) != warden.ECONFLICT {
			t.Errorf("b's claim after a's release: another claim gets %v, want ECONFLICT", err)
		}
		// b's own release frees the party.
		if err := db.ReleaseAttribution(ctx, "ofac:1", "actor-b", t1); err != nil {
			t.Fatal(err)
		}
		if err := db.ClaimAttribution(ctx, "ofac:1", "actor-c", t1.Add(time.Second), stale); err != nil {
			t.Errorf("after b's release: %v", err)
		}
	})
}
