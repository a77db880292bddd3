package ingest_test

import (
	"cmp"
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

// TestGuardListDate: files dated before the list date of the version they
// replace are an older publication, refused unless forced; files with no
// date, a first version and a version with no date are not weighed.
func TestGuardListDate(t *testing.T) {
	base := warden.ListVersion{List: "un", Version: 3, Format: "un-xml", Entities: 1000, Published: "2026-02-27"}
	tests := []struct {
		name       string
		base, next string
		refused    bool
	}{
		{"older", "2026-02-27", "2025-12-01", true},
		{"same day", "2026-02-27", "2026-02-27", false},
		{"newer", "2026-02-27", "2026-03-01", false},
		{"files state no date", "2026-02-27", "", false},
		{"current version has none", "", "2025-12-01", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := base
			b.Published = tt.base
			next := warden.ListVersion{List: "un", Version: 4, Format: "un-xml", Entities: 1000, Published: tt.next}
			errs := ingest.Guard(b, next, nil, 0)
			if got := len(errs) > 0; got != tt.refused {
				t.Fatalf("refused %v (%v), want %v", got, errs, tt.refused)
			}
			if tt.refused && (errs[0].Code != warden.ECONFLICT || errs[0].Message != `these files of list "un" are dated 2025-12-01, before version 3's list date 2026-02-27: they look like an older publication; import newer files, or force it`) {
				t.Errorf("refusal %v", errs[0])
			}
		})
	}
}

// TestListDateGiven: --list-date replaces the date the files state and
// must be a date; on files identical to the current version it is the
// check's, and the list's if it is newer. An older date on files that
// change nothing is no older publication (TestGuardListDate): only a
// check, which leaves the list's date as it is.
func TestListDateGiven(t *testing.T) {
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	db, v1 := imported(t, "un", "un/consolidated.xml")
	if v1.Published != "2026-02-27" {
		t.Fatalf("UN list dated %q, want its dateGenerated", v1.Published)
	}
	paths := []string{sourcetest.Data(t, "un/consolidated.xml")}
	tests := []struct {
		name, date string
		code       string // the error's, "" for none
		listDate   string // the list's after
	}{
		{"not a date", "2026-02-30", warden.EINVALID, "2026-02-27"},
		{"not ISO", "27/02/2026", warden.EINVALID, "2026-02-27"},
		{"older than the list's, same files", "2025-01-01", "", "2026-02-27"},
		{"newer, same files", "2026-03-02", "", "2026-03-02"},
		{"the files' own again, now older", "", "", "2026-03-02"},
	}
	for _, tt := range tests {
		v, err := ingest.Import(ctx, db, ingest.Request{List: "un", Input: warden.Input{Paths: paths}, ListDate: tt.date}, nil)
		if warden.ErrorCode(err) != tt.code && !(tt.code == "" && err == nil) {
			t.Errorf("%s: err %v, want code %q", tt.name, err, tt.code)
		}
		stated := cmp.Or(tt.date, v1.Published)
		if err == nil && (!v.Unchanged || v.Version != 1 || v.Published != stated) {
			t.Errorf("%s: %+v", tt.name, v)
		}
		l, err := db.List(ctx, "un")
		if err != nil || l.ListDate != tt.listDate || l.CurrentVersion != 1 {
			t.Errorf("%s: list %+v %v, want date %s", tt.name, l, err, tt.listDate)
		}
	}
	cs, err := db.Checks(ctx, "un", 10)
	if err != nil || len(cs) != 3 || cs[0].Published != "2026-02-27" || cs[1].Published != "2026-03-02" || cs[2].Published != "2025-01-01" ||
		cs[0].Version != 1 || cs[0].Actor != warden.Operator.Name {
		t.Errorf("checks %+v %v", cs, err)
	}
	var evs []warden.AuditEvent
	db.AuditEvents(ctx, warden.AuditFilter{Action: "list.check"}, func(e warden.AuditEvent) error { evs = append(evs, e); return nil })
	if len(evs) != 3 || evs[0].Object != "list:un" {
		t.Errorf("checks audited as %+v", evs)
	}
}
