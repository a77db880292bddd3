// Package csvsafe writes CSV that a spreadsheet opens as data. Names on the
// lists, in payments and in customer files are outside data: a cell such as
// =HYPERLINK(...), @SUM(1) or +1+1 would run as a formula when the file is
// opened in Excel or LibreOffice (CSV injection). Every CSV that Warden
// writes goes through this package, so no output path can forget it.
package csvsafe

import (
	"encoding/csv"
	"io"
	"regexp"
)

// Writer is a csv.Writer whose Write makes every cell safe (Cell).
type Writer struct {
	*csv.Writer
}

// NewWriter returns a Writer writing to w.
func NewWriter(w io.Writer) *Writer { return &Writer{csv.NewWriter(w)} }

// Write writes one record, each cell made safe by Cell.
func (w *Writer) Write(record []string) error { return w.Writer.Write(Row(record)) }

// number is a plain decimal number, which a spreadsheet reads as a value
// and never as a formula, so a leading sign needs no quote.
var number = regexp.MustCompile(`^[+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

// Cell returns c with a leading apostrophe when a spreadsheet would read it
// as a formula: when it starts with =, +, -, @, a tab or a carriage return
// and is not a plain number. Spreadsheets show the apostrophe-prefixed
// text as text.
func Cell(c string) string {
	if c == "" || number.MatchString(c) {
		return c
	}
	switch c[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + c
	}
	return c
}

// Row returns record with every cell made safe by Cell; record is not
// changed.
func Row(record []string) []string {
	out := make([]string, len(record))
	for i, c := range record {
		out[i] = Cell(c)
	}
	return out
}
