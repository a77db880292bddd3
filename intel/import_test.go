package intel_test

import (
	"testing"
	"time"

	"warden"
	"warden/intel"
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
