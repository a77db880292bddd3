package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/message"

	"warden"
	"warden/cooperation"
)

// The authority's pages of requests: the list with its filters, the
// request form (the fields of the T-CY standard forms), and one request
// with its clock, thread, extensions, reviews, the actions the viewer's
// side may take, referrals and timeline. The counterpart's portal
// (portal.go) shares the form and the request's page with them.

// tcyAuthority is one side of a request as the form holds it.
type tcyAuthority struct {
	Prefix                                                                    string // "requesting" or "requested": the fields' names
	Name, Contact, Email, Phone, OfficeHours, TimeZone, Country, ReplyChannel string
	Bad                                                                       string // the field the service refused, if one of these
}

// tcyForm is a request as the form holds it: text, so that what a
// person typed is shown again, unchanged, when the form is refused.
type tcyForm struct {
	Reference, Kind, Earlier, Type, Counterpart string
	Requesting, Requested                       tcyAuthority
	Investigating, CaseNumbers, LegalBasis      string
	Facts, Offence, Sought, Need                string
	Custodian, System, Days                     string
	Priority, Urgency, Confidentiality, DueBy   string
	Related, Links, Private, Parties            string
	PriorityCase                                bool
}

// replyChannels are the reply channels the form offers.
var replyChannels = []string{"portal", "email", "phone", "diplomatic"}

// Channels are the reply channels to choose from.
func (tcyAuthority) Channels() []string { return replyChannels }

// readAuthority reads one side's fields of the form.
func readAuthority(r *http.Request, prefix string) tcyAuthority {
	v := func(name string) string { return strings.TrimSpace(r.PostFormValue(prefix + "." + name)) }
	return tcyAuthority{Prefix: prefix, Name: v("name"), Contact: v("contact"), Email: v("email"), Phone: v("phone"), OfficeHours: v("office_hours"),
		TimeZone: v("time_zone"), Country: strings.ToUpper(v("country")), ReplyChannel: v("reply_channel")}
}

// readRequestForm reads the request form of r (already parsed).
func readRequestForm(r *http.Request) tcyForm {
	v := r.PostFormValue
	return tcyForm{Reference: strings.TrimSpace(v("reference")), Kind: v("kind"), Earlier: strings.TrimSpace(v("earlier")), Type: v("type"),
		Counterpart: v("counterpart"), Requesting: readAuthority(r, "requesting"), Requested: readAuthority(r, "requested"),
		Investigating: v("investigating_authority"), CaseNumbers: v("case_numbers"), LegalBasis: v("legal_basis"), Facts: v("facts"),
		Offence: v("offence"), Sought: v("sought"), Need: v("need"), Custodian: v("preservation.custodian"), System: v("preservation.system"),
		Days: strings.TrimSpace(v("preservation.days")), Priority: v("priority"), Urgency: v("urgency"), Confidentiality: v("confidentiality"),
		DueBy: strings.TrimSpace(v("due_by")), Related: v("related"), Links: v("links"), Private: v("links_private"), Parties: v("parties"),
		PriorityCase: v("priority_case") == "on"}
}

// authority is the side as the service takes it.
func (a tcyAuthority) authority(org string) warden.Authority {
	return warden.Authority{Org: org, Name: a.Name, Contact: a.Contact, Email: a.Email, Phone: a.Phone, OfficeHours: a.OfficeHours,
		TimeZone: a.TimeZone, Country: a.Country, ReplyChannel: a.ReplyChannel}
}

// fillAuthority is the form of a side as stored.
func fillAuthority(a warden.Authority, prefix string) tcyAuthority {
	return tcyAuthority{Prefix: prefix, Name: a.Name, Contact: a.Contact, Email: a.Email, Phone: a.Phone, OfficeHours: a.OfficeHours,
		TimeZone: a.TimeZone, Country: a.Country, ReplyChannel: a.ReplyChannel}
}

// fillRequestForm is the form of a stored draft, its due date in loc.
func fillRequestForm(q warden.Request, loc *time.Location) tcyForm {
	f := tcyForm{Reference: q.Reference, Kind: string(q.Kind), Earlier: q.Earlier, Type: string(q.Type), Counterpart: q.Counterpart,
		Requesting: fillAuthority(q.Requesting, "requesting"), Requested: fillAuthority(q.Requested, "requested"),
		Investigating: q.Investigating, CaseNumbers: strings.Join(q.CaseNumbers, ", "), LegalBasis: q.LegalBasis, Facts: q.Facts,
		Offence: q.Offence, Sought: q.Sought, Need: q.Need, Priority: string(q.Priority), Urgency: q.Urgency, Confidentiality: q.Confidentiality,
		Related: strings.Join(q.Related, "\n"), PriorityCase: q.PriorityCase}
	if p := q.Preservation; p != nil {
		f.Custodian, f.System, f.Days = p.Custodian, p.System, strconv.Itoa(p.Days)
	}
	if q.DueBy != nil {
		f.DueBy = q.DueBy.In(loc).Format("2006-01-02T15:04")
	}
	var shared, private []string
	for _, l := range q.Links {
		if l.Shared {
			shared = append(shared, l.Object)
		} else {
			private = append(private, l.Object)
		}
	}
	f.Links, f.Private = strings.Join(shared, "\n"), strings.Join(private, "\n")
	var parties []string
	for _, p := range q.Parties {
		parties = append(parties, strings.TrimRight(strings.Join([]string{string(p.Schema), p.Name, p.Country, p.BirthDate, p.EntityID, strings.Join(p.Wallets, " ")}, " | "), " |"))
	}
	f.Parties = strings.Join(parties, "\n")
	return f
}

// input is the request the form states; due dates are read in loc. The
// service checks the fields and names the one that is wrong; what is
// checked here is only what the form's text must say to be read at all.
func (f tcyForm) input(loc *time.Location) (cooperation.Input, error) {
	in := cooperation.Input{Reference: f.Reference, Kind: warden.RequestKind(f.Kind), Earlier: f.Earlier, Type: warden.RequestType(f.Type),
		Counterpart: f.Counterpart, Investigating: strings.TrimSpace(f.Investigating), CaseNumbers: lines(f.CaseNumbers, true),
		LegalBasis: f.LegalBasis, Facts: f.Facts, Offence: f.Offence, Sought: f.Sought, Need: f.Need, Priority: warden.Priority(f.Priority),
		Urgency: f.Urgency, Confidentiality: strings.TrimSpace(f.Confidentiality), Related: lines(f.Related, true), PriorityCase: f.PriorityCase}
	in.Requesting = f.Requesting.authority("")
	in.Requested = f.Requested.authority("")
	if f.Custodian != "" || f.System != "" || f.Days != "" {
		p := &warden.Preservation{Custodian: strings.TrimSpace(f.Custodian), System: strings.TrimSpace(f.System)}
		if f.Days != "" {
			n, err := parseDigits(f.Days)
			if err != nil || n > 100000 {
				return in, warden.Errorf(warden.EINVALID, "preservation.days: write the number of days in digits, such as 90")
			}
			p.Days = int(n)
		}
		in.Preservation = p
	}
	if f.DueBy != "" {
		t, err := time.ParseInLocation("2006-01-02T15:04", f.DueBy, loc)
		if err != nil {
			return in, warden.Errorf(warden.EINVALID, "due_by: write a date and time, YYYY-MM-DDTHH:MM")
		}
		t = t.UTC()
		in.DueBy = &t
	}
	for _, o := range lines(f.Links, true) {
		in.Links = append(in.Links, warden.RequestLink{Object: o, Shared: true})
	}
	for _, o := range lines(f.Private, true) {
		in.Links = append(in.Links, warden.RequestLink{Object: o})
	}
	for i, l := range lines(f.Parties, false) {
		p, err := readParty(l)
		if err != nil {
			return in, warden.Errorf(warden.EINVALID, "parties: line %d: %s", i+1, warden.ErrorMessage(err))
		}
		in.Parties = append(in.Parties, p)
	}
	return in, nil
}

// readParty reads a parties line: "Person | name | country | birth date
// | listed id | wallets", the first two required.
func readParty(line string) (warden.RequestParty, error) {
	cells := strings.Split(line, "|")
	for i := range cells {
		cells[i] = strings.TrimSpace(cells[i])
	}
	for len(cells) < 6 {
		cells = append(cells, "")
	}
	if len(cells) > 6 {
		return warden.RequestParty{}, warden.Errorf(warden.EINVALID, "at most six cells separated by |")
	}
	var schema warden.Schema
	switch strings.ToLower(cells[0]) {
	case "person", "个人":
		schema = warden.SchemaPerson
	case "organization", "organisation", "组织":
		schema = warden.SchemaOrganization
	default:
		return warden.RequestParty{}, warden.Errorf(warden.EINVALID, "start with Person or Organization, then | and the name")
	}
	if cells[1] == "" {
		return warden.RequestParty{}, warden.Errorf(warden.EINVALID, "the name (after the first |) is missing")
	}
	return warden.RequestParty{Schema: schema, Name: cells[1], Country: strings.ToUpper(cells[2]), BirthDate: cells[3], EntityID: cells[4],
		Wallets: strings.Fields(cells[5])}, nil
}

// formFields are the request form's fields, by the names the service's
// errors give them (the JSON fields').
var formFields = func() map[string]bool {
	m := map[string]bool{}
	for _, f := range strings.Fields(`reference kind earlier type counterpart investigating_authority case_numbers legal_basis facts offence sought need
		preservation preservation.custodian preservation.system preservation.days priority urgency confidentiality due_by related links parties`) {
		m[f] = true
	}
	for _, side := range []string{"requesting", "requested"} {
		for _, f := range []string{"name", "contact", "email", "phone", "office_hours", "time_zone", "country", "reply_channel"} {
			m[side+"."+f] = true
		}
	}
	return m
}()

// badField is the form field an error names first ("legal_basis is
// required", "parties[1].name: ..." name legal_basis and parties), or "".
func badField(err error) string {
	msg := warden.ErrorMessage(err)
	name := msg[:strings.IndexFunc(msg+" ", func(r rune) bool { return r == ' ' || r == ':' || r == '[' })]
	if !formFields[name] {
		return ""
	}
	return name
}

// markBad puts the field err names on f, for the form to show it.
func markBad(f *tcyForm, err error) string {
	bad := badField(err)
	for _, a := range []*tcyAuthority{&f.Requesting, &f.Requested} {
		if rest, ok := strings.CutPrefix(bad, a.Prefix+"."); ok {
			a.Bad = rest
		}
	}
	return bad
}

// requestRow is a request in a list, with its deadlines' state now.
type requestRow struct {
	R                   warden.Request
	AckLate, AnswerLate bool
	Overdue             bool
}

// lateness says whether q's deadlines have passed unmet at now.
func lateness(q warden.Request, now time.Time) (ack, answer bool) {
	waiting := q.AwaitsAnswer()
	ack = waiting && q.AcknowledgedAt == nil && q.AckDue != nil && now.After(*q.AckDue)
	answer = waiting && q.AnsweredAt == nil && q.AnswerDue != nil && now.After(*q.AnswerDue)
	return ack, answer
}

func requestRows(qs []warden.Request, now time.Time) []requestRow {
	out := make([]requestRow, len(qs))
	for i, q := range qs {
		ack, answer := lateness(q, now)
		out[i] = requestRow{R: q, AckLate: ack, AnswerLate: answer, Overdue: ack || answer}
	}
	return out
}

// counterpartOnly refuses the authority's pages to a counterpart: they
// do not exist for it (its pages are the portal's).
func counterpartOnly(r *http.Request) error {
	if p, _ := warden.PrincipalFrom(r.Context()); p.Role == warden.RoleCounterpart {
		return warden.Errorf(warden.ENOTFOUND, "no such page: %s (your requests are at /portal)", r.URL.Path)
	}
	return nil
}

const requestsPageSize = 100

// requestsPage lists requests, newest first, with the filters of the
// query (status, direction, counterpart, priority, q, overdue) and a
// link to the older ones.
func (s *Server) requestsPage(w http.ResponseWriter, r *http.Request) {
	if err := counterpartOnly(r); err != nil {
		s.errorPage(w, r, err)
		return
	}
	q := r.URL.Query()
	f := cooperation.Filter{Status: warden.RequestStatus(q.Get("status")), Direction: warden.Direction(q.Get("direction")), Counterpart: q.Get("counterpart"),
		Priority: warden.Priority(q.Get("priority")), Overdue: q.Get("overdue") != "", Query: strings.TrimSpace(q.Get("q")), Limit: requestsPageSize}
	after, err := queryInt64(r, "after")
	var qs []warden.Request
	if err == nil {
		f.After = after
		qs, err = s.Cooperation.List(r.Context(), f)
	}
	var orgs []warden.Organisation
	if err == nil {
		orgs, err = s.counterparts(r)
	}
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	next := ""
	if len(qs) == requestsPageSize {
		q.Set("after", strconv.FormatInt(qs[len(qs)-1].ID, 10))
		next = "/requests?" + q.Encode()
	}
	s.render(w, r, http.StatusOK, "requests", view{Title: "Requests", Nav: "requests", Data: map[string]any{"Rows": requestRows(qs, s.now()), "Filter": f, "Next": next,
		"Orgs": orgs, "Statuses": warden.RequestStatuses, "Priorities": warden.Priorities}})
}

// counterparts are the counterpart organisations, for the selects.
func (s *Server) counterparts(r *http.Request) ([]warden.Organisation, error) {
	all, err := s.Auth.Orgs(r.Context())
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, o := range all {
		if o.Kind == "counterpart" {
			out = append(out, o)
		}
	}
	return out, nil
}

// formData is what the request form needs besides the form itself.
func formData(f tcyForm, bad, action, zone string, portal bool) map[string]any {
	return map[string]any{"F": f, "Bad": bad, "Action": action, "Zone": zone, "Portal": portal,
		"Kinds": warden.RequestKinds, "Types": warden.RequestTypes, "Priorities": warden.Priorities}
}

// requestFormView shows the authority's request form, as typed, with the
// error and the field it names.
func (s *Server) requestFormView(w http.ResponseWriter, r *http.Request, status int, title, action string, f tcyForm, err error) {
	orgs, oerr := s.counterparts(r)
	if oerr != nil {
		s.errorPage(w, r, oerr)
		return
	}
	v := view{Title: title, Nav: "requests"}
	bad := ""
	if err != nil {
		status, _, v.Error = s.status(r, err)
		bad = markBad(&f, err)
	}
	data := formData(f, bad, action, "UTC", false)
	data["Orgs"] = orgs
	v.Data = data
	s.render(w, r, status, "request-new", v)
}

// newOutgoing is the blank form: the requesting side is the authority,
// answering through Warden.
func newRequestForm() tcyForm {
	return tcyForm{Kind: string(warden.KindNew), Type: string(warden.RequestInformation), Priority: string(warden.PriorityRoutine),
		Requesting: tcyAuthority{Prefix: "requesting", ReplyChannel: "portal"}, Requested: tcyAuthority{Prefix: "requested", ReplyChannel: "portal"}}
}

func (s *Server) requestNewPage(w http.ResponseWriter, r *http.Request) {
	if err := counterpartOnly(r); err != nil {
		s.errorPage(w, r, err)
		return
	}
	s.requestFormView(w, r, http.StatusOK, "New request", "/requests/new", newRequestForm(), nil)
}

// requestNewForm drafts a request to a counterpart from the form.
func (s *Server) requestNewForm(w http.ResponseWriter, r *http.Request) {
	if err := counterpartOnly(r); err != nil {
		s.errorPage(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	f := readRequestForm(r)
	in, err := f.input(time.UTC)
	var q warden.Request
	if err == nil {
		in.Requesting.Org, in.Requested.Org = warden.HomeOrg, in.Counterpart
		q, err = s.Cooperation.Create(r.Context(), in)
	}
	if err != nil {
		s.requestFormView(w, r, http.StatusBadRequest, "New request", "/requests/new", f, err)
		return
	}
	goTo(w, r, fmt.Sprintf("/requests/%d", q.ID))
}

// requestEditPage shows a draft in the form.
func (s *Server) requestEditPage(w http.ResponseWriter, r *http.Request) {
	id, err := requestID(r)
	if err == nil {
		err = counterpartOnly(r)
	}
	var q warden.Request
	if err == nil {
		q, err = s.Cooperation.Get(r.Context(), id)
	}
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	s.requestFormView(w, r, http.StatusOK, "Edit request "+q.Reference, fmt.Sprintf("/requests/%d/edit", id), fillRequestForm(q, time.UTC), nil)
}

// requestEditForm saves a draft from the form.
func (s *Server) requestEditForm(w http.ResponseWriter, r *http.Request) {
	id, err := requestID(r)
	if err == nil {
		err = counterpartOnly(r)
	}
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	f := readRequestForm(r)
	in, err := f.input(time.UTC)
	if err == nil {
		in.Requesting.Org, in.Requested.Org = warden.HomeOrg, in.Counterpart
		_, err = s.Cooperation.Update(r.Context(), id, in)
	}
	if err != nil {
		s.requestFormView(w, r, http.StatusBadRequest, "Edit request", fmt.Sprintf("/requests/%d/edit", id), f, err)
		return
	}
	goTo(w, r, fmt.Sprintf("/requests/%d", id))
}

func requestID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, warden.Errorf(warden.EINVALID, "request id must be a positive integer")
	}
	return id, nil
}

// sideOf says which side of q the principal is on: "requester" or
// "responder" (home people are the authority's side).
func sideOf(p warden.Principal, q warden.Request) string {
	org := warden.HomeOrg
	if p.Role == warden.RoleCounterpart {
		org = p.Org
	}
	switch org {
	case q.Requester():
		return "requester"
	case q.Responder():
		return "responder"
	}
	return ""
}

// actions says which forms the request's page shows the principal: what
// its side may do in the request's status, with the permissions it
// needs. The service decides again.
func actions(p warden.Principal, q warden.Request, side string, exts []warden.Extension, reviews []warden.Review, now time.Time) map[string]bool {
	write, review := warden.Allowed(p.Role, warden.ActRequestsWrite), warden.Allowed(p.Role, warden.ActRequestsReview)
	st := q.Status
	open := st.Open()
	partial := !open && q.AwaitsAnswer() // answered in part only, rated or not
	a := map[string]bool{}
	switch side {
	case "requester":
		a["send"] = write && st == warden.RequestDraft
		a["edit"] = a["send"]
		a["withdraw"] = write && (st == warden.RequestDraft || open || partial)
		a["lapse"] = write && open && q.AnswerDue != nil && now.After(*q.AnswerDue)
		a["close"] = write && (st == warden.RequestAnswered || st == warden.RequestReviewed)
		a["review"] = review && (st == warden.RequestAnswered || st == warden.RequestReviewed)
		for _, e := range exts {
			if e.Status == warden.ExtensionAsked {
				a["decide"] = write
			}
		}
	case "responder":
		a["acknowledge"] = write && st == warden.RequestSent
		a["start"] = write && (st == warden.RequestSent || st == warden.RequestAcknowledged)
		a["answer"] = write && (open || partial)
		a["refuse"] = write && open
		a["extend"] = write && (open || partial)
		for _, rv := range reviews {
			if rv.Response == "" {
				a["respond"] = review
			}
		}
	}
	a["message"] = write && side != "" && st != warden.RequestDraft
	a["refer"] = p.Role != warden.RoleCounterpart && warden.Allowed(p.Role, warden.ActRequestsRefer) && q.Direction == warden.Outgoing && st != warden.RequestDraft
	for k, v := range a {
		if v && k != "edit" && k != "review" && k != "respond" && k != "decide" {
			a["any"] = true
		}
	}
	return a
}

// timelineLine is a domain event of the request as the timeline shows it:
// At and Detail for the authority's page (UTC), When, Deadline and Due
// for the portal's (the viewer's zone and language).
type timelineLine struct {
	At, Type, Status, Detail string
	When                     time.Time
	Deadline                 string
	Due                      *time.Time
}

// requestData gathers what a request's page shows: the request, its
// thread, extensions and reviews, the actions the viewer may take, its
// timeline (a counterpart's without referrals: Cooperation.Timeline);
// for the authority also its referrals.
func (s *Server) requestData(r *http.Request, id int64, base string, portal bool, zone string) (map[string]any, error) {
	ctx := r.Context()
	q, err := s.Cooperation.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	msgs, err := s.Cooperation.Messages(ctx, id)
	if err != nil {
		return nil, err
	}
	exts, err := s.Cooperation.Extensions(ctx, id)
	if err != nil {
		return nil, err
	}
	revs, err := s.Cooperation.Reviews(ctx, id)
	if err != nil {
		return nil, err
	}
	p, _ := warden.PrincipalFrom(ctx)
	now := s.now()
	side := sideOf(p, q)
	byMessage := map[int64]*warden.Review{}
	for i := range revs {
		byMessage[revs[i].Message] = &revs[i]
	}
	ackLate, answerLate := lateness(q, now)
	data := map[string]any{"R": q, "Base": base, "Portal": portal, "Side": side, "Messages": msgs, "Extensions": exts, "Reviews": byMessage,
		"Act": actions(p, q, side, exts, revs, now), "AckLate": ackLate, "AnswerLate": answerLate, "Zone": zone,
		"AckMissed":    q.AcknowledgedAt != nil && q.AckDue != nil && q.AcknowledgedAt.After(*q.AckDue),
		"AnswerMissed": q.AnsweredAt != nil && q.AnswerDue != nil && q.AnsweredAt.After(*q.AnswerDue),
		"Extended":     q.AnswerDue != nil && q.AnswerDueOriginal != nil && !q.AnswerDue.Equal(*q.AnswerDueOriginal),
		"Refusals":     warden.RefusalReasons, "Uses": warden.Uses, "Scores": []int{1, 2, 3, 4, 5}, "MaxAttachment": s.Cooperation.MaxAttachment,
		"Criteria": []string{"completeness", "accuracy", "actionability", "updates"}, "MessageKinds": []warden.MessageKind{warden.MessageQuestion, warden.MessageUpdate, warden.MessageNote}}
	evs, err := s.Cooperation.Timeline(ctx, id)
	if err != nil {
		return nil, err
	}
	var tl []timelineLine
	for _, e := range evs {
		l := timelineLine{At: e.CreatedAt.UTC().Format("2006-01-02 15:04:05 UTC"), Type: e.Type, When: e.CreatedAt}
		var pl warden.RequestEvent
		if json.Unmarshal(e.Payload, &pl) == nil {
			l.Status, l.Deadline, l.Due = string(pl.Status), pl.Deadline, pl.Due
			if pl.Deadline != "" {
				l.Detail = pl.Deadline + " deadline " + inZone(pl.Due, time.UTC)
			}
		}
		tl = append(tl, l)
	}
	data["Timeline"] = tl
	if portal {
		return data, nil
	}
	refs, err := s.Cooperation.Referrals(ctx, id)
	if err != nil {
		return nil, err
	}
	data["Referrals"] = refs
	if data["Act"].(map[string]bool)["refer"] {
		th, err := s.Cooperation.Thresholds(ctx)
		if err != nil {
			return nil, err
		}
		data["Thresholds"], data["Programs"] = th, s.Designations.Programs
	}
	return data, nil
}

func (s *Server) requestPage(w http.ResponseWriter, r *http.Request) {
	id, err := requestID(r)
	if err == nil {
		err = counterpartOnly(r)
	}
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	s.requestView(w, r, http.StatusOK, id, "", nil)
}

// requestView shows request id to the authority, with a flash or the
// error of a refused form.
func (s *Server) requestView(w http.ResponseWriter, r *http.Request, status int, id int64, flash string, ferr error) {
	data, err := s.requestData(r, id, "/requests", false, "UTC")
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	v := view{Title: "Request " + data["R"].(warden.Request).Reference, Nav: "requests", Flash: flash, Data: data}
	if ferr != nil {
		status, _, v.Error = s.status(r, ferr)
		status = formFailed(r, status)
	}
	s.render(w, r, status, "request", v)
}

// tcyForm does what a form of the authority's request page says
// (op): a transition, a message or answer with files, an extension.
func (s *Server) requestActionForm(w http.ResponseWriter, r *http.Request) {
	id, err := requestID(r)
	if err == nil {
		err = counterpartOnly(r)
	}
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	msg, err := s.requestAction(w, r, id, time.UTC)
	if err != nil {
		s.requestView(w, r, http.StatusBadRequest, id, "", err)
		return
	}
	s.requestView(w, r, http.StatusOK, id, msg.say(englishT().Sprintf), nil)
}

// done is what a request's page says after an action: a message of the
// catalogue, or the status the request is in now.
type done struct {
	Key    string
	Status warden.RequestStatus
}

// say is the message in the language of t (a printer's Sprintf).
func (d done) say(t func(key message.Reference, args ...any) string) string {
	if d.Status != "" {
		return t("The request is now %s.", t("status."+string(d.Status)))
	}
	return t(d.Key)
}

// requestAction does the action the form of a request's page posts, for
// either side: op names it. Files come as multipart parts named files;
// times (an extension's) are read in loc.
func (s *Server) requestAction(w http.ResponseWriter, r *http.Request, id int64, loc *time.Location) (done, error) {
	r.Body = http.MaxBytesReader(w, r.Body, 10*(s.Cooperation.MaxAttachment+maxFormBody))
	if err := r.ParseMultipartForm(1 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return done{}, warden.Errorf(warden.EINVALID, "the form could not be read (an attachment is at most %d bytes): %v", s.Cooperation.MaxAttachment, err)
	}
	ctx := r.Context()
	v := r.PostFormValue
	note := strings.TrimSpace(v("note"))
	var q warden.Request
	var err error
	switch op := v("op"); op {
	case "send":
		q, err = s.Cooperation.Send(ctx, id)
	case "acknowledge":
		q, err = s.Cooperation.Acknowledge(ctx, id, note)
	case "start":
		q, err = s.Cooperation.Start(ctx, id, note)
	case "withdraw":
		q, err = s.Cooperation.Withdraw(ctx, id, note)
	case "lapse":
		q, err = s.Cooperation.Lapse(ctx, id, note)
	case "close":
		q, err = s.Cooperation.Close(ctx, id, note)
	case "refuse":
		q, err = s.Cooperation.Refuse(ctx, id, warden.RefusalReason(v("reason")), v("text"))
	case "answer", "message":
		var files []cooperation.File
		if files, err = attachedFiles(r, s.Cooperation.MaxAttachment); err != nil {
			return done{}, err
		}
		if op == "answer" {
			q, _, err = s.Cooperation.Answer(ctx, id, warden.AnswerCompleteness(v("completeness")), v("body"), files)
			break
		}
		if _, err = s.Cooperation.Message(ctx, id, warden.MessageKind(v("kind")), v("body"), files); err == nil {
			return done{Key: "Message posted."}, nil
		}
	case "ask_extension":
		var until time.Time
		if until, err = formTime("until", v("until"), loc); err != nil {
			return done{}, err
		}
		if _, err = s.Cooperation.AskExtension(ctx, id, until, v("reason")); err == nil {
			return done{Key: "Extension asked."}, nil
		}
	case "decide_extension":
		var ext int64
		if ext, err = parseDigits(v("extension")); err != nil {
			return done{}, warden.Errorf(warden.EINVALID, "extension: which one?")
		}
		grant := v("decision") == "grant"
		if !grant && v("decision") != "refuse" {
			return done{}, warden.Errorf(warden.EINVALID, "decision: grant or refuse")
		}
		if _, err = s.Cooperation.DecideExtension(ctx, id, ext, grant, v("reason")); err == nil {
			if grant {
				return done{Key: "Extension granted."}, nil
			}
			return done{Key: "Extension refused."}, nil
		}
	default:
		return done{}, warden.Errorf(warden.EINVALID, "op: choose an action on the page")
	}
	if err != nil {
		return done{}, err
	}
	return done{Status: q.Status}, nil
}

// formTime reads a datetime-local field in loc.
func formTime(field, v string, loc *time.Location) (time.Time, error) {
	t, err := time.ParseInLocation("2006-01-02T15:04", strings.TrimSpace(v), loc)
	if err != nil {
		return t, warden.Errorf(warden.EINVALID, "%s: write a date and time, YYYY-MM-DDTHH:MM", field)
	}
	return t.UTC(), nil
}

// attachedFiles reads the files parts of a multipart form; the service
// checks each (size, type by content, the virus scan).
func attachedFiles(r *http.Request, limit int64) ([]cooperation.File, error) {
	if r.MultipartForm == nil {
		return nil, nil
	}
	var out []cooperation.File
	for _, hdr := range r.MultipartForm.File["files"] {
		if hdr.Filename == "" && hdr.Size == 0 {
			continue
		}
		if hdr.Size > limit {
			return nil, warden.Errorf(warden.ETOOLARGE, "files: %s is over the limit of %d bytes", hdr.Filename, limit)
		}
		f, err := hdr.Open()
		if err != nil {
			return nil, warden.Errorf(warden.EINVALID, "files: %v", err)
		}
		data, err := io.ReadAll(f)
		f.Close()
		if err != nil {
			return nil, warden.Errorf(warden.EINVALID, "files: %v", err)
		}
		out = append(out, cooperation.File{Name: hdr.Filename, Data: data})
	}
	return out, nil
}

// requestReviewForm rates an answer, or responds to a rating (op).
func (s *Server) requestReviewForm(w http.ResponseWriter, r *http.Request) {
	id, err := requestID(r)
	if err == nil {
		err = counterpartOnly(r)
	}
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	msg, err := s.reviewAction(r, id)
	if err != nil {
		s.requestView(w, r, http.StatusBadRequest, id, "", err)
		return
	}
	s.requestView(w, r, http.StatusOK, id, msg.say(englishT().Sprintf), nil)
}

// reviewAction rates an answer (op review) or responds to the rating of
// one (op respond), for either side's page.
func (s *Server) reviewAction(r *http.Request, id int64) (done, error) {
	v := r.PostFormValue
	switch v("op") {
	case "review":
		msg, err := parseDigits(v("message"))
		if err != nil {
			return done{}, warden.Errorf(warden.EINVALID, "message: which answer?")
		}
		score := func(name string) int {
			n, err := parseDigits(v(name))
			if err != nil {
				return 0 // the service names the field
			}
			return int(n)
		}
		in := cooperation.ReviewInput{Message: msg, Comments: v("comments"), Use: warden.Use(v("use")),
			Rubric: warden.Rubric{Completeness: score("completeness"), Accuracy: score("accuracy"), Actionability: score("actionability"), Updates: score("updates")}}
		if _, err := s.Cooperation.Review(r.Context(), id, in); err != nil {
			return done{}, err
		}
		return done{Key: "Rating saved."}, nil
	case "respond":
		rv, err := parseDigits(v("review"))
		if err != nil {
			return done{}, warden.Errorf(warden.EINVALID, "review: which rating?")
		}
		if _, err := s.Cooperation.RespondReview(r.Context(), id, rv, v("text")); err != nil {
			return done{}, err
		}
		return done{Key: "Response saved."}, nil
	}
	return done{}, warden.Errorf(warden.EINVALID, "op: review or respond")
}

// requestReferForm refers a request for sanctions: it opens designation
// proposals, which the page then links.
func (s *Server) requestReferForm(w http.ResponseWriter, r *http.Request) {
	id, err := requestID(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	v := r.PostFormValue
	ref, err := s.Cooperation.Refer(r.Context(), id, cooperation.ReferInput{Ground: warden.ReferralGround(v("ground")), Reason: v("reason"), Program: v("program"),
		LegalBasis: warden.LegalBasis{Order: strings.TrimSpace(v("order")), Criterion: strings.TrimSpace(v("criterion"))}})
	if err != nil {
		s.requestView(w, r, http.StatusBadRequest, id, "", err)
		return
	}
	s.requestView(w, r, http.StatusOK, id, fmt.Sprintf("Referred for sanctions: %d designation proposal(s) opened.", len(ref.Designations)), nil)
}

// requestAttachmentPage sends an attachment of a request's thread as a
// download, never shown inline.
func (s *Server) requestAttachmentPage(w http.ResponseWriter, r *http.Request) {
	if err := counterpartOnly(r); err != nil {
		s.errorPage(w, r, err)
		return
	}
	s.sendAttachment(w, r, func(err error) { s.errorPage(w, r, err) })
}

// sendAttachment writes the attachment the path names, or fails.
func (s *Server) sendAttachment(w http.ResponseWriter, r *http.Request, fail func(error)) {
	id, err := requestID(r)
	if err != nil {
		fail(err)
		return
	}
	aid, err := strconv.ParseInt(r.PathValue("attachment"), 10, 64)
	if err != nil || aid < 1 {
		fail(warden.Errorf(warden.EINVALID, "attachment id must be a positive integer"))
		return
	}
	a, data, err := s.Cooperation.Attachment(r.Context(), id, aid)
	if err != nil {
		fail(err)
		return
	}
	serveFile(w, r, a.Name, a.MediaType, a.SHA256, a.AddedAt, data)
}
