package enforcement_test

import (
	"context"
	"slices"
	"testing"

	"warden"
	"warden/store"
	"warden/store/storetest"
)

// TestLinkedListingsOneHit: a payment to a party listed on OFAC and,
// under its OFAC id, on the CSL is one hit, whose programs (those the
// policy acts on) are those of both listings.
func TestLinkedListingsOneHit(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := setup(t, db)
		ctx := warden.WithPrincipal(context.Background(), warden.Operator)
		client := as("payments", warden.RoleScreener)
		d, _, err := e.svc.Screen(client, pay("l1", 1000, us, ivanov))
		if err != nil || len(d.Hits) != 1 || slices.Contains(d.Hits[0].Programs, "CYBER2") {
			t.Fatalf("OFAC alone: %+v %v", d.Hits, err)
		}
		im, err := db.BeginImport(ctx, "csl", "csl-csv", false)
		if err != nil {
			t.Fatal(err)
		}
		im.Put(&warden.Entity{SourceID: "2", Schema: warden.SchemaPerson, Names: []warden.Name{{Full: "IVANOV, Petr Sergeevich", Kind: warden.NamePrimary}},
			Programs: []string{"CYBER2"}, Topics: []string{"Specially Designated Nationals (SDN) - Treasury Department"}})
		if _, err := im.Commit(warden.SourceMeta{}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Screening.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		d, _, err = e.svc.Screen(client, pay("l2", 1000, us, ivanov))
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Hits) != 1 || !slices.Contains(d.Hits[0].Programs, "IRAN") || !slices.Contains(d.Hits[0].Programs, "CYBER2") {
			t.Errorf("OFAC and its CSL copy: hits %+v", d.Hits)
		}
	})
}
