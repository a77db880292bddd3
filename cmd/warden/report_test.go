package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"warden/evidence/pdftext"
	"warden/sources/sourcetest"
)

// TestReportCLI writes each report in each format, to stdout or to a
// file whose extension gives the format, and refuses what makes no sense.
func TestReportCLI(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "w.db")
	importJSON(t, db, "--list", "ofac", sourcetest.OFACSample(t, "ofac"))
	tests := []struct {
		args []string
		code int
		file string // the output file, if any
		want string // in stdout, the file (the PDF's text) or stderr
	}{
		{[]string{"report", "initial"}, 0, "", "Blocked on,Report due by,Deadline,Payment reference,Listed party (id),Listed party's name,Listed party's address"},
		{[]string{"report", "rejected", "--format", "html", "--since", "2026-01-01"}, 0, "", "<th scope=\"col\">Listed party&#39;s name</th>"},
		{[]string{"report", "annual", "--year", "2025", "--format", "json"}, 0, "", `"title": "Annual report of blocked property as of June 30, 2025"`},
		{[]string{"report", "initial", "--output", filepath.Join(dir, "i.pdf")}, 0, filepath.Join(dir, "i.pdf"), "Initial reports of blocked property"},
		{[]string{"report", "annual", "--year", "2025", "--format", "pdf", "--output", filepath.Join(dir, "a.out")}, 0, filepath.Join(dir, "a.out"), "Nothing to report."},
		{[]string{"report", "weekly"}, 2, "", "unknown report"},
		{[]string{"report", "initial", "--format", "xls"}, 2, "", "must be csv, html, pdf or json"},
		{[]string{"report", "initial", "--output", filepath.Join(dir, "x.docx")}, 2, "", "must be csv, html, pdf or json"},
		{[]string{"report", "initial", "--year", "2025"}, 2, "", "--year goes with the annual report"},
		{[]string{"report", "rejected", "--since", "2026-02-30"}, 2, "", "not a day"},
	}
	for _, tc := range tests {
		code, out, errs := cli(t, db, tc.args...)
		if code != tc.code {
			t.Errorf("%v: exit %d, want %d: %s", tc.args, code, tc.code, errs)
			continue
		}
		got := out + errs
		if tc.file != "" {
			b, err := os.ReadFile(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			if got, err = pdftext.Text(b); err != nil {
				t.Errorf("%v: %v", tc.args, err)
			}
		}
		if !strings.Contains(got, tc.want) {
			t.Errorf("%v: %q lacks %q", tc.args, got, tc.want)
		}
	}
}
