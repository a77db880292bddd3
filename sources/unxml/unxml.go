// Package unxml reads the UN Security Council Consolidated List XML
// (CONSOLIDATED_LIST with INDIVIDUALS and ENTITIES), one party at a time.
package unxml

import (
	"context"
	"encoding/xml"
	"strings"

	"warden"
	"warden/internal/textio"
)

// Parser reads UN consolidated list files.
type Parser struct{}

// Detect reports whether head is a UN consolidated list document.
func Detect(head []byte) bool { return strings.Contains(string(head), "<CONSOLIDATED_LIST") }

// record is one INDIVIDUAL or ENTITY element. Its children differ in name
// between the two (INDIVIDUAL_ALIAS, ENTITY_ALIAS, ...), so it is decoded by
// hand.
type record struct {
	DataID, First, Second, Third, Fourth, Original  string
	ListType, Reference, ListedOn, Gender, Comments string
	Titles, Designations, Nationality               []string

	aliases   []alias
	addresses []address
	dobs      []dob
	pobs      []address
	docs      []document
}

type alias struct {
	Quality string `xml:"QUALITY"`
	Name    string `xml:"ALIAS_NAME"`
}

type address struct {
	Street  string `xml:"STREET"`
	City    string `xml:"CITY"`
	State   string `xml:"STATE_PROVINCE"`
	Zip     string `xml:"ZIP_CODE"`
	Country string `xml:"COUNTRY"`
}

type dob struct {
	Type string `xml:"TYPE_OF_DATE"`
	Date string `xml:"DATE"`
	Year string `xml:"YEAR"`
	From string `xml:"FROM_YEAR"`
	To   string `xml:"TO_YEAR"`
}

type document struct {
	Type    string `xml:"TYPE_OF_DOCUMENT"`
	Number  string `xml:"NUMBER"`
	Country string `xml:"ISSUING_COUNTRY"`
	Note    string `xml:"NOTE"`
}

type values struct {
	V []string `xml:"VALUE"`
}

// UnmarshalXML decodes the children of one INDIVIDUAL or ENTITY.
func (r *record) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	text := map[string]*string{
		"DATAID": &r.DataID, "FIRST_NAME": &r.First, "SECOND_NAME": &r.Second, "THIRD_NAME": &r.Third,
		"FOURTH_NAME": &r.Fourth, "NAME_ORIGINAL_SCRIPT": &r.Original, "UN_LIST_TYPE": &r.ListType,
		"REFERENCE_NUMBER": &r.Reference, "LISTED_ON": &r.ListedOn, "GENDER": &r.Gender, "COMMENTS1": &r.Comments,
	}
	lists := map[string]*[]string{"TITLE": &r.Titles, "DESIGNATION": &r.Designations, "NATIONALITY": &r.Nationality}
	for {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		t, ok := tok.(xml.StartElement)
		if !ok {
			if _, end := tok.(xml.EndElement); end {
				return nil
			}
			continue
		}
		name := t.Name.Local
		switch {
		case text[name] != nil:
			err = d.DecodeElement(text[name], &t)
		case lists[name] != nil:
			var v values
			err = d.DecodeElement(&v, &t)
			*lists[name] = append(*lists[name], v.V...)
		case name == "INDIVIDUAL_ALIAS" || name == "ENTITY_ALIAS":
			var a alias
			err = d.DecodeElement(&a, &t)
			r.aliases = append(r.aliases, a)
		case name == "INDIVIDUAL_ADDRESS" || name == "ENTITY_ADDRESS":
			var a address
			err = d.DecodeElement(&a, &t)
			r.addresses = append(r.addresses, a)
		case name == "INDIVIDUAL_PLACE_OF_BIRTH":
			var a address
			err = d.DecodeElement(&a, &t)
			r.pobs = append(r.pobs, a)
		case name == "INDIVIDUAL_DATE_OF_BIRTH":
			var x dob
			err = d.DecodeElement(&x, &t)
			r.dobs = append(r.dobs, x)
		case name == "INDIVIDUAL_DOCUMENT":
			var x document
			err = d.DecodeElement(&x, &t)
			r.docs = append(r.docs, x)
		default:
			err = d.Skip()
		}
		if err != nil {
			return err
		}
	}
}

// Parse streams the INDIVIDUAL and ENTITY elements of each file.
func (Parser) Parse(ctx context.Context, in warden.Input, sink warden.Sink) (warden.SourceMeta, error) {
	var meta warden.SourceMeta
	err := textio.EachFile(in, false, func(f *textio.File) error {
		return textio.Elements(ctx, f, []string{"CONSOLIDATED_LIST", "INDIVIDUAL", "ENTITY"}, "INDIVIDUAL ENTITY", func(dec *xml.Decoder, se *xml.StartElement, pos string) error {
			if se.Name.Local == "CONSOLIDATED_LIST" {
				for _, a := range se.Attr {
					if a.Name.Local == "dateGenerated" && len(a.Value) >= 10 {
						meta.Published = a.Value[:10]
					}
				}
				return nil
			}
			var rec record
			if err := dec.DecodeElement(&rec, se); err != nil {
				return warden.Invalid(pos, err)
			}
			e := rec.entity(se.Name.Local == "INDIVIDUAL")
			if err := e.Validate(); err != nil {
				return warden.Invalid(pos, err)
			}
			return sink.Put(e)
		})
	})
	if err != nil {
		return meta, err
	}
	return meta, nil
}

func (r *record) entity(person bool) *warden.Entity {
	e := &warden.Entity{SourceID: r.DataID, ListedOn: r.ListedOn, Remarks: strings.TrimSpace(r.Comments)}
	e.Programs = []string{strings.TrimSpace(r.ListType)}
	if r.Reference != "" {
		e.AddIdentifier(warden.Identifier{Type: warden.IDOther, Value: strings.TrimSpace(r.Reference), Label: "UN reference number"})
	}
	parts := textio.NonEmpty(r.First, r.Second, r.Third, r.Fourth)
	primary := warden.Name{Full: strings.Join(parts, " "), Kind: warden.NamePrimary}
	if person {
		e.Schema = warden.SchemaPerson
		primary.Given = strings.TrimSpace(r.First)
		if len(parts) > 1 {
			primary.Family = parts[len(parts)-1]
			primary.Given = strings.Join(parts[:len(parts)-1], " ")
		}
		e.Gender = strings.ToLower(strings.TrimSpace(r.Gender))
	} else {
		e.Schema = warden.SchemaOrganization
	}
	e.AddName(primary)
	e.AddName(warden.Name{Full: r.Original, Kind: warden.NamePrimary})
	for _, a := range r.aliases {
		kind := warden.NameAKA
		if strings.EqualFold(a.Quality, "Low") {
			kind = warden.NameWeak
		}
		e.AddName(warden.Name{Full: a.Name, Kind: kind})
	}
	for _, t := range r.Titles {
		warden.Add(&e.Titles, t)
	}
	for _, d := range r.Designations {
		warden.Add(&e.Positions, d)
	}
	for _, c := range r.Nationality {
		e.AddCountry(&e.Nationalities, c)
	}
	for _, a := range r.addresses {
		full := strings.Join(textio.NonEmpty(a.Street, a.City, a.State, a.Zip, a.Country), ", ")
		if full == "" {
			continue
		}
		addr := warden.Address{Full: full, Street: a.Street, City: a.City, Region: a.State, PostalCode: a.Zip, CountryName: a.Country}
		if a.Country != "" {
			addr.Country = e.AddCountry(&e.Countries, a.Country)
		}
		e.Addresses = append(e.Addresses, addr)
	}
	for _, d := range r.dobs {
		switch {
		case d.Date != "":
			e.BirthDates = append(e.BirthDates, warden.DateRange{From: d.Date, Approximate: d.Type == "APPROXIMATELY"})
		case d.From != "" && d.To != "":
			e.BirthDates = append(e.BirthDates, warden.DateRange{From: d.From, To: d.To, Approximate: d.Type == "APPROXIMATELY"})
		case d.Year != "":
			e.BirthDates = append(e.BirthDates, warden.DateRange{From: d.Year, Approximate: d.Type == "APPROXIMATELY"})
		}
	}
	for _, p := range r.pobs {
		warden.Add(&e.BirthPlaces, strings.Join(textio.NonEmpty(p.City, p.State, p.Country), ", "))
	}
	for _, d := range r.docs {
		label := strings.TrimSpace(d.Type)
		t := warden.IDOther
		switch l := strings.ToLower(label); {
		case strings.Contains(l, "passport"):
			t = warden.IDPassport
		case strings.Contains(l, "national identification") || strings.Contains(l, "identity"):
			t = warden.IDNational
		case strings.Contains(l, "tax"):
			t = warden.IDTax
		}
		id := warden.Identifier{Type: t, Value: d.Number, Label: label, Note: strings.TrimSpace(d.Note)}
		id.Country, _ = warden.CountryCode(d.Country)
		e.AddIdentifier(id)
	}
	e.Sort()
	return e
}
