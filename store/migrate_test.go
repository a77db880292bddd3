package store_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"warden/store"
	"warden/store/storetest"
)

// TestMigrateOnce checks the fast path of migrate: a database that has
// every migration opens without writing (schema_migrations is left as it
// was), one that lacks a migration gets it, and one that has a version this
// binary does not know (a newer binary's) is refused, naming the version.
func TestMigrateOnce(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.db")
	migrations := func() map[string]string {
		t.Helper()
		raw, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		rows, err := raw.Query(`SELECT version, applied_at FROM schema_migrations`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		m := map[string]string{}
		for rows.Next() {
			var v, at string
			if err := rows.Scan(&v, &at); err != nil {
				t.Fatal(err)
			}
			m[v] = at
		}
		return m
	}
	exec := func(q string) {
		t.Helper()
		raw, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	open := func() {
		t.Helper()
		db, err := store.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
	}

	open()
	first := migrations()
	if len(first) == 0 {
		t.Fatal("a new database has no migrations applied")
	}
	open()
	if again := migrations(); len(again) != len(first) {
		t.Errorf("reopening: %d migrations, want %d", len(again), len(first))
	} else {
		for v, at := range first {
			if again[v] != at {
				t.Errorf("reopening applied %s again (at %s, first at %s)", v, again[v], at)
			}
		}
	}

	// The last migration unrecorded: the full pass must run it, which
	// either records it again or fails (its statements already ran); what
	// must not happen is an open that skips it.
	var last string
	for v := range first {
		last = max(last, v)
	}
	exec(`DELETE FROM schema_migrations WHERE version = '` + last + `'`)
	if db, err := store.Open(ctx, path); err == nil {
		db.Close()
		if _, ok := migrations()[last]; !ok {
			t.Errorf("reopening skipped the unapplied %s", last)
		}
		exec(`DELETE FROM schema_migrations WHERE version = '` + last + `'`)
	}
	exec(`INSERT INTO schema_migrations (version, applied_at) VALUES ('` + last + `', '` + first[last] + `')`)

	// A version this binary does not know (a newer binary's): refused,
	// naming it and the last this binary knows, whether the database
	// lacks none of this binary's migrations (the fast path) or lacks one.
	exec(`INSERT INTO schema_migrations (version, applied_at) VALUES ('migrations/9999_future.sql', '2030-01-01T00:00:00.000000Z')`)
	for _, lacks := range []bool{false, true} {
		if lacks {
			exec(`DELETE FROM schema_migrations WHERE version = '` + last + `'`)
		}
		db, err := store.Open(ctx, path)
		if err == nil {
			db.Close()
			t.Fatalf("lacking %v: a database with a newer binary's migration opened", lacks)
		}
		if msg := err.Error(); !strings.Contains(msg, "9999_future.sql") || !strings.Contains(msg, last) {
			t.Errorf("lacking %v: error %q does not name the unknown version and %s", lacks, msg, last)
		}
		if _, ok := migrations()[last]; ok == lacks {
			t.Errorf("lacking %v: the refused open changed schema_migrations", lacks)
		}
	}
}

// TestMigrateTogether: nodes opening one empty PostgreSQL database at the
// same moment all open it, the migrations applied once (under the
// migration lock; without it the second CREATE TABLE fails).
func TestMigrateTogether(t *testing.T) {
	dsn := storetest.EmptyPostgres(t)
	ctx := context.Background()
	const nodes = 3
	errs := make(chan error, nodes)
	start := make(chan struct{})
	for range nodes {
		go func() {
			<-start
			db, err := store.Open(ctx, dsn)
			if err == nil {
				err = db.Close()
			}
			errs <- err
		}()
	}
	close(start)
	for range nodes {
		if err := <-errs; err != nil {
			t.Errorf("a node opening at the same time: %v", err)
		}
	}
	raw, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var rows, versions int
	if err := raw.QueryRow(`SELECT COUNT(*), COUNT(DISTINCT version) FROM schema_migrations`).Scan(&rows, &versions); err != nil {
		t.Fatal(err)
	}
	if rows == 0 || rows != versions {
		t.Errorf("schema_migrations: %d rows for %d versions, want one each", rows, versions)
	}
}
