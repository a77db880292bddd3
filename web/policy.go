package web

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"warden"
	"warden/enforcement"
)

// policy answers the policy in force, with its version and who proposed
// and approved it.
func (s *Server) policy(w http.ResponseWriter, r *http.Request) {
	pv, err := s.Enforcement.CurrentPolicy(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, pv)
}

// policyHistory answers every version of the policy, newest first.
func (s *Server) policyHistory(w http.ResponseWriter, r *http.Request) {
	vs, err := s.Enforcement.PolicyHistory(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"versions": vs})
}

// policyProposal is the body of a proposed policy change.
type policyProposal struct {
	Policy json.RawMessage `json:"policy"`
	Reason string          `json:"reason"`
}

// proposePolicy proposes a new policy; a second sanctions officer
// approves it (POST /v1/approvals/{id}/approve).
func (s *Server) proposePolicy(w http.ResponseWriter, r *http.Request) {
	var req policyProposal
	if err := decode(w, r, enforcement.MaxPolicy+maxJSONBody, &req); err != nil {
		s.Error(w, r, err)
		return
	}
	ap, err := s.Enforcement.ProposePolicy(r.Context(), req.Policy, req.Reason)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"approval": ap})
}

// policyList is one list's row of the policy page.
type policyList struct {
	Name     string
	Note     string
	Default  warden.HitAction
	Programs []policyProgram
}

type policyProgram struct {
	Name   string
	Action warden.HitAction
}

// policyChangeForm is what the proposal form holds, kept after an error.
type policyChangeForm struct {
	Policy, Reason string
}

// policyPage shows the policy in force (list by list, and as JSON), its
// history, the changes waiting for approval, and a form to propose one.
func (s *Server) policyPage(w http.ResponseWriter, r *http.Request) {
	flash := ""
	if id := r.URL.Query().Get("proposed"); id != "" {
		flash = fmt.Sprintf("Proposed as proposal %s: a sanctions officer other than you approves it.", id)
	}
	if id := r.URL.Query().Get("decided"); id != "" {
		flash = fmt.Sprintf("Proposal %s decided: the history below shows the policy in force.", id)
	}
	s.policyView(w, r, http.StatusOK, flash, "", policyChangeForm{})
}

func (s *Server) policyView(w http.ResponseWriter, r *http.Request, status int, flash, errMsg string, form policyChangeForm) {
	ctx := r.Context()
	cur, err := s.Enforcement.CurrentPolicy(ctx)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	history, err := s.Enforcement.PolicyHistory(ctx)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	p, err := enforcement.ParsePolicy(cur.Policy, "policy in force")
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	var lists []policyList
	for _, name := range slices.Sorted(maps.Keys(p.Lists)) {
		lp := p.Lists[name]
		pl := policyList{Name: name, Note: lp.Note, Default: lp.Default}
		for _, prog := range slices.Sorted(maps.Keys(lp.Programs)) {
			pl.Programs = append(pl.Programs, policyProgram{prog, lp.Programs[prog]})
		}
		lists = append(lists, pl)
	}
	other := policyList{Name: "any other list", Default: p.Default}
	for _, prog := range slices.Sorted(maps.Keys(p.Programs)) {
		other.Programs = append(other.Programs, policyProgram{prog, p.Programs[prog]})
	}
	lists = append(lists, other)
	pretty, _ := json.MarshalIndent(p, "", "  ")
	if form.Policy == "" {
		form.Policy = string(pretty)
	}
	var pending []warden.Approval
	if v, _ := warden.PrincipalFrom(ctx); warden.Allowed(v.Role, warden.ActApprovalsRead) {
		aps, err := s.Auth.Approvals.List(ctx, "pending")
		if err != nil {
			s.errorPage(w, r, err)
			return
		}
		for _, a := range aps {
			if a.Action == enforcement.ActionPolicy {
				pending = append(pending, a)
			}
		}
	}
	s.render(w, r, status, "policy", view{Title: "Enforcement policy", Nav: "policy", Flash: flash, Error: errMsg,
		Data: map[string]any{"Current": cur, "Policy": p, "Lists": lists, "JSON": string(pretty), "History": history, "Pending": pending, "Form": form}})
}

// policyProposeForm proposes the policy typed in the form, then shows the page
// again (post/redirect/get); an error shows the form with what was typed.
func (s *Server) policyProposeForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, enforcement.MaxPolicy+maxFormBody)
	form := policyChangeForm{Policy: r.PostFormValue("policy"), Reason: r.PostFormValue("reason")}
	ap, err := s.Enforcement.ProposePolicy(r.Context(), []byte(form.Policy), form.Reason)
	if err != nil {
		status, _, detail := s.status(r, err)
		s.policyView(w, r, status, "", detail, form)
		return
	}
	http.Redirect(w, r, "/policy?proposed="+strconv.FormatInt(ap.ID, 10), http.StatusSeeOther)
}

// policyDecisionForm approves or rejects a proposed policy change.
func (s *Server) policyDecisionForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.errorPage(w, r, warden.Errorf(warden.EINVALID, "proposal id must be an integer"))
		return
	}
	op := r.PostFormValue("op")
	if op != "approve" && op != "reject" {
		s.policyView(w, r, http.StatusBadRequest, "", "choose approve or reject", policyChangeForm{})
		return
	}
	err = s.pendingPolicyChange(r, id)
	if err == nil {
		_, err = s.Auth.Approvals.Decide(r.Context(), id, op == "approve", strings.TrimSpace(r.PostFormValue("reason")))
	}
	if err != nil {
		status, _, detail := s.status(r, err)
		s.policyView(w, r, status, "", fmt.Sprintf("Proposal %d: %s", id, detail), policyChangeForm{})
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/policy?decided=%d", id), http.StatusSeeOther)
}

// pendingPolicyChange checks that proposal id is a policy change waiting
// for a decision: this form decides nothing else.
func (s *Server) pendingPolicyChange(r *http.Request, id int64) error {
	aps, err := s.Auth.Approvals.List(r.Context(), "pending")
	if err != nil {
		return err
	}
	for _, a := range aps {
		if a.ID == id && a.Action == enforcement.ActionPolicy {
			return nil
		}
	}
	return warden.Errorf(warden.ENOTFOUND, "no policy change %d is waiting for a decision", id)
}
