package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"warden/sources/sourcetest"
)

// formulas are names a spreadsheet would run if a CSV cell began with them.
var formulas = []string{`=HYPERLINK("http://evil.invalid","Ivan Petrov")`, "@SUM(1) Ivan Petrov", "+1+1 Ivan Petrov", "-2+3 Ivan Petrov"}

// formulaDB is a database with one list whose parties are named like
// formulas, imported from a targets.simple.csv.
func formulaDB(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write([]string{"id", "schema", "name", "aliases", "birth_date", "countries", "addresses", "identifiers", "sanctions", "phones", "emails", "program_ids", "dataset", "first_seen", "last_seen", "last_change"})
	for i, f := range formulas {
		w.Write([]string{"NK-" + string(rune('a'+i)), "Person", f, "", "", "", "", "", "", "", "", "", "test", "", "", ""})
	}
	w.Flush()
	db := filepath.Join(t.TempDir(), "w.db")
	importJSON(t, db, "--list", "evil", "--format", "os-targets-csv", sourcetest.WriteFile(t, "targets.simple.csv", b.String()))
	return db
}

// readCSV reads a whole CSV file the way a spreadsheet's importer would.
func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.FieldsPerRecord = -1
	rows, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestCSVOutputsFormulaSafe: every CSV the CLI writes (screen --output
// r.csv, compare --output, export --format csv, whole and as changes)
// quotes cells that a spreadsheet would run as formulas, and still holds
// the names.
func TestCSVOutputsFormulaSafe(t *testing.T) {
	db := formulaDB(t)
	dir := t.TempDir()
	var qb, pb strings.Builder
	qw, pw := csv.NewWriter(&qb), csv.NewWriter(&pb)
	qw.Write([]string{"name"})
	pw.Write([]string{"schema", "name1", "name2"})
	for _, f := range formulas {
		qw.Write([]string{f})
		pw.Write([]string{"Person", f, "Ivan Petrov"})
	}
	qw.Flush()
	pw.Flush()
	queries, pairs := filepath.Join(dir, "q.csv"), filepath.Join(dir, "p.csv")
	os.WriteFile(queries, []byte(qb.String()), 0o644)
	os.WriteFile(pairs, []byte(pb.String()), 0o644)

	outputs := []struct {
		name string
		args []string
		file string
	}{
		{"screen", []string{"screen", "--input", queries, "--output", filepath.Join(dir, "r.csv")}, filepath.Join(dir, "r.csv")},
		{"compare", []string{"compare", "--input", pairs, "--output", filepath.Join(dir, "o.csv")}, filepath.Join(dir, "o.csv")},
		{"export", []string{"export", "--list", "evil", "--format", "csv", "--output", filepath.Join(dir, "e.csv")}, filepath.Join(dir, "e.csv")},
		{"export changes", []string{"export", "--list", "evil", "--format", "csv", "--since", "0", "--output", filepath.Join(dir, "c.csv")}, filepath.Join(dir, "c.csv")},
	}
	for _, o := range outputs {
		t.Run(o.name, func(t *testing.T) {
			if code, _, errs := cli(t, db, o.args...); code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			rows := readCSV(t, o.file)
			found := map[string]bool{}
			for _, row := range rows {
				for _, c := range row {
					if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
						t.Errorf("cell %q would run as a formula (row %q)", c, row)
					}
					for _, f := range formulas {
						if c == "'"+f {
							found[f] = true
						}
					}
				}
			}
			if len(found) != len(formulas) {
				t.Errorf("names written quoted: %v of %q\n%q", found, formulas, rows)
			}
		})
	}
}

// TestUnknownCSVColumns: a CSV input with a column the command does not
// know (a typo such as "nmae") fails naming it, instead of the column being
// ignored and its data never screened.
func TestUnknownCSVColumns(t *testing.T) {
	db := formulaDB(t)
	dir := t.TempDir()
	file := func(name, content string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o644)
		return p
	}
	tests := []struct {
		name string
		args []string
	}{
		{"screen", []string{"screen", "--input", file("q.csv", "name,nmae\nIvan Petrov,Ivan Petrov\n"), "--output", filepath.Join(dir, "r.jsonl")}},
		{"tx screen", []string{"tx", "screen", "--input", file("tx.csv", "reference,currency,minor,role,name,nmae\nr1,USD,100,beneficiary,Ivan Petrov,x\n")}},
		{"customer import", []string{"customer", "import", "--input", file("c.csv", "id,name,nmae\nK1,Ivan Petrov,x\n")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errs := cli(t, db, tt.args...)
			if code != 1 || !strings.Contains(errs, `unknown column "nmae"`) {
				t.Errorf("exit %d, stderr %q; want 1 naming the column", code, errs)
			}
		})
	}
}
