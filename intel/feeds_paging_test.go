package intel_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"warden"
	"warden/intel"
	sstix "warden/sources/stix"
	"warden/store"
	"warden/store/storetest"
	"warden/taxii"
)

// TestPullDateOnly pulls from a partner that pages by date only (two
// objects a page, no next): a pull goes on from just before a page's
// last instant, so that objects added at that instant on the next page
// are not lost; a page all of one instant does not make it ask the same
// page for ever: it goes on after that instant and the feed's last_error
// says that objects of it may be missing.
func TestPullDateOnly(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	t1, t2 := t0.Add(time.Minute), t0.Add(2*time.Minute)
	tests := []struct {
		name    string
		added   []time.Time
		stored  []int // indexes of the objects stored
		asked   []string
		missing string // in last_error; "" for none
	}{
		{"straddling a page", []time.Time{t0, t1, t1}, []int{0, 1, 2},
			[]string{"", taxii.Timestamp(t1.Add(-time.Microsecond))}, ""},
		{"a page of one instant", []time.Time{t1, t1, t1, t2}, []int{0, 1, 3},
			[]string{"", taxii.Timestamp(t1.Add(-time.Microsecond)), taxii.Timestamp(t1)}, "more objects at " + t1.Format(time.RFC3339Nano)},
	}
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		for i, tc := range tests {
			p := newPartner(t)
			p.byDate = true
			for j, at := range tc.added {
				p.add(at, feedIndicator(200+10*i+j))
			}
			s := intel.New(db)
			name := fmt.Sprint("date-only-", i)
			if _, err := s.AddFeed(feedOfficer, intel.Feed{Name: name, URL: p.srv.URL + "/api/", Collection: "c-1", Token: "partner-token"}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Pull(feedAnalyst, name); err != nil {
				t.Fatalf("%s: pull: %v", tc.name, err)
			}
			for _, j := range tc.stored {
				if _, err := s.Object(feedAnalyst, sstix.ID("indicator", fmt.Sprintf("feeds-test:%d", 200+10*i+j))); err != nil {
					t.Errorf("%s: object %d not stored: %v", tc.name, j, err)
				}
			}
			if got := strings.Join(p.asked, " "); got != strings.Join(tc.asked, " ") {
				t.Errorf("%s: asked added_after %q, want %q", tc.name, got, tc.asked)
			}
			f := feed(t, s, name)
			if tc.missing == "" && f.LastError != "" || tc.missing != "" && !strings.Contains(f.LastError, tc.missing) {
				t.Errorf("%s: last_error %q, want %q", tc.name, f.LastError, tc.missing)
			}
			if last := tc.added[len(tc.added)-1]; !f.AddedAfter.Equal(last) {
				t.Errorf("%s: position %v, want %v", tc.name, f.AddedAfter, last)
			}
		}
	})
}

// TestPullSkipsInvalid: a feed's page holding an indicator whose pattern
// is cut stores the good objects around it, reports the bad one in the
// pull's Errors and the feed's last_error, and moves the feed on; an
// upload of the same bundle stores nothing.
func TestPullSkipsInvalid(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		p := newPartner(t)
		t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
		cut := strings.Replace(string(feedIndicator(301)), "192.0.2.301']", "192.0.2.", 1)
		p.add(t0, feedIndicator(300), []byte(cut), feedIndicator(302))
		s := intel.New(db)
		if _, err := s.AddFeed(feedOfficer, intel.Feed{Name: "lenient", URL: p.srv.URL + "/api/", Collection: "c-1", Token: "partner-token"}); err != nil {
			t.Fatal(err)
		}
		bad := sstix.ID("indicator", "feeds-test:301")
		if _, err := s.Import(feedAnalyst, strings.NewReader(`{"type":"bundle","id":"bundle--6c1d6a34-1a0a-4f39-9a3c-3b0b9a0b7a33","objects":[`+string(feedIndicator(300))+`,`+cut+`]}`), intel.ImportOptions{}); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("an upload with the cut pattern: %v, want invalid (nothing stored)", err)
		}
		if _, err := s.Object(feedAnalyst, sstix.ID("indicator", "feeds-test:300")); warden.ErrorCode(err) != warden.ENOTFOUND {
			t.Errorf("the upload stored its good object: %v", err)
		}
		rep, err := s.Pull(feedAnalyst, "lenient")
		if err != nil || rep.Added != 2 || len(rep.Errors) != 1 || rep.Errors[0].Object != bad || rep.Errors[0].Path != "/pattern" {
			t.Fatalf("pull: %+v %v, want 2 added and the cut pattern in Errors", rep, err)
		}
		for _, n := range []int{300, 302} {
			if _, err := s.Object(feedAnalyst, sstix.ID("indicator", fmt.Sprintf("feeds-test:%d", n))); err != nil {
				t.Errorf("object %d: %v", n, err)
			}
		}
		if _, err := s.Object(feedAnalyst, bad); warden.ErrorCode(err) != warden.ENOTFOUND {
			t.Errorf("the cut pattern was stored: %v", err)
		}
		f := feed(t, s, "lenient")
		if !strings.Contains(f.LastError, "1 objects not stored") || !strings.Contains(f.LastError, bad+" at /pattern") || !f.AddedAfter.Equal(t0.Add(2*time.Second)) {
			t.Errorf("feed after the pull: %+v, want last_error naming %s and the position moved on", f, bad)
		}
	})
}
