package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"warden"
	"warden/auth"
	"warden/designation"
	"warden/store"
)

// TestServePublishesScheduled: a designation approved for publication a
// moment later is published by the running server's job queue (River's
// periodic designation.publish job), not by the approval.
func TestServePublishesScheduled(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.db")
	ctx := context.Background()
	b, err := os.ReadFile("../../designation/testdata/party.json")
	if err != nil {
		t.Fatal(err)
	}
	var in designation.Input
	if err := json.Unmarshal(b, &in); err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(2 * time.Second)
	in.PublishAt = &at
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	s := designation.New(db, auth.New(db).Approvals)
	officer := func(name string) context.Context {
		return warden.WithPrincipal(ctx, warden.Principal{Name: name, Role: warden.RoleSanctionsOfficer, Org: warden.HomeOrg, Kind: "user"})
	}
	d, err := s.Create(officer("olga"), in, true)
	if err == nil {
		d, err = s.Decide(officer("pavel"), d.ID, true, "evidence holds")
	}
	db.Close()
	if err != nil || d.Status != warden.DesignationApproved {
		t.Fatalf("approve for later: %+v %v", d.Status, err)
	}

	startServe(t, path, "--no-snapshot", "--publish-every", "200ms")
	db, err = store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	deadline := time.Now().Add(20 * time.Second)
	for {
		got, err := db.Designation(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status == warden.DesignationPublished {
			if got.Version == 0 || got.UpdatedAt.Before(at) {
				t.Errorf("published as version %d at %v, due %v", got.Version, got.UpdatedAt, at)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("designation %d still %s 20 s after start (due %v)", d.ID, got.Status, at)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
