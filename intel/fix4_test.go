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
)

// TestPullInterrupted pulls four objects added at the same instant, in
// two pages linked by next, the second failing once: the pull says it
// stopped half-way, the feed keeps its position, and the next pull gets
// the two objects the first did not, none lost.
func TestPullInterrupted(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		p := newPartner(t)
		at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
		for n := 41; n <= 44; n++ {
			p.add(at, feedIndicator(n))
		}
		p.failMid = 1
		s := intel.New(db)
		if _, err := s.AddFeed(feedOfficer, intel.Feed{Name: "same-instant", URL: p.srv.URL + "/api/", Collection: "c-1", Token: "partner-token"}); err != nil {
			t.Fatal(err)
		}
		rep, err := s.Pull(feedAnalyst, "same-instant")
		if warden.ErrorCode(err) != warden.EINVALID || !strings.HasPrefix(warden.ErrorMessage(err), "url: the partner answered HTTP 503") || !strings.Contains(warden.ErrorMessage(err), "stopped") {
			t.Errorf("a pull failing half-way: %v, want invalid naming url, the status and that it stopped", err)
		}
		if rep.Added != 2 {
			t.Errorf("the first page: %+v", rep)
		}
		f := feed(t, s, "same-instant")
		if !f.AddedAfter.IsZero() || f.LastError == "" || f.Pulled != 2 {
			t.Errorf("the feed after a pull stopped half-way: %+v, want its old position, the error and 2 pulled", f)
		}
		rep, err = s.Pull(feedAnalyst, "same-instant")
		if err != nil || rep.Added != 2 || rep.Unchanged != 2 {
			t.Fatalf("the next pull: %+v %v, want the 2 missing added and 2 unchanged", rep, err)
		}
		for n := 41; n <= 44; n++ {
			if _, err := s.Object(feedAnalyst, sstix.ID("indicator", fmt.Sprintf("feeds-test:%d", n))); err != nil {
				t.Errorf("object %d: %v", n, err)
			}
		}
		if f := feed(t, s, "same-instant"); !f.AddedAfter.Equal(at) || f.LastError != "" || f.Pulled != 6 {
			t.Errorf("the feed after a whole pull: %+v, want its position at the last date added", f)
		}
	})
}
