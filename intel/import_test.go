package intel_test

import (
	"context"
	"encoding/json"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"warden"
	"warden/intel"
	"warden/sources/sourcetest"
	"warden/stix"
	"warden/store"
	"warden/store/storetest"
)

// Ids of the import tests.
const (
	coreInd1 = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"
	coreInd2 = "indicator--c410e480-e42b-47d1-9476-85307c12bcbf"
	coreInc1 = "incident--7a3d5a2b-1c4e-4e7f-9a65-2a1a3cc6a001"
)

func TestImportIdempotent(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s, clock := coreService(t, db)
		v1 := coreIndicator(coreInd1, "2026-01-01T00:00:00.000Z", "[ipv4-addr:value = '198.51.100.1']")
		v2 := coreIndicator(coreInd1, "2026-02-01T00:00:00.000Z", "[ipv4-addr:value = '198.51.100.2']")
		v0 := coreIndicator(coreInd1, "2025-12-01T00:00:00.000Z", "[ipv4-addr:value = '198.51.100.0']")
		inc := coreObject("incident", coreInc1, "2026-01-01T00:00:00.000Z", `"name":"Outage"`)

		first := coreImport(t, s, coreBundle(v1, inc))
		if first.Added != 2 || first.Versions != 0 || first.Unchanged != 0 || first.Total != 2 {
			t.Fatalf("first import: %+v", first)
		}
		clock.Add(time.Minute)
		again := coreImport(t, s, coreBundle(v1, inc))
		if again.Added != 0 || again.Versions != 0 || again.Unchanged != 2 {
			t.Fatalf("the same bundle again: %+v", again)
		}
		clock.Add(time.Minute)
		newer := coreImport(t, s, coreBundle(v2))
		if newer.Versions != 1 || newer.Added != 0 {
			t.Fatalf("a newer version: %+v", newer)
		}
		cur, err := s.Object(coreAnalyst, coreInd1)
		if err != nil {
			t.Fatal(err)
		}
		if !cur.Modified.Equal(time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)) || !cur.Current || cur.Name != "ind 3f" && cur.Name == "" {
			t.Fatalf("current after a newer version: %+v", cur)
		}
		clock.Add(time.Minute)
		older := coreImport(t, s, coreBundle(v0))
		if older.Versions != 1 {
			t.Fatalf("an older version: %+v", older)
		}
		cur, err = s.Object(coreAnalyst, coreInd1)
		if err != nil {
			t.Fatal(err)
		}
		if !cur.Modified.Equal(time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)) {
			t.Fatalf("an older version became current: %v", cur.Modified)
		}
		vs, err := s.Versions(coreAnalyst, coreInd1)
		if err != nil {
			t.Fatal(err)
		}
		var mods []string
		currents := 0
		for _, v := range vs {
			mods = append(mods, v.Modified.Format("2006-01-02"))
			if v.Current {
				currents++
			}
		}
		if got := len(vs); got != 3 || mods[0] != "2025-12-01" || mods[2] != "2026-02-01" || !vs[2].Current || currents != 1 {
			t.Fatalf("versions: %v, %d current", mods, currents)
		}
		// The screening reads what the current version observes.
		v, err := s.View(coreAnalyst, coreInd1)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Observables) != 1 || v.Observables[0].Value != "198.51.100.2" {
			t.Fatalf("observables of the current version: %+v", v.Observables)
		}
		// Every import is kept, newest first.
		imps, err := s.Imports(coreAnalyst, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(imps) != 4 || imps[0].ID != older.ID {
			t.Fatalf("imports: %d, first %s, want %s", len(imps), imps[0].ID, older.ID)
		}
		got, err := s.ImportReport(coreAnalyst, first.ID)
		if err != nil || got.Added != 2 || len(got.Successes) != 2 {
			t.Fatalf("report of the first import: %+v, %v", got, err)
		}
		if _, err := s.ImportReport(coreA, first.ID); coreCode(err) != warden.ENOTFOUND {
			t.Fatalf("a counterpart reads the authority's import: %v", err)
		}
	})
}

func TestCreateFirst(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s, _ := coreService(t, db)
		o, err := s.Create(coreAnalyst, intel.Input{Type: "incident", TLP: warden.TLPGreen, Fields: map[string]any{"name": "Ransomware at a bank", "x_warden_status": "open"}})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Object(coreA, o.ID)
		if err != nil || got.Name != "Ransomware at a bank" || got.TLP != warden.TLPGreen {
			t.Fatalf("the counterpart reads a GREEN incident: %+v, %v", got, err)
		}
		page, err := s.Objects(coreA, intel.Filter{Types: []string{"incident"}})
		if err != nil || len(page.Objects) != 1 {
			t.Fatalf("objects: %+v, %v", page, err)
		}
	})
}

// coreFileObjects reads the objects of a bundle file (or the one object
// it is) as they are written there.
func coreFileObjects(t *testing.T, path string) []json.RawMessage {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var b struct {
		Objects []json.RawMessage `json:"objects"`
	}
	if err := json.Unmarshal(data, &b); err != nil {
		t.Fatal(err)
	}
	if b.Objects == nil {
		return []json.RawMessage{data}
	}
	return b.Objects
}

func TestImportExamples(t *testing.T) {
	dir := sourcetest.Data(t, "reference/stix2/examples")
	// The indicators of the examples whose patterns compare what
	// screening does not (an e-mail's subject, a certificate, a file's
	// name): stored, and reported.
	unread := map[string]int{"malicious-email-indicator-with-attachment.json": 2, "apt1.json": 2, "poisonivy.json": 2}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	reports, _ := filepath.Glob(filepath.Join(dir, "threat-reports", "*.json"))
	files = append(files, reports...)
	if len(files) < 8 {
		t.Fatalf("%d example files in %s", len(files), dir)
	}
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s, _ := coreService(t, db)
		for _, f := range files {
			name := filepath.Base(f)
			fh, err := os.Open(f)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := s.Import(coreAnalyst, fh, intel.ImportOptions{Source: "cli:" + name})
			fh.Close()
			if err != nil {
				t.Fatalf("%s: %v %+v", name, err, rep.Errors)
			}
			want := coreFileObjects(t, f)
			if rep.Total != len(want) || rep.Added+rep.Unchanged != len(want) || len(rep.Opaque) != 0 || len(rep.Patterns) != unread[name] {
				t.Errorf("%s: report %d total, %d added, %d unchanged, opaque %v, %d patterns not read; want %d objects, %d patterns not read",
					name, rep.Total, rep.Added, rep.Unchanged, rep.Opaque, len(rep.Patterns), len(want), unread[name])
			}
			for _, raw := range want {
				var head struct{ ID string }
				json.Unmarshal(raw, &head)
				got, err := s.Object(coreAnalyst, head.ID)
				if err != nil {
					t.Errorf("%s: %s: %v", name, head.ID, err)
					continue
				}
				if !stix.Equivalent(got.Object, raw) {
					t.Errorf("%s: %s is stored otherwise than received:\n%s\n%s", name, head.ID, got.Object, raw)
				}
			}
		}
		// The RED marking of TLP 1.0 in the interop example marks its
		// campaign RED.
		c, err := s.Object(coreAnalyst, "campaign--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061")
		if err != nil || c.TLP != warden.TLPRed {
			t.Fatalf("campaign marked TLP 1.0 RED: %v, %v", c.TLP, err)
		}
		// The APT1 report's indicators screen: a /15 range of APT1's.
		v, err := s.View(coreAnalyst, "indicator--031778a4-057f-48e6-9db9-c8d72b81ccd5")
		if err != nil || len(v.Observables) != 1 || v.Observables[0] != (warden.Observable{Kind: warden.KindIPv4, Value: "223.166.0.0/15"}) {
			t.Errorf("an APT1 indicator observes %+v, %v", v.Observables, err)
		}
	})
}

// spaces reads as an endless run of spaces.
type spaces struct{}

func (spaces) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

// TestImportTooLarge: a bundle a byte over stix.MaxBundle is ETOOLARGE
// naming the limit, however it reaches Import (an API stops reading at
// the limit itself; an upload form's file, a command's file do not).
func TestImportTooLarge(t *testing.T) {
	s, _ := coreService(t, storetest.OpenSQLite(t))
	head, tail := `{"type":"bundle","id":"bundle--6c1d6a34-1a0a-4f39-9a3c-3b0b9a0b7a31","objects":[],"x_pad":"`, `"}`
	pad := stix.MaxBundle - len(head) - len(tail) + 1
	body := io.MultiReader(strings.NewReader(head), io.LimitReader(spaces{}, int64(pad)), strings.NewReader(tail))
	if _, err := s.Import(coreAnalyst, body, intel.ImportOptions{}); coreCode(err) != warden.ETOOLARGE || !strings.Contains(err.Error(), "larger than 64 MiB") {
		t.Errorf("%d bytes: %v, want ETOOLARGE", stix.MaxBundle+1, err)
	}
}

func TestImportInvalidStoresNothing(t *testing.T) {
	good := coreIndicator(coreInd1, "2026-01-01T00:00:00.000Z", "[ipv4-addr:value = '198.51.100.1']")
	noType := strings.Replace(coreIndicator(coreInd2, "2026-01-01T00:00:00.000Z", "[ipv4-addr:value = '198.51.100.2']"), `"pattern_type":"stix",`, "", 1)
	syntax := coreIndicator(coreInd2, "2026-01-01T00:00:00.000Z", "[ipv4-addr:value = '198.51.100.2'")
	opaque := `{"type":"x-acme-thing","id":"x-acme-thing--6b9dbf9b-3bd6-4c5b-8d8e-4e3dc5c1e1a1","spec_version":"2.1","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","x_acme_size":7}`
	unsupported := coreIndicator(coreInd2, "2026-01-01T00:00:00.000Z", "[file:name = 'evil.exe']")
	cases := []struct {
		name     string
		body     string
		message  string // in the error
		problems []warden.ObjectProblem
	}{
		{name: "schema error", body: coreBundle(good, noType), message: "pattern_type",
			problems: []warden.ObjectProblem{{Object: coreInd2, Path: "/pattern_type", Message: "missing"}}},
		{name: "pattern syntax", body: coreBundle(good, syntax), message: "/pattern",
			problems: []warden.ObjectProblem{{Object: coreInd2, Path: "/pattern"}}},
		{name: "no id", body: coreBundle(good, `{"type":"indicator","spec_version":"2.1"}`), message: "objects[1]",
			problems: []warden.ObjectProblem{{Object: "objects[1]"}}},
		{name: "malformed JSON", body: coreBundle(good)[:40], message: "bundle"},
	}
	// One database an engine: an invalid bundle leaves it as it was.
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s, _ := coreService(t, db)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				before := coreCounts(t, db)
				rep, err := s.Import(coreAnalyst, strings.NewReader(tc.body), intel.ImportOptions{})
				if coreCode(err) != warden.EINVALID || !strings.Contains(err.Error(), tc.message) {
					t.Fatalf("error %v, want EINVALID with %q", err, tc.message)
				}
				for i, want := range tc.problems {
					if i >= len(rep.Errors) {
						t.Fatalf("problems %+v, want %+v", rep.Errors, tc.problems)
					}
					got := rep.Errors[i]
					if got.Object != want.Object || got.Path != want.Path || want.Message != "" && got.Message != want.Message || got.Message == "" {
						t.Errorf("problem %+v, want %+v", got, want)
					}
				}
				if after := coreCounts(t, db); !maps.Equal(before, after) {
					t.Fatalf("an invalid bundle stored something: %v, before %v", after, before)
				}
			})
		}
		// A type Warden does not model and a pattern it does not read are
		// no errors: both are stored and reported.
		rep := coreImport(t, s, coreBundle(good, opaque, unsupported))
		if rep.Added != 3 || len(rep.Opaque) != 1 || rep.Opaque[0] != "x-acme-thing--6b9dbf9b-3bd6-4c5b-8d8e-4e3dc5c1e1a1" ||
			len(rep.Patterns) != 1 || rep.Patterns[0].Object != coreInd2 {
			t.Fatalf("report %+v", rep)
		}
		o, err := s.Object(coreAnalyst, rep.Opaque[0])
		if err != nil || !o.Opaque || o.TLP != warden.TLPAmber || !stix.Equivalent(o.Object, json.RawMessage(opaque)) {
			t.Fatalf("opaque object %+v, %v", o, err)
		}
		v, err := s.View(coreAnalyst, coreInd2)
		if err != nil || v.Unsupported == "" || len(v.Observables) != 0 {
			t.Fatalf("indicator not read: %+v, %v", v, err)
		}
		n := coreCounts(t, db)
		if n["intel_objects"] != 3 || n["intel_unsupported"] != 1 || n["intel_observables"] != 1 || n["intel_imports"] != 1 || n["events"] != 1 {
			t.Fatalf("rows %v", n)
		}
		if evs := coreAudit(t, db, "intel.import"); len(evs) != 1 || evs[0].Object != "intel-import:"+rep.ID {
			t.Fatalf("audit %+v", evs)
		}
	})
}

func TestImportIntoCollection(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s, _ := coreService(t, db)
		drop, err := s.CreateCollection(coreAdmin, warden.Collection{Title: "From A", Orgs: []string{"org-a"}, CanRead: true, CanWrite: true})
		if err != nil {
			t.Fatal(err)
		}
		readOnly, err := s.CreateCollection(coreAdmin, warden.Collection{Title: "To A", Orgs: []string{"org-a"}, CanRead: true})
		if err != nil {
			t.Fatal(err)
		}
		unmarked := coreIndicator(coreInd1, "2026-01-01T00:00:00.000Z", "[domain-name:value = 'c2.example']")
		red := coreIndicator(coreInd2, "2026-01-01T00:00:00.000Z", "[domain-name:value = 'red.example']", stix.TLPMarkingID(warden.TLPRed))
		for _, tc := range []struct {
			name       string
			ctx        context.Context
			collection string
			code       string
		}{
			{"B into A's collection", coreB, drop.ID, warden.ENOTFOUND},
			{"A into a read-only collection", coreA, readOnly.ID, warden.EFORBIDDEN},
			{"the auditor", coreAs(warden.RoleAuditor, warden.HomeOrg), drop.ID, warden.EFORBIDDEN},
		} {
			_, err := s.Import(tc.ctx, strings.NewReader(coreBundle(unmarked)), intel.ImportOptions{Source: "taxii", Collection: tc.collection})
			if coreCode(err) != tc.code {
				t.Errorf("%s: %v, want %s", tc.name, err, tc.code)
			}
		}
		rep, err := s.Import(coreA, strings.NewReader(coreBundle(unmarked, red)), intel.ImportOptions{Source: "taxii", Collection: drop.ID})
		if err != nil || rep.Added != 2 || rep.Collection != drop.ID {
			t.Fatalf("A's import: %+v, %v", rep, err)
		}
		// What A sent unmarked is AMBER, shared with A through the
		// collection; the RED one is stored and not shared, so A no
		// longer sees it.
		page, err := s.Objects(coreA, intel.Filter{Collection: drop.ID})
		if err != nil || len(page.Objects) != 1 || page.Objects[0].ID != coreInd1 || page.Objects[0].TLP != warden.TLPAmber {
			t.Fatalf("the collection as A reads it: %+v, %v", page.Objects, err)
		}
		if _, err := s.Object(coreA, coreInd2); coreCode(err) != warden.ENOTFOUND {
			t.Fatalf("A reads the RED indicator: %v", err)
		}
		if _, err := s.Object(coreAnalyst, coreInd2); err != nil {
			t.Fatalf("the analyst reads the RED indicator: %v", err)
		}
		if got, err := s.ImportReport(coreA, rep.ID); err != nil || got.ID != rep.ID {
			t.Fatalf("A reads its import's status: %+v, %v", got, err)
		}
		if _, err := s.ImportReport(coreB, rep.ID); coreCode(err) != warden.ENOTFOUND {
			t.Fatalf("B reads A's import: %v", err)
		}
		cs, err := s.Collections(coreB)
		if err != nil || len(cs) != 0 {
			t.Fatalf("B's collections: %+v, %v", cs, err)
		}
		// A versions what it sent, and only that: sending the id of the
		// authority's AMBER object does not open it to A, and a new
		// version of it is refused.
		const theirs = "indicator--3a0c6f4e-7b5d-4e8e-9f1a-2b3c4d5e6f70"
		mine := coreIndicator(theirs, "2026-01-01T00:00:00.000Z", "[domain-name:value = 'amber.example']")
		coreImport(t, s, coreBundle(mine))
		again, err := s.Import(coreA, strings.NewReader(coreBundle(mine)), intel.ImportOptions{Source: "taxii", Collection: drop.ID})
		if err != nil || again.Unchanged != 1 {
			t.Fatalf("A sends the authority's object as it is: %+v, %v", again, err)
		}
		if _, err := s.Object(coreA, theirs); coreCode(err) != warden.ENOTFOUND {
			t.Fatalf("A reads the authority's AMBER object after sending its id: %v", err)
		}
		before := coreCounts(t, db)
		revoked := strings.Replace(coreIndicator(theirs, "2026-02-01T00:00:00.000Z", "[domain-name:value = 'amber.example']"), `"name"`, `"revoked":true,"name"`, 1)
		if _, err := s.Import(coreA, strings.NewReader(coreBundle(revoked)), intel.ImportOptions{Source: "taxii", Collection: drop.ID}); coreCode(err) != warden.EINVALID {
			t.Fatalf("A revokes the authority's object: %v", err)
		}
		if after := coreCounts(t, db); !maps.Equal(before, after) {
			t.Fatalf("a refused version stored something: %v, before %v", after, before)
		}
		if o, err := s.Object(coreAnalyst, theirs); err != nil || o.Revoked {
			t.Fatalf("the authority's object after A's refused version: %+v, %v", o, err)
		}
		newer := coreIndicator(coreInd1, "2026-03-01T00:00:00.000Z", "[domain-name:value = 'c2.example']")
		if rep, err := s.Import(coreA, strings.NewReader(coreBundle(newer)), intel.ImportOptions{Source: "taxii", Collection: drop.ID}); err != nil || rep.Versions != 1 {
			t.Fatalf("A versions its own object: %+v, %v", rep, err)
		}
	})
}
