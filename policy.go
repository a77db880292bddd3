package warden

import (
	"encoding/json"
	"time"
)

// Policy actions beyond those a hit carries (HitBlock, HitReject): what a
// policy may say a list or program does. A hit the policy holds carries
// HitReview.
const (
	// HitHold holds every hit on the program for an analyst, however
	// strong: a case opens and the payment waits.
	HitHold HitAction = "hold"
	// HitFlag records the hit on the decision and lets the payment move:
	// for lists that restrict trade, not payments (export controls).
	HitFlag HitAction = "flag"
)

// PolicyVersion is one policy that was, or is, in force at an
// installation. The first is installed from the shipped default or a file
// given to the server; each later one was proposed by one person and
// approved by another (four eyes), and both are recorded.
type PolicyVersion struct {
	Version int `json:"version"`
	// Policy is the policy as JSON (enforcement.Policy), kept as it was
	// approved so that the history shows exactly what was in force.
	Policy     json.RawMessage `json:"policy"`
	Source     string          `json:"source"` // "default", "file NAME", or "approval:ID"
	Reason     string          `json:"reason,omitempty"`
	ProposedBy string          `json:"proposed_by"`
	ApprovedBy string          `json:"approved_by,omitempty"`
	At         time.Time       `json:"at"`
}
