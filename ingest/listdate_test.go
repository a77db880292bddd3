package ingest_test

import (
	"context"
	"testing"
	"time"

	"warden"
	"warden/ingest"
	"warden/sources"
	"warden/sources/sourcetest"
	"warden/store/storetest"
)

// TestListDateSurvivesReimport is the reported bug: the bundled OFAC
// snapshot, dated by Warden (OFAC's CSV states no date), imported again
// from the same files by `warden import` (which knows no date), then the
// CSL imported as a list of its own: the OFAC list must still show its
// list date, the identical re-import store no empty version but record
// that the list was checked, and when.
func TestListDateSurvivesReimport(t *testing.T) {
	ctx := context.Background()
	db := storetest.OpenSQLite(t)
	now := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	db.SetClock(func() time.Time { return now })
	dir := sourcetest.OFACSample(t, "ofac")
	paths, err := sources.Expand([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.Import(ctx, db, ingest.Request{List: "ofac", Format: "ofac-csv", Input: warden.Input{Paths: paths}, Published: "2024-07-02"}, nil); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Hour)
	again, err := ingest.Import(ctx, db, ingest.Request{List: "ofac", Input: warden.Input{Paths: paths}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Unchanged || again.Version != 1 {
		t.Errorf("identical re-import = version %d, unchanged %v; want version 1 unchanged", again.Version, again.Unchanged)
	}
	// The first 40 rows of the real CSL (testdata/csl-head.csv), which
	// states no date.
	if _, err := ingest.Import(ctx, db, ingest.Request{List: "us-csl", Input: warden.Input{Paths: []string{"testdata/csl-head.csv"}}}, nil); err != nil {
		t.Fatal(err)
	}
	vs, err := db.Versions(ctx, "ofac")
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 1 {
		t.Errorf("ofac has %d versions after an identical re-import, want 1", len(vs))
	}
	l, err := db.List(ctx, "ofac")
	if err != nil {
		t.Fatal(err)
	}
	if l.ListDate != "2024-07-02" || l.CurrentVersion != 1 {
		t.Errorf("ofac list date %q version %d, want 2024-07-02 version 1", l.ListDate, l.CurrentVersion)
	}
	if !l.LastChecked.Equal(now) || !l.LastChanged.Equal(now.Add(-time.Hour)) {
		t.Errorf("ofac last checked %v, last changed %v; want %v and an hour before", l.LastChecked, l.LastChanged, now)
	}
	ls, err := db.Lists(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range ls {
		if l.Name == "ofac" && l.ListDate != "2024-07-02" {
			t.Errorf("Lists: ofac list date %q", l.ListDate)
		}
	}
}
