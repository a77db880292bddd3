package textio

import (
	"context"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"warden"
)

// File is an input file opened for a parser: gzip undone, and for text
// formats cleaned as Text does. Name is the base name used in positions.
type File struct {
	Name string
	io.Reader
	closer io.Closer
}

// Close closes the underlying file.
func (f *File) Close() error { return f.closer.Close() }

// Open opens path from in. Gzipped input is decompressed within
// MaxDecompressed; with text set, the result is also cleaned by Text.
// Errors are EINVALID and name the file.
func Open(in warden.Input, path string, text bool) (*File, error) {
	name := filepath.Base(path)
	rc, err := in.Open(path)
	var pe *fs.PathError
	if errors.As(err, &pe) { // it names the file already
		return nil, warden.Errorf(warden.EINVALID, "%w", err)
	}
	if err != nil {
		return nil, warden.Errorf(warden.EINVALID, "open %s: %w", path, err)
	}
	r, err := MaybeGzip(rc)
	if err == nil && text {
		r, err = Text(r)
	}
	if err != nil {
		rc.Close()
		return nil, warden.Invalid(name, err)
	}
	return &File{Name: name, Reader: Limit(r, MaxDecompressed), closer: rc}, nil
}

// Records calls fn for each CSV record of f with its "file:line" position.
// fields is as csv.Reader.FieldsPerRecord. A malformed record is an EINVALID
// error at its line.
func Records(ctx context.Context, f *File, fields int, fn func(pos string, rec []string) error) error {
	cr := csv.NewReader(f)
	cr.FieldsPerRecord = fields
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return warden.Invalid(fmt.Sprintf("%s:%d", f.Name, pe.StartLine), pe.Err)
			}
			return warden.Invalid(f.Name, err)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		line, _ := cr.FieldPos(0)
		if err := fn(f.Name+":"+strconv.Itoa(line), rec); err != nil {
			return err
		}
	}
}

// Row is one record of a CSV file with a header row.
type Row struct {
	Pos string
	rec []string
	col map[string]int
}

// Get returns the trimmed value in the named column, "" if there is none.
func (r Row) Get(column string) string {
	if i, ok := r.col[column]; ok && i < len(r.rec) {
		return strings.TrimSpace(r.rec[i])
	}
	return ""
}

// Has reports whether the file's header has the named column.
func (r Row) Has(column string) bool {
	_, ok := r.col[column]
	return ok
}

// Columns returns the header's column names (trimmed), sorted.
func (r Row) Columns() []string { return slices.Sorted(maps.Keys(r.col)) }

// Rows reads a CSV file whose first record is a header naming at least the
// required columns, and calls fn for each later record. Every record must
// have as many fields as the header.
func Rows(ctx context.Context, f *File, required []string, fn func(Row) error) error {
	return CheckedRows(ctx, f, func(columns []string) error {
		for _, h := range required {
			if !slices.Contains(columns, h) {
				return fmt.Errorf("header lacks column %q", h)
			}
		}
		return nil
	}, fn)
}

// CheckedRows is Rows with the header's column names (trimmed, sorted)
// checked by check before any row is read: a fault of the header is one of
// line 1, even in a file with no rows.
func CheckedRows(ctx context.Context, f *File, check func(columns []string) error, fn func(Row) error) error {
	var col map[string]int
	return Records(ctx, f, 0, func(pos string, rec []string) error {
		if col == nil {
			col = map[string]int{}
			for i, h := range rec {
				col[strings.TrimSpace(h)] = i
			}
			if err := check(Row{col: col}.Columns()); err != nil {
				return warden.Invalid(pos, err)
			}
			return nil
		}
		return fn(Row{Pos: pos, rec: rec, col: col})
	})
}

// Elements streams f as XML and calls fn for each start element whose local
// name is in names, with the decoder positioned to decode it and its
// "file:line" position. Elements nested inside a handled element are not
// seen unless fn leaves them undecoded. It is EINVALID for the document to be
// malformed or for none of the elements named in need to appear.
func Elements(ctx context.Context, f *File, names []string, need string, fn func(dec *xml.Decoder, se *xml.StartElement, pos string) error) error {
	dec := xml.NewDecoder(f)
	found := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			if !found {
				return warden.Invalid(f.Name, fmt.Errorf("no %s elements", need))
			}
			return nil
		}
		if err != nil {
			l, _ := dec.InputPos()
			return warden.Invalid(fmt.Sprintf("%s:%d", f.Name, l), err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok || !contains(names, se.Name.Local) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		found = found || strings.Contains(" "+need+" ", " "+se.Name.Local+" ")
		l, _ := dec.InputPos()
		if err := fn(dec, &se, fmt.Sprintf("%s:%d", f.Name, l)); err != nil {
			return err
		}
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// NonEmpty returns the trimmed non-empty strings of ss.
func NonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Join joins the trimmed non-empty strings of parts with sep.
func Join(sep string, parts ...string) string { return strings.Join(NonEmpty(parts...), sep) }

// EachFile opens each file of in with Open and calls fn with it, closing it
// afterwards; it stops at the first error.
func EachFile(in warden.Input, text bool, fn func(*File) error) error {
	for _, path := range in.Paths {
		f, err := Open(in, path, text)
		if err != nil {
			return err
		}
		err = fn(f)
		f.Close()
		if err != nil {
			return err
		}
	}
	return nil
}
