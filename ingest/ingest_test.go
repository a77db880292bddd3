package ingest_test

import (
	"context"
	"testing"

	"warden"
	"warden/ingest"
	"warden/snapshot"
	"warden/sources"
	"warden/sources/sourcetest"
	"warden/store"
	"warden/store/storetest"
)

func importDir(t *testing.T, db *store.DB, list, rel string) (warden.ListVersion, error) {
	paths, err := sources.Expand([]string{sourcetest.Data(t, rel)})
	if err != nil {
		t.Fatal(err)
	}
	return ingest.Import(context.Background(), db, ingest.Request{List: list, Input: warden.Input{Paths: paths}}, nil)
}

// TestEntityCounts is the table of parties per real file.
func TestEntityCounts(t *testing.T) {
	tests := []struct {
		rel  string
		want int
	}{
		{"ofac", 15443},
		{"ofac/2021-07-07", 8976},
		{"ofac/consolidated.xml", 443},
		{"ofac/CONS_ENHANCED.ZIP", 443},
		{"un/consolidated.xml", 1003},
		{"uk/ConList.xlsx", 4688},
		{"us_csl/consolidated.csv.gz", 14160},
		{"opensanctions/ransomwhere/targets.simple.csv", 11186},
	}
	db := storetest.OpenSQLite(t)
	for i, tt := range tests {
		if raceEnabled && tt.want > 5000 {
			t.Logf("%s: not imported under the race detector (ten times slower; go test without -race imports it)", tt.rel)
			continue
		}
		v, err := importDir(t, db, "l"+string(rune('a'+i)), tt.rel)
		if err != nil {
			t.Errorf("%s: %v", tt.rel, err)
			continue
		}
		if v.Entities != tt.want || v.Added != tt.want {
			t.Errorf("%s: entities %d added %d, want %d", tt.rel, v.Entities, v.Added, tt.want)
		}
	}
}

// TestOFACVersions imports the 2021 snapshot, then the 2024 list, as one
// list: added and removed must be the set differences of their ent_nums.
func TestOFACVersions(t *testing.T) {
	db := storetest.OpenSQLite(t)
	ids := func(rel string) map[string]bool {
		paths, _ := sources.Expand([]string{sourcetest.Data(t, rel)})
		r := sourcetest.MustParse(t, sources.Formats["ofac-csv"].Parser, paths...)
		m := map[string]bool{}
		for _, e := range r.Entities {
			m[e.SourceID] = true
		}
		return m
	}
	old, cur := ids("ofac/2021-07-07"), ids("ofac")
	added, removed := 0, 0
	for id := range cur {
		if !old[id] {
			added++
		}
	}
	for id := range old {
		if !cur[id] {
			removed++
		}
	}
	if _, err := importDir(t, db, "ofac", "ofac/2021-07-07"); err != nil {
		t.Fatal(err)
	}
	// Three years apart, the 2024 list drops 10.3% of the 2021 parties:
	// more than the guard lets through by default.
	paths, _ := sources.Expand([]string{sourcetest.Data(t, "ofac")})
	v2, err := ingest.Import(context.Background(), db, ingest.Request{List: "ofac", Input: warden.Input{Paths: paths}, MaxRemoved: 0.2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v2.Added != added || v2.Removed != removed || v2.Entities != 15443 {
		t.Errorf("v2 = %+v; want added %d removed %d", v2, added, removed)
	}
	if v2.Warnings == 0 {
		t.Error("orphan rows gave no warnings")
	}
	v3, err := importDir(t, db, "ofac", "ofac")
	if err != nil {
		t.Fatal(err)
	}
	if v3.Added != 0 || v3.Modified != 0 || v3.Removed != 0 || v3.Version != 3 {
		t.Errorf("identical import = %+v", v3)
	}
}

func TestFailedImportStoresNothing(t *testing.T) {
	db := storetest.OpenSQLite(t)
	if _, err := importDir(t, db, "ofac", "ofac/2021-07-07"); err != nil {
		t.Fatal(err)
	}
	bad := sourcetest.WriteFile(t, "sdn.csv", "1,\"A\",-0- ,\"X\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n2,\"B\"\r\n")
	_, err := ingest.Import(context.Background(), db, ingest.Request{List: "ofac", Input: warden.Input{Paths: []string{bad}}}, nil)
	if warden.ErrorCode(err) != warden.EINVALID {
		t.Fatalf("err = %v", err)
	}
	l, _ := db.List(context.Background(), "ofac")
	if l.CurrentVersion != 1 || l.Entities != 8976 {
		t.Errorf("after failed import: %+v", l)
	}
}

func TestSnapshot(t *testing.T) {
	db := storetest.OpenSQLite(t)
	var read int
	v, err := ingest.Import(context.Background(), db, ingest.Request{List: snapshot.List, Format: snapshot.Format, Input: snapshot.Input(), Published: snapshot.Date}, func(n int) { read += n })
	if err != nil {
		t.Fatal(err)
	}
	if v.Entities != 15443 || read < 6_000_000 || v.Published != "2024-07-02" {
		t.Errorf("snapshot: %+v, %d bytes read", v, read)
	}
}
