package warden

// Domain event types that enforcement and list imports write (see
// DomainEvent), for the hotline's triggers and people's notifications.
const (
	EventPaymentBlocked  = "payment.blocked"  // screened and blocked, or a held payment's case confirmed it blocked
	EventPaymentRejected = "payment.rejected" // screened and rejected, or a held payment's case confirmed it rejected
	EventPaymentHeld     = "payment.held"     // screened and held: new possible hits in the review queue
	EventCustomerHit     = "customer.hit"     // a customer's screening (onboarding, import, re-screening) found a hit that stops or holds it
	EventListChanged     = "list.changed"     // a list import committed a version that changed parties
)

// MaxEventHits is the most hits an event's payload names; Hits counts
// them all.
const MaxEventHits = 10

// EventHit is a listed party a screening matched, as an event names it.
type EventHit struct {
	EntityID string    `json:"entity_id"`
	Name     string    `json:"name"`
	Role     string    `json:"role,omitempty"`
	Action   HitAction `json:"action"`
	Score    float64   `json:"score"`
}

// PaymentEvent is the payload of payment.blocked, payment.rejected and
// payment.held, on object "tx:REFERENCE".
type PaymentEvent struct {
	Reference string     `json:"reference"`
	Amount    Money      `json:"amount"`
	Decision  string     `json:"decision"`
	Hits      []EventHit `json:"hits"` // at most MaxEventHits
	HitCount  int        `json:"hit_count"`
	Case      *int64     `json:"case"` // the case that decided it, or the first one opened; null if none
	// By says what decided: "screening", or "case" when an analyst
	// confirmed a held payment's hit.
	By string `json:"by"`
}

// CustomerEvent is the payload of customer.hit, on object "customer:ID".
type CustomerEvent struct {
	Customer  string     `json:"customer"`
	Name      string     `json:"name"`
	Decision  string     `json:"decision"`
	Case      *int64     `json:"case"`
	Hits      []EventHit `json:"hits"` // at most MaxEventHits
	HitCount  int        `json:"hit_count"`
	Screening string     `json:"screening"` // "onboarding" or "rescreening"
}

// ListChange is the payload of list.changed, on object "list:NAME".
type ListChange struct {
	List     string `json:"list"`
	Version  int    `json:"version"`
	Added    int    `json:"added"`
	Modified int    `json:"modified"`
	Removed  int    `json:"removed"`
}

// EventHits is what an event says of a decision's hits: the first
// MaxEventHits.
func EventHits(hits []TxHit) []EventHit {
	out := make([]EventHit, 0, min(len(hits), MaxEventHits))
	for _, h := range hits[:min(len(hits), MaxEventHits)] {
		out = append(out, EventHit{EntityID: h.EntityID, Name: h.Name, Role: h.Role, Action: h.Action, Score: h.Score})
	}
	return out
}
