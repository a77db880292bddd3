package screening_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"warden"
	"warden/match"
	"warden/screening"
	"warden/store"
	"warden/store/storetest"
)

// putDated imports es as a new version of list with the list's own date.
func putDated(t *testing.T, db *store.DB, list, date string, es ...*warden.Entity) {
	t.Helper()
	im, err := db.BeginImport(context.Background(), list, "test", false)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if err := im.Put(e); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := im.Commit(warden.SourceMeta{Published: date}); err != nil {
		t.Fatal(err)
	}
}

// TestRecordScreening records a single search and a batch and reads them
// back: who, the query, the list versions with their dates, the summary
// and the hits explained; the audit event holds the record's digest; the
// list filters select what they say.
func TestRecordScreening(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		alice := warden.Principal{Name: "alice", Role: warden.RoleScreener, Kind: "user", Person: "alice"}
		ctx := warden.WithPrincipal(context.Background(), alice)
		putDated(t, db, "ofac", "2024-07-02", person("1", "YAKUBETS, Maksim Viktorovich"))
		putDated(t, db, "ofac", "2024-07-09", person("1", "YAKUBETS, Maksim Viktorovich"), person("2", "Evil Corp"))
		putDated(t, db, "un", "", person("9", "Ivan Petrov"))
		s := screening.New(db)
		if _, err := s.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		q := match.Query{Names: []string{"Maxim Yakubets"}, BirthDates: []string{"1987-05-20"}, Countries: []string{"RU"}}
		hits, err := s.Screen(ctx, q, match.Options{})
		if err != nil || len(hits) == 0 {
			t.Fatalf("screen: %v %v", hits, err)
		}
		rec := s.NewRecord(ctx, warden.ChannelAPI, match.Options{Threshold: 0.8})
		rec.Add("", screening.View(q, hits))
		sc, err := rec.Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.Screening(ctx, sc.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantLists := []warden.ScreenedList{{List: "ofac", Version: 2, Date: "2024-07-09"}, {List: "un", Version: 1}}
		if len(got.Lists) != len(wantLists) {
			t.Fatalf("lists %+v, want %+v", got.Lists, wantLists)
		}
		for i, w := range wantLists {
			l := got.Lists[i]
			if l.List != w.List || l.Version != w.Version || l.Date != w.Date || l.Imported.IsZero() {
				t.Errorf("list %d = %+v, want %+v with its import time", i, l, w)
			}
		}
		if got.Actor != "alice" || got.Role != warden.RoleScreener || got.Channel != warden.ChannelAPI || got.Threshold != 0.8 || got.Queries != 1 {
			t.Errorf("record %+v", got)
		}
		it := got.Items[0]
		if it.Query.Names[0] != "Maxim Yakubets" || it.Query.BirthDates[0] != "1987-05-20" || it.Query.Countries[0] != "RU" || it.BestID != "ofac:1" || !it.Match {
			t.Errorf("item %+v", it)
		}
		if got.Hits != len(hits) || got.Matches < 1 || got.BestScore != float64(int(hits[0].Score*1000+0.5))/1000 {
			t.Errorf("summary hits %d matches %d best %v; screened %d hits, best %v", got.Hits, got.Matches, got.BestScore, len(hits), hits[0].Score)
		}
		if len(got.Top) == 0 || got.Top[0].EntityID != "ofac:1" || !strings.Contains(got.Top[0].Explanation, "against listed") {
			t.Errorf("top %+v", got.Top)
		}
		if got.Digest == "" || got.Digest != sc.Digest {
			t.Errorf("digest %q, saved %q", got.Digest, sc.Digest)
		}
		var ev *warden.AuditEvent
		db.AuditEvents(ctx, warden.AuditFilter{Object: fmt.Sprintf("screening:%d", sc.ID)}, func(e warden.AuditEvent) error { ev = &e; return nil })
		if ev == nil || ev.Action != "screening.record" || ev.Actor != "alice" {
			t.Fatalf("audit event %+v", ev)
		}
		var detail map[string]any
		json.Unmarshal(ev.Detail, &detail)
		if detail["digest"] != sc.Digest {
			t.Errorf("audit detail %s lacks the digest %s", ev.Detail, sc.Digest)
		}

		// A batch by another principal is one record with every query.
		bob := warden.WithPrincipal(context.Background(), warden.Principal{Name: "bob", Role: warden.RoleAnalyst, Kind: "token", Person: "bob"})
		var rows []screening.Row
		for i, n := range []string{"Evil Corp", "Nobody Atall", "Ivan Petrov"} {
			r, err := screening.NewRow(fmt.Sprintf("line %d", i+2), match.Query{Names: []string{n}})
			if err != nil {
				t.Fatal(err)
			}
			rows = append(rows, r)
		}
		brec := s.NewRecord(bob, warden.ChannelBatch, match.Options{})
		err = s.Batch(bob, rows, match.Options{}, func(r screening.Row, resp screening.Response) error { brec.Add(r.Pos, resp); return nil }, nil)
		if err != nil {
			t.Fatal(err)
		}
		bsc, err := brec.Save(bob)
		if err != nil {
			t.Fatal(err)
		}
		b, err := db.Screening(ctx, bsc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if b.Queries != 3 || len(b.Items) != 3 || b.Items[1].Pos != "line 3" || b.Items[1].Hits != 0 || b.Items[2].BestID != "un:9" || b.Threshold != match.DefaultThreshold {
			t.Errorf("batch record %+v", b)
		}

		tests := []struct {
			name string
			f    warden.ScreeningFilter
			want []int64
		}{
			{"all, newest first", warden.ScreeningFilter{}, []int64{bsc.ID, sc.ID}},
			{"actor", warden.ScreeningFilter{Actor: "alice"}, []int64{sc.ID}},
			{"channel", warden.ScreeningFilter{Channel: warden.ChannelBatch}, []int64{bsc.ID}},
			{"name word", warden.ScreeningFilter{Name: "PETROV"}, []int64{bsc.ID}},
			{"name not there", warden.ScreeningFilter{Name: "100%"}, nil},
			{"paging", warden.ScreeningFilter{Before: bsc.ID}, []int64{sc.ID}},
			{"limit", warden.ScreeningFilter{Limit: 1}, []int64{bsc.ID}},
			{"since", warden.ScreeningFilter{Since: sc.Time.Add(24 * 3600e9)}, nil},
		}
		for _, tc := range tests {
			ss, err := db.Screenings(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, x := range ss {
				ids = append(ids, x.ID)
				if len(x.Lists) != 2 || len(x.Items) != 1 {
					t.Errorf("%s: listed record %d has lists %v items %d", tc.name, x.ID, x.Lists, len(x.Items))
				}
			}
			if fmt.Sprint(ids) != fmt.Sprint(tc.want) {
				t.Errorf("%s: %v, want %v", tc.name, ids, tc.want)
			}
		}
	})
}
