package store_test

import (
	"context"
	"testing"
	"time"

	"warden"
	"warden/store"
	"warden/store/storetest"
)

// TestListChecks: on both engines, files that hold the current version
// exactly record a check, not a version; the list's date is the newest
// stated for its current version or a check of it, else the latest
// earlier version's; last changed and last checked follow.
func TestListChecks(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := warden.WithPrincipal(context.Background(), warden.Operator)
		now := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
		db.SetClock(func() time.Time { return now })
		begin := func(es ...*warden.Entity) *store.Import {
			t.Helper()
			im, err := db.BeginImport(ctx, "un", "un-xml", false)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range es {
				if err := im.Put(e); err != nil {
					t.Fatal(err)
				}
			}
			return im
		}
		a, b := party("1", "A"), party("2", "B")
		if _, err := begin(a, b).Commit(warden.SourceMeta{Published: "2026-02-27"}); err != nil {
			t.Fatal(err)
		}
		steps := []struct {
			name      string
			es        []*warden.Entity
			published string
			wantCheck bool
			date      string
			dateV     int
		}{
			{"same parties, newer date", []*warden.Entity{a, b}, "2026-03-01", true, "2026-03-01", 1},
			{"same parties, older date", []*warden.Entity{a, b}, "2026-01-01", true, "2026-03-01", 1},
			{"a change, no date", []*warden.Entity{a}, "", false, "2026-02-27", 1},
			{"same again, no date", []*warden.Entity{a}, "", true, "2026-02-27", 1},
			{"a change, dated", []*warden.Entity{a, b}, "2026-04-01", false, "2026-04-01", 3},
		}
		for i, st := range steps {
			now = now.Add(time.Hour)
			im := begin(st.es...)
			if im.Unchanged() != st.wantCheck {
				t.Fatalf("%s: unchanged %v", st.name, im.Unchanged())
			}
			var v warden.ListVersion
			var err error
			if st.wantCheck {
				v, err = im.Check(warden.SourceMeta{Published: st.published})
			} else {
				v, err = im.Commit(warden.SourceMeta{Published: st.published})
			}
			if err != nil || v.Unchanged != st.wantCheck {
				t.Fatalf("%s: %+v %v", st.name, v, err)
			}
			l, err := db.List(ctx, "un")
			if err != nil || l.ListDate != st.date || l.ListDateVersion != st.dateV || !l.LastChecked.Equal(now) {
				t.Errorf("step %d %s: list %+v %v; want date %s of version %d, checked %v", i, st.name, l, err, st.date, st.dateV, now)
			}
			if ls, err := db.Lists(ctx); err != nil || len(ls) != 1 || ls[0] != l {
				t.Errorf("%s: Lists %+v %v, List %+v", st.name, ls, err, l)
			}
		}
		vs, _ := db.Versions(ctx, "un")
		cs, err := db.Checks(ctx, "un", 10)
		if len(vs) != 3 || err != nil || len(cs) != 3 || cs[0].Version != 2 || cs[2].Published != "2026-03-01" || cs[0].Actor != "operator" {
			t.Errorf("%d versions; checks %+v %v", len(vs), cs, err)
		}
		// A check of files that change the list is refused.
		if _, err := begin(b).Check(warden.SourceMeta{}); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("check of a change: %v", err)
		}
		// A check begun before another import committed is refused.
		stale := begin(a, b)
		if _, err := begin(a).Commit(warden.SourceMeta{}); err != nil {
			t.Fatal(err)
		}
		if _, err := stale.Check(warden.SourceMeta{}); warden.ErrorCode(err) != warden.ECONFLICT {
			t.Errorf("stale check: %v", err)
		}
	})
}
