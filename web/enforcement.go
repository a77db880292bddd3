package web

import (
	"net/http"
	"strconv"

	"warden"
	"warden/enforcement"
	"warden/store"
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

func (s *Server) cases(w http.ResponseWriter, r *http.Request) {
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	cs, err := s.Enforcement.Cases(r.Context(), r.URL.Query().Get("status"), limit)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"cases": cs})
}

func (s *Server) decideCase(confirm bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil {
			s.Error(w, r, warden.Errorf(warden.EINVALID, "case id must be an integer"))
			return
		}
		var req struct {
			Reason string `json:"reason"`
		}
		if r.ContentLength != 0 {
			if err := decodeJSON(w, r, &req); err != nil {
				s.Error(w, r, err)
				return
			}
		}
		c, err := s.Enforcement.DecideCase(r.Context(), id, confirm, req.Reason)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, c)
	}
}

func (s *Server) blockedProperty(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := store.LedgerFilter{EntityID: q.Get("entity"), Holder: q.Get("holder"), Currency: q.Get("currency"), Reference: q.Get("reference")}
	if v := q.Get("after"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			s.Error(w, r, warden.Errorf(warden.EINVALID, "after must be a non-negative integer"))
			return
		}
		f.After = n
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			s.Error(w, r, warden.Errorf(warden.EINVALID, "limit must be between 1 and 1000"))
			return
		}
		f.Limit = n
	}
	es, bs, err := s.Enforcement.Ledger(r.Context(), f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": es, "balances": bs})
}

func (s *Server) createLicence(w http.ResponseWriter, r *http.Request) {
	var l warden.Licence
	if err := decodeJSON(w, r, &l); err != nil {
		s.Error(w, r, err)
		return
	}
	l, err := s.Enforcement.CreateLicence(r.Context(), l)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, l)
}

func (s *Server) licence(w http.ResponseWriter, r *http.Request) {
	l, err := s.Enforcement.Licence(r.Context(), r.PathValue("number"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, l)
}

func (s *Server) proposeRelease(w http.ResponseWriter, r *http.Request) {
	var rel enforcement.Release
	if err := decodeJSON(w, r, &rel); err != nil {
		s.Error(w, r, err)
		return
	}
	ap, err := s.Enforcement.ProposeRelease(r.Context(), rel)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"approval": ap})
}

func (s *Server) recordStake(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Owner   string  `json:"owner"`
		Owned   string  `json:"owned"`
		Percent float64 `json:"percent"`
	}
	if err := decodeJSON(w, r, &req); err != nil {
		s.Error(w, r, err)
		return
	}
	st, err := s.Enforcement.RecordStake(r.Context(), req.Owner, req.Owned, req.Percent)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, st)
}

func (s *Server) stakes(w http.ResponseWriter, r *http.Request) {
	st, err := s.Enforcement.Stakes(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ownership": st})
}
