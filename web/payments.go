package web

import (
	"net/http"

	"warden"
)

func (s *Server) screenTransaction(w http.ResponseWriter, r *http.Request) {
	var t warden.Transaction
	if err := decodeJSON(w, r, &t); err != nil {
		s.Error(w, r, err)
		return
	}
	d, existed, err := s.Enforcement.Screen(r.Context(), t)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if existed {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	writeJSON(w, http.StatusOK, d)
}

func (s *Server) transaction(w http.ResponseWriter, r *http.Request) {
	d, err := s.Enforcement.Transaction(r.Context(), r.PathValue("reference"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

func (s *Server) decideCase(confirm bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, reason, err := idAndReason(w, r, "case")
		if err != nil {
			s.Error(w, r, err)
			return
		}
		c, err := s.Enforcement.DecideCase(r.Context(), id, confirm, reason)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, c)
	}
}
