package warden

import "time"

// Evidence of searches: every screening, whichever way it came (the
// screening page, the API, the yente-compatible /match API, the command
// line), is recorded with who asked, when, what, against which list
// versions and what came back, so that a person can later show a
// regulator or an auditor that a party was screened and what the lists
// said at that moment.

// Screening channels: how a screening came in.
const (
	ChannelUI    = "ui"    // the screening page
	ChannelAPI   = "api"   // POST /v1/screen
	ChannelBatch = "batch" // POST /v1/screen/batch
	ChannelMatch = "match" // POST /match/{dataset} (yente-compatible)
	ChannelCLI   = "cli"   // warden screen, one name or --input
)

// Screening is the record of one search, or of one batch of searches:
// a batch is one record with a summary of each of its queries.
type Screening struct {
	ID        int64     `json:"id"`
	Time      time.Time `json:"time"`
	Actor     string    `json:"actor"`
	ActorKind string    `json:"actor_kind"`
	Role      Role      `json:"role"`
	Channel   string    `json:"channel"`
	// Threshold and Limit are the options the search ran with (a batch
	// query's own options are not kept apart).
	Threshold float64 `json:"threshold"`
	Limit     int     `json:"limit"`
	// Lists are the list versions searched: those of the screening index
	// that answered. A list may appear twice, with two versions, when a
	// new version replaced the index in the middle of a batch.
	Lists []ScreenedList `json:"lists"`
	// Queries is how many queries the record holds; Items their
	// summaries, in input order (one for a single search).
	Queries int             `json:"queries"`
	Items   []ScreeningItem `json:"items"`
	// Hits is the number of hits over all the queries; Matches those at
	// or above the threshold; BestScore the best of them.
	Hits      int     `json:"hits"`
	Matches   int     `json:"matches"`
	BestScore float64 `json:"best_score"`
	// Top are the best hits over all queries, best first, with their
	// explanations: for a single search, every hit it returned.
	Top []ScreeningHit `json:"top"`
	// Digest is the SHA-256 of the record's JSON as stored (items, lists
	// and hits; a large record's before it is compressed); the audit event of the recording holds it too, so that the
	// hash-chained audit log vouches for the record.
	Digest string `json:"digest,omitempty"`
}

// ScreenedList is one list version a screening searched.
type ScreenedList struct {
	List    string `json:"list"`
	Version int    `json:"version"`
	// Date is the list's own date (List.ListDate) when the screening ran:
	// stated by the publisher or a person for this version, a later check
	// of it, or else an earlier version (DateVersion, when not this one).
	// Empty when no version of the list had one.
	Date        string `json:"date,omitempty"`
	DateVersion int    `json:"date_version,omitempty"`
	// Imported is when the version was imported; Checked when an import
	// last found the list's files unchanged since (List.LastChecked).
	Imported time.Time `json:"imported"`
	Checked  time.Time `json:"checked,omitzero"`
}

// ScreeningQuery is what was asked: the fields of a screening query.
type ScreeningQuery struct {
	Names      []string `json:"names,omitempty"`
	Schema     string   `json:"schema,omitempty"`
	BirthDates []string `json:"birth_dates,omitempty"`
	Countries  []string `json:"countries,omitempty"`
	Gender     string   `json:"gender,omitempty"`
	Wallets    []string `json:"wallets,omitempty"`
	IDs        []string `json:"ids,omitempty"`
	Lists      []string `json:"lists,omitempty"` // the lists filter; empty: every list
}

// ScreeningItem is one query of a screening and a summary of its answer.
type ScreeningItem struct {
	Pos       string         `json:"pos,omitempty"` // its place in a batch (line, queries[i], key)
	Query     ScreeningQuery `json:"query"`
	Hits      int            `json:"hits"`
	BestScore float64        `json:"best_score"`
	Match     bool           `json:"match"`
	// Best is the best hit's entity id and name, if any.
	BestID   string `json:"best_id,omitempty"`
	BestName string `json:"best_name,omitempty"`
}

// ScreeningHit is one hit kept in a screening's record.
type ScreeningHit struct {
	Item        int      `json:"item"` // the index of its query in Items
	EntityID    string   `json:"entity_id"`
	Name        string   `json:"name"`
	Schema      string   `json:"schema,omitempty"`
	Programs    []string `json:"programs,omitempty"`
	Score       float64  `json:"score"`
	Match       bool     `json:"match"`
	Explanation string   `json:"explanation"` // in words
}

// ScreeningFilter selects screening records; zero fields do not filter.
type ScreeningFilter struct {
	Actor   string
	Channel string
	Since   time.Time
	Until   time.Time
	// Name is a word of a screened name (case-insensitive, within the
	// record's summary of names).
	Name string
	// MatchesOnly keeps the records with at least one match.
	MatchesOnly bool
	// Before pages: records with ids below it, newest first.
	Before int64
	Limit  int
}

// MaxScreeningTop is the most hits a screening's record keeps in Top.
const MaxScreeningTop = 20

// Report kinds that may be marked as filed.
const (
	ReportInitial  = "initial"  // one per blocking: its subject is the payment reference
	ReportAnnual   = "annual"   // one per year: its subject is the year
	ReportRejected = "rejected" // one per rejected payment: its subject is the payment reference
)

// ReportFiling records that a person filed a report with the regulator:
// which (Kind and Subject), who, when, and the regulator's reference.
type ReportFiling struct {
	Kind      string    `json:"kind"`
	Subject   string    `json:"subject"`
	Reference string    `json:"reference"`
	Note      string    `json:"note,omitempty"`
	FiledBy   string    `json:"filed_by"`
	FiledAt   time.Time `json:"filed_at"`
}
