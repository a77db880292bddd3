package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"warden"
	"warden/store"
)

// linkedParty is another listing of a party as its page shows it: why it
// is taken for the same party (the rules that link them, a person's
// decision) and what it says.
type linkedParty struct {
	ID       string
	Entity   *warden.Entity // nil if its list no longer holds it
	Rules    []warden.ListingLink
	Decision *warden.LinkDecision
	// Grouped: screening takes it for the same party now (directly or
	// through links of links); false for an unlinked one.
	Grouped bool
}

// historyRow is one stretch of versions of a party and what it changed
// from the stretch before.
type historyRow struct {
	store.EntityVersion
	Changes []string
}

// partyPage shows a listed party as of a version (?version=N; the current
// one by default): its names, birth dates and places, nationalities,
// addresses, identifiers, wallets, programs and listing date as readable
// fields; the other listings of the same real party (linked across lists,
// each a link to its page, with the form to link or unlink for a viewer
// with links.manage); its history across the list's versions; the
// intelligence linked to it as far as the viewer may see it, for a viewer
// with intel.read; and all its fields as JSON behind a toggle. Invisible
// characters show as their code point everywhere, the title (which holds
// no markup) as warden.Visible writes them.
func (s *Server) partyPage(w http.ResponseWriter, r *http.Request) {
	s.partyView(w, r, http.StatusOK, "")
}

func (s *Server) partyView(w http.ResponseWriter, r *http.Request, status int, msg string) {
	ctx := r.Context()
	id := r.PathValue("id")
	version := 0
	if v := r.URL.Query().Get("version"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			s.errorPage(w, r, warden.Errorf(warden.EINVALID, "version must be a positive integer"))
			return
		}
		version = n
	}
	e, err := s.Lists.Entity(ctx, id, version)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	data := map[string]any{"E": e, "AsOf": version}
	hist, err := s.Lists.History(ctx, e.ID)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	data["History"] = history(hist)
	linked, err := s.linkedParties(r, e.ID)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	data["Linked"] = linked
	if p, _ := warden.PrincipalFrom(ctx); s.Intel != nil && warden.Allowed(p.Role, warden.ActIntelRead) {
		objs, err := s.Intel.LinksTo(ctx, warden.LinkEntity, e.ID)
		if err != nil {
			s.errorPage(w, r, err)
			return
		}
		data["IntelShown"], data["Intel"] = true, objs
	}
	v := view{Title: warden.Visible(e.Caption()), Nav: "parties", Data: data}
	if status >= 400 {
		v.Error = msg
	} else {
		v.Flash = msg
	}
	s.render(w, r, status, "party", v)
}

// linkedParties returns the other listings of party id: those its links
// and people's decisions name, then those screening groups with it through
// third listings.
func (s *Server) linkedParties(r *http.Request, id string) ([]linkedParty, error) {
	pl, err := s.Screening.LinksOf(r.Context(), id)
	if err != nil {
		return nil, err
	}
	byID := map[string]*linkedParty{}
	var order []string
	get := func(other string) *linkedParty {
		if lp, ok := byID[other]; ok {
			return lp
		}
		byID[other] = &linkedParty{ID: other, Grouped: slices.Contains(pl.Group, other)}
		order = append(order, other)
		return byID[other]
	}
	other := func(a, b string) string {
		if a == id {
			return b
		}
		return a
	}
	for _, l := range pl.Links {
		lp := get(other(l.A, l.B))
		lp.Rules = append(lp.Rules, l)
	}
	for _, d := range pl.Decisions {
		get(other(d.A, d.B)).Decision = &d
	}
	for _, g := range pl.Group {
		if g != id {
			get(g)
		}
	}
	out := make([]linkedParty, 0, len(order))
	for _, o := range order {
		lp := byID[o]
		e, err := s.Lists.Entity(r.Context(), o, 0)
		switch {
		case err == nil:
			lp.Entity = e
		case warden.ErrorCode(err) != warden.ENOTFOUND:
			return nil, err
		}
		out = append(out, *lp)
	}
	return out, nil
}

// history adds to each stretch of a party's versions what changed from
// the one before.
func history(vs []store.EntityVersion) []historyRow {
	out := make([]historyRow, len(vs))
	for i, v := range vs {
		out[i].EntityVersion = v
		if i == 0 {
			out[i].Changes = []string{"listed"}
			continue
		}
		out[i].Changes = entityChanges(vs[i-1].Entity, v.Entity)
		if vs[i-1].Removed {
			out[i].Changes = append([]string{"listed again"}, out[i].Changes...)
		}
	}
	return out
}

// entityChanges says in words which of a party's fields differ between two
// of its versions.
func entityChanges(a, b *warden.Entity) []string {
	var out []string
	diff := func(what string, x, y []string) {
		for _, v := range y {
			if !slices.Contains(x, v) {
				out = append(out, what+" added: "+v)
			}
		}
		for _, v := range x {
			if !slices.Contains(y, v) {
				out = append(out, what+" removed: "+v)
			}
		}
	}
	names := func(e *warden.Entity) (s []string) {
		for _, n := range e.Names {
			s = append(s, n.Full)
		}
		return s
	}
	ids := func(e *warden.Entity) (s []string) {
		for _, x := range e.Identifiers {
			s = append(s, string(x.Type)+" "+x.Value)
		}
		return s
	}
	addrs := func(e *warden.Entity) (s []string) {
		for _, x := range e.Addresses {
			s = append(s, addressLine(x))
		}
		return s
	}
	dates := func(e *warden.Entity) (s []string) {
		for _, d := range e.BirthDates {
			s = append(s, dateText(d))
		}
		return s
	}
	diff("name", names(a), names(b))
	diff("program", a.Programs, b.Programs)
	diff("identifier", ids(a), ids(b))
	diff("address", addrs(a), addrs(b))
	diff("birth date", dates(a), dates(b))
	diff("nationality", a.Nationalities, b.Nationalities)
	if a.Remarks != b.Remarks {
		out = append(out, "remarks changed")
	}
	if len(out) == 0 {
		out = append(out, "other details changed")
	}
	return out
}

// addressLine is an address on one line: as the list wrote it in full, or
// its parts.
func addressLine(a warden.Address) string {
	if a.Full != "" {
		return a.Full
	}
	var parts []string
	for _, p := range []string{a.Street, a.City, a.Region, a.PostalCode, a.CountryName} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 {
		return a.Country
	}
	return strings.Join(parts, ", ")
}

// dateText is a date as precise as the list gives it, in words for ranges
// and approximate dates.
func dateText(d warden.DateRange) string {
	s := d.From
	if d.To != "" {
		s = d.From + " to " + d.To
	}
	if d.Approximate {
		s = "about " + s
	}
	return s
}

// countryText is a country code with its name.
func countryText(code string) string {
	if n := warden.CountryName(code); n != "" && n != code {
		return fmt.Sprintf("%s (%s)", n, code)
	}
	return code
}

// linkRequest is the body of POST /v1/links and /v1/links/unlink.
type linkRequest struct {
	A      string `json:"a"`
	B      string `json:"b"`
	Reason string `json:"reason"`
}

func (s *Server) linksAPI(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("entity")
	if id == "" {
		s.Error(w, r, warden.Errorf(warden.EINVALID, "entity is required (list:source_id)"))
		return
	}
	pl, err := s.Screening.LinksOf(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, pl)
}

func (s *Server) linkAPI(w http.ResponseWriter, r *http.Request)   { s.decideLinkAPI(w, r, true) }
func (s *Server) unlinkAPI(w http.ResponseWriter, r *http.Request) { s.decideLinkAPI(w, r, false) }

func (s *Server) decideLinkAPI(w http.ResponseWriter, r *http.Request, link bool) {
	var req linkRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.Error(w, r, err)
		return
	}
	decide := s.Screening.Unlink
	if link {
		decide = s.Screening.Link
	}
	d, err := decide(r.Context(), req.A, req.B, req.Reason)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, d)
}

// partyLinkForm links or unlinks the party whose page sent it (field id)
// and another listing (field other), as field do says ("link" or
// "unlink"), then shows the party's page again by a redirect, so that a
// refresh does not send the form again. A refused form shows the page with
// the error and what was typed.
func (s *Server) partyLinkForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	id, other, reason := r.PostFormValue("id"), strings.TrimSpace(r.PostFormValue("other")), r.PostFormValue("reason")
	decide := s.Screening.Link
	switch r.PostFormValue("do") {
	case "link":
	case "unlink":
		decide = s.Screening.Unlink
	default:
		s.errorPage(w, r, warden.Errorf(warden.EINVALID, "do must be link or unlink"))
		return
	}
	if _, err := s.Lists.Entity(r.Context(), id, 0); err != nil {
		s.errorPage(w, r, err)
		return
	}
	if _, err := decide(r.Context(), id, other, reason); err != nil {
		status, _, detail := s.status(r, err)
		r.SetPathValue("id", id)
		s.partyView(w, r, status, detail)
		return
	}
	http.Redirect(w, r, "/parties/"+pathID(id)+"#links", http.StatusSeeOther)
}
