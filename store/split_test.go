package store

import (
	"reflect"
	"testing"
)

func TestSplitStatements(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"two statements", "CREATE TABLE a (x INT);\nCREATE TABLE b (y INT);\n", []string{"CREATE TABLE a (x INT)", "CREATE TABLE b (y INT)"}},
		{"no final semicolon", "SELECT 1", []string{"SELECT 1"}},
		{"semicolon in a string", "INSERT INTO t VALUES ('a;b');\nSELECT 2;", []string{"INSERT INTO t VALUES ('a;b')", "SELECT 2"}},
		{"escaped quote", "INSERT INTO t VALUES ('it''s; fine');", []string{"INSERT INTO t VALUES ('it''s; fine')"}},
		{"semicolon in a quoted name", `CREATE TABLE "a;b" (x INT);`, []string{`CREATE TABLE "a;b" (x INT)`}},
		{"line comment", "-- one; two\nSELECT 1; -- three; four\n", []string{"-- one; two\nSELECT 1"}},
		{"block comment", "/* a; b */ SELECT 1;/* c; */", []string{"/* a; b */ SELECT 1"}},
		{"comments only", "-- nothing here;\n/* nor; here */\n;\n", nil},
		{"dollar quoted", "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\nSELECT 2;", []string{"CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql", "SELECT 2"}},
		{"tagged dollar quote", "DO $body$ BEGIN PERFORM 1; END $body$;", []string{"DO $body$ BEGIN PERFORM 1; END $body$"}},
		{"parameter is no quote", "SELECT $1; SELECT $2;", []string{"SELECT $1", "SELECT $2"}},
		{"unterminated string", "SELECT 'a;", []string{"SELECT 'a;"}},
	}
	for _, tt := range tests {
		if got := splitStatements(tt.src); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: splitStatements(%q) = %q, want %q", tt.name, tt.src, got, tt.want)
		}
	}
}
