package warden

import "time"

// CasePendingReview is a case whose hit a first analyst cleared while its
// score is above the second-review score: it stays in the queue, its
// payment stays held, until a second person approves the clearing (it is
// then cleared) or sends it back (it is open again).
const CasePendingReview CaseStatus = "pending_review"

// CaseStatuses are every status a case can have, in the order a queue
// offers them.
var CaseStatuses = []CaseStatus{CaseOpen, CasePendingReview, CaseConfirmed, CaseCleared}

// Undecided reports whether a case in status s still waits for someone:
// open, or pending a second review.
func (s CaseStatus) Undecided() bool { return s == CaseOpen || s == CasePendingReview }

// Case sources: what screening opened the case.
const (
	CaseSourcePayment  = "payment"
	CaseSourceCustomer = "customer"
)

// Case sort orders, for CaseFilter.Sort.
const (
	CaseSortOldest    = "oldest"     // opened first (the default: the oldest work first)
	CaseSortNewest    = "newest"     // opened last first
	CaseSortScoreDesc = "score_desc" // highest score first
	CaseSortScoreAsc  = "score_asc"  // lowest score first
	CaseSortReference = "reference"  // by payment or customer reference
	CaseSortID        = "id"         // by case number, for paging with After (exports)
)

// CaseSorts are the sort orders a queue accepts.
var CaseSorts = []string{CaseSortOldest, CaseSortNewest, CaseSortScoreDesc, CaseSortScoreAsc, CaseSortReference, CaseSortID}

// CaseFilter selects cases of the review queue. Zero fields do not
// filter: only the conditions set become part of the query.
type CaseFilter struct {
	Statuses   []CaseStatus // any of these
	List       string       // the list of the listed party (ofac, un, ...)
	Program    string       // a program the listed party is under
	MinScore   float64      // score at least this (0: no bound)
	MaxScore   float64      // score at most this (0: no bound)
	Assignee   string       // assigned to this person
	Unassigned bool         // assigned to nobody
	Source     string       // CaseSourcePayment or CaseSourceCustomer
	// OpenedBefore and OpenedAfter bound when the case was opened: the
	// ageing filters (older than n days, overdue against the deadline).
	OpenedBefore time.Time
	OpenedAfter  time.Time
	// Search finds a word in the screened name, the reference, the listed
	// party's id or its name (case-insensitive, anywhere in them).
	Search string
	Sort   string // one of CaseSorts; CaseSortOldest if empty
	Offset int    // cases to skip (pages of the queue)
	After  int64  // with CaseSortID: cases numbered above this
	Limit  int
}

// CaseList is a page of cases and how many the filter selects in all.
type CaseList struct {
	Cases []Case `json:"cases"`
	Total int    `json:"total"`
}

// CaseEvent is one step in a case's history: opened, assigned, claimed,
// noted, cleared pending review, approved, sent back, confirmed, cleared,
// its false positive revoked.
type CaseEvent struct {
	Seq    int64     `json:"seq"`
	Case   int64     `json:"case"`
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"`
	Detail string    `json:"detail,omitempty"`
}

// CaseNote is an analyst's note on a case.
type CaseNote struct {
	ID      int64     `json:"id"`
	Case    int64     `json:"case"`
	Text    string    `json:"text"`
	AddedBy string    `json:"added_by"`
	AddedAt time.Time `json:"added_at"`
}

// CaseAttachment is a file attached to a case (a customer's passport
// scan, a bank's answer), checked for size and type as designation
// evidence is.
type CaseAttachment struct {
	ID        int64     `json:"id"`
	Case      int64     `json:"case"`
	Name      string    `json:"name"`
	MediaType string    `json:"media_type"`
	Size      int64     `json:"size"`
	SHA256    string    `json:"sha256"`
	AddedBy   string    `json:"added_by"`
	AddedAt   time.Time `json:"added_at"`
}

// GoodGuy is a remembered false positive ("good guy"): a counterparty
// cleared against a listed party as listed, which screening does not stop
// again for that listing until it expires or is revoked.
type GoodGuy struct {
	Counterparty string    `json:"counterparty"`
	EntityID     string    `json:"entity_id"`
	Case         int64     `json:"case"`
	Name         string    `json:"name"` // the screened name of the case that cleared it
	ListedName   string    `json:"listed_name,omitempty"`
	ClearedBy    string    `json:"cleared_by"`
	Reason       string    `json:"reason,omitempty"`
	Expires      time.Time `json:"expires"`
}

// GoodGuyFilter selects remembered false positives: a search in the
// counterparty, the listed party or the name, and a page.
type GoodGuyFilter struct {
	Search string
	Offset int
	Limit  int
}
