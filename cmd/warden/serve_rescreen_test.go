package main

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"warden"
	"warden/auth"
	"warden/enforcement"
	"warden/screening"
	"warden/store"
)

// TestServeRescreens: a list imported beside a running server (another
// process's handle) has the server re-screen the register through its job
// queue: the run is claimed, queued and done, and the customer the new
// list names is blocked.
func TestServeRescreens(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.db")
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	put := func(db *store.DB, list string, e *warden.Entity) {
		t.Helper()
		im, err := db.BeginImport(ctx, list, "csv", false)
		if err != nil {
			t.Fatal(err)
		}
		im.Put(e)
		if _, err := im.Commit(warden.SourceMeta{}); err != nil {
			t.Fatal(err)
		}
	}
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	put(db, "ofac", &warden.Entity{SourceID: "1", Schema: warden.SchemaOrganization, Names: []warden.Name{{Full: "EVIL CORP LTD", Kind: warden.NamePrimary}}, Programs: []string{"CYBER2"}})
	sc := screening.New(db)
	if _, err := sc.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	enf := enforcement.New(db, sc, auth.New(db).Approvals)
	for _, c := range []warden.Customer{{ID: "C1", Schema: warden.SchemaPerson, Name: "Boris Ivanovich Grebenshchikov", Country: "CY"}, {ID: "C2", Name: "Jane Doe"}} {
		if c, _, err := enf.Onboard(ctx, c); err != nil || c.Decision != warden.DecisionCleared {
			t.Fatalf("onboard: %+v %v", c, err)
		}
	}
	db.Close()

	startServe(t, path, "--no-snapshot", "--refresh", "200ms")
	db, err = store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	put(db, "uk", &warden.Entity{SourceID: "CYB0042", Schema: warden.SchemaPerson, Names: []warden.Name{{Full: "GREBENSHCHIKOV, Boris Ivanovich", Kind: warden.NamePrimary}},
		Programs: []string{"CYBER"}, Nationalities: []string{"CY"}})
	deadline := time.Now().Add(30 * time.Second)
	for {
		r, err := db.LatestRescreen(ctx)
		if err == nil && r.State == warden.RescreenDone && r.Lists["uk"] == 1 {
			if r.Mode != warden.RescreenFull || r.Customers != 2 || r.Changed != 1 {
				t.Errorf("the run: %+v", r)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no re-screening done against uk 30 s after the import: %+v %v", r, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if c, err := db.Customer(ctx, "C1"); err != nil || c.Status != warden.DecisionBlocked {
		t.Errorf("C1 after the run: %+v %v", c, err)
	}
}
