package web

import (
	"fmt"
	"net/http"
	"strconv"

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

func (s *Server) cases(w http.ResponseWriter, r *http.Request) {
	limit, err := queryLimit(r.URL.Query())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	cs, err := s.Enforcement.Cases(r.Context(), warden.CaseStatus(r.URL.Query().Get("status")), limit)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"cases": cs})
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

// casePage is one open case with what an analyst needs to decide it.
type casePage struct {
	warden.Case
	Amount    warden.Money
	Listed    *warden.Entity
	Indicator *warden.IndicatorHit // the explanation of a hit on an indicator
}

// casesPage shows the review queue: open cases oldest first, each with a
// form to confirm or clear it.
func (s *Server) casesPage(w http.ResponseWriter, r *http.Request) {
	s.casesView(w, r, http.StatusOK, "", "")
}

func (s *Server) casesView(w http.ResponseWriter, r *http.Request, status int, flash, errMsg string) {
	ctx := r.Context()
	cs, err := s.Enforcement.Cases(ctx, warden.CaseOpen, 200)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	out := make([]casePage, 0, len(cs))
	for _, c := range cs {
		cp := casePage{Case: c}
		if d, err := s.Enforcement.Transaction(ctx, c.Reference); err == nil {
			cp.Amount = d.Amount
			cp.Indicator = caseIndicator(d, c)
		}
		if e, err := s.Lists.Entity(ctx, c.EntityID, 0); err == nil {
			cp.Listed = e
		}
		out = append(out, cp)
	}
	s.render(w, r, status, "cases", view{Title: "Review queue", Nav: "cases", Flash: flash, Error: errMsg, Data: map[string]any{"Cases": out}})
}

// decideCaseForm confirms or clears a case from the review queue page.
func (s *Server) decideCaseForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.errorPage(w, r, warden.Errorf(warden.EINVALID, "case id must be an integer"))
		return
	}
	op := r.PostFormValue("op")
	if op != "confirm" && op != "clear" {
		s.casesView(w, r, http.StatusBadRequest, "", "choose confirm or clear")
		return
	}
	c, err := s.Enforcement.DecideCase(r.Context(), id, op == "confirm", r.PostFormValue("reason"))
	if err != nil {
		status, _, detail := s.status(r, err)
		s.casesView(w, r, status, "", fmt.Sprintf("Case %d: %s", id, detail))
		return
	}
	msg := fmt.Sprintf("Case %d cleared as a false positive; remembered for this counterparty and listing.", c.ID)
	if op == "confirm" {
		msg = fmt.Sprintf("Case %d confirmed: %s is %s.", c.ID, c.Reference, c.Outcome)
	}
	s.casesView(w, r, http.StatusOK, msg, "")
}
