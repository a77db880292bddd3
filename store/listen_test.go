package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"warden"
	"warden/store"
	"warden/store/storetest"
)

// TestListen: a list version stored on one handle is announced, once it
// commits, to a listener on another handle of the same PostgreSQL
// database; when the server ends the listener's connection (as a restart
// does), it connects again, says so with an empty payload, and hears the
// next version. On SQLite there is nothing to listen to.
func TestListen(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		if l := storetest.OpenSQLite(t).Listen(context.Background(), store.ListsChannel, func(string) {}, t.Logf); l != nil {
			t.Errorf("SQLite listener: %+v, want nil", l)
		}
	})
	t.Run("postgres", func(t *testing.T) {
		app := fmt.Sprintf("listen_test_%d", rand.Uint64()>>1)
		dsn := storetest.EmptyPostgres(t) + "&application_name=" + app
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		writer, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer writer.Close()
		node, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer node.Close()
		heard := make(chan string, 16)
		l := node.Listen(ctx, store.ListsChannel, func(p string) { heard <- p }, t.Logf)
		next := func(what string) string {
			t.Helper()
			select {
			case p := <-heard:
				return p
			case <-time.After(10 * time.Second):
				t.Fatalf("%s: nothing heard within 10 s", what)
				return ""
			}
		}
		if p := next("connecting"); p != "" || !l.Connected() {
			t.Fatalf("first call %q, connected %v; want \"\" once listening", p, l.Connected())
		}
		commit := func(version int) {
			t.Helper()
			im, err := writer.BeginImport(ctx, "un", "un-xml", false)
			if err != nil {
				t.Fatal(err)
			}
			if err := im.Put(party(fmt.Sprint(version), fmt.Sprint("Party ", version))); err != nil {
				t.Fatal(err)
			}
			if _, err := im.Commit(warden.SourceMeta{}); err != nil {
				t.Fatal(err)
			}
		}
		commit(1)
		if p := next("version 1"); p != "un 1" {
			t.Errorf("heard %q, want \"un 1\"", p)
		}

		admin, err := sql.Open("pgx", dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer admin.Close()
		var ended int
		if err := admin.QueryRow(`SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1`, app+" listen").Scan(&ended); err != nil || ended != 1 {
			t.Fatalf("ending the listener's connection: %d ended, %v", ended, err)
		}
		if p := next("reconnecting"); p != "" {
			t.Errorf("after the connection ended: heard %q, want \"\" (connected again)", p)
		}
		if l.Reconnects() != 1 || !l.Connected() {
			t.Errorf("reconnects %d, connected %v; want 1, true", l.Reconnects(), l.Connected())
		}
		commit(2)
		if p := next("version 2"); p != "un 2" {
			t.Errorf("heard %q, want \"un 2\"", p)
		}
		if l.Heard() != 2 {
			t.Errorf("heard %d notifications, want 2", l.Heard())
		}
	})
}
