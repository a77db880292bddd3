// Package ofacenhanced reads OFAC's Sanctions List Service "Enhanced XML"
// (SDN_ENHANCED.XML, CONS_ENHANCED.XML), plain or zipped, one entity element
// at a time.
package ofacenhanced

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"archive/zip"

	"warden"
	"warden/internal/textio"
	"warden/sources/internal/ofac"
)

// Parser reads enhanced XML files.
type Parser struct{}

// MaxZip bounds the size of a zip archive read into memory.
const MaxZip = 256 << 20

// Detect reports whether head is an enhanced XML document or a zip archive
// whose name says it holds one.
func Detect(path string, head []byte) bool {
	if bytes.HasPrefix(head, []byte("PK")) {
		return strings.Contains(strings.ToUpper(filepath.Base(path)), "ENHANCED")
	}
	return bytes.Contains(head, []byte("<sanctionsData"))
}

type entity struct {
	ID         string   `xml:"id,attr"`
	EntityType string   `xml:"generalInfo>entityType"`
	Programs   []string `xml:"sanctionsPrograms>sanctionsProgram"`
	Remarks    string   `xml:"generalInfo>remarks"`
	Names      []struct {
		IsPrimary    bool   `xml:"isPrimary"`
		AliasType    string `xml:"aliasType"`
		IsLowQuality bool   `xml:"isLowQuality"`
		Translations []struct {
			Script string `xml:"script"`
			Full   string `xml:"formattedFullName"`
			Parts  []struct {
				Type  string `xml:"type"`
				Value string `xml:"value"`
			} `xml:"nameParts>namePart"`
		} `xml:"translations>translation"`
	} `xml:"names>name"`
	Addresses []struct {
		Country      string `xml:"country"`
		Translations []struct {
			Parts []struct {
				Type  string `xml:"type"`
				Value string `xml:"value"`
			} `xml:"addressParts>addressPart"`
		} `xml:"translations>translation"`
	} `xml:"addresses>address"`
	Features []struct {
		Type      string `xml:"type"`
		Value     string `xml:"value"`
		ValueRef  string `xml:"valueRefId"`
		FromBegin string `xml:"valueDate>fromDateBegin"`
		ToEnd     string `xml:"valueDate>toDateEnd"`
		IsRange   bool   `xml:"valueDate>isDateRange"`
		Approx    bool   `xml:"valueDate>isApproximate"`
	} `xml:"features>feature"`
	Documents []struct {
		Type    string `xml:"type"`
		Number  string `xml:"documentNumber"`
		Country string `xml:"issuingCountry"`
	} `xml:"identityDocuments>identityDocument"`
	Relationships []struct {
		Type    string `xml:"type"`
		Related struct {
			ID   string `xml:"entityId,attr"`
			Name string `xml:",chardata"`
		} `xml:"relatedEntity"`
	} `xml:"relationships>relationship"`
}

// Parse reads each file in in, unzipping archives.
func (Parser) Parse(ctx context.Context, in warden.Input, sink warden.Sink) (warden.SourceMeta, error) {
	var meta warden.SourceMeta
	for _, path := range in.Paths {
		rc, err := in.Open(path)
		if err != nil {
			return meta, warden.Errorf(warden.EINVALID, "open %s: %w", path, err)
		}
		err = parseFile(ctx, rc, filepath.Base(path), sink, &meta)
		rc.Close()
		if err != nil {
			return meta, err
		}
	}
	return meta, nil
}

func parseFile(ctx context.Context, rc io.Reader, name string, sink warden.Sink, meta *warden.SourceMeta) error {
	br := make([]byte, 2)
	n, _ := io.ReadFull(rc, br)
	r := io.MultiReader(bytes.NewReader(br[:n]), rc)
	if n == 2 && br[0] == 'P' && br[1] == 'K' {
		data, err := io.ReadAll(textio.Limit(r, MaxZip))
		if err != nil {
			return warden.Invalid(name, err)
		}
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return warden.Invalid(name, fmt.Errorf("zip: %w", err))
		}
		found := false
		for _, f := range zr.File {
			if !strings.EqualFold(filepath.Ext(f.Name), ".xml") {
				continue
			}
			if f.UncompressedSize64 > textio.MaxDecompressed {
				return warden.Invalid(name+"!"+f.Name, textio.ErrTooLarge)
			}
			fr, err := f.Open()
			if err != nil {
				return warden.Invalid(name+"!"+f.Name, err)
			}
			err = parseXML(ctx, textio.Limit(fr, textio.MaxDecompressed), name+"!"+f.Name, sink, meta)
			fr.Close()
			if err != nil {
				return err
			}
			found = true
		}
		if !found {
			return warden.Invalid(name, fmt.Errorf("zip holds no .xml file"))
		}
		return nil
	}
	r, err := textio.MaybeGzip(r)
	if err != nil {
		return warden.Invalid(name, err)
	}
	return parseXML(ctx, textio.Limit(r, textio.MaxDecompressed), name, sink, meta)
}

func parseXML(ctx context.Context, r io.Reader, name string, sink warden.Sink, meta *warden.SourceMeta) error {
	f := &textio.File{Name: name, Reader: r}
	return textio.Elements(ctx, f, []string{"dataAsOf", "entity"}, "entity", func(dec *xml.Decoder, se *xml.StartElement, pos string) error {
		if se.Name.Local == "dataAsOf" {
			var s string
			if dec.DecodeElement(&s, se) == nil && len(s) >= 10 {
				meta.Published = s[:10]
			}
			return nil
		}
		var x entity
		if err := dec.DecodeElement(&x, se); err != nil {
			return warden.Invalid(pos, err)
		}
		e := x.toEntity()
		if err := e.Validate(); err != nil {
			return warden.Invalid(pos, err)
		}
		return sink.Put(e)
	})
}

var scriptCodes = map[string]string{"Latin": "Latn", "Cyrillic": "Cyrl", "Chinese Simplified": "Hani", "Chinese Traditional": "Hani", "Arabic": "Arab", "Korean": "Hang", "Greek": "Grek"}

func (x *entity) toEntity() *warden.Entity {
	e := &warden.Entity{SourceID: x.ID, Programs: x.Programs, Remarks: strings.TrimSpace(x.Remarks)}
	e.Schema = ofac.Schema(x.EntityType)
	for _, n := range x.Names {
		kind := warden.NameAKA
		switch {
		case n.IsPrimary:
			kind = warden.NamePrimary
		case n.IsLowQuality:
			kind = warden.NameWeak
		case strings.EqualFold(n.AliasType, "F.K.A."):
			kind = warden.NameFKA
		case strings.EqualFold(n.AliasType, "N.K.A."):
			kind = warden.NameNKA
		}
		for _, t := range n.Translations {
			name := warden.Name{Full: t.Full, Kind: kind, Script: scriptCodes[t.Script]}
			for _, p := range t.Parts {
				switch p.Type {
				case "Last Name":
					name.Family = p.Value
				case "First Name":
					name.Given = p.Value
				case "Middle Name":
					name.Middle = p.Value
				case "Patronymic":
					name.Patronymic = p.Value
				}
			}
			e.AddName(name)
		}
	}
	for _, a := range x.Addresses {
		addr := warden.Address{CountryName: a.Country}
		var parts []string
		for _, t := range a.Translations {
			for _, p := range t.Parts {
				parts = append(parts, p.Value)
				switch p.Type {
				case "ADDRESS1", "ADDRESS2", "ADDRESS3":
					addr.Street = strings.TrimPrefix(addr.Street+", "+p.Value, ", ")
				case "CITY":
					addr.City = p.Value
				case "STATE/PROVINCE":
					addr.Region = p.Value
				case "POSTAL CODE":
					addr.PostalCode = p.Value
				}
			}
			break // the first translation is the primary one
		}
		if a.Country != "" {
			parts = append(parts, a.Country)
			addr.Country = e.AddCountry(&e.Countries, a.Country)
		}
		if len(parts) > 0 {
			addr.Full = strings.Join(parts, ", ")
			e.Addresses = append(e.Addresses, addr)
		}
	}
	for _, f := range x.Features {
		applyFeature(e, f.Type, f.Value, f.FromBegin, f.ToEnd, f.IsRange, f.Approx)
	}
	for _, d := range x.Documents {
		id := warden.Identifier{Type: ofac.IDType(d.Type), Value: d.Number, Label: d.Type}
		id.Country, _ = warden.CountryCode(d.Country)
		e.AddIdentifier(id)
	}
	for _, r := range x.Relationships {
		e.Links = append(e.Links, warden.Link{Type: linkType(r.Type), SourceID: r.Related.ID, Name: strings.TrimSpace(r.Related.Name)})
	}
	e.Sort()
	return e
}

func linkType(s string) string {
	l := strings.ToLower(s)
	switch {
	case strings.Contains(l, "owned or controlled"):
		return "owned_by"
	case strings.Contains(l, "acting for"):
		return "acting_for"
	}
	return "linked_to"
}

func applyFeature(e *warden.Entity, typ, value, from, to string, isRange, approx bool) {
	value = strings.TrimSpace(value)
	switch {
	case typ == "Birthdate":
		d, ok := ofac.ParseDate(value)
		if !ok && from != "" {
			d = warden.DateRange{From: from}
			if isRange {
				d.To = to
			}
			ok = true
		}
		if ok {
			d.Approximate = d.Approximate || approx
			e.BirthDates = append(e.BirthDates, d)
		}
	case typ == "Place of Birth":
		warden.Add(&e.BirthPlaces, value)
	case typ == "Nationality Country":
		e.AddCountry(&e.Nationalities, value)
	case typ == "Citizenship Country":
		e.AddCountry(&e.Citizenships, value)
	case typ == "Nationality of Registration", typ == "Vessel Flag":
		e.AddCountry(&e.Countries, value)
	case typ == "Gender":
		e.Gender = strings.ToLower(value)
	case typ == "Title":
		warden.Add(&e.Titles, value)
	case typ == "Email Address", typ == "Website", typ == "SWIFT/BIC", typ == "Phone Number":
		e.AddIdentifier(warden.Identifier{Type: ofac.IDType(typ), Value: value, Label: typ})
	default:
		if t, ok := ofac.CryptoTicker(typ); ok {
			e.AddIdentifier(warden.Identifier{Type: warden.IDCrypto, Currency: t, Value: value, Label: typ})
		}
	}
}
