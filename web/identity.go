package web

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"warden"
)

type tokenRequest struct {
	Name    string      `json:"name"`
	Role    warden.Role `json:"role"`
	Org     string      `json:"org"`
	Expires string      `json:"expires"` // a duration such as 720h, or a date or RFC 3339 time
}

// ParseExpiry reads an expiry as a duration from now (720h) or a date
// (2027-01-31) or time (RFC 3339); nil for "".
func ParseExpiry(v string, now time.Time) (*time.Time, error) {
	if v == "" {
		return nil, nil
	}
	if d, err := time.ParseDuration(v); err == nil {
		t := now.Add(d)
		return &t, nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return &t, nil
		}
	}
	return nil, warden.Errorf(warden.EINVALID, "expiry %q is neither a duration (720h), a date (2027-01-31) nor an RFC 3339 time", v)
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	var req tokenRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.Error(w, r, err)
		return
	}
	exp, err := ParseExpiry(req.Expires, s.now())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	secret, ap, err := s.Auth.CreateToken(r.Context(), req.Name, req.Role, req.Org, exp)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	org := req.Org
	if org == "" {
		org = warden.HomeOrg
	}
	out := map[string]any{"name": req.Name, "role": req.Role, "org": org, "expires_at": exp, "token": secret}
	if ap != nil {
		out["approval"] = ap
		writeJSON(w, http.StatusAccepted, out)
		return
	}
	writeJSON(w, http.StatusCreated, out)
}

func (s *Server) tokens(w http.ResponseWriter, r *http.Request) {
	ts, err := s.Auth.Tokens(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"tokens": ts})
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) {
	if err := s.Auth.RevokeToken(r.Context(), r.PathValue("name"), r.URL.Query().Get("reason")); err != nil {
		s.Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type userRequest struct {
	Name     string      `json:"name"`
	Role     warden.Role `json:"role"`
	Org      string      `json:"org"`
	Password string      `json:"password"`
	Reason   string      `json:"reason"`
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request) {
	var req userRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.Error(w, r, err)
		return
	}
	ap, err := s.Auth.CreateUser(r.Context(), req.Name, req.Role, req.Org, req.Password, req.Reason)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if ap != nil {
		writeJSON(w, http.StatusAccepted, map[string]any{"approval": ap})
		return
	}
	u, err := s.Auth.User(r.Context(), req.Name)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, u)
}

func (s *Server) users(w http.ResponseWriter, r *http.Request) {
	us, err := s.Auth.Users(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": us})
}

func (s *Server) setPassword(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Current  string `json:"current_password"`
		Password string `json:"password"`
	}
	if err := decodeJSON(w, r, &req); err != nil {
		s.Error(w, r, err)
		return
	}
	ap, err := s.Auth.SetPassword(r.Context(), r.PathValue("name"), req.Current, req.Password)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if ap != nil {
		writeJSON(w, http.StatusAccepted, map[string]any{"approval": ap})
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) disableUser(w http.ResponseWriter, r *http.Request) {
	if err := s.Auth.DisableUser(r.Context(), r.PathValue("name"), r.URL.Query().Get("reason")); err != nil {
		s.Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) orgs(w http.ResponseWriter, r *http.Request) {
	os, err := s.Auth.Orgs(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"organisations": os})
}

func (s *Server) org(w http.ResponseWriter, r *http.Request) {
	o, err := s.Auth.Org(r.Context(), r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, o)
}

func (s *Server) createOrg(w http.ResponseWriter, r *http.Request) {
	var req struct {
		ID   string `json:"id"`
		Name string `json:"name"`
		Kind string `json:"kind"`
	}
	if err := decodeJSON(w, r, &req); err != nil {
		s.Error(w, r, err)
		return
	}
	o, err := s.Auth.CreateOrg(r.Context(), req.ID, req.Name, req.Kind)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, o)
}

func (s *Server) approvals(w http.ResponseWriter, r *http.Request) {
	as, err := s.Auth.Approvals.List(r.Context(), r.URL.Query().Get("status"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"approvals": as})
}

func (s *Server) decide(approve bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, reason, err := idAndReason(w, r, "approval")
		if err != nil {
			s.Error(w, r, err)
			return
		}
		ap, err := s.Auth.Approvals.Decide(r.Context(), id, approve, reason)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, ap)
	}
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request) {
	s.usersView(w, r, http.StatusOK, "", "")
}

func (s *Server) usersView(w http.ResponseWriter, r *http.Request, status int, flash, errMsg string) {
	ctx := r.Context()
	us, err := s.Auth.Users(ctx)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	orgs, err := s.Auth.Orgs(ctx)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	var pending []warden.Approval
	if p, _ := warden.PrincipalFrom(ctx); warden.Allowed(p.Role, warden.ActApprovalsRead) {
		if pending, err = s.Auth.Approvals.List(ctx, "pending"); err != nil {
			s.errorPage(w, r, err)
			return
		}
	}
	s.render(w, r, status, "users", view{Title: "Users", Nav: "users", Flash: flash, Error: errMsg,
		Data: map[string]any{"Users": us, "Orgs": orgs, "Roles": warden.Roles, "Approvals": pending}})
}

func (s *Server) usersForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	name := r.PostFormValue("name")
	ap, err := s.Auth.CreateUser(r.Context(), name, warden.Role(r.PostFormValue("role")), r.PostFormValue("org"), r.PostFormValue("password"), "")
	switch {
	case err != nil:
		status, _, detail := s.status(r, err)
		s.usersView(w, r, status, "", detail)
	case ap != nil:
		s.usersView(w, r, http.StatusAccepted, fmt.Sprintf("Adding %s needs a second admin's approval (proposal %d).", name, ap.ID), "")
	default:
		s.usersView(w, r, http.StatusCreated, "Added "+name+".", "")
	}
}

// approvalForm approves or rejects a pending proposal from the users page,
// where admins decide adding privileged people and creating privileged
// tokens (Decide checks approvals.decide, the role and the person).
func (s *Server) approvalForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	op := r.PostFormValue("op")
	switch {
	case err != nil:
		err = warden.Errorf(warden.EINVALID, "proposal id must be an integer")
	case op != "approve" && op != "reject":
		err = warden.Errorf(warden.EINVALID, "choose approve or reject")
	}
	var a warden.Approval
	if err == nil {
		a, err = s.Auth.Approvals.Decide(r.Context(), id, op == "approve", r.PostFormValue("reason"))
	}
	if err != nil {
		status, _, detail := s.status(r, err)
		s.usersView(w, r, status, "", fmt.Sprintf("Proposal %s: %s", r.PathValue("id"), detail))
		return
	}
	s.usersView(w, r, http.StatusOK, fmt.Sprintf("Proposal %d %s.", a.ID, a.Status), "")
}

func (s *Server) tokensPage(w http.ResponseWriter, r *http.Request) {
	s.tokensView(w, r, http.StatusOK, "", "", "")
}

func (s *Server) tokensView(w http.ResponseWriter, r *http.Request, status int, flash, errMsg, secret string) {
	ts, err := s.Auth.Tokens(r.Context())
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	s.render(w, r, status, "tokens", view{Title: "API tokens", Nav: "tokens", Flash: flash, Error: errMsg,
		Data: map[string]any{"Tokens": ts, "Roles": warden.Roles, "Secret": secret}})
}

func (s *Server) tokensForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	name := r.PostFormValue("name")
	var err error
	var secret, flash string
	var ap *warden.Approval
	switch r.PostFormValue("op") {
	case "revoke":
		err = s.Auth.RevokeToken(r.Context(), name, "revoked in the web UI")
		flash = "Revoked " + name + "."
	case "create":
		var exp *time.Time
		if exp, err = ParseExpiry(r.PostFormValue("expires"), s.now()); err == nil {
			secret, ap, err = s.Auth.CreateToken(r.Context(), name, warden.Role(r.PostFormValue("role")), "", exp)
		}
		flash = "Created " + name + "."
		if ap != nil {
			flash = fmt.Sprintf("Token %s needs a second admin's approval (proposal %d); it works once approved.", name, ap.ID)
		}
	default:
		err = warden.Errorf(warden.EINVALID, "unknown operation")
	}
	if err != nil {
		status, _, detail := s.status(r, err)
		s.tokensView(w, r, status, "", detail, "")
		return
	}
	s.tokensView(w, r, http.StatusOK, flash, "", secret)
}
