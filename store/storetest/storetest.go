// Package storetest opens fresh databases for tests: a SQLite file in a
// temporary folder, or a new schema on the PostgreSQL server named by
// WARDEN_TEST_POSTGRES.
package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"

	"warden/store"
)

// EnvPostgres names the environment variable with the test server's DSN.
const EnvPostgres = "WARDEN_TEST_POSTGRES"

// OpenSQLite opens a new SQLite database, closed when the test ends.
func OpenSQLite(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "w.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// OpenPostgres opens a new, empty schema on the server named by
// WARDEN_TEST_POSTGRES, dropped when the test ends. It skips the test, saying
// so, when the variable is unset.
func OpenPostgres(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), EmptyPostgres(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// EmptyPostgres creates a new schema on the server named by
// WARDEN_TEST_POSTGRES, dropped when the test ends, and returns the DSN
// that makes it the search path; nothing is migrated in it yet. It skips
// the test, saying so, when the variable is unset.
func EmptyPostgres(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(EnvPostgres)
	if dsn == "" {
		t.Skip(EnvPostgres + " is not set; skipping PostgreSQL (CI sets it)")
	}
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	schema := fmt.Sprintf("t_%d", rand.Uint64()>>1)
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return dsn + sep + "search_path=" + schema
}

// NewPostgresDatabase creates a new, empty database on the server named by
// WARDEN_TEST_POSTGRES, dropped when the test ends, and returns dsn (a DSN
// of that server) pointed at it, its parameters (a search_path) kept: what
// a restore of a dump of dsn's schema goes into. It skips the test, saying
// so, when the variable is unset.
func NewPostgresDatabase(t testing.TB, dsn string) string {
	t.Helper()
	server := os.Getenv(EnvPostgres)
	if server == "" {
		t.Skip(EnvPostgres + " is not set; skipping PostgreSQL (CI sets it)")
	}
	admin, err := sql.Open("pgx", server)
	if err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("w_restore_%d", rand.Uint64()>>1)
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		admin.Close()
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP DATABASE " + name + " WITH (FORCE)")
		admin.Close()
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// Engines runs fn once on SQLite and once on PostgreSQL (skipped without a
// server), as subtests.
func Engines(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, OpenSQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, OpenPostgres(t)) })
}
