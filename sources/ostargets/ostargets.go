// Package ostargets reads and writes OpenSanctions' "targets.simple.csv"
// layout: one party per row, multi-valued cells separated by ";".
package ostargets

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"warden"
	"warden/sources/internal/textio"
)

// Header is the column order of targets.simple.csv.
var Header = []string{"id", "schema", "name", "aliases", "birth_date", "countries", "addresses", "identifiers", "sanctions", "phones", "emails", "program_ids", "dataset", "first_seen", "last_seen", "last_change"}

// Parser reads targets.simple.csv files.
type Parser struct{}

// Detect reports whether head starts with the targets.simple.csv header.
func Detect(head []byte) bool {
	h := strings.TrimPrefix(string(head), "\xEF\xBB\xBF")
	return strings.HasPrefix(h, `"id","schema","name","aliases"`) || strings.HasPrefix(h, "id,schema,name,aliases")
}

var schemata = map[string]warden.Schema{
	"Person": warden.SchemaPerson, "Organization": warden.SchemaOrganization, "Company": warden.SchemaCompany,
	"LegalEntity": warden.SchemaLegalEntity, "Vessel": warden.SchemaVessel, "Airplane": warden.SchemaAircraft,
	"Aircraft": warden.SchemaAircraft, "CryptoWallet": warden.SchemaCryptoWallet, "PublicBody": warden.SchemaOrganization,
}

func split(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ";") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Parse reads each file in in.
func (Parser) Parse(ctx context.Context, in warden.Input, sink warden.Sink) (warden.SourceMeta, error) {
	var meta warden.SourceMeta
	for _, path := range in.Paths {
		name := filepath.Base(path)
		rc, err := in.Open(path)
		if err != nil {
			return meta, warden.Errorf(warden.EINVALID, "open %s: %w", path, err)
		}
		err = parseFile(ctx, rc, name, sink, &meta)
		rc.Close()
		if err != nil {
			return meta, err
		}
	}
	return meta, nil
}

func parseFile(ctx context.Context, rc io.Reader, name string, sink warden.Sink, meta *warden.SourceMeta) error {
	r, err := textio.MaybeGzip(rc)
	if err == nil {
		r, err = textio.Text(r)
	}
	if err != nil {
		return warden.Invalid(name, err)
	}
	cr := csv.NewReader(r)
	header, err := cr.Read()
	if err != nil {
		return warden.Invalid(name+":1", fmt.Errorf("header: %w", err))
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	for _, h := range []string{"id", "schema", "name"} {
		if _, ok := col[h]; !ok {
			return warden.Invalid(name+":1", fmt.Errorf("header lacks column %q", h))
		}
	}
	cr.FieldsPerRecord = len(header)
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			if len(meta.Published) > 10 {
				meta.Published = meta.Published[:10]
			}
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return warden.Invalid(fmt.Sprintf("%s:%d", name, pe.StartLine), pe.Err)
			}
			return warden.Invalid(name, err)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		line, _ := cr.FieldPos(0)
		get := func(h string) string {
			if i, ok := col[h]; ok {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		schema, ok := schemata[get("schema")]
		if get("id") == "" || get("name") == "" || !ok {
			return warden.Invalid(fmt.Sprintf("%s:%d", name, line), fmt.Errorf("row needs id, name and a party schema (got %q)", get("schema")))
		}
		e := &warden.Entity{SourceID: get("id"), Schema: schema}
		e.AddName(warden.Name{Full: get("name"), Kind: warden.NamePrimary})
		for _, a := range split(get("aliases")) {
			e.AddName(warden.Name{Full: a, Kind: warden.NameAKA})
		}
		for _, d := range split(get("birth_date")) {
			e.BirthDates = append(e.BirthDates, warden.DateRange{From: d})
		}
		for _, c := range split(get("countries")) {
			e.AddCountry(&e.Countries, c)
		}
		for _, a := range split(get("addresses")) {
			e.Addresses = append(e.Addresses, warden.Address{Full: a})
		}
		idType := warden.IDOther
		if schema == warden.SchemaCryptoWallet {
			idType = warden.IDCrypto
		}
		for _, v := range split(get("identifiers")) {
			e.AddIdentifier(warden.Identifier{Type: idType, Value: v, Label: "identifiers"})
		}
		for _, v := range split(get("phones")) {
			e.AddIdentifier(warden.Identifier{Type: warden.IDPhone, Value: v})
		}
		for _, v := range split(get("emails")) {
			e.AddIdentifier(warden.Identifier{Type: warden.IDEmail, Value: v})
		}
		for _, v := range split(get("program_ids")) {
			warden.Add(&e.Programs, v)
		}
		if s := get("sanctions"); s != "" && s != `""` {
			e.Remarks = s
		}
		warden.Add(&e.Topics, get("dataset"))
		e.ListedOn = get("first_seen")
		if len(e.ListedOn) > 10 {
			e.ListedOn = e.ListedOn[:10]
		}
		if ls := get("last_seen"); ls > meta.Published {
			meta.Published = ls
		}
		e.Sort()
		if err := e.Validate(); err != nil {
			return warden.Invalid(fmt.Sprintf("%s:%d", name, line), err)
		}
		if err := sink.Put(e); err != nil {
			return err
		}
	}
}

// Writer writes entities as targets.simple.csv rows.
type Writer struct{ w *csv.Writer }

// NewWriter writes the header to w and returns a Writer.
func NewWriter(w io.Writer) (*Writer, error) {
	cw := csv.NewWriter(w)
	return &Writer{w: cw}, cw.Write(Header)
}

// Write writes one entity.
func (w *Writer) Write(e *warden.Entity) error { return w.w.Write(Row(e)) }

// Row is e as a targets.simple.csv row, in Header's column order.
func Row(e *warden.Entity) []string {
	var aliases, dates, addrs, ids, phones, emails []string
	for _, n := range e.Names[1:] {
		aliases = append(aliases, n.Full)
	}
	for _, d := range e.BirthDates {
		dates = append(dates, d.From)
	}
	for _, a := range e.Addresses {
		addrs = append(addrs, a.Full)
	}
	for _, id := range e.Identifiers {
		switch id.Type {
		case warden.IDPhone:
			phones = append(phones, id.Value)
		case warden.IDEmail:
			emails = append(emails, id.Value)
		default:
			ids = append(ids, id.Value)
		}
	}
	countries := append(append(append([]string{}, e.Nationalities...), e.Citizenships...), e.Countries...)
	for i := range countries {
		countries[i] = strings.ToLower(countries[i])
	}
	j := func(s []string) string { return strings.Join(s, ";") }
	schema := string(e.Schema)
	if e.Schema == warden.SchemaAircraft {
		schema = "Airplane"
	}
	return []string{e.SourceID, schema, e.Caption(), j(aliases), j(dates), j(countries), j(addrs), j(ids), e.Remarks, j(phones), j(emails), j(e.Programs), e.List, e.ListedOn, "", ""}
}

// Flush writes buffered rows and reports any write error.
func (w *Writer) Flush() error { w.w.Flush(); return w.w.Error() }
