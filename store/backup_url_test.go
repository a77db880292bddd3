package store

import (
	"fmt"
	"slices"
	"strings"
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

// TestCopyRows counts the rows of the COPY blocks of a plain dump, as
// pg_restore --data-only writes them.
func TestCopyRows(t *testing.T) {
	for _, c := range []struct {
		name, dump string
		want       map[string]int64
	}{
		{"none", "SET statement_timeout = 0;\n", map[string]int64{}},
		{"empty table", "COPY public.orgs (id, name) FROM stdin;\n\\.\n", map[string]int64{"orgs": 0}},
		{"rows, schema and escapes", "SET x = 1;\n\nCOPY t_42.audit_events (seq, data) FROM stdin;\n1\t{\"a\":\"line\\nbreak\"}\n2\t\\\\.\n\\.\n\nCOPY t_42.ledger (seq) FROM stdin;\n7\n\\.\nSELECT pg_catalog.setval('t_42.ledger_seq', 7, true);\n",
			map[string]int64{"audit_events": 2, "ledger": 1}},
		{"quoted name", "COPY public.\"Odd\" (id) FROM stdin;\n1\n2\n3\n\\.\n", map[string]int64{"Odd": 3}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := copyRows(strings.NewReader(c.dump))
			if err != nil || fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("got %v %v, want %v", got, err, c.want)
			}
		})
	}
}
