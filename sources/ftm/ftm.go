// Package ftm reads and writes FollowTheMoney entities as JSON lines, the
// format of OpenSanctions data, and its delta stream of ADD/MOD/DEL
// operations.
//
// Parties (Person, Organization, Company, LegalEntity, Vessel, Aircraft,
// CryptoWallet) become Warden entities. Sanction entities add programs and
// listing dates to the party they name, Ownership entities become links,
// Address entities become addresses, and CryptoWallets with a holder in the
// same file become that holder's digital currency identifiers.
package ftm

import (
	"strconv"
	"strings"

	"warden"
)

// Entity is one FtM entity as it stands on a JSON line.
type Entity struct {
	ID         string              `json:"id"`
	Caption    string              `json:"caption,omitempty"`
	Schema     string              `json:"schema"`
	Properties map[string][]string `json:"properties"`
	Datasets   []string            `json:"datasets,omitempty"`
	Referents  []string            `json:"referents,omitempty"`
	FirstSeen  string              `json:"first_seen,omitempty"`
	LastSeen   string              `json:"last_seen,omitempty"`
	Target     *bool               `json:"target,omitempty"`
}

// Op is one line of an FtM delta stream.
type Op struct {
	Op     string  `json:"op"`
	Entity *Entity `json:"entity"`
}

var partySchemata = map[string]warden.Schema{
	"Person": warden.SchemaPerson, "Organization": warden.SchemaOrganization, "Company": warden.SchemaCompany,
	"LegalEntity": warden.SchemaLegalEntity, "PublicBody": warden.SchemaOrganization, "Vessel": warden.SchemaVessel,
	"Airplane": warden.SchemaAircraft, "Aircraft": warden.SchemaAircraft, "CryptoWallet": warden.SchemaCryptoWallet,
}

// idProps maps FtM identifier properties to Warden identifier types.
var idProps = []struct {
	prop string
	typ  warden.IDType
}{
	{"passportNumber", warden.IDPassport},
	{"idNumber", warden.IDNational},
	{"taxNumber", warden.IDTax},
	{"innCode", warden.IDTax},
	{"vatCode", warden.IDTax},
	{"registrationNumber", warden.IDRegistration},
	{"ogrnCode", warden.IDRegistration},
	{"uscCode", warden.IDUSCC},
	{"email", warden.IDEmail},
	{"website", warden.IDWebsite},
	{"phone", warden.IDPhone},
	{"swiftBic", warden.IDSWIFT},
	{"imoNumber", warden.IDIMO},
	{"leiCode", warden.IDLEI},
}

// toWarden maps a party entity; ok is false for non-party schemata.
func toWarden(x *Entity) (*warden.Entity, bool) {
	schema, ok := partySchemata[x.Schema]
	if !ok {
		return nil, false
	}
	p := x.Properties
	e := &warden.Entity{SourceID: x.ID, Schema: schema, Related: x.Target != nil && !*x.Target}
	for _, n := range p["name"] {
		e.AddName(warden.Name{Full: n, Kind: warden.NamePrimary})
	}
	if len(e.Names) > 1 {
		// FtM lists every spelling as a name; the caption is the main one.
		for i := range e.Names {
			if e.Names[i].Full != x.Caption && x.Caption != "" {
				e.Names[i].Kind = warden.NameAKA
			}
		}
	}
	for _, n := range p["alias"] {
		e.AddName(warden.Name{Full: n, Kind: warden.NameAKA})
	}
	for _, n := range p["previousName"] {
		e.AddName(warden.Name{Full: n, Kind: warden.NameFKA})
	}
	for _, n := range p["weakAlias"] {
		e.AddName(warden.Name{Full: n, Kind: warden.NameWeak})
	}
	if len(e.Names) == 0 && schema == warden.SchemaCryptoWallet {
		for _, k := range p["publicKey"] {
			e.AddName(warden.Name{Full: k, Kind: warden.NamePrimary})
		}
	}
	for _, d := range p["birthDate"] {
		e.BirthDates = append(e.BirthDates, warden.DateRange{From: d})
	}
	for _, v := range p["birthPlace"] {
		warden.Add(&e.BirthPlaces, v)
	}
	if g := p["gender"]; len(g) > 0 {
		e.Gender = g[0]
	}
	for _, c := range p["nationality"] {
		e.AddCountry(&e.Nationalities, c)
	}
	for _, c := range p["citizenship"] {
		e.AddCountry(&e.Citizenships, c)
	}
	for _, key := range []string{"country", "jurisdiction", "flag", "mainCountry"} {
		for _, c := range p[key] {
			e.AddCountry(&e.Countries, c)
		}
	}
	for _, a := range p["address"] {
		e.Addresses = append(e.Addresses, warden.Address{Full: a})
	}
	for _, ip := range idProps {
		for _, v := range p[ip.prop] {
			e.AddIdentifier(warden.Identifier{Type: ip.typ, Value: v, Label: ip.prop})
		}
	}
	if schema == warden.SchemaCryptoWallet {
		cur := ""
		if c := p["currency"]; len(c) > 0 {
			cur = strings.ToUpper(c[0])
		}
		for _, k := range p["publicKey"] {
			e.AddIdentifier(warden.Identifier{Type: warden.IDCrypto, Value: k, Currency: cur, Label: "publicKey"})
		}
	}
	for _, v := range p["programId"] {
		warden.Add(&e.Programs, v)
	}
	for _, v := range p["topics"] {
		warden.Add(&e.Topics, v)
	}
	for _, v := range p["title"] {
		warden.Add(&e.Titles, v)
	}
	for _, v := range p["position"] {
		warden.Add(&e.Positions, v)
	}
	for _, v := range p["createdAt"] {
		e.ListedOn = v
	}
	e.Remarks = strings.Join(p["notes"], "\n")
	if v := p["callSign"]; len(v) > 0 {
		e.Craft = &warden.Craft{CallSign: v[0]}
	}
	return e, true
}

// FromWarden maps a Warden entity to FtM: the party itself, one
// CryptoWallet entity per digital currency address, held by the party, and
// one Ownership entity per owned_by link that names its owner's source id
// (owner the owner's Warden id, asset the party, percentage when the link
// states one), which Parser folds back into the link.
func FromWarden(e *warden.Entity) []*Entity {
	p := map[string][]string{}
	add := func(k string, vs ...string) {
		for _, v := range vs {
			if v != "" {
				p[k] = append(p[k], v)
			}
		}
	}
	for _, n := range e.Names {
		switch n.Kind {
		case warden.NamePrimary:
			add("name", n.Full)
		case warden.NameFKA:
			add("previousName", n.Full)
		case warden.NameWeak:
			add("weakAlias", n.Full)
		default:
			add("alias", n.Full)
		}
	}
	for _, d := range e.BirthDates {
		add("birthDate", d.From)
	}
	add("birthPlace", e.BirthPlaces...)
	add("gender", e.Gender)
	add("nationality", lower(e.Nationalities)...)
	add("citizenship", lower(e.Citizenships)...)
	add("country", lower(e.Countries)...)
	for _, a := range e.Addresses {
		add("address", a.Full)
	}
	var wallets []*Entity
	for _, id := range e.Identifiers {
		if id.Type == warden.IDCrypto {
			if e.Schema == warden.SchemaCryptoWallet {
				add("publicKey", id.Value)
				add("currency", id.Currency)
				continue
			}
			wallets = append(wallets, &Entity{
				ID: e.ID + ":wallet:" + id.Value, Schema: "CryptoWallet", Caption: id.Value,
				Properties: map[string][]string{"publicKey": {id.Value}, "currency": nonEmpty(id.Currency), "holder": {e.ID}},
			})
			continue
		}
		for _, ip := range idProps {
			if ip.typ == id.Type {
				add(ip.prop, id.Value)
				break
			}
		}
		if id.Type == warden.IDOther {
			add("idNumber", id.Value)
		}
	}
	add("programId", e.Programs...)
	add("topics", e.Topics...)
	add("title", e.Titles...)
	add("position", e.Positions...)
	add("notes", e.Remarks)
	add("createdAt", e.ListedOn)
	if e.Craft != nil {
		add("callSign", e.Craft.CallSign)
	}
	schema := string(e.Schema)
	if e.Schema == warden.SchemaAircraft {
		schema = "Airplane"
	}
	out := []*Entity{{ID: e.ID, Caption: e.Caption(), Schema: schema, Properties: p, Datasets: []string{e.List}}}
	if e.Related {
		notTarget := false
		out[0].Target = &notTarget
	}
	out = append(out, wallets...)
	for _, l := range e.Links {
		if l.Type != "owned_by" || l.SourceID == "" {
			continue
		}
		owner := warden.EntityID(e.List, l.SourceID)
		p := map[string][]string{"owner": {owner}, "asset": {e.ID}}
		if l.Percent > 0 {
			p["percentage"] = []string{strconv.FormatFloat(l.Percent, 'f', -1, 64)}
		}
		out = append(out, &Entity{ID: e.ID + ":ownership:" + l.SourceID, Schema: "Ownership", Properties: p, Datasets: []string{e.List}})
	}
	return out
}

func lower(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.ToLower(s)
	}
	return out
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}
