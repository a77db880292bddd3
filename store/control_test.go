package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"warden"
	"warden/store"
)

// TestControlOutlivesOwnChange: a reset is a control edge for ever, even
// once the person has chosen a password of their own; and a database
// from before the edges were stored gets them back, from the people rows
// and from the resets in the audit chain, when it is migrated.
func TestControlOutlivesOwnChange(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	as := func(name, kind string) context.Context {
		return warden.WithPrincipal(ctx, warden.Principal{Name: name, Kind: kind, Role: warden.RoleAdmin, Org: warden.HomeOrg})
	}
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	for _, u := range []warden.User{
		{Name: "alice", CreatedBy: "operator", PasswordSetBy: "operator"},
		{Name: "carol", CreatedBy: "operator", PasswordSetBy: "operator"},
		{Name: "dave", CreatedBy: "alice", PasswordSetBy: "alice"},
		{Name: "erin", CreatedBy: "operator", PasswordSetBy: "operator"},
	} {
		u.Role, u.Org, u.PasswordHash, u.CreatedAt = warden.RoleAdmin, warden.HomeOrg, "x", now
		if err := db.CreateUser(ctx, u, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.CreateToken(ctx, warden.Token{Name: "ops", Role: warden.RoleAdmin, CreatedAt: now, CreatedBy: "dave", Owner: "dave"}, "h", nil); err != nil {
		t.Fatal(err)
	}
	// carol resets erin's password, then ops (dave's token) resets alice's;
	// each then changes it themselves.
	for _, r := range []struct{ by, kind, byPerson, person string }{{"carol", "user", "carol", "erin"}, {"ops", "token", "dave", "alice"}} {
		if err := db.SetPassword(ctx, r.person, "y", r.byPerson, warden.NewAuditEvent(as(r.by, r.kind), "user.passwd.reset", "user:"+r.person, "", nil)); err != nil {
			t.Fatal(err)
		}
		if err := db.SetPassword(ctx, r.person, "z", r.person, warden.NewAuditEvent(as(r.person, "user"), "user.passwd", "user:"+r.person, "", nil)); err != nil {
			t.Fatal(err)
		}
	}
	want := "map[alice:[dave operator] carol:[operator] dave:[alice] erin:[carol operator]]"
	check := func(when string) {
		t.Helper()
		got, err := db.Controllers(ctx)
		if err != nil || fmt.Sprint(got) != want {
			t.Errorf("%s: controllers %v %v, want %s", when, got, err, want)
		}
	}
	check("after the own changes")
	db.Close()

	// The database as it was before migration 0012.
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`DROP TABLE control`, `DELETE FROM schema_migrations WHERE version = 'migrations/0012_control.sql'`} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()
	if db, err = store.Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	check("after migrating")
}
