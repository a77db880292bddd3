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

// TestLinks: automatic links are stored per list versions (once: a second
// writer of the same versions writes nothing) and replaced as a whole for
// new versions; a listing's links are found from either side; people's
// decisions replace one another per pair, count a generation and are
// audited in the same transaction.
func TestLinks(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := warden.WithPrincipal(context.Background(), warden.Operator)
		var many []warden.ListingLink
		for i := range 120 { // more than one insert batch
			many = append(many, warden.ListingLink{A: fmt.Sprintf("csl:%03d", i), B: fmt.Sprintf("ofac:%03d", i), Rule: warden.LinkOFACID, Detail: fmt.Sprintf("OFAC id %03d", i)})
		}
		many = append(many, warden.ListingLink{A: "csl:007", B: "ofac:007", Rule: warden.LinkWallet, Detail: "bc1q"})
		if wrote, err := db.ReplaceLinks(ctx, "v1", many); err != nil || !wrote {
			t.Fatalf("replace: %v %v", wrote, err)
		}
		if wrote, err := db.ReplaceLinks(ctx, "v1", nil); err != nil || wrote {
			t.Fatalf("second writer of v1: %v %v (must write nothing)", wrote, err)
		}
		st, err := db.LinkState(ctx)
		if err != nil || st.Versions != "v1" || st.Links != len(many) {
			t.Errorf("state %+v %v", st, err)
		}
		all, err := db.AllLinks(ctx)
		if err != nil || len(all) != len(many) {
			t.Fatalf("all links: %d %v", len(all), err)
		}
		for _, id := range []string{"csl:007", "ofac:007"} {
			links, ds, err := db.LinksOf(ctx, id)
			if err != nil || len(links) != 2 || len(ds) != 0 || links[0].Detail != "OFAC id 007" || links[1].Rule != warden.LinkWallet {
				t.Errorf("links of %s: %+v %+v %v", id, links, ds, err)
			}
		}
		if _, err := db.ReplaceLinks(ctx, "v2", many[:1]); err != nil {
			t.Fatal(err)
		}
		if all, _ := db.AllLinks(ctx); len(all) != 1 {
			t.Errorf("v2 holds %d links, want 1", len(all))
		}

		at := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
		for i, d := range []warden.LinkDecision{
			{A: "ofac:007", B: "uk:9", Linked: true, Reason: "same passport", DecidedBy: "bob", DecidedAt: at},
			{A: "ofac:007", B: "uk:9", Linked: false, Reason: "father and son", DecidedBy: "olga", DecidedAt: at.Add(time.Hour)},
		} {
			if err := db.DecideLink(ctx, d, warden.NewAuditEvent(ctx, "listing.decide", "entity:"+d.A, d.Reason, nil)); err != nil {
				t.Fatal(err)
			}
			ds, gen, err := db.LinkDecisions(ctx)
			if err != nil || gen != int64(i+1) || len(ds) != 1 || ds[0] != d {
				t.Errorf("after decision %d: %+v generation %d %v", i, ds, gen, err)
			}
		}
		_, ds, err := db.LinksOf(ctx, "uk:9")
		if err != nil || len(ds) != 1 || ds[0].Linked || ds[0].DecidedBy != "olga" {
			t.Errorf("decisions of uk:9: %+v %v", ds, err)
		}
		var reasons []string
		db.AuditEvents(ctx, warden.AuditFilter{Action: "listing.decide"}, func(e warden.AuditEvent) error {
			reasons = append(reasons, e.Reason)
			return nil
		})
		if !slices.Equal(reasons, []string{"same passport", "father and son"}) {
			t.Errorf("audited %v", reasons)
		}
	})
}

// TestHistory: a party's contents across versions, oldest first, with the
// version each lasted to and whether the list then removed it.
func TestHistory(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		p := func(name string) *warden.Entity {
			return &warden.Entity{SourceID: "1", Schema: warden.SchemaPerson, Names: []warden.Name{{Full: name, Kind: warden.NamePrimary}}}
		}
		other := &warden.Entity{SourceID: "2", Schema: warden.SchemaPerson, Names: []warden.Name{{Full: "OTHER", Kind: warden.NamePrimary}}}
		importAll(t, db, "l", false, []*warden.Entity{p("A"), other})
		importAll(t, db, "l", false, []*warden.Entity{p("B"), other})
		importAll(t, db, "l", false, []*warden.Entity{other})
		importAll(t, db, "l", false, []*warden.Entity{p("B"), other})
		h, err := db.History(ctx, "l:1")
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, v := range h {
			got = append(got, fmt.Sprintf("%s %d-%d %v %s", v.Entity.Caption(), v.Entity.Version, v.To, v.Removed, v.Published))
		}
		want := []string{"A 1-2 false 2024-07-02", "B 2-3 true 2024-07-02", "B 4-0 false 2024-07-02"}
		if !slices.Equal(got, want) {
			t.Errorf("history %q, want %q", got, want)
		}
		if _, err := db.History(ctx, "l:9"); warden.ErrorCode(err) != warden.ENOTFOUND {
			t.Errorf("unknown party: %v", err)
		}
	})
}
