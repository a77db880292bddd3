// Package ostargets reads and writes OpenSanctions' "targets.simple.csv"
// layout: one party per row, multi-valued cells separated by ";".
package ostargets

import (
	"context"
	"fmt"
	"io"
	"strings"

	"warden"
	"warden/internal/csvsafe"
	"warden/internal/textio"
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
	err := textio.EachFile(in, true, func(f *textio.File) error {
		return textio.Rows(ctx, f, []string{"id", "schema", "name"}, func(row textio.Row) error {
			schema, ok := schemata[row.Get("schema")]
			if !ok {
				return warden.Invalid(row.Pos, fmt.Errorf("schema %q is not a party schema", row.Get("schema")))
			}
			e := &warden.Entity{SourceID: row.Get("id"), Schema: schema}
			e.AddName(warden.Name{Full: row.Get("name"), Kind: warden.NamePrimary})
			for _, a := range split(row.Get("aliases")) {
				e.AddName(warden.Name{Full: a, Kind: warden.NameAKA})
			}
			for _, d := range split(row.Get("birth_date")) {
				e.BirthDates = append(e.BirthDates, warden.DateRange{From: d})
			}
			for _, c := range split(row.Get("countries")) {
				e.AddCountry(&e.Countries, c)
			}
			for _, a := range split(row.Get("addresses")) {
				e.Addresses = append(e.Addresses, warden.Address{Full: a})
			}
			idType := warden.IDOther
			if schema == warden.SchemaCryptoWallet {
				idType = warden.IDCrypto
			}
			for _, v := range split(row.Get("identifiers")) {
				e.AddIdentifier(warden.Identifier{Type: idType, Value: v, Label: "identifiers"})
			}
			for _, v := range split(row.Get("phones")) {
				e.AddIdentifier(warden.Identifier{Type: warden.IDPhone, Value: v})
			}
			for _, v := range split(row.Get("emails")) {
				e.AddIdentifier(warden.Identifier{Type: warden.IDEmail, Value: v})
			}
			for _, v := range split(row.Get("program_ids")) {
				warden.Add(&e.Programs, v)
			}
			if s := row.Get("sanctions"); s != "" && s != `""` {
				e.Remarks = s
			}
			warden.Add(&e.Topics, row.Get("dataset"))
			e.ListedOn = row.Get("first_seen")
			if len(e.ListedOn) > 10 {
				e.ListedOn = e.ListedOn[:10]
			}
			if ls := row.Get("last_seen"); ls > meta.Published {
				meta.Published = ls
			}
			e.Sort()
			if err := e.Validate(); err != nil {
				return warden.Invalid(row.Pos, err)
			}
			return sink.Put(e)
		})
	})
	if err != nil {
		return meta, err
	}
	if len(meta.Published) > 10 {
		meta.Published = meta.Published[:10]
	}
	return meta, nil
}

// Writer writes entities as targets.simple.csv rows, formula-safe
// (internal/csvsafe): list names are outside data.
type Writer struct{ w *csvsafe.Writer }

// NewWriter writes the header to w and returns a Writer.
func NewWriter(w io.Writer) (*Writer, error) {
	cw := csvsafe.NewWriter(w)
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
