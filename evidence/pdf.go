// Package evidence writes the documents a person hands a regulator or an
// auditor as PDF, server-side and in pure Go: the evidence of a screening
// (who searched for what, when, against which list versions, and what
// came back, explained) and the regulator's reports. The text is set in
// the Go fonts, which cover the Latin, Greek and Cyrillic scripts; other
// scripts (Chinese, Arabic) come out as empty boxes, so the evidence page
// (HTML) is the one to print for them.
package evidence

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

// doc is a PDF being written, with the helpers the documents share.
type doc struct {
	pdf   *fpdf.Fpdf
	width float64 // the width between the margins
}

const (
	margin   = 12.0 // mm
	fontName = "go"
	lineH    = 4.6 // mm, a line of body text (9 pt)
)

// newDoc starts an A4 document, in landscape if wide, with a footer
// naming what it is, when it was produced and the page.
func newDoc(title, footer string, wide bool, produced time.Time) *doc {
	orient := "P"
	if wide {
		orient = "L"
	}
	pdf := fpdf.New(orient, "mm", "A4", "")
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(true, margin+6)
	pdf.AddUTF8FontFromBytes(fontName, "", goregular.TTF)
	pdf.AddUTF8FontFromBytes(fontName, "B", gobold.TTF)
	pdf.SetTitle(clean(title), true)
	pdf.SetCreator("Warden", true)
	pdf.SetCreationDate(produced)
	pdf.SetModificationDate(produced)
	pdf.AliasNbPages("{nb}")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-margin - 2)
		pdf.SetFont(fontName, "", 7.5)
		pdf.SetTextColor(90, 90, 90)
		pdf.CellFormat(0, 4, clean(fmt.Sprintf("%s · produced by Warden %s UTC · page %d of {nb}", footer, produced.UTC().Format("2006-01-02 15:04"), pdf.PageNo())), "", 0, "C", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	})
	pdf.AddPage()
	w, _ := pdf.GetPageSize()
	d := &doc{pdf: pdf, width: w - 2*margin}
	d.pdf.SetFont(fontName, "B", 15)
	d.pdf.MultiCell(0, 7, clean(title), "", "L", false)
	d.pdf.Ln(1)
	return d
}

// clean makes s printable by the fonts: the runes fpdf cannot measure
// (outside the Basic Multilingual Plane) and control characters become
// '?' and spaces.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r < ' ' || r == 0x7f:
			return ' '
		case r > 0xFFFF:
			return '?'
		}
		return r
	}, s)
}

// heading writes a section heading.
func (d *doc) heading(s string) {
	d.pdf.Ln(2)
	d.pdf.SetFont(fontName, "B", 11)
	d.pdf.MultiCell(0, 6, clean(s), "", "L", false)
	d.pdf.SetFont(fontName, "", 9)
}

// para writes a paragraph of body text.
func (d *doc) para(s string) {
	d.pdf.SetFont(fontName, "", 9)
	d.pdf.MultiCell(0, lineH, clean(s), "", "L", false)
}

// fields writes label: value lines, the labels in bold.
func (d *doc) fields(kv [][2]string) {
	labelW := 38.0
	for _, f := range kv {
		if f[1] == "" {
			continue
		}
		d.pdf.SetFont(fontName, "B", 9)
		lines := d.pdf.SplitText(clean(f[1]), d.width-labelW)
		d.breakFor(float64(len(lines)) * lineH)
		y := d.pdf.GetY()
		d.pdf.CellFormat(labelW, lineH, clean(f[0]), "", 0, "L", false, 0, "")
		d.pdf.SetFont(fontName, "", 9)
		d.pdf.SetXY(margin+labelW, y)
		d.pdf.MultiCell(d.width-labelW, lineH, clean(f[1]), "", "L", false)
	}
}

// breakFor starts a new page unless h mm fit on this one.
func (d *doc) breakFor(h float64) bool {
	_, ph := d.pdf.GetPageSize()
	if d.pdf.GetY()+h > ph-margin-6 {
		d.pdf.AddPage()
		return true
	}
	return false
}

// table writes a table with its header row repeated on every page;
// widths are relative (scaled to fill the page's width). Cells wrap; a
// row is never split across pages.
func (d *doc) table(header []string, widths []float64, rows [][]string, size float64) {
	total := 0.0
	for _, w := range widths {
		total += w
	}
	ws := make([]float64, len(widths))
	for i, w := range widths {
		ws[i] = w / total * d.width
	}
	d.pdf.SetDrawColor(160, 160, 160)
	d.pdf.SetLineWidth(0.1)
	d.pdf.SetFillColor(230, 230, 230)
	first := 0.0
	if len(rows) > 0 {
		_, first = d.split(rows[0], ws, size, "")
	}
	_, hh := d.split(header, ws, size, "B")
	d.breakFor(hh + first)
	d.row(header, ws, size, "B", true)
	for _, r := range rows {
		if _, h := d.split(r, ws, size, ""); d.breakFor(h) {
			d.row(header, ws, size, "B", true)
		}
		d.row(r, ws, size, "", false)
	}
	d.pdf.SetFont(fontName, "", 9)
}

// split sets the font and wraps each cell to its width, returning the
// lines and the row's height.
func (d *doc) split(cells []string, ws []float64, size float64, style string) ([][]string, float64) {
	d.pdf.SetFont(fontName, style, size)
	n := 1
	lines := make([][]string, len(cells))
	for i, c := range cells {
		lines[i] = d.pdf.SplitText(clean(c), ws[i])
		n = max(n, len(lines[i]))
	}
	return lines, float64(n)*size*0.45 + 1
}

// row draws one row of a table at the current position.
func (d *doc) row(cells []string, ws []float64, size float64, style string, fill bool) {
	lines, h := d.split(cells, ws, size, style)
	box := "D"
	if fill {
		box = "FD"
	}
	x, y := margin, d.pdf.GetY()
	for i := range cells {
		d.pdf.Rect(x, y, ws[i], h, box)
		for j, line := range lines[i] {
			d.pdf.SetXY(x, y+0.5+float64(j)*size*0.45)
			d.pdf.CellFormat(ws[i], size*0.45, line, "", 0, "L", false, 0, "")
		}
		x += ws[i]
	}
	d.pdf.SetXY(margin, y+h)
}

// write writes the document to w.
func (d *doc) write(w io.Writer) error {
	if err := d.pdf.Error(); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	if err := d.pdf.Output(w); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	return nil
}
