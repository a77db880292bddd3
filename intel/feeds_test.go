package intel_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"warden"
	"warden/intel"
	"warden/jobs"
	sstix "warden/sources/stix"
	"warden/stix"
	"warden/store"
	"warden/store/storetest"
	"warden/taxii"
)

var (
	feedOfficer = warden.WithPrincipal(context.Background(), warden.Principal{Name: "officer", Role: warden.RoleSanctionsOfficer, Org: warden.HomeOrg, Kind: "user", Person: "officer"})
	feedAnalyst = warden.WithPrincipal(context.Background(), warden.Principal{Name: "analyst", Role: warden.RoleAnalyst, Org: warden.HomeOrg, Kind: "user", Person: "analyst"})
)

// TestFeeds checks a feed's configuration: what is refused, who may,
// and that its token is kept but never shown.
func TestFeeds(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s := intel.New(db)
		good := intel.Feed{Name: "partner-1", URL: "https://partner.example/taxii2/api/", Collection: "c-1", Token: "secret-token"}
		bad := []struct {
			name  string
			f     intel.Feed
			field string
		}{
			{"name with capitals", intel.Feed{Name: "Partner", URL: good.URL, Collection: "c"}, "name"},
			{"empty name", intel.Feed{URL: good.URL, Collection: "c"}, "name"},
			{"ftp url", intel.Feed{Name: "p", URL: "ftp://partner.example/", Collection: "c"}, "url"},
			{"url with password", intel.Feed{Name: "p", URL: "https://u:pw@partner.example/api/", Collection: "c"}, "url"},
			{"relative url", intel.Feed{Name: "p", URL: "/taxii2/api/", Collection: "c"}, "url"},
			{"no collection", intel.Feed{Name: "p", URL: good.URL}, "collection"},
			{"bad tlp", intel.Feed{Name: "p", URL: good.URL, Collection: "c", TLP: "pink"}, "tlp"},
			{"token with a newline", intel.Feed{Name: "p", URL: good.URL, Collection: "c", Token: "a\nb"}, "token"},
		}
		for _, tc := range bad {
			if _, err := s.AddFeed(feedOfficer, tc.f); warden.ErrorCode(err) != warden.EINVALID || !strings.HasPrefix(warden.ErrorMessage(err), tc.field) {
				t.Errorf("%s: %v, want invalid naming %s", tc.name, err, tc.field)
			}
		}
		if _, err := s.AddFeed(feedAnalyst, good); warden.ErrorCode(err) != warden.EFORBIDDEN {
			t.Errorf("an analyst adds a feed: %v", err)
		}
		f, err := s.AddFeed(feedOfficer, good)
		if err != nil {
			t.Fatal(err)
		}
		if f.Token != "" || f.TLP != warden.TLPAmber || f.CreatedBy != "officer" {
			t.Errorf("added: %+v", f)
		}
		if _, err := s.AddFeed(feedOfficer, good); warden.ErrorCode(err) != warden.ECONFLICT {
			t.Errorf("the same name again: %v", err)
		}
		fs, err := s.Feeds(feedOfficer)
		if err != nil || len(fs) != 1 || fs[0].Name != "partner-1" || fs[0].Token != "" {
			t.Fatalf("feeds: %+v %v", fs, err)
		}
		withToken, err := db.FeedToken(context.Background(), "partner-1")
		if err != nil || withToken.Token != "secret-token" {
			t.Errorf("the token is not kept: %+v %v", withToken, err)
		}
		b, _ := json.Marshal(intel.Feed(withToken))
		if strings.Contains(string(b), "secret-token") {
			t.Errorf("a feed's JSON shows its token: %s", b)
		}
		if err := s.RemoveFeed(feedOfficer, "partner-1"); err != nil {
			t.Fatal(err)
		}
		if err := s.RemoveFeed(feedOfficer, "partner-1"); warden.ErrorCode(err) != warden.ENOTFOUND {
			t.Errorf("removed twice: %v", err)
		}
		if _, err := s.Pull(feedOfficer, "partner-1"); warden.ErrorCode(err) != warden.ENOTFOUND {
			t.Errorf("pull of a removed feed: %v", err)
		}
	})
}

// partner is a TAXII server other than Warden: it holds objects added at
// known times and pages them two at a time, by next (or, if byDate, by
// date only, as some servers do); it records the added_after it was
// asked, and fails while down.
type partner struct {
	mu      sync.Mutex
	objects []json.RawMessage
	added   []time.Time
	byDate  bool
	down    bool
	failMid int           // requests for a next page still to fail with 503
	asked   []string      // added_after of each request
	served  chan struct{} // a send per request answered, if set
	srv     *httptest.Server
}

func newPartner(t *testing.T) *partner {
	p := &partner{}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *partner) add(t time.Time, objs ...json.RawMessage) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, o := range objs {
		p.objects = append(p.objects, o)
		p.added = append(p.added, t)
		t = t.Add(time.Second)
	}
}

func (p *partner) serve(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if r.Header.Get("Accept") != taxii.MediaType || r.Header.Get("Authorization") != "Bearer partner-token" {
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"title":"Unauthorized"}`)
		return
	}
	if p.down || p.failMid > 0 && r.URL.Query().Get("next") != "" {
		if !p.down {
			p.failMid--
		}
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, `{"title":"Service Unavailable","description":"maintenance"}`)
		return
	}
	q := r.URL.Query()
	p.asked = append(p.asked, q.Get("added_after"))
	var after time.Time
	if v := q.Get("added_after"); v != "" {
		after, _ = taxii.ParseTime(v)
	}
	start := 0
	if n := q.Get("next"); n != "" {
		fmt.Sscan(n, &start)
	}
	var e taxii.Envelope
	var first, last time.Time
	i := start
	for ; i < len(p.objects) && len(e.Objects) < 2; i++ {
		if !p.added[i].After(after) {
			continue
		}
		if first.IsZero() {
			first = p.added[i]
		}
		last = p.added[i]
		e.Objects = append(e.Objects, p.objects[i])
	}
	for j := i; j < len(p.objects); j++ {
		if p.added[j].After(after) {
			e.More = true
		}
	}
	if e.More && !p.byDate {
		e.Next = fmt.Sprint(i)
	}
	if !first.IsZero() {
		w.Header().Set("X-TAXII-Date-Added-First", taxii.Timestamp(first))
		w.Header().Set("X-TAXII-Date-Added-Last", taxii.Timestamp(last))
	}
	w.Header().Set("Content-Type", taxii.MediaType)
	json.NewEncoder(w).Encode(e)
	if p.served != nil {
		p.served <- struct{}{}
	}
}

// feedIndicator is a valid indicator, unmarked, numbered n.
func feedIndicator(n int) json.RawMessage {
	b, _ := json.Marshal(map[string]any{"type": "indicator", "spec_version": "2.1", "id": sstix.ID("indicator", fmt.Sprintf("feeds-test:%d", n)),
		"created": "2026-01-10T09:00:00.000Z", "modified": "2026-01-10T09:00:00.000Z", "name": fmt.Sprint("partner indicator ", n),
		"pattern": fmt.Sprintf("[ipv4-addr:value = '192.0.2.%d']", n), "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z"})
	return b
}

// TestPull pulls a partner's collection page by page, from servers that
// page by next and by date only, resuming from the last date added; a
// failure is recorded on the feed and the next pull goes on from where
// the last one stored.
func TestPull(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		for _, byDate := range []bool{false, true} {
			p := newPartner(t)
			p.byDate = byDate
			t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
			off := 0
			if byDate {
				off = 100
			}
			p.add(t0, feedIndicator(off+1), feedIndicator(off+2), feedIndicator(off+3), feedIndicator(off+4), feedIndicator(off+5))
			// A date-only partner's pages after the first begin with the
			// last object of the page before, asked again: pulled counts
			// what was received, 5 objects in 4 pages of 2.
			received := int64(5)
			if byDate {
				received = 8
			}
			s := intel.New(db)
			name := fmt.Sprint("partner-", byDate)
			if _, err := s.AddFeed(feedOfficer, intel.Feed{Name: name, URL: p.srv.URL + "/api/", Collection: "c-1", Token: "partner-token", TLP: warden.TLPGreen}); err != nil {
				t.Fatal(err)
			}
			if rep, err := s.Pull(feedAnalyst, name); err != nil || rep.Added != 5 {
				t.Fatalf("by date %v: pull %+v %v", byDate, rep, err)
			}
			f := feed(t, s, name)
			if f.Pulled != received || !f.AddedAfter.Equal(t0.Add(4*time.Second)) || f.LastError != "" || f.LastPull.IsZero() {
				t.Errorf("by date %v: feed after a pull %+v", byDate, f)
			}
			o, err := s.Object(feedAnalyst, sstix.ID("indicator", fmt.Sprintf("feeds-test:%d", off+3)))
			if err != nil || o.TLP != warden.TLPGreen || o.Source != "taxii:"+name {
				t.Errorf("by date %v: pulled indicator %+v %v", byDate, o, err)
			}
			// Down: the failure is recorded, added_after kept.
			p.down = true
			if _, err := s.Pull(feedAnalyst, name); warden.ErrorCode(err) != warden.EINVALID || warden.ErrorMessage(err) != "url: the partner answered HTTP 503" {
				t.Errorf("by date %v: a pull from a server down: %v, want invalid naming the status only", byDate, err)
			}
			if f := feed(t, s, name); !strings.Contains(f.LastError, "maintenance") || !f.AddedAfter.Equal(t0.Add(4*time.Second)) {
				t.Errorf("by date %v: feed after a failure %+v", byDate, f)
			}
			// Up again, with one more object: only it is asked for.
			p.down = false
			p.add(t0.Add(time.Hour), feedIndicator(off+6))
			p.asked = nil
			rep2, err := s.Pull(feedAnalyst, name)
			if err != nil || rep2.Total != 1 || rep2.Added != 1 {
				t.Errorf("by date %v: the next pull %+v %v", byDate, rep2, err)
			}
			if len(p.asked) != 1 || p.asked[0] != taxii.Timestamp(t0.Add(4*time.Second)) {
				t.Errorf("by date %v: asked %v", byDate, p.asked)
			}
			if f := feed(t, s, name); f.LastError != "" || f.Pulled != received+1 {
				t.Errorf("by date %v: feed after the next pull %+v", byDate, f)
			}
		}
	})
}

func feed(t *testing.T, s *intel.Service, name string) intel.Feed {
	t.Helper()
	fs, err := s.Feeds(feedOfficer)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if f.Name == name {
			return f
		}
	}
	t.Fatalf("no feed %s", name)
	return intel.Feed{}
}

// TestPullJobs runs the periodic pull on a real job queue: intel.pull_all
// queues a pull of every feed, each pull stores the partner's objects.
func TestPullJobs(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		p := newPartner(t)
		p.served = make(chan struct{}, 10)
		p.add(time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC), feedIndicator(7), feedIndicator(8), feedIndicator(9))
		s := intel.New(db)
		for _, name := range []string{"one", "two"} {
			if _, err := s.AddFeed(feedOfficer, intel.Feed{Name: name, URL: p.srv.URL + "/api/", Collection: "c-" + name, Token: "partner-token"}); err != nil {
				t.Fatal(err)
			}
		}
		w := river.NewWorkers()
		intel.Workers(s, w, t.Logf)
		ctx := context.Background()
		q, err := jobs.Open(ctx, db, jobs.Config{Workers: w, PollInterval: 20 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := q.Insert(ctx, intel.PullAllArgs{}, nil); err != nil {
			t.Fatal(err)
		}
		// Each feed's pull asks the partner once; the queue stops once
		// the jobs running have finished.
		for range 2 {
			select {
			case <-p.served:
			case <-time.After(30 * time.Second):
				t.Fatal("the feeds were not pulled")
			}
		}
		if err := q.Stop(ctx); err != nil {
			t.Fatal(err)
		}
		if one, two := feed(t, s, "one"), feed(t, s, "two"); one.Pulled != 3 || two.Pulled != 3 {
			t.Fatalf("the feeds after the pulls: %+v %+v", one, two)
		}
		if _, err := s.Object(feedAnalyst, sstix.ID("indicator", "feeds-test:8")); err != nil {
			t.Error(err)
		}
		if len(intel.PeriodicJobs(time.Minute)) != 2 {
			t.Error("PeriodicJobs: want the pull of every feed and the lists' sync")
		}
	})
}

// TestPushDropsRed pushes a selection holding RED objects to a partner:
// they, and the RED marking definition, are never sent.
func TestPushDropsRed(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		var got taxii.Envelope
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != "POST" || r.Header.Get("Content-Type") != taxii.MediaType {
				w.WriteHeader(http.StatusUnsupportedMediaType)
				return
			}
			json.NewDecoder(r.Body).Decode(&got)
			w.Header().Set("Content-Type", taxii.MediaType)
			w.WriteHeader(http.StatusAccepted)
			fmt.Fprintf(w, `{"id":"st-1","status":"complete","total_count":%d,"success_count":%d,"failure_count":0,"pending_count":0}`, len(got.Objects), len(got.Objects))
		}))
		defer srv.Close()
		s := intel.New(db)
		mk := func(typ, name string, tlp warden.TLP, props map[string]any) map[string]any {
			o := map[string]any{"type": typ, "spec_version": "2.1", "id": sstix.ID(typ, "push-test:"+name), "created": "2026-01-10T09:00:00.000Z",
				"modified": "2026-01-10T09:00:00.000Z", "name": name, "object_marking_refs": []string{stix.TLPMarkingID(tlp)}}
			for k, v := range props {
				o[k] = v
			}
			return o
		}
		inc := mk("incident", "Incident", warden.TLPAmber, nil)
		red := mk("threat-actor", "Secret actor", warden.TLPRed, nil)
		rel := mk("relationship", "rel", warden.TLPRed, map[string]any{"relationship_type": "related-to", "source_ref": inc["id"], "target_ref": red["id"]})
		delete(rel, "name")
		lonely := mk("threat-actor", "Lonely actor", warden.TLPRed, nil)
		b, _ := json.Marshal(map[string]any{"type": "bundle", "id": stix.NewID("bundle"), "objects": []any{inc, red, rel, lonely}})
		if rep, err := s.Import(feedAnalyst, strings.NewReader(string(b)), intel.ImportOptions{}); err != nil {
			t.Fatalf("%v %+v", err, rep.Errors)
		}
		if err := db.CreateOrg(context.Background(), warden.Organisation{ID: "partner", Name: "Partner", Kind: "counterpart", CreatedAt: time.Now()}, nil); err != nil {
			t.Fatal(err)
		}
		c, err := s.CreateCollection(feedOfficer, warden.Collection{Title: "To the partner", Orgs: []string{"partner"}, CanRead: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Share(feedOfficer, c.ID, []string{inc["id"].(string)}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Push(feedAnalyst, srv.URL+"/api/", "c-1", "tok", intel.Selection{IDs: []string{lonely["id"].(string)}, For: "partner"}); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("a push of only RED: %v, want invalid", err)
		}
		// The incident's closure holds the RED relationship and actor.
		status, err := s.Push(feedAnalyst, srv.URL+"/api/", "c-1", "tok", intel.Selection{IDs: []string{inc["id"].(string)}, For: "partner"})
		if err != nil || status != "complete" {
			t.Fatalf("push: %q %v", status, err)
		}
		var sent []string
		for _, o := range got.Objects {
			if intel.IsRed(o) {
				t.Errorf("sent a RED object: %s", o)
			}
			var x struct{ ID string }
			json.Unmarshal(o, &x)
			sent = append(sent, x.ID)
		}
		if len(sent) != 2 || !strings.Contains(strings.Join(sent, " "), inc["id"].(string)) || strings.Contains(strings.Join(sent, " "), stix.TLPMarkingID(warden.TLPRed)) {
			t.Errorf("sent %v", sent)
		}
		screener := warden.WithPrincipal(context.Background(), warden.Principal{Name: "screener", Role: warden.RoleScreener, Org: warden.HomeOrg, Kind: "user"})
		if _, err := s.Push(screener, srv.URL+"/api/", "c-1", "tok", intel.Selection{IDs: []string{inc["id"].(string)}, For: "partner"}); warden.ErrorCode(err) != warden.EFORBIDDEN {
			t.Errorf("a screener pushes: %v", err)
		}
	})
}
