package warden

import "time"

// HitAction is what a hit on a payment's party does, by policy.
type HitAction string

// Hit actions. A policy maps programs to HitBlock, HitReject, HitHold or
// HitFlag (see policy.go); a hit held for an analyst is HitReview.
const (
	HitBlock  HitAction = "block"  // the property is blocked: the amount goes to the ledger
	HitReject HitAction = "reject" // the payment is turned back: nothing moves, nothing is frozen
	HitReview HitAction = "review" // a possible hit: a case for an analyst
)

// CaseStatus is where a case in the review queue stands.
type CaseStatus string

// Case statuses.
const (
	CaseOpen      CaseStatus = "open"      // waiting for an analyst
	CaseConfirmed CaseStatus = "confirmed" // the hit is the listed party: the payment is blocked or rejected
	CaseCleared   CaseStatus = "cleared"   // a false positive, remembered for the counterparty
)

// LedgerKind says why a ledger entry was written.
type LedgerKind string

// Ledger entry kinds.
const (
	LedgerBlock   LedgerKind = "block"   // property blocked: a positive amount
	LedgerRelease LedgerKind = "release" // released under a licence with four eyes: a negative amount
)

// Transaction decisions.
const (
	DecisionCleared  = "cleared"  // no hit: the payment may move
	DecisionHeld     = "held"     // a possible hit: an analyst decides
	DecisionBlocked  = "blocked"  // a confirmed hit on a blocking program: funds go to the ledger
	DecisionRejected = "rejected" // a confirmed hit on a rejecting program: nothing moves, nothing is frozen
)

// TxParty is one party to a payment in one role (originator, beneficiary,
// intermediary, ordering_institution, beneficiary_institution).
type TxParty struct {
	Role      string `json:"role"`
	Schema    Schema `json:"schema,omitempty"` // Person or Organization, if known
	Name      string `json:"name,omitempty"`
	Country   string `json:"country,omitempty"`
	BirthDate string `json:"birth_date,omitempty"`
	// Address is the party's postal address on one line, as the payment
	// carries it: a listed address's city or postal code found in it
	// corroborates a name match (see docs/policy.md).
	Address     string   `json:"address,omitempty"`
	Account     string   `json:"account,omitempty"`
	Wallet      string   `json:"wallet,omitempty"`
	Identifiers []string `json:"identifiers,omitempty"`
	// IP, Domain and Email are what the payment's channel knows of the
	// party (the address it connected from, its website, its e-mail):
	// screened against active indicators of intelligence.
	IP     string `json:"ip,omitempty"`
	Domain string `json:"domain,omitempty"`
	Email  string `json:"email,omitempty"`
}

// Transaction is a payment to screen before it moves. Reference is the
// client's idempotency key.
type Transaction struct {
	Reference string    `json:"reference"`
	Amount    Money     `json:"amount"`
	Parties   []TxParty `json:"parties"`
}

// TxHit is a hit on one party of a payment, with what the policy made of
// it.
type TxHit struct {
	Party    int      `json:"party"` // index into the transaction's parties
	Role     string   `json:"role"`
	EntityID string   `json:"entity_id"`
	Name     string   `json:"name"`
	Programs []string `json:"programs,omitempty"`
	Score    float64  `json:"score"`
	// Confirmed: the hit stops the payment by itself, being an exact
	// wallet or identifier or a name that a second attribute corroborates.
	Confirmed bool      `json:"confirmed"`
	Action    HitAction `json:"action"`
	// Basis says, in words, why the policy took Action: the program, and
	// what corroborated the hit or why it is held.
	Basis       string `json:"basis,omitempty"`
	Explanation any    `json:"explanation"`
}

// TxDecision is the answer to a payment: the first decision for its
// reference, and its status now (cases may since have resolved a hold).
type TxDecision struct {
	Reference string    `json:"reference"`
	Decision  string    `json:"decision"`
	Status    string    `json:"status"`
	Hits      []TxHit   `json:"hits"`
	Case      *int64    `json:"case"`            // the first case opened, null if none
	Cases     []int64   `json:"cases,omitempty"` // every case opened, one per possible hit
	Amount    Money     `json:"amount"`
	DecidedAt time.Time `json:"decided_at"`
	// StatusAt is when the status became what it is (a case decision, or
	// DecidedAt). Not part of the stored first answer.
	StatusAt time.Time `json:"status_at,omitzero"`
}

// Case is a possible hit held for an analyst.
type Case struct {
	ID           int64      `json:"id"`
	Reference    string     `json:"reference"`
	Party        int        `json:"party"`
	Counterparty string     `json:"counterparty"`   // the party's key, for remembering false positives
	Name         string     `json:"name,omitempty"` // the party's name (or wallet, or identifiers) as screened
	Holder       string     `json:"holder"`         // where the funds are held if the hit is confirmed
	EntityID     string     `json:"entity_id"`
	Score        float64    `json:"score"`
	Status       CaseStatus `json:"status"`
	Outcome      string     `json:"outcome,omitempty"` // blocked or rejected once confirmed
	Reason       string     `json:"reason,omitempty"`
	DecidedBy    string     `json:"decided_by,omitempty"`
	DecidedAt    *time.Time `json:"decided_at,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	// ReviewFlag, when set, says why the case needs another look while it
	// stays open ("party delisted by designation 7"): its party left the
	// list after it was opened, and nothing was closed or released.
	ReviewFlag string `json:"review_flag,omitempty"`

	// Case work (see casework.go).
	Source     string     `json:"source,omitempty"`      // payment or customer
	List       string     `json:"list,omitempty"`        // the listed party's list
	Programs   []string   `json:"programs,omitempty"`    // the listed party's programs when the case was opened
	ListedName string     `json:"listed_name,omitempty"` // the listed party's name when the case was opened
	Assignee   string     `json:"assignee,omitempty"`
	AssignedAt *time.Time `json:"assigned_at,omitempty"`
	// ClearedBy, ClearReason and ClearedAt record a first analyst's
	// clearing that waits for a second review (status pending_review), or
	// that a second person approved.
	ClearedBy   string     `json:"cleared_by,omitempty"`
	ClearReason string     `json:"clear_reason,omitempty"`
	ClearedAt   *time.Time `json:"cleared_at,omitempty"`
	// Due is when the case should be decided, by the policy's deadline in
	// business days; Overdue if that has passed and it is undecided.
	Due     *time.Time `json:"due,omitempty"`
	Overdue bool       `json:"overdue,omitempty"`
}

// LedgerEntry is one line of the blocked-property ledger. The ledger is
// append-only: blockings add, releases are new entries with negative
// amounts; balances are sums.
type LedgerEntry struct {
	Seq       int64      `json:"seq"`
	Kind      LedgerKind `json:"kind"`
	Holder    string     `json:"holder"` // the account where the property is held
	EntityID  string     `json:"entity_id"`
	Program   string     `json:"program"`
	Amount    Money      `json:"amount"` // negative for releases
	Reference string     `json:"reference"`
	Hit       string     `json:"hit,omitempty"` // what caused a blocking
	Licence   string     `json:"licence,omitempty"`
	Time      time.Time  `json:"time"`
	Actor     string     `json:"actor"`
}

// Balance is what is blocked for one holder, party and currency.
type Balance struct {
	Holder   string `json:"holder"`
	EntityID string `json:"entity_id"`
	Amount   Money  `json:"amount"`
}

// Licence authorises releasing blocked property: general (any party under
// its programs) or specific (named parties).
type Licence struct {
	Number   string     `json:"number"`
	Issuer   string     `json:"issuer"`
	Kind     string     `json:"kind"` // general or specific
	Programs []string   `json:"programs,omitempty"`
	Entities []string   `json:"entities,omitempty"`
	Expires  *time.Time `json:"expires,omitempty"`
	Created  time.Time  `json:"created"`
}

// Customer is a client of the institution in the customer register. It is
// screened at onboarding with the same policy, decisions and review queue
// as payments: a blocked or rejected customer is not to be onboarded, a
// held one waits for an analyst.
type Customer struct {
	ID        string `json:"id"` // the institution's customer number
	Schema    Schema `json:"schema,omitempty"`
	Name      string `json:"name"`
	Country   string `json:"country,omitempty"`
	BirthDate string `json:"birth_date,omitempty"`
	// Address is the customer's postal address on one line: it
	// corroborates a name match as a payment party's does.
	Address     string   `json:"address,omitempty"`
	Account     string   `json:"account,omitempty"`
	Wallet      string   `json:"wallet,omitempty"`
	Identifiers []string `json:"identifiers,omitempty"`
	// IP, Domain and Email are screened against active indicators of
	// intelligence, as a payment party's are.
	IP     string `json:"ip,omitempty"`
	Domain string `json:"domain,omitempty"`
	Email  string `json:"email,omitempty"`

	// Set by Warden.
	Decision    string    `json:"decision,omitempty"` // at onboarding
	Status      string    `json:"status,omitempty"`   // now (cases may have resolved a hold)
	Hits        []TxHit   `json:"hits,omitempty"`
	Cases       []int64   `json:"cases,omitempty"`
	OnboardedAt time.Time `json:"onboarded_at,omitzero"`
	OnboardedBy string    `json:"onboarded_by,omitempty"`
	// RescreenedAt is when screening the customer again, after the lists
	// changed, found the hits shown (and changed its status).
	RescreenedAt time.Time `json:"rescreened_at,omitzero"`
}

// CustomerReference is the reference under which a customer's onboarding
// decision and cases are kept, beside payments'.
func CustomerReference(id string) string { return "customer:" + id }

// LedgerFilter selects ledger entries; zero fields do not filter. After
// and Limit page through them in sequence order.
type LedgerFilter struct {
	EntityID, Holder, Currency, Reference string
	After                                 int64
	Limit                                 int
}

// ReleaseBasis is what a release of blocked property is checked against,
// as one transaction sees it: the licence, the programs under which the
// holder's property of the party was blocked, and the balance in the
// release's currency.
type ReleaseBasis struct {
	Licence  Licence
	Programs []string
	Balance  Money
}

// PendingCase is a case to open with a payment or customer, with what
// identifies the listing it was opened against (its content hash, so a
// false positive cleared on it lapses when the listing changes) and the
// listing's programs (which decide what confirming it does).
type PendingCase struct {
	Case       Case
	EntityHash string
	Programs   []string
	// Screened is the party as it was screened (its birth date, country,
	// identifiers), shown beside the listed party's on the case.
	Screened TxParty
}

// FalsePositive is a cleared pair of counterparty and listed party, as
// listed (EntityHash): screening does not stop that counterparty for that
// listing again until Expires.
type FalsePositive struct {
	Counterparty string
	EntityID     string
	EntityHash   string
	Expires      time.Time
}

// CustomerFilter selects customers of the register: by status now, and a
// page of them in id order after After.
type CustomerFilter struct {
	Status string
	After  string
	Limit  int
}

// Rescreen records one re-screening of the customer register (a run), so
// that it runs once per set of list versions across nodes: the first node
// to see the versions claims the run, splits the register into parts and
// hands them to the job queue; Customers and Changed are the full counts
// once every part is done.
type Rescreen struct {
	Versions  string    `json:"versions"`  // the run's key: the list versions it screened against, and what else decides (intelligence, policy)
	Customers int       `json:"customers"` // cleared customers screened, in the parts done
	Changed   int       `json:"changed"`   // of them, now held, blocked or rejected
	At        time.Time `json:"at"`        // when it was claimed, and when it was done once done
	Actor     string    `json:"actor"`
	// State is RescreenClaimed, RescreenPlanned, RescreenQueued or
	// RescreenDone.
	State string `json:"state"`
	// Mode is RescreenFull (every cleared customer gets the full
	// decision) or RescreenDelta (only those resembling a party added or
	// changed since Base gets it).
	Mode      string         `json:"mode"`
	Base      string         `json:"base,omitempty"`    // the run a delta run is measured from
	Lists     map[string]int `json:"lists,omitempty"`   // the list versions, by list
	Basis     string         `json:"basis,omitempty"`   // the rest of the key: intelligence and policy generations
	Parties   int            `json:"parties,omitempty"` // parties added or changed that a delta run screens against
	Delisted  int            `json:"delisted,omitempty"`
	Decided   int            `json:"decided"` // customers given the full decision
	Total     int            `json:"total"`   // cleared customers when the run was planned
	Parts     int            `json:"parts"`
	PartsDone int            `json:"parts_done"`
	Started   time.Time      `json:"started"`
	Finished  time.Time      `json:"finished,omitzero"`
	// LeaseUntil is when the claim of a run not yet queued lapses unless
	// its node renews it.
	LeaseUntil time.Time `json:"lease_until,omitzero"`
}

// The states of a re-screening run.
const (
	RescreenClaimed = "claimed" // a node has it and is planning it
	RescreenPlanned = "planned" // its parts are set; a node works them itself
	RescreenQueued  = "queued"  // its parts are jobs of the queue, for any node
	RescreenDone    = "done"    // every part is done: the counts are full
)

// The modes of a re-screening run.
const (
	RescreenFull  = "full"
	RescreenDelta = "delta"
)

// Stake is one recorded ownership, for the 50% rule: Owner ("entity:<id>"
// for a listed party, "company:<key>" for a company) holds Percent of the
// company Owned (a normalised name; OwnedName as given), in hundredths of a
// percent so that shares add up exactly.
type Stake struct {
	Owner      string    `json:"owner"`
	Owned      string    `json:"owned"`
	OwnedName  string    `json:"owned_name"`
	Percent    Percent   `json:"percent"`
	RecordedBy string    `json:"recorded_by"`
	RecordedAt time.Time `json:"recorded_at"`
}
