package main

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"warden"
	"warden/auth"
	"warden/cooperation"
	"warden/store"
)

// TestServeSweepsDeadlines: an emergency request sent two days ago,
// neither acknowledged nor answered, gets its deadline_missed events for
// both deadlines (and no approaching ones, both having passed) from the
// running server's job queue: River's periodic request.deadlines job.
func TestServeSweepsDeadlines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.db")
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	op := warden.WithPrincipal(ctx, warden.Operator)
	if _, err := auth.New(db).CreateOrg(op, "ru-cert", "RU-CERT", "counterpart"); err != nil {
		t.Fatal(err)
	}
	s := cooperation.New(db, nil)
	s.Now = func() time.Time { return time.Now().Add(-48 * time.Hour) }
	analyst := warden.WithPrincipal(ctx, warden.Principal{Name: "ana", Role: warden.RoleAnalyst, Org: warden.HomeOrg, Kind: "user"})
	r, err := s.Create(analyst, cooperation.Input{Type: warden.RequestInformation, Counterpart: "ru-cert", Priority: warden.PriorityEmergency, Urgency: "Hospitals are down.",
		Requesting: warden.Authority{Name: "Home CERT"}, Requested: warden.Authority{Name: "RU-CERT", TimeZone: "Asia/Shanghai", Country: "CN"},
		LegalBasis: "The arrangement.", Facts: "Ransomware.", Offence: "Extortion", Sought: "Subscriber data"})
	if err == nil {
		r, err = s.Send(analyst, r.ID)
	}
	db.Close()
	if err != nil {
		t.Fatal(err)
	}

	startServe(t, path, "--no-snapshot", "--request-sweep-every", "200ms")
	db, err = store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	want := []string{warden.EventRequestDeadlineMissed, warden.EventRequestDeadlineMissed}
	deadline := time.Now().Add(20 * time.Second)
	for {
		evs, err := db.RequestEvents(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range evs[1:] { // after request.sent
			got = append(got, e.Type)
		}
		if len(got) >= len(want) {
			if !slices.Equal(got, want) {
				t.Errorf("events after sending: %v, want %v", got, want)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("request %d: events %v 20 s after start", r.ID, got)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
