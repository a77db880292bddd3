// Package designation is the authority's own list: proposals to designate
// a party, amend a listed one or delist one, with their evidence, decided
// by a second sanctions officer (four-eyes, through auth.Approvals) and
// published, at once or at a chosen time, as a new version of the list
// that screening, payments and the customer re-screening then see.
//
// Publication is exactly once across restarts and nodes without a job
// engine: every server sweeps for due publications (PublishDue), and a
// publication stores the list version, the designation's status change
// (conditional on it still being approved), its domain event and its
// audit events in one transaction, which an import that began on an older
// version of the list, or a designation another node published first,
// rolls back.
package designation

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"warden"
	"warden/auth"
	"warden/store"
)

// ActionPublish is the four-eyes action that a second sanctions officer
// approves to publish a designation, amendment or delisting.
const ActionPublish = "designation.publish"

// DefaultList is the authority's own list unless configured otherwise.
const DefaultList = "cyber_sanctions"

// DefaultPrograms are the programs a designation may name unless
// configured otherwise.
var DefaultPrograms = []string{"CYBER", "CYBER2", "CYBER3"}

// DefaultMaxEvidence is the largest evidence file accepted (10 MiB).
const DefaultMaxEvidence = 10 << 20

// Service runs the designation workflow. Set its fields before use; New
// fills the defaults.
type Service struct {
	DB        *store.DB
	Approvals *auth.Approvals
	// Now is the clock; time.Now if nil.
	Now func() time.Time
	// ListName is the authority's own list; Programs the programs a
	// designation may name; MaxEvidence the largest evidence file.
	ListName    string
	Programs    []string
	MaxEvidence int64
}

// New returns the service over db and registers ActionPublish with ap: a
// sanctions officer other than the proposer decides it.
func New(db *store.DB, ap *auth.Approvals) *Service {
	s := &Service{DB: db, Approvals: ap, ListName: DefaultList, Programs: DefaultPrograms, MaxEvidence: DefaultMaxEvidence}
	ap.Handle(ActionPublish, warden.RoleSanctionsOfficer, s.applyApproval)
	ap.OnReject(ActionPublish, s.applyRejection)
	return s
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Input is what a person sends to draft or propose a designation, or to
// amend a listed party (the party's new details in full).
type Input struct {
	Party      warden.Entity     `json:"party"`
	Source     string            `json:"source,omitempty"`
	Program    string            `json:"program"`
	LegalBasis warden.LegalBasis `json:"legal_basis"`
	Reasons    string            `json:"reasons"`
	Links      []string          `json:"links,omitempty"`
	Companies  []warden.Entity   `json:"companies,omitempty"`
	PublishAt  *time.Time        `json:"publish_at,omitempty"`
}

// Create stores a new designation of a party, as a draft (analysts and
// sanctions officers) or, with propose, as a proposal for a second
// sanctions officer to approve (sanctions officers only). EINVALID names
// what is wrong with the input; nothing is stored then.
func (s *Service) Create(ctx context.Context, in Input, propose bool) (warden.Designation, error) {
	p, err := warden.Authorize(ctx, warden.ActDesignationsDraft)
	if err != nil {
		return warden.Designation{}, err
	}
	if propose {
		if p, err = warden.Authorize(ctx, warden.ActDesignationsPropose); err != nil {
			return warden.Designation{}, err
		}
	}
	in.Party.ID, in.Party.List, in.Party.SourceID = "", "", "" // a new party gets its id on the list
	for i := range in.Companies {
		in.Companies[i].ID, in.Companies[i].List, in.Companies[i].SourceID = "", "", ""
	}
	if err := s.check(ctx, &in); err != nil {
		return warden.Designation{}, err
	}
	now := s.now()
	d := warden.Designation{Status: warden.DesignationDraft, Kind: warden.KindDesignate, Party: in.Party, Source: in.Source, Program: in.Program,
		LegalBasis: in.LegalBasis, Reasons: in.Reasons, Links: in.Links, Companies: in.Companies, PublishAt: in.PublishAt,
		ProposedBy: p.Name, DraftedBy: p.PersonName(), CreatedAt: now, UpdatedAt: now, Evidence: []warden.Evidence{}}
	if err := s.DB.CreateDesignation(ctx, &d, warden.NewAuditEvent(ctx, "designation.draft", "", "", summary(&d))); err != nil {
		return d, err
	}
	if !propose {
		return d, nil
	}
	return s.propose(ctx, d)
}

// Propose sends a draft to a second sanctions officer. EFORBIDDEN for any
// role but sanctions officer, ECONFLICT if it is not a draft.
func (s *Service) Propose(ctx context.Context, id int64) (warden.Designation, error) {
	if _, err := warden.Authorize(ctx, warden.ActDesignationsPropose); err != nil {
		return warden.Designation{}, err
	}
	d, err := s.DB.Designation(ctx, id)
	if err != nil {
		return d, err
	}
	if d.Status != warden.DesignationDraft {
		return d, warden.Errorf(warden.ECONFLICT, "designation %d is %s, not a draft", id, d.Status)
	}
	return s.propose(ctx, d)
}

// propose registers the four-eyes action and marks d proposed by the
// principal in ctx, in one transaction: if d is no longer a draft when
// it is written (ECONFLICT), no pending approval is left behind.
func (s *Service) propose(ctx context.Context, d warden.Designation) (warden.Designation, error) {
	p, _ := warden.PrincipalFrom(ctx)
	ev := warden.NewAuditEvent(ctx, "designation.propose", object(d.ID), "", nil)
	mark := func(ctx context.Context, ap warden.Approval) error {
		d.Status, d.Approval, d.ProposedBy = warden.DesignationProposed, ap.ID, p.Name
		ev.Detail, _ = json.Marshal(map[string]any{"approval": ap.ID})
		return s.DB.ApplyDesignation(ctx, &d, warden.DesignationDraft, event("designation.proposed", &d))
	}
	if _, err := s.Approvals.ProposeWith(ctx, ActionPublish, object(d.ID), summary(&d), d.Reasons, mark, ev); err != nil {
		return d, err
	}
	return d, nil
}

// Amend proposes new details for the party of designation id, which must
// be listed: the whole party as it is to be listed (a new alias, a new
// wallet, a corrected birth date). The legal basis, program and
// companies are the listed ones unless in sets them. EINVALID if the
// party is not listed.
func (s *Service) Amend(ctx context.Context, id int64, in Input) (warden.Designation, error) {
	p, err := warden.Authorize(ctx, warden.ActDesignationsPropose)
	if err != nil {
		return warden.Designation{}, err
	}
	cur, err := s.listed(ctx, id)
	if err != nil {
		return cur, err
	}
	if in.Program == "" {
		in.Program = cur.Program
	}
	if in.LegalBasis == (warden.LegalBasis{}) {
		in.LegalBasis = cur.LegalBasis
	}
	if in.Companies == nil {
		in.Companies = cur.Companies
	}
	if in.Party.ListedOn == "" {
		in.Party.ListedOn = cur.Party.ListedOn
	}
	in.Party.SourceID = cur.Party.SourceID
	in.Party.ID, in.Party.List = warden.EntityID(s.ListName, cur.Party.SourceID), s.ListName // the listed party's, whatever in says
	if err := s.check(ctx, &in); err != nil {
		return warden.Designation{}, err
	}
	now := s.now()
	d := warden.Designation{Status: warden.DesignationDraft, Kind: warden.KindAmend, Party: in.Party, Source: cur.Source, Program: in.Program,
		LegalBasis: in.LegalBasis, Reasons: in.Reasons, Links: in.Links, Companies: in.Companies, PublishAt: in.PublishAt,
		ProposedBy: p.Name, DraftedBy: p.PersonName(), Basis: cur.ID, CreatedAt: now, UpdatedAt: now, Evidence: []warden.Evidence{}}
	if same(entities(d), entities(cur)) {
		return warden.Designation{}, warden.Errorf(warden.EINVALID, "the amendment changes nothing the list states of the party of designation %d", id)
	}
	if err := s.DB.CreateDesignation(ctx, &d, warden.NewAuditEvent(ctx, "designation.amend", "", "", summary(&d))); err != nil {
		return d, err
	}
	return s.propose(ctx, d)
}

// Delist proposes taking the party of designation id off the list, for
// reason, at publishAt (nil: on approval). EINVALID without a reason or if
// the party is not listed.
func (s *Service) Delist(ctx context.Context, id int64, reason string, publishAt *time.Time) (warden.Designation, error) {
	p, err := warden.Authorize(ctx, warden.ActDesignationsPropose)
	if err != nil {
		return warden.Designation{}, err
	}
	if warden.Blank(reason) {
		return warden.Designation{}, warden.Errorf(warden.EINVALID, "reason is required to delist a party")
	}
	if err := warden.CheckText(warden.TextNote, "reason", reason, 20000); err != nil {
		return warden.Designation{}, err
	}
	cur, err := s.listed(ctx, id)
	if err != nil {
		return cur, err
	}
	pending, err := s.DB.PendingDelisting(ctx, cur.Party.SourceID)
	if err != nil {
		return cur, err
	}
	if pending != 0 {
		return cur, warden.Errorf(warden.ECONFLICT, "designation %d already proposes to delist this party", pending)
	}
	now := s.now()
	d := warden.Designation{Status: warden.DesignationDraft, Kind: warden.KindDelist, Party: cur.Party, Source: cur.Source, Program: cur.Program,
		LegalBasis: cur.LegalBasis, Reasons: reason, Companies: cur.Companies, PublishAt: publishAt,
		ProposedBy: p.Name, DraftedBy: p.PersonName(), Basis: cur.ID, CreatedAt: now, UpdatedAt: now, Evidence: []warden.Evidence{}}
	if err := s.DB.CreateDesignation(ctx, &d, warden.NewAuditEvent(ctx, "designation.delist", "", reason, summary(&d))); err != nil {
		return d, err
	}
	return s.propose(ctx, d)
}

// listed returns the designation that states what the list says now of
// the party of designation id; EINVALID if that party is not listed (not
// yet published, or delisted).
func (s *Service) listed(ctx context.Context, id int64) (warden.Designation, error) {
	d, err := s.DB.Designation(ctx, id)
	if err != nil {
		return d, err
	}
	cur, err := s.DB.ListedDesignation(ctx, d.Party.SourceID)
	if warden.ErrorCode(err) == warden.ENOTFOUND {
		return d, warden.Errorf(warden.EINVALID, "the party of designation %d (%s) is not listed", id, warden.EntityID(s.ListName, d.Party.SourceID))
	}
	return cur, err
}

// current checks, in the transaction ctx carries (an approval, a
// publication), that amendment or delisting d still applies to the list:
// its party is still listed, and, for an amendment, as the published
// designation d was based on states it (another amendment published since
// would be undone). It returns the designation that lists the party now
// (d itself for a new designation); ECONFLICT if d no longer applies.
func (s *Service) current(ctx context.Context, d warden.Designation) (warden.Designation, error) {
	if d.Kind == warden.KindDesignate {
		return d, nil
	}
	cur, err := s.DB.ListedDesignation(ctx, d.Party.SourceID)
	if warden.ErrorCode(err) == warden.ENOTFOUND {
		return cur, warden.Errorf(warden.ECONFLICT, "the party of designation %d (%s) is no longer listed: it cannot be published; reject it", d.ID, warden.EntityID(s.ListName, d.Party.SourceID))
	}
	if err != nil {
		return cur, err
	}
	if d.Kind == warden.KindAmend && cur.ID != d.Basis {
		return cur, warden.Errorf(warden.ECONFLICT, "the party changed since amendment %d was proposed (designation %d is now listed); propose it again", d.ID, cur.ID)
	}
	return cur, nil
}

// Get returns one designation. Needs designations.read: nothing of a
// designation is shown to a counterpart.
func (s *Service) Get(ctx context.Context, id int64) (warden.Designation, error) {
	if _, err := warden.Authorize(ctx, warden.ActDesignationsRead); err != nil {
		return warden.Designation{}, err
	}
	return s.DB.Designation(ctx, id)
}

// List returns the designations with a status ("" for all), newest first.
func (s *Service) List(ctx context.Context, status warden.DesignationStatus) ([]warden.Designation, error) {
	if _, err := warden.Authorize(ctx, warden.ActDesignationsRead); err != nil {
		return nil, err
	}
	if status != "" && !status.Valid() {
		return nil, warden.Errorf(warden.EINVALID, "status must be draft, proposed, approved, published, rejected or delisted")
	}
	return s.DB.Designations(ctx, status)
}

// Decide approves or rejects designation id as the principal in ctx, a
// sanctions officer other than (and unrelated to) the proposer and the
// drafter: see auth.Approvals.Decide. An approved designation due now is
// published at once; a later one by the sweep (PublishDue) when its time
// comes. An amendment or delisting that no longer applies to the list
// (see current) cannot be approved (ECONFLICT): it can be rejected.
func (s *Service) Decide(ctx context.Context, id int64, approve bool, reason string) (warden.Designation, error) {
	if _, err := warden.Authorize(ctx, warden.ActDesignationsDecide); err != nil {
		return warden.Designation{}, err
	}
	if err := warden.CheckText(warden.TextNote, "reason", reason, 20000); err != nil {
		return warden.Designation{}, err
	}
	d, err := s.DB.Designation(ctx, id)
	if err != nil {
		return d, err
	}
	if d.Status != warden.DesignationProposed {
		return d, warden.Errorf(warden.ECONFLICT, "designation %d is %s, not a proposal", id, d.Status)
	}
	if _, err := s.Approvals.Decide(ctx, d.Approval, approve, reason); err != nil {
		return d, err
	}
	if approve && (d.PublishAt == nil || !d.PublishAt.After(s.now())) {
		if _, err := s.publish(ctx, id); err != nil {
			return d, err
		}
	}
	return s.DB.Designation(ctx, id)
}

// applyApproval is the approved four-eyes action, run in the approval's
// transaction: the designation becomes approved, to be published when due.
func (s *Service) applyApproval(ctx context.Context, ap warden.Approval) error {
	id, err := strconv.ParseInt(strings.TrimPrefix(ap.Object, "designation:"), 10, 64)
	if err != nil {
		return warden.Errorf(warden.EINVALID, "approval %d names no designation", ap.ID)
	}
	d, err := s.DB.Designation(ctx, id)
	if err != nil {
		return err
	}
	if d.Status != warden.DesignationProposed || d.Approval != ap.ID {
		return warden.Errorf(warden.ECONFLICT, "designation %d is %s, not proposed by approval %d", id, d.Status, ap.ID)
	}
	if err := s.notDrafter(ctx, d); err != nil {
		return err
	}
	if _, err := s.current(ctx, d); err != nil {
		return err
	}
	d.Status, d.ApprovedBy, d.Decision = warden.DesignationApproved, ap.DecidedBy, ap.Decision
	return s.DB.ApplyDesignation(ctx, &d, warden.DesignationProposed, event("designation.approved", &d))
}

// notDrafter refuses (EFORBIDDEN) a decision by the person who drafted d,
// or one related to them (auth.Related): the proposer is checked by
// auth.Approvals, and the drafter counts as a proposer too, since four
// eyes are two persons who both did not author the designation.
func (s *Service) notDrafter(ctx context.Context, d warden.Designation) error {
	if d.DraftedBy == "" {
		return nil
	}
	p, _ := warden.PrincipalFrom(ctx)
	controllers, err := s.DB.Controllers(ctx)
	if err != nil {
		return err
	}
	if auth.Related(controllers, d.DraftedBy, p.PersonName()) {
		return warden.Errorf(warden.EFORBIDDEN, "four eyes: designation %d was drafted by %s; it needs a second person other than its drafter, nor one related to them", d.ID, d.DraftedBy)
	}
	return nil
}

// applyRejection is the rejected four-eyes action, run in the rejection's
// transaction whichever route decided it (this service or
// /v1/approvals/{id}/reject): the designation becomes rejected. A
// designation no longer proposed by this approval has nothing to reject,
// and the approval is rejected alone.
func (s *Service) applyRejection(ctx context.Context, ap warden.Approval) error {
	id, err := strconv.ParseInt(strings.TrimPrefix(ap.Object, "designation:"), 10, 64)
	if err != nil {
		return nil
	}
	d, err := s.DB.Designation(ctx, id)
	if warden.ErrorCode(err) == warden.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	if d.Status != warden.DesignationProposed || d.Approval != ap.ID {
		return nil
	}
	d.Status, d.ApprovedBy, d.Decision = warden.DesignationRejected, ap.DecidedBy, ap.Decision
	return s.DB.ApplyDesignation(ctx, &d, warden.DesignationProposed, event("designation.rejected", &d))
}

// PublishDue publishes every approved designation whose time has come, one
// list version each, and returns how many it published. Every server
// calls it periodically (Run); a designation another node publishes
// first is skipped, so each is published exactly once. An amendment or
// delisting that no longer applies to the list is not published, and
// the others still are: the error returned then names what was refused.
func (s *Service) PublishDue(ctx context.Context) (int, error) {
	ids, err := s.DB.DuePublications(ctx, s.now())
	if err != nil {
		return 0, err
	}
	n := 0
	var refused []error
	for _, id := range ids {
		ok, err := s.publish(ctx, id)
		if warden.ErrorCode(err) == warden.ECONFLICT {
			refused = append(refused, err)
			continue
		}
		if err != nil {
			return n, err
		}
		if ok {
			n++
		}
	}
	return n, errors.Join(refused...)
}

// publish stores the list version that carries designation id out, with
// its status change, event and audit, in one transaction. It reports
// false, storing nothing, when another node published it or changed the
// list first. An amendment or delisting that no longer applies to the
// list (see current) is ECONFLICT, checked again in the transaction, and
// nothing is stored.
func (s *Service) publish(ctx context.Context, id int64) (bool, error) {
	d, err := s.DB.Designation(ctx, id)
	if err != nil || d.Status != warden.DesignationApproved {
		return false, err
	}
	if _, err := s.current(ctx, d); err != nil {
		return false, err
	}
	listed, err := s.DB.ListedDesignations(ctx)
	if err != nil {
		return false, err
	}
	now := s.now()
	if d.Kind == warden.KindDesignate {
		d.Party.ListedOn = now.UTC().Format("2006-01-02")
	}
	state := map[string]warden.Designation{}
	var order []string
	for _, x := range append(listed, d) {
		if _, ok := state[x.Party.SourceID]; !ok {
			order = append(order, x.Party.SourceID)
		}
		state[x.Party.SourceID] = x
	}
	if d.Kind == warden.KindDelist {
		delete(state, d.Party.SourceID)
	}
	im, err := s.DB.BeginImport(ctx, s.ListName, "designation", false)
	if err != nil {
		return false, err
	}
	for _, sid := range order {
		x, ok := state[sid]
		if !ok {
			continue
		}
		for _, e := range entities(x) {
			if err := im.Put(&e); err != nil {
				return false, err
			}
		}
	}
	ev := warden.NewAuditEvent(ctx, "designation.published", object(id), d.Reasons, nil)
	im.Audit(ev)
	im.Also(func(ctx context.Context, v warden.ListVersion) error {
		cur, err := s.current(ctx, d)
		if err != nil {
			return err
		}
		d.Status, d.Version = warden.DesignationPublished, v.Version
		ev.Detail, _ = json.Marshal(map[string]any{"list": s.ListName, "version": v.Version, "kind": d.Kind, "party": warden.EntityID(s.ListName, d.Party.SourceID)})
		if err := s.DB.ApplyDesignation(ctx, &d, warden.DesignationApproved, event("designation.published", &d, "list", s.ListName, "version", v.Version)); err != nil {
			return err
		}
		if d.Kind != warden.KindDelist {
			return nil
		}
		var ids []string
		for _, e := range entities(cur) { // as listed now
			ids = append(ids, warden.EntityID(s.ListName, e.SourceID))
		}
		_, err = s.DB.DelistParty(ctx, d.Party.SourceID, d.ID, ids, fmt.Sprintf("party delisted by designation %d", d.ID))
		return err
	})
	if _, err := im.Commit(warden.SourceMeta{Published: now.UTC().Format("2006-01-02")}); err != nil {
		if warden.ErrorCode(err) == warden.ECONFLICT {
			return false, nil
		}
		return false, err
	}
	return true, nil
}

// entities is what designation d puts on the list: its party under its
// program, and the companies designated with it, each linked to the party
// as owned by it.
func entities(d warden.Designation) []warden.Entity {
	party := d.Party
	party.Programs = appendMissing(slices.Clone(party.Programs), d.Program)
	out := []warden.Entity{party}
	for _, c := range d.Companies {
		c.Programs = appendMissing(slices.Clone(c.Programs), d.Program)
		if c.ListedOn == "" {
			c.ListedOn = party.ListedOn
		}
		if !slices.ContainsFunc(c.Links, func(l warden.Link) bool { return l.SourceID == party.SourceID }) {
			c.Links = append(slices.Clone(c.Links), warden.Link{Type: "owned_by", SourceID: party.SourceID, Name: party.Caption()})
		}
		out = append(out, c)
	}
	return out
}

// same reports whether two sets of listed entities state the same, their
// Warden ids aside.
func same(a, b []warden.Entity) bool {
	state := func(es []warden.Entity) string {
		es = slices.Clone(es)
		for i := range es {
			es[i].ID, es[i].List = "", ""
		}
		j, _ := json.Marshal(es)
		return string(j)
	}
	return state(a) == state(b)
}

func appendMissing(s []string, v string) []string {
	if slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}

// AddEvidence attaches a file to a draft or proposal: at most MaxEvidence
// bytes of PDF, PNG, JPEG, plain text, JSON or STIX JSON, as its content
// shows (the type a client claims is not trusted), kept with its SHA-256
// under a name with the extension of that type (EvidenceType). EINVALID
// for a file too large, of another type, or named as another type.
func (s *Service) AddEvidence(ctx context.Context, id int64, name string, data []byte) (warden.Evidence, error) {
	p, err := warden.Authorize(ctx, warden.ActDesignationsDraft)
	if err != nil {
		return warden.Evidence{}, err
	}
	if strings.TrimSpace(name) == "" {
		return warden.Evidence{}, warden.Errorf(warden.EINVALID, "the file needs a name")
	}
	if err := warden.CheckText(warden.TextName, "name", name, 255); err != nil {
		return warden.Evidence{}, err
	}
	if int64(len(data)) > s.MaxEvidence {
		return warden.Evidence{}, warden.Errorf(warden.EINVALID, "%s is over the limit of %d bytes for evidence", name, s.MaxEvidence)
	}
	if len(data) == 0 {
		return warden.Evidence{}, warden.Errorf(warden.EINVALID, "%s is empty", name)
	}
	typ, name, err := EvidenceType(name, data)
	if err != nil {
		return warden.Evidence{}, err
	}
	sum := sha256.Sum256(data)
	e := warden.Evidence{Name: name, MediaType: typ, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]), AddedBy: p.Name, AddedAt: s.now()}
	ev := warden.NewAuditEvent(ctx, "designation.evidence", object(id), "", map[string]any{"name": name, "media_type": typ, "size": e.Size, "sha256": e.SHA256})
	if err := s.DB.AddEvidence(ctx, id, &e, data, ev); err != nil {
		return warden.Evidence{}, err
	}
	return e, nil
}

// EvidenceFile returns file eid attached to designation id with its bytes,
// as stored (its SHA-256 is the one recorded when it was added). Needs
// designations.read: nothing of a designation reaches a counterpart.
// ENOTFOUND if designation id has no such file.
func (s *Service) EvidenceFile(ctx context.Context, id, eid int64) (warden.Evidence, []byte, error) {
	if _, err := warden.Authorize(ctx, warden.ActDesignationsRead); err != nil {
		return warden.Evidence{}, nil, err
	}
	return s.DB.EvidenceFile(ctx, id, eid)
}

func object(id int64) string { return "designation:" + strconv.FormatInt(id, 10) }

// summary is what an audit event and a proposal show of d.
func summary(d *warden.Designation) map[string]any {
	return map[string]any{"designation": d.ID, "kind": d.Kind, "party": d.Party.Caption(), "program": d.Program, "companies": len(d.Companies), "publish_at": d.PublishAt}
}

// event is the domain event of d's step, with extra key-value pairs.
func event(typ string, d *warden.Designation, kv ...any) warden.DomainEvent {
	m := map[string]any{"designation": d.ID, "kind": d.Kind, "party": d.Party.SourceID, "status": d.Status}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	b, _ := json.Marshal(m)
	return warden.DomainEvent{Type: typ, Object: object(d.ID), Payload: b}
}
