package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"warden/sources/sourcetest"
)

// screenDB is a new database holding the OFAC list, whole (the bundled
// snapshot's files), or under the race detector the OFAC sample (see
// sourcetest.OFACSample), which holds every party the tests look for:
// there each warden screen, which builds the screening index, takes some
// 13 s of CPU on the whole list.
func screenDB(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "w.db")
	if raceEnabled {
		importJSON(t, db, "--list", "ofac", sourcetest.OFACSample(t, "ofac"))
	} else {
		importJSON(t, db, "--list", "ofac", sourcetest.OFAC(t))
	}
	return db
}

type screenOut struct {
	Query map[string]any `json:"query"`
	Hits  []struct {
		EntityID string  `json:"entity_id"`
		SourceID string  `json:"source_id"`
		Score    float64 `json:"score"`
		Match    bool    `json:"match"`
	} `json:"hits"`
}

func TestScreenCLI(t *testing.T) {
	db := screenDB(t)
	tests := []struct {
		args []string
		want string // source id of the top hit, "" for none matching
	}{
		{[]string{"--json", "Якубец Максим"}, "26663"},
		{[]string{"--json", "Maxim", "Yakubets"}, "26663"},
		{[]string{"--json", "--schema", "Person", "--birth-date", "1987", "王云鹤"}, "43421"},
		{[]string{"--json", "--wallet", "bc1qvhnfknw852ephxyc5hm4q520zmvf9maphetc9z"}, "48603"},
		{[]string{"--json", "--id", "iranvisacart@yahoo.com"}, "26137"},
		{[]string{"--json", "Peter Mueller"}, ""},
	}
	for _, tt := range tests {
		code, out, errs := cli(t, db, append([]string{"screen"}, tt.args...)...)
		if code != 0 {
			t.Errorf("%v: exit %d %s", tt.args, code, errs)
			continue
		}
		var r screenOut
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("%v: %v: %s", tt.args, err, out)
		}
		got := ""
		if len(r.Hits) > 0 && r.Hits[0].Match {
			got = r.Hits[0].SourceID
		}
		if got != tt.want {
			t.Errorf("%v: top match %q, want %q (%+v)", tt.args, got, tt.want, r.Hits)
		}
	}
	for _, args := range [][]string{{"--country", "Atlantis", "Ivan"}, {}, {"--threshold", "2", "x"}, {"--birth-date", "87", "x"}} {
		if code, _, errs := cli(t, db, append([]string{"screen"}, args...)...); code == 0 || errs == "" {
			t.Errorf("%v: exit %d", args, code)
		}
	}
	empty := filepath.Join(t.TempDir(), "empty.db")
	if code, _, errs := cli(t, empty, "--create", "screen", "x"); code != 1 || !strings.Contains(errs, "holds no lists") {
		t.Errorf("empty db: %d %s", code, errs)
	}
}

func TestScreenBatch(t *testing.T) {
	db := screenDB(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "q.csv")
	os.WriteFile(in, []byte("name,schema,birth_date,country,wallet\nMaxim Yakubets,Person,,,\n,,,,3K35dyL85fR9ht7UgzPfd1gLRRXQtNTqE3\nPeter Mueller,Person,,,\n李尚福,Person,,,\n"), 0o644)
	out := filepath.Join(dir, "r.jsonl")
	if code, _, errs := cli(t, db, "screen", "--input", in, "--output", out); code != 0 {
		t.Fatalf("batch: %s", errs)
	}
	b, _ := os.ReadFile(out)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	want := []string{"26663", "37070", "", "24838"}
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d", len(lines), len(want))
	}
	for i, l := range lines {
		var r screenOut
		json.Unmarshal([]byte(l), &r)
		got := ""
		if len(r.Hits) > 0 && r.Hits[0].Match {
			got = r.Hits[0].SourceID
		}
		if got != want[i] {
			t.Errorf("line %d: %q, want %q", i+1, got, want[i])
		}
	}
	outCSV := filepath.Join(dir, "r.csv")
	if code, _, errs := cli(t, db, "screen", "--input", in, "--output", outCSV); code != 0 {
		t.Fatalf("batch csv: %s", errs)
	}
	b, _ = os.ReadFile(outCSV)
	// One row per query, Peter Mueller's with no hit.
	if !strings.HasPrefix(string(b), "row,query_name,") || !strings.Contains(string(b), "\nq.csv:2,Maxim Yakubets,Person,,,,,1,ofac:26663,") ||
		!strings.Contains(string(b), "\nq.csv:4,Peter Mueller,Person,,,,,0,,,") || strings.Count(string(b), "\n") != 5 {
		t.Errorf("csv output:\n%s", b)
	}
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("name,country\nIvan,Atlantis\n"), 0o644)
	if code, _, errs := cli(t, db, "screen", "--input", bad, "--output", out); code != 1 || !strings.Contains(errs, "bad.csv:2") {
		t.Errorf("bad row: %d %s", code, errs)
	}
}

func TestCompareCLI(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.db")
	code, out, _ := cli(t, db, "compare", "--json", "--schema", "Person", "Пригожин Евгений", "Yevgeniy Prigozhin")
	var c struct {
		Score float64 `json:"score"`
		Match bool    `json:"match"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &c) != nil || !c.Match {
		t.Errorf("compare: %d %s", code, out)
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "p.csv")
	os.WriteFile(in, []byte("schema,name1,name2\nPerson,Kim Jong Il,Kim Jong Un\nOrganization,EvilCorp,EVIL CORP\n"), 0o644)
	outf := filepath.Join(dir, "o.csv")
	if code, _, errs := cli(t, db, "compare", "--input", in, "--output", outf); code != 0 {
		t.Fatal(errs)
	}
	b, _ := os.ReadFile(outf)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 3 || !strings.HasSuffix(lines[0], "score,match") || !strings.HasSuffix(lines[1], ",false") || !strings.HasSuffix(lines[2], ",true") {
		t.Errorf("compare batch:\n%s", b)
	}
	if code, _, _ := cli(t, db, "compare", "one"); code != 2 {
		t.Errorf("one name: exit %d", code)
	}
}

func TestBench(t *testing.T) {
	db := screenDB(t)
	_, tokOut, _ := cli(t, db, "token", "create", "--role", "screener", "--name", "bench")
	token := strings.TrimSpace(tokOut)
	srv := startServe(t, db)
	url := srv.base
	waitReady(t, url) // the index is built
	code, out, errs := cli(t, db, "bench", "--json", "--url", url, "--token", token, "--duration", "2s", "--concurrency", "4", "--max-requests", "200")
	var res struct {
		Requests int     `json:"requests"`
		Failed   int     `json:"failed"`
		P99      float64 `json:"p99_ms"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &res) != nil || res.Requests == 0 || res.Failed != 0 || res.P99 <= 0 {
		t.Errorf("bench: %d %q %s", code, out, errs)
	}
	if code, _, _ := cli(t, db, "bench", "--url", "http://10.0.0.1:80", "--token", token); code != 2 {
		t.Errorf("remote target accepted: %d", code)
	}
	if code, _, _ := cli(t, db, "bench", "--json", "--url", url, "--token", "wdn_bad", "--duration", "1s", "--max-requests", "5"); code != 1 {
		t.Errorf("bad token: %d", code)
	}
}
