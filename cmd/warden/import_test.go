package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"warden/sources/sourcetest"
)

// currentVersion is a list's current version as `warden lists --json` says.
func currentVersion(t *testing.T, db, list string) (version, entities int) {
	t.Helper()
	code, out, errs := cli(t, db, "lists", "--json")
	if code != 0 {
		t.Fatalf("lists: %s", errs)
	}
	var ls struct {
		Lists []struct {
			Name           string `json:"name"`
			CurrentVersion int    `json:"current_version"`
			Entities       int    `json:"entities"`
		} `json:"lists"`
	}
	if err := json.Unmarshal([]byte(out), &ls); err != nil {
		t.Fatal(err)
	}
	for _, l := range ls.Lists {
		if l.Name == list {
			return l.CurrentVersion, l.Entities
		}
	}
	return 0, 0
}

// TestSyncEmptyBody: a publisher answering 200 with 0 bytes does not empty
// the list: the sync fails (exit 1) and the current version stays.
func TestSyncEmptyBody(t *testing.T) {
	src := sourcetest.Data(t, "un/consolidated.xml")
	var empty atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if empty.Load() {
			w.WriteHeader(http.StatusOK)
			return
		}
		http.ServeFile(w, r, src)
	}))
	defer srv.Close()
	dir := t.TempDir()
	db := filepath.Join(dir, "w.db")
	sourcesFile := filepath.Join(dir, "sources.json")
	os.WriteFile(sourcesFile, []byte(`[{"list":"un","format":"un-xml","urls":["`+srv.URL+`/consolidated.xml"]}]`), 0o600)
	syncArgs := []string{"sync", "--sources", sourcesFile, "--cache", filepath.Join(dir, "cache")}
	if code, _, errs := cli(t, db, syncArgs...); code != 0 {
		t.Fatalf("first sync: exit %d: %s", code, errs)
	}
	if v, n := currentVersion(t, db, "un"); v != 1 || n != 1003 {
		t.Fatalf("after the first sync: version %d, %d parties", v, n)
	}
	empty.Store(true)
	code, _, errs := cli(t, db, syncArgs...)
	if code != 1 || !strings.Contains(errs, "un") {
		t.Errorf("sync of an empty body: exit %d, stderr %q", code, errs)
	}
	if v, n := currentVersion(t, db, "un"); v != 1 || n != 1003 {
		t.Errorf("after the empty body: version %d, %d parties", v, n)
	}
}

// TestImportGuardsCLI: a cut file is refused with exit 1 and how many
// parties it would remove; --force stores it; versions rollback restores
// the list as a new version.
func TestImportGuardsCLI(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "w.db")
	importJSON(t, db, "--list", "un", sourcetest.Data(t, "un/consolidated.xml"))
	b, err := os.ReadFile(sourcetest.Data(t, "un/consolidated.xml"))
	if err != nil {
		t.Fatal(err)
	}
	end := strings.Index(string(b), "</INDIVIDUAL>") + len("</INDIVIDUAL>")
	one := filepath.Join(dir, "one.xml")
	os.WriteFile(one, append(b[:end:end], "</INDIVIDUALS><ENTITIES/></CONSOLIDATED_LIST>\n"...), 0o600)

	code, _, errs := cli(t, db, "import", "--list", "un", one)
	if code != 1 || !strings.Contains(errs, "would remove 1002 of 1003 parties") {
		t.Errorf("cut file: exit %d, stderr %q", code, errs)
	}
	if code, _, errs := cli(t, db, "import", "--list", "un", "--max-removed", "NaN", one); code != 2 || !strings.Contains(errs, "--max-removed") {
		t.Errorf("--max-removed NaN: exit %d, stderr %q", code, errs)
	}
	if v, n := currentVersion(t, db, "un"); v != 1 || n != 1003 {
		t.Errorf("after the refusal: version %d, %d parties", v, n)
	}
	s := importJSON(t, db, "--list", "un", "--force", "--reason", "test", one)
	if s.Version != 2 || s.Entities != 1 {
		t.Errorf("forced: %+v", s)
	}
	code, out, errs := cli(t, db, "versions", "rollback", "un", "--to", "1", "--reason", "undo", "--json")
	var r summary
	if code != 0 || json.Unmarshal([]byte(lastLine(out)), &r) != nil || r.Version != 3 || r.Entities != 1003 || r.Added != 1002 {
		t.Errorf("rollback: exit %d %q %q", code, out, errs)
	}
	code, out, _ = cli(t, db, "audit", "export")
	if code != 0 || !strings.Contains(out, `"action":"list.import.forced"`) || !strings.Contains(out, `"action":"list.rollback"`) {
		t.Errorf("audit export lacks the forced import or the rollback")
	}
}

// TestImportBesideServer: a CLI import of a large list into the database a
// server is writing payments to makes no request fail: the import parses
// with no transaction open and writes in one short one, and writers wait
// for each other instead of failing with "database is locked". The list
// is the OFAC sample (2,062 parties, see sourcetest.OFACSample): the UK
// list's 4,688 took a minute to parse under the race detector.
func TestImportBesideServer(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a server under load")
	}
	list := sourcetest.OFACSample(t, "ofac")
	dir := t.TempDir()
	db := filepath.Join(dir, "w.db")
	_, out, _ := cli(t, db, "--create", "token", "create", "--role", "screener", "--name", "load")
	tok := lastLine(out)

	srv := startServe(t, db, "--no-snapshot")
	base := srv.base
	waitReady(t, base)

	// Payments from 4 clients, at most 1,500 each and for at most 60 s,
	// until the import has ended.
	var mu sync.Mutex
	statuses := map[int]int{}
	var failures []string
	stop := make(chan struct{})
	var wg sync.WaitGroup
	deadline := time.Now().Add(60 * time.Second)
	for c := 0; c < 4; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			for i := 0; i < 1500 && time.Now().Before(deadline); i++ {
				select {
				case <-stop:
					return
				default:
				}
				body := fmt.Sprintf(`{"reference":"b-%d-%d","amount":{"currency":"EUR","minor":%d},"parties":[{"role":"originator","name":"Jane Doe"},{"role":"beneficiary","name":"Peter Mueller","country":"DE"}]}`, c, i, 100+i)
				req, _ := http.NewRequest("POST", base+"/v1/transactions", strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+tok)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					mu.Lock()
					failures = append(failures, err.Error())
					mu.Unlock()
					return
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				mu.Lock()
				statuses[resp.StatusCode]++
				if resp.StatusCode >= 500 {
					failures = append(failures, fmt.Sprintf("%d %s", resp.StatusCode, b))
				}
				mu.Unlock()
			}
		}(c)
	}
	time.Sleep(300 * time.Millisecond) // the load is on before the import starts
	start := time.Now()
	code, _, errs := cli(t, db, "import", "--list", "ofac", list)
	took := time.Since(start)
	close(stop)
	wg.Wait()
	if code != 0 {
		t.Errorf("import: exit %d: %s", code, errs)
	}
	if len(failures) > 0 {
		t.Errorf("%d requests failed beside the import, first: %s", len(failures), failures[0])
	}
	if statuses[200] < 20 {
		t.Errorf("only %d payments answered 200 (%v)", statuses[200], statuses)
	}
	t.Logf("import took %v; answers %v", took, statuses)
	srv.stop()
}

// TestOFACComponentsCLI: the reviewer's runs, on the OFAC sample (see
// sourcetest.OFACSample). An OFAC folder whose alt.csv is empty, sdn.csv
// alone, and a sync answering ALT.CSV with 0 bytes are each refused with
// exit 1 and nothing stored, so "NATIONAL BANK OF CUBA", an a.k.a., still
// finds its party; --force stores sdn.csv alone.
func TestOFACComponentsCLI(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "w.db")
	sample := sourcetest.OFACSample(t, "ofac")
	folder := func(name string, files map[string]string) string {
		d := filepath.Join(dir, name)
		os.Mkdir(d, 0o755)
		for f, content := range files {
			if content == "real" {
				b, err := os.ReadFile(filepath.Join(sample, f))
				if err != nil {
					t.Fatal(err)
				}
				content = string(b)
			}
			if err := os.WriteFile(filepath.Join(d, f), []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		return d
	}
	var empty atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.ToLower(strings.TrimPrefix(r.URL.Path, "/"))
		if name == "alt.csv" && empty.Load() {
			return // 200, 0 bytes
		}
		http.ServeFile(w, r, filepath.Join(sample, name))
	}))
	defer srv.Close()
	sourcesFile := filepath.Join(dir, "sources.json")
	os.WriteFile(sourcesFile, []byte(`[{"list":"ofac","format":"ofac-csv","urls":["`+srv.URL+`/SDN.CSV","`+srv.URL+`/ADD.CSV","`+srv.URL+`/ALT.CSV","`+srv.URL+`/SDN_COMMENTS.CSV"]}]`), 0o600)
	syncArgs := []string{"sync", "--sources", sourcesFile, "--cache", filepath.Join(dir, "cache"), "ofac"}
	if code, _, errs := cli(t, db, syncArgs...); code != 0 {
		t.Fatalf("first sync: exit %d: %s", code, errs)
	}
	found := func() bool {
		code, out, _ := cli(t, db, "screen", "--json", "NATIONAL BANK OF CUBA")
		return code == 0 && strings.Contains(out, `"entity_id":"ofac:306"`)
	}
	if !found() {
		t.Fatal("NATIONAL BANK OF CUBA finds nothing after the first sync")
	}

	noAlt := map[string]string{"sdn.csv": "real", "add.csv": "real", "alt.csv": "", "sdn_comments.csv": "real"}
	empty.Store(true)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"sync with an empty ALT.CSV", syncArgs, "ALT.CSV is empty"},
		{"import with an empty alt.csv", []string{"import", "--list", "ofac", folder("noalt", noAlt)}, "alt.csv is empty"},
		{"import of sdn.csv alone", []string{"import", "--list", "ofac", folder("alone", map[string]string{"sdn.csv": "real"})}, "would drop 2437 of 5026 names (48.5%)"},
	} {
		code, _, errs := cli(t, db, tc.args...)
		if code != 1 || !strings.Contains(errs, tc.want) {
			t.Errorf("%s: exit %d, stderr %q, want 1 and %q", tc.name, code, errs, tc.want)
		}
		if v, n := currentVersion(t, db, "ofac"); v != 1 || n != 2062 {
			t.Errorf("after %s: version %d, %d parties", tc.name, v, n)
		}
	}
	if !found() {
		t.Error("NATIONAL BANK OF CUBA finds nothing after the refusals")
	}
	s := importJSON(t, db, "--list", "ofac", "--force", "--reason", "test", filepath.Join(dir, "alone"))
	if s.Version != 2 || s.Removed != 0 || s.Modified == 0 {
		t.Errorf("forced: %+v", s)
	}
	if code, out, _ := cli(t, db, "audit", "export"); code != 0 || !strings.Contains(out, `"action":"list.import.forced"`) || !strings.Contains(out, "names") {
		t.Error("audit export lacks the forced import and what the guard said")
	}
}

// TestOFACCutCLI: the reviewer's runs, on the OFAC sample (see
// sourcetest.OFACSample). alt.csv cut at a line break after 80% of its
// bytes (15,821 of the whole list's 19,487 lines, 2,093 of the sample's
// 2,578) drops fewer names than the share guard allows (9.7%, 6.8% of the
// sample's), but has lost the 0x1A byte that ends every OFAC file: by sync
// and by import it is refused with exit 1, the list keeps version 1, and
// "FGBU TSNII VVKO MINOBORONY ROSSII", an a.k.a. past the cut, still finds
// ofac:44296.
func TestOFACCutCLI(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "w.db")
	sample := sourcetest.OFACSample(t, "ofac")
	alt, err := os.ReadFile(filepath.Join(sample, "alt.csv"))
	if err != nil {
		t.Fatal(err)
	}
	cut := alt[:len(alt)*8/10]
	cut = cut[:strings.LastIndexByte(string(cut), '\n')+1]
	if n := strings.Count(string(cut), "\n"); n != 2093 {
		t.Fatalf("the cut keeps %d lines, want 2093 of the sample's", n)
	}
	var cutNow atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.ToLower(strings.TrimPrefix(r.URL.Path, "/"))
		if name == "alt.csv" && cutNow.Load() {
			w.Write(cut)
			return
		}
		http.ServeFile(w, r, filepath.Join(sample, name))
	}))
	defer srv.Close()
	sourcesFile := filepath.Join(dir, "sources.json")
	os.WriteFile(sourcesFile, []byte(`[{"list":"ofac","format":"ofac-csv","urls":["`+srv.URL+`/SDN.CSV","`+srv.URL+`/ADD.CSV","`+srv.URL+`/ALT.CSV","`+srv.URL+`/SDN_COMMENTS.CSV"]}]`), 0o600)
	syncArgs := []string{"sync", "--sources", sourcesFile, "--cache", filepath.Join(dir, "cache"), "ofac"}
	if code, _, errs := cli(t, db, syncArgs...); code != 0 {
		t.Fatalf("first sync: exit %d: %s", code, errs)
	}
	found := func() bool {
		code, out, _ := cli(t, db, "screen", "--json", "FGBU TSNII VVKO MINOBORONY ROSSII")
		return code == 0 && strings.Contains(out, `"entity_id":"ofac:44296"`)
	}
	if !found() {
		t.Fatal("FGBU TSNII VVKO MINOBORONY ROSSII finds nothing after the first sync")
	}

	folder := filepath.Join(dir, "cut")
	os.Mkdir(folder, 0o755)
	for _, name := range []string{"sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"} {
		b, err := os.ReadFile(filepath.Join(sample, name))
		if name == "alt.csv" {
			b = cut
		}
		if err == nil {
			err = os.WriteFile(filepath.Join(folder, name), b, 0o600)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	cutNow.Store(true)
	const want = "alt.csv ends without OFAC's end-of-file mark (0x1A), as the current version's did: it looks cut"
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"sync", syncArgs},
		{"import", []string{"import", "--list", "ofac", folder}},
	} {
		code, _, errs := cli(t, db, tc.args...)
		if code != 1 || !strings.Contains(errs, want) {
			t.Errorf("%s of a cut alt.csv: exit %d, stderr %q, want 1 and %q", tc.name, code, errs, want)
		}
		if v, n := currentVersion(t, db, "ofac"); v != 1 || n != 2062 {
			t.Errorf("after the %s: version %d, %d parties", tc.name, v, n)
		}
	}
	if !found() {
		t.Error("FGBU TSNII VVKO MINOBORONY ROSSII finds nothing after the refusals")
	}
}
