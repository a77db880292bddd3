package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"warden/screening"
)

// TestScreenBatchOutput: the results of warden screen --input go in the
// format the --output file's extension names, every query answered in
// input order; any other extension is a usage error writing nothing.
func TestScreenBatchOutput(t *testing.T) {
	db := smallDB(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "q.csv")
	os.WriteFile(in, []byte("name,birth_date\nJane Quentin Public,1970\nNobody Anybody,\nEvil Corp,\n"), 0o600)
	tests := []struct {
		output string
		code   int
		check  func(t *testing.T, b []byte)
	}{
		{"r.csv", 0, func(t *testing.T, b []byte) {
			rows := readCSV(t, filepath.Join(dir, "r.csv"))
			if len(rows) != 4 || !slices.Equal(rows[0], screening.CSVHeader) {
				t.Fatalf("want the header and one row per query:\n%q", rows)
			}
			col := func(row []string, name string) string { return row[slices.Index(screening.CSVHeader, name)] }
			jane, nobody, evil := rows[1], rows[2], rows[3]
			// Jane is on two lists, linked by name and birth date: one
			// match, either listing first, with the other's programs.
			listed := col(jane, "entity_id") + " " + col(jane, "listings")
			if col(jane, "row") != "q.csv:2" || col(jane, "query_birth_date") != "1970" || (listed != "small:x-1 other:y-1" && listed != "other:y-1 small:x-1") ||
				!strings.Contains(col(jane, "programs"), "CYBER2") || !strings.Contains(col(jane, "programs"), "UK-CYBER") || col(jane, "matches") != "1" || !strings.Contains(col(jane, "explanation"), "jane~jane 1.00") {
				t.Errorf("a match: %q", jane)
			}
			for _, c := range []string{"entity_id", "list", "name", "programs", "score", "explanation", "other_matches"} {
				if col(nobody, c) != "" {
					t.Errorf("no match, yet %s is %q", c, col(nobody, c))
				}
			}
			if col(nobody, "row") != "q.csv:3" || col(nobody, "query_name") != "Nobody Anybody" || col(nobody, "matches") != "0" {
				t.Errorf("no match: %q", nobody)
			}
			if col(evil, "matches") != "2" || !strings.HasPrefix(col(evil, "entity_id"), "small:x-") || !strings.Contains(col(evil, "other_matches"), "small:x-") {
				t.Errorf("two matches: %q", evil)
			}
		}},
		{"r.jsonl", 0, func(t *testing.T, b []byte) {
			if n := strings.Count(string(b), "\n"); n != 3 {
				t.Errorf("%d lines, want 3:\n%s", n, b)
			}
		}},
		{"r.ndjson", 0, func(t *testing.T, b []byte) {
			if n := strings.Count(string(b), "\n"); n != 3 {
				t.Errorf("%d lines, want 3:\n%s", n, b)
			}
		}},
		{"R.JSON", 0, func(t *testing.T, b []byte) {
			var doc struct {
				Responses []screening.Response `json:"responses"`
			}
			if err := json.Unmarshal(b, &doc); err != nil || len(doc.Responses) != 3 || len(doc.Responses[1].Hits) != 0 || doc.Responses[2].Query.Names[0] != "Evil Corp" {
				t.Errorf("%v: %s", err, b)
			}
		}},
		{"r.txt", 2, nil},
		{"r.csv.gz", 2, nil},
		{"results", 2, nil},
	}
	for _, tt := range tests {
		t.Run(tt.output, func(t *testing.T) {
			out := filepath.Join(dir, tt.output)
			code, _, errs := cli(t, db, "screen", "--input", in, "--output", out)
			if code != tt.code {
				t.Fatalf("exit %d, want %d: %s", code, tt.code, errs)
			}
			b, err := os.ReadFile(out)
			if tt.check == nil {
				if err == nil || !strings.Contains(errs, "--output "+out) {
					t.Errorf("file written (%v) or stderr %q not naming --output", err, errs)
				}
				return
			}
			tt.check(t, b)
		})
	}
}

// TestCSVInputRules: every command reading a CSV reports a fault of the
// header, or an empty file, as line 1's, a fault of a row at its line,
// and names the file once.
func TestCSVInputRules(t *testing.T) {
	db := smallDB(t)
	dir := t.TempDir()
	file := func(name, content string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o600)
		return p
	}
	screen := func(in string) []string {
		return []string{"screen", "--input", in, "--output", filepath.Join(dir, "r.csv")}
	}
	compare := func(in string) []string {
		return []string{"compare", "--input", in, "--output", filepath.Join(dir, "o.csv")}
	}
	tx := func(in string) []string { return []string{"tx", "screen", "--input", in} }
	customer := func(in string) []string { return []string{"customer", "import", "--input", in} }
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"screen: header without a name", screen(file("s1.csv", "nmae\nJane Doe\n")), 1, "s1.csv:1: header needs a name"},
		{"screen: header only, bad", screen(file("s2.csv", "name,nmae\n")), 1, `s2.csv:1: unknown column "nmae"`},
		{"screen: empty", screen(file("s3.csv", "")), 1, "s3.csv:1: the file is empty"},
		{"screen: impossible date", screen(file("s4.csv", "name,birth_date\nJane Doe,1970\nJane Doe,1987-02-30\n")), 1, `s4.csv:3: birth_date "1987-02-30"`},
		{"screen: bad quote", screen(file("s5.csv", "name\nJane\n\"Doe\n")), 1, "s5.csv:3: extraneous"},
		{"screen: missing", screen(filepath.Join(dir, "nope1.csv")), 1, "nope1.csv: no such file"},
		{"compare: header", compare(file("c1.csv", "name1,nmae2\na,b\n")), 1, `c1.csv:1: header lacks column "name2"`},
		{"compare: empty", compare(file("c2.csv", "")), 1, "c2.csv:1: the file is empty"},
		{"compare: bad quote", compare(file("c3.csv", "name1,name2\na,b\n\"c,d\n")), 1, "c3.csv:3: extraneous"},
		{"compare: missing", compare(filepath.Join(dir, "nope2.csv")), 1, "nope2.csv: no such file"},
		{"tx: header", tx(file("t1.csv", "reference,currency,minor,name\n")), 1, "t1.csv:1: the header needs role"},
		{"tx: empty", tx(file("t2.csv", "")), 1, "t2.csv:1: the file is empty"},
		{"tx: impossible date", tx(file("t3.csv", "reference,currency,minor,role,name,birth_date\nr1,USD,100,beneficiary,Jane Doe,1987-13-45\n")), 1, "t3.csv:2: birth_date"},
		{"tx: missing", tx(filepath.Join(dir, "nope3.csv")), 1, "nope3.csv: no such file"},
		{"customer: header", customer(file("k1.csv", "name\nJane Doe\n")), 1, "k1.csv:1: the header needs id"},
		{"customer: empty", customer(file("k2.csv", "")), 1, "k2.csv:1: the file is empty"},
		{"customer: missing", customer(filepath.Join(dir, "nope4.csv")), 1, "nope4.csv: no such file"},
		{"import: missing", []string{"import", "--list", "small", filepath.Join(dir, "nope5.csv")}, 1, "nope5.csv: no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errs := cli(t, db, tt.args...)
			if code != tt.code || !strings.Contains(errs, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errs, tt.code, tt.want)
			}
			in := filepath.Base(tt.args[len(tt.args)-1])
			if i := slices.Index(tt.args, "--input"); i >= 0 {
				in = filepath.Base(tt.args[i+1])
			}
			if n := strings.Count(errs, in); n != 1 {
				t.Errorf("stderr names %s %d times: %q", in, n, errs)
			}
			if strings.Contains(errs, "on line") {
				t.Errorf("the line is given twice: %q", errs)
			}
		})
	}
}

// TestScreenUsage: what the command line gets wrong is a usage error
// (exit 2) before any database is read.
func TestScreenUsage(t *testing.T) {
	db := smallDB(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "q.csv")
	os.WriteFile(in, []byte("name\nJane Doe\n"), 0o600)
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"screen", "--birth-date", "1987-02-30", "Jane Doe"}, 2, `--birth-date: "1987-02-30" is not a date`},
		{[]string{"screen", "--birth-date", "1987-13-45", "Jane Doe"}, 2, "--birth-date"},
		{[]string{"screen", "--birth-date", "1987", "--birth-date", "02/03/1987", "Jane Doe"}, 2, `"02/03/1987"`},
		{[]string{"screen", "--country", "Atlantis", "Jane Doe"}, 2, "Atlantis"},
		{[]string{"screen", "--output", filepath.Join(dir, "r.csv"), "Jane Doe"}, 2, "--output needs --input"},
		{[]string{"screen", "--input", in, "--output", filepath.Join(dir, "r.csv"), "Jane Doe"}, 2, "give no name or query flags"},
		{[]string{"screen", "--input", in, "--output", filepath.Join(dir, "r.csv"), "--birth-date", "1970"}, 2, "give no name or query flags"},
		{[]string{"compare", "--input", in, "--output", filepath.Join(dir, "o.jsonl")}, 2, "name a .csv file"},
		{[]string{"tx", "screen", "--input", in, "--output", filepath.Join(dir, "d.csv")}, 2, "name a .jsonl file"},
		{[]string{"customer", "import", "--input", in, "--output", filepath.Join(dir, "d.json")}, 2, "name a .jsonl file"},
		{[]string{"screen", "--birth-date", "1970-01", "--json", "Jane Quentin Public"}, 0, ""},
	}
	for _, tt := range tests {
		code, _, errs := cli(t, db, tt.args...)
		if code != tt.code || !strings.Contains(errs, tt.want) {
			t.Errorf("%q: exit %d, stderr %q; want %d and %q", tt.args, code, errs, tt.code, tt.want)
		}
	}
}
