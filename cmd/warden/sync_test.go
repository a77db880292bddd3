package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"warden"
	"warden/publish"
	"warden/store"
)

// putList stores es as the next version of list in the database file db.
func putList(t *testing.T, db, list string, es ...*warden.Entity) {
	t.Helper()
	sdb, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	im, err := sdb.BeginImport(context.Background(), list, "ftm", false)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if err := im.Put(e); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := im.Commit(warden.SourceMeta{}); err != nil {
		t.Fatal(err)
	}
}

// listParties returns the current parties of list in db by caption, each
// with its names, birth dates, identifiers (wallets among them), programs
// and nationalities, and the number of versions of the list.
func listParties(t *testing.T, db, list string) (map[string]string, int) {
	t.Helper()
	ctx := context.Background()
	sdb, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	vs, err := sdb.Versions(ctx, list)
	if len(vs) == 0 || err != nil {
		return nil, 0
	}
	out := map[string]string{}
	err = sdb.Entities(ctx, list, 0, func(e *warden.Entity) error {
		var names, ids []string
		for _, n := range e.Names {
			names = append(names, n.Full)
		}
		for _, id := range e.Identifiers {
			ids = append(ids, fmt.Sprint(id.Type, id.Value, id.Currency))
		}
		slices.Sort(names)
		slices.Sort(ids)
		out[e.Caption()] = fmt.Sprint(e.Schema, names, e.BirthDates, ids, e.Programs, e.Nationalities)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out, len(vs)
}

// syncParty is a designated party with the fields an authority enters.
func syncParty(sid, name, wallet string) *warden.Entity {
	return &warden.Entity{SourceID: sid, Schema: warden.SchemaPerson,
		Names:         []warden.Name{{Full: name, Kind: warden.NamePrimary}, {Full: "Якубец " + sid, Kind: warden.NameAKA}},
		BirthDates:    []warden.DateRange{{From: "1987-05-20"}},
		Nationalities: []string{"RU"}, Programs: []string{"CYBER2"},
		Identifiers: []warden.Identifier{{Type: warden.IDPassport, Value: "P" + sid, Country: "RU"},
			{Type: warden.IDCrypto, Currency: "XBT", Value: wallet}}}
}

// TestSyncFromWarden: warden serve (A) publishes cyber_sanctions signed;
// another Warden (B) syncs it with warden sync through a proxy, given the
// manifest URL and A's public key, and holds the same parties. A wrong
// key, a byte changed in alt.csv or in the manifest, or a file missing is
// refused with exit 1 naming what failed, and B's list stays as it was;
// so is a signed older version served as the latest (a replay).
func TestSyncFromWarden(t *testing.T) {
	dir := t.TempDir()
	dbA, dbB := filepath.Join(dir, "a.db"), filepath.Join(dir, "b.db")
	putList(t, dbA, "cyber_sanctions", syncParty("CS-1", "YAKUBETS, Maksim", "1AjZPMsnmpdK2Rv9KQNfMurTXinscVro9V"),
		syncParty("CS-2", "RYZHENKOV, Aleksandr", "bc1qryzhenkov0000000000000000000000000000"))
	for _, k := range []string{"keys", "other"} {
		if code, _, errs := cli(t, dbA, "keys", "create", "--dir", filepath.Join(dir, k)); code != 0 {
			t.Fatal(errs)
		}
	}
	srv := startServe(t, dbA, "--no-snapshot", "--signing-key", filepath.Join(dir, "keys", publish.PrivateKeyFile))
	t.Cleanup(func() {
		if code := srv.stop(); code != 0 {
			t.Errorf("serve exited %d", code)
		}
	})
	base := srv.base

	// The proxy passes requests to A, except that it flips a byte of the
	// file named by tamper, answers 404 for the file named by missing, and
	// serves version 1 for latest when replay is set.
	var mu sync.Mutex
	var tamper, missing string
	var replay bool
	target, _ := url.Parse(base)
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.ModifyResponse = func(resp *http.Response) error {
		mu.Lock()
		defer mu.Unlock()
		if path.Base(resp.Request.URL.Path) != tamper || resp.StatusCode != http.StatusOK {
			return nil
		}
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		b[len(b)/2] ^= 0x01
		resp.Body = io.NopCloser(bytes.NewReader(b))
		return nil
	}
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		gone := path.Base(r.URL.Path) == missing
		if replay {
			r.URL.Path = strings.Replace(r.URL.Path, "/latest/", "/versions/1/", 1)
		}
		mu.Unlock()
		if gone {
			http.NotFound(w, r)
			return
		}
		rp.ServeHTTP(w, r)
	}))
	defer proxy.Close()

	other, err := os.ReadFile(filepath.Join(dir, "other", publish.PublicKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	manifest := proxy.URL + "/public/lists/cyber_sanctions/latest/%s/manifest.json"
	sources := filepath.Join(dir, "sources.json")
	b, _ := json.Marshal([]map[string]string{
		{"list": "partner_cyber", "format": "ofac-csv", "manifest": fmt.Sprintf(manifest, "ofac-csv"), "public_key": "keys/" + publish.PublicKeyFile},
		{"list": "partner_ftm", "manifest": fmt.Sprintf(manifest, "ftm"), "public_key": "keys/" + publish.PublicKeyFile},
		{"list": "partner_stix", "manifest": fmt.Sprintf(manifest, "stix"), "public_key": "keys/" + publish.PublicKeyFile},
		{"list": "partner_wrong_key", "format": "ofac-csv", "manifest": fmt.Sprintf(manifest, "ofac-csv"), "public_key": string(other)},
	})
	if err := os.WriteFile(sources, b, 0o644); err != nil {
		t.Fatal(err)
	}
	cache := filepath.Join(dir, "cache")
	sync := func(list string) (int, string) {
		t.Helper()
		code, _, errs := cli(t, dbB, "sync", "--sources", sources, "--cache", cache, list)
		return code, errs
	}
	set := func(tampered, gone string) {
		mu.Lock()
		tamper, missing = tampered, gone
		mu.Unlock()
	}
	refused := func(list, tampered, gone, says string, want map[string]string) {
		t.Helper()
		set(tampered, gone)
		defer set("", "")
		code, errs := sync(list)
		if code != 1 || !strings.Contains(errs, says) {
			t.Errorf("%s with %s changed, %s missing: exit %d, %s; want 1 and %q", list, tampered, gone, code, errs, says)
		}
		if got, _ := listParties(t, dbB, list); !maps.Equal(got, want) {
			t.Errorf("%s after a refused sync:\n got %v\nwant %v", list, got, want)
		}
	}
	synced := func(list string, versions int) {
		t.Helper()
		if code, errs := sync(list); code != 0 {
			t.Fatalf("sync %s: exit %d: %s", list, code, errs)
		}
		want, _ := listParties(t, dbA, "cyber_sanctions")
		got, n := listParties(t, dbB, list)
		if !maps.Equal(got, want) || n != versions {
			t.Errorf("%s (%d versions, want %d):\n got %v\nwant %v", list, n, versions, got, want)
		}
	}

	refused("partner_wrong_key", "", "", "signature does not match", nil)
	refused("partner_cyber", "alt.csv", "", "alt.csv: ", nil)
	refused("partner_cyber", publish.ManifestName, "", "signature does not match", nil)
	refused("partner_cyber", publish.SignatureName, "", "signature", nil)
	refused("partner_cyber", "", "add.csv", "add.csv: ", nil)
	refused("partner_ftm", "entities.ftm.json", "", "entities.ftm.json: ", nil)
	refused("partner_stix", "", "", "format stix, which warden sync does not import", nil)
	synced("partner_cyber", 1)
	synced("partner_ftm", 1)
	if code, out, errs := cli(t, dbB, "sync", "--sources", sources, "--cache", cache, "partner_cyber"); code != 0 || !strings.Contains(out, "unchanged") {
		t.Errorf("second sync: exit %d, %s %s", code, out, errs)
	}

	// A publishes a second version: a tampered copy leaves B at the first.
	v1, _ := listParties(t, dbB, "partner_cyber")
	putList(t, dbA, "cyber_sanctions", syncParty("CS-1", "YAKUBETS, Maksim", "1AjZPMsnmpdK2Rv9KQNfMurTXinscVro9V"),
		syncParty("CS-2", "RYZHENKOV, Aleksandr", "bc1qryzhenkov0000000000000000000000000000"),
		syncParty("CS-3", "TURASHEV, Igor", "0x098b716b8aaf21512996dc57eb0615e2383e2f96"))
	refused("partner_cyber", "sdn.csv", "", "sdn.csv: ", v1)
	synced("partner_cyber", 2)

	// A signed but older set (version 1 served as latest) is a replay.
	v2, _ := listParties(t, dbB, "partner_cyber")
	mu.Lock()
	replay = true
	mu.Unlock()
	refused("partner_cyber", "", "", "older than version 2 synced before", v2)

	// A delists one of its three parties: a third of the list, which the
	// share guards would refuse of a download, comes through verified.
	mu.Lock()
	replay = false
	mu.Unlock()
	putList(t, dbA, "cyber_sanctions", syncParty("CS-1", "YAKUBETS, Maksim", "1AjZPMsnmpdK2Rv9KQNfMurTXinscVro9V"),
		syncParty("CS-3", "TURASHEV, Igor", "0x098b716b8aaf21512996dc57eb0615e2383e2f96"))
	synced("partner_cyber", 3)
}
