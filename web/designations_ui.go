package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"warden"
	"warden/designation"
	"warden/match"
)

// partyForm is a designation's party and grounds as the proposal and
// amendment forms hold them: text fields, so that what a person typed is
// shown again, unchanged, when the form is refused.
type partyForm struct {
	Schema, Name, Aliases, BirthDates, Nationalities string
	Identifiers, Wallets                             string
	Program, Order, Criterion, Reasons, PublishAt    string
	Propose                                          bool
}

// formPartySchemas are the schemas the proposal form offers.
var formPartySchemas = []warden.Schema{warden.SchemaPerson, warden.SchemaOrganization, warden.SchemaCompany, warden.SchemaLegalEntity}

// readPartyForm reads the form fields of r (already parsed).
func readPartyForm(r *http.Request) partyForm {
	v := r.PostFormValue
	return partyForm{Schema: v("schema"), Name: v("name"), Aliases: v("aliases"), BirthDates: v("birth_dates"), Nationalities: v("nationalities"),
		Identifiers: v("identifiers"), Wallets: v("wallets"), Program: v("program"), Order: v("order"), Criterion: v("criterion"),
		Reasons: v("reasons"), PublishAt: v("publish_at"), Propose: v("propose") == "on"}
}

// fillPartyForm is the form for amending e, listed with d's grounds.
func fillPartyForm(d warden.Designation) partyForm {
	e := d.Party
	f := partyForm{Schema: string(e.Schema), Program: d.Program, Order: d.LegalBasis.Order, Criterion: d.LegalBasis.Criterion, Reasons: d.Reasons}
	var aliases, dates, ids, wallets []string
	for _, n := range e.Names {
		if n.Kind == warden.NamePrimary && f.Name == "" {
			f.Name = n.Full
		} else {
			aliases = append(aliases, n.Full)
		}
	}
	for _, b := range e.BirthDates {
		dates = append(dates, b.From)
	}
	for _, id := range e.Identifiers {
		if id.Type == warden.IDCrypto {
			wallets = append(wallets, id.Currency+" "+id.Value)
		} else {
			ids = append(ids, string(id.Type)+" "+id.Value)
		}
	}
	f.Aliases, f.BirthDates, f.Identifiers, f.Wallets = strings.Join(aliases, "\n"), strings.Join(dates, "\n"), strings.Join(ids, "\n"), strings.Join(wallets, "\n")
	f.Nationalities = strings.Join(e.Nationalities, ", ")
	return f
}

// lines splits a text area or a comma-separated field into its items.
func lines(v string, commas bool) []string {
	sep := func(r rune) bool { return r == '\n' || r == '\r' || (commas && r == ',') }
	var out []string
	for _, x := range strings.FieldsFunc(v, sep) {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// input is the designation the form states, over base (the listed party
// for an amendment, whose other details it keeps). Each identifier and
// wallet line is "type value" and "TICKER address"; the designation
// service checks the rest and names the field that is wrong.
func (f partyForm) input(base warden.Entity) (designation.Input, error) {
	e := base
	e.Schema = warden.Schema(strings.TrimSpace(f.Schema))
	e.Names = nil
	if n := strings.TrimSpace(f.Name); n != "" {
		e.Names = append(e.Names, warden.Name{Full: n, Kind: warden.NamePrimary})
	}
	for _, a := range lines(f.Aliases, false) {
		e.Names = append(e.Names, warden.Name{Full: a, Kind: warden.NameAKA})
	}
	e.BirthDates = nil
	for _, b := range lines(f.BirthDates, true) {
		e.BirthDates = append(e.BirthDates, warden.DateRange{From: b})
	}
	e.Nationalities = lines(f.Nationalities, true)
	e.Identifiers = nil
	for i, l := range lines(f.Identifiers, false) {
		typ, val, ok := strings.Cut(l, " ")
		if !ok || strings.TrimSpace(val) == "" {
			return designation.Input{}, warden.Errorf(warden.EINVALID, "identifiers line %d: write the type, a space and the number (passport X1234567)", i+1)
		}
		e.Identifiers = append(e.Identifiers, warden.Identifier{Type: warden.IDType(typ), Value: strings.TrimSpace(val)})
	}
	for i, l := range lines(f.Wallets, false) {
		ticker, addr, ok := strings.Cut(l, " ")
		if !ok || strings.TrimSpace(addr) == "" {
			return designation.Input{}, warden.Errorf(warden.EINVALID, "wallets line %d: write the ticker, a space and the address (XBT bc1q...)", i+1)
		}
		e.Identifiers = append(e.Identifiers, warden.Identifier{Type: warden.IDCrypto, Currency: strings.ToUpper(ticker), Value: strings.TrimSpace(addr)})
	}
	in := designation.Input{Party: e, Program: strings.TrimSpace(f.Program), Reasons: f.Reasons,
		LegalBasis: warden.LegalBasis{Order: strings.TrimSpace(f.Order), Criterion: strings.TrimSpace(f.Criterion)}}
	if v := strings.TrimSpace(f.PublishAt); v != "" {
		t, err := time.Parse("2006-01-02T15:04", v)
		if err != nil {
			if t, err = time.Parse(time.RFC3339, v); err != nil {
				return in, warden.Errorf(warden.EINVALID, "publish_at must be a time YYYY-MM-DDTHH:MM (UTC)")
			}
		}
		t = t.UTC()
		in.PublishAt = &t
	}
	return in, nil
}

// designationsPage lists the designations by where they stand.
func (s *Server) designationsPage(w http.ResponseWriter, r *http.Request) {
	ds, err := s.Designations.List(r.Context(), "")
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	groups := map[warden.DesignationStatus][]warden.Designation{}
	for _, d := range ds {
		groups[d.Status] = append(groups[d.Status], d)
	}
	sections := []struct {
		ID, Title string
		Items     []warden.Designation
	}{
		{"drafts", "Drafts", groups[warden.DesignationDraft]},
		{"pending", "Pending approval", groups[warden.DesignationProposed]},
		{"approved", "Approved, waiting for their publication time", groups[warden.DesignationApproved]},
		{"published", "Published", groups[warden.DesignationPublished]},
		{"delisted", "Delisted", groups[warden.DesignationDelisted]},
		{"rejected", "Rejected", groups[warden.DesignationRejected]},
	}
	s.render(w, r, http.StatusOK, "designations", view{Title: "Designations", Nav: "designations", Data: map[string]any{"Sections": sections, "List": s.Designations.ListName}})
}

// designationFormView renders the proposal form with f as typed.
func (s *Server) designationFormView(w http.ResponseWriter, r *http.Request, status int, f partyForm, errMsg string) {
	s.render(w, r, status, "designation-new", view{Title: "New designation", Nav: "designations", Error: errMsg,
		Data: map[string]any{"F": f, "Programs": s.Designations.Programs, "Schemas": formPartySchemas, "MaxEvidence": s.Designations.MaxEvidence}})
}

func (s *Server) designationNewPage(w http.ResponseWriter, r *http.Request) {
	s.designationFormView(w, r, http.StatusOK, partyForm{Schema: string(warden.SchemaPerson)}, "")
}

// formFailed answers a refused form: the page again with the error. htmx
// swaps only successful responses in, so a form it posted (evidence
// uploads, which carry the CSRF token in a header) is answered 200 with
// the error shown on it.
func formFailed(r *http.Request, status int) int {
	if r.Header.Get("HX-Request") == "true" {
		return http.StatusOK
	}
	return status
}

// goTo sends the browser to path after a form succeeded: a 303, or for
// htmx an HX-Redirect, which it follows as a full page load.
func goTo(w http.ResponseWriter, r *http.Request, path string) {
	if r.Header.Get("HX-Request") == "true" {
		w.Header().Set("HX-Redirect", path)
		w.WriteHeader(http.StatusOK)
		return
	}
	http.Redirect(w, r, path, http.StatusSeeOther)
}

// designationNewForm drafts or proposes a designation from the form, with
// its evidence file if one is attached. The file is checked (size, type
// by content) before anything is stored, so a refused file leaves no
// draft behind.
func (s *Server) designationNewForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, s.Designations.MaxEvidence+maxFormBody)
	if err := r.ParseMultipartForm(1 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		s.designationFormView(w, r, formFailed(r, http.StatusBadRequest), partyForm{}, fmt.Sprintf("the form could not be read (evidence is at most %d bytes): %v", s.Designations.MaxEvidence, err))
		return
	}
	f := readPartyForm(r)
	fail := func(err error) {
		status, _, detail := s.status(r, err)
		s.designationFormView(w, r, formFailed(r, status), f, detail)
	}
	name, data, err := evidenceFile(r, s.Designations.MaxEvidence)
	if err != nil {
		fail(err)
		return
	}
	in, err := f.input(warden.Entity{})
	if err != nil {
		fail(err)
		return
	}
	d, err := s.Designations.Create(r.Context(), in, f.Propose)
	if err != nil {
		fail(err)
		return
	}
	if data != nil {
		if _, err := s.Designations.AddEvidence(r.Context(), d.ID, name, data); err != nil {
			status, _, detail := s.status(r, err)
			s.designationView(w, r, formFailed(r, status), d.ID, "", "Designation stored, but its evidence was refused: "+detail)
			return
		}
	}
	goTo(w, r, fmt.Sprintf("/designations/%d", d.ID))
}

// evidenceFile reads the optional evidence part of the form and checks it
// as the designation service will (size, type by content, a name that
// agrees with it); no file is nil data.
func evidenceFile(r *http.Request, limit int64) (string, []byte, error) {
	if r.MultipartForm == nil {
		return "", nil, nil
	}
	file, hdr, err := r.FormFile("evidence")
	if errors.Is(err, http.ErrMissingFile) {
		return "", nil, nil
	}
	if err != nil {
		return "", nil, warden.Errorf(warden.EINVALID, "evidence: %v", err)
	}
	defer file.Close()
	if hdr.Filename == "" && hdr.Size == 0 {
		return "", nil, nil
	}
	if hdr.Size > limit {
		return "", nil, warden.Errorf(warden.EINVALID, "%s is over the limit of %d bytes for evidence", hdr.Filename, limit)
	}
	data, err := io.ReadAll(file)
	if err != nil {
		return "", nil, warden.Errorf(warden.EINVALID, "evidence: %v", err)
	}
	if len(data) == 0 {
		return "", nil, warden.Errorf(warden.EINVALID, "%s is empty", hdr.Filename)
	}
	if _, _, err := designation.EvidenceType(hdr.Filename, data); err != nil {
		return "", nil, err
	}
	return hdr.Filename, data, nil
}

func (s *Server) designationPage(w http.ResponseWriter, r *http.Request) {
	id, err := designationID(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	s.designationView(w, r, http.StatusOK, id, "", "")
}

// designationView shows designation id; a proposal with what screening
// already finds for its party (names, wallets and identifiers), so that
// the officer deciding it sees a party listed already; and its audit
// events to those who may read the audit log.
func (s *Server) designationView(w http.ResponseWriter, r *http.Request, status int, id int64, flash, errMsg string) {
	ctx := r.Context()
	d, err := s.Designations.Get(ctx, id)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	p, _ := warden.PrincipalFrom(ctx)
	data := map[string]any{"D": &d, "List": s.Designations.ListName, "Own": d.ProposedBy == p.Name}
	if d.Status == warden.DesignationProposed || d.Status == warden.DesignationDraft {
		q := match.Query{Schema: d.Party.Schema}
		for _, n := range d.Party.Names {
			q.Names = append(q.Names, n.Full)
		}
		for _, x := range d.Party.Identifiers {
			if x.Type == warden.IDCrypto {
				q.Wallets = append(q.Wallets, x.Value)
			} else {
				q.IDs = append(q.IDs, x.Value)
			}
		}
		hits, err := s.Screening.Screen(ctx, q, match.Options{Limit: 10, MinScore: 0.5})
		if err != nil {
			data["ScreenError"] = err.Error()
		}
		data["Hits"] = hits
	}
	if warden.Allowed(p.Role, warden.ActAuditRead) {
		evs, err := s.Audit.Events(ctx, warden.AuditFilter{Object: fmt.Sprintf("designation:%d", d.ID), Limit: 200})
		if err != nil {
			s.errorPage(w, r, err)
			return
		}
		data["Timeline"] = evs
	}
	if d.Status == warden.DesignationPublished {
		data["Amend"] = map[string]any{"F": fillPartyForm(d), "Programs": s.Designations.Programs, "Schemas": formPartySchemas}
	}
	s.render(w, r, status, "designation", view{Title: fmt.Sprintf("Designation %d", d.ID), Nav: "designations", Flash: flash, Error: errMsg, Data: data})
}

// designationDecideForm approves or rejects a proposal from its page; the
// service refuses the proposer and anyone but a second sanctions officer.
func (s *Server) designationDecideForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	id, err := designationID(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	op := r.PostFormValue("op")
	if op != "approve" && op != "reject" {
		s.designationView(w, r, http.StatusBadRequest, id, "", "choose approve or reject")
		return
	}
	d, err := s.Designations.Decide(r.Context(), id, op == "approve", r.PostFormValue("reason"))
	if err != nil {
		status, _, detail := s.status(r, err)
		s.designationView(w, r, status, id, "", detail)
		return
	}
	msg := fmt.Sprintf("Designation %d is %s.", d.ID, d.Status)
	if d.Status == warden.DesignationPublished {
		msg = fmt.Sprintf("Designation %d is published: version %d of %s.", d.ID, d.Version, s.Designations.ListName)
	}
	s.designationView(w, r, http.StatusOK, id, msg, "")
}

// designationAmendForm proposes new details for a published designation's
// party; the form holds the party's main fields, its other details are
// kept as listed.
func (s *Server) designationAmendForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	id, err := designationID(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	d, err := s.Designations.Get(r.Context(), id)
	if err == nil {
		var in designation.Input
		if in, err = readPartyForm(r).input(d.Party); err == nil {
			d, err = s.Designations.Amend(r.Context(), id, in)
		}
	}
	if err != nil {
		status, _, detail := s.status(r, err)
		s.designationView(w, r, status, id, "", "Amendment: "+detail)
		return
	}
	goTo(w, r, fmt.Sprintf("/designations/%d", d.ID))
}

// designationDelistForm proposes delisting a published designation's
// party, with the reason.
func (s *Server) designationDelistForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	id, err := designationID(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	d, err := s.Designations.Delist(r.Context(), id, r.PostFormValue("reason"), nil)
	if err != nil {
		status, _, detail := s.status(r, err)
		s.designationView(w, r, status, id, "", "Delisting: "+detail)
		return
	}
	goTo(w, r, fmt.Sprintf("/designations/%d", d.ID))
}
