// Package ofacxml reads OFAC's legacy XML schema (sdn.xml, consolidated.xml:
// sdnList/sdnEntry), streaming one entry at a time.
package ofacxml

import (
	"context"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"

	"warden"
	"warden/internal/textio"
	"warden/sources/internal/ofac"
)

// Parser reads sdn.xml-schema files.
type Parser struct{}

type entry struct {
	UID       string   `xml:"uid"`
	FirstName string   `xml:"firstName"`
	LastName  string   `xml:"lastName"`
	Title     string   `xml:"title"`
	SDNType   string   `xml:"sdnType"`
	Remarks   string   `xml:"remarks"`
	Programs  []string `xml:"programList>program"`
	IDs       []struct {
		Type    string `xml:"idType"`
		Number  string `xml:"idNumber"`
		Country string `xml:"idCountry"`
	} `xml:"idList>id"`
	AKAs []struct {
		Type      string `xml:"type"`
		Category  string `xml:"category"`
		FirstName string `xml:"firstName"`
		LastName  string `xml:"lastName"`
	} `xml:"akaList>aka"`
	Addresses []struct {
		A1      string `xml:"address1"`
		A2      string `xml:"address2"`
		A3      string `xml:"address3"`
		City    string `xml:"city"`
		State   string `xml:"stateOrProvince"`
		Postal  string `xml:"postalCode"`
		Country string `xml:"country"`
	} `xml:"addressList>address"`
	Nationalities []string `xml:"nationalityList>nationality>country"`
	Citizenships  []string `xml:"citizenshipList>citizenship>country"`
	DOBs          []string `xml:"dateOfBirthList>dateOfBirthItem>dateOfBirth"`
	POBs          []string `xml:"placeOfBirthList>placeOfBirthItem>placeOfBirth"`
	Vessel        struct {
		CallSign string `xml:"callSign"`
		Type     string `xml:"vesselType"`
		Flag     string `xml:"vesselFlag"`
		Owner    string `xml:"vesselOwner"`
		Tonnage  string `xml:"tonnage"`
		GRT      string `xml:"grossRegisteredTonnage"`
	} `xml:"vesselInfo"`
}

// Detect reports whether head (the start of a file) is an sdnList document.
func Detect(head []byte) bool { return strings.Contains(string(head), "<sdnList") }

// Parse streams the sdnEntry elements of each file in in. A file whose
// publshInformation/Record_Count differs from the entries it holds is
// refused as truncated.
func (Parser) Parse(ctx context.Context, in warden.Input, sink warden.Sink) (warden.SourceMeta, error) {
	var meta warden.SourceMeta
	err := textio.EachFile(in, false, func(f *textio.File) error {
		declared, entries := -1, 0
		err := textio.Elements(ctx, f, []string{"Publish_Date", "Record_Count", "sdnEntry"}, "sdnEntry", func(dec *xml.Decoder, se *xml.StartElement, pos string) error {
			switch se.Name.Local {
			case "Publish_Date":
				var s string
				if dec.DecodeElement(&s, se) == nil {
					if d, ok := ofac.ParseDate(s); ok {
						meta.Published = d.From
					}
				}
				return nil
			case "Record_Count":
				var s string
				if err := dec.DecodeElement(&s, se); err != nil {
					return warden.Invalid(pos, err)
				}
				n, err := strconv.Atoi(strings.TrimSpace(s))
				if err != nil || n < 0 {
					return warden.Invalid(pos, fmt.Errorf("Record_Count %q is not a count", s))
				}
				declared = n
				return nil
			}
			entries++
			var x entry
			if err := dec.DecodeElement(&x, se); err != nil {
				return warden.Invalid(pos, err)
			}
			e := x.entity()
			if err := e.Validate(); err != nil {
				return warden.Invalid(pos, err)
			}
			return sink.Put(e)
		})
		if err == nil && declared >= 0 && declared != entries {
			err = warden.Invalid(f.Name, fmt.Errorf("Record_Count says %d entries, the file holds %d: it is truncated or altered", declared, entries))
		}
		return err
	})
	if err != nil {
		return meta, err
	}
	return meta, nil
}

func (x *entry) entity() *warden.Entity {
	e := &warden.Entity{SourceID: x.UID, Programs: x.Programs, Remarks: strings.TrimSpace(x.Remarks)}
	e.Schema = ofac.Schema(x.SDNType)
	e.AddName(fullName(x.FirstName, x.LastName, warden.NamePrimary, e.Schema))
	for _, a := range x.AKAs {
		kind := warden.NameAKA
		switch strings.ToLower(a.Type) {
		case "f.k.a.":
			kind = warden.NameFKA
		case "n.k.a.":
			kind = warden.NameNKA
		}
		if strings.EqualFold(a.Category, "weak") {
			kind = warden.NameWeak
		}
		e.AddName(fullName(a.FirstName, a.LastName, kind, e.Schema))
	}
	warden.Add(&e.Titles, x.Title)
	for _, d := range x.DOBs {
		if dr, ok := ofac.ParseDate(d); ok {
			e.BirthDates = append(e.BirthDates, dr)
		}
	}
	for _, p := range x.POBs {
		warden.Add(&e.BirthPlaces, p)
	}
	for _, c := range x.Nationalities {
		e.AddCountry(&e.Nationalities, c)
	}
	for _, c := range x.Citizenships {
		e.AddCountry(&e.Citizenships, c)
	}
	for _, a := range x.Addresses {
		street := textio.Join(", ", a.A1, a.A2, a.A3)
		addr := warden.Address{Street: street, City: a.City, Region: a.State, PostalCode: a.Postal, CountryName: a.Country}
		addr.Full = textio.Join(", ", street, a.City, a.State, a.Postal, a.Country)
		if a.Country != "" {
			addr.Country = e.AddCountry(&e.Countries, a.Country)
		}
		if addr.Full != "" {
			e.Addresses = append(e.Addresses, addr)
		}
	}
	for _, id := range x.IDs {
		applyID(e, id.Type, id.Number, id.Country)
	}
	if v := x.Vessel; v.CallSign+v.Type+v.Flag+v.Owner+v.Tonnage+v.GRT != "" {
		e.Craft = &warden.Craft{CallSign: v.CallSign, Type: v.Type, Flag: v.Flag, Owner: v.Owner, Tonnage: v.Tonnage, GRT: v.GRT}
		if v.Flag != "" {
			e.AddCountry(&e.Countries, v.Flag)
		}
	}
	e.Sort()
	return e
}

// applyID files one idList item: most are identifiers, some are facts
// (gender, nationality of registration) or notes (secondary sanctions).
func applyID(e *warden.Entity, typ, number, country string) {
	typ, number = strings.TrimSpace(typ), strings.TrimSpace(number)
	switch {
	case typ == "Gender":
		e.Gender = strings.ToLower(number)
		return
	case typ == "Nationality of Registration":
		e.AddCountry(&e.Countries, number)
		return
	case strings.HasSuffix(typ, ":") || strings.HasSuffix(typ, "-") || strings.Contains(typ, "Date") ||
		strings.HasPrefix(typ, "Executive Order") || strings.HasPrefix(typ, "Target Type") || strings.HasPrefix(typ, "Organization"):
		return // notes about the listing, kept in remarks by the list itself
	}
	if ticker, ok := ofac.CryptoTicker(typ); ok {
		e.AddIdentifier(warden.Identifier{Type: warden.IDCrypto, Currency: ticker, Value: number, Label: typ})
		return
	}
	id := warden.Identifier{Type: ofac.IDType(typ), Value: number, Label: typ}
	if country != "" {
		id.Country, _ = warden.CountryCode(country)
	}
	e.AddIdentifier(id)
}

// fullName writes a person's name as OFAC does ("LAST, First") and keeps the
// parts; for other parties the last name field is the whole name.
func fullName(first, last string, kind warden.NameKind, s warden.Schema) warden.Name {
	first, last = strings.TrimSpace(first), strings.TrimSpace(last)
	n := warden.Name{Kind: kind, Full: last}
	if first != "" {
		n.Full = last + ", " + first
	}
	if s == warden.SchemaPerson {
		n.Family, n.Given = last, first
	}
	return n
}
