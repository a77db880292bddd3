package cooperation

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"warden"
	"warden/store"
	"warden/workcal"
)

// Input is what the requester states: the form of a request. See
// warden.Request for what each field means.
type Input struct {
	Reference string             `json:"reference,omitempty"`
	Kind      warden.RequestKind `json:"kind,omitempty"`
	Earlier   string             `json:"earlier,omitempty"`
	Type      warden.RequestType `json:"type"`
	// Counterpart is the counterpart organisation asked, for the
	// authority's own requests; a counterpart's requests are its
	// organisation's, whatever this says.
	Counterpart     string                `json:"counterpart,omitempty"`
	Requesting      warden.Authority      `json:"requesting"`
	Requested       warden.Authority      `json:"requested"`
	Investigating   string                `json:"investigating_authority,omitempty"`
	CaseNumbers     []string              `json:"case_numbers,omitempty"`
	LegalBasis      string                `json:"legal_basis"`
	Facts           string                `json:"facts"`
	Offence         string                `json:"offence"`
	Sought          string                `json:"sought"`
	Need            string                `json:"need"`
	Preservation    *warden.Preservation  `json:"preservation,omitempty"`
	Priority        warden.Priority       `json:"priority"`
	Urgency         string                `json:"urgency,omitempty"`
	Confidentiality string                `json:"confidentiality,omitempty"`
	Related         []string              `json:"related,omitempty"`
	Links           []warden.RequestLink  `json:"links,omitempty"`
	Parties         []warden.RequestParty `json:"parties,omitempty"`
	PriorityCase    bool                  `json:"priority_case,omitempty"`
	DueBy           *time.Time            `json:"due_by,omitempty"`
}

// maxItems is the most case numbers, related references, links or
// parties a request holds.
const maxItems = 1000

// Create stores a new draft (requests.write). Home people draft the
// authority's requests to in.Counterpart, which must be a counterpart
// organisation; a counterpart drafts its organisation's requests to the
// authority. Without a reference it gets the next of its counterpart
// and direction (see store.DB.CreateRequest). EINVALID names the first
// field that is wrong; nothing is stored then. ECONFLICT if the
// reference is taken among the requests of the same counterpart and
// direction: the caller's own scope, so that nothing tells it of others'.
func (s *Service) Create(ctx context.Context, in Input) (warden.Request, error) {
	p, err := warden.Authorize(ctx, warden.ActRequestsWrite)
	if err != nil {
		return warden.Request{}, err
	}
	now := s.now()
	r := warden.Request{Status: warden.RequestDraft, Direction: warden.Outgoing, Counterpart: in.Counterpart, CreatedBy: p.Name, CreatedAt: now, UpdatedAt: now}
	if p.Role == warden.RoleCounterpart {
		r.Direction, r.Counterpart = warden.Incoming, p.Org
	} else if err := s.counterpartOrg(ctx, "counterpart", in.Counterpart); err != nil {
		return warden.Request{}, err
	}
	if err := s.fill(ctx, &r, in, now); err != nil {
		return warden.Request{}, err
	}
	ev := warden.NewAuditEvent(ctx, "request.create", "", "", map[string]any{"reference": r.Reference, "counterpart": r.Counterpart, "direction": r.Direction, "type": r.Type, "priority": r.Priority})
	if err := s.DB.CreateRequest(ctx, &r, ev); err != nil {
		return warden.Request{}, err
	}
	return view(p, r), nil
}

var stepUpdate = step{warden.ActRequestsWrite, requester, "edits its drafts", only("only a draft can be edited", warden.RequestDraft)}

// Update replaces the form of a draft (the requester side). The
// authority may address it to another counterpart (in.Counterpart; empty
// keeps the one it has). EINVALID naming status for anything but a draft,
// naming the field for bad input.
func (s *Service) Update(ctx context.Context, id int64, in Input) (warden.Request, error) {
	p, r, now, err := s.begin(ctx, id, stepUpdate)
	if err != nil {
		return warden.Request{}, err
	}
	if r.Direction == warden.Outgoing && in.Counterpart != "" && in.Counterpart != r.Counterpart {
		if err := s.counterpartOrg(ctx, "counterpart", in.Counterpart); err != nil {
			return warden.Request{}, err
		}
		r.Counterpart = in.Counterpart
	}
	if in.Reference == "" {
		in.Reference = r.Reference
	}
	if err := s.fill(ctx, &r, in, now); err != nil {
		return warden.Request{}, err
	}
	ev := audit(ctx, "request.update", &r, "", map[string]any{"counterpart": r.Counterpart, "type": r.Type, "priority": r.Priority})
	if err := s.DB.UpdateRequest(ctx, &r, r.Status, now, ev); err != nil {
		return warden.Request{}, s.stale(ctx, id, stepUpdate, err)
	}
	return view(p, r), nil
}

// fill checks in and sets r's form from it: the requesting side is r's
// requester, the requested side its responder, whatever in says of
// their organisations, and the requested side keeps its organisation's
// calendar if it has one set (see orgCalendar). EINVALID names the first
// field that is wrong.
func (s *Service) fill(ctx context.Context, r *warden.Request, in Input, now time.Time) error {
	in.Requesting.Org, in.Requested.Org = r.Requester(), r.Responder()
	if err := s.orgCalendar(ctx, &in.Requested); err != nil {
		return err
	}
	if err := check(&in, now); err != nil {
		return err
	}
	if err := s.checkLinked(ctx, r, in.Links); err != nil {
		return err
	}
	// The requested side's calendar must be one deadlines can be counted
	// in: its office hours are checked here, its closures at sending.
	loc, _ := time.LoadLocation(in.Requested.TimeZone)
	if _, err := workcal.New(in.Requested.Country, loc, in.Requested.OfficeHours, nil); err != nil {
		return warden.Errorf(warden.EINVALID, "requested.%w", err)
	}
	if err := checkOfficeHours("requested.office_hours", in.Requested.OfficeHours); err != nil {
		return err
	}
	r.Reference, r.Kind, r.Earlier, r.Type = in.Reference, in.Kind, in.Earlier, in.Type
	r.Requesting, r.Requested = in.Requesting, in.Requested
	r.Investigating, r.CaseNumbers, r.LegalBasis, r.Facts, r.Offence, r.Sought, r.Need = in.Investigating, in.CaseNumbers, in.LegalBasis, in.Facts, in.Offence, in.Sought, in.Need
	r.Preservation, r.Priority, r.Urgency, r.Confidentiality = in.Preservation, in.Priority, in.Urgency, in.Confidentiality
	r.Related, r.Links, r.Parties, r.PriorityCase, r.DueBy = in.Related, in.Links, in.Parties, in.PriorityCase, in.DueBy
	return nil
}

// check refuses, as EINVALID naming the field, a form that cannot be
// sent, and fills its defaults (kind new, upper-case countries, the
// portal as reply channel, Person as a party's schema, due_by in UTC).
func check(in *Input, now time.Time) error {
	if err := warden.CheckText(warden.TextID, "reference", in.Reference, maxReference); err != nil {
		return err
	}
	if in.Kind == "" {
		in.Kind = warden.KindNew
	}
	if !in.Kind.Valid() {
		return warden.Errorf(warden.EINVALID, "kind %q must be one of %s", in.Kind, join(warden.RequestKinds))
	}
	if in.Kind != warden.KindNew {
		if err := required(warden.TextID, "earlier", in.Earlier, maxReference); err != nil {
			return warden.Errorf(warden.EINVALID, "%w: the reference an extension or follow-up continues", err)
		}
	} else if err := warden.CheckText(warden.TextID, "earlier", in.Earlier, maxReference); err != nil {
		return err
	}
	if !in.Type.Valid() {
		return warden.Errorf(warden.EINVALID, "type %q must be one of %s", in.Type, join(warden.RequestTypes))
	}
	if err := checkAuthority("requesting", &in.Requesting, false); err != nil {
		return err
	}
	if err := checkAuthority("requested", &in.Requested, true); err != nil {
		return err
	}
	for _, f := range []struct {
		name, v string
		max     int
		req     bool
	}{
		{"investigating_authority", in.Investigating, maxLine, false}, {"legal_basis", in.LegalBasis, maxText, true},
		{"facts", in.Facts, maxText, true}, {"offence", in.Offence, maxLine, true}, {"sought", in.Sought, maxText, true},
		{"need", in.Need, maxText, false}, {"confidentiality", in.Confidentiality, maxText, false},
	} {
		fn := warden.CheckText
		if f.req {
			fn = required
		}
		if err := fn(warden.TextNote, f.name, f.v, f.max); err != nil {
			return err
		}
	}
	if !in.Priority.Valid() {
		return warden.Errorf(warden.EINVALID, "priority %q must be one of %s", in.Priority, join(warden.Priorities))
	}
	if in.Priority != warden.PriorityRoutine {
		if err := required(warden.TextNote, "urgency", in.Urgency, maxText); err != nil {
			return warden.Errorf(warden.EINVALID, "%w: an %s request says why", err, in.Priority)
		}
	} else if err := warden.CheckText(warden.TextNote, "urgency", in.Urgency, maxText); err != nil {
		return err
	}
	if err := checkPreservation(in); err != nil {
		return err
	}
	for _, l := range []struct {
		name string
		vs   []string
	}{{"case_numbers", in.CaseNumbers}, {"related", in.Related}} {
		if len(l.vs) > maxItems {
			return warden.Errorf(warden.EINVALID, "%s: %d is more than %d", l.name, len(l.vs), maxItems)
		}
		for i, v := range l.vs {
			if err := required(warden.TextID, fmt.Sprintf("%s[%d]", l.name, i), v, maxLine); err != nil {
				return err
			}
		}
	}
	if err := checkLinks(in.Links); err != nil {
		return err
	}
	if err := checkParties(in.Parties); err != nil {
		return err
	}
	if in.DueBy != nil {
		t := in.DueBy.UTC().Truncate(time.Microsecond)
		if !t.After(now) {
			return warden.Errorf(warden.EINVALID, "due_by: %s is in the past", t.Format(time.RFC3339))
		}
		if last := now.AddDate(0, 0, maxAheadDays); t.After(last) {
			return warden.Errorf(warden.EINVALID, "due_by: %s is more than %d days ahead; the latest allowed is %s", t.Format(time.RFC3339), maxAheadDays, last.Format(time.RFC3339))
		}
		in.DueBy = &t
	}
	return nil
}

// checkAuthority checks one side of a request. The requested side's
// country and time zone are required: its calendar counts the deadlines.
func checkAuthority(field string, a *warden.Authority, requested bool) error {
	for _, f := range []struct {
		name, v string
		kind    warden.TextKind
	}{{"name", a.Name, warden.TextName}, {"contact", a.Contact, warden.TextName}, {"email", a.Email, warden.TextID}, {"phone", a.Phone, warden.TextID}} {
		if err := warden.CheckText(f.kind, field+"."+f.name, f.v, maxLine); err != nil {
			return err
		}
	}
	if requested || a.TimeZone != "" {
		if _, err := zone(field+".time_zone", a.TimeZone); err != nil {
			return err
		}
	}
	switch {
	case requested && a.Country == "" && a.Org == warden.HomeOrg:
		// The authority's default calendar (see orgCalendar): weekends only.
	case requested && a.Country == "":
		return warden.Errorf(warden.EINVALID, "%s.country is required: its holidays count in the deadlines", field)
	case requested && !workcal.Supported(a.Country):
		return warden.Errorf(warden.EINVALID, "%s.country: %q has no holiday calendar here; supported: %s", field, a.Country, strings.Join(workcal.Countries(), ", "))
	case a.Country != "":
		code, ok := warden.CountryCode(a.Country)
		if !ok || len(a.Country) != 2 {
			return warden.Errorf(warden.EINVALID, "%s.country: %q is not an ISO 3166-1 alpha-2 code", field, a.Country)
		}
		a.Country = code
	}
	switch a.ReplyChannel {
	case "":
		a.ReplyChannel = "portal"
	case "portal", "email", "phone", "diplomatic":
	default:
		return warden.Errorf(warden.EINVALID, "%s.reply_channel %q must be portal, email, phone or diplomatic", field, a.ReplyChannel)
	}
	return nil
}

// checkPreservation: a preservation request names the custodian or
// system and a period of at least 60 days (Budapest Convention art. 29).
func checkPreservation(in *Input) error {
	pr := in.Preservation
	if pr == nil {
		if in.Type == warden.RequestPreservation {
			return warden.Errorf(warden.EINVALID, "preservation is required for a preservation request: the custodian and the days")
		}
		return nil
	}
	if err := required(warden.TextName, "preservation.custodian", pr.Custodian, maxLine); err != nil {
		return err
	}
	if err := warden.CheckText(warden.TextName, "preservation.system", pr.System, maxLine); err != nil {
		return err
	}
	if pr.Days < warden.MinPreservationDays || pr.Days > 3660 {
		return warden.Errorf(warden.EINVALID, "preservation.days: %d must be %d to 3660", pr.Days, warden.MinPreservationDays)
	}
	return nil
}

// checkLinks: each link is kind:id with kind one of RequestLinkKinds,
// once.
func checkLinks(links []warden.RequestLink) error {
	if len(links) > maxItems {
		return warden.Errorf(warden.EINVALID, "links: %d is more than %d", len(links), maxItems)
	}
	seen := map[string]bool{}
	for i, l := range links {
		field := fmt.Sprintf("links[%d].object", i)
		if err := warden.CheckText(warden.TextID, field, l.Object, maxLine); err != nil {
			return err
		}
		kind, id, ok := strings.Cut(l.Object, ":")
		if !ok || strings.TrimSpace(id) == "" || !slices.Contains(warden.RequestLinkKinds, kind) {
			return warden.Errorf(warden.EINVALID, "%s: %q must be kind:id with kind one of %s", field, l.Object, strings.Join(warden.RequestLinkKinds, ", "))
		}
		if seen[l.Object] {
			return warden.Errorf(warden.EINVALID, "%s: %q is linked twice", field, l.Object)
		}
		seen[l.Object] = true
	}
	return nil
}

// checkLinked refuses links a request may not carry: any on an incoming
// request (a counterpart names no Warden objects: they are the
// authority's, and linking one would reach it through Linked), and a
// link to an entity, payment, case or designation Warden does not hold
// (EINVALID naming links[i].object). The kinds Warden does not hold yet
// are taken as written.
func (s *Service) checkLinked(ctx context.Context, r *warden.Request, links []warden.RequestLink) error {
	if len(links) > 0 && r.Direction == warden.Incoming {
		return warden.Errorf(warden.EINVALID, "links: a counterpart's request links no Warden objects (they are the authority's records); leave links out")
	}
	for i, l := range links {
		kind, ref, _ := strings.Cut(l.Object, ":")
		if linkRead[kind] == "" {
			continue
		}
		if _, err := s.object(ctx, kind, ref); warden.ErrorCode(err) == warden.ENOTFOUND {
			return warden.Errorf(warden.EINVALID, "links[%d].object: Warden holds no %s", i, l.Object)
		} else if err != nil {
			return err
		}
	}
	return nil
}

// checkParties checks the persons and organisations a request concerns.
func checkParties(parties []warden.RequestParty) error {
	if len(parties) > maxItems {
		return warden.Errorf(warden.EINVALID, "parties: %d is more than %d", len(parties), maxItems)
	}
	for i := range parties {
		pt := &parties[i]
		field := fmt.Sprintf("parties[%d]", i)
		if err := required(warden.TextName, field+".name", pt.Name, maxLine); err != nil {
			return err
		}
		switch pt.Schema {
		case "":
			pt.Schema = warden.SchemaPerson
		case warden.SchemaPerson, warden.SchemaOrganization:
		default:
			return warden.Errorf(warden.EINVALID, "%s.schema %q must be Person or Organization", field, pt.Schema)
		}
		if err := warden.CheckText(warden.TextID, field+".entity_id", pt.EntityID, maxLine); err != nil {
			return err
		}
		if pt.Country != "" {
			code, ok := warden.CountryCode(pt.Country)
			if !ok {
				return warden.Errorf(warden.EINVALID, "%s.country: %q is not a country", field, pt.Country)
			}
			pt.Country = code
		}
		if pt.BirthDate != "" && !validDate(pt.BirthDate) {
			return warden.Errorf(warden.EINVALID, "%s.birth_date: %q is not a date YYYY, YYYY-MM or YYYY-MM-DD of the calendar", field, pt.BirthDate)
		}
		for j, w := range pt.Wallets {
			if err := required(warden.TextID, fmt.Sprintf("%s.wallets[%d]", field, j), w, 300); err != nil {
				return err
			}
		}
		if err := warden.CheckText(warden.TextNote, field+".notes", pt.Notes, maxText); err != nil {
			return err
		}
	}
	return nil
}

// validDate reports whether d is a date of the calendar to the precision
// it gives (YYYY, YYYY-MM or YYYY-MM-DD).
func validDate(d string) bool {
	for _, layout := range []string{"2006", "2006-01", "2006-01-02"} {
		if len(d) == len(layout) {
			_, err := time.Parse(layout, d)
			return err == nil
		}
	}
	return false
}

// Get returns request id as the principal may see it (a counterpart: the
// shared links only). ENOTFOUND for a request it may not see.
func (s *Service) Get(ctx context.Context, id int64) (warden.Request, error) {
	p, r, err := s.load(ctx, warden.ActRequestsRead, id)
	if err != nil {
		return warden.Request{}, err
	}
	return view(p, r), nil
}

// Filter selects the requests List returns. Limit is 100 by default, at
// most 1000; the list is newest first by id, and After pages on (the ids
// below it). Overdue keeps the requests awaiting an answer past their
// answer deadline; Query searches the reference and the form.
type Filter struct {
	Status      warden.RequestStatus
	Direction   warden.Direction
	Counterpart string
	Priority    warden.Priority
	Overdue     bool
	Query       string
	After       int64
	Limit       int
}

// List returns the requests f selects as the principal may see them: a
// counterpart sees only its organisation's (a filter naming another
// finds none). EINVALID names a bad filter field.
func (s *Service) List(ctx context.Context, f Filter) ([]warden.Request, error) {
	p, err := warden.Authorize(ctx, warden.ActRequestsRead)
	if err != nil {
		return nil, err
	}
	switch {
	case f.Status != "" && !f.Status.Valid():
		return nil, warden.Errorf(warden.EINVALID, "status %q must be one of %s", f.Status, join(warden.RequestStatuses))
	case f.Direction != "" && f.Direction != warden.Outgoing && f.Direction != warden.Incoming:
		return nil, warden.Errorf(warden.EINVALID, "direction %q must be outgoing or incoming", f.Direction)
	case f.Priority != "" && !f.Priority.Valid():
		return nil, warden.Errorf(warden.EINVALID, "priority %q must be one of %s", f.Priority, join(warden.Priorities))
	case f.Limit < 0 || f.Limit > 1000:
		return nil, warden.Errorf(warden.EINVALID, "limit %d must be 1 to 1000", f.Limit)
	case f.After < 0:
		return nil, warden.Errorf(warden.EINVALID, "after %d must not be negative", f.After)
	}
	if err := warden.CheckText(warden.TextName, "q", f.Query, maxLine); err != nil {
		return nil, err
	}
	if err := warden.CheckText(warden.TextID, "counterpart", f.Counterpart, maxLine); err != nil {
		return nil, err
	}
	sf := store.RequestFilter{Status: f.Status, Direction: f.Direction, Counterpart: f.Counterpart, Priority: f.Priority, Query: f.Query, After: f.After, Limit: f.Limit}
	if sf.Limit == 0 {
		sf.Limit = 100
	}
	if f.Overdue {
		sf.OverdueAt = s.now()
	}
	if p.Role == warden.RoleCounterpart {
		if f.Counterpart != "" && f.Counterpart != p.Org {
			return []warden.Request{}, nil
		}
		sf.Counterpart, sf.HideUnsent = p.Org, warden.Outgoing
	}
	rs, err := s.DB.Requests(ctx, sf)
	if err != nil {
		return nil, err
	}
	for i := range rs {
		rs[i] = view(p, rs[i])
	}
	return rs, nil
}

// Timeline returns request id's domain events, oldest first: every step,
// message and deadline event. A counterpart does not see referrals for
// sanctions (see Referrals).
func (s *Service) Timeline(ctx context.Context, id int64) ([]warden.DomainEvent, error) {
	p, _, err := s.load(ctx, warden.ActRequestsRead, id)
	if err != nil {
		return nil, err
	}
	evs, err := s.DB.RequestEvents(ctx, id)
	if err != nil || p.Role != warden.RoleCounterpart {
		return evs, err
	}
	return slices.DeleteFunc(evs, func(e warden.DomainEvent) bool { return e.Type == warden.EventRequestReferred }), nil
}

// linkRead is the permission a home person needs to read a linked
// object of each kind Warden holds; the other kinds (incidents,
// indicators, actors, reports) are not held yet.
var linkRead = map[string]warden.Action{"entity": warden.ActListsRead, "tx": warden.ActCasesRead, "case": warden.ActCasesRead, "designation": warden.ActDesignationsRead}

// counterpartKinds are the kinds of object a counterpart may read
// through a shared link: listed parties, which the lists publish.
// Payments, cases and designations are the authority's own records,
// which its role reads none of, shared or not.
var counterpartKinds = map[string]bool{"entity": true}

// Linked returns an object request id links (entity:LIST:SOURCE_ID,
// tx:REFERENCE, case:ID, designation:ID). A counterpart reaches only a
// listed party (see counterpartKinds) through a shared link the
// authority put on its own request; home people need the object's own
// read permission too. ENOTFOUND for anything else, and for kinds
// Warden does not hold yet (incidents, indicators, actors, reports).
func (s *Service) Linked(ctx context.Context, id int64, obj string) (any, error) {
	p, r, err := s.load(ctx, warden.ActRequestsRead, id)
	if err != nil {
		return nil, err
	}
	notFound := warden.Errorf(warden.ENOTFOUND, "request %d links no %q", id, obj)
	i := slices.IndexFunc(r.Links, func(l warden.RequestLink) bool { return l.Object == obj })
	kind, ref, _ := strings.Cut(obj, ":")
	need := linkRead[kind]
	if i < 0 || need == "" {
		return nil, notFound
	}
	if p.Role == warden.RoleCounterpart {
		if !r.Links[i].Shared || r.Direction != warden.Outgoing || !counterpartKinds[kind] {
			return nil, notFound
		}
	} else if _, err := warden.Authorize(ctx, need); err != nil {
		return nil, err
	}
	v, err := s.object(ctx, kind, ref)
	if warden.ErrorCode(err) == warden.ENOTFOUND {
		return nil, notFound
	}
	return v, err
}

// object reads the object of kind with id ref (a kind of linkRead);
// ENOTFOUND if Warden holds none.
func (s *Service) object(ctx context.Context, kind, ref string) (any, error) {
	var v any
	var err error
	switch kind {
	case "entity":
		v, err = s.DB.Entity(ctx, ref, 0)
	case "tx":
		v, err = s.DB.Transaction(ctx, ref)
	case "case", "designation":
		n, perr := strconv.ParseInt(ref, 10, 64)
		if perr != nil || n <= 0 {
			return nil, warden.Errorf(warden.ENOTFOUND, "no %s %q", kind, ref)
		}
		if kind == "case" {
			var c warden.PendingCase
			c, err = s.DB.Case(ctx, n)
			v = c.Case
		} else {
			v, err = s.DB.Designation(ctx, n)
		}
	default:
		return nil, warden.Errorf(warden.ENOTFOUND, "no %s %q", kind, ref)
	}
	if warden.ErrorCode(err) == warden.EINVALID {
		err = warden.Errorf(warden.ENOTFOUND, "no %s %q", kind, ref)
	}
	return v, err
}
