package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"warden/sources/sourcetest"
)

// cli runs the CLI in process with a database in dir and returns its
// exit code, stdout and stderr.
func cli(t *testing.T, db string, args ...string) (int, string, string) {
	t.Helper()
	return cliIn(t, db, "", args...)
}

// cliIn is cli with input on stdin.
func cliIn(t *testing.T, db, input string, args ...string) (int, string, string) {
	t.Helper()
	stdin := strings.NewReader(input)
	var out, errb bytes.Buffer
	code := run(context.Background(), append([]string{"--db", db}, args...), stdin, &out, &errb)
	return code, out.String(), errb.String()
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

type summary struct {
	List      string `json:"list"`
	Version   int    `json:"version"`
	Entities  int    `json:"entities"`
	Added     int    `json:"added"`
	Modified  int    `json:"modified"`
	Removed   int    `json:"removed"`
	Warnings  int    `json:"warnings"`
	ListDate  string `json:"list_date"`
	Unchanged bool   `json:"unchanged"`
}

func importJSON(t *testing.T, db string, args ...string) summary {
	t.Helper()
	code, out, errs := cli(t, db, append([]string{"import", "--json"}, args...)...)
	if code != 0 {
		t.Fatalf("import %v: exit %d: %s", args, code, errs)
	}
	var s summary
	if err := json.Unmarshal([]byte(lastLine(out)), &s); err != nil {
		t.Fatalf("last line %q: %v", lastLine(out), err)
	}
	return s
}

// TestImportJSON imports the OFAC samples (see sourcetest.OFACSample) of
// 2021, then of 2024 twice, and reads them back with lists, versions and
// show.
func TestImportJSON(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.db")
	old, cur := sourcetest.OFACSample(t, "ofac/2021-07-07"), sourcetest.OFACSample(t, "ofac")
	// Flags may follow the paths. No warning: the whole list's are for
	// three country names that are no ISO country ("Region: Kafia Kingi",
	// "possibly Palestinian", ...), of parties outside the sample.
	s := importJSON(t, db, old, "--list", "ofac")
	if s.List != "ofac" || s.Version != 1 || s.Entities != 1152 || s.Added != 1152 || s.Warnings != 0 {
		t.Errorf("first import %+v", s)
	}
	warnings := filepath.Join(t.TempDir(), "warnings.txt")
	s = importJSON(t, db, "--list", "ofac", "--format", "ofac-csv", "--max-removed", "0.2", "--list-date", "2024-07-02", "--warnings", warnings, cur)
	// 399 orphan rows and one country name that is no ISO country,
	// "Region: Commonwealth of Independent States" (the whole list has
	// 2,962 and 3).
	if s.Version != 2 || s.Entities != 2062 || s.Warnings != 400 || s.ListDate != "2024-07-02" {
		t.Errorf("second import %+v", s)
	}
	// --warnings writes all 400, where the version keeps 50 and the
	// summary shows 5.
	b, err := os.ReadFile(warnings)
	if lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n"); err != nil || len(lines) != 400 ||
		!strings.Contains(string(b), "Region: Commonwealth of Independent States") || !strings.HasPrefix(lines[399], "sdn_comments.csv:") {
		t.Errorf("--warnings wrote %d lines (%v); last %q", len(lines), err, lines[len(lines)-1])
	}
	// The same files again store no version, only a check; the list date
	// given before stays.
	s = importJSON(t, db, "--list", "ofac", cur)
	if s.Version != 2 || !s.Unchanged || s.Added+s.Modified+s.Removed != 0 {
		t.Errorf("identical import %+v", s)
	}
	code, out, _ := cli(t, db, "lists")
	if code != 0 || !strings.Contains(out, "ofac") || !strings.Contains(out, "2062") || !strings.Contains(out, "LAST CHECKED") ||
		!strings.Contains(out, "2024-07-02") {
		t.Errorf("lists: %d %q", code, out)
	}
	if code, _, errs := cli(t, db, "import", "--list", "ofac", "--list-date", "2024-02-30", cur); code != 2 || !strings.Contains(errs, "--list-date") {
		t.Errorf("--list-date 2024-02-30: exit %d, %q", code, errs)
	}
	code, out, _ = cli(t, db, "versions", "ofac")
	if code != 0 || strings.Count(out, "ofac-csv") != 2 {
		t.Errorf("versions: %d %q", code, out)
	}
	code, out, _ = cli(t, db, "show", "ofac:33151")
	if code != 0 || !strings.Contains(out, "1B64QRxfaa35MVkf7sDjuGUYAP5izQt7Qi") {
		t.Errorf("show SUEX: %d", code)
	}
	code, _, errs := cli(t, db, "show", "ofac:33151", "--version", "1")
	if code != 1 || !strings.Contains(errs, "not found") {
		t.Errorf("show at v1 (SUEX designated after 2021): %d %q", code, errs)
	}
}

// TestUsageErrors needs no list data: a file of any content stands in for
// one where the command fails before reading it.
func TestUsageErrors(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.db")
	file := sourcetest.WriteFile(t, "consolidated.xml", "<CONSOLIDATED_LIST/>")
	const noAddr = "no:such:address" // were a check missing, serve fails to listen rather than serve
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"import", "x"}, 2, "--list is required"},
		{[]string{"import", "--list", "a"}, 2, "name the files"},
		{[]string{"import", "--list", "a", "/nonexistent"}, 1, "no such file"},
		{[]string{"import", "--list", "a", "--format", "nope", file}, 1, "unknown format"},
		{[]string{"import", "--list", "Bad Name", file}, 1, "list name"},
		{[]string{"frobnicate"}, 2, "unknown command"},
		{[]string{"show"}, 2, "name one entity id"},
		{[]string{"export", "--list", "a", "--format", "xml"}, 2, "--format must be"},
		{[]string{"export", "--list", "nope"}, 1, "not found"},
		{[]string{"import", "--bogus"}, 2, "flag provided but not defined"},
		// Numbers: NaN and the infinities are refused like any value out of range.
		{[]string{"screen", "--threshold", "NaN", "x"}, 2, "--threshold must be a number in (0, 1]"},
		{[]string{"screen", "--threshold", "+Inf", "x"}, 2, "--threshold must be"},
		{[]string{"screen", "--threshold", "-Inf", "x"}, 2, "--threshold must be"},
		{[]string{"screen", "--threshold", "0", "x"}, 2, "--threshold must be"},
		{[]string{"screen", "--threshold", "1.5", "x"}, 2, "--threshold must be"},
		{[]string{"screen", "--limit", "0", "x"}, 2, "--limit must be between 1 and 500"},
		{[]string{"screen", "--limit", "501", "x"}, 2, "--limit must be between 1 and 500"},
		{[]string{"compare", "--threshold", "NaN", "a", "b"}, 2, "--threshold must be"},
		{[]string{"compare", "--threshold", "Inf", "--input", "p.csv", "--output", "o.csv"}, 2, "--threshold must be"},
		{[]string{"serve", "--addr", noAddr, "--rate-limit", "NaN"}, 2, "--rate-limit must be a positive number"},
		{[]string{"serve", "--addr", noAddr, "--rate-limit", "Inf"}, 2, "--rate-limit must be a positive number"},
		{[]string{"serve", "--addr", noAddr, "--rate-limit", "0"}, 2, "--rate-limit must be a positive number"},
		{[]string{"serve", "--addr", noAddr, "--rate-burst", "0"}, 2, "--rate-burst a positive integer"},
		{[]string{"serve", "--addr", noAddr, "--lock-after", "0"}, 2, "--lock-after"},
		{[]string{"bench", "--token", "x", "--max-requests", "0"}, 2, "--max-requests must be positive"},
	}
	for _, tt := range tests {
		code, _, errs := cli(t, db, tt.args...)
		if code != tt.code || !strings.Contains(errs, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tt.args, code, errs, tt.code, tt.want)
		}
	}
}

// TestExport exports the OFAC list of 2021 and 2024, whole, or under the
// race detector the OFAC samples (see sourcetest.OFACSample), whole and
// as changes, and imports the exports back.
func TestExport(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "w.db")
	old, cur := sourcetest.Data(t, "ofac/2021-07-07"), sourcetest.Data(t, "ofac")
	if raceEnabled {
		old, cur = sourcetest.OFACSample(t, "ofac/2021-07-07"), sourcetest.OFACSample(t, "ofac")
	}
	importJSON(t, db, "--list", "ofac", old)
	v2 := importJSON(t, db, "--list", "ofac", "--max-removed", "0.2", cur)
	if v2.Added == 0 || v2.Modified == 0 || v2.Removed == 0 {
		t.Fatalf("the second version changes nothing: %+v", v2)
	}

	// A full FtM export imports back as the same parties.
	ftmFile := filepath.Join(dir, "ofac.ftm.json")
	if code, _, errs := cli(t, db, "export", "--list", "ofac", "--format", "ftm", "--output", ftmFile); code != 0 {
		t.Fatalf("export ftm: %s", errs)
	}
	s := importJSON(t, db, "--list", "copy", ftmFile)
	if s.Entities != v2.Entities {
		t.Errorf("ftm round trip: %+v, want %d parties", s, v2.Entities)
	}
	// The delta from version 1 to 2 applied to a copy of version 1 gives version 2's parties.
	v1File := filepath.Join(dir, "v1.ftm.json")
	cli(t, db, "export", "--list", "ofac", "--version", "1", "--output", v1File)
	importJSON(t, db, "--list", "replay", v1File)
	deltaFile := filepath.Join(dir, "delta.json")
	if code, _, errs := cli(t, db, "export", "--list", "ofac", "--since", "1", "--output", deltaFile); code != 0 {
		t.Fatalf("export delta: %s", errs)
	}
	s = importJSON(t, db, "--list", "replay", "--format", "ftm-delta", "--max-removed", "0.2", deltaFile)
	if s.Entities != v2.Entities || s.Removed != v2.Removed || s.Added != v2.Added {
		t.Errorf("delta replay %+v, want entities %d added %d removed %d", s, v2.Entities, v2.Added, v2.Removed)
	}
	// CSV, whole and as changes.
	code, out, _ := cli(t, db, "export", "--list", "ofac", "--format", "csv")
	if code != 0 || strings.Count(out, "\n") < v2.Entities+1 || !strings.HasPrefix(out, "id,schema,name") {
		t.Errorf("csv export: %d, %d lines", code, strings.Count(out, "\n"))
	}
	code, out, _ = cli(t, db, "export", "--list", "ofac", "--format", "csv", "--since", "1")
	rows := strings.Count(out, "\n") - 1
	if code != 0 || rows != v2.Added+v2.Modified+v2.Removed || !strings.HasPrefix(out, "op,id,") {
		t.Errorf("csv changes: %d rows, want %d", rows, v2.Added+v2.Modified+v2.Removed)
	}
}

// TestServe runs the server on a free port against an empty database: it
// loads the bundled snapshot, answers the API, and stops on cancel.
func TestServe(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.db")
	code, out, errOut := cli(t, db, "--create", "token", "create", "--role", "analyst", "--name", "reader")
	if code != 0 {
		t.Fatal(errOut)
	}
	tok := lastLine(out)
	authGet := func(url string) (*http.Response, error) {
		req, _ := http.NewRequest("GET", url, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		return http.DefaultClient.Do(req)
	}
	srv := startServe(t, db, "--refresh", "200ms")
	base := srv.base
	waitReady(t, base)
	resp, err := authGet(base + "/v1/lists")
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Lists []struct {
			Name     string `json:"name"`
			Entities int    `json:"entities"`
		} `json:"lists"`
	}
	if resp, err := authGet(base + "/v1/lists/ofac/versions"); err == nil {
		var vs struct {
			Versions []struct {
				Published string `json:"published"`
			} `json:"versions"`
		}
		json.NewDecoder(resp.Body).Decode(&vs)
		resp.Body.Close()
		if len(vs.Versions) != 1 || vs.Versions[0].Published != "2024-07-02" {
			t.Errorf("snapshot date not shown: %+v", vs)
		}
	}
	json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if len(body.Lists) != 1 || body.Lists[0].Name != "ofac" || body.Lists[0].Entities != 15443 {
		t.Errorf("lists = %+v", body)
	}
	resp, _ = authGet(base + "/v1/entities/ofac:39796")
	var e map[string]any
	json.NewDecoder(resp.Body).Decode(&e)
	resp.Body.Close()
	if resp.StatusCode != 200 || e["names"].([]any)[0].(map[string]any)["full"] != "TORNADO CASH" {
		t.Errorf("entity: %d %v", resp.StatusCode, e["names"])
	}
	// A customer cleared at onboarding is screened again, by the server
	// itself, once another process imports a list that names it.
	req, _ := http.NewRequest("POST", base+"/v1/customers", strings.NewReader(`{"id":"C1","schema":"Person","name":"Jane Quentin Public","country":"GB"}`))
	req.Header.Set("Authorization", "Bearer "+tok)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 201 {
		t.Fatalf("onboard: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	list := filepath.Join(t.TempDir(), "new.ftm.json")
	os.WriteFile(list, []byte(`{"id":"x-1","schema":"Person","caption":"Jane Quentin Public","properties":{"name":["PUBLIC, Jane Quentin"],"programId":["CYBER2"]},"target":true}`+"\n"), 0o600)
	importJSON(t, db, "--list", "extra", "--format", "ftm", list)
	// The server notices the version, indexes the lists again (the
	// whole OFAC list: 30 s of CPU under -race) and screens the customer:
	// minutes on a busy machine.
	deadline := time.Now().Add(3 * time.Minute)
	var c struct {
		Status, Decision string
		Hits             []struct {
			EntityID string `json:"entity_id"`
		}
	}
	// The new list is one the shipped policy does not name: its hit is
	// held for an analyst (docs/policy.md).
	for c.Status != "held" && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		if resp, err := authGet(base + "/v1/customers/C1"); err == nil {
			json.NewDecoder(resp.Body).Decode(&c)
			resp.Body.Close()
		}
	}
	if c.Status != "held" || c.Decision != "cleared" || len(c.Hits) != 1 || c.Hits[0].EntityID != "extra:x-1" {
		t.Errorf("customer after the new list: %+v", c)
	}
	if code := srv.stop(); code != 0 {
		t.Errorf("serve exit %d", code)
	}
	if _, err := os.Stat(db); err != nil {
		t.Error(err)
	}
}

// TestConfigure: flags win over the environment, which wins over the file.
func TestConfigure(t *testing.T) {
	file := filepath.Join(t.TempDir(), "warden.json")
	os.WriteFile(file, []byte(`{"addr": ":9999", "rate-limit": 7, "lock-after": 9, "db": "from-file.db"}`), 0o600)
	t.Setenv("WARDEN_LOCK_AFTER", "4")
	fs := newFlags("serve", "", io.Discard)
	addr := fs.String("addr", ":8080", "")
	rate := fs.Float64("rate-limit", 100, "")
	lock := fs.Int("lock-after", 5, "")
	burst := fs.Int("rate-burst", 200, "")
	if _, err := parse(fs, []string{"--rate-limit", "3"}); err != nil {
		t.Fatal(err)
	}
	e := &env{dsn: "warden.db", dsnDefault: true}
	if err := configure(fs, e, file); err != nil {
		t.Fatal(err)
	}
	if *addr != ":9999" || *rate != 3 || *lock != 4 || *burst != 200 || e.dsn != "from-file.db" {
		t.Errorf("addr %s rate %v lock %d burst %d db %s", *addr, *rate, *lock, *burst, e.dsn)
	}
	os.WriteFile(file, []byte(`{"adr": ":1"}`), 0o600)
	if err := configure(fs, e, file); err == nil || !strings.Contains(err.Error(), `unknown setting "adr"`) {
		t.Errorf("unknown setting: %v", err)
	}
	t.Setenv("WARDEN_RATE_BURST", "many")
	if err := configure(newFlagsWith(t), e, ""); err == nil || !strings.Contains(err.Error(), "WARDEN_RATE_BURST") {
		t.Errorf("bad environment value: %v", err)
	}
}

func newFlagsWith(t *testing.T) *flag.FlagSet {
	fs := newFlags("serve", "", io.Discard)
	fs.Int("rate-burst", 200, "")
	return fs
}
