package warden

import (
	"encoding/json"
	"strings"
	"time"
)

// DesignationStatus is where a designation stands in the four-eyes
// workflow. Only a published designation is seen outside the authority: its
// party is on the authority's own list from then on.
type DesignationStatus string

// Designation statuses, in the order a designation moves through them.
// Rejected ends a proposal; delisted marks a published designation whose
// party a later delisting took off the list.
const (
	DesignationDraft     DesignationStatus = "draft"
	DesignationProposed  DesignationStatus = "proposed"
	DesignationApproved  DesignationStatus = "approved" // approved, waiting for its publication time
	DesignationPublished DesignationStatus = "published"
	DesignationRejected  DesignationStatus = "rejected"
	DesignationDelisted  DesignationStatus = "delisted"
)

// Valid reports whether s is one of the statuses above.
func (s DesignationStatus) Valid() bool {
	switch s {
	case DesignationDraft, DesignationProposed, DesignationApproved, DesignationPublished, DesignationRejected, DesignationDelisted:
		return true
	}
	return false
}

// DesignationKind says what a designation does to the authority's list:
// add a party, replace a listed party's details, or take it off.
type DesignationKind string

// Designation kinds.
const (
	KindDesignate DesignationKind = "designate"
	KindAmend     DesignationKind = "amend"
	KindDelist    DesignationKind = "delist"
)

// LegalBasis is the order a designation is made under and the criterion of
// that order the party meets; a designation without both is refused.
type LegalBasis struct {
	Order     string `json:"order"`
	Criterion string `json:"criterion"`
}

// Designation is one proposal to designate a party on the authority's own
// list, to amend a listed party or to delist one, with the evidence behind
// it and who proposed and approved it. A second sanctions officer approves
// it (four-eyes) before it is published as a new version of the list.
type Designation struct {
	ID     int64             `json:"id"`
	Status DesignationStatus `json:"status"`
	Kind   DesignationKind   `json:"kind"`
	// Party is the party as the list will state it. Its SourceID is its id
	// on the authority's list, the same for every designation of the party
	// (set when it is first designated).
	Party Entity `json:"party"`
	// Source is where the party was taken from, if anywhere: a party on
	// another list (list:source_id) or a threat actor's id.
	Source     string     `json:"source,omitempty"`
	Program    string     `json:"program"`
	LegalBasis LegalBasis `json:"legal_basis"`
	Reasons    string     `json:"reasons"`
	// Evidence holds the attachments (their bytes are kept apart);
	// Links the Warden objects the designation rests on: incident:ID,
	// report:ID, request:ID, tx:REFERENCE, case:ID.
	Evidence []Evidence `json:"evidence"`
	Links    []string   `json:"links,omitempty"`
	// Companies are the companies the party owns or controls, designated
	// with it; each carries an owned_by link to the party so that the 50%
	// rule follows.
	Companies []Entity `json:"companies,omitempty"`
	// ProposedBy is who created it, ApprovedBy who approved or rejected
	// it, Decision why; Approval is the four-eyes proposal deciding it.
	ProposedBy string `json:"proposed_by"`
	// DraftedBy is the person who drafted it: neither the drafter nor the
	// proposer, nor anyone related to them, may approve it.
	DraftedBy string `json:"drafted_by,omitempty"`
	// Basis is, for an amendment or a delisting, the published designation
	// that stated the party when it was proposed: an amendment approved or
	// published after the party changed is refused.
	Basis      int64  `json:"basis,omitempty"`
	ApprovedBy string `json:"approved_by,omitempty"`
	Decision   string `json:"decision_reason,omitempty"`
	Approval   int64  `json:"approval,omitempty"`
	// PublishAt is when an approved designation takes effect; nil means
	// as soon as it is approved.
	PublishAt *time.Time `json:"publish_at,omitempty"`
	// Version is the list version that published it (0 until then).
	Version   int       `json:"version,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Evidence is a file attached to a designation, as stored: its bytes are
// checked for type and size and kept with their SHA-256.
type Evidence struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	MediaType string    `json:"media_type"`
	Size      int64     `json:"size"`
	SHA256    string    `json:"sha256"`
	AddedBy   string    `json:"added_by"`
	AddedAt   time.Time `json:"added_at"`
}

// EvidenceLinkKinds are the prefixes of the Warden objects a designation
// may cite as evidence.
var EvidenceLinkKinds = []string{"incident", "report", "request", "tx", "case"}

// CheckEvidenceLink rejects a link that does not name a kind of
// EvidenceLinkKinds and an id (kind:id).
func CheckEvidenceLink(link string) error {
	kind, id, ok := strings.Cut(link, ":")
	if err := CheckText(TextID, "links", link, 300); err != nil {
		return err
	}
	for _, k := range EvidenceLinkKinds {
		if ok && kind == k && strings.TrimSpace(id) != "" {
			return nil
		}
	}
	return Errorf(EINVALID, "link %q must be kind:id with kind one of %s", link, strings.Join(EvidenceLinkKinds, ", "))
}

// DomainEvent is a state change other capabilities may react to
// (designation.published, list.changed), written in the transaction of
// the change itself so that neither exists without the other.
type DomainEvent struct {
	ID        int64           `json:"id"`
	Type      string          `json:"type"`
	Object    string          `json:"object"`
	Payload   json.RawMessage `json:"payload"`
	CreatedAt time.Time       `json:"created_at"`
}
