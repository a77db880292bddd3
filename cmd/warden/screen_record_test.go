package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"warden"
	"warden/sources/sourcetest"
	"warden/store"
)

// TestScreenRecordedCLI: warden screen NAME and warden screen --input each
// leave one record of the screening, by the operator, through the cli
// channel, naming the list version searched with its date.
func TestScreenRecordedCLI(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "w.db")
	importJSON(t, db, "--list", "ofac", sourcetest.OFACSample(t, "ofac"))
	in := filepath.Join(dir, "q.csv")
	if err := os.WriteFile(in, []byte("name,birth_date\nMaksim Yakubets,1987\nPeter Mueller,\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	idFrom := func(t *testing.T, re, s string) int64 {
		m := regexp.MustCompile(re).FindStringSubmatch(s)
		if m == nil {
			t.Fatalf("no %s in %q", re, s)
		}
		id, _ := strconv.ParseInt(m[1], 10, 64)
		return id
	}
	tests := []struct {
		name    string
		args    []string
		id      func(t *testing.T, out, errs string) int64
		queries int
		first   string
	}{
		{"json", []string{"screen", "--json", "--birth-date", "1987", "Maksim Yakubets"}, func(t *testing.T, out, _ string) int64 {
			var r struct {
				Screening int64 `json:"screening_id"`
			}
			json.Unmarshal([]byte(out), &r)
			return r.Screening
		}, 1, "Maksim Yakubets"},
		{"table", []string{"screen", "Peter", "Mueller"}, func(t *testing.T, out, _ string) int64 {
			return idFrom(t, `recorded as screening (\d+)`, out)
		}, 1, "Peter Mueller"},
		{"batch", []string{"screen", "--input", in, "--output", filepath.Join(dir, "r.jsonl")}, func(t *testing.T, _, errs string) int64 {
			return idFrom(t, `recorded as screening (\d+)`, errs)
		}, 2, "Maksim Yakubets"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := cli(t, db, tc.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			id := tc.id(t, out, errs)
			ctx := context.Background()
			sdb, err := store.Open(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			defer sdb.Close()
			sc, err := sdb.Screening(ctx, id)
			if err != nil {
				t.Fatalf("screening %d: %v (out %q)", id, err, out)
			}
			vs, err := sdb.Versions(ctx, "ofac")
			if err != nil {
				t.Fatal(err)
			}
			if sc.Channel != warden.ChannelCLI || sc.Actor != warden.Operator.Name || sc.Queries != tc.queries || sc.Items[0].Query.Names[0] != tc.first {
				t.Errorf("record %+v", sc)
			}
			if len(sc.Lists) != 1 || sc.Lists[0].List != "ofac" || sc.Lists[0].Version != vs[0].Version || sc.Lists[0].Date != vs[0].Published {
				t.Errorf("lists %+v, want ofac version %d of %q", sc.Lists, vs[0].Version, vs[0].Published)
			}
		})
	}
}
