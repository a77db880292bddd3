// Package csl reads the US Consolidated Screening List CSV published by
// trade.gov (consolidated.csv, plain or gzipped): one party per row, with
// multi-valued fields separated by "; ".
package csl

import (
	"context"
	"fmt"
	"strings"

	"warden"
	"warden/internal/textio"
	"warden/sources/internal/ofac"
)

// Parser reads CSL CSV files.
type Parser struct{}

// Detect reports whether head starts with the CSL header.
func Detect(head []byte) bool {
	h := strings.TrimPrefix(string(head), "\xEF\xBB\xBF")
	return strings.HasPrefix(h, "_id,source,entity_number,type,programs,name")
}

var required = []string{"_id", "source", "type", "programs", "name"}

// Parse reads each file in in.
func (Parser) Parse(ctx context.Context, in warden.Input, sink warden.Sink) (warden.SourceMeta, error) {
	var meta warden.SourceMeta
	seen := map[string]int{}
	err := textio.EachFile(in, true, func(f *textio.File) error {
		return textio.Rows(ctx, f, required, func(row textio.Row) error {
			e := entity(row.Get)
			if err := e.Validate(); err != nil {
				return warden.Invalid(row.Pos, err)
			}
			if n := seen[e.SourceID]; n > 0 {
				// The published list repeats some _ids on distinct rows; each
				// row is a party, so the repeat gets a stable suffix.
				seen[e.SourceID] = n + 1
				sink.Warn(warden.Warning{Pos: row.Pos, Msg: fmt.Sprintf("_id %s repeated; kept as %s~%d", e.SourceID, e.SourceID, n+1)})
				e.SourceID = fmt.Sprintf("%s~%d", e.SourceID, n+1)
			} else {
				seen[e.SourceID] = 1
			}
			return sink.Put(e)
		})
	})
	if err != nil {
		return meta, err
	}
	return meta, nil
}

func multi(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ";") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func entity(get func(string) string) *warden.Entity {
	e := &warden.Entity{SourceID: get("_id"), Remarks: get("remarks"), ListedOn: get("start_date")}
	e.Schema = ofac.Schema(get("type"))
	if get("type") == "" {
		e.Schema = warden.SchemaLegalEntity // non-SDN lists leave the type empty
	}
	name := get("name")
	n := warden.Name{Full: name, Kind: warden.NamePrimary}
	if e.Schema == warden.SchemaPerson {
		if fam, given, ok := strings.Cut(name, ","); ok {
			n.Family, n.Given = strings.TrimSpace(fam), strings.TrimSpace(given)
		}
	}
	e.AddName(n)
	for _, a := range multi(get("alt_names")) {
		e.AddName(warden.Name{Full: a, Kind: warden.NameAKA})
	}
	for _, p := range multi(get("programs")) {
		warden.Add(&e.Programs, p)
	}
	warden.Add(&e.Topics, get("source"))
	warden.Add(&e.Titles, get("title"))
	for _, c := range multi(get("nationalities")) {
		e.AddCountry(&e.Nationalities, c)
	}
	for _, c := range multi(get("citizenships")) {
		e.AddCountry(&e.Citizenships, c)
	}
	for _, d := range multi(get("dates_of_birth")) {
		if dr, ok := ofac.ParseDate(d); ok {
			e.BirthDates = append(e.BirthDates, dr)
		}
	}
	for _, p := range multi(get("places_of_birth")) {
		warden.Add(&e.BirthPlaces, p)
	}
	for _, a := range multi(get("addresses")) {
		// Addresses end in an ISO code where the country is known; the last
		// part is otherwise a city or postal code, not a country.
		addr := warden.Address{Full: a}
		last := a[strings.LastIndex(a, ", ")+1:]
		if c, ok := warden.CountryCode(strings.TrimSpace(last)); ok {
			addr.Country, addr.CountryName = c, strings.TrimSpace(last)
			warden.Add(&e.Countries, c)
		}
		e.Addresses = append(e.Addresses, addr)
	}
	for _, id := range multi(get("ids")) {
		// "[COUNTRY, ]NUMBER, TYPE"
		parts := strings.Split(id, ", ")
		if len(parts) < 2 {
			continue
		}
		country, label := "", parts[len(parts)-1]
		if _, ok := warden.CountryCode(parts[0]); ok && len(parts) > 2 {
			country, parts = parts[0], parts[1:]
		}
		number := strings.Join(parts[:len(parts)-1], ", ")
		switch {
		case label == "Gender":
			e.Gender = strings.ToLower(number)
			continue
		case strings.HasSuffix(label, ":") || strings.HasSuffix(label, "-"):
			continue
		}
		x := warden.Identifier{Type: ofac.IDType(label), Value: number, Label: label}
		if t, ok := ofac.CryptoTicker(label); ok {
			x.Type, x.Currency = warden.IDCrypto, t
		}
		x.Country, _ = warden.CountryCode(country)
		e.AddIdentifier(x)
	}
	if c := (warden.Craft{CallSign: get("call_sign"), Type: get("vessel_type"), Tonnage: get("gross_tonnage"), GRT: get("gross_registered_tonnage"), Flag: get("vessel_flag"), Owner: get("vessel_owner")}); c != (warden.Craft{}) {
		e.Craft = &c
	}
	e.Sort()
	return e
}
