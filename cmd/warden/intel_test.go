package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"warden"
	"warden/auth"
	"warden/sources/sourcetest"
	"warden/stix"
	"warden/store"
)

// TestIntelCLI imports the APT1 report into a database (a second time
// unchanged), lists and shows what it holds, and exports the intrusion
// set with what relates to it as a bundle valid against the schemas;
// a bad bundle stores nothing and names the object; usage errors exit 2.
func TestIntelCLI(t *testing.T) {
	apt1 := sourcetest.Data(t, "reference/stix2/examples/threat-reports/apt1.json")
	dir := t.TempDir()
	db := filepath.Join(dir, "w.db")

	code, out, errs := cli(t, db, "intel", "import", apt1, "--tlp", "green")
	var rep warden.IntelImport
	if json.Unmarshal([]byte(out), &rep); code != 0 || rep.Total != 76 || rep.Added != 76 || rep.Source != "cli:apt1.json" {
		t.Fatalf("import: %d %s %s", code, out, errs)
	}
	code, out, errs = cli(t, db, "intel", "import", apt1)
	if json.Unmarshal([]byte(out), &rep); code != 0 || rep.Added != 0 || rep.Unchanged != 76 {
		t.Errorf("import again: %d %s %s", code, out, errs)
	}

	code, out, errs = cli(t, db, "intel", "list", "--type", "intrusion-set,threat-actor")
	if code != 0 || strings.Count(out, "\n") != 7 || !strings.Contains(out, "TLP:GREEN") || !strings.Contains(out, "APT1") {
		t.Errorf("list: %d %q %s", code, out, errs)
	}
	const set = "intrusion-set--da1065ce-972c-4605-8755-9cd1074e3b5a"
	code, out, errs = cli(t, db, "intel", "show", set)
	var o warden.IntelObject
	if json.Unmarshal([]byte(out), &o); code != 0 || o.ID != set || o.TLP != warden.TLPGreen {
		t.Errorf("show: %d %s %s", code, out, errs)
	}

	bundle := filepath.Join(dir, "out.json")
	if code, out, errs = cli(t, db, "intel", "export", "--id", set, "--out", bundle); code != 0 || out != "" {
		t.Fatalf("export: %d %s %s", code, out, errs)
	}
	b, err := os.ReadFile(bundle)
	if err != nil {
		t.Fatal(err)
	}
	if probs := stix.ValidateBundle(b); len(probs) != 0 {
		t.Errorf("the export does not validate: %v", probs)
	}
	var got struct {
		Objects []struct {
			ID, Type string
		} `json:"objects"`
	}
	json.Unmarshal(b, &got)
	var ids, types []string
	for _, o := range got.Objects {
		ids, types = append(ids, o.ID), append(types, o.Type)
	}
	for _, want := range []string{set, stix.TLPMarkingID(warden.TLPGreen)} {
		if !slices.Contains(ids, want) {
			t.Errorf("the export lacks %s: %v", want, ids)
		}
	}
	if !slices.Contains(types, "relationship") || !slices.Contains(types, "threat-actor") {
		t.Errorf("the export holds no relationship or threat actor: %v", types)
	}

	// A bundle with an invalid object: nothing stored, the object named.
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"type":"bundle","id":"bundle--6c1d6a34-1a0a-4f39-9a3c-3b0b9a0b7a31","objects":[
		{"type":"malware","spec_version":"2.1","id":"malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","name":"X","is_family":true},
		{"type":"malware","spec_version":"2.1","id":"malware--31b940d4-6f7f-459a-80ea-9c1f17b5891c","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","name":"Y"}]}`), 0o600)
	if code, out, errs = cli(t, db, "intel", "import", bad); code != 1 || out != "" || !strings.Contains(errs, "malware--31b940d4-6f7f-459a-80ea-9c1f17b5891c") {
		t.Errorf("bad bundle: %d %q %q", code, out, errs)
	}
	if code, _, errs = cli(t, db, "intel", "show", "malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b"); code != 1 {
		t.Errorf("a malware of the refused bundle was stored: %d %s", code, errs)
	}

	for _, args := range [][]string{{"intel"}, {"intel", "fly"}, {"intel", "import"}, {"intel", "import", apt1, "--tlp", "purple"}, {"intel", "export"}, {"intel", "export", "--request", "seven"}, {"intel", "list", "--limit", "0"}} {
		if code, _, errs := cli(t, db, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2: %s", args, code, errs)
		}
	}
}

// TestServeIntel: warden serve wires the intelligence service into the
// API and into enforcement (a payment to an address an active indicator
// observes is held, the indicator in its explanation), and refuses an
// --intel-pull-every that is not positive.
func TestServeIntel(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.db")
	if code, _, errs := cli(t, path, "serve", "--no-snapshot", "--intel-pull-every", "0s"); code != 2 || !strings.Contains(errs, "--intel-pull-every") {
		t.Errorf("--intel-pull-every 0s: exit %d: %s", code, errs)
	}
	bundle := filepath.Join(t.TempDir(), "c2.json")
	const ind = "indicator--0b0b6b8f-3e7a-4c4c-9d6f-0d4b4a1c2e11"
	os.WriteFile(bundle, []byte(`{"type":"bundle","id":"bundle--6c1d6a34-1a0a-4f39-9a3c-3b0b9a0b7a31","objects":[
		{"type":"indicator","spec_version":"2.1","id":"`+ind+`","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z",
		 "name":"C2 server","pattern":"[ipv4-addr:value = '203.0.113.9']","pattern_type":"stix","valid_from":"2026-01-01T00:00:00Z"}]}`), 0o600)
	if code, out, errs := cli(t, path, "--create", "intel", "import", bundle, "--tlp", "green"); code != 0 {
		t.Fatalf("import: %d %s %s", code, out, errs)
	}
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	a := auth.New(db)
	ana, _, err := a.CreateToken(ctx, "ana", warden.RoleAnalyst, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	scr, _, err := a.CreateToken(ctx, "scr", warden.RoleScreener, "", nil)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}

	srv := startServe(t, path, "--no-snapshot", "--intel-pull-every", "1h")
	waitReady(t, srv.base)
	call := func(method, path, tok, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, b := call("GET", "/v1/intel/objects/"+ind, ana, ""); code != 200 || !strings.Contains(b, "203.0.113.9") {
		t.Errorf("the indicator through the API: %d %s", code, b)
	}
	code, b := call("POST", "/v1/transactions", scr, `{"reference":"PAY-9","amount":{"currency":"USD","minor":5000},"parties":[{"role":"beneficiary","name":"Someone Unlisted","ip":"203.0.113.9"}]}`)
	if code != 200 || !strings.Contains(b, `"decision":"held"`) || !strings.Contains(b, ind) {
		t.Errorf("a payment to the indicator's address: %d %s", code, b)
	}
}
