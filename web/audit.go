package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"warden"
)

// auditFilter reads the audit filters from the query string.
func auditFilter(q url.Values) (warden.AuditFilter, error) {
	f := warden.AuditFilter{Actor: q.Get("actor"), Action: q.Get("action"), Object: q.Get("object")}
	for _, t := range []struct {
		key string
		dst *time.Time
	}{{"since", &f.Since}, {"until", &f.Until}} {
		if v := q.Get(t.key); v != "" {
			tm, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return f, warden.Errorf(warden.EINVALID, "%s must be an RFC 3339 time", t.key)
			}
			*t.dst = tm
		}
	}
	for _, n := range []struct {
		key string
		dst *int64
	}{{"after", &f.After}} {
		if v := q.Get(n.key); v != "" {
			x, err := strconv.ParseInt(v, 10, 64)
			if err != nil || x < 0 {
				return f, warden.Errorf(warden.EINVALID, "%s must be a non-negative integer", n.key)
			}
			*n.dst = x
		}
	}
	var err error
	f.Limit, err = queryLimit(q)
	return f, err
}

func (s *Server) auditAPI(w http.ResponseWriter, r *http.Request) {
	f, err := auditFilter(r.URL.Query())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	evs, err := s.Audit.Events(r.Context(), f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"events": evs})
}

func (s *Server) auditExport(w http.ResponseWriter, r *http.Request) {
	f, err := auditFilter(r.URL.Query())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if _, err := warden.Authorize(r.Context(), warden.ActAuditRead); err != nil {
		s.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/jsonl")
	w.Header().Set("Content-Disposition", `attachment; filename="audit.jsonl"`)
	if _, err := s.Audit.Export(r.Context(), f, w); err != nil {
		s.Log.Error("audit export", "id", RequestID(r.Context()), "err", err)
	}
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) {
	f, err := auditFilter(r.URL.Query())
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	f.Limit = 0
	evs, err := s.Audit.Events(r.Context(), f)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	// Newest first on the page.
	for i, j := 0, len(evs)-1; i < j; i, j = i+1, j-1 {
		evs[i], evs[j] = evs[j], evs[i]
	}
	s.render(w, r, http.StatusOK, "audit", view{Title: "Audit log", Nav: "audit", Data: map[string]any{"Events": evs, "Actor": f.Actor, "Action": f.Action}})
}
