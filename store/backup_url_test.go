package store

import (
	"slices"
	"testing"
)

// TestPgURL: what libpq's tools are given of a URL as Open takes it: no
// search_path (they refuse it), no password (the process list shows
// arguments; PGPASSWORD carries it).
func TestPgURL(t *testing.T) {
	tests := []struct {
		dsn, url, schema, password string
	}{
		{"postgres://warden:s3cret@db:5432/w?sslmode=disable&search_path=t_1", "postgres://warden@db:5432/w?sslmode=disable", "t_1", "s3cret"},
		{"postgres://127.0.0.1/w", "postgres://127.0.0.1/w", "", ""},
		{"postgres://warden@db/w?password=s3cret&sslmode=disable", "postgres://warden@db/w?sslmode=disable", "", "s3cret"},
		{"postgres://db/w?password=s3cret", "postgres://db/w", "", "s3cret"},
		{"postgresql://warden@db/w?search_path=public", "postgresql://warden@db/w", "public", ""},
	}
	for _, tt := range tests {
		pt, err := pgURL(tt.dsn)
		if err != nil {
			t.Fatal(err)
		}
		hasPW := slices.Contains(pt.env, "PGPASSWORD="+tt.password)
		if pt.url != tt.url || pt.schema != tt.schema || hasPW != (tt.password != "") {
			t.Errorf("pgURL(%q) = %q, schema %q, password passed %v", tt.dsn, pt.url, pt.schema, hasPW)
		}
	}
}
