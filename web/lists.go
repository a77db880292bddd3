package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"warden"
	"warden/match"
)

func (s *Server) listsAPI(w http.ResponseWriter, r *http.Request) {
	ls, err := s.Lists.Lists(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"lists": ls})
}

func (s *Server) versions(w http.ResponseWriter, r *http.Request) {
	vs, err := s.Lists.Versions(r.Context(), r.PathValue("name"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"versions": vs})
}

func (s *Server) entity(w http.ResponseWriter, r *http.Request) {
	version := 0
	if v := r.URL.Query().Get("version"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			s.Error(w, r, warden.Errorf(warden.EINVALID, "version must be a positive integer"))
			return
		}
		version = n
	}
	e, err := s.Lists.Entity(r.Context(), r.PathValue("id"), version)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, e)
}

func (s *Server) listPage(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	vs, err := s.Lists.Versions(r.Context(), name)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	cs, err := s.Lists.Checks(r.Context(), name)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "list", view{Title: "List " + name, Nav: "dashboard", Data: map[string]any{"Name": name, "Versions": vs, "Checks": cs}})
}

func (s *Server) versionPage(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	v, err := atoiStrict(r.PathValue("version"))
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	cs, more, err := s.Lists.Changes(r.Context(), name, v)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "version", view{Title: name + " version", Nav: "dashboard", Data: map[string]any{"List": name, "Version": v, "Changes": cs, "More": more, "Public": s.Lists.IsPublic(name)}})
}

// Party search pages: partyPageSize hits a page, of the best
// partySearchLimit the engine finds.
const (
	partyPageSize    = 50
	partySearchLimit = 500
)

// partiesPage finds parties by name, wallet or identifier with the
// screening engine, reporting weaker hits than screening does, on the
// lists chosen (list, any number) and naming a program (program, matched
// without regard to case), a page at a time (page, from 1).
func (s *Server) partiesPage(w http.ResponseWriter, r *http.Request) {
	uq := r.URL.Query()
	q := strings.TrimSpace(uq.Get("q"))
	program := strings.TrimSpace(uq.Get("program"))
	chosen := uq["list"]
	page := 1
	if v := uq.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > partySearchLimit/partyPageSize {
			s.errorPage(w, r, warden.Errorf(warden.EINVALID, "page must be a number from 1 to %d", partySearchLimit/partyPageSize))
			return
		}
		page = n
	}
	ls, err := s.Lists.Lists(r.Context())
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	known := map[string]bool{}
	for _, l := range ls {
		known[l.Name] = true
	}
	for _, l := range chosen {
		if !known[l] {
			s.errorPage(w, r, warden.Errorf(warden.EINVALID, "list: no list named %q", l))
			return
		}
	}
	var hits []match.Hit
	total := 0
	if q != "" {
		if len(q) > 1000 || len(program) > 200 {
			s.errorPage(w, r, warden.Errorf(warden.EINVALID, "a search is at most 1,000 characters, a program 200"))
			return
		}
		all, err := s.Screening.Screen(r.Context(), match.Query{Names: []string{q}, Wallets: []string{q}, IDs: []string{q}, Lists: chosen},
			match.Options{Limit: partySearchLimit, MinScore: 0.5})
		if err != nil {
			s.errorPage(w, r, err)
			return
		}
		if program != "" {
			all = slices.DeleteFunc(all, func(h match.Hit) bool {
				return !slices.ContainsFunc(h.Entity.Programs, func(p string) bool { return strings.EqualFold(p, program) })
			})
		}
		total = len(all)
		from := min((page-1)*partyPageSize, total)
		hits = all[from:min(from+partyPageSize, total)]
	}
	pageURL := func(n int) string {
		v := url.Values{"q": {q}, "list": chosen, "page": {strconv.Itoa(n)}}
		if program != "" {
			v.Set("program", program)
		}
		return "/parties?" + v.Encode()
	}
	data := map[string]any{"Q": q, "Hits": hits, "Lists": ls, "Chosen": chosen, "Program": program, "Page": page, "Total": total,
		"From": (page-1)*partyPageSize + 1, "To": (page-1)*partyPageSize + len(hits), "Limit": partySearchLimit}
	if page > 1 {
		data["Prev"] = pageURL(page - 1)
	}
	if page*partyPageSize < total {
		data["Next"] = pageURL(page + 1)
	}
	s.render(w, r, http.StatusOK, "parties", view{Title: "Parties", Nav: "parties", Data: data})
}

// pathID writes an id (a party's "list:source_id", which the lists fill
// with anything: "q?x=1#f", "pct%2Fz", "../../admin") as path segments for
// a link to its page: each segment between slashes is path-escaped, and
// "." and ".." segments are escaped too, so that the mux neither cuts the
// id at '?' or '#' nor cleans ".." away into another page. The routes take
// the rest of the path ({id...}), slashes included.
func pathID(id string) string {
	segs := strings.Split(id, "/")
	for i, s := range segs {
		switch s {
		case ".", "..":
			segs[i] = strings.Repeat("%2E", len(s))
		default:
			segs[i] = url.PathEscape(s)
		}
	}
	return strings.Join(segs, "/")
}
