package warden

import (
	"fmt"
	"time"
)

// Cooperation: requests for information and assistance about malicious
// cyber activity between the authority and a counterpart, each a
// structured object with a clock. The fields follow the Council of
// Europe T-CY standard request forms (2018).

// RequestType is what a request asks for.
type RequestType string

// Request types.
const (
	RequestPreservation RequestType = "preservation" // preserve stored data (at least 60 days)
	RequestDisclosure   RequestType = "disclosure"   // disclose subscriber or traffic data
	RequestInformation  RequestType = "information"  // information about an incident or actor
	RequestAssistance   RequestType = "assistance"   // assistance in an investigation
	RequestMitigation   RequestType = "mitigation"   // stop activity from the requested side's territory
	RequestFollowUp     RequestType = "follow_up"    // follow-up on a prosecution or an earlier request
)

// RequestTypes lists the request types, in the order forms show them.
var RequestTypes = []RequestType{RequestPreservation, RequestDisclosure, RequestInformation, RequestAssistance, RequestMitigation, RequestFollowUp}

// Valid reports whether t is one of RequestTypes.
func (t RequestType) Valid() bool { return oneOf(t, RequestTypes) }

// RequestKind is the form's "status of the request": a new one, the
// extension of an earlier preservation, or a follow-up of an earlier
// reference (Earlier names it).
type RequestKind string

// Request kinds.
const (
	KindNew       RequestKind = "new"
	KindExtension RequestKind = "extension"
	KindFollowUp  RequestKind = "follow_up"
)

// RequestKinds lists the request kinds.
var RequestKinds = []RequestKind{KindNew, KindExtension, KindFollowUp}

// Valid reports whether k is one of RequestKinds.
func (k RequestKind) Valid() bool { return oneOf(k, RequestKinds) }

// RequestStatus is where a request stands. The lifecycle is draft → sent
// → acknowledged → in_progress → answered → reviewed → closed; a request
// may also end refused (by the requested side), withdrawn (by the
// requester, before it is answered in full) or lapsed (the requester
// lets an overdue request go).
type RequestStatus string

// Request statuses.
const (
	RequestDraft        RequestStatus = "draft"
	RequestSent         RequestStatus = "sent"
	RequestAcknowledged RequestStatus = "acknowledged"
	RequestInProgress   RequestStatus = "in_progress"
	RequestAnswered     RequestStatus = "answered" // Answer says partial or full
	RequestReviewed     RequestStatus = "reviewed"
	RequestClosed       RequestStatus = "closed"
	RequestRefused      RequestStatus = "refused"
	RequestWithdrawn    RequestStatus = "withdrawn"
	RequestLapsed       RequestStatus = "lapsed"
)

// RequestStatuses lists the statuses in lifecycle order.
var RequestStatuses = []RequestStatus{RequestDraft, RequestSent, RequestAcknowledged, RequestInProgress, RequestAnswered,
	RequestReviewed, RequestClosed, RequestRefused, RequestWithdrawn, RequestLapsed}

// Valid reports whether s is one of RequestStatuses.
func (s RequestStatus) Valid() bool { return oneOf(s, RequestStatuses) }

// Open reports whether a request in status s is still waiting on someone
// (sent and not yet answered in full, refused, withdrawn, lapsed or
// closed): what the deadline sweep watches and scorecards count as open.
func (s RequestStatus) Open() bool {
	return s == RequestSent || s == RequestAcknowledged || s == RequestInProgress
}

// AwaitsAnswer reports whether r still waits for its answer: open, or
// answered in part only, rated or not. Rating a partial answer does not
// end the wait, nor stop the answer's deadline; a full answer, closing,
// withdrawing or letting it lapse does.
func (r *Request) AwaitsAnswer() bool {
	return r.Status.Open() || (r.Status == RequestAnswered || r.Status == RequestReviewed) && r.Answer == AnswerPartial
}

// Priority sets a request's two deadlines from the priority table.
type Priority string

// Priorities.
const (
	PriorityEmergency Priority = "emergency"
	PriorityUrgent    Priority = "urgent"
	PriorityRoutine   Priority = "routine"
)

// Priorities lists the priorities, most pressing first.
var Priorities = []Priority{PriorityEmergency, PriorityUrgent, PriorityRoutine}

// Valid reports whether p is one of Priorities.
func (p Priority) Valid() bool { return oneOf(p, Priorities) }

// Direction says which side asks: outgoing requests are the authority's
// to a counterpart, incoming ones a counterpart's to the authority. Both
// are measured by the same clock.
type Direction string

// Directions.
const (
	Outgoing Direction = "outgoing"
	Incoming Direction = "incoming"
)

// SpanUnit is how a deadline span counts time.
type SpanUnit string

// Span units. Clock hours and calendar days run through nights,
// weekends and holidays; business hours count only the requested side's
// office hours on its working days; business days end at the close of
// office hours on the n-th working day after the day of receipt.
const (
	UnitHours         SpanUnit = "hours"
	UnitBusinessHours SpanUnit = "business_hours"
	UnitDays          SpanUnit = "days"
	UnitBusinessDays  SpanUnit = "business_days"
)

// Span is a deadline's length: N units.
type Span struct {
	N    int      `json:"n"`
	Unit SpanUnit `json:"unit"`
}

// String says the span as "8 hours", "30 business_days".
func (s Span) String() string { return fmt.Sprintf("%d %s", s.N, s.Unit) }

// Check refuses a span that is not positive or has an unknown unit.
func (s Span) Check(field string) error {
	switch s.Unit {
	case UnitHours, UnitBusinessHours, UnitDays, UnitBusinessDays:
	default:
		return Errorf(EINVALID, "%s: unit %q must be hours, business_hours, days or business_days", field, s.Unit)
	}
	if s.N <= 0 || s.N > 3660 {
		return Errorf(EINVALID, "%s: %d must be between 1 and 3660", field, s.N)
	}
	return nil
}

// PriorityDeadlines is one row of the priority table: how long the
// requested side has to acknowledge and to answer in substance.
type PriorityDeadlines struct {
	Priority    Priority `json:"priority"`
	Acknowledge Span     `json:"acknowledge"`
	Answer      Span     `json:"answer"`
}

// DefaultPriorityTable is the priority table unless an administrator sets
// another: emergency 8 h / 24 h on the clock, urgent 1 / 7 business days,
// routine 3 / 30 business days.
var DefaultPriorityTable = []PriorityDeadlines{
	{PriorityEmergency, Span{8, UnitHours}, Span{24, UnitHours}},
	{PriorityUrgent, Span{1, UnitBusinessDays}, Span{7, UnitBusinessDays}},
	{PriorityRoutine, Span{3, UnitBusinessDays}, Span{30, UnitBusinessDays}},
}

// Authority is one side of a request as the form states it: who, whom
// to contact, and the time it keeps. Country (ISO 3166-1 alpha-2) and
// TimeZone (IANA) select the holiday calendar and the clock its business
// time is counted in; OfficeHours is "HH:MM-HH:MM" local time (default
// 09:00-17:00).
type Authority struct {
	Org          string `json:"org"` // the organisation's id: "home" or a counterpart's
	Name         string `json:"name"`
	Contact      string `json:"contact,omitempty"` // contact person
	Email        string `json:"email,omitempty"`
	Phone        string `json:"phone,omitempty"`
	OfficeHours  string `json:"office_hours,omitempty"`
	TimeZone     string `json:"time_zone"`
	Country      string `json:"country"`
	ReplyChannel string `json:"reply_channel,omitempty"` // portal (default), email, phone, diplomatic
}

// OrgCalendar is the business calendar an organisation keeps: its time
// zone (IANA), its country's holidays (ISO 3166-1 alpha-2) and its office
// hours ("HH:MM-HH:MM", default 09:00-17:00). Once set, the deadlines of
// every request the organisation is asked are counted in it, whatever
// the requester's form says: the side that asks does not choose the
// other side's working time. Empty fields: none is set, and the form's
// requested side is used.
type OrgCalendar struct {
	Org         string `json:"org"`
	TimeZone    string `json:"time_zone"`
	Country     string `json:"country"`
	OfficeHours string `json:"office_hours,omitempty"`
}

// Set reports whether c is set.
func (c OrgCalendar) Set() bool { return c.TimeZone != "" }

// Preservation is what a preservation request asks to keep: the
// custodian or system holding the data and for how long (at least 60
// days, Budapest Convention article 29).
type Preservation struct {
	Custodian string `json:"custodian"`
	System    string `json:"system,omitempty"`
	Days      int    `json:"days"`
}

// MinPreservationDays is the shortest preservation period a request may
// ask for.
const MinPreservationDays = 60

// RequestLink is a Warden object a request concerns: a listed party
// (entity:LIST:SOURCE_ID), a payment (tx:REFERENCE), a case, a
// designation, and, once intelligence lands, incident:, indicator:,
// actor:. Shared says whether the counterpart may see the object itself
// through the request; an unshared link is not shown to it at all.
type RequestLink struct {
	Object string `json:"object"`
	Shared bool   `json:"shared"`
}

// RequestLinkKinds are the kinds of object a request may link.
var RequestLinkKinds = []string{"entity", "tx", "case", "designation", "incident", "indicator", "actor", "report"}

// RequestParty is a person or organisation a request concerns, listed or
// not: EntityID names the listed party if there is one. A referral for
// sanctions proposes a designation of each.
type RequestParty struct {
	Name      string   `json:"name"`
	Schema    Schema   `json:"schema"` // Person or Organization
	EntityID  string   `json:"entity_id,omitempty"`
	Country   string   `json:"country,omitempty"`
	BirthDate string   `json:"birth_date,omitempty"`
	Wallets   []string `json:"wallets,omitempty"`
	Notes     string   `json:"notes,omitempty"`
}

// AnswerCompleteness says whether an answer settles the request.
type AnswerCompleteness string

// Answer completeness.
const (
	AnswerPartial AnswerCompleteness = "partial"
	AnswerFull    AnswerCompleteness = "full"
)

// RefusalReason is why the requested side refuses, from a fixed list
// (the grounds of Budapest Convention article 27(4) and practice).
type RefusalReason string

// Refusal reasons.
const (
	RefusalPoliticalOffence RefusalReason = "political_offence" // a political offence or connected with one
	RefusalSovereignty      RefusalReason = "sovereignty"       // prejudices sovereignty, security, ordre public
	RefusalNoDualCrime      RefusalReason = "no_dual_criminality"
	RefusalInsufficient     RefusalReason = "insufficient_information"
	RefusalNoData           RefusalReason = "no_data" // the data does not exist or is no longer held
	RefusalOutOfScope       RefusalReason = "out_of_scope"
	RefusalOther            RefusalReason = "other" // the text says why
)

// RefusalReasons lists the refusal reasons.
var RefusalReasons = []RefusalReason{RefusalPoliticalOffence, RefusalSovereignty, RefusalNoDualCrime, RefusalInsufficient, RefusalNoData, RefusalOutOfScope, RefusalOther}

// Valid reports whether r is one of RefusalReasons.
func (r RefusalReason) Valid() bool { return oneOf(r, RefusalReasons) }

// Request is one request for information or assistance, with its clock.
// The server stamps every time in it; deadlines are computed in the
// requested side's business time.
type Request struct {
	ID        int64         `json:"id"`
	Reference string        `json:"reference"` // unique; drawn if not given
	Kind      RequestKind   `json:"kind"`
	Earlier   string        `json:"earlier,omitempty"` // the earlier reference an extension or follow-up continues
	Type      RequestType   `json:"type"`
	Status    RequestStatus `json:"status"`
	Direction Direction     `json:"direction"`
	// Counterpart is the counterpart organisation: the requested side of
	// an outgoing request, the requesting side of an incoming one.
	Counterpart string    `json:"counterpart"`
	Requesting  Authority `json:"requesting"`
	Requested   Authority `json:"requested"`

	Investigating   string         `json:"investigating_authority,omitempty"`
	CaseNumbers     []string       `json:"case_numbers,omitempty"`
	LegalBasis      string         `json:"legal_basis"`
	Facts           string         `json:"facts"`
	Offence         string         `json:"offence"`
	Sought          string         `json:"sought"` // the data or help sought
	Need            string         `json:"need"`   // why it is needed
	Preservation    *Preservation  `json:"preservation,omitempty"`
	Priority        Priority       `json:"priority"`
	Urgency         string         `json:"urgency,omitempty"` // why it is urgent (required above routine)
	Confidentiality string         `json:"confidentiality,omitempty"`
	Related         []string       `json:"related,omitempty"` // other requests' references
	Links           []RequestLink  `json:"links,omitempty"`
	Parties         []RequestParty `json:"parties,omitempty"`
	// PriorityCase puts the request on the list of priority cases a
	// dialogue reviews.
	PriorityCase bool `json:"priority_case,omitempty"`
	// DueBy is the requester's own date for the answer, if it asks for
	// one sooner than the priority table gives; never in the past.
	DueBy *time.Time `json:"due_by,omitempty"`

	// The clock, stamped by the server.
	SentAt         *time.Time `json:"sent_at,omitempty"`
	AcknowledgedAt *time.Time `json:"acknowledged_at,omitempty"`
	AnsweredAt     *time.Time `json:"answered_at,omitempty"` // the first full answer (or the partial one that ended it)
	FirstAnswerAt  *time.Time `json:"first_answer_at,omitempty"`
	ReviewedAt     *time.Time `json:"reviewed_at,omitempty"`
	ClosedAt       *time.Time `json:"closed_at,omitempty"` // closed, refused, withdrawn or lapsed
	// Deadlines: AckDue and AnswerDue as they stand (a granted extension
	// moves AnswerDue), the Original ones as first set when it was sent.
	AckDue            *time.Time `json:"ack_due,omitempty"`
	AnswerDue         *time.Time `json:"answer_due,omitempty"`
	AnswerDueOriginal *time.Time `json:"answer_due_original,omitempty"`
	// CalendarNote warns that the deadlines reach beyond the years whose
	// public holidays the requested side's calendar knows ("CN public
	// holidays are known through 2027: days after it count weekends
	// only"): set when they are, at sending or by an extension.
	CalendarNote  string             `json:"calendar_note,omitempty"`
	Answer        AnswerCompleteness `json:"answer,omitempty"`
	RefusalReason RefusalReason      `json:"refusal_reason,omitempty"`
	RefusalText   string             `json:"refusal_text,omitempty"`
	// AckBusinessSecs and AnswerBusinessSecs are the requested side's
	// business time, in seconds, from sending to the acknowledgement and
	// to AnsweredAt, as its calendar counted them then (a closure added
	// later does not change them); nil until that moment has come.
	AckBusinessSecs    *int64 `json:"ack_business_secs,omitempty"`
	AnswerBusinessSecs *int64 `json:"answer_business_secs,omitempty"`

	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Requester is the organisation that asks: home for an outgoing request,
// the counterpart for an incoming one.
func (r *Request) Requester() string {
	if r.Direction == Incoming {
		return r.Counterpart
	}
	return HomeOrg
}

// Responder is the organisation that must answer.
func (r *Request) Responder() string {
	if r.Direction == Incoming {
		return HomeOrg
	}
	return r.Counterpart
}

// MessageKind is what a message in a request's thread is.
type MessageKind string

// Message kinds. An answer carries its completeness; the others are
// conversation.
const (
	MessageQuestion MessageKind = "question"
	MessageAnswer   MessageKind = "answer"
	MessageUpdate   MessageKind = "update"
	MessageNote     MessageKind = "note" // a remark for the thread
)

// RequestMessage is one message in a request's thread, with its
// attachments.
type RequestMessage struct {
	ID          int64              `json:"id"`
	Request     int64              `json:"request"`
	Kind        MessageKind        `json:"kind"`
	Answer      AnswerCompleteness `json:"answer,omitempty"` // for an answer: partial or full
	Body        string             `json:"body"`
	Author      string             `json:"author"`
	Org         string             `json:"org"`
	Attachments []Attachment       `json:"attachments"`
	CreatedAt   time.Time          `json:"created_at"`
}

// Attachment is a file attached to a request's message, as stored: type
// checked by content, size-limited, with its SHA-256.
type Attachment struct {
	ID        int64     `json:"id"`
	Message   int64     `json:"message"`
	Name      string    `json:"name"`
	MediaType string    `json:"media_type"`
	Size      int64     `json:"size"`
	SHA256    string    `json:"sha256"`
	AddedBy   string    `json:"added_by"`
	AddedAt   time.Time `json:"added_at"`
}

// ExtensionStatus is where an asked extension stands.
type ExtensionStatus string

// Extension statuses.
const (
	ExtensionAsked   ExtensionStatus = "asked"
	ExtensionGranted ExtensionStatus = "granted"
	ExtensionRefused ExtensionStatus = "refused"
)

// Extension is the requested side's ask for more time to answer, and the
// requester's decision. A granted one moves the request's AnswerDue;
// AnswerDueOriginal keeps the first.
type Extension struct {
	ID        int64           `json:"id"`
	Request   int64           `json:"request"`
	Until     time.Time       `json:"until"`
	Reason    string          `json:"reason"`
	Status    ExtensionStatus `json:"status"`
	AskedBy   string          `json:"asked_by"`
	AskedAt   time.Time       `json:"asked_at"`
	DecidedBy string          `json:"decided_by,omitempty"`
	DecidedAt *time.Time      `json:"decided_at,omitempty"`
	Decision  string          `json:"decision,omitempty"`
}

// Use is how the requester used what an answer gave it.
type Use string

// Uses.
const (
	UseArrest      Use = "arrest"
	UseIndictment  Use = "indictment"
	UseTakedown    Use = "takedown"
	UseDesignation Use = "designation"
	UseOther       Use = "other"
	UseNone        Use = "no_use"
)

// Uses lists the uses.
var Uses = []Use{UseArrest, UseIndictment, UseTakedown, UseDesignation, UseOther, UseNone}

// Valid reports whether u is one of Uses.
func (u Use) Valid() bool { return oneOf(u, Uses) }

// Rubric is the quality of an answer on the four criteria, each 1 to 5.
type Rubric struct {
	Completeness  int `json:"completeness"`
	Accuracy      int `json:"accuracy"`
	Actionability int `json:"actionability"`
	Updates       int `json:"updates"` // timeliness of updates
}

// Check refuses a rubric with a score outside 1..5, naming the field.
func (r Rubric) Check() error {
	for _, c := range []struct {
		name string
		v    int
	}{{"completeness", r.Completeness}, {"accuracy", r.Accuracy}, {"actionability", r.Actionability}, {"updates", r.Updates}} {
		if c.v < 1 || c.v > 5 {
			return Errorf(EINVALID, "rubric.%s: %d must be 1 to 5", c.name, c.v)
		}
	}
	return nil
}

// Mean is the average of the four scores.
func (r Rubric) Mean() float64 {
	return float64(r.Completeness+r.Accuracy+r.Actionability+r.Updates) / 4
}

// Review is the requester's rating of an answer, and the counterpart's
// response to it.
type Review struct {
	ID          int64      `json:"id"`
	Request     int64      `json:"request"`
	Message     int64      `json:"message"` // the answer rated
	Rubric      Rubric     `json:"rubric"`
	Comments    string     `json:"comments,omitempty"`
	Use         Use        `json:"use"`
	By          string     `json:"by"`
	At          time.Time  `json:"at"`
	Response    string     `json:"response,omitempty"`
	RespondedBy string     `json:"responded_by,omitempty"`
	RespondedAt *time.Time `json:"responded_at,omitempty"`
}

// ReferralGround is why a request is referred for sanctions.
type ReferralGround string

// Referral grounds.
const (
	ReferralOverdue ReferralGround = "overdue"     // overdue past the configured threshold
	ReferralQuality ReferralGround = "low_quality" // an answer rated below the threshold
)

// Referral is a request referred for sanctions: the designation
// proposals it opened for the parties the request concerns, with the
// request, its thread and its timeline attached as evidence.
type Referral struct {
	ID           int64          `json:"id"`
	Request      int64          `json:"request"`
	Ground       ReferralGround `json:"ground"`
	Reason       string         `json:"reason"`
	Designations []int64        `json:"designations"`
	By           string         `json:"by"`
	At           time.Time      `json:"at"`
}

// Closure is a day an organisation does not work besides its country's
// public holidays (an office move, a local holiday), in its own time
// zone. It counts for the requests sent after AddedAt, and only for
// them: a side closing a day once a request was sent would move its
// deadlines and shorten the time it is measured to have taken.
type Closure struct {
	Org     string    `json:"org"`
	Date    string    `json:"date"` // YYYY-MM-DD
	Reason  string    `json:"reason,omitempty"`
	AddedAt time.Time `json:"added_at"`
}

// Request domain events (see DomainEvent), on object "request:ID", with
// a RequestEvent payload. The hotline's triggers take the deadline ones;
// people may subscribe to request.message.
const (
	EventRequestSent             = "request.sent"
	EventRequestAcknowledged     = "request.acknowledged"
	EventRequestInProgress       = "request.in_progress"
	EventRequestMessage          = "request.message"
	EventRequestAnswered         = "request.answered"
	EventRequestReviewed         = "request.reviewed"
	EventRequestClosed           = "request.closed"
	EventRequestRefused          = "request.refused"
	EventRequestWithdrawn        = "request.withdrawn"
	EventRequestLapsed           = "request.lapsed"
	EventRequestExtensionAsked   = "request.extension_asked"
	EventRequestExtensionDecided = "request.extension_decided"
	EventRequestDeadlineNear     = "request.deadline_approaching"
	EventRequestDeadlineMissed   = "request.deadline_missed"
	EventRequestReferred         = "request.referred"
	EventRequestReviewResponded  = "request.review_responded"
)

// RequestEvent is the payload of the request.* events.
type RequestEvent struct {
	Reference   string        `json:"reference"`
	Counterpart string        `json:"counterpart"`
	Direction   Direction     `json:"direction"`
	Priority    Priority      `json:"priority"`
	Status      RequestStatus `json:"status"`
	// Deadline is "acknowledge" or "answer" for the deadline events, with
	// Due the deadline.
	Deadline string     `json:"deadline,omitempty"`
	Due      *time.Time `json:"due,omitempty"`
}

// oneOf reports whether v is in vs.
func oneOf[T comparable](v T, vs []T) bool {
	for _, x := range vs {
		if v == x {
			return true
		}
	}
	return false
}

// Dialogue is a meeting of the regular high-level dialogue with a
// counterpart: a scorecard may run from the last one.
type Dialogue struct {
	ID      int64     `json:"id"`
	Org     string    `json:"org"`
	HeldOn  string    `json:"held_on"` // YYYY-MM-DD
	Notes   string    `json:"notes,omitempty"`
	AddedBy string    `json:"added_by"`
	AddedAt time.Time `json:"added_at"`
}

// ReferralThresholds say when a request may be referred for sanctions:
// overdue (its answer deadline, as extended) by more than OverdueDays
// calendar days, or an answer rated below MinQuality (the rubric's mean).
type ReferralThresholds struct {
	OverdueDays int     `json:"overdue_days"`
	MinQuality  float64 `json:"min_quality"`
}

// DefaultReferralThresholds: 30 days overdue, or a mean rating under 2.
var DefaultReferralThresholds = ReferralThresholds{OverdueDays: 30, MinQuality: 2}

// Scorecard is the status report a dialogue reviews: how a counterpart
// answered the authority's requests (Outgoing) and how the authority
// answered the counterpart's (Incoming), for requests sent in [From, To).
type Scorecard struct {
	Org      string        `json:"org"`
	From     time.Time     `json:"from"`
	To       time.Time     `json:"to"`
	Outgoing ScorecardSide `json:"outgoing"`
	Incoming ScorecardSide `json:"incoming"`
	// PriorityCases are the requests marked priority cases, of either
	// direction, sent in the period or still open, with their status.
	PriorityCases []ScorecardCase `json:"priority_cases"`
	// Generated is when the figures were computed: those that depend on
	// the clock (open, overdue, deadlines passed) are as of then.
	Generated time.Time `json:"generated"`
}

// ScorecardSide is one direction's figures. Percentages are of the
// requests whose deadline has passed or that met it; times are in hours.
type ScorecardSide struct {
	Requests int `json:"requests"`
	// AckDue, AnswerDue and AnswerDueOriginal count the requests each
	// deadline was due for (met, or passed while the request was live):
	// the denominators of the percentages, so that a reader tells "none
	// on time" from "none due" (a percentage of 0 due is shown as n/a).
	AckDue            int     `json:"ack_due"`
	AnswerDue         int     `json:"answer_due"`
	AnswerDueOriginal int     `json:"answer_due_original"`
	Acknowledged      int     `json:"acknowledged"`
	AckOnTime         int     `json:"ack_on_time"`
	AckOnTimePct      float64 `json:"ack_on_time_pct"`
	Answered          int     `json:"answered"`
	AnswerOnTime      int     `json:"answer_on_time"`     // against the deadline as extended
	AnswerOnTimePct   float64 `json:"answer_on_time_pct"` // against the deadline as extended
	// AnswerOnTimeOriginal counts answers by the deadline first set,
	// ignoring granted extensions.
	AnswerOnTimeOriginal    int      `json:"answer_on_time_original"`
	AnswerOnTimeOriginalPct float64  `json:"answer_on_time_original_pct"`
	AckHours                Quantile `json:"ack_hours"`
	AnswerHours             Quantile `json:"answer_hours"`
	// MissedByHours is how late the late answers were (calendar hours).
	MissedByHours     Quantile              `json:"missed_by_hours"`
	Quality           QualityAverage        `json:"quality"`
	Refusals          map[RefusalReason]int `json:"refusals"`
	Uses              map[Use]int           `json:"uses"`
	Open              int                   `json:"open"`
	Overdue           int                   `json:"overdue"`
	ExtensionsAsked   int                   `json:"extensions_asked"`
	ExtensionsGranted int                   `json:"extensions_granted"`
	ByPriority        map[Priority]int      `json:"by_priority"`
	ByStatus          map[RequestStatus]int `json:"by_status"`
}

// Quantile is the median and 90th percentile of a set of durations in
// hours, on the clock (Calendar) and in the requested side's business
// hours (Business); N is how many there were.
type Quantile struct {
	N              int     `json:"n"`
	MedianCalendar float64 `json:"median_calendar"`
	P90Calendar    float64 `json:"p90_calendar"`
	MedianBusiness float64 `json:"median_business"`
	P90Business    float64 `json:"p90_business"`
}

// QualityAverage is the mean rating per criterion over N reviews.
type QualityAverage struct {
	N             int     `json:"n"`
	Completeness  float64 `json:"completeness"`
	Accuracy      float64 `json:"accuracy"`
	Actionability float64 `json:"actionability"`
	Updates       float64 `json:"updates"`
	Overall       float64 `json:"overall"`
}

// ScorecardCase is a priority case as the status report lists it.
type ScorecardCase struct {
	ID        int64         `json:"id"`
	Reference string        `json:"reference"`
	Direction Direction     `json:"direction"`
	Type      RequestType   `json:"type"`
	Priority  Priority      `json:"priority"`
	Status    RequestStatus `json:"status"`
	SentAt    *time.Time    `json:"sent_at,omitempty"`
	AnswerDue *time.Time    `json:"answer_due,omitempty"`
	Overdue   bool          `json:"overdue"`
}
