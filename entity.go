package warden

import (
	"sort"
	"strings"
)

// Schema is the kind of a listed party. The values follow FollowTheMoney so
// that data moves in and out of OpenSanctions tools without a mapping table.
type Schema string

// Schemata Warden knows. LegalEntity is used when a list does not say whether
// an entity is a company or another organisation.
const (
	SchemaPerson       Schema = "Person"
	SchemaOrganization Schema = "Organization"
	SchemaCompany      Schema = "Company"
	SchemaLegalEntity  Schema = "LegalEntity"
	SchemaVessel       Schema = "Vessel"
	SchemaAircraft     Schema = "Aircraft"
	SchemaCryptoWallet Schema = "CryptoWallet"
)

// Valid reports whether s is one of the schemata above.
func (s Schema) Valid() bool {
	switch s {
	case SchemaPerson, SchemaOrganization, SchemaCompany, SchemaLegalEntity,
		SchemaVessel, SchemaAircraft, SchemaCryptoWallet:
		return true
	}
	return false
}

// NameKind says how a list presents a name: the main name or one of the
// alias kinds. Screening weighs weak aliases less.
type NameKind string

// Name kinds, as OFAC, UN and UK lists distinguish them.
const (
	NamePrimary NameKind = "primary"
	NameAKA     NameKind = "aka"
	NameFKA     NameKind = "fka"
	NameNKA     NameKind = "nka"
	NameWeak    NameKind = "weak"
)

// Name is one name of a party in one script. Parts are filled only where the
// source gives them, so a matcher can tell a family name from a given name.
type Name struct {
	Full       string   `json:"full"`
	Kind       NameKind `json:"kind"`
	Script     string   `json:"script,omitempty"` // ISO 15924, e.g. Latn, Cyrl, Hani
	Lang       string   `json:"lang,omitempty"`
	Given      string   `json:"given,omitempty"`
	Middle     string   `json:"middle,omitempty"`
	Family     string   `json:"family,omitempty"`
	Patronymic string   `json:"patronymic,omitempty"`
}

// DateRange is a date as precise as the source gives it. From and To are ISO
// 8601 partial dates ("1962", "1958-02", "1979-09-21"); To is empty for a
// single date and set for ranges such as "Feb 1958 to Mar 1958".
type DateRange struct {
	From string `json:"from"`
	To   string `json:"to,omitempty"`
	// Approximate marks "circa" dates.
	Approximate bool `json:"approximate,omitempty"`
}

// Address is a postal address. Country is an ISO 3166-1 alpha-2 code when
// the source's country name could be mapped, CountryName is what the source
// said.
type Address struct {
	Full        string `json:"full,omitempty"`
	Street      string `json:"street,omitempty"`
	City        string `json:"city,omitempty"`
	Region      string `json:"region,omitempty"`
	PostalCode  string `json:"postal_code,omitempty"`
	Country     string `json:"country,omitempty"`
	CountryName string `json:"country_name,omitempty"`
}

// IDType names the kind of an identifier so that screening can normalise and
// compare like with like.
type IDType string

// Identifier types. Crypto addresses carry their ticker in Identifier.Currency.
const (
	IDPassport     IDType = "passport"
	IDNational     IDType = "national_id"
	IDTax          IDType = "tax_id"
	IDRegistration IDType = "registration"
	IDUSCC         IDType = "uscc"
	IDEmail        IDType = "email"
	IDWebsite      IDType = "website"
	IDPhone        IDType = "phone"
	IDCrypto       IDType = "crypto"
	IDSWIFT        IDType = "swift"
	IDIMO          IDType = "imo"
	IDLEI          IDType = "lei"
	IDOther        IDType = "other"
)

// Identifier is a document number, contact point or wallet of a party.
type Identifier struct {
	Type     IDType `json:"type"`
	Value    string `json:"value"`
	Country  string `json:"country,omitempty"`  // ISO alpha-2 of the issuer
	Currency string `json:"currency,omitempty"` // ticker for IDCrypto, e.g. XBT, ETH
	Label    string `json:"label,omitempty"`    // the source's own words, e.g. "Cedula No."
	Note     string `json:"note,omitempty"`
}

// Link ties a party to another party, on the same list or elsewhere.
type Link struct {
	Type     string `json:"type"` // e.g. "linked_to", "owned_by", "acting_for"
	SourceID string `json:"source_id,omitempty"`
	Name     string `json:"name,omitempty"`
	// Percent is the share the linked party owns, for owned_by links whose
	// list states it (0 if it does not).
	Percent float64 `json:"percent,omitempty"`
}

// Craft holds the fields lists give for vessels and aircraft.
type Craft struct {
	CallSign string `json:"call_sign,omitempty"`
	Type     string `json:"type,omitempty"`
	Tonnage  string `json:"tonnage,omitempty"`
	GRT      string `json:"grt,omitempty"`
	Flag     string `json:"flag,omitempty"`
	Owner    string `json:"owner,omitempty"`
}

// Entity is one listed party as one list version states it. It is the unit
// that is imported, versioned, screened and exported.
type Entity struct {
	// ID is Warden's identifier: the list name and the source id.
	ID       string `json:"id"`
	List     string `json:"list"`
	SourceID string `json:"source_id"`
	Version  int    `json:"version,omitempty"`

	Schema            Schema       `json:"schema"`
	Names             []Name       `json:"names"`
	BirthDates        []DateRange  `json:"birth_dates,omitempty"`
	BirthPlaces       []string     `json:"birth_places,omitempty"`
	Gender            string       `json:"gender,omitempty"`
	Nationalities     []string     `json:"nationalities,omitempty"`
	Citizenships      []string     `json:"citizenships,omitempty"`
	Countries         []string     `json:"countries,omitempty"`
	UnmappedCountries []string     `json:"unmapped_countries,omitempty"`
	Addresses         []Address    `json:"addresses,omitempty"`
	Identifiers       []Identifier `json:"identifiers,omitempty"`
	Programs          []string     `json:"programs,omitempty"`
	ListedOn          string       `json:"listed_on,omitempty"`
	Titles            []string     `json:"titles,omitempty"`
	Positions         []string     `json:"positions,omitempty"`
	Remarks           string       `json:"remarks,omitempty"`
	Craft             *Craft       `json:"craft,omitempty"`
	Links             []Link       `json:"links,omitempty"`
	Topics            []string     `json:"topics,omitempty"`
	// Related marks a party the list carries as context, not as a target
	// (FtM's target: false, such as a company a target owns): it is found
	// by screening but blocks nothing by itself.
	Related bool `json:"related,omitempty"`
}

// EntityID returns the Warden id of source id sid on list.
func EntityID(list, sid string) string { return list + ":" + sid }

// Caption is the name to show for the entity: its first primary name.
func (e *Entity) Caption() string {
	for _, n := range e.Names {
		if n.Kind == NamePrimary {
			return n.Full
		}
	}
	if len(e.Names) > 0 {
		return e.Names[0].Full
	}
	return e.SourceID
}

// AddName appends a name unless the same text of the same kind is there.
// Empty names are ignored, so parsers may pass optional fields straight in.
func (e *Entity) AddName(n Name) {
	n.Full = strings.TrimSpace(n.Full)
	if n.Full == "" {
		return
	}
	if n.Kind == "" {
		n.Kind = NameAKA
	}
	if n.Script == "" {
		n.Script = DetectScript(n.Full)
	}
	for _, m := range e.Names {
		if m.Full == n.Full && m.Kind == n.Kind {
			return
		}
	}
	e.Names = append(e.Names, n)
}

// AddIdentifier appends id unless an identifier of the same type and value is
// there already.
func (e *Entity) AddIdentifier(id Identifier) {
	id.Value = strings.TrimSpace(id.Value)
	if id.Value == "" {
		return
	}
	for _, x := range e.Identifiers {
		if x.Type == id.Type && x.Value == id.Value && x.Currency == id.Currency {
			return
		}
	}
	e.Identifiers = append(e.Identifiers, id)
}

// AddCountry maps name to an ISO code and appends it to dst (one of the
// entity's country slices); an unmapped name is kept in UnmappedCountries.
// It returns the code, or "" when the name was not recognised.
func (e *Entity) AddCountry(dst *[]string, name string) string {
	name = strings.TrimSpace(name)
	if name == "" {
		return ""
	}
	code, ok := CountryCode(name)
	if !ok && IsNoCountry(name) {
		return ""
	}
	if !ok {
		e.UnmappedCountries = appendUnique(e.UnmappedCountries, name)
		return ""
	}
	*dst = appendUnique(*dst, code)
	return code
}

// Add appends v to a string slice field unless it is empty or present.
func Add(dst *[]string, v string) {
	v = strings.TrimSpace(v)
	if v != "" {
		*dst = appendUnique(*dst, v)
	}
}

func appendUnique(s []string, v string) []string {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

// Wallets returns the entity's digital currency addresses.
func (e *Entity) Wallets() []Identifier {
	var out []Identifier
	for _, id := range e.Identifiers {
		if id.Type == IDCrypto {
			out = append(out, id)
		}
	}
	return out
}

// Sort puts an entity's multi-valued fields in a stable order where order
// carries no meaning, so that identical content hashes identically.
func (e *Entity) Sort() {
	sort.Strings(e.Programs)
	sort.Strings(e.Nationalities)
	sort.Strings(e.Citizenships)
	sort.Strings(e.Countries)
	sort.Strings(e.UnmappedCountries)
	sort.Strings(e.Topics)
}

// Validate reports what makes e unfit to store: no source id, an unknown
// schema, or no name. Parsers call it with the row's position at hand; the
// store calls it again before anything is written.
func (e *Entity) Validate() error {
	switch {
	case strings.TrimSpace(e.SourceID) == "":
		return Errorf(EINVALID, "party without a source id")
	case !e.Schema.Valid():
		return Errorf(EINVALID, "party %s: unknown schema %q", e.SourceID, e.Schema)
	case len(e.Names) == 0:
		return Errorf(EINVALID, "party %s has no name", e.SourceID)
	}
	return nil
}
