// Package ukconlist reads the UK OFSI Consolidated List (ConList) in its
// 2022 layout, as .xlsx or .csv: one row per name variation, gathered into one
// party per Group ID. Row 1 is "Last Updated"; row 2 is the header.
package ukconlist

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/xuri/excelize/v2"

	"warden"
	"warden/internal/textio"
)

// XLSX reads ConList.xlsx.
type XLSX struct{}

// CSV reads ConList.csv.
type CSV struct{}

// MaxXLSX bounds the workbook size read into memory.
const MaxXLSX = 256 << 20

// Parse reads each workbook's first sheet.
func (XLSX) Parse(ctx context.Context, in warden.Input, sink warden.Sink) (warden.SourceMeta, error) {
	b := newBuilder(sink)
	for _, path := range in.Paths {
		name := filepath.Base(path)
		rc, err := in.Open(path)
		if err != nil {
			return b.meta, warden.Errorf(warden.EINVALID, "open %s: %w", path, err)
		}
		f, err := excelize.OpenReader(textio.Limit(rc, MaxXLSX), excelize.Options{UnzipSizeLimit: textio.MaxDecompressed, UnzipXMLSizeLimit: 64 << 20})
		rc.Close()
		if err != nil {
			return b.meta, warden.Invalid(name, fmt.Errorf("xlsx: %w", err))
		}
		sheets := f.GetSheetList()
		if len(sheets) == 0 {
			f.Close()
			return b.meta, warden.Invalid(name, fmt.Errorf("workbook has no sheet"))
		}
		rows, err := f.Rows(sheets[0])
		if err != nil {
			f.Close()
			return b.meta, warden.Invalid(name, err)
		}
		line := 0
		for rows.Next() {
			line++
			cols, err := rows.Columns()
			if err != nil {
				f.Close()
				return b.meta, warden.Invalid(fmt.Sprintf("%s:%d", name, line), err)
			}
			if err := b.row(ctx, fmt.Sprintf("%s:%d", name, line), cols); err != nil {
				f.Close()
				return b.meta, err
			}
		}
		rows.Close()
		f.Close()
		if err := b.endFile(name); err != nil {
			return b.meta, err
		}
	}
	return b.meta, b.flush()
}

// Parse reads each CSV file.
func (CSV) Parse(ctx context.Context, in warden.Input, sink warden.Sink) (warden.SourceMeta, error) {
	b := newBuilder(sink)
	err := textio.EachFile(in, true, func(f *textio.File) error {
		if err := textio.Records(ctx, f, -1, func(pos string, rec []string) error { return b.row(ctx, pos, rec) }); err != nil {
			return err
		}
		return b.endFile(f.Name)
	})
	if err != nil {
		return b.meta, err
	}
	return b.meta, b.flush()
}

// builder gathers rows into parties by Group ID, in first-seen order.
type builder struct {
	sink   warden.Sink
	meta   warden.SourceMeta
	col    map[string]int
	order  []string
	groups map[string]*warden.Entity
	pos    map[string]string // where each group was first seen
}

func newBuilder(sink warden.Sink) *builder {
	return &builder{sink: sink, groups: map[string]*warden.Entity{}, pos: map[string]string{}}
}

var required = []string{"Name 6", "Group ID", "Group Type", "Alias Type", "Regime"}

func (b *builder) endFile(name string) error {
	if b.col == nil {
		return warden.Invalid(name, fmt.Errorf("no header row with %s", strings.Join(required, ", ")))
	}
	b.col = nil
	return nil
}

func (b *builder) row(ctx context.Context, pos string, rec []string) error {
	if b.col == nil {
		if len(rec) >= 2 && strings.TrimSpace(rec[0]) == "Last Updated" {
			if d, ok := ukDate(rec[1]); ok {
				b.meta.Published = d
			}
			return nil
		}
		col := map[string]int{}
		for i, h := range rec {
			col[strings.TrimSpace(h)] = i
		}
		for _, h := range required {
			if _, ok := col[h]; !ok {
				return warden.Invalid(pos, fmt.Errorf("header lacks column %q", h))
			}
		}
		b.col = col
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	get := func(h string) string {
		i, ok := b.col[h]
		if !ok || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	gid := get("Group ID")
	if gid == "" {
		if strings.Join(rec, "") == "" {
			return nil // a blank row
		}
		return warden.Invalid(pos, fmt.Errorf("row without Group ID"))
	}
	e, ok := b.groups[gid]
	if !ok {
		e = &warden.Entity{SourceID: gid}
		switch strings.ToLower(get("Group Type")) {
		case "individual":
			e.Schema = warden.SchemaPerson
		case "ship":
			e.Schema = warden.SchemaVessel
		default:
			e.Schema = warden.SchemaOrganization
		}
		b.groups[gid] = e
		b.pos[gid] = pos
		b.order = append(b.order, gid)
	}
	b.apply(e, get)
	return nil
}

var reGender = regexp.MustCompile(`\(Gender\):\s*(Male|Female)`)

func (b *builder) apply(e *warden.Entity, get func(string) string) {
	kind := warden.NameAKA
	switch get("Alias Type") {
	case "Primary name":
		kind = warden.NamePrimary
	case "FKA":
		kind = warden.NameFKA
	}
	if get("Alias Quality") == "Low quality" {
		kind = warden.NameWeak
	}
	given := strings.Join(textio.NonEmpty(get("Name 1"), get("Name 2"), get("Name 3"), get("Name 4"), get("Name 5")), " ")
	family := get("Name 6")
	n := warden.Name{Full: strings.Join(textio.NonEmpty(given, family), " "), Kind: kind}
	if e.Schema == warden.SchemaPerson {
		n.Given, n.Family = given, family
	}
	e.AddName(n)
	if nl := get("Name Non-Latin Script"); nl != "" {
		e.AddName(warden.Name{Full: nl, Kind: warden.NameAKA, Lang: get("Non-Latin Script Language")})
	}
	warden.Add(&e.Titles, get("Title"))
	warden.Add(&e.Positions, get("Position"))
	for _, p := range splitMulti(get("Regime")) {
		warden.Add(&e.Programs, p)
	}
	if d, ok := ukDate(get("DOB")); ok && !hasDate(e, d) {
		e.BirthDates = append(e.BirthDates, warden.DateRange{From: d})
	}
	warden.Add(&e.BirthPlaces, strings.Join(textio.NonEmpty(get("Town of Birth"), get("Country of Birth")), ", "))
	for _, c := range splitMulti(get("Nationality")) {
		e.AddCountry(&e.Nationalities, strings.TrimPrefix(strings.TrimSpace(c), "(1) "))
	}
	if p := get("Passport Number"); p != "" {
		e.AddIdentifier(warden.Identifier{Type: warden.IDPassport, Value: p, Label: "Passport Number", Note: get("Passport Details")})
	}
	if p := get("National Identification Number"); p != "" {
		e.AddIdentifier(warden.Identifier{Type: warden.IDNational, Value: p, Label: "National Identification Number", Note: get("National Identification Details")})
	}
	street := strings.Join(textio.NonEmpty(get("Address 1"), get("Address 2"), get("Address 3"), get("Address 4"), get("Address 5"), get("Address 6")), ", ")
	country := get("Country")
	if full := strings.Join(textio.NonEmpty(street, get("Post/Zip Code"), country), ", "); full != "" {
		a := warden.Address{Full: full, Street: street, PostalCode: get("Post/Zip Code"), CountryName: country}
		if country != "" {
			a.Country = e.AddCountry(&e.Countries, country)
		}
		if !hasAddress(e, full) {
			e.Addresses = append(e.Addresses, a)
		}
	}
	if d, ok := ukDate(get("Listed On")); ok && e.ListedOn == "" {
		e.ListedOn = d
	}
	if info := get("Other Information"); info != "" && !strings.Contains(e.Remarks, info) {
		e.Remarks = strings.TrimSpace(e.Remarks + "\n" + info)
		if m := reGender.FindStringSubmatch(info); m != nil {
			e.Gender = strings.ToLower(m[1])
		}
	}
}

func hasDate(e *warden.Entity, d string) bool {
	for _, x := range e.BirthDates {
		if x.From == d {
			return true
		}
	}
	return false
}

func hasAddress(e *warden.Entity, full string) bool {
	for _, a := range e.Addresses {
		if a.Full == full {
			return true
		}
	}
	return false
}

func (b *builder) flush() error {
	for _, id := range b.order {
		e := b.groups[id]
		e.Sort()
		if err := e.Validate(); err != nil {
			return warden.Invalid(b.pos[id], err)
		}
		if err := b.sink.Put(e); err != nil {
			return err
		}
	}
	return nil
}

var reUKDate = regexp.MustCompile(`^(\d{2})/(\d{2})/(\d{4})$`)

// ukDate turns "dd/mm/yyyy" (with 00 for unknown day or month) into an ISO
// partial date.
func ukDate(s string) (string, bool) {
	m := reUKDate.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil || m[3] == "0000" {
		return "", false
	}
	switch {
	case m[2] == "00":
		return m[3], true
	case m[1] == "00":
		return m[3] + "-" + m[2], true
	}
	return m[3] + "-" + m[2] + "-" + m[1], true
}

// splitMulti splits fields that hold several values, numbered "(1) A (2) B"
// or comma-separated.
func splitMulti(s string) []string {
	if s == "" {
		return nil
	}
	if strings.HasPrefix(s, "(1)") {
		parts := regexp.MustCompile(`\(\d+\)\s*`).Split(s, -1)
		return textio.NonEmpty(parts...)
	}
	return []string{s}
}
