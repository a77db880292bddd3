package demo

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"warden"
	"warden/cooperation"
	"warden/designation"
	"warden/intel"
	sstix "warden/sources/stix"
	"warden/workcal"
)

// The story's timing, counted back from now: the request is sent on the
// latest working day (in the counterpart's business time) whose answer
// deadline leaves room for the rest of the story before now.
const (
	// afterDeadline is the room left for what follows the missed answer
	// deadline on the authority's working days: the review, the referral,
	// the designations and their publication, the payment, the customer
	// and the sharing (two working days; four and a half calendar days
	// over a weekend).
	afterDeadline = 5 * 24 * time.Hour
	// linkAfter is how long after an alert's e-mail the liaison clicks its
	// acknowledgement link.
	linkAfter = 18 * time.Minute
)

// story is one run of the demo.
type story struct {
	s     *Services
	clock *Clock
	mail  *Mailbox
	res   *Result
	ctx   context.Context
	op    context.Context // the operator, as the server's periodic jobs act
	// cal is the counterpart's business calendar: its people act in
	// their office hours.
	cal *workcal.Calendar
	// seen is how many mails the liaison has read.
	seen int
	// parties are the designated company and employee on the
	// authority's list (LIST:SOURCE_ID), in that order.
	parties []string
}

// office is the first working day after t (in the counterpart's
// calendar) at hour:minute, local time: when the counterpart's people
// act next.
func (st *story) office(t time.Time, hour, minute int) time.Time {
	loc, _ := time.LoadLocation(CounterpartTimeZone)
	d := t.In(loc).AddDate(0, 0, 1)
	for {
		at := time.Date(d.Year(), d.Month(), d.Day(), hour, minute, 0, 0, loc)
		if st.cal.Workday(at) {
			return at.UTC()
		}
		d = d.AddDate(0, 0, 1)
	}
}

// Run builds the story of issue 18 in db through the services, as the
// people it creates, with the clock played from the past up to now (now
// is the real time of the run). ErrBuilt if db holds the demo already.
// The services must have been made by Wire on clock and mailbox.
func Run(ctx context.Context, s *Services, clock *Clock, mailbox *Mailbox, now time.Time) (*Result, error) {
	built, err := Built(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	if built {
		return nil, ErrBuilt
	}
	if err := Fresh(ctx, s.DB); err != nil {
		return nil, err
	}
	cal, err := counterpartCalendar()
	if err != nil {
		return nil, err
	}
	start, err := sendTime(cal, now)
	if err != nil {
		return nil, err
	}
	clock.set(start.Add(-26 * time.Hour))
	st := &story{s: s, clock: clock, mail: mailbox, cal: cal, res: &Result{Start: clock.Now()}, ctx: ctx, op: warden.WithPrincipal(ctx, warden.Operator)}
	for _, step := range []struct {
		name string
		run  func() error
	}{
		{"people", st.people},
		{"hotline", st.hotline},
		{"intelligence", st.intelligence},
		{"request", func() error { return st.request(start) }},
		{"review", st.review},
		{"referral and designation", st.designate},
		{"enforcement", st.enforce},
		{"sharing", st.share},
	} {
		if err := step.run(); err != nil {
			return st.res, fmt.Errorf("demo: %s: %w", step.name, err)
		}
	}
	st.res.End = clock.Now()
	if st.res.End.After(now) {
		return st.res, fmt.Errorf("demo: the story ran until %s, after now (%s)", st.res.End.Format(time.RFC3339), now.Format(time.RFC3339))
	}
	return st.res, nil
}

// counterpartCalendar is the counterpart's business calendar, as its
// requests are counted in.
func counterpartCalendar() (*workcal.Calendar, error) {
	loc, err := time.LoadLocation(CounterpartTimeZone)
	if err != nil {
		return nil, err
	}
	return workcal.New(CounterpartCountry, loc, CounterpartHours, nil)
}

// sendTime is when the request is sent: 10:00 in the counterpart's time
// on the latest working day whose urgent answer deadline (7 business
// days) is at least afterDeadline before now.
func sendTime(cal *workcal.Calendar, now time.Time) (time.Time, error) {
	loc, _ := time.LoadLocation(CounterpartTimeZone)
	var answer warden.Span
	for _, r := range warden.DefaultPriorityTable {
		if r.Priority == warden.PriorityUrgent {
			answer = r.Answer
		}
	}
	day := now.In(loc)
	for range 120 {
		t := time.Date(day.Year(), day.Month(), day.Day(), 10, 0, 0, 0, loc)
		if cal.Workday(t) && !cal.Add(t, answer).After(now.Add(-afterDeadline)) {
			return t.UTC(), nil
		}
		day = day.AddDate(0, 0, -1)
	}
	return time.Time{}, fmt.Errorf("no working day found in %s's calendar in the last 120 days", CounterpartCountry)
}

// at moves the clock to t and runs what warden serve's periodic jobs run
// by then: the requests' deadline sweep, the hotline's domain events,
// due steps and deliveries, and the designations' publication.
func (st *story) at(t time.Time) error {
	st.clock.set(t)
	if _, err := st.s.Cooperation.Sweep(st.op); err != nil {
		return err
	}
	if _, err := st.s.Hotline.HandleEvents(st.ctx); err != nil {
		return err
	}
	if _, _, err := st.s.Hotline.RunDue(st.ctx); err != nil {
		return err
	}
	if _, err := st.s.Designations.PublishDue(st.op); err != nil {
		return err
	}
	return st.clickLinks()
}

// clickLinks has the liaison open every new alert e-mail and use its
// acknowledgement link, linkAfter after it arrived (in the clock's time),
// as the link page's button does.
func (st *story) clickLinks() error {
	mails := st.mail.Mails()
	for ; st.seen < len(mails); st.seen++ {
		m := mails[st.seen]
		if m.AckURL == "" {
			continue
		}
		u, err := url.Parse(m.AckURL)
		if err != nil {
			return err
		}
		st.clock.set(st.clock.Now().Add(linkAfter))
		a, err := st.s.Hotline.UseLink(st.ctx, strings.TrimPrefix(u.Path, "/hotline/link/"))
		if err != nil {
			return fmt.Errorf("acknowledge by the link of %q: %w", m.Subject, err)
		}
		st.res.Alerts = append(st.res.Alerts, a.ID)
	}
	return nil
}

// home is the first time at hour:minute UTC on a weekday (the authority
// works Monday to Friday, in UTC) after t: when the authority's people
// act next.
func home(t time.Time, hour, minute int) time.Time {
	t = t.UTC()
	for d := t; ; d = d.AddDate(0, 0, 1) {
		at := time.Date(d.Year(), d.Month(), d.Day(), hour, minute, 0, 0, time.UTC)
		if at.After(t) && at.Weekday() != time.Saturday && at.Weekday() != time.Sunday {
			return at
		}
	}
}

// later moves the clock on by d and runs the periodic work.
func (st *story) later(d time.Duration) error { return st.at(st.clock.Now().Add(d)) }

// people creates the counterpart organisation and a person of each role,
// as the operator at the command line does (warden org add, warden user
// add), with random passwords; the counterpart's business calendar is
// set by the liaison.
func (st *story) people() error {
	if _, err := st.s.Auth.CreateOrg(st.op, CounterpartOrg, CounterpartName, "counterpart"); err != nil {
		return err
	}
	for _, u := range Users {
		// 26 random characters of base32, 130 bits: printed once.
		pw := rand.Text()
		if _, err := st.s.Auth.CreateUser(st.op, u.Name, warden.Role(u.Role), u.Org, pw, "demo"); err != nil {
			return fmt.Errorf("user %s: %w", u.Name, err)
		}
		st.res.People = append(st.res.People, Credential{User: u, Password: pw})
	}
	tok, _, err := st.s.Auth.CreateToken(st.op, TokenName, warden.RoleCounterpart, CounterpartOrg, nil)
	if err != nil {
		return err
	}
	st.res.Token = tok
	liaison := as(st.ctx, person(warden.RoleLiaison, 0))
	_, err = st.s.Cooperation.SetOrgCalendar(liaison, CounterpartOrg, CounterpartTimeZone, CounterpartCountry, CounterpartHours)
	return err
}

// hotline sets up the escalation of a missed request deadline: the
// liaison's verified e-mail (the code read from the mailbox), an on-call
// rotation of liaisons, a policy paging whoever is on call, and a
// trigger on request.deadline_missed.
func (st *story) hotline() error {
	admin := as(st.ctx, person(warden.RoleAdmin, 0))
	lu := person(warden.RoleLiaison, 0)
	liaison := as(st.ctx, lu)
	m, err := st.s.Hotline.AddContactMethod(liaison, warden.ContactMethod{Channel: warden.ChannelEmail, Address: lu.Name + "@authority.example"})
	if err != nil {
		return err
	}
	if _, _, err := st.s.Hotline.RunDue(st.ctx); err != nil {
		return err
	}
	code := ""
	for _, mail := range st.mail.Mails() {
		if mail.Event == "verify" && mail.To == m.Address {
			code = sixDigits(mail.Text)
		}
	}
	st.seen = len(st.mail.Mails())
	if code == "" {
		return fmt.Errorf("no verification code for %s in the mailbox", m.Address)
	}
	if _, err := st.s.Hotline.VerifyContactMethod(liaison, m.ID, code); err != nil {
		return err
	}
	rot, err := st.s.Hotline.CreateRotation(admin, warden.Rotation{Name: "Liaison on call", TimeZone: "UTC",
		Start: st.clock.Now().Add(-7 * 24 * time.Hour).Truncate(time.Hour), ShiftLength: 1, ShiftUnit: warden.ShiftWeeks, Participants: []string{lu.Name}})
	if err != nil {
		return err
	}
	pol, err := st.s.Hotline.CreatePolicy(admin, warden.EscalationPolicy{Name: "Cooperation deadlines",
		Description: "A counterpart missed a request's deadline: the on-call liaison, then the sanctions officers.",
		Steps: []warden.EscalationStep{
			{Targets: []warden.Target{{Kind: warden.TargetRotation, ID: fmt.Sprint(rot.ID)}}},
			{Delay: warden.Duration(30 * time.Minute), Targets: []warden.Target{{Kind: warden.TargetPerson, ID: person(warden.RoleSanctionsOfficer, 0).Name}}},
		}})
	if err != nil {
		return err
	}
	_, err = st.s.Hotline.CreateTrigger(admin, warden.Trigger{Event: warden.EventRequestDeadlineMissed, Severity: warden.SeverityHigh, Policy: pol.ID, Enabled: true})
	return err
}

// sixDigits finds the first run of six digits in text: a verification
// code.
func sixDigits(text string) string {
	run := 0
	for i := 0; i < len(text); i++ {
		if text[i] >= '0' && text[i] <= '9' {
			run++
			if run == 6 && (i+1 == len(text) || text[i+1] < '0' || text[i+1] > '9') {
				return text[i-5 : i+1]
			}
			continue
		}
		run = 0
	}
	return ""
}

// intelligence has the analyst record the incident, the threat actor
// (with the company's alias) and the indicators (AMBER), relate them
// (each indicator indicates the incident, the incident is attributed to
// the actor) and share them, relationships included, with the
// counterpart in a collection the admin makes; and record what never
// leaves the authority: a RED indicator and an internal note, in no
// collection.
func (st *story) intelligence() error {
	analyst := as(st.ctx, person(warden.RoleAnalyst, 0))
	admin := as(st.ctx, person(warden.RoleAdmin, 0))
	in := st.s.Intel
	inc, err := in.Create(analyst, intel.Input{Type: "incident", TLP: warden.TLPAmber, Fields: map[string]any{
		"name": IncidentName, "description": IncidentDescription, "x_warden_status": "open"}})
	if err != nil {
		return err
	}
	st.res.Incident = inc.ID
	actor, err := in.Create(analyst, intel.Input{Type: "threat-actor", TLP: warden.TLPAmber, Fields: map[string]any{
		"name": ActorName, "description": ActorDescription, "aliases": []string{CompanyAlias}, "threat_actor_types": []string{"crime-syndicate"}}})
	if err != nil {
		return err
	}
	st.res.Actor = actor.ID
	rel, err := in.Relate(analyst, inc.ID, "attributed-to", actor.ID, 85, "The campaign's infrastructure and tooling.", warden.TLPAmber)
	if err != nil {
		return err
	}
	st.res.Relationships = append(st.res.Relationships, rel.ID)
	for _, ind := range Indicators {
		o, err := in.Create(analyst, intel.Input{Type: "indicator", TLP: warden.TLPAmber, Fields: map[string]any{"name": ind.Name},
			Observable: &warden.Observable{Kind: warden.IndicatorKind(ind.Kind), Value: ind.Value, Chain: ind.Chain}})
		if err != nil {
			return fmt.Errorf("indicator %s: %w", ind.Value, err)
		}
		rel, err := in.Relate(analyst, o.ID, "indicates", inc.ID, 90, "", warden.TLPAmber)
		if err != nil {
			return err
		}
		st.res.Indicators = append(st.res.Indicators, o.ID)
		st.res.Relationships = append(st.res.Relationships, rel.ID)
	}
	red, err := in.Create(analyst, intel.Input{Type: "indicator", TLP: warden.TLPRed, Fields: map[string]any{"name": RedIndicatorName},
		Observable: &warden.Observable{Kind: warden.KindIPv4, Value: RedIndicatorIP}})
	if err != nil {
		return err
	}
	st.res.RedIndicator = red.ID
	if _, err := in.Relate(analyst, red.ID, "indicates", inc.ID, 70, "", warden.TLPRed); err != nil {
		return err
	}
	note, err := in.Create(analyst, intel.Input{Type: "note", TLP: warden.TLPAmberStrict, Fields: map[string]any{
		"abstract": "Internal assessment", "content": InternalNote, "object_refs": []string{inc.ID}}})
	if err != nil {
		return err
	}
	st.res.InternalNote = note.ID
	col, err := in.CreateCollection(admin, warden.Collection{Title: CollectionTitle, Description: "What the authority shares with " + CounterpartName + ".",
		Orgs: []string{CounterpartOrg}, CanRead: true})
	if err != nil {
		return err
	}
	st.res.Collection = col.ID
	ids := append(append([]string{inc.ID, actor.ID}, st.res.Indicators...), st.res.Relationships...)
	return in.Share(analyst, col.ID, ids)
}

// request has the analyst send the urgent request; the counterpart
// acknowledges late and answers in part; the answer deadline passes in
// the counterpart's business time; each missed deadline escalates to the
// on-call liaison, who acknowledges by the e-mailed link.
func (st *story) request(sent time.Time) error {
	if err := st.at(sent.Add(-time.Hour)); err != nil {
		return err
	}
	analyst := as(st.ctx, person(warden.RoleAnalyst, 0))
	cp := as(st.ctx, person(warden.RoleCounterpart, 0))
	coop := st.s.Cooperation
	links := []warden.RequestLink{{Object: "incident:" + st.res.Incident, Shared: true}, {Object: "actor:" + st.res.Actor, Shared: true},
		{Object: "indicator:" + st.res.RedIndicator, Shared: false}}
	for _, id := range st.res.Indicators {
		links = append(links, warden.RequestLink{Object: "indicator:" + id, Shared: true})
	}
	r, err := coop.Create(analyst, cooperation.Input{Reference: RequestReference, Type: warden.RequestPreservation, Counterpart: CounterpartOrg,
		Requesting: warden.Authority{Name: "Cyber Sanctions Office (demo)", Contact: person(warden.RoleLiaison, 0).Name, Email: "liaison@authority.example", TimeZone: "UTC", Country: "US"},
		Requested:  warden.Authority{Name: CounterpartName, TimeZone: CounterpartTimeZone, Country: CounterpartCountry},
		LegalBasis: "Budapest Convention art. 29 (expedited preservation) and the 2015 arrangement on malicious cyber activity",
		Facts:      RequestFacts, Offence: RequestOffence, Sought: RequestSought, Need: RequestNeed,
		Preservation: &warden.Preservation{Custodian: RequestCustodian, Days: 90}, Priority: warden.PriorityUrgent, Urgency: RequestUrgency,
		Links: links,
		Parties: []warden.RequestParty{
			{Name: CompanyName, Schema: warden.SchemaOrganization, Country: CompanyCountry, Wallets: []string{Wallet}, Notes: CompanyNameZH + ", " + CompanyCity},
			{Name: EmployeeName, Schema: warden.SchemaPerson, Country: EmployeeCountry, Notes: "An employee of " + CompanyName},
		}})
	if err != nil {
		return err
	}
	st.res.Request = r.ID
	if err := st.at(sent); err != nil {
		return err
	}
	if r, err = coop.Send(analyst, r.ID); err != nil {
		return err
	}
	// The acknowledgement deadline passes: the sweep, the alert, the link.
	if err := st.at(r.AckDue.Add(time.Minute)); err != nil {
		return err
	}
	if err := st.at(st.office(*r.AckDue, 10, 30)); err != nil {
		return err
	}
	if _, err := coop.Acknowledge(cp, r.ID, "Received; forwarded to the competent department."); err != nil {
		return err
	}
	if err := st.at(st.office(st.clock.Now(), 16, 0)); err != nil {
		return err
	}
	if _, err := coop.Message(analyst, r.ID, warden.MessageQuestion, "Can you confirm that the servers' data is preserved?", nil); err != nil {
		return err
	}
	if err := st.at(st.office(st.office(st.clock.Now(), 9, 0), 15, 40)); err != nil {
		return err
	}
	if _, _, err := coop.Answer(cp, r.ID, warden.AnswerPartial, AnswerText, nil); err != nil {
		return err
	}
	// The answer deadline passes with the answer still partial.
	if err := st.at(r.AnswerDue.Add(time.Minute)); err != nil {
		return err
	}
	if len(st.res.Alerts) < 2 {
		return fmt.Errorf("%d alerts acknowledged after the missed deadlines, want 2", len(st.res.Alerts))
	}
	return nil
}

// review has the analyst rate the partial answer: completeness 2/5,
// actionability 1/5.
func (st *story) review() error {
	if err := st.at(home(st.clock.Now(), 10, 0)); err != nil {
		return err
	}
	analyst := as(st.ctx, person(warden.RoleAnalyst, 0))
	ms, err := st.s.Cooperation.Messages(analyst, st.res.Request)
	if err != nil {
		return err
	}
	var answer int64
	for _, m := range ms {
		if m.Kind == warden.MessageAnswer {
			answer = m.ID
		}
	}
	_, err = st.s.Cooperation.Review(analyst, st.res.Request, cooperation.ReviewInput{Message: answer,
		Rubric:   warden.Rubric{Completeness: ReviewCompleteness, Accuracy: ReviewAccuracy, Actionability: ReviewActionability, Updates: ReviewUpdates},
		Comments: "Partial: no officers, no employees, no confirmation that the data is preserved.", Use: warden.UseDesignation})
	return err
}

// legalBasis is the order and criterion of the designations.
var legalBasis = warden.LegalBasis{Order: "Executive Order 13694, as amended by Executive Order 13757",
	Criterion: "Section 1(a)(ii): responsible for or complicit in cyber-enabled activities that compromise the security of computers and networks"}

// designate has officer A refer the request (on the low rating) and
// propose the company and the employee in full — names in both scripts,
// address, wallet — with the request, the incident and its indicators
// as evidence; officer B rejects the referral's bare proposals as
// superseded, approves the full ones, and they are published.
func (st *story) designate() error {
	if err := st.at(home(st.clock.Now(), 14, 0)); err != nil {
		return err
	}
	a := as(st.ctx, person(warden.RoleSanctionsOfficer, 0))
	b := as(st.ctx, person(warden.RoleSanctionsOfficer, 1))
	f, err := st.s.Cooperation.Refer(a, st.res.Request, cooperation.ReferInput{Ground: warden.ReferralQuality, Program: Program, LegalBasis: legalBasis,
		Reason: "The counterpart's answer is rated under the threshold and the evidence attributes the campaign to the company and its employee."})
	if err != nil {
		return err
	}
	st.res.Referral = f.ID
	if err := st.at(home(st.clock.Now(), 15, 30)); err != nil {
		return err
	}
	bundle, _, err := st.s.Intel.Export(a, intel.Selection{IDs: append([]string{st.res.Incident}, st.res.Indicators...), NoRed: true})
	if err != nil {
		return err
	}
	links := []string{fmt.Sprintf("request:%d", st.res.Request), "incident:" + st.res.Incident}
	company := warden.Entity{Schema: warden.SchemaCompany, Names: []warden.Name{
		{Full: CompanyName, Kind: warden.NamePrimary, Script: "Latn"},
		{Full: CompanyNameZH, Kind: warden.NameAKA, Script: "Hani", Lang: "zho"},
		{Full: CompanyAlias, Kind: warden.NameAKA, Script: "Latn"}},
		Countries:   []string{CompanyCountry},
		Addresses:   []warden.Address{{City: CompanyCity, Region: CompanyRegion, Country: CompanyCountry}},
		Identifiers: []warden.Identifier{{Type: warden.IDCrypto, Value: Wallet, Currency: "XBT"}}}
	employee := warden.Entity{Schema: warden.SchemaPerson, Names: []warden.Name{
		{Full: EmployeeName, Kind: warden.NamePrimary, Script: "Latn", Given: "Tianfeng", Family: "Guan"},
		{Full: EmployeeNameZH, Kind: warden.NameAKA, Script: "Hani", Lang: "zho"}},
		Nationalities: []string{EmployeeCountry}, Gender: "male",
		Remarks: "An employee of " + CompanyName + " (" + CompanyNameZH + ")."}
	for _, p := range []struct {
		party   warden.Entity
		reasons string
	}{
		{company, "Developed and deployed the exploit of a firewall zero-day that compromised tens of thousands of devices worldwide; " +
			"operates the infrastructure the incident's indicators observe and receives payments to the wallet above."},
		{employee, "Discovered the zero-day, developed the exploit and tested it against devices of the campaign, as an employee of " + CompanyName + "."},
	} {
		d, err := st.s.Designations.Create(a, designation.Input{Party: p.party, Program: Program, LegalBasis: legalBasis, Reasons: p.reasons, Links: links}, true)
		if err != nil {
			return err
		}
		if _, err := st.s.Designations.AddEvidence(a, d.ID, "indicators.stix.json", bundle); err != nil {
			return err
		}
		st.res.Designations = append(st.res.Designations, d.ID)
	}
	if err := st.at(home(st.clock.Now().Add(12*time.Hour), 10, 0)); err != nil {
		return err
	}
	for _, id := range f.Designations {
		if _, err := st.s.Designations.Decide(b, id, false, fmt.Sprintf("Superseded by designations %d and %d, which state the parties in full.", st.res.Designations[0], st.res.Designations[1])); err != nil {
			return err
		}
		st.res.Superseded = append(st.res.Superseded, id)
	}
	for _, id := range st.res.Designations {
		if _, err := st.s.Designations.Decide(b, id, true, "Evidence checked: the request, the incident and its indicators."); err != nil {
			return err
		}
	}
	if err := st.later(time.Minute); err != nil {
		return err
	}
	for _, id := range st.res.Designations {
		d, err := st.s.Designations.Get(b, id)
		if err != nil {
			return err
		}
		if d.Status != warden.DesignationPublished {
			return fmt.Errorf("designation %d is %s after its approval, want published", id, d.Status)
		}
		st.parties = append(st.parties, warden.EntityID(st.s.Designations.ListName, d.Party.SourceID))
	}
	_, err = st.s.Screening.Refresh(st.ctx)
	return err
}

// enforce has the screener send a payment to the company's wallet
// (blocked, into the ledger) and onboard a customer named as the company
// is in Chinese (held: a case in the queue).
func (st *story) enforce() error {
	if err := st.at(home(st.clock.Now(), 14, 0)); err != nil {
		return err
	}
	screener := as(st.ctx, person(warden.RoleScreener, 0))
	d, _, err := st.s.Enforcement.Screen(screener, warden.Transaction{Reference: PaymentReference, Amount: warden.Money{Currency: PaymentCurrency, Minor: PaymentMinor},
		Parties: []warden.TxParty{
			{Role: "originator", Schema: warden.SchemaOrganization, Name: PaymentPayer, Country: "GB"},
			{Role: "beneficiary", Schema: warden.SchemaOrganization, Name: CompanyName, Country: CompanyCountry, Wallet: Wallet},
		}})
	if err != nil {
		return err
	}
	if d.Decision != warden.DecisionBlocked {
		return fmt.Errorf("payment %s: %s, want blocked", PaymentReference, d.Decision)
	}
	st.res.Payment = PaymentReference
	if err := st.later(time.Hour); err != nil {
		return err
	}
	c, _, err := st.s.Enforcement.Onboard(screener, warden.Customer{ID: CustomerID, Schema: warden.SchemaOrganization, Name: CustomerName})
	if err != nil {
		return err
	}
	if c.Decision != string(warden.DecisionHeld) {
		return fmt.Errorf("customer %s: %s, want held", CustomerID, c.Decision)
	}
	st.res.Customer = CustomerID
	return nil
}

// share has the analyst share the designation and the incident with the
// counterpart: the designated parties exported from the authority's list
// as STIX identities (TLP:CLEAR, as the list is public) and imported,
// the actor attributed to each of them (AMBER), and a STIX report of the
// designations (AMBER, linked to each designation) over the incident, the
// actor, the indicators, the parties and the relationships between them;
// all of it in the counterpart's collection, where the incident, the
// actor, the indicators and their relationships are already.
func (st *story) share() error {
	if err := st.later(time.Hour); err != nil {
		return err
	}
	analyst := as(st.ctx, person(warden.RoleAnalyst, 0))
	in := st.s.Intel
	bundle, _, err := in.Export(analyst, intel.Selection{Entities: st.parties})
	if err != nil {
		return err
	}
	imp, err := in.Import(analyst, bytes.NewReader(bundle), intel.ImportOptions{Source: "api:" + st.s.Designations.ListName})
	if err != nil {
		return err
	}
	identities := make([]string, len(st.parties))
	for i, party := range st.parties {
		identities[i] = sstix.ID("identity", party)
		if !slices.Contains(imp.Successes, identities[i]) {
			return fmt.Errorf("the parties' bundle lacks the identity of %s (%s): it stored %v", party, identities[i], imp.Successes)
		}
	}
	st.res.Company, st.res.Employee = identities[0], identities[1]
	var rels []string
	for i, id := range identities {
		rel, err := in.Relate(analyst, st.res.Actor, "attributed-to", id, 85,
			fmt.Sprintf("Designated on this evidence (designation %d).", st.res.Designations[i]), warden.TLPAmber)
		if err != nil {
			return err
		}
		rels = append(rels, rel.ID)
	}
	st.res.Relationships = append(st.res.Relationships, rels...)
	refs := append(append(append([]string{st.res.Incident, st.res.Actor}, st.res.Indicators...), identities...), st.res.Relationships...)
	rep, err := in.Create(analyst, intel.Input{Type: "report", TLP: warden.TLPAmber, Fields: map[string]any{
		"name":         "Designation of " + CompanyName + " and " + EmployeeName,
		"description":  "The authority designated the company and its employee under " + Program + " on the evidence of the incident and its indicators.",
		"report_types": []string{"threat-actor", "attack-pattern"}, "published": st.clock.Now().UTC().Format(time.RFC3339),
		"object_refs": refs}})
	if err != nil {
		return err
	}
	st.res.Report = rep.ID
	for _, id := range st.res.Designations {
		if _, err := in.Link(analyst, warden.IntelLink{Object: rep.ID, Kind: warden.LinkDesignation, Ref: fmt.Sprint(id), Note: "published"}); err != nil {
			return err
		}
	}
	return in.Share(analyst, st.res.Collection, append(append([]string{rep.ID}, identities...), rels...))
}
