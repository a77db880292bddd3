package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"warden"
	"warden/evidence"
)

// The evidence of searches: the records of screenings, as JSON, as pages
// and as PDF. A person sees their own; whoever may read the audit log sees
// everyone's (screening.Service.Screenings).

// screeningFilter reads the list's filters from a query string.
func screeningFilter(q url.Values) (warden.ScreeningFilter, error) {
	f := warden.ScreeningFilter{Actor: q.Get("actor"), Channel: q.Get("channel"), Name: q.Get("name"), MatchesOnly: q.Get("matches") == "true"}
	if len(f.Name) > 200 || len(f.Actor) > 200 {
		return f, warden.Errorf(warden.EINVALID, "name and actor are at most 200 bytes")
	}
	switch f.Channel {
	case "", warden.ChannelUI, warden.ChannelAPI, warden.ChannelBatch, warden.ChannelMatch, warden.ChannelCLI:
	default:
		return f, warden.Errorf(warden.EINVALID, "channel must be ui, api, batch, match or cli")
	}
	for _, d := range []struct {
		name string
		t    *time.Time
		end  bool
	}{{"since", &f.Since, false}, {"until", &f.Until, true}} {
		v := q.Get(d.name)
		if v == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			day, derr := time.Parse("2006-01-02", v)
			if derr != nil {
				return f, warden.Errorf(warden.EINVALID, "%s must be a date (2026-01-31) or an RFC 3339 time", d.name)
			}
			if t = day; d.end {
				t = day.AddDate(0, 0, 1) // until a day: to its end
			}
		}
		*d.t = t
	}
	for _, p := range []struct {
		name string
		v    *int64
	}{{"before", &f.Before}} {
		if v := q.Get(p.name); v != "" {
			n, err := parseDigits(v)
			if err != nil {
				return f, warden.Errorf(warden.EINVALID, "%s: %s", p.name, warden.ErrorMessage(err))
			}
			*p.v = n
		}
	}
	if v := q.Get("limit"); v != "" {
		n, err := parseDigits(v)
		if err != nil || n < 1 || n > 1000 {
			return f, warden.Errorf(warden.EINVALID, "limit must be 1 to 1000")
		}
		f.Limit = int(n)
	}
	return f, nil
}

// screeningID reads the {id} path value.
func screeningID(r *http.Request) (int64, error) {
	id, err := parseDigits(r.PathValue("id"))
	if err != nil {
		return 0, warden.Errorf(warden.ENOTFOUND, "screening %q not found", r.PathValue("id"))
	}
	return id, nil
}

func (s *Server) screeningsAPI(w http.ResponseWriter, r *http.Request) {
	f, err := screeningFilter(r.URL.Query())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	ss, err := s.Screening.Screenings(r.Context(), f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	out := map[string]any{"screenings": ss}
	limit := f.Limit
	if limit == 0 {
		limit = 100 // the store's default
	}
	if len(ss) == limit {
		out["next_before"] = ss[len(ss)-1].ID
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) screeningAPI(w http.ResponseWriter, r *http.Request) {
	id, err := screeningID(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	sc, err := s.Screening.Screening(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sc)
}

// screeningPDF downloads a screening's evidence as a PDF.
func (s *Server) screeningPDF(w http.ResponseWriter, r *http.Request) {
	id, err := screeningID(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	sc, err := s.Screening.Screening(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var b bytes.Buffer
	if err := evidence.ScreeningPDF(&b, sc, s.now()); err != nil {
		s.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="screening-`+strconv.FormatInt(sc.ID, 10)+`.pdf"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(b.Bytes())
}

// screeningsPage lists the screenings the viewer may see, newest first,
// with filters and paging.
func (s *Server) screeningsPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f, err := screeningFilter(q)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	if f.Limit == 0 {
		f.Limit = 50
	}
	ss, err := s.Screening.Screenings(r.Context(), f)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	next := ""
	if len(ss) == f.Limit {
		nq := url.Values{}
		for k, v := range q {
			nq[k] = v
		}
		nq.Set("before", strconv.FormatInt(ss[len(ss)-1].ID, 10))
		next = "/screenings?" + nq.Encode()
	}
	p, _ := warden.PrincipalFrom(r.Context())
	s.render(w, r, http.StatusOK, "screenings", view{Title: "Screenings", Nav: "screenings", Data: map[string]any{
		"Screenings": ss, "Q": q, "Next": next, "All": warden.Allowed(p.Role, warden.ActAuditRead)}})
}

// screeningPage is a screening's evidence, printable, with its PDF.
func (s *Server) screeningPage(w http.ResponseWriter, r *http.Request) {
	id, err := screeningID(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	sc, err := s.Screening.Screening(r.Context(), id)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	var query [][2]string
	if len(sc.Items) == 1 {
		query = evidence.QueryWords(sc.Items[0].Query)
	}
	s.render(w, r, http.StatusOK, "screening", view{Title: "Screening " + strconv.FormatInt(id, 10), Nav: "screenings", Data: map[string]any{
		"S": sc, "How": evidence.ChannelWords(sc.Channel), "Summary": evidence.Summary(sc), "Query": query}})
}
