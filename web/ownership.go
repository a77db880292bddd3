package web

import (
	"fmt"
	"net/http"
	"strings"

	"warden"
)

func (s *Server) recordStake(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Owner   string         `json:"owner"`
		Owned   string         `json:"owned"`
		Percent warden.Percent `json:"percent"`
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

// ownedCompany is a company in the ownership register and what the 50%
// rule makes of it.
type ownedCompany struct {
	Name    string
	Stakes  []warden.Stake
	Blocked bool
	Why     string
}

// ownershipPage shows the recorded ownership by company, whether the 50%
// rule blocks each, and a form to record a stake.
func (s *Server) ownershipPage(w http.ResponseWriter, r *http.Request) {
	s.ownershipView(w, r, http.StatusOK, "", "")
}

func (s *Server) ownershipView(w http.ResponseWriter, r *http.Request, status int, flash, errMsg string) {
	ctx := r.Context()
	st, err := s.Enforcement.Stakes(ctx)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	var companies []*ownedCompany
	byKey := map[string]*ownedCompany{}
	for _, x := range st {
		c := byKey[x.Owned]
		if c == nil {
			c = &ownedCompany{Name: x.OwnedName}
			byKey[x.Owned] = c
			companies = append(companies, c)
		}
		c.Stakes = append(c.Stakes, x)
	}
	for _, c := range companies {
		e, why, err := s.Enforcement.OwnedBlocked(ctx, c.Name)
		if err != nil {
			s.errorPage(w, r, err)
			return
		}
		c.Blocked, c.Why = e != nil, why
	}
	s.render(w, r, status, "ownership", view{Title: "Ownership", Nav: "ownership", Flash: flash, Error: errMsg, Data: map[string]any{"Companies": companies}})
}

// ownershipForm records a stake from the ownership page.
func (s *Server) ownershipForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	pct, err := warden.ParsePercent(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(r.PostFormValue("percent")), "%")))
	if err != nil {
		s.ownershipView(w, r, http.StatusBadRequest, "", warden.ErrorMessage(err))
		return
	}
	st, err := s.Enforcement.RecordStake(r.Context(), r.PostFormValue("owner"), r.PostFormValue("owned"), pct)
	if err != nil {
		status, _, detail := s.status(r, err)
		s.ownershipView(w, r, status, "", detail)
		return
	}
	msg := fmt.Sprintf("Recorded: %s holds %s%% of %s.", st.Owner, st.Percent, st.OwnedName)
	if st.Percent == 0 {
		msg = fmt.Sprintf("Removed %s's stake in %s.", st.Owner, st.OwnedName)
	}
	s.ownershipView(w, r, http.StatusCreated, msg, "")
}
