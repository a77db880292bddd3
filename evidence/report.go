package evidence

import (
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"

	"warden"
	"warden/enforcement"
	"warden/internal/csvsafe"
)

// ReportPDF writes a regulator's report as a PDF: its headers in words,
// in landscape when it has more than six columns, the columns sized to
// their content and the page, the header row repeated on every page.
func ReportPDF(w io.Writer, rep enforcement.Report, now time.Time) error {
	d := newDoc(rep.Title, rep.Title, len(rep.Headers) > 6, now)
	d.para("As of " + rep.AsOf.UTC().Format("2006-01-02 15:04") + " UTC. " + strings.Join(rep.Notes, " "))
	if rep.Filing != nil {
		d.para(filingWords(*rep.Filing))
	}
	d.pdf.Ln(2)
	if len(rep.Rows) == 0 {
		d.para("Nothing to report.")
		return d.write(w)
	}
	// Each column's width follows its longest cell (within bounds), so
	// that the names and causes get the room.
	widths := make([]float64, len(rep.Headers))
	for i, h := range rep.Headers {
		n := min(len(h), 14)
		for _, r := range rep.Rows {
			n = max(n, min(len([]rune(r[i])), 40))
		}
		widths[i] = float64(max(n, 6))
	}
	d.table(rep.Headers, widths, rep.Rows, 7.5)
	d.pdf.Ln(2)
	d.para(fmt.Sprintf("%d rows. Produced by Warden from the blocked-property ledger and the review queue.", len(rep.Rows)))
	return d.write(w)
}

// filingWords says that a report was filed, by whom, when, under which
// reference.
func filingWords(f warden.ReportFiling) string {
	s := fmt.Sprintf("Filed with the regulator on %s by %s, reference %s.", f.FiledAt.UTC().Format("2006-01-02"), f.FiledBy, f.Reference)
	if f.Note != "" {
		s += " " + f.Note
	}
	return s
}

// ReportCSV writes a report as CSV for the regulator who opens it in a
// spreadsheet: its headers in words (JSON keeps the column names for
// programs), then its rows, each cell safe from spreadsheet formulas and
// with its invisible characters shown (a spreadsheet shows them no more
// than a page would).
func ReportCSV(w io.Writer, rep enforcement.Report) error {
	cw := csvsafe.NewWriter(w)
	cw.Write(rep.Headers)
	for _, row := range rep.Rows {
		cells := make([]string, len(row))
		for i, c := range row {
			cells[i] = warden.Visible(c)
		}
		cw.Write(cells)
	}
	cw.Flush()
	return cw.Error()
}

var reportPage = template.Must(template.New("report").Funcs(template.FuncMap{"filing": filingWords, "visible": warden.Visible}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title>
<style>body{font:10pt sans-serif;margin:1cm}table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:2px 4px;text-align:left;vertical-align:top}th{background:#e6e6e6}
@page{size:A4 {{if gt (len .Headers) 6}}landscape{{else}}portrait{{end}};margin:1cm}</style></head>
<body><h1>{{.Title}}</h1>
<p>As of {{.AsOf.UTC.Format "2006-01-02 15:04"}} UTC.{{range .Notes}} {{.}}{{end}}</p>
{{with .Filing}}<p>{{filing .}}</p>{{end}}
<table><thead><tr>{{range .Headers}}<th scope="col">{{.}}</th>{{end}}</tr></thead>
<tbody>{{range .Rows}}<tr>{{range .}}<td>{{visible .}}</td>{{end}}</tr>
{{else}}<tr><td colspan="{{len .Headers}}">Nothing to report.</td></tr>{{end}}</tbody></table>
<p>{{len .Rows}} rows. Produced by Warden from the blocked-property ledger and the review queue.</p>
</body></html>
`))

// ReportHTML writes a report as a standalone printable HTML page (the
// command line's; the server's has the menu and the filing form).
func ReportHTML(w io.Writer, rep enforcement.Report) error {
	return reportPage.Execute(w, rep)
}
