package intel_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"warden"
	"warden/intel"
	"warden/sources/sourcetest"
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

// TestRevokedStaysRevoked imports newer versions of a revoked object,
// after the revocation and in the bundle that revokes it: each is
// skipped and reported, and the object stays revoked and out of
// screening.
func TestRevokedStaysRevoked(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s, clock := coreService(t, db)
		const id = "indicator--7f0b4a1e-56c2-4d0e-9a55-1c5c7c3f0a01"
		pattern := "[ipv4-addr:value = '198.51.100.77']"
		coreImport(t, s, coreBundle(coreIndicator(id, "2026-01-01T00:00:00.000Z", pattern)))
		clock.Add(time.Hour)
		if _, err := s.Revoke(coreAnalyst, id, "a false positive"); err != nil {
			t.Fatal(err)
		}
		const batch = "indicator--7f0b4a1e-56c2-4d0e-9a55-1c5c7c3f0a02"
		for name, bundle := range map[string]string{
			"a newer version": coreBundle(coreIndicator(id, "2027-01-01T00:00:00.000Z", pattern)),
			"in the same bundle": coreBundle(coreIndicator(batch, "2026-02-01T00:00:00.000Z", pattern),
				strings.Replace(coreIndicator(batch, "2026-03-01T00:00:00.000Z", pattern), `"pattern"`, `"revoked":true,"pattern"`, 1),
				coreIndicator(batch, "2026-04-01T00:00:00.000Z", pattern)),
		} {
			rep := coreImport(t, s, bundle)
			if len(rep.Skipped) != 1 || rep.Skipped[0].Message != "revoked: an object revoked stays revoked" {
				t.Errorf("%s: skipped %+v, want it skipped as revoked", name, rep.Skipped)
			}
		}
		for _, x := range []string{id, batch} {
			o, err := s.Object(coreAnalyst, x)
			if err != nil || !o.Revoked {
				t.Errorf("%s after the imports: %+v %v, want it revoked", x, o, err)
			}
			if obs, err := db.IntelObservables(coreAnalyst, x); err != nil || len(obs) != 0 {
				t.Errorf("%s screens again: %+v %v", x, obs, err)
			}
		}
		// The same revoked version again is unchanged, not skipped.
		rep := coreImport(t, s, coreBundle(strings.Replace(coreIndicator(batch, "2026-03-01T00:00:00.000Z", pattern), `"pattern"`, `"revoked":true,"pattern"`, 1)))
		if rep.Unchanged != 1 || len(rep.Skipped) != 0 {
			t.Errorf("the revoked version again: %+v", rep)
		}
	})
}

// TestValidUntilBeforeFrom refuses an indicator valid until before it is
// valid from, in a bundle and when a person writes it.
func TestValidUntilBeforeFrom(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s, _ := coreService(t, db)
		const id = "indicator--7f0b4a1e-56c2-4d0e-9a55-1c5c7c3f0a03"
		ind := strings.Replace(coreIndicator(id, "2026-01-01T00:00:00.000Z", "[ipv4-addr:value = '198.51.100.78']"), `"pattern"`, `"valid_until":"2025-12-31T00:00:00Z","pattern"`, 1)
		rep, err := s.Import(coreAnalyst, strings.NewReader(coreBundle(ind)), intel.ImportOptions{})
		if coreCode(err) != warden.EINVALID || len(rep.Errors) != 1 || rep.Errors[0].Object != id || rep.Errors[0].Path != "/valid_until" {
			t.Errorf("import: %v %+v, want invalid naming /valid_until", err, rep.Errors)
		}
		in := intel.Input{Type: "indicator", TLP: warden.TLPGreen, Fields: map[string]any{"name": "x", "pattern": "[ipv4-addr:value = '198.51.100.79']",
			"valid_from": "2026-03-01T00:00:00Z", "valid_until": "2026-02-01T00:00:00Z"}}
		if _, err := s.Create(coreAnalyst, in); coreCode(err) != warden.EINVALID || !strings.HasPrefix(warden.ErrorMessage(err), "valid_until:") {
			t.Errorf("create: %v, want invalid naming valid_until", err)
		}
		in.Fields["valid_until"] = "2026-04-01T00:00:00Z"
		o, err := s.Create(coreAnalyst, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Update(coreAnalyst, o.ID, intel.Input{Fields: map[string]any{"valid_until": "2026-01-01T00:00:00Z"}}); coreCode(err) != warden.EINVALID || !strings.HasPrefix(warden.ErrorMessage(err), "valid_until:") {
			t.Errorf("update: %v, want invalid naming valid_until", err)
		}
	})
}

// TestInstallationIdentity checks that each installation signs what it
// writes with an identity of its own, created once, stored as a CLEAR
// identity object, exported with what names it, and never imported over.
func TestInstallationIdentity(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s, _ := coreService(t, db)
		other := intel.New(storetest.OpenSQLite(t))
		creator := func(s *intel.Service) (warden.IntelObject, string) {
			t.Helper()
			o, err := s.Create(coreAnalyst, intel.Input{Type: "incident", TLP: warden.TLPGreen, Fields: map[string]any{"name": "Ransomware at a bank"}})
			if err != nil {
				t.Fatal(err)
			}
			var x struct {
				By string `json:"created_by_ref"`
			}
			json.Unmarshal(o.Object, &x)
			return o, x.By
		}
		inc, mine := creator(s)
		_, again := creator(s)
		_, theirs := creator(other)
		legacy := sstix.ID("identity", "warden-authority")
		if mine == "" || mine != again || mine == theirs || mine == legacy || theirs == legacy {
			t.Fatalf("created_by_ref: %q then %q here, %q on another installation; want one of each installation's own", mine, again, theirs)
		}
		id, err := s.Object(coreA, mine)
		if err != nil || id.Type != "identity" || id.TLP != warden.TLPClear {
			t.Fatalf("the identity as a counterpart reads it: %+v %v", id, err)
		}
		var props struct {
			Name  string `json:"name"`
			Class string `json:"identity_class"`
		}
		json.Unmarshal(id.Object, &props)
		if props.Name != "Warden authority" || props.Class != "organization" {
			t.Errorf("the identity: %s", id.Object)
		}

		// People may rename it, not hide it nor revoke it.
		if _, err := s.Update(coreAnalyst, mine, intel.Input{TLP: warden.TLPAmber}); coreCode(err) != warden.EINVALID || !strings.HasPrefix(warden.ErrorMessage(err), "tlp:") {
			t.Errorf("the identity marked AMBER: %v", err)
		}
		if _, err := s.Revoke(coreAnalyst, mine, "no"); coreCode(err) != warden.EINVALID || !strings.HasPrefix(warden.ErrorMessage(err), "id:") {
			t.Errorf("the identity revoked: %v", err)
		}
		renamed, err := s.Update(coreAnalyst, mine, intel.Input{Fields: map[string]any{"name": "Office of Sanctions"}})
		if err != nil {
			t.Fatal(err)
		}
		id = renamed

		// Exports hold it: by id, and a collection's.
		col, err := s.CreateCollection(coreAdmin, warden.Collection{Title: "To A", Orgs: []string{"org-a"}, CanRead: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Share(coreAnalyst, col.ID, []string{inc.ID}); err != nil {
			t.Fatal(err)
		}
		for name, sel := range map[string]intel.Selection{"ids": {IDs: []string{inc.ID}}, "collection": {Collection: col.ID}, "for": {For: "org-a"}} {
			b, _, err := s.Export(coreAnalyst, sel)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if !strings.Contains(string(b), `"id":"`+mine+`"`) {
				t.Errorf("export by %s lacks the identity its objects name: %s", name, b)
			}
		}

		// An import never writes over it: another object under its id is
		// kept out; the same one is unchanged.
		forged := strings.Replace(string(id.Object), `"Office of Sanctions"`, `"Mallory"`, 1)
		forged = strings.Replace(forged, id.Modified.Format("2006-01-02T15:04:05.000Z"), "2030-01-01T00:00:00.000Z", 1)
		rep := coreImport(t, s, coreBundle(forged, string(id.Object)))
		if !skippedWith(rep, mine, "reserved id") || rep.Unchanged != 1 {
			t.Errorf("importing the identity: %+v", rep)
		}
		if now, err := s.Object(coreAnalyst, mine); err != nil || !now.Modified.Equal(id.Modified) {
			t.Errorf("the identity after the import: %+v %v", now, err)
		}
	})
}

// TestCollectionVersionsAdded reads every version of an object shared in
// a collection, as the TAXII manifest does: each is added when it was
// stored, or when the object was shared if later; a new version does not
// move the older ones' date, and added_after selects by that date.
func TestCollectionVersionsAdded(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s, clock := coreService(t, db)
		const id = "incident--7f0b4a1e-56c2-4d0e-9a55-1c5c7c3f0a04"
		green := `"name":"Shared","object_marking_refs":["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"]`
		coreImport(t, s, coreBundle(coreObject("incident", id, "2026-01-01T00:00:00.000Z", green)))
		clock.Add(time.Hour)
		col, err := s.CreateCollection(coreAdmin, warden.Collection{Title: "To A", Orgs: []string{"org-a"}, CanRead: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Share(coreAnalyst, col.ID, []string{id}); err != nil {
			t.Fatal(err)
		}
		shared := clock.Now()
		clock.Add(time.Hour)
		coreImport(t, s, coreBundle(coreObject("incident", id, "2026-02-01T00:00:00.000Z", green)))
		second := clock.Now()
		// An older version arriving last is added when it arrives.
		clock.Add(time.Hour)
		coreImport(t, s, coreBundle(coreObject("incident", id, "2025-12-01T00:00:00.000Z", green)))
		late := clock.Now()

		added := func(f intel.Filter) map[string]time.Time {
			t.Helper()
			page, err := s.Objects(coreA, f)
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]time.Time{}
			for _, o := range page.Objects {
				out[o.Modified.Format("2006-01")] = o.Added
			}
			return out
		}
		got := added(intel.Filter{Collection: col.ID, Versions: "all"})
		want := map[string]time.Time{"2026-01": shared, "2026-02": second, "2025-12": late}
		if len(got) != 3 {
			t.Fatalf("versions: %v", got)
		}
		for v, at := range want {
			if !got[v].Equal(at) {
				t.Errorf("version %s added %s, want %s", v, got[v], at)
			}
		}
		got = added(intel.Filter{Collection: col.ID, Versions: "all", AddedAfter: shared})
		if len(got) != 2 || got["2026-01"] != (time.Time{}) {
			t.Errorf("versions added after the share: %v, want the two stored since", got)
		}
		got = added(intel.Filter{Collection: col.ID})
		if len(got) != 1 || !got["2026-02"].Equal(second) {
			t.Errorf("the current version: %v", got)
		}
	})
}

// TestListIndicatorsIdentity checks that the indicators of listed
// parties are signed by the installation's identity, which is stored.
func TestListIndicatorsIdentity(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		importOFAC(t, db, sourcetest.OFACSample(t, "ofac"))
		s := intel.New(db)
		op := warden.WithPrincipal(context.Background(), warden.Operator)
		if n, err := s.SyncListIndicators(op); err != nil || n == 0 {
			t.Fatalf("sync: %d %v", n, err)
		}
		mine, err := db.IntelIdentity(op)
		if err != nil || mine == "" {
			t.Fatalf("the identity: %q %v", mine, err)
		}
		if _, err := s.Object(op, mine); err != nil {
			t.Errorf("the identity is not stored: %v", err)
		}
		page, err := s.Objects(op, intel.Filter{Types: []string{"indicator"}, Limit: 1000})
		if err != nil || len(page.Objects) == 0 {
			t.Fatalf("indicators: %d %v", len(page.Objects), err)
		}
		for _, o := range page.Objects {
			var x struct {
				By string `json:"created_by_ref"`
			}
			json.Unmarshal(o.Object, &x)
			if x.By != mine {
				t.Fatalf("%s is created by %q, want the installation's identity %s", o.ID, x.By, mine)
			}
		}
	})
}
