package intel_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"warden"
	"warden/ingest"
	"warden/intel"
	"warden/sources"
	"warden/sources/sourcetest"
	sstix "warden/sources/stix"
	"warden/stix"
	"warden/store"
	"warden/store/storetest"
)

var listsNow = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// importOFAC imports the OFAC files in dir as list "ofac".
func importOFAC(t *testing.T, db *store.DB, dir string) {
	t.Helper()
	paths, err := sources.Expand([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.Import(context.Background(), db, ingest.Request{List: "ofac", Input: warden.Input{Paths: paths}}, nil); err != nil {
		t.Fatal(err)
	}
}

// withoutParty copies the OFAC files of dir leaving out the rows of party
// ent_num.
func withoutParty(t *testing.T, dir, entNum string) string {
	t.Helper()
	out := t.TempDir()
	files, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var keep []string
		for _, line := range strings.SplitAfter(string(b), "\n") {
			if !strings.HasPrefix(line, entNum+",") {
				keep = append(keep, line)
			}
		}
		if err := os.WriteFile(filepath.Join(out, filepath.Base(f)), []byte(strings.Join(keep, "")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// listID is the id of the indicator of a listed party's value.
func listID(sid string, kind warden.IndicatorKind, v string) string {
	return sstix.ID("indicator", "list:ofac:"+sid+":"+string(kind)+":"+v)
}

func TestSyncListIndicators(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		sample := sourcetest.OFACSample(t, "ofac")
		importOFAC(t, db, sample)
		s := intel.New(db)
		s.Now = func() time.Time { return listsNow }
		op := warden.WithPrincipal(context.Background(), warden.Operator)
		analyst := warden.WithPrincipal(context.Background(), warden.Principal{Name: "ana", Role: warden.RoleAnalyst, Org: warden.HomeOrg, Kind: "user"})
		if _, err := s.SyncListIndicators(analyst); warden.ErrorCode(err) != warden.EFORBIDDEN {
			t.Errorf("an analyst syncing: %v", err)
		}
		n, err := s.SyncListIndicators(op)
		if err != nil || n < 20 {
			t.Fatalf("first sync: %d %v", n, err)
		}

		// KHORASHADIZADEH, Ali (CYBER2): five e-mail addresses and a wallet.
		// SUEX OTC (CYBER2): its website, as a domain.
		for _, tc := range []struct {
			sid  string
			kind warden.IndicatorKind
			v    string
			name string
		}{
			{"26137", warden.KindEmail, "iranvisacart@yahoo.com", "KHORASHADIZADEH, Ali (ofac)"},
			{"26137", warden.KindEmail, "iranian_boy5@yahoo.com", "KHORASHADIZADEH, Ali (ofac)"},
			{"26137", warden.KindWallet, "149w62rY42aZBox8fGcmqNsXUzSStKeq8C", "KHORASHADIZADEH, Ali (ofac)"},
			{"33151", warden.KindDomain, "suex.io", "SUEX OTC, S.R.O. (ofac)"},
			{"48603", warden.KindWallet, "bc1qvhnfknw852ephxyc5hm4q520zmvf9maphetc9z", "KHOROSHEV, Dmitry Yuryevich (ofac)"},
		} {
			id := listID(tc.sid, tc.kind, tc.v)
			o, err := s.Object(analyst, id)
			if err != nil || o.Name != tc.name || o.TLP != warden.TLPClear || o.Source != "list:ofac" || o.Revoked || !strings.Contains(string(o.Object), stix.Pattern(warden.Observable{Kind: tc.kind, Value: tc.v})) {
				t.Errorf("%s %s: %+v %v", tc.sid, tc.v, o, err)
				continue
			}
			ls, err := db.IntelLinks(analyst, []string{id})
			if err != nil || len(ls) != 1 || ls[0].Kind != warden.LinkEntity || ls[0].Ref != "ofac:"+tc.sid {
				t.Errorf("%s links: %+v %v", id, ls, err)
			}
		}
		if hs, err := s.Match(analyst, warden.TxParty{Wallet: "149w62rY42aZBox8fGcmqNsXUzSStKeq8C"}); err != nil || len(hs) != 1 || hs[0].Observed.Chain != "BTC" {
			t.Errorf("wallet: %+v %v", hs, err)
		}
		hs, err := s.Match(analyst, warden.TxParty{Email: "IranVisaCart@yahoo.com"})
		if err != nil || len(hs) != 1 || hs[0].Indicator != listID("26137", warden.KindEmail, "iranvisacart@yahoo.com") || !slices.Equal(hs[0].Parties, []string{"ofac:26137"}) || hs[0].Name != "KHORASHADIZADEH, Ali (ofac)" {
			t.Errorf("match: %+v %v", hs, err)
		}

		// Every indicator is of a CYBER party, and the bundle of them is
		// valid STIX.
		state, err := db.ListIndicatorState(op, "ofac")
		if err != nil || len(state) != n {
			t.Fatalf("state: %d indicators for %d stored, %v", len(state), n, err)
		}
		var raws []json.RawMessage
		for id, o := range state {
			raws = append(raws, o.Object)
			ls, _ := db.IntelLinks(op, []string{id})
			if len(ls) != 1 {
				t.Fatalf("%s: links %+v", id, ls)
			}
			e, err := db.Entity(op, ls[0].Ref, 0)
			if err != nil || !slices.ContainsFunc(e.Programs, func(p string) bool { return strings.HasPrefix(p, "CYBER") }) {
				t.Errorf("%s: party %s not under a CYBER program: %v", id, ls[0].Ref, err)
			}
		}
		if problems := stix.ValidateBundle(stix.Bundle(raws)); len(problems) > 0 {
			t.Errorf("not valid STIX: %+v", problems[:min(len(problems), 5)])
		}

		// Nothing changed: nothing stored.
		if n, err := s.SyncListIndicators(op); n != 0 || err != nil {
			t.Errorf("second sync: %d %v", n, err)
		}

		// KHORASHADIZADEH leaves the list: his six indicators are revoked,
		// and screening no longer holds his e-mail address.
		importOFAC(t, db, withoutParty(t, sample, "26137"))
		if n, err := s.SyncListIndicators(op); n != 6 || err != nil {
			t.Errorf("after the delisting: %d %v", n, err)
		}
		if o, err := s.Object(analyst, listID("26137", warden.KindWallet, "149w62rY42aZBox8fGcmqNsXUzSStKeq8C")); err != nil || !o.Revoked {
			t.Errorf("delisted party's wallet: %+v %v", o, err)
		}
		if o, err := s.Object(analyst, listID("33151", warden.KindDomain, "suex.io")); err != nil || o.Revoked {
			t.Errorf("a party still listed: %+v %v", o, err)
		}
		if hs, err := s.Match(analyst, warden.TxParty{Email: "iranvisacart@yahoo.com"}); len(hs) != 0 || err != nil {
			t.Errorf("match after the delisting: %+v %v", hs, err)
		}
		if n, err := s.SyncListIndicators(op); n != 0 || err != nil {
			t.Errorf("third sync: %d %v", n, err)
		}

		// He comes back: revocation is permanent, so new indicators (their
		// ids derived from the list version too) observe his values; the
		// revoked ones stay revoked.
		importOFAC(t, db, sample)
		if n, err := s.SyncListIndicators(op); n != 6 || err != nil {
			t.Errorf("relisted: %d %v", n, err)
		}
		old := listID("26137", warden.KindEmail, "iranvisacart@yahoo.com")
		relisted := relistID(t, db, "26137", warden.KindEmail, "iranvisacart@yahoo.com")
		if o, err := s.Object(analyst, old); err != nil || !o.Revoked {
			t.Errorf("the revoked indicator after the relisting: %+v %v", o, err)
		}
		if vs, err := s.Versions(analyst, old); err != nil || len(vs) != 2 {
			t.Errorf("versions of the revoked indicator: %d %v", len(vs), err)
		}
		if o, err := s.Object(analyst, relisted); err != nil || o.Revoked || o.Name != "KHORASHADIZADEH, Ali (ofac)" {
			t.Errorf("the new indicator: %+v %v", o, err)
		}
		if ls, err := db.IntelLinks(analyst, []string{relisted}); err != nil || len(ls) != 1 || ls[0].Ref != "ofac:26137" {
			t.Errorf("the new indicator's links: %+v %v", ls, err)
		}
		if hs, err := s.Match(analyst, warden.TxParty{Email: "iranvisacart@yahoo.com"}); len(hs) != 1 || err != nil || hs[0].Indicator != relisted {
			t.Errorf("match after the relisting: %+v %v", hs, err)
		}
		if n, err := s.SyncListIndicators(op); n != 0 || err != nil {
			t.Errorf("sync after the relisting: %d %v", n, err)
		}

		// He leaves and comes back once more: the second indicator is
		// revoked, a third observes him.
		importOFAC(t, db, withoutParty(t, sample, "26137"))
		if n, err := s.SyncListIndicators(op); n != 6 || err != nil {
			t.Errorf("delisted again: %d %v", n, err)
		}
		importOFAC(t, db, sample)
		if n, err := s.SyncListIndicators(op); n != 6 || err != nil {
			t.Errorf("relisted again: %d %v", n, err)
		}
		third := relistID(t, db, "26137", warden.KindEmail, "iranvisacart@yahoo.com")
		for id, revoked := range map[string]bool{old: true, relisted: true, third: false} {
			if o, err := s.Object(analyst, id); err != nil || o.Revoked != revoked {
				t.Errorf("%s: revoked %v %v, want %v", id, o.Revoked, err, revoked)
			}
		}
		if hs, err := s.Match(analyst, warden.TxParty{Email: "iranvisacart@yahoo.com"}); len(hs) != 1 || err != nil || hs[0].Indicator != third {
			t.Errorf("match after the second relisting: %+v %v", hs, err)
		}
	})
}

// relistID is the id of the indicator of a listed party's value that came
// back with the current version of the list.
func relistID(t *testing.T, db *store.DB, sid string, kind warden.IndicatorKind, v string) string {
	t.Helper()
	ls, err := db.Lists(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range ls {
		if l.Name == "ofac" {
			return sstix.ID("indicator", fmt.Sprintf("list:ofac:%s:%s:%s@%d", sid, kind, v, l.CurrentVersion))
		}
	}
	t.Fatal("no list ofac")
	return ""
}
