package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"warden"
)

// route is one endpoint or page. The table in routes is the only place
// routes are declared: the mux, the OpenAPI document and the permission
// tests all read it.
type route struct {
	method, path string
	h            http.HandlerFunc
	action       warden.Action // the permission it needs; "" if any principal may call it
	public       bool          // no authentication (probes, login, documentation, assets)
	ui           bool          // an HTML page, not part of the API
	summary      string
	body         string // the request schema, if any (OpenAPI component name)
	resp         string // the success response schema (OpenAPI component name)
	status       int    // the success status; 200 if 0
	params       []param
}

// param is a query parameter, for the OpenAPI document.
type param struct {
	name, typ, desc string
}

// Request body limits.
const (
	maxJSONBody = 64 << 10
	maxFormBody = 64 << 10
)

func (s *Server) routes() []route {
	auditParams := []param{{"actor", "string", "who"}, {"action", "string", `exact action, or a prefix ending in "." such as "token."`},
		{"object", "string", "the object, such as token:ci"}, {"since", "string", "RFC 3339 time, inclusive"}, {"until", "string", "RFC 3339 time, exclusive"},
		{"after", "integer", "events after this sequence number (paging)"}, {"limit", "integer", "at most this many (1-1000)"}}
	return []route{
		{method: "GET", path: "/healthz", h: s.healthz, public: true, summary: "Liveness probe", resp: "Status"},
		{method: "GET", path: "/readyz", h: s.readyz, public: true, summary: "Readiness probe: database reachable, start-up done", resp: "Status"},
		{method: "GET", path: "/openapi.json", h: s.openAPI, public: true, summary: "This OpenAPI 3.1 document", resp: "Object"},
		{method: "GET", path: "/metrics", h: s.metricsPage, action: warden.ActMetricsRead, summary: "Prometheus metrics (text format)", resp: "Text"},
		{method: "GET", path: "/v1/me", h: s.me, summary: "Who the caller is", resp: "Principal"},

		{method: "GET", path: "/v1/lists", h: s.listsAPI, action: warden.ActListsRead, summary: "Lists and their current versions", resp: "Lists"},
		{method: "GET", path: "/v1/lists/{name}/versions", h: s.versions, action: warden.ActListsRead, summary: "Every version of a list and what it changed", resp: "Versions"},
		{method: "GET", path: "/v1/entities/{id...}", h: s.entity, action: warden.ActListsRead, summary: "One listed party (id list:source_id)", resp: "Entity",
			params: []param{{"version", "integer", "the list version (default: current)"}}},

		{method: "POST", path: "/v1/screen", h: s.screen, action: warden.ActScreen, summary: "Screen one name, wallet or identifier", body: "ScreenRequest", resp: "ScreenResponse"},
		{method: "POST", path: "/v1/screen/batch", h: s.screenBatch, action: warden.ActScreen, summary: "Screen up to 10,000 queries", body: "BatchRequest", resp: "BatchResponse"},
		{method: "POST", path: "/match/{dataset}", h: s.yenteMatch, action: warden.ActScreen, summary: "OpenSanctions yente-compatible matching", body: "YenteRequest", resp: "YenteResponse",
			params: []param{{"limit", "integer", "results per query (default 5)"}, {"threshold", "number", "match threshold"}}},

		{method: "GET", path: "/v1/tokens", h: s.tokens, action: warden.ActTokensRead, summary: "API clients' tokens (never their secrets)", resp: "Tokens"},
		{method: "POST", path: "/v1/tokens", h: s.createToken, action: warden.ActTokensManage, summary: "Create a token; the secret is in this response only (an admin or sanctions-officer token needs a second admin's approval: 202, and the secret works once approved)", body: "TokenRequest", resp: "TokenCreated", status: 201},
		{method: "DELETE", path: "/v1/tokens/{name}", h: s.revokeToken, action: warden.ActTokensManage, summary: "Revoke a token", status: 204,
			params: []param{{"reason", "string", "why, for the audit log"}}},

		{method: "GET", path: "/v1/users", h: s.users, action: warden.ActUsersRead, summary: "People and their roles", resp: "Users"},
		{method: "POST", path: "/v1/users", h: s.createUser, action: warden.ActUsersManage, summary: "Add a person (an admin or sanctions officer needs a second admin's approval: 202)", body: "UserRequest", resp: "User", status: 201},
		{method: "PUT", path: "/v1/users/{name}/password", h: s.setPassword, summary: "Change one's own password (with the current one), or reset anyone's as admin", body: "PasswordRequest", status: 204},
		{method: "DELETE", path: "/v1/users/{name}", h: s.disableUser, action: warden.ActUsersManage, summary: "Disable a person", status: 204,
			params: []param{{"reason", "string", "why, for the audit log"}}},

		{method: "GET", path: "/v1/organisations", h: s.orgs, action: warden.ActOrgsRead, summary: "Organisations (a counterpart sees its own only)", resp: "Organisations"},
		{method: "POST", path: "/v1/organisations", h: s.createOrg, action: warden.ActOrgsManage, summary: "Add a counterpart organisation", body: "OrganisationRequest", resp: "Organisation", status: 201},
		{method: "GET", path: "/v1/organisations/{id}", h: s.org, action: warden.ActOrgsRead, summary: "One organisation (404 for a counterpart asking about another)", resp: "Organisation"},

		{method: "GET", path: "/v1/approvals", h: s.approvals, action: warden.ActApprovalsRead, summary: "Four-eyes proposals", resp: "Approvals",
			params: []param{{"status", "string", "pending, approved or rejected"}}},
		{method: "POST", path: "/v1/approvals/{id}/approve", h: s.decide(true), action: warden.ActApprovalsDecide, summary: "Approve another person's proposal (carries it out)", body: "ReasonRequest", resp: "Approval"},
		{method: "POST", path: "/v1/approvals/{id}/reject", h: s.decide(false), action: warden.ActApprovalsDecide, summary: "Reject another person's proposal", body: "ReasonRequest", resp: "Approval"},

		{method: "GET", path: "/v1/audit", h: s.auditAPI, action: warden.ActAuditRead, summary: "Audit events, oldest first", resp: "AuditEvents", params: auditParams},
		{method: "GET", path: "/v1/audit/export", h: s.auditExport, action: warden.ActAuditRead, summary: "Audit events as JSON lines", resp: "JSONLines", params: auditParams},

		{method: "POST", path: "/v1/transactions", h: s.screenTransaction, action: warden.ActTxScreen, summary: "Screen a payment before it moves: cleared, held, blocked or rejected (idempotent by reference)", body: "Transaction", resp: "TxDecision"},
		{method: "GET", path: "/v1/transactions/{reference...}", h: s.transaction, action: warden.ActCasesRead, summary: "A payment's first decision and its status now", resp: "TxDecision"},
		{method: "GET", path: "/v1/cases", h: s.cases, action: warden.ActCasesRead, summary: "The review queue", resp: "Cases",
			params: []param{{"status", "string", "open, confirmed or cleared"}, {"limit", "integer", "at most this many (1-1000)"}}},
		{method: "POST", path: "/v1/cases/{id}/confirm", h: s.decideCase(true), action: warden.ActCasesDecide, summary: "Confirm a hit: the payment is blocked or rejected by policy", body: "ReasonRequest", resp: "Case"},
		{method: "POST", path: "/v1/cases/{id}/clear", h: s.decideCase(false), action: warden.ActCasesDecide, summary: "Clear a hit as a false positive (reason required; remembered)", body: "ReasonRequest", resp: "Case"},
		{method: "GET", path: "/v1/blocked-property", h: s.blockedProperty, action: warden.ActLedgerRead, summary: "The blocked-property ledger and its balances", resp: "Ledger",
			params: []param{{"entity", "string", "listed party id"}, {"holder", "string", "account"}, {"currency", "string", "ISO 4217"}, {"reference", "string", "payment reference"},
				{"after", "integer", "entries after this sequence number (paging)"}, {"limit", "integer", "at most this many (1-1000)"}}},
		{method: "POST", path: "/v1/licences", h: s.createLicence, action: warden.ActLicencesManage, summary: "Record a general or specific licence", body: "Licence", resp: "Licence", status: 201},
		{method: "GET", path: "/v1/licences", h: s.licences, action: warden.ActLedgerRead, summary: "Every licence, newest first", resp: "Licences"},
		{method: "GET", path: "/v1/licences/{number...}", h: s.licence, action: warden.ActLedgerRead, summary: "One licence", resp: "Licence"},
		{method: "POST", path: "/v1/ownership", h: s.recordStake, action: warden.ActOwnershipManage, summary: "Record that a listed party or a company owns a share of a company (the 50% rule); percent 0 removes it", body: "StakeRequest", resp: "Stake", status: 201},
		{method: "GET", path: "/v1/ownership", h: s.stakes, action: warden.ActLedgerRead, summary: "Recorded ownership", resp: "Stakes"},
		{method: "GET", path: "/v1/reports/initial", h: s.report(s.initialReport), action: warden.ActLedgerRead, summary: "Initial blocked-property reports: one per blocking, with its 10-business-day deadline", resp: "Report",
			params: []param{{"format", "string", "json (default), csv or html (printable)"}}},
		{method: "GET", path: "/v1/reports/annual", h: s.report(s.annualReport), action: warden.ActLedgerRead, summary: "Annual report of blocked property as of June 30", resp: "Report",
			params: []param{{"year", "integer", "the year (default: this year)"}, {"format", "string", "json (default), csv or html (printable)"}}},
		{method: "GET", path: "/v1/reports/rejected", h: s.report(s.rejectedReport), action: warden.ActLedgerRead, summary: "Rejected-transaction report", resp: "Report",
			params: []param{{"since", "string", "date YYYY-MM-DD (default: all)"}, {"format", "string", "json (default), csv or html (printable)"}}},
		{method: "POST", path: "/v1/customers", h: s.onboard, action: warden.ActCustomersAdd, summary: "Onboard a customer: screened with the payments' policy (cleared, held, blocked or rejected); idempotent by id", body: "Customer", resp: "Customer", status: 201},
		{method: "POST", path: "/v1/customers/import", h: s.importCustomers, action: warden.ActCustomersAdd, summary: "Onboard customers from CSV (text/csv; header id,schema,name,country,birth_date,account,wallet,identifiers)", body: "CSV", resp: "CustomerImport"},
		{method: "POST", path: "/v1/customers/rescreen", h: s.rescreenCustomers, action: warden.ActCustomersAdd, summary: "Screen every cleared customer again against the current lists now (the server also does it whenever the lists change)", resp: "Rescreen"},
		{method: "GET", path: "/v1/customers", h: s.customers, action: warden.ActCustomersRead, summary: "The customer register with each customer's status", resp: "Customers",
			params: []param{{"status", "string", "cleared, held, blocked or rejected"}, {"after", "string", "customers after this id (paging)"}, {"limit", "integer", "at most this many (1-1000)"}}},
		{method: "GET", path: "/v1/customers/{id...}", h: s.customer, action: warden.ActCustomersRead, summary: "One customer, its onboarding decision and status now", resp: "Customer"},
		{method: "POST", path: "/v1/releases", h: s.proposeRelease, action: warden.ActReleasesPropose, summary: "Propose releasing blocked property under a licence (a sanctions officer approves)", body: "Release", resp: "ApprovalPending", status: 202},

		// The UI.
		{method: "GET", path: "/static/", h: s.static, public: true, ui: true},
		{method: "GET", path: "/docs/api", h: s.apiReference, public: true, ui: true},
		{method: "GET", path: "/login", h: s.loginPage, public: true, ui: true},
		{method: "POST", path: "/login", h: s.login, public: true, ui: true},
		{method: "POST", path: "/logout", h: s.logout, ui: true},
		{method: "GET", path: "/account", h: s.accountPage, ui: true},
		{method: "POST", path: "/account", h: s.accountForm, ui: true},
		{method: "GET", path: "/{$}", h: s.dashboard, action: warden.ActListsRead, ui: true},
		{method: "GET", path: "/lists/{name}", h: s.listPage, action: warden.ActListsRead, ui: true},
		{method: "GET", path: "/lists/{name}/versions/{version}", h: s.versionPage, action: warden.ActListsRead, ui: true},
		{method: "GET", path: "/parties", h: s.partiesPage, action: warden.ActListsRead, ui: true},
		{method: "GET", path: "/parties/{id...}", h: s.partyPage, action: warden.ActListsRead, ui: true},
		{method: "GET", path: "/screen", h: s.screenPage, action: warden.ActScreen, ui: true},
		{method: "POST", path: "/screen", h: s.screenForm, action: warden.ActScreen, ui: true},
		{method: "GET", path: "/admin/users", h: s.usersPage, action: warden.ActUsersRead, ui: true},
		{method: "POST", path: "/admin/users", h: s.usersForm, action: warden.ActUsersManage, ui: true},
		{method: "POST", path: "/admin/approvals/{id}", h: s.approvalForm, action: warden.ActUsersManage, ui: true},
		{method: "GET", path: "/admin/tokens", h: s.tokensPage, action: warden.ActTokensRead, ui: true},
		{method: "POST", path: "/admin/tokens", h: s.tokensForm, action: warden.ActTokensManage, ui: true},
		{method: "GET", path: "/cases", h: s.casesPage, action: warden.ActCasesRead, ui: true},
		{method: "POST", path: "/cases/{id}", h: s.decideCaseForm, action: warden.ActCasesDecide, ui: true},
		{method: "GET", path: "/licences", h: s.licencesPage, action: warden.ActLedgerRead, ui: true},
		{method: "POST", path: "/licences", h: s.licenceForm, action: warden.ActLicencesManage, ui: true},
		{method: "POST", path: "/releases", h: s.releaseForm, action: warden.ActReleasesPropose, ui: true},
		{method: "POST", path: "/releases/{id}", h: s.releaseDecisionForm, action: warden.ActApprovalsDecide, ui: true},
		{method: "GET", path: "/ownership", h: s.ownershipPage, action: warden.ActLedgerRead, ui: true},
		{method: "POST", path: "/ownership", h: s.ownershipForm, action: warden.ActOwnershipManage, ui: true},
		{method: "GET", path: "/customers", h: s.customersPage, action: warden.ActCustomersRead, ui: true},
		{method: "GET", path: "/ledger", h: s.ledgerPage, action: warden.ActLedgerRead, ui: true},
		{method: "GET", path: "/audit", h: s.auditPage, action: warden.ActAuditRead, ui: true},
	}
}

func urlPath(r *http.Request) string { return url.QueryEscape(r.URL.RequestURI()) }

// decodeJSON reads a small JSON body into v.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	return decode(w, r, maxJSONBody, v)
}

func (s *Server) me(w http.ResponseWriter, r *http.Request) {
	p, _ := warden.PrincipalFrom(r.Context())
	var can []warden.Action
	for a := range warden.Permissions {
		if warden.Allowed(p.Role, a) {
			can = append(can, a)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"name": p.Name, "role": p.Role, "org": p.Org, "kind": p.Kind, "person": p.PersonName(), "permissions": can})
}

func (s *Server) listsAPI(w http.ResponseWriter, r *http.Request) {
	ls, err := s.lists.Lists(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"lists": ls})
}

func (s *Server) versions(w http.ResponseWriter, r *http.Request) {
	vs, err := s.lists.Versions(r.Context(), r.PathValue("name"))
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
	e, err := s.lists.Entity(r.Context(), r.PathValue("id"), version)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, e)
}

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
		ap.Payload = nil
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
		ap.Payload = nil
		writeJSON(w, http.StatusAccepted, map[string]any{"approval": ap})
		return
	}
	u, err := s.DB.User(r.Context(), req.Name)
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
	if err := s.Auth.SetPassword(r.Context(), r.PathValue("name"), req.Current, req.Password); err != nil {
		s.Error(w, r, err)
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

// idAndReason reads a decision's {id} path value and its optional JSON
// body {"reason": "..."}; what names the object for the error.
func idAndReason(w http.ResponseWriter, r *http.Request, what string) (int64, string, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, "", warden.Errorf(warden.EINVALID, "%s id must be an integer", what)
	}
	var req struct {
		Reason string `json:"reason"`
	}
	if r.ContentLength != 0 {
		if err := decodeJSON(w, r, &req); err != nil {
			return 0, "", err
		}
	}
	return id, req.Reason, nil
}

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

// queryLimit reads the limit query parameter: 1 to 1000, 0 if absent.
func queryLimit(q url.Values) (int, error) {
	v := q.Get("limit")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 1000 {
		return 0, warden.Errorf(warden.EINVALID, "limit must be between 1 and 1000")
	}
	return n, nil
}

func (s *Server) auditAPI(w http.ResponseWriter, r *http.Request) {
	f, err := auditFilter(r.URL.Query())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	evs, err := s.audit.Events(r.Context(), f)
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
	if _, err := s.audit.Export(r.Context(), f, w); err != nil {
		s.Log.Error("audit export", "id", RequestID(r.Context()), "err", err)
	}
}

// jsonString is v as JSON, for templates.
func jsonString(v any) string {
	b, _ := json.MarshalIndent(v, "", "  ")
	return strings.TrimSpace(string(b))
}
