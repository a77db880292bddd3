package designation

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"warden"
)

// Limits on what a designation holds, in characters.
const (
	maxName   = 1000
	maxBasis  = 2000
	maxReason = 20000
)

// check rejects, as EINVALID naming the field, input that cannot be
// published: no legal basis or reasons, a program not configured, a party
// that lists could not carry, a source or evidence link that names nothing
// Warden holds. It fills the defaults (a name's kind, upper-case country
// codes).
func (s *Service) check(ctx context.Context, in *Input) error {
	if !slices.Contains(s.Programs, in.Program) {
		return warden.Errorf(warden.EINVALID, "program %q is not one of %s", in.Program, strings.Join(s.Programs, ", "))
	}
	for _, f := range []struct {
		name, v string
		max     int
	}{{"legal_basis.order", in.LegalBasis.Order, maxBasis}, {"legal_basis.criterion", in.LegalBasis.Criterion, maxBasis}, {"reasons", in.Reasons, maxReason}} {
		if warden.Blank(f.v) {
			return warden.Errorf(warden.EINVALID, "%s is required", f.name)
		}
		if err := warden.CheckText(warden.TextNote, f.name, f.v, f.max); err != nil {
			return err
		}
	}
	if err := checkParty("party", &in.Party, false); err != nil {
		return err
	}
	for i := range in.Companies {
		if err := checkParty(fmt.Sprintf("companies[%d]", i), &in.Companies[i], true); err != nil {
			return err
		}
	}
	if in.Source != "" {
		if err := s.checkSource(ctx, in.Source); err != nil {
			return err
		}
	}
	for _, l := range in.Links {
		if err := s.checkLink(ctx, l); err != nil {
			return err
		}
	}
	if in.PublishAt != nil {
		t := in.PublishAt.UTC()
		in.PublishAt = &t
	}
	return nil
}

// checkParty checks one party of a designation (company: one designated
// with the party, which must be an organisation).
func checkParty(field string, e *warden.Entity, company bool) error {
	if e.Schema == "" {
		e.Schema = warden.SchemaPerson
		if company {
			e.Schema = warden.SchemaCompany
		}
	}
	if !e.Schema.Valid() || e.Schema == warden.SchemaCryptoWallet {
		return warden.Errorf(warden.EINVALID, "%s.schema %q is not a schema a party can have", field, e.Schema)
	}
	if company && e.Schema != warden.SchemaCompany && e.Schema != warden.SchemaOrganization && e.Schema != warden.SchemaLegalEntity {
		return warden.Errorf(warden.EINVALID, "%s.schema must be Company, Organization or LegalEntity", field)
	}
	if len(e.Names) == 0 {
		return warden.Errorf(warden.EINVALID, "%s.names: a party needs a name", field)
	}
	for i := range e.Names {
		n := &e.Names[i]
		f := fmt.Sprintf("%s.names[%d]", field, i)
		n.Full = strings.TrimSpace(n.Full)
		if warden.Blank(n.Full) {
			return warden.Errorf(warden.EINVALID, "%s.full is empty", f)
		}
		for _, v := range []string{n.Full, n.Given, n.Middle, n.Family, n.Patronymic} {
			if err := warden.CheckText(warden.TextName, f, v, maxName); err != nil {
				return err
			}
		}
		switch n.Kind {
		case "":
			n.Kind = warden.NameAKA
			if i == 0 {
				n.Kind = warden.NamePrimary
			}
		case warden.NamePrimary, warden.NameAKA, warden.NameFKA, warden.NameNKA, warden.NameWeak:
		default:
			return warden.Errorf(warden.EINVALID, "%s.kind %q is not primary, aka, fka, nka or weak", f, n.Kind)
		}
		if n.Script == "" {
			n.Script = warden.DetectScript(n.Full)
		}
	}
	for i, d := range e.BirthDates {
		for _, v := range []string{d.From, d.To} {
			if v != "" && !validDate(v) {
				return warden.Errorf(warden.EINVALID, "%s.birth_dates[%d]: %q is not a date YYYY, YYYY-MM or YYYY-MM-DD of the calendar", field, i, v)
			}
		}
		if d.From == "" {
			return warden.Errorf(warden.EINVALID, "%s.birth_dates[%d].from is required", field, i)
		}
	}
	for _, cs := range []struct {
		name string
		v    []string
	}{{"nationalities", e.Nationalities}, {"citizenships", e.Citizenships}, {"countries", e.Countries}} {
		for i, c := range cs.v {
			code, ok := warden.CountryCode(c)
			if !ok {
				return warden.Errorf(warden.EINVALID, "%s.%s[%d]: %q is not a country", field, cs.name, i, c)
			}
			cs.v[i] = code
		}
	}
	for i, id := range e.Identifiers {
		f := fmt.Sprintf("%s.identifiers[%d]", field, i)
		if id.Type == "" || warden.Blank(id.Value) {
			return warden.Errorf(warden.EINVALID, "%s needs a type and a value", f)
		}
		if err := warden.CheckText(warden.TextID, f+".value", id.Value, 300); err != nil {
			return err
		}
		if id.Type == warden.IDCrypto && warden.Blank(id.Currency) {
			return warden.Errorf(warden.EINVALID, "%s: a digital currency address needs its currency (XBT, ETH, ...)", f)
		}
		if err := warden.CheckText(warden.TextID, f+".currency", id.Currency, 20); err != nil {
			return err
		}
		if id.Type == warden.IDCrypto {
			if err := checkWallet(f+".value", id.Value); err != nil {
				return err
			}
		}
	}
	for i, a := range e.Addresses {
		for _, v := range []string{a.Full, a.Street, a.City, a.Region, a.PostalCode, a.CountryName} {
			if err := warden.CheckText(warden.TextName, fmt.Sprintf("%s.addresses[%d]", field, i), v, maxName); err != nil {
				return err
			}
		}
	}
	for i, l := range e.Links {
		if err := warden.CheckText(warden.TextName, fmt.Sprintf("%s.links[%d]", field, i), l.Type+l.SourceID+l.Name, maxName); err != nil {
			return err
		}
	}
	return warden.CheckText(warden.TextNote, field+".remarks", e.Remarks, maxReason)
}

// checkSource accepts a party on another list (list:source_id), which must
// be listed there now, or a threat actor (actor:ID).
func (s *Service) checkSource(ctx context.Context, src string) error {
	if err := warden.CheckText(warden.TextID, "source", src, 300); err != nil {
		return err
	}
	if id, ok := strings.CutPrefix(src, "actor:"); ok && id != "" {
		return nil
	}
	if _, err := s.DB.Entity(ctx, src, 0); err != nil {
		return warden.Errorf(warden.EINVALID, "source %q is neither a listed party (list:source_id) nor a threat actor (actor:ID)", src)
	}
	return nil
}

// checkLink accepts an evidence link of a known kind; payments and cases,
// which Warden holds today, must exist.
func (s *Service) checkLink(ctx context.Context, link string) error {
	if err := warden.CheckEvidenceLink(link); err != nil {
		return err
	}
	kind, id, _ := strings.Cut(link, ":")
	var err error
	switch kind {
	case "tx":
		_, err = s.DB.Transaction(ctx, id)
	case "case":
		n, perr := strconv.ParseInt(id, 10, 64)
		if perr != nil {
			return warden.Errorf(warden.EINVALID, "link %q: a case id is a number", link)
		}
		_, err = s.DB.Case(ctx, n)
	}
	if warden.ErrorCode(err) == warden.ENOTFOUND {
		return warden.Errorf(warden.EINVALID, "link %q names nothing Warden holds", link)
	}
	return err
}

// validDate reports whether d is a date of the calendar to the precision
// it gives (YYYY, YYYY-MM or YYYY-MM-DD).
func validDate(d string) bool {
	for _, layout := range []string{"2006", "2006-01", "2006-01-02"} {
		if len(d) == len(layout) {
			_, err := time.Parse(layout, d)
			return err == nil
		}
	}
	return false
}

// checkWallet refuses a wallet address whose shape is known and not met:
// a bc1, tb1 or ltc1 address must be bech32 or bech32m, in one case, with
// its checksum holding; a 0x address must be 40 hexadecimal digits.
// Other addresses (base58 and the like) are taken as given.
func checkWallet(field, v string) error {
	lower := strings.ToLower(v)
	switch {
	case strings.HasPrefix(lower, "bc1"), strings.HasPrefix(lower, "tb1"), strings.HasPrefix(lower, "ltc1"):
		if v != lower && v != strings.ToUpper(v) || !warden.IsBech32(lower) {
			return warden.Errorf(warden.EINVALID, "%s: %q is not a bech32 address (a character outside the bech32 alphabet, mixed case, or a checksum that fails)", field, v)
		}
	case strings.HasPrefix(lower, "0x"):
		if len(v) != 42 || strings.ContainsFunc(v[2:], func(r rune) bool { return !strings.ContainsRune("0123456789abcdefABCDEF", r) }) {
			return warden.Errorf(warden.EINVALID, "%s: %q is not an address of 0x and 40 hexadecimal digits", field, v)
		}
	}
	return nil
}
