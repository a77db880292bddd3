package warden

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// AuditEvent is one change a person or client made. Events are append-only
// and hash-chained: Hash covers the event's fields and the previous event's
// hash, so editing, removing or reordering any stored event breaks the
// chain from there on.
type AuditEvent struct {
	Seq       int64           `json:"seq"`
	Time      time.Time       `json:"time"`
	Actor     string          `json:"actor"`
	ActorKind string          `json:"actor_kind"`
	Role      Role            `json:"role"`
	Org       string          `json:"org"`
	Action    string          `json:"action"`
	Object    string          `json:"object"`
	Reason    string          `json:"reason,omitempty"`
	RequestID string          `json:"request_id,omitempty"`
	Detail    json.RawMessage `json:"detail,omitempty"`
	Prev      string          `json:"prev"`
	Hash      string          `json:"hash"`
}

// AuditFilter selects audit events; zero fields do not filter.
type AuditFilter struct {
	Actor  string
	Action string // exact, or a prefix ending in "." (e.g. "token.")
	Object string
	Since  time.Time
	Until  time.Time
	After  int64 // events with Seq > After, for paging
	Limit  int
}

// Approval is a four-eyes proposal: an action one person asked for that a
// second person of Role must approve before it takes effect.
type Approval struct {
	ID         int64           `json:"id"`
	Action     string          `json:"action"`
	Object     string          `json:"object"`
	Payload    json.RawMessage `json:"payload"`
	Role       Role            `json:"role"`   // the role the second person must hold
	Status     string          `json:"status"` // pending, approved, rejected
	ProposedBy string          `json:"proposed_by"`
	// ProposedByPerson is the person behind the proposer (see
	// Principal.Person): no principal of that person, nor one the person
	// controls, may decide the proposal.
	ProposedByPerson string     `json:"proposed_by_person"`
	ProposedAt       time.Time  `json:"proposed_at"`
	Reason           string     `json:"reason,omitempty"`
	DecidedBy        string     `json:"decided_by,omitempty"`
	DecidedAt        *time.Time `json:"decided_at,omitempty"`
	Decision         string     `json:"decision_reason,omitempty"`
}

// Seal sets e's Prev to prev and computes its Hash: SHA-256 over prev and
// every other field in a fixed encoding, so that a change to any field, or
// to any earlier event, shows.
func (e *AuditEvent) Seal(prev string) {
	e.Prev = prev
	e.Hash = e.sum()
}

// Intact reports whether e's hash matches its fields.
func (e *AuditEvent) Intact() bool { return e.Hash == e.sum() }

func (e *AuditEvent) sum() string {
	h := sha256.New()
	for _, f := range []string{
		strconv.FormatInt(e.Seq, 10), e.Time.UTC().Format(time.RFC3339Nano), e.Actor, e.ActorKind, string(e.Role), e.Org,
		e.Action, e.Object, e.Reason, e.RequestID, string(e.Detail), e.Prev,
	} {
		// Length-prefixed, so that no two field lists encode alike.
		fmt.Fprintf(h, "%d:%s;", len(f), f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// NewAuditEvent describes a change made by the principal in ctx (or by
// the operator if ctx carries none), with the request id ctx carries.
// detail, if not nil, is stored as JSON; it must hold no secrets.
func NewAuditEvent(ctx context.Context, action, object, reason string, detail any) *AuditEvent {
	p, ok := PrincipalFrom(ctx)
	if !ok {
		p = Operator
	}
	e := &AuditEvent{Actor: p.Name, ActorKind: p.Kind, Role: p.Role, Org: p.Org, Action: action, Object: object, Reason: reason, RequestID: RequestID(ctx)}
	if detail != nil {
		e.Detail, _ = json.Marshal(detail)
	}
	return e
}
