package warden

import (
	"encoding/json"
	"strings"
	"time"
)

// TLP is a Traffic Light Protocol 2.0 marking: who may see an object of
// intelligence. Every object Warden keeps carries one; objects that arrive
// without a TLP marking take the importer's default (AMBER unless set).
type TLP string

// TLP 2.0 markings, from the most to the least shareable.
const (
	TLPClear       TLP = "clear"        // anyone
	TLPGreen       TLP = "green"        // the community: every counterpart
	TLPAmber       TLP = "amber"        // the organisations it is shared with, and their clients
	TLPAmberStrict TLP = "amber+strict" // the organisations it is shared with, only
	TLPRed         TLP = "red"          // named recipients: never leaves the authority
)

// TLPs lists the markings from the most to the least shareable.
var TLPs = []TLP{TLPClear, TLPGreen, TLPAmber, TLPAmberStrict, TLPRed}

// ParseTLP reads a marking as written by people and feeds: "amber",
// "TLP:AMBER", "tlp:amber+strict"; TLP 1.0's WHITE is CLEAR. EINVALID
// otherwise.
func ParseTLP(s string) (TLP, error) {
	v := strings.ToLower(strings.TrimSpace(s))
	v = strings.TrimPrefix(v, "tlp:")
	if v == "white" {
		return TLPClear, nil
	}
	for _, t := range TLPs {
		if string(t) == v {
			return t, nil
		}
	}
	return "", Errorf(EINVALID, "tlp: %q is not one of clear, green, amber, amber+strict, red", s)
}

// Rank orders markings: 0 for CLEAR up to 4 for RED; -1 for an unknown
// one.
func (t TLP) Rank() int {
	for i, x := range TLPs {
		if x == t {
			return i
		}
	}
	return -1
}

// Label is the marking as TLP 2.0 writes it: "TLP:AMBER+STRICT".
func (t TLP) Label() string { return "TLP:" + strings.ToUpper(string(t)) }

// TLPClearance is the most restricted marking each of the authority's
// roles reads. RED is for the people who work the intelligence (sanctions
// officers and analysts); the others read up to AMBER+STRICT. Counterparts
// are not in this table: SeesTLP decides for them by what is shared with
// their organisation.
var TLPClearance = map[Role]TLP{
	RoleAdmin:            TLPAmberStrict,
	RoleSanctionsOfficer: TLPRed,
	RoleAnalyst:          TLPRed,
	RoleScreener:         TLPAmberStrict,
	RoleLiaison:          TLPAmberStrict,
	RoleAuditor:          TLPAmberStrict,
}

// SeesTLP reports whether p may see an object marked t. shared says
// whether the object is in a collection of p's organisation (it matters
// only to counterparts): a counterpart sees CLEAR and GREEN, AMBER and
// AMBER+STRICT only when shared with its organisation, never RED; the
// authority's people see up to their role's TLPClearance. Every read path
// (API, pages, exports, TAXII, explanations) asks it, and answers
// ENOTFOUND for what it refuses, so that an object's existence does not
// leak.
func SeesTLP(p Principal, t TLP, shared bool) bool {
	if t.Rank() < 0 {
		return false
	}
	if p.Role == RoleCounterpart {
		switch t {
		case TLPClear, TLPGreen:
			return true
		case TLPAmber, TLPAmberStrict:
			return shared
		}
		return false
	}
	c, ok := TLPClearance[p.Role]
	return ok && t.Rank() <= c.Rank()
}

// Shareable reports whether an object marked t may be put in a collection
// that counterparts read: anything but RED.
func (t TLP) Shareable() bool { return t.Rank() >= 0 && t != TLPRed }

// IndicatorKind is the kind of value an indicator observes.
type IndicatorKind string

// Indicator kinds: what STIX patterns over these observables compare, and
// what payments and customers carry.
const (
	KindIPv4   IndicatorKind = "ipv4"   // an address or a CIDR range
	KindIPv6   IndicatorKind = "ipv6"   // an address or a CIDR range
	KindDomain IndicatorKind = "domain" // a domain name: matches it and its subdomains
	KindURL    IndicatorKind = "url"
	KindEmail  IndicatorKind = "email"
	KindMD5    IndicatorKind = "md5"
	KindSHA1   IndicatorKind = "sha1"
	KindSHA256 IndicatorKind = "sha256"
	KindSHA512 IndicatorKind = "sha512"
	KindWallet IndicatorKind = "wallet" // a digital currency address, with its chain when known
)

// IndicatorKinds lists every kind.
var IndicatorKinds = []IndicatorKind{KindIPv4, KindIPv6, KindDomain, KindURL, KindEmail, KindMD5, KindSHA1, KindSHA256, KindSHA512, KindWallet}

// Observable is one value an indicator observes, normalised (lower-case
// domains and e-mail addresses, canonical IP addresses and CIDRs,
// lower-case hex hashes; wallets as written, case kept where the chain's
// encoding is case-sensitive).
type Observable struct {
	Kind  IndicatorKind `json:"kind"`
	Value string        `json:"value"`
	Chain string        `json:"chain,omitempty"` // a wallet's currency (BTC, ETH, XMR, ...), if known
}

// IntelObject is one version of a STIX 2.1 object Warden keeps: an object
// received (a file, the API, a TAXII feed) or written by Warden
// (incidents, actors, indicators people record). Object is the STIX JSON
// as received or written, so that it goes out again as it came in.
type IntelObject struct {
	ID       string          `json:"id"` // the STIX id, type--UUID
	Type     string          `json:"type"`
	Name     string          `json:"name,omitempty"`
	TLP      TLP             `json:"tlp"`
	Created  time.Time       `json:"created"`
	Modified time.Time       `json:"modified"`
	Added    time.Time       `json:"added"` // when this version was stored
	Seq      int64           `json:"seq"`
	Source   string          `json:"source"`
	Current  bool            `json:"current"` // the newest version of its id
	Revoked  bool            `json:"revoked,omitempty"`
	Opaque   bool            `json:"opaque,omitempty"` // a type Warden does not model, kept as received
	Object   json.RawMessage `json:"object"`
}

// IntelEdge is one edge of the intelligence graph: a relationship object
// (Type is its relationship_type, Rel its id), or an embedded reference
// (Type is the property, object_refs or created_by_ref, Rel is "").
type IntelEdge struct {
	Source     string `json:"source"`
	Type       string `json:"type"`
	Target     string `json:"target"`
	Rel        string `json:"rel,omitempty"`
	Confidence int    `json:"confidence"` // 0-100, or -1 when not given
}

// Intel link kinds: the Warden records intelligence points at.
const (
	LinkEntity      = "entity"      // a listed party, ref LIST:SOURCE_ID
	LinkDesignation = "designation" // ref the designation's id
	LinkRequest     = "request"     // a cooperation request, ref its id
	LinkPayment     = "payment"     // ref the payment's reference
	LinkCustomer    = "customer"    // ref the customer's id
	LinkCase        = "case"        // ref the case's id
)

// IntelLink links an object of intelligence to a Warden record: a threat
// actor attributed to a listed party, an indicator taken from a party's
// listing, the incidents a request or a designation rests on, a payment an
// indicator held.
type IntelLink struct {
	Object    string    `json:"object"` // STIX id
	Kind      string    `json:"kind"`
	Ref       string    `json:"ref"`
	Note      string    `json:"note,omitempty"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// Collection is a TAXII collection: what one counterpart, or a sharing
// group of several organisations, reads (and, with CanWrite, submits).
// Putting an object in a collection shares it with those organisations;
// RED objects are never put in one.
type Collection struct {
	ID          string    `json:"id"` // UUID
	Title       string    `json:"title"`
	Description string    `json:"description,omitempty"`
	Orgs        []string  `json:"orgs"`
	CanRead     bool      `json:"can_read"`
	CanWrite    bool      `json:"can_write"`
	CreatedBy   string    `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`
}

// ObjectProblem is what an import found wrong, or could not read, in one
// object: its id (or its index in the bundle when it has no usable id),
// the JSON path into it and what is wrong.
type ObjectProblem struct {
	Object  string `json:"object"`
	Path    string `json:"path,omitempty"`
	Message string `json:"message"`
}

// IntelImport is the report of one import: a bundle uploaded or posted,
// or a page of a TAXII pull. Its ID is the TAXII status id of a POSTed
// envelope. An import stores every object of a valid bundle or none:
// Errors non-empty means nothing was stored.
type IntelImport struct {
	ID         string          `json:"id"`
	Source     string          `json:"source"`
	Collection string          `json:"collection,omitempty"`
	Actor      string          `json:"actor"`
	At         time.Time       `json:"at"`
	Total      int             `json:"total"`
	Added      int             `json:"added"`               // new ids
	Versions   int             `json:"versions"`            // new versions of ids known
	Unchanged  int             `json:"unchanged"`           // the same id and modified, stored before
	Opaque     []string        `json:"opaque,omitempty"`    // ids of objects of types Warden does not model, kept as received
	Patterns   []ObjectProblem `json:"patterns,omitempty"`  // indicators whose pattern Warden could not read: stored, not used in screening
	Errors     []ObjectProblem `json:"errors,omitempty"`    // schema errors: nothing stored
	Successes  []string        `json:"successes,omitempty"` // ids stored or unchanged (TAXII status)
	Skipped    []ObjectProblem `json:"skipped,omitempty"`   // objects kept out of a stored bundle: another source's id, a reserved id, a conflicting version
	// Adopted are the ids of objects a counterpart sent first that the
	// authority's import made its own (counted as stored or unchanged
	// too): they screen from then on, as the authority's.
	Adopted []string `json:"adopted,omitempty"`
}

// EventIntelImported is written when an import stored objects, on object
// "intel-import:ID", for feeds' consumers and the hotline.
const EventIntelImported = "intel.imported"

// IntelImportEvent is the payload of intel.imported.
type IntelImportEvent struct {
	Import    string `json:"import"`
	Source    string `json:"source"`
	Added     int    `json:"added"`
	Versions  int    `json:"versions"`
	Unchanged int    `json:"unchanged"`
}

// IndicatorHit is an active indicator that a value a payment or customer
// carries matched: the indicator, what it observes, and the incidents and
// threat actors it indicates (by their names where the reader may see
// them), for the explanation of the hold.
type IndicatorHit struct {
	Indicator string         `json:"indicator"` // STIX id
	Name      string         `json:"name,omitempty"`
	TLP       TLP            `json:"tlp"`
	Observed  Observable     `json:"observed"` // the indicator's value (a range, a parent domain)
	Value     string         `json:"value"`    // what the payment carried
	Field     string         `json:"field"`    // the party's field: ip, domain, email, wallet
	Incidents []IntelRefName `json:"incidents,omitempty"`
	Actors    []IntelRefName `json:"actors,omitempty"`
	Parties   []string       `json:"parties,omitempty"` // listed parties the indicator was taken from or is attributed to
}

// IntelRefName is an object named in an explanation.
type IntelRefName struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}
