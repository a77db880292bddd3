package enforcement

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"warden"
	"warden/designation"
)

// CaseOptions set how the review queue works.
type CaseOptions struct {
	// CaseDeadlineDays is how many business days (weekends and the
	// policy's holidays skipped) after the day it was opened a case may
	// wait for its decision: it is overdue at the end of the last one.
	// Default 5; the policy in force may set it.
	CaseDeadlineDays int `json:"case_deadline_days"`
	// SecondReviewAbove: clearing a hit on a listed party that scores
	// above this needs a second person (the case is pending review until
	// then). Default 0.9; 1 or more turns second reviews off.
	SecondReviewAbove float64 `json:"second_review_above"`
	// MaxAttachment is the largest file attached to a case, in bytes.
	MaxAttachment int64 `json:"max_attachment"`
}

// DefaultCaseOptions: 5 business days to decide, a second person to clear
// a hit scoring above 0.9, attachments up to 10 MiB.
var DefaultCaseOptions = CaseOptions{CaseDeadlineDays: 5, SecondReviewAbove: 0.9, MaxAttachment: designation.DefaultMaxEvidence}

// MaxBulk is the most cases one bulk action takes.
const MaxBulk = 500

// MaxNote is the longest note, in characters.
const MaxNote = 4000

// caseObject is a case's audit object.
func caseObject(id int64) string { return "case:" + strconv.FormatInt(id, 10) }

// person is who p is for four eyes and assignment: the person behind it,
// or its own name for a token acting for nobody known.
func person(p warden.Principal) string {
	if n := p.PersonName(); n != "" {
		return n
	}
	return p.Name
}

// caseRules are the rules of ageing cases: the public holidays of the
// policy in force, as a set, and the business days a case may wait — the
// stored policy's case_deadline_days once an installation has one
// (docs/policy.md), else Casework's.
func (s *Service) caseRules(ctx context.Context) (map[string]bool, int, error) {
	pol, err := s.policy(ctx)
	if err != nil {
		return nil, 0, err
	}
	h := make(map[string]bool, len(pol.Holidays))
	for _, d := range pol.Holidays {
		h[d] = true
	}
	days := s.Casework.CaseDeadlineDays
	if pol != &s.Policy {
		days = pol.CaseDeadlineDays
	}
	return h, days, nil
}

// caseDue is when a case opened at opened is overdue: at the end of the
// n-th business day after the day it was opened (UTC), so that a case
// opened later is never due earlier.
func caseDue(opened time.Time, n int, hol map[string]bool) time.Time {
	o := opened.UTC()
	day := time.Date(o.Year(), o.Month(), o.Day(), 0, 0, 0, 0, time.UTC)
	return AddBusinessDays(day, n, hol).AddDate(0, 0, 1)
}

// ageCase sets c's deadline and whether it is overdue at now.
func (s *Service) ageCase(c *warden.Case, hol map[string]bool, days int, now time.Time) {
	due := caseDue(c.CreatedAt, days, hol)
	c.Due = &due
	c.Overdue = c.Status.Undecided() && !now.Before(due)
}

// overdueBefore is the time before which a case opened is overdue at now:
// the start of the day after the last day whose cases are due by now
// (caseDue never goes back as the day of opening goes forward).
func overdueBefore(now time.Time, n int, hol map[string]bool) time.Time {
	now = now.UTC()
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	for range 4*n + 60 {
		if !now.Before(caseDue(day, n, hol)) {
			break
		}
		day = day.AddDate(0, 0, -1)
	}
	return day.AddDate(0, 0, 1)
}

// CaseQuery is a queue's filter as a person gives it: CaseFilter's fields
// plus the ageing ones, which FindCases turns into times.
type CaseQuery struct {
	warden.CaseFilter
	OlderThanDays int  // opened more than this many days ago
	Overdue       bool // past the deadline, undecided
	Mine          bool // assigned to the caller
}

// FindCases returns a page of the review queue, each case with its
// deadline. A query without statuses shows what waits (open and pending
// review); the page is 1 to 1000 cases (50 if not set).
func (s *Service) FindCases(ctx context.Context, q CaseQuery) (warden.CaseList, error) {
	p, err := warden.Authorize(ctx, warden.ActCasesRead)
	if err != nil {
		return warden.CaseList{}, err
	}
	f := q.CaseFilter
	for _, st := range f.Statuses {
		if !slices.Contains(warden.CaseStatuses, st) {
			return warden.CaseList{}, warden.Errorf(warden.EINVALID, "status must be open, pending_review, confirmed or cleared, not %q", st)
		}
	}
	if f.Source != "" && f.Source != warden.CaseSourcePayment && f.Source != warden.CaseSourceCustomer {
		return warden.CaseList{}, warden.Errorf(warden.EINVALID, "source must be payment or customer")
	}
	if f.MinScore < 0 || f.MinScore > 1 || f.MaxScore < 0 || f.MaxScore > 1 || f.MaxScore > 0 && f.MaxScore < f.MinScore {
		return warden.CaseList{}, warden.Errorf(warden.EINVALID, "scores are between 0 and 1, the lowest first")
	}
	if f.Sort != "" && !slices.Contains(warden.CaseSorts, f.Sort) {
		return warden.CaseList{}, warden.Errorf(warden.EINVALID, "sort must be one of %s", strings.Join(warden.CaseSorts, ", "))
	}
	if f.Offset < 0 || q.OlderThanDays < 0 {
		return warden.CaseList{}, warden.Errorf(warden.EINVALID, "offset and age are not negative")
	}
	for _, v := range []struct{ name, v string }{{"list", f.List}, {"program", f.Program}, {"assignee", f.Assignee}, {"q", f.Search}} {
		if err := warden.CheckText(warden.TextName, v.name, v.v, MaxText); err != nil {
			return warden.CaseList{}, err
		}
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Limit = min(f.Limit, 1000)
	now := s.now().UTC()
	hol, days, err := s.caseRules(ctx)
	if err != nil {
		return warden.CaseList{}, err
	}
	if q.Mine {
		f.Assignee = person(p)
	}
	if q.OlderThanDays > 0 {
		f.OpenedBefore = now.AddDate(0, 0, -q.OlderThanDays)
	}
	if len(f.Statuses) == 0 {
		f.Statuses = []warden.CaseStatus{warden.CaseOpen, warden.CasePendingReview}
	}
	if q.Overdue {
		cut := overdueBefore(now, days, hol)
		if f.OpenedBefore.IsZero() || cut.Before(f.OpenedBefore) {
			f.OpenedBefore = cut
		}
		f.Statuses = slices.DeleteFunc(slices.Clone(f.Statuses), func(st warden.CaseStatus) bool { return !st.Undecided() })
		if len(f.Statuses) == 0 {
			return warden.CaseList{Cases: []warden.Case{}}, nil // decided cases are never overdue
		}
	}
	list, err := s.DB.FindCases(ctx, f)
	if err != nil {
		return list, err
	}
	for i := range list.Cases {
		s.ageCase(&list.Cases[i], hol, days, now)
	}
	return list, nil
}

// CaseFile is a case with everything an analyst decides it on.
type CaseFile struct {
	warden.Case
	// Screened is the party as screened (name, birth date, country,
	// identifiers), to set beside the listed party's.
	Screened warden.TxParty `json:"screened"`
	// Hit is the payment's or customer's hit the case was opened for,
	// with its explanation.
	Hit         *warden.TxHit           `json:"hit,omitempty"`
	Amount      warden.Money            `json:"amount"`
	Notes       []warden.CaseNote       `json:"notes"`
	Attachments []warden.CaseAttachment `json:"attachments"`
	History     []warden.CaseEvent      `json:"history"`
	// NeedsSecondReview says whether clearing it needs a second person.
	NeedsSecondReview bool `json:"needs_second_review"`
}

// Case returns case id with its hit, notes, attachments and history.
func (s *Service) Case(ctx context.Context, id int64) (CaseFile, error) {
	if _, err := warden.Authorize(ctx, warden.ActCasesRead); err != nil {
		return CaseFile{}, err
	}
	pc, err := s.DB.Case(ctx, id)
	if err != nil {
		return CaseFile{}, err
	}
	f := CaseFile{Case: pc.Case, Screened: pc.Screened, NeedsSecondReview: s.needsSecondReview(pc.Case)}
	hol, days, err := s.caseRules(ctx)
	if err != nil {
		return CaseFile{}, err
	}
	s.ageCase(&f.Case, hol, days, s.now().UTC())
	if d, err := s.DB.Transaction(ctx, f.Reference); err == nil {
		f.Amount = d.Amount
		for i, h := range d.Hits {
			if h.Party == f.Party && h.EntityID == f.EntityID {
				f.Hit = &d.Hits[i]
				break
			}
		}
	}
	// The history begins with the case's opening, which screening did.
	f.History = []warden.CaseEvent{{Case: id, At: f.CreatedAt, Actor: "screening", Action: "opened",
		Detail: fmt.Sprintf("%s scored %.3f against %s", f.Name, f.Score, f.EntityID)}}
	hist, err := s.DB.CaseHistory(ctx, id)
	if err != nil {
		return f, err
	}
	f.History = append(f.History, hist...)
	if f.Notes, err = s.DB.CaseNotes(ctx, id); err != nil {
		return f, err
	}
	f.Attachments, err = s.DB.CaseAttachments(ctx, id)
	return f, err
}

// needsSecondReview reports whether clearing c needs a second person: a
// hit on a listed party (an indicator's hit scores 1 by construction and
// is not a resemblance) above the second-review score.
func (s *Service) needsSecondReview(c warden.Case) bool {
	return c.Score > s.Casework.SecondReviewAbove && !strings.HasPrefix(c.EntityID, IndicatorPrefix)
}

// checkHolder refuses a decision on a case another person holds: it is
// theirs until they release it or a lead reassigns it.
func checkHolder(p warden.Principal, c warden.Case) error {
	if c.Assignee != "" && c.Assignee != person(p) {
		return warden.Errorf(warden.ECONFLICT, "case %d is assigned to %s: claim it once they release it, or ask a lead to reassign it", c.ID, c.Assignee)
	}
	return nil
}

// Claim assigns case id to the caller. ECONFLICT if someone else holds
// it (a lead reassigns it with Assign), or it is decided.
func (s *Service) Claim(ctx context.Context, id int64) (warden.Case, error) {
	p, err := warden.Authorize(ctx, warden.ActCasesDecide)
	if err != nil {
		return warden.Case{}, err
	}
	me := person(p)
	ev := warden.NewAuditEvent(ctx, "case.claim", caseObject(id), "", nil)
	if err := s.DB.AssignCase(ctx, id, me, me, false, s.now().UTC(), ev); err != nil {
		return warden.Case{}, err
	}
	pc, err := s.DB.Case(ctx, id)
	return pc.Case, err
}

// Release gives up the caller's hold on case id: assigned to nobody.
// ECONFLICT if someone else holds it.
func (s *Service) Release(ctx context.Context, id int64) (warden.Case, error) {
	p, err := warden.Authorize(ctx, warden.ActCasesDecide)
	if err != nil {
		return warden.Case{}, err
	}
	ev := warden.NewAuditEvent(ctx, "case.release", caseObject(id), "", nil)
	if err := s.DB.AssignCase(ctx, id, "", person(p), false, s.now().UTC(), ev); err != nil {
		return warden.Case{}, err
	}
	pc, err := s.DB.Case(ctx, id)
	return pc.Case, err
}

// Assign assigns case id to assignee, a person who may decide cases, or
// to nobody (""), whoever holds it: a lead's reassignment.
func (s *Service) Assign(ctx context.Context, id int64, assignee string) (warden.Case, error) {
	p, err := warden.Authorize(ctx, warden.ActCasesAssign)
	if err != nil {
		return warden.Case{}, err
	}
	if err := s.checkAssignee(ctx, assignee); err != nil {
		return warden.Case{}, err
	}
	ev := warden.NewAuditEvent(ctx, "case.assign", caseObject(id), "", map[string]any{"assignee": assignee})
	if err := s.DB.AssignCase(ctx, id, assignee, person(p), true, s.now().UTC(), ev); err != nil {
		return warden.Case{}, err
	}
	pc, err := s.DB.Case(ctx, id)
	return pc.Case, err
}

// checkAssignee refuses (EINVALID) to assign cases to someone who is not
// an active person allowed to decide or review them.
func (s *Service) checkAssignee(ctx context.Context, name string) error {
	if name == "" {
		return nil
	}
	if err := warden.CheckText(warden.TextID, "assignee", name, 100); err != nil {
		return err
	}
	u, err := s.DB.User(ctx, name)
	if warden.ErrorCode(err) == warden.ENOTFOUND || err == nil && (u.DisabledAt != nil || !warden.Allowed(u.Role, warden.ActCasesDecide) && !warden.Allowed(u.Role, warden.ActCasesReview)) {
		return warden.Errorf(warden.EINVALID, "assignee %q is not an active person who may decide cases", name)
	}
	return err
}

// Assignees are the active people a lead may assign cases to: those who
// may decide or review them.
func (s *Service) Assignees(ctx context.Context) ([]string, error) {
	if _, err := warden.Authorize(ctx, warden.ActCasesAssign); err != nil {
		return nil, err
	}
	us, err := s.DB.Users(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, u := range us {
		if u.DisabledAt == nil && (warden.Allowed(u.Role, warden.ActCasesDecide) || warden.Allowed(u.Role, warden.ActCasesReview)) {
			out = append(out, u.Name)
		}
	}
	return out, nil
}

// clearForReview records a first analyst's clearing of c that needs a
// second person: c is pending review until one approves or sends it back.
func (s *Service) clearForReview(ctx context.Context, p warden.Principal, c warden.Case, reason string) (warden.Case, error) {
	now := s.now().UTC()
	ev := warden.NewAuditEvent(ctx, "case.clear", caseObject(c.ID), reason, map[string]any{"reference": c.Reference, "entity": c.EntityID, "score": c.Score,
		"second_review": true})
	if err := s.DB.ClearForReview(ctx, c.ID, person(p), reason, now, ev); err != nil {
		return c, err
	}
	c.Status, c.ClearedBy, c.ClearReason, c.ClearedAt = warden.CasePendingReview, person(p), reason, &now
	return c, nil
}

// ApproveClear is the second review of a clearing pending review: a
// person other than the analyst who cleared it approves, and the case is
// cleared with the first analyst's reason (remembered as a false
// positive), the payment moving as DecideCase moves it. EFORBIDDEN for
// the analyst who cleared it, ECONFLICT if it is not pending review.
func (s *Service) ApproveClear(ctx context.Context, id int64, note string) (warden.Case, error) {
	p, err := warden.Authorize(ctx, warden.ActCasesReview)
	if err != nil {
		return warden.Case{}, err
	}
	note = strings.TrimSpace(note)
	if err := warden.CheckText(warden.TextNote, "reason", note, MaxReason); err != nil {
		return warden.Case{}, err
	}
	pc, err := s.DB.Case(ctx, id)
	if err != nil {
		return warden.Case{}, err
	}
	c := pc.Case
	if c.Status != warden.CasePendingReview {
		return c, warden.Errorf(warden.ECONFLICT, "case %d is %s, not pending a second review", id, c.Status)
	}
	if c.ClearedBy == person(p) {
		return c, warden.Errorf(warden.EFORBIDDEN, "four eyes: case %d was cleared by %s, who cannot approve their own clearing", id, c.ClearedBy)
	}
	pol, err := s.policy(ctx)
	if err != nil {
		return c, err
	}
	now := s.now().UTC()
	c.Status, c.Reason, c.DecidedBy, c.DecidedAt = warden.CaseCleared, c.ClearReason, p.Name, &now
	fp := &warden.FalsePositive{Counterparty: c.Counterparty, EntityID: c.EntityID, EntityHash: pc.EntityHash, Expires: now.AddDate(0, 0, pol.FalsePositiveDays)}
	ev := warden.NewAuditEvent(ctx, "case.approve", caseObject(id), note, map[string]any{"reference": c.Reference, "entity": c.EntityID, "cleared_by": c.ClearedBy})
	if err := s.DB.DecideCase(ctx, c, warden.CasePendingReview, nil, fp, ev); err != nil {
		return c, err
	}
	return c, nil
}

// SendBack returns a clearing pending review to the queue, open again,
// with the reviewer's reason (required) in its history. The analyst who
// cleared it cannot send it back (EFORBIDDEN): a second person reviews.
func (s *Service) SendBack(ctx context.Context, id int64, reason string) (warden.Case, error) {
	p, err := warden.Authorize(ctx, warden.ActCasesReview)
	if err != nil {
		return warden.Case{}, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return warden.Case{}, warden.Errorf(warden.EINVALID, "sending a clearing back needs a reason")
	}
	if err := warden.CheckText(warden.TextNote, "reason", reason, MaxReason); err != nil {
		return warden.Case{}, err
	}
	pc, err := s.DB.Case(ctx, id)
	if err != nil {
		return warden.Case{}, err
	}
	if pc.Case.Status == warden.CasePendingReview && pc.Case.ClearedBy == person(p) {
		return pc.Case, warden.Errorf(warden.EFORBIDDEN, "four eyes: case %d was cleared by %s, who cannot review it", id, pc.Case.ClearedBy)
	}
	ev := warden.NewAuditEvent(ctx, "case.send_back", caseObject(id), reason, map[string]any{"cleared_by": pc.Case.ClearedBy})
	if err := s.DB.SendBack(ctx, id, person(p), reason, s.now().UTC(), ev); err != nil {
		return warden.Case{}, err
	}
	pc, err = s.DB.Case(ctx, id)
	return pc.Case, err
}

// AddNote adds a note to case id.
func (s *Service) AddNote(ctx context.Context, id int64, text string) (warden.CaseNote, error) {
	p, err := warden.Authorize(ctx, warden.ActCasesNote)
	if err != nil {
		return warden.CaseNote{}, err
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return warden.CaseNote{}, warden.Errorf(warden.EINVALID, "a note needs text")
	}
	if err := warden.CheckText(warden.TextNote, "note", text, MaxNote); err != nil {
		return warden.CaseNote{}, err
	}
	n := warden.CaseNote{Case: id, Text: text, AddedBy: p.Name, AddedAt: s.now().UTC()}
	ev := warden.NewAuditEvent(ctx, "case.note", caseObject(id), "", map[string]any{"text": text})
	return n, s.DB.AddCaseNote(ctx, &n, ev)
}

// Attach attaches a file to case id: at most MaxAttachment bytes of PDF,
// PNG, JPEG, plain text, JSON or STIX JSON as its content shows, named
// with that type's extension, as designation evidence is checked
// (designation.EvidenceType). EINVALID for a file too large, empty, of
// another type or named as another type.
func (s *Service) Attach(ctx context.Context, id int64, name string, data []byte) (warden.CaseAttachment, error) {
	p, err := warden.Authorize(ctx, warden.ActCasesNote)
	if err != nil {
		return warden.CaseAttachment{}, err
	}
	if strings.TrimSpace(name) == "" {
		return warden.CaseAttachment{}, warden.Errorf(warden.EINVALID, "the file needs a name")
	}
	if err := warden.CheckText(warden.TextName, "name", name, 255); err != nil {
		return warden.CaseAttachment{}, err
	}
	if int64(len(data)) > s.Casework.MaxAttachment {
		return warden.CaseAttachment{}, warden.Errorf(warden.EINVALID, "%s is over the limit of %d bytes for an attachment", name, s.Casework.MaxAttachment)
	}
	if len(data) == 0 {
		return warden.CaseAttachment{}, warden.Errorf(warden.EINVALID, "%s is empty", name)
	}
	typ, name, err := designation.EvidenceType(name, data)
	if err != nil {
		return warden.CaseAttachment{}, err
	}
	sum := sha256.Sum256(data)
	a := warden.CaseAttachment{Case: id, Name: name, MediaType: typ, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]), AddedBy: p.Name, AddedAt: s.now().UTC()}
	ev := warden.NewAuditEvent(ctx, "case.attach", caseObject(id), "", map[string]any{"name": name, "media_type": typ, "size": a.Size, "sha256": a.SHA256})
	return a, s.DB.AddCaseAttachment(ctx, &a, data, ev)
}

// Attachment returns file aid of case id with its bytes.
func (s *Service) Attachment(ctx context.Context, id, aid int64) (warden.CaseAttachment, []byte, error) {
	if _, err := warden.Authorize(ctx, warden.ActCasesRead); err != nil {
		return warden.CaseAttachment{}, nil, err
	}
	return s.DB.CaseAttachmentFile(ctx, id, aid)
}

// Bulk operations.
const (
	BulkAssign  = "assign"  // to Assignee (a lead), or "" to nobody
	BulkClaim   = "claim"   // to the caller
	BulkClear   = "clear"   // as false positives, with Reason (above the second-review score: pending review)
	BulkConfirm = "confirm" // the hits, by policy
	BulkApprove = "approve" // second reviews of clearings pending review
)

// BulkRequest is one action on several cases.
type BulkRequest struct {
	Op       string  `json:"op"`
	Cases    []int64 `json:"cases"`
	Assignee string  `json:"assignee,omitempty"`
	Reason   string  `json:"reason,omitempty"`
}

// BulkResult is what a bulk action did to one case.
type BulkResult struct {
	Case   int64             `json:"case"`
	Status warden.CaseStatus `json:"status,omitempty"` // after the action
	Error  string            `json:"error,omitempty"`  // why it was not done
}

// Bulk does one action on each case named, each as its own change with
// its own audit event and history step, exactly as done one by one: a
// case that cannot take it (decided meanwhile, held by someone else) is
// reported and the others are done. The request itself is checked
// first: EINVALID for an unknown action, no cases or more than MaxBulk, a
// clearing without a reason; EFORBIDDEN for a role that may not do it.
func (s *Service) Bulk(ctx context.Context, r BulkRequest) ([]BulkResult, error) {
	var do func(id int64) (warden.Case, error)
	var action warden.Action
	switch r.Op {
	case BulkAssign:
		action, do = warden.ActCasesAssign, func(id int64) (warden.Case, error) { return s.Assign(ctx, id, r.Assignee) }
	case BulkClaim:
		action, do = warden.ActCasesDecide, func(id int64) (warden.Case, error) { return s.Claim(ctx, id) }
	case BulkClear:
		action, do = warden.ActCasesDecide, func(id int64) (warden.Case, error) { return s.DecideCase(ctx, id, false, r.Reason) }
	case BulkConfirm:
		action, do = warden.ActCasesDecide, func(id int64) (warden.Case, error) { return s.DecideCase(ctx, id, true, r.Reason) }
	case BulkApprove:
		action, do = warden.ActCasesReview, func(id int64) (warden.Case, error) { return s.ApproveClear(ctx, id, r.Reason) }
	default:
		return nil, warden.Errorf(warden.EINVALID, "op must be assign, claim, clear, confirm or approve")
	}
	if len(r.Cases) == 0 || len(r.Cases) > MaxBulk {
		return nil, warden.Errorf(warden.EINVALID, "a bulk action takes 1 to %d cases", MaxBulk)
	}
	if r.Op == BulkClear && strings.TrimSpace(r.Reason) == "" {
		return nil, warden.Errorf(warden.EINVALID, "clearing hits as false positives needs a reason")
	}
	if _, err := warden.Authorize(ctx, action); err != nil {
		return nil, err
	}
	if r.Op == BulkAssign {
		if err := s.checkAssignee(ctx, r.Assignee); err != nil {
			return nil, err
		}
	}
	out := make([]BulkResult, 0, len(r.Cases))
	for _, id := range r.Cases {
		c, err := do(id)
		res := BulkResult{Case: id, Status: c.Status}
		if err != nil {
			if code := warden.ErrorCode(err); code == warden.EINTERNAL || code == "" {
				return out, err
			}
			res.Error = warden.ErrorMessage(err)
		}
		out = append(out, res)
	}
	return out, nil
}

// GoodGuys lists the remembered false positives ("good guys"): each
// counterparty cleared against a listed party, by whom and why.
func (s *Service) GoodGuys(ctx context.Context, f warden.GoodGuyFilter) ([]warden.GoodGuy, int, error) {
	if _, err := warden.Authorize(ctx, warden.ActCasesRead); err != nil {
		return nil, 0, err
	}
	if err := warden.CheckText(warden.TextName, "q", f.Search, MaxText); err != nil {
		return nil, 0, err
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 50
	}
	return s.DB.GoodGuys(ctx, f, s.now().UTC())
}

// RevokeGoodGuy forgets the false positive case id remembered, with a
// reason (required): screening stops that counterparty for that listing
// again. Audited, and in the case's history.
func (s *Service) RevokeGoodGuy(ctx context.Context, id int64, reason string) error {
	p, err := warden.Authorize(ctx, warden.ActCasesReview)
	if err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return warden.Errorf(warden.EINVALID, "revoking a false positive needs a reason")
	}
	if err := warden.CheckText(warden.TextNote, "reason", reason, MaxReason); err != nil {
		return err
	}
	ev := warden.NewAuditEvent(ctx, "case.revoke_false_positive", caseObject(id), reason, nil)
	return s.DB.RevokeGoodGuy(ctx, id, p.Name, reason, s.now().UTC(), ev)
}
