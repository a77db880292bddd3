package warden

import (
	"strings"
	"time"
)

// LinkRule says why two listings on different lists are taken for one real
// party. The automatic rules are computed from what the listings share
// (screening.ComputeLinks); LinkManual is a person's decision.
type LinkRule string

// Link rules, strongest first.
const (
	// LinkOFACID: a US Consolidated Screening List entry copied from an
	// OFAC list carries OFAC's own id (ent_num) as its id.
	LinkOFACID LinkRule = "ofac_id"
	// LinkIdentifier: the same document number of the same type (passport,
	// national id, registration, IMO...), and the same issuing country
	// where both say one.
	LinkIdentifier LinkRule = "identifier"
	// LinkWallet: the same digital currency address.
	LinkWallet LinkRule = "wallet"
	// LinkNameBirth: the same person's name, written the same once
	// normalised (case, accents, punctuation and word order aside), and the
	// same full birth date.
	LinkNameBirth LinkRule = "name_birth"
	// LinkManual: a person linked the two listings.
	LinkManual LinkRule = "manual"
)

// ListingLink ties two listings (entity ids "list:source_id", A < B) that
// name one real party, and says why. Automatic links are recomputed from
// the lists' current versions; manual ones are kept until a person undoes
// them.
type ListingLink struct {
	A      string   `json:"a"`
	B      string   `json:"b"`
	Rule   LinkRule `json:"rule"`
	Detail string   `json:"detail,omitempty"` // what they share, e.g. "passport 123 (IR)"
}

// LinkDecision is a person's decision on two listings: linked (one party,
// whatever the rules say) or unlinked (two parties: it beats every
// automatic link between them, and keeps them apart in screening even when
// third listings link to both).
type LinkDecision struct {
	A         string    `json:"a"`
	B         string    `json:"b"`
	Linked    bool      `json:"linked"`
	Reason    string    `json:"reason"`
	DecidedBy string    `json:"decided_by"`
	DecidedAt time.Time `json:"decided_at"`
}

// Listing is one list's entry for a real party, as a grouped screening hit
// shows the listings besides its best one.
type Listing struct {
	EntityID string   `json:"entity_id"`
	List     string   `json:"list"`
	SourceID string   `json:"source_id"`
	Schema   Schema   `json:"schema"`
	Name     string   `json:"name"`
	Programs []string `json:"programs,omitempty"`
	// Related is the listed entity's Related: context, not a target.
	Related bool `json:"related,omitempty"`
	// Score is the listing's own score for the query, 0 when the query did
	// not reach it (it is in the group by its links only).
	Score float64 `json:"score"`
	// Rule is how the listing is tied to the group: the rule of a link
	// that joins it.
	Rule LinkRule `json:"rule"`
}

// MaxLinkReason is the longest reason, in bytes, a person may give for a
// link decision.
const MaxLinkReason = 2000

// LinkPair orders two entity ids and checks them: both of the form
// list:source_id, on different listings. Errors are EINVALID.
func LinkPair(a, b string) (string, string, error) {
	for _, id := range []string{a, b} {
		list, sid, ok := strings.Cut(id, ":")
		if !ok || !ValidListName(list) || sid == "" || len(id) > 1000 {
			return "", "", Errorf(EINVALID, "entity id %q is not of the form list:source_id", id)
		}
	}
	if a == b {
		return "", "", Errorf(EINVALID, "a listing cannot be linked to itself")
	}
	if b < a {
		a, b = b, a
	}
	return a, b, nil
}
